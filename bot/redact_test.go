package bot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

const (
	testBotToken         = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
	testInteractionToken = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5OjEyMzQ1Njc4OTA6c2VjcmV0"
)

func TestRedact(t *testing.T) {
	r := newRedactor("plain-secret-token")
	tests := []struct {
		in, want string
	}{
		{`Post "https://discord.com/api/v9/interactions/123/` + testInteractionToken + `/callback": EOF`,
			`Post "https://discord.com/api/v9/interactions/123/[redacted]/callback": EOF`},
		{`Patch "https://discord.com/api/v9/webhooks/1/opaque-webhook-token/messages/@original": EOF`,
			`Patch "https://discord.com/api/v9/webhooks/1/[redacted]/messages/@original": EOF`},
		{"/webhooks/1/tok?wait=true", "/webhooks/1/[redacted]?wait=true"},
		{"%2Finteractions%2F1%2Fsecret%2Fcallback", "%2Finteractions%2F1%2F[redacted]"},
		{"https://user:p@ss@proxy.example/api/v9", "https://[redacted]@proxy.example/api/v9"},
		{"https://proxy.example/api/v9?token=s3cr3t&x=1#frag", "https://proxy.example/api/v9?token=[redacted]&x=[redacted]#frag"},
		{"Authorization: Bot " + testBotToken, "Authorization: [redacted]"},
		{"header Bot abcdefghijklmnopqrstuvwxyz", "header Bot [redacted]"},
		{"the token " + testBotToken + " leaked", "the token [redacted] leaked"},
		{"id " + testInteractionToken, "id [redacted]"},
		{"password=hunter22 and api_key: abc123", "password=[redacted] and api_key: [redacted]"},
		{`{"token":"abcdef"}`, `{"token":"[redacted]"}`},
		{"uses plain-secret-token here", "uses [redacted] here"},
		{"nothing to hide: 3 results in 12ms for user 1100000000000000200", "nothing to hide: 3 results in 12ms for user 1100000000000000200"},
		{"POST /interactions/{interaction_id}/{interaction_token}/callback", "POST /interactions/{interaction_id}/[redacted]/callback"},
	}
	for _, tt := range tests {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactError(t *testing.T) {
	r := newRedactor(testBotToken)
	base := errors.New("boom")
	err := r.Error(fmt.Errorf("post /interactions/1/%s/callback: %w", testInteractionToken, base))
	if strings.Contains(err.Error(), testInteractionToken) {
		t.Errorf("Error() = %q holds the token", err)
	}
	if !errors.Is(err, base) {
		t.Errorf("errors.Is(%v, base) = false; want the wrapped error kept", err)
	}
	if r.Error(nil) != nil {
		t.Error("Error(nil) != nil")
	}
}

// TestRedactHandler logs secrets every way slog allows: none may come out.
func TestRedactHandler(t *testing.T) {
	var buf bytes.Buffer
	r := newRedactor(testBotToken)
	log := slog.New(redactHandler{next: slog.NewJSONHandler(&buf, nil), r: r})
	u := "https://discord.com/api/v9/interactions/1/" + testInteractionToken + "/callback"
	log.Error("request "+u, "error", &url.Error{Op: "Post", URL: u, Err: io.EOF}, "url", u,
		"list", []string{u}, slog.Group("g", "token", testBotToken), "n", 3)
	log.With("api", "https://user:pw1234@example.com/api?key=k3y").WithGroup("grp").Info("x", "y", testBotToken)
	out := buf.String()
	for _, secret := range []string{testInteractionToken, testBotToken, "pw1234", "k3y"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{`"n":3`, `EOF`, `[redacted]`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

// FuzzRedact puts a token wherever Discord's URLs carry one, in any text:
// it must not survive, and redacting twice changes nothing more.
func FuzzRedact(f *testing.F) {
	f.Add("Post \"https://discord.com/api/v9/interactions/1/", "aW50ZXJhY3Rpb24xyz", "/callback\": EOF")
	f.Add("PATCH https://x/webhooks/9/", "tok-en_1", "/messages/@original")
	f.Add("https://", "user:pass", "@host/")
	f.Add("https://host/?a=", "secretvalue", "&b=2")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, prefix, token, suffix string) {
		r := newRedactor(testBotToken)
		out := r.String(prefix + token + suffix)
		if r.String(out) != out {
			t.Errorf("redacting twice changed %q to %q", out, r.String(out))
		}
		if strings.Contains(out, testBotToken) {
			t.Errorf("String(%q) = %q holds the bot token", prefix+token+suffix, out)
		}
		// A token in a URL's token position never survives.
		if token == "" || strings.ContainsAny(token, "/?#\\\"'<> \t\n\r\f\v%") || strings.Contains(token, "[redacted]") {
			return
		}
		for _, tt := range []struct{ tmpl, needle string }{
			{"Post \"https://discord.com/api/v9/interactions/1/%s/callback\": EOF", "/interactions/1/" + token + "/"},
			{"https://discord.com/api/v9/webhooks/2/%s/messages/@original", "/webhooks/2/" + token + "/"},
			{"https://discord.com/api/v9/webhooks/2/%s", "/webhooks/2/" + token + " "},
			{"https://h.example/api?token=%s", "token=" + token},
		} {
			s := prefix + " " + fmt.Sprintf(tt.tmpl, token) + " " + suffix
			if out := r.String(s); strings.Contains(out+" ", tt.needle) {
				t.Errorf("String(%q) = %q holds the token %q", s, out, token)
			}
		}
	})
}
