package bot

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// redacted replaces a secret in logs and errors.
const redacted = "[redacted]"

// Patterns of credentials that may appear in a URL, an error or a log line.
var (
	// The token after /interactions/{id}/ and /webhooks/{id}/: an
	// interaction token is a credential for 15 minutes, a webhook token for
	// ever. Path segments end at /, ?, #, white space or quotes; escaped
	// slashes (%2F) count as slashes.
	pathTokenRE = regexp.MustCompile(`(?i)((?:/|%2F)(?:interactions|webhooks)(?:/|%2F)[^/?#\s"'<>\\%]*(?:/|%2F))([^/?#\s"'<>\\]+)`)
	// User information in a URL: scheme://user:password@host.
	userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s"'<>]*@`)
	// The query of a URL: every value is hidden, since a query may carry a
	// token under any name.
	urlQueryRE   = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^?#\s"'<>]*\?)([^#\s"'<>]*)`)
	queryValueRE = regexp.MustCompile(`=[^&;]*`)
	// key=value and "key": "value" pairs whose key names a secret, outside URLs.
	secretPairRE = regexp.MustCompile(`(?i)((?:token|secret|password|passwd|pwd|api[_-]?key|access[_-]?key|auth|authorization|signature|sig)["']?\s*[=:]\s*["']?)(?:(?:Bot|Bearer)\s+)?[^\s"'&,;}]+`)
	// Authorization header values.
	authHeaderRE = regexp.MustCompile(`\b(Bot|Bearer)\s+[A-Za-z0-9._~+/=-]{20,}`)
	// Discord bot tokens (user ID in base64, timestamp, HMAC) and
	// interaction tokens (base64 of "interaction:...").
	botTokenRE         = regexp.MustCompile(`[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}`)
	interactionTokenRE = regexp.MustCompile(`aW50ZXJhY3Rpb24[A-Za-z0-9_-]*`)
)

// redactor removes credentials from text: the bot token it is given, the
// tokens of interaction and webhook URLs, user information and query values
// of URLs, secret-named key=value pairs, and anything shaped like a Discord
// bot or interaction token.
type redactor struct {
	secrets []string // exact strings to hide, longest first
}

// newRedactor returns a redactor that also hides each of secrets (empty
// ones are ignored).
func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	for _, s := range secrets {
		if s = strings.TrimSpace(s); len(s) >= 4 {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// String returns s with every credential replaced by "[redacted]".
func (r *redactor) String(s string) string {
	if r != nil {
		for _, secret := range r.secrets {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	s = pathTokenRE.ReplaceAllString(s, "${1}"+redacted)
	s = userinfoRE.ReplaceAllString(s, "${1}"+redacted+"@")
	s = urlQueryRE.ReplaceAllStringFunc(s, func(m string) string {
		i := strings.IndexByte(m, '?')
		return m[:i+1] + queryValueRE.ReplaceAllString(m[i+1:], "="+redacted)
	})
	s = secretPairRE.ReplaceAllString(s, "${1}"+redacted)
	s = authHeaderRE.ReplaceAllString(s, "${1} "+redacted)
	s = botTokenRE.ReplaceAllString(s, redacted)
	s = interactionTokenRE.ReplaceAllString(s, redacted)
	return s
}

// Error returns err with a redacted message; errors.Is and errors.As still
// see err. It returns nil for nil.
func (r *redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := r.String(err.Error())
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactHandler is a slog.Handler that redacts the message and every
// attribute before passing a record on.
type redactHandler struct {
	next slog.Handler
	r    *redactor
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return redactHandler{next: h.next.WithAttrs(clean), r: h.r}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{next: h.next.WithGroup(name), r: h.r}
}

// attr redacts one attribute: strings, errors, string slices and anything
// whose printed form holds a credential.
func (h redactHandler) attr(a slog.Attr) slog.Attr {
	a.Key = h.r.String(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = h.attr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, h.r.String(x.Error()))
		case []string:
			clean := make([]string, len(x))
			for i, s := range x {
				clean[i] = h.r.String(s)
			}
			return slog.Any(a.Key, clean)
		default:
			s := fmt.Sprint(x)
			if c := h.r.String(s); c != s {
				return slog.String(a.Key, c)
			}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
