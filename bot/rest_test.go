package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// fakeAPI answers REST requests with a script: answer gets each request
// and its number from 1 and writes the response.
type fakeAPI struct {
	srv   *httptest.Server
	mu    sync.Mutex
	reqs  []*http.Request
	waits []time.Duration // what the client waited, in order
	logs  *syncWriter
	c     *restClient
}

type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func newFakeAPI(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{logs: &syncWriter{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.reqs = append(f.reqs, r)
		n := len(f.reqs)
		f.mu.Unlock()
		answer(n, w, r)
	}))
	t.Cleanup(f.srv.Close)
	base, _ := url.Parse(f.srv.URL + "/api/v9")
	log := slog.New(redactHandler{next: slog.NewTextHandler(f.logs, nil), r: newRedactor(testBotToken)})
	f.c = &restClient{
		http:       &http.Client{Transport: &rewriteTransport{base: base, next: http.DefaultTransport}},
		auth:       "Bot " + testBotToken,
		userAgent:  "test",
		log:        log,
		maxWait:    time.Second,
		backoff:    5 * time.Millisecond,
		maxBackoff: 20 * time.Millisecond,
	}
	f.c.pause = func(ctx context.Context, d time.Duration) error {
		f.mu.Lock()
		f.waits = append(f.waits, d)
		f.mu.Unlock()
		return sleep(ctx, d)
	}
	return f
}

// waited returns what the client has waited so far, in order: the waits
// it meant, whatever the machine's load made of them.
func (f *fakeAPI) waited() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

func (f *fakeAPI) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

func messageCall(channel string) apiCall {
	return apiCall{method: "POST", url: discordgo.EndpointChannelMessages(channel), route: routeMessages, major: channel, body: map[string]string{"content": "hi"}}
}

func callbackCall() apiCall {
	return apiCall{method: "POST", url: discordgo.EndpointInteractionResponse("1", testInteractionToken), route: routeCallback,
		major: "1", body: map[string]int{"type": 4}, interaction: true, ackRetry: true}
}

func within(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestRestRetriesServerErrors(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 1:
			w.WriteHeader(500)
		case 2:
			w.WriteHeader(503)
		case 3:
			w.WriteHeader(504)
		default:
			w.Write([]byte(`{"id":"1"}`))
		}
	})
	body, err := f.c.do(within(t, 5*time.Second), messageCall("7"))
	if err != nil || string(body) != `{"id":"1"}` {
		t.Fatalf("do = %s, %v; want the fourth answer", body, err)
	}
	reqs := f.requests()
	if len(reqs) != 4 {
		t.Errorf("%d requests; want 4", len(reqs))
	}
	if got := reqs[0].Header.Get("Authorization"); got != "Bot "+testBotToken {
		t.Errorf("Authorization = %q; want the bot token", got)
	}
	if n := strings.Count(f.logs.String(), "request failed: retrying"); n != 3 {
		t.Errorf("%d retries logged; want 3:\n%s", n, f.logs)
	}
}

func TestRestGivesUpAtDeadline(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
		w.Write([]byte(`{"message":"503: Service Unavailable","code":0}`))
	})
	_, err := f.c.do(within(t, 300*time.Millisecond), messageCall("7"))
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != 503 {
		t.Fatalf("do = %v; want the last 503", err)
	}
	// The client gives up rather than wait past the deadline: the waits
	// it meant add up to less than it.
	var sum time.Duration
	for _, d := range f.waited() {
		sum += d
	}
	if sum >= 300*time.Millisecond {
		t.Errorf("waited %v in all (%v); want less than the 300ms deadline", sum, f.waited())
	}
	if n := len(f.requests()); n < 3 {
		t.Errorf("%d attempts before the deadline; want several", n)
	}
}

func TestRestClientErrorNotRetried(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(403)
		w.Write([]byte(`{"message":"Missing Permissions","code":50013}`))
	})
	_, err := f.c.do(within(t, 5*time.Second), messageCall("7"))
	var ae *apiError
	if !errors.As(err, &ae) || ae.Code != 50013 || len(f.requests()) != 1 {
		t.Errorf("do = %v after %d requests; want 50013 after 1", err, len(f.requests()))
	}
}

// TestRestNetworkErrorHasNoToken drops the connection of an interaction
// callback: the error and the log name the route, never the URL's token.
func TestRestNetworkErrorHasNoToken(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	_, err := f.c.do(within(t, 200*time.Millisecond), callbackCall())
	if err == nil {
		t.Fatal("do succeeded on a dropped connection")
	}
	for _, s := range []string{err.Error(), f.logs.String()} {
		if strings.Contains(s, testInteractionToken) {
			t.Errorf("the interaction token leaks: %s", s)
		}
	}
	if !strings.Contains(err.Error(), routeCallback) || !strings.Contains(err.Error(), "EOF") {
		t.Errorf("error %q; want the route and EOF", err)
	}
	if got := f.requests()[0].Header.Get("Authorization"); got != "" {
		t.Errorf("interaction callback sent Authorization %q; it needs none", got)
	}
}

// TestRestAckRetry: an interaction callback that got through but whose
// answer was lost is acknowledged when the retry meets 40060.
func TestRestAckRetry(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.WriteHeader(502)
			return
		}
		w.WriteHeader(400)
		w.Write([]byte(`{"message":"Interaction has already been acknowledged.","code":40060}`))
	})
	if _, err := f.c.do(within(t, 2*time.Second), callbackCall()); err != nil {
		t.Errorf("do = %v; want success (40060 after a failed attempt)", err)
	}
	// The first attempt meeting 40060 is an error.
	g := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		w.Write([]byte(`{"code":40060}`))
	})
	if _, err := g.c.do(within(t, 2*time.Second), callbackCall()); err == nil {
		t.Error("do succeeded on a first 40060")
	}
}

func rateLimited(w http.ResponseWriter, retryAfter string, global bool) {
	w.Header().Set("Retry-After", "1")
	if global {
		w.Header().Set("X-RateLimit-Global", "true")
		w.Header().Set("X-RateLimit-Scope", "global")
	} else {
		w.Header().Set("X-RateLimit-Bucket", "abcd1234")
		w.Header().Set("X-RateLimit-Scope", "user")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset-After", retryAfter)
	}
	w.WriteHeader(429)
	w.Write([]byte(`{"message":"You are being rate limited.","retry_after":` + retryAfter + `,"global":` + map[bool]string{true: "true", false: "false"}[global] + `}`))
}

func TestRestRateLimitWaited(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			rateLimited(w, "0.2", false)
			return
		}
		w.Write([]byte(`{}`))
	})
	if _, err := f.c.do(within(t, 5*time.Second), messageCall("7")); err != nil {
		t.Fatal(err)
	}
	if w := f.waited(); len(w) != 1 || w[0] != 200*time.Millisecond {
		t.Errorf("waited %v; want retry_after (200ms) once", w)
	}
	line := f.logs.String()
	for _, want := range []string{"rate limited by Discord", "bucket=abcd1234", "scope=user", "retry_after=200ms", "action=wait", "route=\"" + routeMessages} {
		if !strings.Contains(line, want) {
			t.Errorf("log lacks %s:\n%s", want, line)
		}
	}
}

// TestRestRateLimitCap: a rate limit longer than the bot waits fails at
// once, is logged, and makes later requests to the bucket fail without
// asking Discord.
func TestRestRateLimitCap(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) { rateLimited(w, "3600", false) })
	_, err := f.c.do(within(t, 5*time.Second), messageCall("7"))
	var rl *rateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Hour || rl.Bucket != "abcd1234" {
		t.Fatalf("do = %v; want a rate limit of 1h on bucket abcd1234", err)
	}
	if !strings.Contains(f.logs.String(), "action=\"give up\"") || !strings.Contains(f.logs.String(), "retry_after=1h0m0s") {
		t.Errorf("the rate limit is not logged with its wait:\n%s", f.logs)
	}
	if _, err := f.c.do(within(t, 5*time.Second), messageCall("7")); !errors.As(err, &rl) {
		t.Errorf("second do = %v; want the known rate limit", err)
	}
	if _, err := f.c.do(within(t, 5*time.Second), messageCall("8")); !errors.As(err, &rl) {
		t.Errorf("do in another channel = %v; want its own 429", err)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests; want 2 (the limited bucket is not asked again)", n)
	}
	if w := f.waited(); len(w) != 0 {
		t.Errorf("waited %v; want to give up at once, each time", w)
	}
}

// TestRestGlobalLimitSparesInteractions: after a global 429, requests with
// the bot token wait or fail, and interaction endpoints go on.
func TestRestGlobalLimitSparesInteractions(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/channels/") {
			rateLimited(w, "3600", true)
			return
		}
		w.WriteHeader(204)
	})
	var rl *rateLimitError
	if _, err := f.c.do(within(t, 5*time.Second), messageCall("7")); !errors.As(err, &rl) || !rl.Global {
		t.Fatalf("do = %v; want a global rate limit", err)
	}
	if _, err := f.c.do(within(t, 5*time.Second), messageCall("8")); !errors.As(err, &rl) || !rl.Global {
		t.Errorf("do in another channel = %v; want the known global limit", err)
	}
	if _, err := f.c.do(within(t, 5*time.Second), callbackCall()); err != nil {
		t.Errorf("interaction callback under a global limit = %v; want it sent", err)
	}
	if w := f.waited(); len(w) != 0 {
		t.Errorf("waited %v; want the messages to give up and the callback to go at once", w)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests; want 2", n)
	}
	if !strings.Contains(f.logs.String(), "global=true") {
		t.Errorf("the global limit is not logged:\n%s", f.logs)
	}
}

// TestFits: a wait fits a context when it ends before the deadline; a
// context without one fits any wait. (The margins are hours, so that no
// machine is slow enough to change the answers.)
func TestFits(t *testing.T) {
	hour, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	tests := []struct {
		name string
		ctx  context.Context
		wait time.Duration
		want bool
	}{
		{"no deadline", context.Background(), 1000 * time.Hour, true},
		{"short wait", hour, time.Second, true},
		{"wait past the deadline", hour, 2 * time.Hour, false},
		{"wait of the whole time left", hour, time.Hour, false},
	}
	for _, tt := range tests {
		if got := fits(tt.ctx, tt.wait); got != tt.want {
			t.Errorf("%s: fits(%v) = %v; want %v", tt.name, tt.wait, got, tt.want)
		}
	}
}
