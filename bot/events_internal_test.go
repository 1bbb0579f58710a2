package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// events is a DiscordObserver that writes down what it is told.
type events struct {
	mu    sync.Mutex
	lines []string
}

func (e *events) add(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lines = append(e.lines, fmt.Sprintf(format, args...))
}

func (e *events) Connected(shard int, up bool)   { e.add("connected %d %v", shard, up) }
func (e *events) Reconnected(shard int)          { e.add("reconnected %d", shard) }
func (e *events) Response(kind string, code int) { e.add("response %s %d", kind, code) }
func (e *events) RateLimited(scope string, global bool) {
	e.add("rate limited %s %v", scope, global)
}

// take returns the lines so far and forgets them.
func (e *events) take() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.lines
	e.lines = nil
	return out
}

// TestRestReportsResponses: every attempt's status reaches the observer,
// 0 for a connection closed without a response, and each 429 with its
// scope.
func TestRestReportsResponses(t *testing.T) {
	t.Parallel()
	f := newFakeAPI(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 1:
			rateLimited(w, "0.01", false)
		case 2:
			w.WriteHeader(502)
		case 3:
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		case 4:
			w.Write([]byte(`{}`))
		default:
			rateLimited(w, "3600", true)
		}
	})
	ev := &events{}
	f.c.events = ev
	if _, err := f.c.do(within(t, 5*time.Second), messageCall("7")); err != nil {
		t.Fatal(err)
	}
	want := []string{"response message 429", "rate limited user false", "response message 502", "response message 0", "response message 200"}
	if got := ev.take(); !slices.Equal(got, want) {
		t.Errorf("reported %q; want %q", got, want)
	}
	if _, err := f.c.do(within(t, 5*time.Second), apiCall{method: "PUT", url: "https://discord.com/api/v9/applications/1/commands", route: routeCommands, major: "1"}); err == nil {
		t.Fatal("do = nil; want the global rate limit")
	}
	want = []string{"response commands 429", "rate limited global true"}
	if got := ev.take(); !slices.Equal(got, want) {
		t.Errorf("reported %q; want %q", got, want)
	}
	// A request the caller gives up on before any response is not one
	// Discord failed.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _ = f.c.do(ctx, messageCall("8"))
	if got := ev.take(); len(got) != 0 {
		t.Errorf("a cancelled request reported %q; want nothing", got)
	}
}

func TestRouteKind(t *testing.T) {
	for route, want := range map[string]string{
		routeMessages: "message", routeDM: "dm", routeCallback: "interaction", routeEdit: "webhook",
		routeFollowup: "webhook", routeCommands: "commands", routeGuildCmds: "commands",
		routeGatewayBot: "gateway", "GET /users/@me": "other",
	} {
		if got := routeKind(route); got != want {
			t.Errorf("routeKind(%q) = %q; want %q", route, got, want)
		}
	}
}

func TestIsSessionStart(t *testing.T) {
	for _, tt := range []struct {
		msg  string
		want bool
	}{
		{`{"op":0,"s":1,"t":"READY","d":{"session_id":"x"}}`, true},
		{`{"t":"RESUMED","s":7,"op":0,"d":{}}`, true},
		{`{"op":0,"s":2,"t":"MESSAGE_CREATE","d":{"content":"\"READY\""}}`, false},
		{`{"op":9,"d":false}`, false},
		{`{"t":"READY"}`, false},
		{`null`, false},
	} {
		if got := isSessionStart([]byte(tt.msg)); got != tt.want {
			t.Errorf("isSessionStart(%s) = %v; want %v", tt.msg, got, tt.want)
		}
	}
}

// TestShardLinkEvents: a shard reports its connection down when dialing,
// up at READY, up again (a reconnect) at RESUMED on the next connection,
// and down when that one closes; the first connection closing late, once
// replaced, changes nothing.
func TestShardLinkEvents(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteMessage(websocket.TextMessage, []byte(`{"op":0,"s":1,"t":"`+r.URL.Query().Get("t")+`","d":{}}`))
		c.ReadMessage() // until the client closes
	}))
	defer srv.Close()
	ev := &events{}
	sh := &shard{id: 3, log: slog.New(slog.NewTextHandler(io.Discard, nil)), events: ev}
	dial := func(t *testing.T, typ string) *websocket.Conn {
		t.Helper()
		c, _, err := sh.gatewayDialer().DialContext(within(t, 5*time.Second), "ws"+strings.TrimPrefix(srv.URL, "http")+"?t="+typ, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.ReadMessage(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := dial(t, "READY")
	if got, want := ev.take(), []string{"connected 3 false", "connected 3 true"}; !slices.Equal(got, want) {
		t.Errorf("first connection: %q; want %q", got, want)
	}
	second := dial(t, "RESUMED")
	if got, want := ev.take(), []string{"connected 3 false", "connected 3 true", "reconnected 3"}; !slices.Equal(got, want) {
		t.Errorf("second connection: %q; want %q", got, want)
	}
	first.Close()
	if got := ev.take(); len(got) != 0 {
		t.Errorf("the replaced connection closing: %q; want nothing", got)
	}
	second.Close()
	if got, want := ev.take(), []string{"connected 3 false"}; !slices.Equal(got, want) {
		t.Errorf("closing: %q; want %q", got, want)
	}
}
