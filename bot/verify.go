package bot

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Discord signs every request it sends to an interactions endpoint with
// the application's Ed25519 key: X-Signature-Ed25519 is the signature, in
// hex, of X-Signature-Timestamp followed by the body.
const (
	headerSignature = "X-Signature-Ed25519"
	headerTimestamp = "X-Signature-Timestamp"
)

// Limits on requests to the interactions endpoint.
const (
	// MaxInteractionBody is the largest request body the endpoint reads:
	// an interaction with everything resolved is a few kilobytes.
	MaxInteractionBody = 1 << 20
	// MaxClockSkew is how far a request's signed timestamp may be from
	// the endpoint's clock, either way: an older request is a replay.
	MaxClockSkew = 5 * time.Minute
)

// Errors of verifyInteraction: each means a 401 (or 413 for the size).
var (
	errNoSignature  = errors.New("no signature: X-Signature-Ed25519 and X-Signature-Timestamp are required")
	errBadSignature = errors.New("the signature does not match the body and timestamp")
	errStale        = errors.New("the signed timestamp is too far from now")
	errTooLarge     = errors.New("the request body is too large")
)

// ParsePublicKey reads an application's public key as the developer
// portal shows it: 64 hex digits.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("not an Ed25519 public key (64 hex digits)")
	}
	return ed25519.PublicKey(b), nil
}

// readVerified reads r's body, at most MaxInteractionBody bytes, and checks
// that Discord signed it with pub, at a time within MaxClockSkew of now.
// discordgo's VerifyInteraction checks the signature only: without the
// time check, a request once captured could be replayed for ever.
func readVerified(r *http.Request, pub ed25519.PublicKey, now time.Time) ([]byte, error) {
	sig, ts := r.Header.Get(headerSignature), r.Header.Get(headerTimestamp)
	if sig == "" || ts == "" {
		return nil, errNoSignature
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxInteractionBody+1))
	if err != nil {
		return nil, fmt.Errorf("read the request: %w", err)
	}
	if len(body) > MaxInteractionBody {
		return nil, errTooLarge
	}
	raw, err := hex.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return nil, errBadSignature
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(pub, msg, raw) {
		return nil, errBadSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, errStale
	}
	if d := now.Sub(time.Unix(secs, 0)); d > MaxClockSkew || d < -MaxClockSkew {
		return nil, errStale
	}
	return body, nil
}
