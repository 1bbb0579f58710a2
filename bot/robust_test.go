package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/bot"
	"lectern/bot/discordtest"
	"lectern/corpus"
	"lectern/retrieval"
)

// The tests here break Discord on purpose (issue 8): server errors, rate
// limits, dropped connections, hostile gateway payloads, an unreachable
// API, and a text that makes large replies.

func askCommand(q string, public bool) discordtest.Command {
	opts := []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", q)}
	if public {
		opts = append(opts, boolOpt("public", true))
	}
	return discordtest.Command{Name: "ask", Options: opts}
}

// logLines returns the log lines holding all of substrs.
func (h *harness) logLines(substrs ...string) []string {
	var out []string
	for _, line := range strings.Split(h.logs.String(), "\n") {
		ok := line != ""
		for _, s := range substrs {
			ok = ok && strings.Contains(line, s)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// waitLogs waits for a log line holding all of substrs.
func (h *harness) waitLogs(substrs ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if lines := h.logLines(substrs...); len(lines) > 0 {
			return lines[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatalf("no log line with %q in:\n%s", substrs, h.logs.String())
	return ""
}

// longTitleLibrary is a text of 30 documents whose titles and sources are
// long.
func longTitleLibrary(t *testing.T) *retrieval.Engine {
	t.Helper()
	var b corpus.Builder
	for i := 0; i < 30; i++ {
		title := fmt.Sprintf("Document %d: ", i) + strings.Repeat("a very long title about the history of everything ", 6)
		src := strings.Repeat("The Collected Sources of a Long Bibliography, ", 6)
		text := fmt.Sprintf("---\ntitle: %q\nsource: %q\n---\nThe archive number %d holds letters about the harbour. They were written in winter.\n", title, src, i)
		if err := b.Add(fmt.Sprintf("doc%02d.txt", i), fmt.Sprintf("doc%02d.txt", i), []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	return retrieval.NewEngine(c, retrieval.Options{})
}

// TestSourceManyDocuments: /source for 30 documents with long titles is
// accepted by Discord (it refused the 6,000-character embed before) and
// pages through them all.
func TestSourceManyDocuments(t *testing.T) {
	t.Parallel()
	h := startWith(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{}, nil, bot.Book{Answerer: longTitleLibrary(t)})
	rec := h.command(discordtest.Command{Name: "source"}, responded)
	if rec.Original == nil {
		t.Fatalf("/source was refused: %v", h.srv.Requests())
	}
	seen := map[string]bool{}
	for page := 1; ; page++ {
		e := rec.Original.Embeds[0]
		for _, f := range e.Fields {
			seen[f.Name] = true
		}
		if e.Footer == nil || !strings.HasPrefix(e.Footer.Text, fmt.Sprintf("Page %d of ", page)) {
			t.Fatalf("page %d footer %+v", page, e.Footer)
		}
		if strings.HasSuffix(e.Footer.Text, fmt.Sprintf(" of %d", page)) {
			break
		}
		in, err := h.srv.ClickComponent(discordtest.ComponentClick{MessageID: rec.Original.ID, CustomID: button(t, rec.Original, "Next ▶")})
		if err != nil {
			t.Fatal(err)
		}
		rec = h.waitInteraction(in.ID, responded)
		if rec.Response.Type != discordgo.InteractionResponseUpdateMessage {
			t.Fatalf("Next ▶ on /source answered with type %d; want 7 (update)", rec.Response.Type)
		}
	}
	if len(seen) != 30 {
		t.Errorf("/source pages list %d documents; want 30", len(seen))
	}
	for _, r := range h.srv.Requests() {
		if r.Status == 400 {
			t.Errorf("Discord refused %s", r)
		}
	}
}

// TestServerErrorsRetried fails 30% of the requests that deliver answers
// with 500 or 503: every question is still answered, once.
func TestServerErrorsRetried(t *testing.T) {
	t.Parallel()
	h := startWith(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{}, nil)
	for _, pattern := range []string{"/channels/*/messages", "/interactions/*/*/callback", "/webhooks/*/*/messages/*"} {
		h.srv.InjectFault(discordtest.Fault{Pattern: pattern, Status: 500, Fraction: 0.15, Seed: 1})
		h.srv.InjectFault(discordtest.Fault{Pattern: pattern, Status: 503, Fraction: 0.18, Seed: 2})
	}
	// A post that Discord handled but whose answer was lost is not
	// posted twice.
	h.srv.InjectFault(discordtest.Fault{Method: "POST", Pattern: "/channels/*/messages", Drop: true, AfterHandling: true, Count: 1})
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan string, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			q, err := h.srv.SendMessage(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
			if err != nil {
				errs <- err.Error()
				return
			}
			if _, err := h.srv.WaitForMessage(h.ctx(), func(m *discordgo.Message) bool {
				return m.MessageReference != nil && m.MessageReference.MessageID == q.ID
			}); err != nil {
				errs <- "mention not answered: " + err.Error()
			}
		}()
		go func() {
			defer wg.Done()
			in, err := h.srv.SendCommand(askCommand("Where was Stalin buried?", false))
			if err != nil {
				errs <- err.Error()
				return
			}
			if _, err := h.srv.WaitForInteraction(h.ctx(), in.ID, edited); err != nil {
				errs <- "/ask not answered: " + err.Error()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	faults, replies := 0, map[string]int{}
	for _, r := range h.srv.Requests() {
		if r.Fault {
			faults++
		}
	}
	for _, m := range h.srv.Messages() {
		if m.MessageReference != nil {
			replies[m.MessageReference.MessageID]++
		}
	}
	if faults < n/2 {
		t.Errorf("only %d faults served; the test injects more", faults)
	}
	for id, k := range replies {
		if k != 1 {
			t.Errorf("question %s answered %d times; want once", id, k)
		}
	}
	if len(h.logLines("request failed: retrying")) == 0 {
		t.Error("no retry logged")
	}
}

// TestLongRateLimitTellsAsker: Discord asks the bot to wait an hour before
// posting in a channel. The bot does not wait, logs the limit with its
// bucket and wait, and tells the asker by direct message.
func TestLongRateLimitTellsAsker(t *testing.T) {
	t.Parallel()
	h := start(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{})
	h.srv.AddRateLimit(discordtest.RateLimitRule{Method: "POST", Pattern: "/channels/" + discordtest.DefaultChannelID + "/messages",
		RetryAfter: time.Hour, Count: 100, Bucket: "bucket-abc"})
	q := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	line := h.waitLogs("rate limited by Discord", "bucket-abc")
	for _, want := range []string{`"retry_after":"1h0m0s"`, `"scope":"user"`, `"global":false`, `"action":"give up"`} {
		if !strings.Contains(line, want) {
			t.Errorf("rate limit log line lacks %s: %s", want, line)
		}
	}
	dm := h.srv.DMChannelID(discordtest.DefaultUserID)
	m, err := h.srv.WaitForMessage(h.ctx(), func(m *discordgo.Message) bool { return m.ChannelID == dm })
	if err != nil {
		t.Fatalf("the asker was not told: %v", err)
	}
	if !strings.Contains(m.Content, "couldn't post my answer") || !strings.Contains(m.Content, "<#"+discordtest.DefaultChannelID+">") {
		t.Errorf("direct message %q; want it to say the answer in <#%s> was lost", m.Content, discordtest.DefaultChannelID)
	}
	h.waitLogs("reply not delivered", `"error"`)
	for _, m := range h.srv.Messages() {
		if m.MessageReference != nil && m.MessageReference.MessageID == q.ID {
			t.Errorf("answered in the rate-limited channel: %+v", m)
		}
	}
}

// TestGlobalRateLimitSparesAsk: a global 429 of an hour on a message does
// not stop /ask, whose endpoints are not bound to the global limit.
func TestGlobalRateLimitSparesAsk(t *testing.T) {
	t.Parallel()
	h := start(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{})
	h.srv.GlobalRateLimitNext("POST", "/channels/*/messages", time.Hour, 1)
	h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	line := h.waitLogs("rate limited by Discord", `"global":true`)
	if !strings.Contains(line, `"retry_after":"1h0m0s"`) || !strings.Contains(line, `"scope":"global"`) {
		t.Errorf("global rate limit log line: %s", line)
	}
	// Waiting out the hour would fail the harness's wait for the answer
	// (15 s).
	rec := h.command(askCommand("Where was Stalin buried?", false), edited)
	checkBurialAnswer(t, rec.Original)
	h.waitLogs("asker not told of the lost answer", "global rate limit")
}

// TestFailedRequestLogsNoToken drops every interaction callback: the
// failure is logged, without the interaction's token.
func TestFailedRequestLogsNoToken(t *testing.T) {
	t.Parallel()
	h := start(t, bot.CoreOptions{}, bot.Options{AnswerDeadline: 300 * time.Millisecond}, discordtest.Options{})
	h.srv.InjectFault(discordtest.Fault{Method: "POST", Pattern: "/interactions/*/*/callback", Drop: true})
	in, err := h.srv.SendCommand(discordtest.Command{Name: "help"})
	if err != nil {
		t.Fatal(err)
	}
	line := h.waitLogs(`"level":"ERROR"`, `"msg":"interaction"`)
	if !strings.Contains(line, "EOF") || !strings.Contains(line, "callback") {
		t.Errorf("error line %s; want the route and EOF", line)
	}
	if strings.Contains(h.logs.String(), in.Token) {
		t.Errorf("the interaction token is in the log:\n%s", h.logs)
	}
	if strings.Contains(h.logs.String(), h.srv.Token()) {
		t.Error("the bot token is in the log")
	}
}

// TestAPIURLCredentialsNotLogged configures discord.api_url with user
// information and a token in its query: neither reaches the log.
func TestAPIURLCredentialsNotLogged(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	api := strings.Replace(srv.APIURL(), "http://", "http://operator:pa55word@", 1) + "?token=query-s3cret"
	logs := &syncBuffer{}
	b, err := bot.New(newCore(t, logs, bot.CoreOptions{}), bot.Options{Token: srv.Token(), APIURL: api, GuildID: discordtest.DefaultGuildID,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)), RetryBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	if _, err := srv.WaitForRequest(waitCtx(t), func(r discordtest.Request) bool { return r.Method == "PUT" && r.Status == 200 }); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	for _, secret := range []string{"pa55word", "query-s3cret", srv.Token()} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs.String(), "connecting to Discord") {
		t.Errorf("no connecting line:\n%s", logs)
	}
	if _, err := bot.New(newCore(t, logs, bot.CoreOptions{}), bot.Options{Token: "t", APIURL: "ftp://user:pa55word@x/?token=query-s3cret"}); err == nil ||
		strings.Contains(err.Error(), "pa55word") || strings.Contains(err.Error(), "query-s3cret") {
		t.Errorf("New with a bad URL = %v; want an error without its credentials", err)
	}
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestStartupRetries: the gateway lookup fails three times with 503 and
// command registration meets server errors and a rate limit longer than
// the bot waits for one request: the bot retries, connects, registers and
// answers.
func TestStartupRetries(t *testing.T) {
	t.Parallel()
	h := startWith(t, bot.CoreOptions{}, bot.Options{MaxRateLimitWait: 100 * time.Millisecond}, discordtest.Options{}, func(srv *discordtest.Server) {
		srv.InjectFault(discordtest.Fault{Method: "GET", Pattern: "/gateway", Status: 503, Count: 3})
		srv.InjectFault(discordtest.Fault{Method: "PUT", Pattern: "/applications/*/guilds/*/commands", Status: 500, Count: 2})
		srv.AddRateLimit(discordtest.RateLimitRule{Method: "PUT", Pattern: "/applications/*/guilds/*/commands", RetryAfter: 300 * time.Millisecond, Count: 1})
	})
	if n := len(h.logLines("cannot connect to Discord: retrying")); n != 3 {
		t.Errorf("%d connection retries logged; want 3:\n%s", n, h.logs)
	}
	if n := len(h.logLines("cannot register slash commands: retrying")); n < 1 {
		t.Errorf("no registration retry logged:\n%s", h.logs)
	}
	q := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	checkBurialAnswer(t, h.replyTo(q.ID))
}

// TestCancelStopsStartupRetries: with Discord unreachable (connection
// refused, or a server that never answers) Run retries until cancelled,
// then returns nil within a second.
func TestCancelStopsStartupRetries(t *testing.T) {
	t.Parallel()
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedAddr := refused.Addr().String()
	refused.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	go func() {
		var conns []net.Conn // accepted and never answered
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	for name, addr := range map[string]string{"refused": refusedAddr, "silent": silent.Addr().String()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			logs := &syncBuffer{}
			b, err := bot.New(newCore(t, logs, bot.CoreOptions{}), bot.Options{Token: "token", APIURL: "http://" + addr + "/api/v9",
				Logger: slog.New(slog.NewJSONHandler(logs, nil)), RetryBackoff: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- b.Run(ctx) }()
			select {
			case err := <-done:
				t.Fatalf("Run returned %v before cancel; want it to keep retrying", err)
			case <-time.After(300 * time.Millisecond):
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v after cancel; want nil", err)
				}
			case <-time.After(time.Second):
				t.Fatal("Run did not return within a second of cancel")
			}
			if name == "refused" && !strings.Contains(logs.String(), "cannot connect to Discord: retrying") {
				t.Errorf("no retry logged:\n%s", logs)
			}
		})
	}
}

// TestHostileGatewayPayloads sends what crashed the bot inside discordgo:
// a null frame, and empty payloads for the events its state tracking and
// guild handling read. The bot stays up and answers.
func TestHostileGatewayPayloads(t *testing.T) {
	t.Parallel()
	h := start(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{})
	if n := h.srv.SendRaw([]byte("null")); n != 1 {
		t.Fatalf("null frame sent on %d connections; want 1", n)
	}
	events := []string{"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE", "GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE",
		"GUILD_MEMBER_REMOVE", "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE", "GUILD_EMOJIS_UPDATE",
		"CHANNEL_CREATE", "CHANNEL_UPDATE", "CHANNEL_DELETE", "THREAD_CREATE", "THREAD_UPDATE", "THREAD_DELETE",
		"MESSAGE_UPDATE", "MESSAGE_DELETE", "VOICE_STATE_UPDATE", "VOICE_SERVER_UPDATE", "PRESENCE_UPDATE",
		"MESSAGE_CREATE", "INTERACTION_CREATE"}
	for _, ev := range events {
		for _, d := range []string{`null`, `{}`, `[]`, `0`} {
			if err := h.srv.Dispatch(ev, json.RawMessage(d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, d := range []string{`{"guilds":[null]}`, `{"guilds":[{"id":"1","channels":[null],"members":[null]}]}`} {
		if err := h.srv.Dispatch("READY", json.RawMessage(d)); err != nil {
			t.Fatal(err)
		}
	}
	q := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	checkBurialAnswer(t, h.replyTo(q.ID))
	if lines := h.logLines("ignored a malformed payload"); len(lines) == 0 {
		t.Error("the malformed payloads were not logged")
	}
}

// TestCompressedGateway: the bot reads the gateway through its guard
// when Discord compresses payloads (discordgo asks it to).
func TestCompressedGateway(t *testing.T) {
	t.Parallel()
	h := start(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{ZlibPayloads: true})
	if id := h.srv.Identifies(); len(id) == 0 || !id[0].Compress {
		t.Fatalf("identified with %+v; want compress", id)
	}
	h.srv.Dispatch("GUILD_CREATE", nil)
	q := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	checkBurialAnswer(t, h.replyTo(q.ID))
}

// TestDropWithRepliesInFlight drops the gateway while 20 replies wait out
// a rate limit: none is lost, and the bot reconnects, reports it
// (Options.Events), and answers.
func TestDropWithRepliesInFlight(t *testing.T) {
	t.Parallel()
	ev := &eventLog{}
	h := start(t, bot.CoreOptions{}, bot.Options{Events: ev}, discordtest.Options{HeartbeatInterval: 200 * time.Millisecond})
	// Let discordgo's heartbeat start before breaking the connection.
	if _, err := h.srv.WaitForStats(h.ctx(), func(s discordtest.Stats) bool { return s.Heartbeats >= 1 }); err != nil {
		t.Fatal(err)
	}
	const n = 20
	h.srv.RateLimitNext("POST", "/channels/*/messages", 300*time.Millisecond, n)
	var ids []string
	for i := 0; i < n; i++ {
		ids = append(ids, h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"}).ID)
	}
	if _, err := h.srv.WaitForRequest(h.ctx(), func(r discordtest.Request) bool { return r.RateLimited }); err != nil {
		t.Fatal(err)
	}
	before := h.srv.Stats()
	if n := h.srv.DropConnections(); n != 1 {
		t.Fatalf("dropped %d connections; want 1", n)
	}
	for _, id := range ids {
		checkBurialAnswer(t, h.replyTo(id))
	}
	if _, err := h.srv.WaitForStats(h.ctx(), func(s discordtest.Stats) bool {
		return s.Connections > before.Connections && s.OpenConnections == 1 && s.Resumes+s.Identifies > before.Resumes+before.Identifies
	}); err != nil {
		t.Fatalf("the bot did not reconnect: %v", err)
	}
	q := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	checkBurialAnswer(t, h.replyTo(q.ID))
	ev.waitFor(t, "reconnected 0")
	if got, want := ev.matching("connected"), []string{"connected 0 false", "connected 0 true", "connected 0 false", "connected 0 true"}; !slices.Equal(got, want) {
		t.Errorf("connection events around the drop %q; want %q", got, want)
	}
}

// TestConcurrentQuestions answers 100 mentions and 100 /ask sent at
// once, timing each from when it was sent to when its answer reached the
// server. It runs alone (not in parallel) so that the timing means
// something.
func TestConcurrentQuestions(t *testing.T) {
	h := start(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{NoEcho: true})
	const n = 100
	var mu sync.Mutex
	sent := map[string]time.Time{} // question message ID or interaction token
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			at := time.Now()
			q, err := h.srv.SendMessage(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			sent[q.ID] = at
			mu.Unlock()
		}()
		go func() {
			defer wg.Done()
			at := time.Now()
			in, err := h.srv.SendCommand(askCommand("Where was Stalin buried?", false))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			sent[in.Token] = at
			mu.Unlock()
		}()
	}
	wg.Wait()
	// The answers: a reply posted to each message, an edit of each
	// interaction's response.
	answered := map[string]time.Time{}
	deadline := time.Now().Add(30 * time.Second)
	for len(answered) < 2*n && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		for _, r := range h.srv.Requests() {
			switch {
			case r.Status != 200:
			case r.Route == "POST /channels/{channel_id}/messages":
				var body struct {
					Ref struct {
						ID string `json:"message_id"`
					} `json:"message_reference"`
				}
				if r.Decode(&body) == nil {
					answered[body.Ref.ID] = r.Time
				}
			case strings.HasPrefix(r.Route, "PATCH /webhooks/"):
				answered[r.Params["interaction_token"]] = r.Time
			}
		}
	}
	var lat []time.Duration
	for id, at := range sent {
		if done, ok := answered[id]; ok {
			lat = append(lat, done.Sub(at))
		}
	}
	if len(lat) != 2*n {
		t.Fatalf("%d of %d questions answered", len(lat), 2*n)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p99 := lat[len(lat)*99/100]
	// Logged, not checked: speed is for benchmarks, and this machine may
	// be busy.
	t.Logf("latency p50 %v, p99 %v", lat[len(lat)/2], p99)
	if errs := h.logLines(`"level":"ERROR"`); len(errs) > 0 {
		t.Errorf("errors logged: %v", errs)
	}
}
