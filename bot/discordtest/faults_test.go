package discordtest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"lectern/bot/discordtest"
)

func TestInjectFault(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	msgs := "/channels/" + discordtest.DefaultChannelID + "/messages"
	body := map[string]any{"content": "hi"}

	srv.InjectFault(discordtest.Fault{Method: "POST", Pattern: "/channels/*/messages", Status: 503, Count: 2})
	for i, want := range []int{503, 503, 200} {
		if status, _ := rawCall(t, srv, "POST", msgs, body); status != want {
			t.Errorf("request %d: status %d; want %d", i, status, want)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages; want 1 (a 5xx creates nothing)", n)
	}
	reqs := srv.Requests()
	if !reqs[0].Fault || !reqs[1].Fault || reqs[2].Fault {
		t.Errorf("Fault flags %v %v %v; want true true false", reqs[0].Fault, reqs[1].Fault, reqs[2].Fault)
	}

	// A dropped connection, before and after handling.
	srv.InjectFault(discordtest.Fault{Method: "POST", Pattern: "/channels/*/messages", Drop: true, Count: 1})
	srv.InjectFault(discordtest.Fault{Method: "POST", Pattern: "/channels/*/messages", Drop: true, AfterHandling: true, Count: 1})
	for i := 0; i < 2; i++ {
		req, _ := http.NewRequest("POST", srv.APIURL()+msgs, strings.NewReader(`{"content":"x"}`))
		req.Header.Set("Authorization", "Bot "+srv.Token())
		req.Header.Set("Content-Type", "application/json")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("drop %d: got %s; want a connection error", i, resp.Status)
		}
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("%d messages; want 2 (the request handled before the drop creates one)", n)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if !last.Fault || last.Status != 0 {
		t.Errorf("dropped request recorded with Fault %v, Status %d; want true, 0", last.Fault, last.Status)
	}

	// A fraction fails reproducibly.
	count := func() int {
		s := discordtest.NewServer(t, discordtest.Options{})
		s.InjectFault(discordtest.Fault{Pattern: "/users/@me", Status: 500, Fraction: 0.3, Seed: 7})
		n := 0
		for i := 0; i < 200; i++ {
			if status, _ := rawCall(t, s, "GET", "/users/@me", nil); status == 500 {
				n++
			}
		}
		return n
	}
	a, b := count(), count()
	if a != b || a < 40 || a > 80 {
		t.Errorf("Fraction 0.3 failed %d then %d of 200; want the same number, about 60", a, b)
	}
	srv.ClearFaults()
	if status, _ := rawCall(t, srv, "POST", msgs, body); status != 200 {
		t.Errorf("after ClearFaults: status %d", status)
	}
}

// TestGlobalRateLimitWindow: after a global 429 every request with the bot
// token is refused until retry_after has passed, except interaction
// endpoints.
func TestGlobalRateLimitWindow(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	srv.GlobalRateLimitNext("POST", "/channels/*/messages", 300*time.Millisecond, 1)
	if status, body := rawCall(t, srv, "POST", "/channels/"+discordtest.DefaultChannelID+"/messages", map[string]any{"content": "x"}); status != 429 || body["global"] != true {
		t.Fatalf("first request: %d %v; want a global 429", status, body)
	}
	status, body := rawCall(t, srv, "GET", "/users/@me", nil)
	if status != 429 || body["global"] != true {
		t.Errorf("another route during the global limit: %d %v; want a global 429", status, body)
	}
	// An interaction endpoint answers as usual (here: unknown webhook).
	if status, _ := rawCall(t, srv, "PATCH", "/webhooks/"+discordtest.DefaultApplicationID+"/tok/messages/@original", map[string]any{"content": "x"}); status != 404 {
		t.Errorf("interaction endpoint during the global limit: %d; want 404 (not rate limited)", status)
	}
	time.Sleep(350 * time.Millisecond)
	if status, _ := rawCall(t, srv, "GET", "/users/@me", nil); status != 200 {
		t.Errorf("after the global limit: %d; want 200", status)
	}
	evs := srv.RateLimits()
	if len(evs) != 2 || !evs[1].Global || evs[1].Scope != "global" || evs[1].RetryAfter > 300*time.Millisecond {
		t.Errorf("RateLimits() = %+v; want two global ones", evs)
	}
}

func TestAddRateLimitScopeAndBucket(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	srv.AddRateLimit(discordtest.RateLimitRule{Pattern: "/users/@me", RetryAfter: 2 * time.Second, Count: 1, Scope: "shared", Bucket: "b1"})
	req, _ := http.NewRequest("GET", srv.APIURL()+"/users/@me", nil)
	req.Header.Set("Authorization", "Bot "+srv.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != 429 || h.Get("X-RateLimit-Scope") != "shared" || h.Get("X-RateLimit-Bucket") != "b1" ||
		h.Get("Retry-After") != "2" || h.Get("X-RateLimit-Reset-After") != "2.000" {
		t.Errorf("429 headers %v", h)
	}
}

func TestNonce(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	msgs := "/channels/" + discordtest.DefaultChannelID + "/messages"
	body := map[string]any{"content": "x", "nonce": "123", "enforce_nonce": true}
	_, first := rawCall(t, srv, "POST", msgs, body)
	_, again := rawCall(t, srv, "POST", msgs, body)
	if first["id"] == nil || first["id"] != again["id"] || len(srv.Messages()) != 1 {
		t.Errorf("the same nonce twice made %d messages (%v, %v); want one", len(srv.Messages()), first["id"], again["id"])
	}
	// Without enforce_nonce, or with another nonce, messages are created.
	rawCall(t, srv, "POST", msgs, map[string]any{"content": "x", "nonce": "123"})
	rawCall(t, srv, "POST", msgs, map[string]any{"content": "x", "nonce": 124, "enforce_nonce": true})
	if n := len(srv.Messages()); n != 3 {
		t.Errorf("%d messages; want 3", n)
	}
	if status, _ := rawCall(t, srv, "POST", msgs, map[string]any{"content": "x", "nonce": strings.Repeat("9", 26)}); status != 400 {
		t.Errorf("a 26-character nonce: %d; want 400", status)
	}
}

func TestSendRaw(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	c, _, err := websocket.DefaultDialer.Dial(srv.GatewayURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, _, err := c.ReadMessage(); err != nil { // HELLO
		t.Fatal(err)
	}
	if n := srv.SendRaw([]byte("null")); n != 1 {
		t.Fatalf("SendRaw wrote to %d connections; want 1", n)
	}
	if _, got, err := c.ReadMessage(); err != nil || string(got) != "null" {
		t.Errorf("read %q, %v; want null", got, err)
	}
}
