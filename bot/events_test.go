package bot_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lectern/bot"
	"lectern/bot/discordtest"
)

// eventLog is a DiscordObserver that writes down what it is told, one
// line per call: "connected 0 true", "reconnected 0", "response message
// 200", "rate limited user false".
type eventLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *eventLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *eventLog) Connected(shard int, up bool)   { l.add("connected %d %v", shard, up) }
func (l *eventLog) Reconnected(shard int)          { l.add("reconnected %d", shard) }
func (l *eventLog) Response(kind string, code int) { l.add("response %s %d", kind, code) }
func (l *eventLog) RateLimited(scope string, global bool) {
	l.add("rate limited %s %v", scope, global)
}

func (l *eventLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

// matching returns the lines that start with prefix.
func (l *eventLog) matching(prefix string) []string {
	var out []string
	for _, line := range l.all() {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return out
}

// waitFor waits until a line equals want.
func (l *eventLog) waitFor(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if slices.Contains(l.all(), want) {
			return
		}
	}
	t.Fatalf("no %q in %q", want, l.all())
}

// TestDiscordObserverGateway: the gateway door reports its connection
// going up and, at shutdown, down, every response from Discord with its
// status (a 429 and a 503 before the 200 of a reply), and the rate limit.
// (TestDropWithRepliesInFlight checks the reconnect.)
func TestDiscordObserverGateway(t *testing.T) {
	t.Parallel()
	ev := &eventLog{}
	h := startWith(t, bot.CoreOptions{}, bot.Options{Events: ev}, discordtest.Options{},
		func(srv *discordtest.Server) {
			// Rate limits come first: the reply meets a 429, then a 503.
			srv.AddRateLimit(discordtest.RateLimitRule{Method: "POST", Pattern: "/channels/*/messages", RetryAfter: 10 * time.Millisecond, Count: 1})
			srv.InjectFault(discordtest.Fault{Method: "POST", Pattern: "/channels/*/messages", Status: 503, Count: 1})
		})
	// The server records a response as it sends it: the bot may not have
	// read it yet.
	ev.waitFor(t, "response commands 200")
	if got := ev.matching("connected"); !slices.Equal(got, []string{"connected 0 false", "connected 0 true"}) {
		t.Errorf("connection events at start %q; want down while connecting, then up", got)
	}
	if got := ev.matching("response commands"); !slices.Equal(got, []string{"response commands 200"}) {
		t.Errorf("command registration reported %q; want one 200", got)
	}
	q := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	checkBurialAnswer(t, h.replyTo(q.ID))
	ev.waitFor(t, "response message 200")
	if got, want := ev.matching("response message"), []string{"response message 429", "response message 503", "response message 200"}; !slices.Equal(got, want) {
		t.Errorf("reply reported %q; want %q", got, want)
	}
	if got := ev.matching("rate limited"); !slices.Equal(got, []string{"rate limited user false"}) {
		t.Errorf("rate limits reported %q; want one, scope user, not global", got)
	}

	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if got, want := ev.matching("connected"), []string{"connected 0 false", "connected 0 true", "connected 0 false"}; !slices.Equal(got, want) {
		t.Errorf("connection events after shutdown %q; want %q", got, want)
	}
}

// TestDiscordObserverHTTP: the HTTP door reports the edit of a deferred
// answer.
func TestDiscordObserverHTTP(t *testing.T) {
	t.Parallel()
	ev := &eventLog{}
	e := newEndpoint(t, bot.CoreOptions{}, bot.HTTPOptions{DeferAfter: -1, Events: ev})
	e.srv.InjectFault(discordtest.Fault{Method: "PATCH", Pattern: "/webhooks/*/*/messages/*", Status: 502, Count: 1})
	rec := e.command(askCommand("Where was Stalin buried?", false), edited)
	checkBurialAnswer(t, rec.Original)
	ev.waitFor(t, "response webhook 200")
	if got, want := ev.all(), []string{"response webhook 502", "response webhook 200"}; !slices.Equal(got, want) {
		t.Errorf("HTTP door reported %q; want %q", got, want)
	}
}
