package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.yaml.in/yaml/v3"

	"lectern/bot/discordtest"
)

// Channels of the test server for the serve checks, besides
// discordtest.DefaultChannelID.
const (
	zooChannel   = "1100000000000000102"
	forumChannel = "1100000000000000103"
)

// serveCheck runs `lectern serve` with settings (dotted keys; BOOKS and DIR
// in strings become the fixture's paths) against a test server adjusted by
// server, waits for ready (a log line; "" means the slash commands
// registered), and calls check.
type serveCheck struct {
	settings map[string]any
	// more are settings that depend on the test server.
	more   func(srv *discordtest.Server) map[string]any
	server func(*discordtest.Options)
	ready  string
	check  func(t *testing.T, s *serveRun)
}

// serveRun is a running `lectern serve` for one check.
type serveRun struct {
	srv    *discordtest.Server
	f      *settingsFixture
	logs   *lockedBuffer
	cancel context.CancelFunc
	code   chan int
}

// serve starts lectern serve for sc, configured only by a lectern.yaml
// named with --config so that checks can run in parallel, and waits until
// it is ready: the log line sc.ready, or else the slash commands
// registered.
func (f *settingsFixture) serve(t *testing.T, sc serveCheck) *serveRun {
	t.Helper()
	token := fakeToken()
	opts := discordtest.Options{Token: token, HeartbeatInterval: time.Second,
		PrivilegedIntents: discordgo.IntentsMessageContent, Guilds: []discordtest.Guild{{
			ID: discordtest.DefaultGuildID, Name: "test",
			Channels: []discordtest.Channel{
				{ID: discordtest.DefaultChannelID, Name: "general"},
				{ID: zooChannel, Name: "zoo"},
				{ID: forumChannel, Name: "questions", Type: discordgo.ChannelTypeGuildForum},
			},
		}}}
	if sc.server != nil {
		sc.server(&opts)
	}
	srv := discordtest.NewServer(t, opts)
	settings := map[string]any{
		"corpus":           "BOOKS",
		"discord.token":    token,
		"discord.api_url":  srv.APIURL(),
		"discord.guild_id": discordtest.DefaultGuildID,
	}
	for k, v := range sc.settings {
		if v == nil {
			delete(settings, k)
			continue
		}
		settings[k] = v
	}
	if sc.more != nil {
		for k, v := range sc.more(srv) {
			settings[k] = v
		}
	}
	file := filepath.Join(f.dir, "lectern.yaml")
	if err := os.WriteFile(file, nested(t, settings, f), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &serveRun{srv: srv, f: f, logs: &lockedBuffer{}, cancel: cancel, code: make(chan int, 1)}
	go func() { s.code <- run(ctx, []string{"serve", "--config", file}, strings.NewReader(""), s.logs, s.logs) }()
	t.Cleanup(func() {
		if c := s.stop(); c != 0 {
			t.Errorf("lectern serve exited %d", c)
		}
		if t.Failed() {
			t.Logf("serve log:\n%s", s.logs.String())
		}
	})
	if sc.ready != "" {
		s.waitLog(t, sc.ready)
		return s
	}
	wait, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	if _, err := srv.WaitForRequest(wait, func(r discordtest.Request) bool {
		return strings.HasSuffix(r.Route, "/commands") && r.Method == "PUT" && r.Status == 200
	}); err != nil {
		t.Fatalf("the slash commands were not registered: %v", err)
	}
	return s
}

// nested renders dotted keys as YAML, with BOOKS and DIR expanded.
func nested(t *testing.T, flat map[string]any, f *settingsFixture) []byte {
	t.Helper()
	r := strings.NewReplacer("BOOKS", f.books, "DIR", f.dir)
	var expand func(v any) any
	expand = func(v any) any {
		switch x := v.(type) {
		case string:
			return r.Replace(x)
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = expand(e)
			}
			return out
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				out[k] = expand(e)
			}
			return out
		}
		return v
	}
	root := map[string]any{}
	for k, v := range flat {
		if k == "corpus.watch" { // a top-level key written with its dot
			root[k] = expand(v)
			continue
		}
		m := root
		parts := strings.Split(k, ".")
		for _, p := range parts[:len(parts)-1] {
			sub, ok := m[p].(map[string]any)
			if !ok {
				sub = map[string]any{}
				m[p] = sub
			}
			m = sub
		}
		m[parts[len(parts)-1]] = expand(v)
	}
	b, err := yaml.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (s *serveRun) stop() int {
	s.cancel()
	select {
	case c := <-s.code:
		s.code <- c
		return c
	case <-time.After(20 * time.Second):
		return -1
	}
}

func (s *serveRun) waitLog(t *testing.T, substr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.logs.String(), substr) {
			return
		}
		select {
		case c := <-s.code:
			s.code <- c
			t.Fatalf("lectern serve exited %d before logging %q", c, substr)
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatalf("no log line with %q", substr)
}

// mention posts a question mentioning the bot (or not) in a channel and
// returns the text of the bot's reply, "" if none came within wait.
func (s *serveRun) mention(t *testing.T, channel, q string, mention bool, wait time.Duration) string {
	t.Helper()
	m, err := s.srv.SendMessage(discordtest.UserMessage{ChannelID: channel, Content: q, MentionBot: mention})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	reply, err := s.srv.WaitForMessage(ctx, func(r *discordgo.Message) bool {
		return r.MessageReference != nil && r.MessageReference.MessageID == m.ID
	})
	if err != nil {
		return ""
	}
	return messageText(reply)
}

// messageText is all the text of a message, content and embeds, with the
// Markdown the bot adds (bold words, escapes) taken out.
func messageText(m *discordgo.Message) string {
	return strings.NewReplacer("**", "", "\\", "").Replace(rawText(m))
}

func rawText(m *discordgo.Message) string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, e := range m.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + "\n" + f.Value)
		}
		if e.Footer != nil {
			b.WriteString("\n" + e.Footer.Text)
		}
	}
	return b.String()
}

// asked is a check that mentions the bot with q in the default channel and
// wants the reply to pass ok.
func asked(q string, ok func(reply string) bool) func(t *testing.T, s *serveRun) {
	return func(t *testing.T, s *serveRun) {
		if r := s.mention(t, discordtest.DefaultChannelID, q, true, 15*time.Second); !ok(r) {
			t.Errorf("reply to %q:\n%s", q, r)
		}
	}
}

// logged is a check that wants the log to hold s.
func logged(want string) func(t *testing.T, s *serveRun) {
	return func(t *testing.T, s *serveRun) {
		s.waitLog(t, want)
	}
}

func contains(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

// excerptStarts reports whether a line of the reply (the bot shows one
// excerpt: discord.results is 1) starts with prefix.
func excerptStarts(prefix string) func(string) bool {
	return func(r string) bool {
		for _, l := range strings.Split(r, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), prefix) {
				return true
			}
		}
		return false
	}
}

// serveChecks prove, for each key that lectern.example.yaml says serve
// uses, that serve does.
var serveChecks = map[string]serveCheck{
	"corpus": {check: asked("zebra lion tiger", contains("Zebra lion tiger."))},
	"index": {settings: map[string]any{"index": "DIR/serve.idx"}, check: func(t *testing.T, s *serveRun) {
		s.waitLog(t, "saved the index to")
		if _, err := os.Stat(filepath.Join(s.f.dir, "serve.idx")); err != nil {
			t.Error(err)
		}
	}},
	"corpora": {settings: map[string]any{"corpus": nil, "corpora": []any{
		map[string]any{"name": "zoo", "corpus": "BOOKS", "channels": []any{zooChannel}},
		map[string]any{"name": "seed", "corpus": "DIR/seed"},
	}}, check: func(t *testing.T, s *serveRun) {
		if r := s.mention(t, zooChannel, "zebra lion tiger", true, 15*time.Second); !strings.Contains(r, "Zebra lion tiger.") {
			t.Errorf("in the zoo channel, reply:\n%s", r)
		}
		if r := s.mention(t, discordtest.DefaultChannelID, "Where was Stalin buried?", true, 15*time.Second); !strings.Contains(r, "Kremlin wall") {
			t.Errorf("elsewhere, reply:\n%s", r)
		}
	}},
	"limits.max_file_size":   {settings: map[string]any{"limits.max_file_size": "2KiB"}, check: logged("too big")},
	"limits.max_corpus_size": {settings: map[string]any{"limits.max_corpus_size": "1KiB"}, check: logged("over the corpus limit")},
	"retrieval.k1":           {settings: map[string]any{"retrieval.k1": 10}, check: asked("zebra lion tiger", excerptStarts("Zebra zebra"))},
	"retrieval.b":            {settings: map[string]any{"retrieval.b": 0}, check: asked("quagga hides", excerptStarts("Quagga hides can"))},
	"retrieval.min_coverage": {settings: map[string]any{"retrieval.min_coverage": 1}, check: asked("zebra lion giraffe", contains("doesn't seem to answer"))},
	"retrieval.excerpt_max": {settings: map[string]any{"retrieval.excerpt_max": 100}, check: asked("okapis rainforests congo", func(r string) bool {
		return strings.Contains(r, "Congo") && !strings.Contains(r, "shade of the forest")
	})},
	"retrieval.fuzzy": {settings: map[string]any{"retrieval.fuzzy": false}, check: asked("zebbra lionn tigger", func(r string) bool {
		return r != "" && !strings.Contains(r, "Zebra lion tiger.")
	})},
	"language": {settings: map[string]any{"corpus": "DIR/es", "language": "ru"}, check: asked("canción", func(r string) bool {
		return r != "" && !strings.Contains(r, "Las canciones populares")
	})},
	"discord.token": {check: func(t *testing.T, s *serveRun) {
		if ids := s.srv.Identifies(); len(ids) == 0 || ids[0].SessionID == "" {
			t.Errorf("no session started with the token: %+v", ids)
		}
	}},
	"discord.guild_id": {check: func(t *testing.T, s *serveRun) {
		if n := len(s.srv.Commands(discordtest.DefaultGuildID)); n == 0 {
			t.Error("no command registered in discord.guild_id's server")
		}
	}},
	"discord.api_url": {check: func(t *testing.T, s *serveRun) {
		if len(s.srv.Requests()) == 0 {
			t.Error("no request reached discord.api_url")
		}
	}},
	"discord.channels": {settings: map[string]any{"discord.channels": []any{zooChannel}}, check: func(t *testing.T, s *serveRun) {
		if r := s.mention(t, zooChannel, "zebra lion tiger", false, 15*time.Second); !strings.Contains(r, "Zebra lion tiger.") {
			t.Errorf("a message without a mention in the channel: reply %q", r)
		}
	}},
	"discord.forums": {settings: map[string]any{"discord.forums": []any{forumChannel}}, check: func(t *testing.T, s *serveRun) {
		thread, _, err := s.srv.CreateForumPost(discordtest.ForumPost{ForumID: forumChannel, Name: "animals", Content: "zebra lion tiger"})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		reply, err := s.srv.WaitForMessage(ctx, func(m *discordgo.Message) bool { return m.ChannelID == thread.ID && m.Author != nil && m.Author.Bot })
		if err != nil || !strings.Contains(messageText(reply), "Zebra lion tiger.") {
			t.Errorf("the forum post was not answered: %v", err)
		}
	}},
	"discord.results": {settings: map[string]any{"discord.results": 2}, check: asked("lion", func(r string) bool {
		return strings.Count(r, "📖") == 2
	})},
	"discord.cooldown.questions": {settings: map[string]any{"discord.cooldown.questions": 1}, check: func(t *testing.T, s *serveRun) {
		s.mention(t, discordtest.DefaultChannelID, "zebra lion tiger", true, 15*time.Second)
		if r := s.mention(t, discordtest.DefaultChannelID, "quagga hides", true, 15*time.Second); !strings.Contains(strings.ToLower(r), "slow down") {
			t.Errorf("a second question within the window: reply %q; want slow down", r)
		}
	}},
	"discord.cooldown.window": {settings: map[string]any{"discord.cooldown.questions": 1, "discord.cooldown.window": "0s"}, check: func(t *testing.T, s *serveRun) {
		s.mention(t, discordtest.DefaultChannelID, "zebra lion tiger", true, 15*time.Second)
		if r := s.mention(t, discordtest.DefaultChannelID, "quagga hides", true, 15*time.Second); !strings.Contains(r, "Quagga") {
			t.Errorf("with no window, a second question: reply %q; want an answer", r)
		}
	}},
	"log.level": {settings: map[string]any{"log.level": "error"}, check: func(t *testing.T, s *serveRun) {
		s.mention(t, discordtest.DefaultChannelID, "zebra lion tiger", true, 15*time.Second)
		if logs := s.logs.String(); strings.Contains(logs, "level=INFO") {
			t.Errorf("log.level error, and the log holds INFO lines:\n%s", logs)
		}
	}},
	"log.format": {settings: map[string]any{"log.format": "json"}, check: logged(`{"time":`)},
	"metrics.listen": {settings: map[string]any{"metrics.listen": "127.0.0.1:0"}, check: func(t *testing.T, s *serveRun) {
		s.mention(t, discordtest.DefaultChannelID, "zebra lion tiger", true, 15*time.Second)
		m := regexp.MustCompile(`msg="metrics listener started" addr=(\S+)`).FindStringSubmatch(s.logs.String())
		if m == nil {
			t.Fatal("the metrics listener's address is not logged")
		}
		resp, err := http.Get("http://" + m[1] + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), `lectern_questions_total{door="gateway",outcome="answered"} 1`) {
			t.Errorf("GET /metrics on metrics.listen lacks the answered question:\n%s", body)
		}
	}},
	"corpus.watch": {settings: map[string]any{"corpus.watch": true}, check: func(t *testing.T, s *serveRun) {
		s.waitLog(t, "watching the corpus")
		if err := os.WriteFile(filepath.Join(s.f.books, "birds.txt"), []byte("Flamingos stand on one leg to keep warm.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		s.waitLog(t, "reloaded:")
		if r := s.mention(t, discordtest.DefaultChannelID, "why do flamingos stand on one leg", true, 15*time.Second); !strings.Contains(r, "keep warm") {
			t.Errorf("after a new file in the watched corpus: reply %q", r)
		}
	}},
	"feedback.path": {settings: map[string]any{"feedback.path": "DIR/feedback.jsonl"}, check: func(t *testing.T, s *serveRun) {
		s.mention(t, discordtest.DefaultChannelID, "What is the capital of France?", true, 15*time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		for {
			if b, _ := os.ReadFile(filepath.Join(s.f.dir, "feedback.jsonl")); strings.Contains(string(b), "not_found") {
				return
			}
			select {
			case <-ctx.Done():
				t.Fatal("the question the text did not answer is not in feedback.path")
			case <-time.After(10 * time.Millisecond):
			}
		}
	}},
}

// serveCheckFor returns the check of key, nil if there is none.
func serveCheckFor(key string) *serveCheck {
	switch key {
	case "http.listen", "discord.public_key", "discord.application_id":
		// The endpoint's three settings: with them, an /ask the test
		// server sends to the endpoint is answered.
		return &serveCheck{
			settings: map[string]any{"http.listen": "127.0.0.1:0"},
			more: func(srv *discordtest.Server) map[string]any {
				return map[string]any{"discord.public_key": srv.PublicKey(), "discord.application_id": srv.ApplicationID()}
			},
			check: checkEndpoint,
		}
	case "discord.shards", "discord.shard_ids":
		// Two shards in all, this process running shard 1 only.
		return &serveCheck{
			settings: map[string]any{"discord.shards": 2, "discord.shard_ids": []any{1}},
			server:   func(o *discordtest.Options) { o.Shards = 2 },
			ready:    "connected",
			check: func(t *testing.T, s *serveRun) {
				ids := s.srv.Identifies()
				if len(ids) == 0 || ids[0].Shard == nil || *ids[0].Shard != [2]int{1, 2} {
					t.Errorf("identified as %+v; want shard [1, 2]", ids)
				}
			},
		}
	}
	if c, ok := serveChecks[key]; ok {
		return &c
	}
	return nil
}

func checkEndpoint(t *testing.T, s *serveRun) {
	s.waitLog(t, "HTTP interactions endpoint ready")
	m := addrRE.FindStringSubmatch(s.logs.String())
	if m == nil {
		t.Fatal("the listener's address is not logged")
	}
	if err := s.srv.SetInteractionsEndpoint("http://" + m[1] + "/interactions"); err != nil {
		t.Fatalf("Discord's check of the endpoint: %v", err)
	}
	in, err := s.srv.SendCommand(discordtest.Command{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: "zebra lion tiger"}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	rec, err := s.srv.WaitForInteraction(ctx, in.ID, func(r discordtest.InteractionRecord) bool {
		return r.Failed || r.Original != nil && strings.Contains(messageText(r.Original), "Zebra lion tiger.")
	})
	if err != nil || rec.Failed || rec.Delivery == nil {
		t.Errorf("/ask over the endpoint: %v (failed %v)", err, rec.Failed)
	}
}
