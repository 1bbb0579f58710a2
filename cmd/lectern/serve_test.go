package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
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

	// The server has answered the registration before the bot reads the
	// answer and logs it: wait for the log line, so that the interrupt
	// does not cut the registration short.
	for !strings.Contains(stderr.String(), "slash commands registered") && wait.Err() == nil {
		time.Sleep(10 * time.Millisecond)
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

// served is a `lectern serve` running in the test.
type served struct {
	t      *testing.T
	stderr *lockedBuffer
	cancel context.CancelFunc
	code   chan int
}

// startServe runs `lectern serve` configured only through env, as an
// operator would, in a clean directory.
func startServe(t *testing.T, env map[string]string) *served {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	t.Setenv("LECTERN_DISCORD_TOKEN", "")
	for k, v := range env {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{t: t, stderr: &lockedBuffer{}, cancel: cancel, code: make(chan int, 1)}
	go func() { s.code <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, s.stderr) }()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("serve log:\n%s", s.stderr.String())
		}
	})
	return s
}

// stop interrupts serve and returns its exit code.
func (s *served) stop() int {
	s.t.Helper()
	s.cancel()
	select {
	case c := <-s.code:
		s.code <- c
		return c
	case <-time.After(10 * time.Second):
		s.t.Fatal("lectern serve did not stop within 10s of an interrupt")
	}
	return -1
}

// waitLog waits for a log line holding substr and returns it.
func (s *served) waitLog(substr string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(s.stderr.String(), "\n") {
			if strings.Contains(line, substr) {
				return line
			}
		}
		select {
		case c := <-s.code:
			s.code <- c
			s.t.Fatalf("lectern serve exited %d before logging %q:\n%s", c, substr, s.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	s.t.Fatalf("no log line with %q:\n%s", substr, s.stderr.String())
	return ""
}

var addrRE = regexp.MustCompile(`addr=(\S+)`)

// endpointURL waits for the HTTP endpoint and returns its base URL.
func (s *served) endpointURL() string {
	s.t.Helper()
	m := addrRE.FindStringSubmatch(s.waitLog("HTTP listener started"))
	if m == nil {
		s.t.Fatal("the listener's address is not logged")
	}
	s.waitLog("HTTP interactions endpoint ready")
	return "http://" + m[1]
}

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// askOverHTTP sends /ask to the endpoint and checks the cited answer.
func askOverHTTP(t *testing.T, srv *discordtest.Server, c discordtest.Command) {
	t.Helper()
	in, err := srv.SendCommand(c)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	rec, err := srv.WaitForInteraction(ctx, in.ID, func(r discordtest.InteractionRecord) bool {
		return r.Failed || r.Response != nil && r.Original != nil && (r.Response.Type == discordgo.InteractionResponseChannelMessageWithSource || r.Edits > 0)
	})
	if err != nil {
		t.Fatalf("/ask not answered: %v", err)
	}
	if rec.Failed || rec.Delivery == nil {
		t.Fatalf("/ask over HTTP failed: %+v", rec.Delivery)
	}
	if e := rec.Original.Embeds[0]; !strings.Contains(e.Description, "mausoleum") || !strings.Contains(e.Footer.Text, "p. 388") {
		t.Errorf("/ask answer = %q / %q", e.Description, e.Footer.Text)
	}
}

func askQuestion() []*discordgo.ApplicationCommandInteractionDataOption {
	return []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: "When was Stalin's body removed from the mausoleum?"}}
}

// TestServeHTTPOnly runs the HTTP interactions endpoint alone, without a
// token: Discord's check of the endpoint passes, a signed /ask is answered,
// the health checks answer, and the log says that commands are not
// registered.
func TestServeHTTPOnly(t *testing.T) {
	srv := discordtest.NewServer(t, discordtest.Options{})
	s := startServe(t, map[string]string{
		"LECTERN_HTTP_LISTEN":            "127.0.0.1:0",
		"LECTERN_DISCORD_PUBLIC_KEY":     srv.PublicKey(),
		"LECTERN_DISCORD_APPLICATION_ID": srv.ApplicationID(),
		"LECTERN_DISCORD_API_URL":        srv.APIURL(),
	})
	base := s.endpointURL()
	if err := srv.SetInteractionsEndpoint(base + "/interactions"); err != nil {
		t.Fatalf("Discord's check of the endpoint: %v", err)
	}
	// Nothing registered the commands: name one by ID, as Discord would.
	askOverHTTP(t, srv, discordtest.Command{Name: "ask", CommandID: "1100000000000000900", Options: askQuestion()})
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, body := httpGet(t, base+path); status != 200 {
			t.Errorf("GET %s = %d %q; want 200", path, status, body)
		}
	}
	s.waitLog("slash commands are not registered")
	if c := s.stop(); c != 0 {
		t.Errorf("lectern serve exited %d after interrupt; want 0", c)
	}
	logs := s.stderr.String()
	for _, want := range []string{"msg=question", "door=http", "HTTP listener stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("serve log lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "connecting to Discord") {
		t.Error("serve without a token connected to the gateway")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the listener still answers after serve stopped")
	}
}

// TestServeBothDoors runs the gateway and the HTTP endpoint together: the
// commands are registered, /readyz waits for the gateway, an /ask comes
// over HTTP and a mention over the gateway.
func TestServeBothDoors(t *testing.T) {
	token := fakeToken()
	srv := discordtest.NewServer(t, discordtest.Options{Token: token, HeartbeatInterval: time.Second})
	s := startServe(t, map[string]string{
		"LECTERN_DISCORD_TOKEN":          token,
		"LECTERN_DISCORD_GUILD_ID":       discordtest.DefaultGuildID,
		"LECTERN_HTTP_LISTEN":            "127.0.0.1:0",
		"LECTERN_DISCORD_PUBLIC_KEY":     srv.PublicKey(),
		"LECTERN_DISCORD_APPLICATION_ID": srv.ApplicationID(),
		"LECTERN_DISCORD_API_URL":        srv.APIURL(),
	})
	base := s.endpointURL()
	s.waitLog("slash commands registered")
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, body := httpGet(t, base+"/readyz")
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET /readyz = %d %q after the gateway connected", status, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := srv.SetInteractionsEndpoint(base + "/interactions"); err != nil {
		t.Fatalf("Discord's check of the endpoint: %v", err)
	}
	askOverHTTP(t, srv, discordtest.Command{Name: "ask", Options: askQuestion()})

	q, err := srv.SendMessage(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := srv.WaitForMessage(ctx, func(m *discordgo.Message) bool {
		return m.MessageReference != nil && m.MessageReference.MessageID == q.ID
	}); err != nil {
		t.Fatalf("no reply to the mention: %v", err)
	}
	if c := s.stop(); c != 0 {
		t.Errorf("lectern serve exited %d after interrupt; want 0", c)
	}
	logs := s.stderr.String()
	if strings.Contains(logs, "not registered") || strings.Contains(logs, token) {
		t.Errorf("serve log says commands are not registered, or holds the token:\n%s", logs)
	}
	for _, want := range []string{"door=http", "door=gateway", "disconnected", "HTTP listener stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("serve log lacks %q:\n%s", want, logs)
		}
	}
}

// TestServeWrongApplication: with a token, discord.application_id must be
// the token's application.
func TestServeWrongApplication(t *testing.T) {
	token := fakeToken()
	srv := discordtest.NewServer(t, discordtest.Options{Token: token})
	s := startServe(t, map[string]string{
		"LECTERN_DISCORD_TOKEN":          token,
		"LECTERN_HTTP_LISTEN":            "127.0.0.1:0",
		"LECTERN_DISCORD_PUBLIC_KEY":     srv.PublicKey(),
		"LECTERN_DISCORD_APPLICATION_ID": "1100000000000000777",
		"LECTERN_DISCORD_API_URL":        srv.APIURL(),
	})
	select {
	case c := <-s.code:
		s.code <- c
		if logs := s.stderr.String(); c != 2 || !strings.Contains(logs, "discord.application_id: 1100000000000000777 is not the application of the bot token") {
			t.Errorf("serve with another application's ID: exit %d; want 2 saying so:\n%s", c, logs)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve with another application's ID did not stop")
	}
}

// TestServeSettingsMissing: serve says what each door needs.
func TestServeSettingsMissing(t *testing.T) {
	key := strings.Repeat("ab", 32)
	for _, tt := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"nothing", nil, []string{"LECTERN_DISCORD_TOKEN", "LECTERN_HTTP_LISTEN", "LECTERN_DISCORD_PUBLIC_KEY", "LECTERN_DISCORD_APPLICATION_ID"}},
		{"no application ID", map[string]string{"LECTERN_HTTP_LISTEN": "127.0.0.1:0", "LECTERN_DISCORD_PUBLIC_KEY": key}, []string{"discord.application_id", "LECTERN_DISCORD_APPLICATION_ID"}},
		{"no public key", map[string]string{"LECTERN_HTTP_LISTEN": "127.0.0.1:0", "LECTERN_DISCORD_APPLICATION_ID": "1100000000000000001"}, []string{"discord.public_key", "LECTERN_DISCORD_PUBLIC_KEY"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LECTERN_DISCORD_TOKEN", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, _, stderr := lectern(t, "", "serve")
			if code != 2 {
				t.Errorf("exit %d; want 2: %s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("message lacks %s: %s", w, stderr)
				}
			}
		})
	}
}

// TestServeWrongAPIURL: an API URL without Discord's /api/v9 is a setting
// to correct, not an outage to wait out: serve exits 2 at once (systemd
// does not restart it) and says which setting.
func TestServeWrongAPIURL(t *testing.T) {
	token := fakeToken()
	srv := discordtest.NewServer(t, discordtest.Options{Token: token})
	t.Setenv("LECTERN_DISCORD_TOKEN", token)
	t.Setenv("LECTERN_DISCORD_API_URL", srv.URL())
	t.Setenv("LECTERN_HTTP_LISTEN", "")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	var stdout, stderr lockedBuffer
	code := run(ctx, []string{"serve"}, strings.NewReader(""), &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "LECTERN_DISCORD_API_URL") {
		t.Errorf("serve against the server's root: exit %d; want 2 and LECTERN_DISCORD_API_URL named:\n%s", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "retrying") {
		t.Errorf("serve retried a 404:\n%s", stderr.String())
	}
	if ctx.Err() != nil {
		t.Error("serve ran until the test's deadline")
	}
}
