package bot

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
)

// DiscordObserver is told what a door's conversation with Discord does,
// which the core does not see: the gateway connection going up and down,
// and every response of Discord's REST API. Metrics count it. Its methods
// are called on the goroutines that talk to Discord: they must be quick,
// must not call back into the door, and must be safe for concurrent use.
type DiscordObserver interface {
	// Connected reports a shard's gateway connection up (READY or RESUMED
	// received) or down (closed, dropped, or being replaced), and down
	// when a connection is first attempted. Shard is 0 without sharding.
	Connected(shard int, up bool)
	// Reconnected reports a shard's connection coming up again after an
	// earlier one, whether it resumed or identified afresh.
	Reconnected(shard int)
	// Response reports one response to a request to Discord: its HTTP
	// status, or 0 when none came (the network failed or the attempt timed
	// out). Every attempt counts, retries included. Kind says what the
	// request was for, never which channel or token: "message" (a channel
	// message), "dm" (opening a direct-message channel), "interaction" (an
	// interaction's initial response), "webhook" (editing or following up
	// an interaction's response), "commands" (registering slash commands),
	// "gateway" (asking for the gateway's address), or "other".
	Response(kind string, status int)
	// RateLimited reports a 429 from Discord with its X-RateLimit-Scope
	// ("user", "global", "shared", or "" when Discord did not say) and
	// whether it is the bot's global limit. Response reports it too.
	RateLimited(scope string, global bool)
}

// Kinds of requests to Discord, for DiscordObserver.Response.
const (
	kindMessage     = "message"
	kindDM          = "dm"
	kindInteraction = "interaction"
	kindWebhook     = "webhook"
	kindCommands    = "commands"
	kindGateway     = "gateway"
	kindOther       = "other"
)

// routeKind returns the kind of request a route names.
func routeKind(route string) string {
	switch route {
	case routeMessages:
		return kindMessage
	case routeDM:
		return kindDM
	case routeCallback:
		return kindInteraction
	case routeEdit, routeFollowup:
		return kindWebhook
	case routeCommands, routeGuildCmds:
		return kindCommands
	case routeGatewayBot:
		return kindGateway
	}
	return kindOther
}

// observe reports a response (status 0: none) to the client's observer.
func (c *restClient) observe(route string, status int) {
	if c.events != nil {
		c.events.Response(routeKind(route), status)
	}
}

// observedTransport reports the responses to discordgo's own requests
// (it only asks for the gateway's address) as kind "gateway".
type observedTransport struct {
	next   http.RoundTripper
	events DiscordObserver
}

func (t observedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		if req.Context().Err() == nil {
			t.events.Response(kindGateway, 0)
		}
		return resp, err
	}
	t.events.Response(kindGateway, resp.StatusCode)
	if resp.StatusCode == http.StatusTooManyRequests {
		t.events.RateLimited(resp.Header.Get("X-RateLimit-Scope"), resp.Header.Get("X-RateLimit-Global") != "")
	}
	return resp, nil
}

// link is what a shard tells its DiscordObserver of its connection. The
// connection it follows is the one last dialed: an older one ending late
// changes nothing.
type link struct {
	mu       sync.Mutex
	conn     *guardConn
	up       bool
	reported bool // Connected has been called
	everUp   bool // a connection has been up before
}

// linkDialed notes a new connection of the shard: any before it is over.
func (sh *shard) linkDialed(g *guardConn) {
	if sh.events == nil {
		return
	}
	l := &sh.link
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conn = g
	if l.up || !l.reported {
		l.up, l.reported = false, true
		sh.events.Connected(sh.id, false)
	}
}

// linkState notes connection g up (READY or RESUMED) or over.
func (sh *shard) linkState(g *guardConn, up bool) {
	l := &sh.link
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != g || l.up == up {
		return
	}
	l.up, l.reported = up, true
	sh.events.Connected(sh.id, up)
	if up && l.everUp {
		sh.events.Reconnected(sh.id)
	}
	l.everUp = l.everUp || up
}

// watchLink makes g report to the shard's link: up at READY or RESUMED,
// down when it is over.
func (sh *shard) watchLink(g *guardConn) {
	if sh.events == nil {
		return
	}
	sh.linkDialed(g)
	watch := g.watch
	g.watch = func(msg []byte) {
		if watch != nil {
			watch(msg)
		}
		if isSessionStart(msg) {
			sh.linkState(g, true)
		}
	}
	g.gone = func() { sh.linkState(g, false) }
}

// isSessionStart reports whether msg is a READY or RESUMED dispatch.
func isSessionStart(msg []byte) bool {
	if !bytes.Contains(msg, []byte(`"READY"`)) && !bytes.Contains(msg, []byte(`"RESUMED"`)) {
		return false
	}
	var e struct {
		Op *int   `json:"op"`
		T  string `json:"t"`
	}
	return json.Unmarshal(msg, &e) == nil && e.Op != nil && *e.Op == 0 && (e.T == "READY" || e.T == "RESUMED")
}
