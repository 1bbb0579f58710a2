package discordtest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"path"
	"time"
)

// Fault is a failure the server serves instead of (or, with AfterHandling,
// after) handling matching REST requests: a 5xx status, as Discord and
// Cloudflare answer when Discord is in trouble, or a connection closed
// without a response, as when the network fails. Rate limits are checked
// first: a request that gets a 429 meets no fault.
type Fault struct {
	// Method is the HTTP method to match; empty matches any.
	Method string
	// Pattern matches the path below /api/v9 with path.Match syntax, where
	// * matches one path segment: "/channels/*/messages",
	// "/interactions/*/*/callback", "/webhooks/*/*/messages/*".
	Pattern string
	// Status is the status to answer with, such as 500, 502, 503 or 504.
	// Zero means Drop.
	Status int
	// Drop closes the connection without writing a response; the client
	// sees EOF or a reset. It is implied when Status is zero.
	Drop bool
	// AfterHandling handles the request (a message is created, an
	// interaction is acknowledged) and then fails it, so the client cannot
	// know it succeeded; otherwise the request changes nothing.
	AfterHandling bool
	// Count is how many requests fail; zero means no limit, until
	// ClearFaults.
	Count int
	// Fraction, if positive, fails only this fraction of matching
	// requests, chosen by a pseudo-random sequence seeded with Seed, so a
	// run is reproducible; zero fails every matching request.
	Fraction float64
	Seed     uint64
}

type faultRule struct {
	Fault
	served int
	rng    *rand.Rand
}

// InjectFault makes matching REST requests fail as f describes. Faults are
// tried in the order injected; the first that matches and has requests left
// to fail applies. Failed requests are recorded with Request.Fault set.
func (s *Server) InjectFault(f Fault) {
	if f.Status == 0 {
		f.Drop = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{Fault: f, rng: rand.New(rand.NewPCG(f.Seed, 0x6c6563))})
}

// ClearFaults removes every fault injected so far.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFaultLocked returns the fault for a request, or nil.
func (s *Server) takeFaultLocked(method, rest string) *Fault {
	for _, f := range s.faults {
		if f.Method != "" && f.Method != method {
			continue
		}
		if ok, _ := path.Match(f.Pattern, rest); !ok {
			continue
		}
		if f.Count > 0 && f.served >= f.Count {
			continue
		}
		if f.Fraction > 0 && f.rng.Float64() >= f.Fraction {
			continue
		}
		f.served++
		out := f.Fault
		return &out
	}
	return nil
}

func faultReply(f *Fault) reply {
	return errorReply(f.Status, 0, fmt.Sprintf("%d: %s", f.Status, http.StatusText(f.Status)))
}

// dropConnection closes the client's connection without a response.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("discordtest: the HTTP server cannot drop connections")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	_ = conn.Close()
}

// RateLimitRule describes 429 Too Many Requests answers, for AddRateLimit.
type RateLimitRule struct {
	// Method and Pattern select requests as in Fault.
	Method  string
	Pattern string
	// RetryAfter is the wait the 429 asks for.
	RetryAfter time.Duration
	// Count is how many matching requests get a 429.
	Count int
	// Global makes the 429s global ("global": true, X-RateLimit-Global,
	// X-RateLimit-Scope: global, no bucket headers). Discord then refuses
	// every request made with the bot token for RetryAfter, whatever its
	// route, except interaction endpoints (callbacks and the webhook routes
	// of interaction tokens), which are not bound to the global limit.
	Global bool
	// Scope is X-RateLimit-Scope for a per-route limit: "user" (the
	// default) or "shared" (a limit on the resource, shared by everyone).
	Scope string
	// Bucket overrides the X-RateLimit-Bucket hash.
	Bucket string
}

// AddRateLimit makes the next rl.Count matching requests get 429s as rl
// describes. Served 429s appear in RateLimits.
func (s *Server) AddRateLimit(rl RateLimitRule) {
	scope := rl.Scope
	if scope == "" {
		scope = "user"
	}
	s.addRateRule(&rateRule{method: rl.Method, pattern: rl.Pattern, retryAfter: rl.RetryAfter,
		remaining: rl.Count, global: rl.Global, scope: scope, bucket: rl.Bucket})
}

// globalLimitedLocked returns the 429 of a global rate limit in force for a
// request authenticated with the bot token, or nil.
func (s *Server) globalLimitedLocked(rt *route, authorized bool, method, fullPath string, now time.Time) *RateLimitEvent {
	if !rt.auth || !authorized || !now.Before(s.globalUntil) {
		return nil
	}
	s.rateEvents = append(s.rateEvents, RateLimitEvent{
		Method:     method,
		Path:       fullPath,
		Global:     true,
		Scope:      "global",
		RetryAfter: s.globalUntil.Sub(now),
		ServedAt:   now,
	})
	ev := s.rateEvents[len(s.rateEvents)-1]
	return &ev
}

// SendRaw writes payload as one text frame, exactly as given, on every open
// gateway connection, outside any session's sequence: a malformed or
// hostile frame such as "null", which Discord never sends. It returns the
// number of connections written to.
func (s *Server) SendRaw(payload []byte) int {
	n := 0
	for _, c := range s.openConns() {
		if c.write(payload) == nil {
			n++
		}
	}
	s.logf("gateway: raw frame of %d bytes sent on %d connections", len(payload), n)
	return n
}
