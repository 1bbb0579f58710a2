package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Delivery defaults: how hard the bot tries to deliver a reply.
const (
	// DefaultAnswerDeadline is how long the bot keeps trying to deliver one
	// answer (retrying server and network errors, waiting out rate limits)
	// before it gives up and tells the asker.
	DefaultAnswerDeadline = 20 * time.Second
	// DefaultMaxRateLimitWait is the longest rate limit the bot waits out
	// for one reply; Discord asking for a longer wait makes it give up at
	// once.
	DefaultMaxRateLimitWait = 10 * time.Second
	// DefaultRetryBackoff is the first pause before a retry. Pauses double
	// with each failure, with jitter, up to maxReplyBackoff for replies and
	// maxStartBackoff for connecting and registering commands.
	DefaultRetryBackoff = 500 * time.Millisecond
)

const (
	maxReplyBackoff = 4 * time.Second
	maxStartBackoff = time.Minute
	// attemptTimeout bounds one HTTP request.
	attemptTimeout = 10 * time.Second
	// maxRateLimitMemory bounds how long the bot remembers a rate limit:
	// after it, one request asks Discord again, so that an absurd
	// retry_after cannot silence a channel until the bot restarts.
	maxRateLimitMemory = time.Hour
	// ackDeadline is how long after an interaction arrives the bot tries
	// to acknowledge it: Discord allows three seconds from its creation.
	ackDeadline = 2500 * time.Millisecond
	// noticeDeadline bounds telling an asker that an answer was lost.
	noticeDeadline = 5 * time.Second
	// maxResponseBody is the most of a response body the bot reads.
	maxResponseBody = 8 << 20
	// discordErrAlreadyAcknowledged is Discord's error code for a second
	// response to one interaction.
	discordErrAlreadyAcknowledged = 40060
)

// apiCall is one request to Discord's REST API.
type apiCall struct {
	method string
	url    string // as discordgo's Endpoint* functions build it
	// route names the endpoint in logs and errors, with placeholders for
	// IDs and tokens: "POST /channels/{channel_id}/messages".
	route string
	// major is the route's top-level resource for rate limiting: a channel
	// or guild ID, an interaction ID, or a digest of a webhook token.
	major string
	body  any // marshalled to JSON; nil sends no body
	// interaction marks interaction endpoints (callbacks and the webhook
	// routes of interaction tokens): they need no bot token and are not
	// bound to the bot's global rate limit.
	interaction bool
	// ackRetry marks an interaction callback: a 40060 ("already
	// acknowledged") after a failed attempt means that attempt got through.
	ackRetry bool
}

// apiError is an error response from Discord.
type apiError struct {
	Route   string
	Status  int
	Code    int    // Discord's JSON error code, 0 if none
	Message string // Discord's message, if any
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("discord: %s: %d %s", e.Route, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Code != 0 {
		s += fmt.Sprintf(" (%d)", e.Code)
	}
	return s
}

// rateLimitError reports a rate limit the bot did not wait out.
type rateLimitError struct {
	Route      string
	Bucket     string
	Scope      string
	Global     bool
	RetryAfter time.Duration
}

func (e *rateLimitError) Error() string {
	scope := e.Scope
	if e.Global {
		scope = "global"
	}
	return fmt.Sprintf("discord: %s: rate limited (%s) for %v, longer than the bot waits", e.Route, scope, e.RetryAfter.Round(time.Millisecond))
}

// restClient sends requests to Discord's REST API, retrying server and
// network errors with backoff until the context's deadline, and waiting
// out rate limits up to maxWait. It keeps the rate limits Discord reported
// (per bucket and global) so that later requests wait instead of meeting
// another 429. Interaction endpoints ignore the global limit. Errors and log
// lines name routes, never URLs, so they hold no token.
type restClient struct {
	http       *http.Client
	auth       string // "Bot <token>"
	userAgent  string
	log        *slog.Logger
	maxWait    time.Duration
	backoff    time.Duration
	maxBackoff time.Duration
	// events, if set, is told of every response and rate limit.
	events DiscordObserver
	// pause, if set, waits instead of sleep (for tests, which record the
	// waits rather than time them).
	pause func(ctx context.Context, d time.Duration) error

	mu          sync.Mutex
	globalUntil time.Time
	blocked     map[string]block // by route and major parameter
}

// block is a rate limit in force.
type block struct {
	until  time.Time
	bucket string // Discord's X-RateLimit-Bucket, if it said
}

// do sends call and returns the response body. It gives up when ctx is
// done, with the last error seen.
func (c *restClient) do(ctx context.Context, call apiCall) ([]byte, error) {
	var body []byte
	if call.body != nil {
		var err error
		if body, err = json.Marshal(call.body); err != nil {
			return nil, fmt.Errorf("discord: %s: encode: %w", call.route, err)
		}
	}
	key := call.route + " " + call.major
	var last error
	landed := false // a failed attempt may have reached Discord
	for attempt := 1; ; attempt++ {
		if wait, bucket, global := c.waitFor(key, call.interaction); wait > 0 {
			if wait > c.maxWait || !fits(ctx, wait) {
				rl := &rateLimitError{Route: call.route, Bucket: bucket, Global: global, Scope: "in force", RetryAfter: wait}
				c.logRateLimit(rl, "give up")
				return nil, rl
			}
			if err := c.sleep(ctx, wait); err != nil {
				return nil, giveUp(call.route, attempt-1, last, err)
			}
		}
		resp, err := c.send(ctx, call, body)
		if err != nil {
			if ctx.Err() != nil {
				return nil, giveUp(call.route, attempt, last, ctx.Err())
			}
			last, landed = err, true
		} else {
			switch {
			case resp.status >= 200 && resp.status < 300:
				c.noteBucket(key, resp.header)
				return resp.body, nil
			case resp.status == http.StatusTooManyRequests:
				rl := c.rateLimited(key, call, resp)
				if rl.RetryAfter > c.maxWait || !fits(ctx, rl.RetryAfter) {
					c.logRateLimit(rl, "give up")
					return nil, rl
				}
				c.logRateLimit(rl, "wait")
				if err := c.sleep(ctx, rl.RetryAfter); err != nil {
					return nil, giveUp(call.route, attempt, rl, err)
				}
				continue
			case resp.status >= 500:
				last, landed = resp.apiError(call.route), true
			default:
				c.noteBucket(key, resp.header)
				e := resp.apiError(call.route)
				if call.ackRetry && landed && e.Code == discordErrAlreadyAcknowledged {
					return nil, nil // an earlier attempt got through
				}
				return nil, e
			}
		}
		wait := c.backoffFor(attempt)
		if !fits(ctx, wait) {
			return nil, giveUp(call.route, attempt, last, context.DeadlineExceeded)
		}
		c.log.Warn("request failed: retrying", "route", call.route, "attempt", attempt, "retry_in", wait.Round(time.Millisecond).String(), "error", last)
		if err := c.sleep(ctx, wait); err != nil {
			return nil, giveUp(call.route, attempt, last, err)
		}
	}
}

// giveUp is the error of a call that ran out of time: the last failure,
// or why it stopped.
func giveUp(route string, attempts int, last, why error) error {
	if last == nil {
		return fmt.Errorf("discord: %s: %w", route, why)
	}
	return fmt.Errorf("gave up after %d attempts: %w", attempts, last)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) apiError(route string) *apiError {
	e := &apiError{Route: route, Status: r.status}
	var msg struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(r.body, &msg) == nil {
		e.Code, e.Message = msg.Code, msg.Message
	}
	return e
}

// send makes one attempt. Its error never holds the URL.
func (c *restClient) send(ctx context.Context, call apiCall, body []byte) (*response, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, call.method, call.url, rd)
	if err != nil {
		return nil, fmt.Errorf("discord: %s: bad request", call.route)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if !call.interaction {
		req.Header.Set("Authorization", c.auth)
	}
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		if parent.Err() == nil { // not the caller giving up
			c.observe(call.route, 0)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("discord: %s: %w", call.route, err)
	}
	defer resp.Body.Close()
	c.observe(call.route, resp.StatusCode)
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, fmt.Errorf("discord: %s: read response: %w", call.route, err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// rateLimited reads a 429 and records the limit it reports.
func (c *restClient) rateLimited(key string, call apiCall, r *response) *rateLimitError {
	var body struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	_ = json.Unmarshal(r.body, &body)
	wait := seconds(body.RetryAfter)
	if wait <= 0 {
		wait = seconds(headerFloat(r.header, "Retry-After"))
	}
	if wait <= 0 {
		wait = seconds(headerFloat(r.header, "X-RateLimit-Reset-After"))
	}
	if wait <= 0 {
		wait = time.Second
	}
	rl := &rateLimitError{
		Route:      call.route,
		Bucket:     r.header.Get("X-RateLimit-Bucket"),
		Scope:      r.header.Get("X-RateLimit-Scope"),
		Global:     body.Global || r.header.Get("X-RateLimit-Global") != "",
		RetryAfter: wait,
	}
	if c.events != nil {
		c.events.RateLimited(rl.Scope, rl.Global)
	}
	until := time.Now().Add(min(wait, maxRateLimitMemory))
	c.mu.Lock()
	defer c.mu.Unlock()
	if rl.Global && !call.interaction {
		if until.After(c.globalUntil) {
			c.globalUntil = until
		}
	} else {
		c.blockLocked(key, block{until: until, bucket: rl.Bucket})
	}
	return rl
}

func (c *restClient) logRateLimit(rl *rateLimitError, action string) {
	scope := rl.Scope
	if scope == "" {
		scope = "unknown"
	}
	c.log.Warn("rate limited by Discord", "route", rl.Route, "bucket", rl.Bucket, "scope", scope, "global", rl.Global,
		"retry_after", rl.RetryAfter.Round(time.Millisecond).String(), "action", action)
}

// noteBucket records a bucket with no requests left until it resets.
func (c *restClient) noteBucket(key string, h http.Header) {
	if h.Get("X-RateLimit-Remaining") != "0" {
		return
	}
	wait := seconds(headerFloat(h, "X-RateLimit-Reset-After"))
	if wait <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.blockLocked(key, block{until: time.Now().Add(min(wait, maxRateLimitMemory)), bucket: h.Get("X-RateLimit-Bucket")})
}

func (c *restClient) blockLocked(key string, b block) {
	if c.blocked == nil {
		c.blocked = map[string]block{}
	}
	if len(c.blocked) > 1000 {
		now := time.Now()
		for k, old := range c.blocked {
			if !old.until.After(now) {
				delete(c.blocked, k)
			}
		}
	}
	if b.until.After(c.blocked[key].until) {
		c.blocked[key] = b
	}
}

// waitFor returns how long a request to key must wait for a known rate
// limit to pass, its bucket, and whether it is the global limit.
func (c *restClient) waitFor(key string, interaction bool) (time.Duration, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	b, ok := c.blocked[key]
	if ok && !b.until.After(now) {
		delete(c.blocked, key)
	}
	if !interaction && c.globalUntil.After(b.until) {
		return c.globalUntil.Sub(now), "", true
	}
	return b.until.Sub(now), b.bucket, false
}

// backoffFor returns the pause after the n-th failed attempt: exponential,
// with "equal jitter" (half fixed, half random).
func (c *restClient) backoffFor(n int) time.Duration {
	d := c.backoff << min(n-1, 20)
	if d < c.backoff || d > c.maxBackoff { // overflowed, or past the cap
		d = c.maxBackoff
	}
	return jitter(d)
}

func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}

// fits reports whether waiting d leaves ctx time before its deadline.
func fits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// sleep waits d or until ctx is done, as c.pause says when it is set.
func (c *restClient) sleep(ctx context.Context, d time.Duration) error {
	if c.pause != nil {
		return c.pause(ctx, d)
	}
	return sleep(ctx, d)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func headerFloat(h http.Header, name string) float64 {
	f, err := strconv.ParseFloat(h.Get(name), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// seconds converts a rate limit's seconds to a duration, saturating
// instead of overflowing.
func seconds(s float64) time.Duration {
	if s <= 0 || math.IsNaN(s) {
		return 0
	}
	if s > 1e9 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(s * float64(time.Second))
}

// tokenDigest stands for a webhook token in rate-limit keys, which must not
// hold the token itself.
func tokenDigest(token string) string {
	h := fnv.New64a()
	h.Write([]byte(token))
	return strconv.FormatUint(h.Sum64(), 36)
}
