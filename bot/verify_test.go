package bot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// signed returns a request to the endpoint signed with priv at ts.
func signed(priv ed25519.PrivateKey, ts string, body []byte) *httptestRequest {
	sig := ed25519.Sign(priv, append([]byte(ts), body...))
	return &httptestRequest{body: body, sig: hex.EncodeToString(sig), ts: ts}
}

type httptestRequest struct {
	body    []byte
	sig, ts string
}

func TestReadVerified(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, other, _ := ed25519.GenerateKey(nil)
	now := time.Unix(1_800_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	body := []byte(`{"type":1}`)
	good := signed(priv, ts, body)
	tests := []struct {
		name string
		req  *httptestRequest
		want error
	}{
		{"signed now", good, nil},
		{"signed 4 minutes ago", signed(priv, strconv.FormatInt(now.Unix()-240, 10), body), nil},
		{"no signature", &httptestRequest{body: body, ts: ts}, errNoSignature},
		{"no timestamp", &httptestRequest{body: body, sig: good.sig}, errNoSignature},
		{"another key", signed(other, ts, body), errBadSignature},
		{"body changed", &httptestRequest{body: []byte(`{"type":2}`), sig: good.sig, ts: ts}, errBadSignature},
		{"timestamp changed", &httptestRequest{body: body, sig: good.sig, ts: strconv.FormatInt(now.Unix()+1, 10)}, errBadSignature},
		{"signature not hex", &httptestRequest{body: body, sig: "zz" + good.sig[2:], ts: ts}, errBadSignature},
		{"signature short", &httptestRequest{body: body, sig: good.sig[:64], ts: ts}, errBadSignature},
		{"signed 6 minutes ago", signed(priv, strconv.FormatInt(now.Unix()-360, 10), body), errStale},
		{"signed 6 minutes ahead", signed(priv, strconv.FormatInt(now.Unix()+360, 10), body), errStale},
		{"timestamp not a number", signed(priv, "yesterday", body), errStale},
		{"too large", signed(priv, ts, bytes.Repeat([]byte("x"), MaxInteractionBody+1)), errTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/interactions", bytes.NewReader(tt.req.body))
			if tt.req.sig != "" {
				r.Header.Set(headerSignature, tt.req.sig)
			}
			if tt.req.ts != "" {
				r.Header.Set(headerTimestamp, tt.req.ts)
			}
			got, err := readVerified(r, pub, now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("readVerified = %v; want %v", err, tt.want)
			}
			if err == nil && !bytes.Equal(got, tt.req.body) {
				t.Errorf("readVerified body = %q; want %q", got, tt.req.body)
			}
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	h := hex.EncodeToString(pub)
	if got, err := ParsePublicKey(" " + strings.ToUpper(h) + " "); err != nil || !bytes.Equal(got, pub) {
		t.Errorf("ParsePublicKey(%q) = %x, %v", h, got, err)
	}
	for _, bad := range []string{"", "abc", h[:62], h + "00", "g" + h[1:]} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("ParsePublicKey(%q) = nil error; want one", bad)
		}
	}
}

// FuzzReadVerified checks that no header or body makes verification
// panic, and that only a correctly signed, fresh request passes.
func FuzzReadVerified(f *testing.F) {
	seed := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	pub := seed.Public().(ed25519.PublicKey)
	now := time.Unix(1_800_000_000, 0)
	f.Add("1800000000", hex.EncodeToString(ed25519.Sign(seed, []byte(`1800000000{"type":1}`))), []byte(`{"type":1}`))
	f.Add("", "", []byte{})
	f.Add("-99999999999999999999", "00", []byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		r := httptest.NewRequest("POST", "/interactions", bytes.NewReader(body))
		r.Header.Set(headerSignature, sig)
		r.Header.Set(headerTimestamp, ts)
		got, err := readVerified(r, pub, now)
		if err != nil {
			return
		}
		raw, _ := hex.DecodeString(sig)
		if !ed25519.Verify(pub, append([]byte(ts), body...), raw) || !bytes.Equal(got, body) {
			t.Fatalf("accepted a request that is not signed: ts %q sig %q", ts, sig)
		}
	})
}
