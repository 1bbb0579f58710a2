package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"lectern/bot"
	"lectern/bot/discordtest"
)

func TestInvitePermissions(t *testing.T) {
	// View Channels (1<<10), Send Messages (1<<11), Embed Links (1<<14),
	// Read Message History (1<<16), Send Messages in Threads (1<<38), as
	// Discord's permission table numbers them.
	const want = 1024 + 2048 + 16384 + 65536 + 274877906944
	if got := bot.InvitePermissions(); got != want {
		t.Errorf("InvitePermissions() = %d; want %d", got, want)
	}
	var names []string
	for _, p := range bot.Permissions() {
		names = append(names, p.Name)
		if p.Why == "" {
			t.Errorf("permission %s does not say why", p.Name)
		}
	}
	if got := strings.Join(names, ", "); got != "View Channels, Send Messages, Send Messages in Threads, Embed Links, Read Message History" {
		t.Errorf("Permissions() = %s", got)
	}
}

func TestInviteURL(t *testing.T) {
	const want = "https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot%20applications.commands&permissions=274877991936&integration_type=0"
	if got := bot.InviteURL("123456789012345678"); got != want {
		t.Errorf("InviteURL = %s; want %s", got, want)
	}
}

func TestApplicationID(t *testing.T) {
	srv := discordtest.NewServer(t, discordtest.Options{ApplicationID: "223456789012345678"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	id, err := bot.ApplicationID(ctx, srv.Token(), srv.APIURL())
	if err != nil || id != "223456789012345678" {
		t.Errorf("ApplicationID = %q, %v; want 223456789012345678", id, err)
	}
	if _, err := bot.ApplicationID(ctx, "not-the-token", srv.APIURL()); !errors.Is(err, bot.ErrBadToken) {
		t.Errorf("ApplicationID with a wrong token: %v; want ErrBadToken", err)
	}
	// Discord failing: the error names the route, never the token.
	srv.InjectFault(discordtest.Fault{Method: "GET", Pattern: "/applications/@me", Status: 502})
	short, cancel2 := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel2()
	_, err = bot.ApplicationID(short, srv.Token(), srv.APIURL())
	if err == nil || strings.Contains(err.Error(), srv.Token()) || !strings.Contains(err.Error(), "applications/@me") {
		t.Errorf("ApplicationID while Discord fails: %v; want an error naming the route", err)
	}
}

// TestInviteLogged checks that a bot no server has added yet logs its
// invite URL when it connects, and that one in a server does not.
func TestInviteLogged(t *testing.T) {
	t.Run("no server", func(t *testing.T) {
		srv := discordtest.NewServer(t, discordtest.Options{Guilds: []discordtest.Guild{}, HeartbeatInterval: time.Second, IdentifyWindow: -1})
		h := runBot(t, srv, bot.CoreOptions{}, bot.Options{})
		line := h.waitLogs("no server has added the bot yet")
		var rec struct{ Invite string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Invite != bot.InviteURL(srv.ApplicationID()) {
			t.Errorf("invite line = %s; want invite=%s", line, bot.InviteURL(srv.ApplicationID()))
		}
		h.waitRequest(func(r discordtest.Request) bool {
			return r.Route == "PUT /applications/{application_id}/commands" && r.Status == 200
		})
		// A new session, with a new READY, logs nothing more.
		srv.InvalidateSessions(false)
		deadline := time.Now().Add(15 * time.Second)
		for len(h.logLines(`"msg":"connected"`)) < 2 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := len(h.logLines(`"msg":"connected"`)); n != 2 {
			t.Fatalf("connected %d times after the session was invalidated; want 2:\n%s", n, h.logs.String())
		}
		if n := len(h.logLines("no server has added the bot yet")); n != 1 {
			t.Errorf("invite logged %d times; want once", n)
		}
	})
	t.Run("in a server", func(t *testing.T) {
		h := start(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{})
		if lines := h.logLines("no server has added"); len(lines) != 0 {
			t.Errorf("a bot in a server logged its invite: %s", lines)
		}
	})
}
