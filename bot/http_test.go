package bot_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/bot"
	"lectern/bot/discordtest"
	"lectern/retrieval"
)

// The HTTP door's end-to-end tests: the Discord-protocol test server POSTs
// signed interactions to an HTTP server running the door, records its
// responses and takes the edits of deferred answers on its webhook routes.

// endpoint is an HTTP door serving a test server's interactions.
type endpoint struct {
	t    *testing.T
	srv  *discordtest.Server
	door *bot.HTTPDoor
	ts   *httptest.Server
	logs *syncBuffer
}

// startEndpoint runs an HTTP door on core against srv, registers the
// core's commands and saves the door's URL as the application's
// interactions endpoint, which makes the server check it as Discord does
// (a PING, and a PING with a bad signature).
func startEndpoint(t *testing.T, srv *discordtest.Server, core *bot.Core, logs *syncBuffer, ho bot.HTTPOptions) *endpoint {
	t.Helper()
	ho.PublicKey = srv.PublicKey()
	ho.APIURL = srv.APIURL()
	ho.ApplicationID = srv.ApplicationID()
	ho.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if ho.RetryBackoff == 0 {
		ho.RetryBackoff = 10 * time.Millisecond
	}
	door, err := bot.NewHTTP(core, ho)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(door)
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := door.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if t.Failed() {
			t.Logf("door log:\n%s", logs.String())
		}
	})
	registerCommands(t, srv, core.Commands())
	if err := srv.SetInteractionsEndpoint(ts.URL + bot.PathInteractions); err != nil {
		t.Fatalf("Discord's check of the endpoint failed: %v", err)
	}
	return &endpoint{t: t, srv: srv, door: door, ts: ts, logs: logs}
}

// newEndpoint starts a test server and an HTTP door on a core answering
// from books (the seed text if none).
func newEndpoint(t *testing.T, co bot.CoreOptions, ho bot.HTTPOptions, books ...bot.Book) *endpoint {
	t.Helper()
	srv := discordtest.NewServer(t, discordtest.Options{})
	logs := &syncBuffer{}
	return startEndpoint(t, srv, newCore(t, logs, co, books...), logs, ho)
}

// registerCommands registers cmds globally, as the gateway door does
// without a guild ID, with a bulk overwrite: a door without a token cannot.
func registerCommands(t *testing.T, srv *discordtest.Server, cmds []*discordgo.ApplicationCommand) {
	t.Helper()
	body, err := json.Marshal(cmds)
	if err != nil {
		t.Fatal(err)
	}
	u := fmt.Sprintf("%s/applications/%s/commands", srv.APIURL(), srv.ApplicationID())
	req, err := http.NewRequest("PUT", u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+srv.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("registering commands: %d %s", resp.StatusCode, b)
	}
}

// wait returns the record of interaction in once cond holds.
func (e *endpoint) wait(in *discordgo.Interaction, err error, cond func(discordtest.InteractionRecord) bool) discordtest.InteractionRecord {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	rec, err := e.srv.WaitForInteraction(waitCtx(e.t), in.ID, func(r discordtest.InteractionRecord) bool {
		return r.Failed || cond(r)
	})
	if err != nil {
		e.t.Fatalf("waiting for interaction %s: %v", in.ID, err)
	}
	if rec.Failed {
		problem := "no delivery"
		if rec.Delivery != nil {
			problem = fmt.Sprintf("%s (status %d: %s)", rec.Delivery.Problem, rec.Delivery.Status, rec.Delivery.Response)
		}
		e.t.Fatalf("interaction %s failed: %s", in.ID, problem)
	}
	return rec
}

func (e *endpoint) command(c discordtest.Command, cond func(discordtest.InteractionRecord) bool) discordtest.InteractionRecord {
	e.t.Helper()
	in, err := e.srv.SendCommand(c)
	return e.wait(in, err, cond)
}

func (e *endpoint) click(m *discordgo.Message, label string) discordtest.InteractionRecord {
	e.t.Helper()
	in, err := e.srv.ClickComponent(discordtest.ComponentClick{MessageID: m.ID, CustomID: button(e.t, m, label)})
	return e.wait(in, err, func(r discordtest.InteractionRecord) bool { return r.Response != nil && r.Original != nil })
}

// get makes a request of method to the door's path and returns the status,
// body and headers.
func (e *endpoint) get(method, path string) (int, string, http.Header) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// answered holds once the interaction's reply is there: at once (type 4,
// 7 or 8) or edited in after a deferred response.
func answered(r discordtest.InteractionRecord) bool {
	if r.Response == nil {
		return false
	}
	if r.Response.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		return r.Edits > 0
	}
	return true
}

// checkDirect asserts the interaction was answered in the HTTP response
// with a message of type typ, allowing no mentions.
func checkDirect(t *testing.T, rec discordtest.InteractionRecord, typ discordgo.InteractionResponseType) {
	t.Helper()
	if rec.Response.Type != typ {
		t.Errorf("response type %d; want %d in the HTTP response", rec.Response.Type, typ)
	}
	d := rec.Delivery
	if d == nil || !d.Accepted || d.ResponseHeader.Get("Content-Type") != "application/json" {
		t.Fatalf("delivery %+v; want an accepted JSON response", d)
	}
	if typ != discordgo.InteractionApplicationCommandAutocompleteResult {
		checkNoMentions(t, discordtest.Request{Route: "HTTP response", Body: d.Response})
	}
}

// TestHTTPFlows drives every flow through the HTTP door, on one endpoint:
// each command, autocomplete and button, answered in the HTTP response
// (the seed text answers in milliseconds); deferred answers have their own
// test.
func TestHTTPFlows(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, bot.CoreOptions{}, bot.HTTPOptions{})
	var tokens []string
	keep := func(rec discordtest.InteractionRecord) discordtest.InteractionRecord {
		tokens = append(tokens, rec.Interaction.Token)
		return rec
	}

	t.Run("ask", func(t *testing.T) {
		e := *e
		e.t = t
		rec := keep(e.command(askCommand("Where was Stalin buried?", false), answered))
		checkDirect(t, rec, discordgo.InteractionResponseChannelMessageWithSource)
		if rec.Response.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Error("/ask without public:true is not ephemeral")
		}
		checkBurialAnswer(t, rec.Original)
		line := waitLogLine(t, e.logs, `"msg":"question"`)
		for _, want := range []string{`"door":"http"`, `"via":"ask"`, `"answered":true`, `"user":"` + discordtest.DefaultUserID} {
			if !strings.Contains(line, want) {
				t.Errorf("question log line lacks %s: %s", want, line)
			}
		}
		bad := keep(e.command(askCommand("   ", false), answered))
		checkDirect(t, bad, discordgo.InteractionResponseChannelMessageWithSource)
		if !strings.Contains(bad.Original.Content, "empty") || bad.Response.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("/ask with a blank question: %q; want a private error", bad.Original.Content)
		}
	})

	t.Run("buttons", func(t *testing.T) {
		e := *e
		e.t = t
		rec := keep(e.command(askCommand("Khrushchev speech", true), answered))
		if rec.Response.Flags&discordgo.MessageFlagsEphemeral != 0 {
			t.Error("/ask public:true is ephemeral")
		}
		first := rec.Original.Embeds[0].Description
		more := keep(e.click(rec.Original, "More results"))
		checkDirect(t, more, discordgo.InteractionResponseChannelMessageWithSource)
		if next := more.Original.Embeds[0].Description; next == first || next == "" || more.Response.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("More results = %q (flags %d); want the next excerpts, privately", next, more.Response.Flags)
		}
		ctx := keep(e.click(rec.Original, "Show context"))
		checkDirect(t, ctx, discordgo.InteractionResponseChannelMessageWithSource)
		if d := ctx.Original.Embeds[0].Description; len(d) <= len(strings.TrimSpace(first))/2 {
			t.Errorf("Show context = %q; want the surrounding paragraph", d)
		}
		fb := keep(e.click(rec.Original, "👍"))
		checkDirect(t, fb, discordgo.InteractionResponseChannelMessageWithSource)
		if fb.Response.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Error("feedback acknowledgement is not ephemeral")
		}
		line := waitLogLine(t, e.logs, `"msg":"feedback"`)
		if !strings.Contains(line, `"door":"http"`) || !strings.Contains(line, `"vote":"up"`) || !strings.Contains(line, `"question":"Khrushchev speech"`) {
			t.Errorf("feedback log line: %s", line)
		}
	})

	t.Run("topics", func(t *testing.T) {
		e := *e
		e.t = t
		rec := keep(e.command(discordtest.Command{Name: "topics"}, answered))
		checkDirect(t, rec, discordgo.InteractionResponseChannelMessageWithSource)
		if !strings.Contains(rec.Original.Embeds[0].Footer.Text, "Page 1 of") {
			t.Fatalf("/topics = %+v", rec.Original.Embeds[0])
		}
		next := keep(e.click(rec.Original, "Next ▶"))
		checkDirect(t, next, discordgo.InteractionResponseUpdateMessage)
		if next.Original.ID != rec.Original.ID || !strings.Contains(next.Original.Embeds[0].Footer.Text, "Page 2 of") {
			t.Errorf("after Next ▶ the message is %+v; want /topics' message on page 2", next.Original)
		}
	})

	t.Run("topic", func(t *testing.T) {
		e := *e
		e.t = t
		for _, tt := range []struct {
			typed string
			want  int // -1: at least one
		}{{"camp", -1}, {"", -1}, {"qqqqzzzz", 0}} {
			in, err := e.srv.SendAutocomplete(discordtest.Autocomplete{Name: "topic", Focused: "name", Value: tt.typed})
			rec := keep(e.wait(in, err, answered))
			checkDirect(t, rec, discordgo.InteractionApplicationCommandAutocompleteResult)
			if n := len(rec.Response.Choices); (tt.want < 0 && (n == 0 || n > 25)) || (tt.want >= 0 && n != tt.want) {
				t.Errorf("autocomplete %q gave %d choices; want %d (-1: 1 to 25)", tt.typed, n, tt.want)
			}
		}
		rec := keep(e.command(discordtest.Command{Name: "topic", Options: []*discordgo.ApplicationCommandInteractionDataOption{strOpt("name", "camp literature")}}, answered))
		checkDirect(t, rec, discordgo.InteractionResponseChannelMessageWithSource)
		if !strings.Contains(rec.Original.Embeds[0].Description, "camp") {
			t.Errorf("/topic camp literature = %q", rec.Original.Embeds[0].Description)
		}
	})

	t.Run("source and help", func(t *testing.T) {
		e := *e
		e.t = t
		src := keep(e.command(discordtest.Command{Name: "source"}, answered))
		checkDirect(t, src, discordgo.InteractionResponseChannelMessageWithSource)
		if d := src.Original.Embeds[0]; !strings.Contains(d.Description, "34 sentences") {
			t.Errorf("/source = %+v", d)
		}
		help := keep(e.command(discordtest.Command{Name: "help"}, answered))
		checkDirect(t, help, discordgo.InteractionResponseChannelMessageWithSource)
		if !strings.Contains(help.Original.Embeds[0].Description, "/ask") {
			t.Errorf("/help = %+v", help.Original.Embeds[0])
		}
	})

	t.Run("dm", func(t *testing.T) {
		e := *e
		e.t = t
		c := askCommand("Where was Stalin buried?", true)
		c.DM = true
		rec := keep(e.command(c, answered))
		checkDirect(t, rec, discordgo.InteractionResponseChannelMessageWithSource)
		checkBurialAnswer(t, rec.Original)
	})

	logs := e.logs.String()
	for _, tok := range tokens {
		if strings.Contains(logs, tok) {
			t.Errorf("an interaction token is in the log")
			break
		}
	}
	if !strings.Contains(logs, `"msg":"interaction"`) || !strings.Contains(logs, `"response":"message"`) {
		t.Errorf("no debug line per interaction in the log:\n%s", logs)
	}
}

// waitLogLine waits for a log line holding substr and returns it.
func waitLogLine(t *testing.T, logs *syncBuffer, substr string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(logs.String(), "\n") {
			if strings.Contains(line, substr) {
				return line
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no log line with %s in:\n%s", substr, logs.String())
	return ""
}

// TestHTTPRefuses checks what the endpoint refuses, as Discord requires
// (401 for any request whose signature does not check out) and as HTTP
// has it.
func TestHTTPRefuses(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, bot.CoreOptions{}, bot.HTTPOptions{})
	_, otherKey, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	signedBody := func(v map[string]any) []byte {
		v["id"], v["application_id"], v["token"], v["version"] = "1100000000000009999", e.srv.ApplicationID(), "aW50ZXJhY3Rpb246test", 1
		b, _ := json.Marshal(v)
		return b
	}
	for _, tt := range []struct {
		name   string
		req    discordtest.EndpointRequest
		status int
	}{
		{"PING", discordtest.EndpointRequest{}, 200},
		{"signed by another key", discordtest.EndpointRequest{Key: otherKey}, 401},
		{"signature not hex", discordtest.EndpointRequest{Signature: "not hex"}, 401},
		{"no signature headers", discordtest.EndpointRequest{Unsigned: true}, 401},
		{"stale timestamp", discordtest.EndpointRequest{Timestamp: time.Now().Add(-time.Hour)}, 401},
		{"timestamp 6 minutes old", discordtest.EndpointRequest{Timestamp: time.Now().Add(-6 * time.Minute)}, 401},
		{"timestamp from the future", discordtest.EndpointRequest{Timestamp: time.Now().Add(time.Hour)}, 401},
		{"body too big", discordtest.EndpointRequest{Body: bytes.Repeat([]byte(" "), bot.MaxInteractionBody+1)}, 413},
		{"not JSON", discordtest.EndpointRequest{Body: []byte("{")}, 400},
		{"JSON null", discordtest.EndpointRequest{Body: []byte("null")}, 400},
		{"unknown type", discordtest.EndpointRequest{Body: signedBody(map[string]any{"type": 99})}, 400},
		{"modal submit", discordtest.EndpointRequest{Body: signedBody(map[string]any{"type": 5, "data": map[string]any{"custom_id": "x"}})}, 400},
		{"command without a user", discordtest.EndpointRequest{Body: signedBody(map[string]any{"type": 2, "data": map[string]any{"name": "help"}})}, 400},
	} {
		d, err := e.srv.SendSignedRequest(tt.req)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d.Status != tt.status || d.Err != nil {
			t.Errorf("%s: status %d (%v) %q; want %d", tt.name, d.Status, d.Err, d.Response, tt.status)
		}
	}

	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{"GET", bot.PathInteractions, 405},
		{"PUT", bot.PathInteractions, 405},
		{"POST", bot.PathHealthz, 405},
		{"GET", "/", 404},
		{"GET", "/interactions/x", 404},
	} {
		status, body, h := e.get(tt.method, tt.path)
		if status != tt.status {
			t.Errorf("%s %s: %d %q; want %d", tt.method, tt.path, status, body, tt.status)
		}
		if status == 405 && h.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tt.method, tt.path)
		}
	}
	if err := e.srv.CheckEndpoint(); err != nil {
		t.Errorf("CheckEndpoint after all that: %v", err)
	}
}

// TestHTTPHealth checks /healthz (alive) and /readyz (ready as Ready says,
// not when shutting down).
func TestHTTPHealth(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	e := newEndpoint(t, bot.CoreOptions{}, bot.HTTPOptions{Ready: func() error {
		if down.Load() {
			return errors.New("not connected to Discord's gateway yet")
		}
		return nil
	}})
	check := func(path string, status int, want string) {
		t.Helper()
		got, body, h := e.get("GET", path)
		if got != status || !strings.Contains(body, want) || h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s = %d %q (Cache-Control %q); want %d with %q, no-store", path, got, body, h.Get("Cache-Control"), status, want)
		}
	}
	check(bot.PathHealthz, 200, "ok")
	check(bot.PathReadyz, 200, "ready")
	if status, _, _ := e.get("HEAD", bot.PathHealthz); status != 200 {
		t.Errorf("HEAD /healthz = %d; want 200", status)
	}
	down.Store(true)
	check(bot.PathReadyz, 503, "not connected to Discord's gateway yet")
	check(bot.PathHealthz, 200, "ok")
	down.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := e.door.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	check(bot.PathReadyz, 503, "shutting down")

	loading := httptest.NewServer(bot.NotReady("loading the text"))
	defer loading.Close()
	for path, want := range map[string]int{bot.PathHealthz: 200, bot.PathReadyz: 503, bot.PathInteractions: 503} {
		resp, err := http.Get(loading.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || (want == 503 && !strings.Contains(string(b), "loading the text")) {
			t.Errorf("NotReady: GET %s = %d %q; want %d", path, resp.StatusCode, b, want)
		}
	}
}

// slowBook answers as the seed text does, delay later.
type slowBook struct {
	*retrieval.Engine
	delay time.Duration
}

func (s slowBook) Answer(q string, req retrieval.Request) (retrieval.Answer, error) {
	time.Sleep(s.delay)
	return s.Engine.Answer(q, req)
}

// TestHTTPDeferred: an answer that takes longer than DeferAfter is
// acknowledged with a deferred response, private as the answer will be,
// and edited in through the webhook route once made.
func TestHTTPDeferred(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, bot.CoreOptions{}, bot.HTTPOptions{DeferAfter: 20 * time.Millisecond},
		bot.Book{Answerer: slowBook{seedLibrary(), 100 * time.Millisecond}})
	for _, public := range []bool{false, true} {
		rec := e.command(askCommand("Where was Stalin buried?", public), edited)
		if rec.Response.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
			t.Errorf("public %v: response type %d; want 5 (deferred)", public, rec.Response.Type)
		}
		if private := rec.Response.Flags&discordgo.MessageFlagsEphemeral != 0; private == public {
			t.Errorf("public %v: deferred response ephemeral = %v", public, private)
		}
		// The server holds the response to Discord's deadline (3 s).
		if d := rec.Delivery; d == nil || d.Problem != "" {
			t.Errorf("public %v: the deferred response was not delivered in time: %+v", public, d)
		}
		checkBurialAnswer(t, rec.Original)
		if rec.Edits != 1 {
			t.Errorf("public %v: %d edits; want 1", public, rec.Edits)
		}
	}
	for _, r := range e.srv.Requests() {
		if strings.HasPrefix(r.Route, "PATCH /webhooks/") && r.Status == 200 {
			checkNoMentions(t, r)
			if r.Authorized || r.Header.Get("Authorization") != "" {
				t.Errorf("%s sent an Authorization header: webhook routes of interactions need none", r.Route)
			}
		}
	}
	waitLogLine(t, e.logs, `"msg":"deferred answer edited in"`)
}

// TestHTTPShutdownDeliversDeferred shuts the door down while a deferred
// answer is being made: Shutdown waits for it to be edited in.
func TestHTTPShutdownDeliversDeferred(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, bot.CoreOptions{}, bot.HTTPOptions{DeferAfter: -1},
		bot.Book{Answerer: slowBook{seedLibrary(), 100 * time.Millisecond}})
	in, err := e.srv.SendCommand(askCommand("Where was Stalin buried?", false))
	e.wait(in, err, responded)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.door.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	if rec, _ := e.srv.Interaction(in.ID); rec.Edits != 1 {
		t.Errorf("after Shutdown, %d edits; want the answer edited in", rec.Edits)
	}
}

// TestHTTPReplicas runs two replicas of the endpoint, each with its own
// core on the same text, as behind a load balancer: a button made by one
// is answered by the other.
func TestHTTPReplicas(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	logsA, logsB := &syncBuffer{}, &syncBuffer{}
	a := startEndpoint(t, srv, newCore(t, logsA, bot.CoreOptions{}), logsA, bot.HTTPOptions{})
	b := startEndpoint(t, srv, newCore(t, logsB, bot.CoreOptions{}), logsB, bot.HTTPOptions{})
	if err := srv.SetInteractionsEndpoint(a.ts.URL + bot.PathInteractions); err != nil {
		t.Fatal(err)
	}
	rec := a.command(askCommand("Khrushchev speech", true), answered)
	if err := srv.SetInteractionsEndpoint(b.ts.URL + bot.PathInteractions); err != nil {
		t.Fatal(err)
	}
	more := b.click(rec.Original, "More results")
	if next := more.Original.Embeds[0].Description; next == rec.Original.Embeds[0].Description {
		t.Errorf("More results on the other replica repeated the answer: %q", next)
	}
	if !strings.Contains(logsB.String(), `"via":"more"`) || strings.Contains(logsA.String(), `"via":"more"`) {
		t.Error("More results was not answered by the second replica")
	}
}

// TestHTTPThreads: the endpoint reads the interaction's channel, so a
// command in a thread is answered from the book routed to its parent
// channel, without the gateway's view of threads.
func TestHTTPThreads(t *testing.T) {
	t.Parallel()
	guild := discordtest.Guild{ID: discordtest.DefaultGuildID, Name: "test", Channels: []discordtest.Channel{
		{ID: discordtest.DefaultChannelID, Name: "general"},
		{ID: poetryChannel, Name: "poetry"},
		{ID: oldThread, Name: "funerals", Type: discordgo.ChannelTypeGuildPublicThread, ParentID: poetryChannel},
	}}
	srv := discordtest.NewServer(t, discordtest.Options{Guilds: []discordtest.Guild{guild}})
	logs := &syncBuffer{}
	core := newCore(t, logs, bot.CoreOptions{Routes: bot.Routes{Channels: map[string]string{poetryChannel: "poetry"}}},
		bot.Book{Name: "history", Answerer: seedLibrary()}, bot.Book{Name: "poetry", Answerer: poetryLibrary(t)})
	e := startEndpoint(t, srv, core, logs, bot.HTTPOptions{})
	c := askCommand("Where was Pasternak buried?", true)
	c.ChannelID = oldThread
	rec := e.command(c, answered)
	if f := rec.Original.Embeds[0].Footer; f == nil || !strings.HasSuffix(f.Text, "(poetry)") {
		t.Errorf("/ask in a thread of the poetry channel answered from %+v; want poetry", f)
	}
}

// TestHTTPUndeliveredTold: when the deferred answer cannot be edited in
// within the answer deadline, the asker is told with a private follow-up.
func TestHTTPUndeliveredTold(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, bot.CoreOptions{}, bot.HTTPOptions{DeferAfter: -1, AnswerDeadline: 300 * time.Millisecond},
		bot.Book{Answerer: slowBook{seedLibrary(), 20 * time.Millisecond}})
	e.srv.InjectFault(discordtest.Fault{Method: "PATCH", Pattern: "/webhooks/*/*/messages/*", Status: 503})
	rec := e.command(askCommand("Where was Stalin buried?", false), func(r discordtest.InteractionRecord) bool { return len(r.Followups) > 0 })
	if f := rec.Followups[0]; !strings.Contains(f.Content, "couldn't deliver") || f.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("follow-up %q (flags %d); want a private notice of the lost answer", f.Content, f.Flags)
	}
	if line := waitLogLine(t, e.logs, `"msg":"answer not delivered"`); !strings.Contains(line, `"level":"ERROR"`) || !strings.Contains(line, "503") {
		t.Errorf("log line %s; want an error with the 503", line)
	}
}
