package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/bot/discordtest"
)

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fakeToken is shaped like a bot token, as `lectern serve` checks.
func fakeToken() string {
	return strings.Join([]string{"MTEwMDAwMDAwMDAwMDAwMDAwMQ", "GaBcDe", strings.Repeat("x", 38)}, ".")
}

// TestServe runs `lectern serve` against the Discord-protocol test server,
// configured only through the environment as an operator would: it
// registers its commands and answers a mention and an /ask with the page
// citation, then shuts down cleanly when interrupted.
func TestServe(t *testing.T) {
	token := fakeToken()
	srv := discordtest.NewServer(t, discordtest.Options{Token: token, HeartbeatInterval: time.Second})
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	t.Setenv("LECTERN_DISCORD_TOKEN", token)
	t.Setenv("LECTERN_DISCORD_API_URL", srv.APIURL())
	t.Setenv("LECTERN_DISCORD_GUILD_ID", discordtest.DefaultGuildID)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"serve"}, strings.NewReader(""), &stdout, &stderr) }()

	wait, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	if _, err := srv.WaitForRequest(wait, func(r discordtest.Request) bool {
		return r.Route == "PUT /applications/{application_id}/guilds/{guild_id}/commands" && r.Status == 200
	}); err != nil {
		t.Fatalf("commands not registered: %v\n%s", err, stderr.String())
	}
	if n := len(srv.Commands(discordtest.DefaultGuildID)); n != 5 {
		t.Errorf("%d commands registered; want 5", n)
	}

	q, err := srv.SendMessage(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	if err != nil {
		t.Fatal(err)
	}
	reply, err := srv.WaitForMessage(wait, func(m *discordgo.Message) bool {
		return m.MessageReference != nil && m.MessageReference.MessageID == q.ID
	})
	if err != nil {
		t.Fatalf("no reply to the mention: %v", err)
	}
	if e := reply.Embeds[0]; !strings.Contains(e.Description, "Kremlin wall") || !strings.Contains(e.Footer.Text, "p. 388") {
		t.Errorf("mention reply = %q / %q", e.Description, e.Footer.Text)
	}

	in, err := srv.SendCommand(discordtest.Command{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: "When was Stalin's body removed from the mausoleum?"}}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := srv.WaitForInteraction(wait, in.ID, func(r discordtest.InteractionRecord) bool { return r.Original != nil && r.Edits > 0 })
	if err != nil {
		t.Fatalf("/ask not answered: %v", err)
	}
	if e := rec.Original.Embeds[0]; !strings.Contains(e.Description, "mausoleum") || !strings.Contains(e.Footer.Text, "p. 388") {
		t.Errorf("/ask answer = %q / %q", e.Description, e.Footer.Text)
	}

	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("lectern serve exited %d after interrupt; want 0\n%s", c, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("lectern serve did not stop after interrupt")
	}
	logs := stderr.String()
	if strings.Contains(logs, token) || strings.Contains(stdout.String(), token) {
		t.Error("lectern serve printed the token")
	}
	for _, want := range []string{"slash commands registered", "msg=question", "disconnected"} {
		if !strings.Contains(logs, want) {
			t.Errorf("serve log lacks %q:\n%s", want, logs)
		}
	}
}

func TestServeNeedsToken(t *testing.T) {
	for _, tok := range []string{"", "not-a-token"} {
		t.Setenv("LECTERN_DISCORD_TOKEN", tok)
		code, _, stderr := lectern(t, "", "serve")
		if code != 2 || !strings.Contains(stderr, "LECTERN_DISCORD_TOKEN") {
			t.Errorf("serve with token %q: exit %d, %q; want exit 2 naming LECTERN_DISCORD_TOKEN", tok, code, stderr)
		}
		if tok != "" && strings.Contains(stderr, tok) {
			t.Errorf("serve printed the bad token: %q", stderr)
		}
	}
}

func TestServeRejectedToken(t *testing.T) {
	srv := discordtest.NewServer(t, discordtest.Options{})
	t.Setenv("LECTERN_DISCORD_TOKEN", fakeToken())
	t.Setenv("LECTERN_DISCORD_API_URL", srv.APIURL())
	code, _, stderr := lectern(t, "", "serve")
	if code != 2 || !strings.Contains(stderr, "was rejected by Discord") {
		t.Errorf("serve with a token Discord refuses: exit %d, %q; want exit 2", code, stderr)
	}
}
