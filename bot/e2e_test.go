package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
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

// The end-to-end tests run the real discordgo client, as `lectern serve`
// does, against the Discord-protocol test server in bot/discordtest.

// syncBuffer is a log sink safe for the bot's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type harness struct {
	t    *testing.T
	srv  *discordtest.Server
	bot  *bot.Bot
	logs *syncBuffer
	stop func() error
}

var (
	engineOnce sync.Once
	engine     *retrieval.Engine
)

func seedLibrary() *retrieval.Engine {
	engineOnce.Do(func() { engine = retrieval.NewEngine(corpus.Default(), retrieval.Options{}) })
	return engine
}

// newCore returns a core answering from books (the seed text if none),
// logging to logs.
func newCore(t *testing.T, logs *syncBuffer, co bot.CoreOptions, books ...bot.Book) *bot.Core {
	t.Helper()
	if len(books) == 0 {
		books = []bot.Book{{Answerer: seedLibrary()}}
	}
	co.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	c, err := bot.NewCore(books, co)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// start runs a bot on the seed text against a fresh test server and waits
// until it has registered its commands.
func start(t *testing.T, co bot.CoreOptions, opts bot.Options, so discordtest.Options) *harness {
	t.Helper()
	return startWith(t, co, opts, so, nil)
}

// startWith is start with a function to prepare the server (inject faults)
// before the bot connects, and books to answer from.
func startWith(t *testing.T, co bot.CoreOptions, opts bot.Options, so discordtest.Options, prepare func(*discordtest.Server), books ...bot.Book) *harness {
	t.Helper()
	if so.HeartbeatInterval == 0 {
		so.HeartbeatInterval = time.Second
	}
	srv := discordtest.NewServer(t, so)
	if prepare != nil {
		prepare(srv)
	}
	if opts.GuildID == "" {
		opts.GuildID = discordtest.DefaultGuildID
	}
	h := runBot(t, srv, co, opts, books...)
	h.waitRequest(func(r discordtest.Request) bool {
		return r.Method == "PUT" && strings.HasSuffix(r.Route, "/commands") && r.Status == 200
	})
	return h
}

// runBot runs a bot against srv, from now until the test ends, without
// waiting for anything; the harness's stop ends it.
func runBot(t *testing.T, srv *discordtest.Server, co bot.CoreOptions, opts bot.Options, books ...bot.Book) *harness {
	t.Helper()
	logs := &syncBuffer{}
	opts.Token = srv.Token()
	if opts.APIURL == "" {
		opts.APIURL = srv.APIURL()
	}
	opts.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	if opts.RetryBackoff == 0 {
		opts.RetryBackoff = 10 * time.Millisecond
	}
	b, err := bot.New(newCore(t, logs, co, books...), opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(20 * time.Second):
				runErr = errors.New("Run did not return within 20s of cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		if t.Failed() {
			t.Logf("bot log:\n%s", logs.String())
		}
	})
	return &harness{t: t, srv: srv, bot: b, logs: logs, stop: stop}
}

// with returns h for a subtest: failures are reported on t.
func (h *harness) with(t *testing.T) *harness {
	c := *h
	c.t = t
	return &c
}

// waitLog waits for a log line holding substr and returns it.
func (h *harness) waitLog(substr string) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(h.logs.String(), "\n") {
			if strings.Contains(line, substr) {
				return line
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.t.Fatalf("no log line with %s in:\n%s", substr, h.logs.String())
	return ""
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

func (h *harness) waitRequest(match func(discordtest.Request) bool) discordtest.Request {
	h.t.Helper()
	r, err := h.srv.WaitForRequest(h.ctx(), match)
	if err != nil {
		h.t.Fatalf("waiting for a request: %v", err)
	}
	return r
}

// replyTo waits for the bot's reply to message id.
func (h *harness) replyTo(id string) *discordgo.Message {
	h.t.Helper()
	m, err := h.srv.WaitForMessage(h.ctx(), func(m *discordgo.Message) bool {
		return m.MessageReference != nil && m.MessageReference.MessageID == id
	})
	if err != nil {
		h.t.Fatalf("waiting for the reply to %s: %v", id, err)
	}
	return m
}

func (h *harness) send(um discordtest.UserMessage) *discordgo.Message {
	h.t.Helper()
	m, err := h.srv.SendMessage(um)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

func (h *harness) command(c discordtest.Command, cond func(discordtest.InteractionRecord) bool) discordtest.InteractionRecord {
	h.t.Helper()
	in, err := h.srv.SendCommand(c)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.waitInteraction(in.ID, cond)
}

func (h *harness) waitInteraction(id string, cond func(discordtest.InteractionRecord) bool) discordtest.InteractionRecord {
	h.t.Helper()
	rec, err := h.srv.WaitForInteraction(h.ctx(), id, cond)
	if err != nil {
		h.t.Fatalf("waiting for interaction %s: %v", id, err)
	}
	return rec
}

func edited(r discordtest.InteractionRecord) bool { return r.Original != nil && r.Edits > 0 }

func responded(r discordtest.InteractionRecord) bool { return r.Response != nil }

func strOpt(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v}
}

func boolOpt(name string, v bool) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: v}
}

// checkAnswer asserts a message is the seed page's answer about the burial.
func checkBurialAnswer(t *testing.T, m *discordgo.Message) {
	t.Helper()
	if len(m.Embeds) == 0 {
		t.Fatalf("reply has no embed: %+v", m)
	}
	e := m.Embeds[0]
	if !strings.Contains(e.Description, "**buried**") || !strings.Contains(e.Description, "Kremlin wall") {
		t.Errorf("embed description = %q; want the burial sentence with buried in bold", e.Description)
	}
	if e.Footer == nil || !strings.Contains(e.Footer.Text, "p. 388") || !strings.Contains(e.Footer.Text, "Encyclopedia of Russian History") {
		t.Errorf("embed footer = %+v; want the citation with p. 388", e.Footer)
	}
}

// checkNoMentions asserts the request allowed no mentions at all.
func checkNoMentions(t *testing.T, r discordtest.Request) {
	t.Helper()
	var body struct {
		AllowedMentions *struct {
			Parse *[]string `json:"parse"`
		} `json:"allowed_mentions"`
		Data *struct {
			AllowedMentions *struct {
				Parse *[]string `json:"parse"`
			} `json:"allowed_mentions"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("%s body: %v", r.Route, err)
	}
	am := body.AllowedMentions
	if body.Data != nil {
		am = body.Data.AllowedMentions
	}
	if am == nil || am.Parse == nil || len(*am.Parse) != 0 {
		t.Errorf("%s %s sent allowed_mentions %s; want {\"parse\": []}", r.Method, r.Route, r.Body)
	}
}

// button returns the custom_id of the button labelled label on m.
func button(t *testing.T, m *discordgo.Message, label string) string {
	t.Helper()
	id, ok := discordtest.ButtonID(m, label)
	if !ok {
		t.Fatalf("no %q button on %+v", label, m.Components)
	}
	return id
}

// TestGatewayFlows drives every flow once through the gateway door, on one
// bot: the core's own tests cover the flows; these prove that the door
// turns Discord's events into requests and delivers the responses as
// Discord expects them.
func TestGatewayFlows(t *testing.T) {
	t.Parallel()
	h := start(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{})

	t.Run("intents", func(t *testing.T) {
		want := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
		if id := h.srv.Identifies(); len(id) == 0 || id[0].Intents != want {
			t.Errorf("identified with intents %v; want GUILDS|GUILD_MESSAGES|DIRECT_MESSAGES (%d)", id, want)
		}
		var names []string
		for _, c := range h.srv.Commands(discordtest.DefaultGuildID) {
			names = append(names, c.Name)
		}
		if got := strings.Join(names, ","); got != "ask,topics,topic,source,help" {
			t.Errorf("registered commands %s; want ask,topics,topic,source,help", got)
		}
	})

	t.Run("mention", func(t *testing.T) {
		h := h.with(t)
		q := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
		m := h.replyTo(q.ID)
		checkBurialAnswer(t, m)
		if m.Author == nil || m.Author.ID != h.srv.BotUser().ID {
			t.Errorf("reply author = %+v; want the bot", m.Author)
		}
		r := h.waitRequest(func(r discordtest.Request) bool { return r.Route == "POST /channels/{channel_id}/messages" })
		checkNoMentions(t, r)
		// One log line per question, with what the operator needs.
		line := h.waitLog(`"msg":"question"`)
		for _, want := range []string{`"door":"gateway"`, `"via":"mention"`, `"answered":true`, `"latency_ms"`, `"question_len":24`,
			`"guild":"` + discordtest.DefaultGuildID, `"user":"` + discordtest.DefaultUserID, `"top_score"`} {
			if !strings.Contains(line, want) {
				t.Errorf("question log line lacks %s: %s", want, line)
			}
		}
		if strings.Contains(h.logs.String(), h.srv.Token()) {
			t.Error("the token appears in the log")
		}
	})

	t.Run("dm", func(t *testing.T) {
		h := h.with(t)
		q := h.send(discordtest.UserMessage{DM: true, Content: "where was stalin buried"})
		checkBurialAnswer(t, h.replyTo(q.ID))
	})

	t.Run("not found", func(t *testing.T) {
		h := h.with(t)
		q := h.send(discordtest.UserMessage{MentionBot: true, Content: "What is the capital of France?"})
		m := h.replyTo(q.ID)
		if len(m.Embeds) == 0 || !strings.Contains(m.Embeds[0].Description, "/topics") || len(m.Components) != 0 {
			t.Errorf("not-found reply = %+v; want an embed pointing to /topics and no buttons", m.Embeds)
		}
	})

	t.Run("ask", func(t *testing.T) {
		h := h.with(t)
		rec := h.command(askCommand("Where was Stalin buried?", false), edited)
		if rec.Response.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
			t.Errorf("first response type %d; want 5 (deferred)", rec.Response.Type)
		}
		if rec.Response.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Error("/ask without public:true is not ephemeral")
		}
		checkBurialAnswer(t, rec.Original)
		for _, r := range h.srv.Requests() {
			if r.Route == "POST /interactions/{interaction_id}/{interaction_token}/callback" || strings.HasPrefix(r.Route, "PATCH /webhooks/") {
				checkNoMentions(t, r)
			}
		}
		pub := h.command(askCommand("Solzhenitsyn", true), edited)
		if pub.Response.Flags&discordgo.MessageFlagsEphemeral != 0 {
			t.Error("/ask public:true is ephemeral")
		}
		if !strings.Contains(pub.Original.Embeds[0].Description, "Solzhenitsyn") {
			t.Errorf("/ask Solzhenitsyn = %q", pub.Original.Embeds[0].Description)
		}
		bad := h.command(askCommand("   ", false), responded)
		if bad.Response.Type != discordgo.InteractionResponseChannelMessageWithSource || !strings.Contains(bad.Original.Content, "empty") {
			t.Errorf("/ask with a blank question: %+v %q; want an ephemeral error at once", bad.Response, bad.Original.Content)
		}
	})

	t.Run("topic", func(t *testing.T) {
		h := h.with(t)
		for _, typed := range []string{"", "camp", "solzhenitzyn"} {
			in, err := h.srv.SendAutocomplete(discordtest.Autocomplete{Name: "topic", Focused: "name", Value: typed})
			if err != nil {
				t.Fatal(err)
			}
			rec := h.waitInteraction(in.ID, responded)
			if rec.Response.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
				t.Fatalf("autocomplete response type %d; want 8", rec.Response.Type)
			}
			if n := len(rec.Response.Choices); n == 0 || n > 25 {
				t.Errorf("autocomplete %q gave %d choices; want 1 to 25", typed, n)
			}
			if typed == "solzhenitzyn" && !strings.Contains(rec.Response.Choices[0].Name, "Solzhenitsyn") {
				t.Errorf("autocomplete with a typo: first choice %q", rec.Response.Choices[0].Name)
			}
		}
		rec := h.command(discordtest.Command{Name: "topic", Options: []*discordgo.ApplicationCommandInteractionDataOption{strOpt("name", "camp literature")}}, edited)
		if !strings.Contains(rec.Original.Embeds[0].Description, "camp") {
			t.Errorf("/topic camp literature = %q", rec.Original.Embeds[0].Description)
		}
	})

	t.Run("buttons", func(t *testing.T) {
		h := h.with(t)
		rec := h.command(askCommand("Khrushchev speech", true), edited)
		first := rec.Original.Embeds[0].Description
		click := func(label string) discordtest.InteractionRecord {
			t.Helper()
			in, err := h.srv.ClickComponent(discordtest.ComponentClick{MessageID: rec.Original.ID, CustomID: button(t, rec.Original, label)})
			if err != nil {
				t.Fatal(err)
			}
			return h.waitInteraction(in.ID, func(r discordtest.InteractionRecord) bool { return r.Original != nil })
		}
		more := click("More results")
		if len(more.Original.Embeds) == 0 {
			t.Fatalf("More results gave %+v", more.Original)
		}
		if next := more.Original.Embeds[0].Description; next == first || next == "" {
			t.Errorf("More results repeated the first answer: %q", next)
		}
		if more.Response.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Error("More results is not ephemeral")
		}
		ctx := click("Show context")
		if d := ctx.Original.Embeds[0].Description; len(d) <= len(strings.TrimSpace(first))/2 {
			t.Errorf("Show context = %q; want the surrounding paragraph", d)
		}
		fb := click("👍")
		if fb.Response.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Error("feedback acknowledgement is not ephemeral")
		}
		line := h.waitLog(`"msg":"feedback"`)
		if !strings.Contains(line, `"vote":"up"`) || !strings.Contains(line, `"question":"Khrushchev speech"`) || !strings.Contains(line, `"sentence":`) {
			t.Errorf("feedback not logged with vote, question and sentence: %s", line)
		}
	})

	t.Run("topics", func(t *testing.T) {
		h := h.with(t)
		rec := h.command(discordtest.Command{Name: "topics"}, responded)
		if rec.Original == nil || len(rec.Original.Embeds) == 0 || !strings.Contains(rec.Original.Embeds[0].Footer.Text, "Page 1 of") {
			t.Fatalf("/topics = %+v", rec.Original)
		}
		in, err := h.srv.ClickComponent(discordtest.ComponentClick{MessageID: rec.Original.ID, CustomID: button(t, rec.Original, "Next ▶")})
		if err != nil {
			t.Fatal(err)
		}
		next := h.waitInteraction(in.ID, responded)
		if next.Response.Type != discordgo.InteractionResponseUpdateMessage {
			t.Errorf("Next ▶ response type %d; want 7 (update)", next.Response.Type)
		}
		if next.Original == nil || !strings.Contains(next.Original.Embeds[0].Footer.Text, "Page 2 of") {
			t.Errorf("after Next ▶ the message is %+v; want page 2", next.Original)
		}
	})

	t.Run("source and help", func(t *testing.T) {
		h := h.with(t)
		src := h.command(discordtest.Command{Name: "source"}, responded)
		if d := src.Original.Embeds[0]; !strings.Contains(d.Description, "34 sentences") || len(d.Fields) != 1 || !strings.Contains(d.Fields[0].Value, "p. 388") {
			t.Errorf("/source = %+v", d)
		}
		help := h.command(discordtest.Command{Name: "help"}, responded)
		if !strings.Contains(help.Original.Embeds[0].Description, "/ask") {
			t.Errorf("/help = %+v", help.Original.Embeds[0])
		}
	})

	// @everyone in the question, from a text that holds it too: the reply
	// allows no mention and pings nobody.
	t.Run("no pings", func(t *testing.T) {
		h := h.with(t)
		q := h.send(discordtest.UserMessage{MentionBot: true, Content: "@everyone where was Stalin buried? <@" + discordtest.DefaultUserID + ">"})
		m := h.replyTo(q.ID)
		if m.MentionEveryone || len(m.Mentions) != 0 || len(m.MentionRoles) != 0 {
			t.Errorf("reply mentions everyone=%v users=%v roles=%v; want none", m.MentionEveryone, m.Mentions, m.MentionRoles)
		}
		if strings.Contains(m.Embeds[0].Title, "@everyone") || strings.Contains(m.Embeds[0].Title, "<@") {
			t.Errorf("title %q holds a live @everyone or mention", m.Embeds[0].Title)
		}
		checkBurialAnswer(t, m)
		for _, r := range h.srv.Requests() {
			if r.Route == "POST /channels/{channel_id}/messages" {
				checkNoMentions(t, r)
			}
		}
	})

	t.Run("ignores bots and itself", func(t *testing.T) {
		h := h.with(t)
		other := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?", Author: discordtest.User{ID: "1100000000000000300", Username: "otherbot", Bot: true}})
		// A human question after it; once it is answered, the bot's
		// question has had its chance too.
		human := h.send(discordtest.UserMessage{MentionBot: true, Content: "Solzhenitsyn"})
		reply := h.replyTo(human.ID)
		time.Sleep(100 * time.Millisecond)
		for _, m := range h.srv.Messages() {
			if m.MessageReference != nil && m.MessageReference.MessageID == other.ID {
				t.Errorf("the bot answered another bot: %+v", m)
			}
			// Its own replies come back as MESSAGE_CREATE: it must not
			// answer itself.
			if m.MessageReference != nil && m.MessageReference.MessageID == reply.ID {
				t.Errorf("the bot answered itself: %+v", m)
			}
		}
	})

	t.Run("thread", func(t *testing.T) {
		h := h.with(t)
		th, err := h.srv.CreateThread(discordtest.ThreadSpec{Name: "burial questions"})
		if err != nil {
			t.Fatal(err)
		}
		q := h.send(discordtest.UserMessage{ChannelID: th.ID, MentionBot: true, Content: "Where was Stalin buried?"})
		m := h.replyTo(q.ID)
		checkBurialAnswer(t, m)
		if m.ChannelID != th.ID {
			t.Errorf("the reply went to channel %s; want the thread %s", m.ChannelID, th.ID)
		}
		h.waitLogs(`"msg":"question"`, `"via":"thread"`, `"channel":"`+th.ID+`"`)
	})
}

// Channels of the threads test: a channel and a forum with their own
// book, and a thread that exists before the bot connects.
const (
	poetryChannel = "1100000000000000110"
	oldThread     = "1100000000000000111"
	forumChannel  = "1100000000000000120"
)

// poetryLibrary is a second book.
func poetryLibrary(t *testing.T) *retrieval.Engine {
	t.Helper()
	var b corpus.Builder
	text := "---\ntitle: \"Russian Poets\"\nsource: \"A Short Anthology\"\n---\nPasternak was buried in Peredelkino in 1960. Thousands came to his funeral.\n"
	if err := b.Add("poets.txt", "poets.txt", []byte(text)); err != nil {
		t.Fatal(err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	return retrieval.NewEngine(c, retrieval.Options{})
}

// TestBooksThreadsAndForums runs a bot with two books, one routed to a
// channel (and so to its threads, even one that existed before the bot
// connected) and to a forum whose new posts it answers without a mention,
// and a channel where it answers every message.
func TestBooksThreadsAndForums(t *testing.T) {
	t.Parallel()
	guild := discordtest.Guild{ID: discordtest.DefaultGuildID, Name: "test", Channels: []discordtest.Channel{
		{ID: discordtest.DefaultChannelID, Name: "general"},
		{ID: poetryChannel, Name: "poetry"},
		{ID: oldThread, Name: "old thread", Type: discordgo.ChannelTypeGuildPublicThread, ParentID: poetryChannel},
		{ID: forumChannel, Name: "ask-poetry", Type: discordgo.ChannelTypeGuildForum},
	}}
	h := startWith(t, bot.CoreOptions{
		Channels: []string{discordtest.DefaultChannelID},
		Forums:   []string{forumChannel},
		Routes:   bot.Routes{Channels: map[string]string{poetryChannel: "poetry", forumChannel: "poetry"}},
	}, bot.Options{}, discordtest.Options{PrivilegedIntents: discordgo.IntentsMessageContent, Guilds: []discordtest.Guild{guild}}, nil,
		bot.Book{Name: "history", Answerer: seedLibrary()}, bot.Book{Name: "poetry", Answerer: poetryLibrary(t)})
	if id := h.srv.Identifies(); len(id) == 0 || id[0].Intents&discordgo.IntentsMessageContent == 0 {
		t.Fatalf("identified with intents %v; want MESSAGE_CONTENT", id)
	}
	cites := func(m *discordgo.Message, book, text string) {
		t.Helper()
		if len(m.Embeds) == 0 || m.Embeds[0].Footer == nil || !strings.HasSuffix(m.Embeds[0].Footer.Text, "("+book+")") ||
			!strings.Contains(m.Embeds[0].Description, text) {
			t.Errorf("reply %+v; want %q cited from %s", m.Embeds, text, book)
		}
	}

	// Every message in the configured channel, from the default book.
	q := h.send(discordtest.UserMessage{Content: "Where was Stalin buried?"})
	cites(h.replyTo(q.ID), "history", "Kremlin wall")

	// A thread of the poetry channel, listed in GUILD_CREATE.
	q = h.send(discordtest.UserMessage{ChannelID: oldThread, MentionBot: true, Content: "Where was Pasternak buried?"})
	m := h.replyTo(q.ID)
	cites(m, "poetry", "Peredelkino")
	if m.ChannelID != oldThread {
		t.Errorf("reply in %s; want the thread %s", m.ChannelID, oldThread)
	}

	// A new forum post, without a mention: its title is the question.
	th, post, err := h.srv.CreateForumPost(discordtest.ForumPost{ForumID: forumChannel, Name: "Where was Pasternak buried?", Content: "I could not find it."})
	if err != nil {
		t.Fatal(err)
	}
	m = h.replyTo(post.ID)
	cites(m, "poetry", "Peredelkino")
	if m.ChannelID != th.ID {
		t.Errorf("reply in %s; want the post's thread %s", m.ChannelID, th.ID)
	}
	h.waitLogs(`"msg":"question"`, `"via":"forum"`, `"book":"poetry"`)
	// A later message in the post, without a mention, is not answered.
	later := h.send(discordtest.UserMessage{ChannelID: th.ID, Content: "Where was Stalin buried?"})

	// /ask's book option, with autocomplete.
	in, err := h.srv.SendAutocomplete(discordtest.Autocomplete{Name: "ask", Focused: "book", Value: "po",
		Options: []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", "x")}})
	if err != nil {
		t.Fatal(err)
	}
	ac := h.waitInteraction(in.ID, responded)
	if len(ac.Response.Choices) != 1 || ac.Response.Choices[0].Name != "poetry" {
		t.Errorf("book autocomplete po = %+v; want poetry", ac.Response.Choices)
	}
	rec := h.command(discordtest.Command{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
		strOpt("question", "Where was Pasternak buried?"), strOpt("book", "poetry")}}, edited)
	cites(rec.Original, "poetry", "Peredelkino")
	src := h.command(discordtest.Command{Name: "source", ChannelID: poetryChannel}, responded)
	if e := src.Original.Embeds[0]; e.Title != "What I know — poetry" {
		t.Errorf("/source in the poetry channel: %+v", e)
	}

	time.Sleep(50 * time.Millisecond)
	for _, m := range h.srv.Messages() {
		if m.MessageReference != nil && m.MessageReference.MessageID == later.ID {
			t.Errorf("a message in a forum post without a mention was answered: %+v", m)
		}
	}
}

// TestMessageContentRefused: without the intent enabled in the portal,
// Discord refuses it, and Run says what to do.
func TestMessageContentRefused(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	logs := &syncBuffer{}
	b, err := bot.New(newCore(t, logs, bot.CoreOptions{Forums: []string{"1"}}), bot.Options{Token: srv.Token(), APIURL: srv.APIURL(), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Run(ctx); !errors.Is(err, bot.ErrDisallowedIntent) {
		t.Errorf("Run without the intent enabled = %v; want ErrDisallowedIntent", err)
	}
}

func TestBadToken(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{})
	logs := &syncBuffer{}
	b, err := bot.New(newCore(t, logs, bot.CoreOptions{}), bot.Options{Token: "not-the-token", APIURL: srv.APIURL(), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.Run(ctx); !errors.Is(err, bot.ErrBadToken) {
		t.Errorf("Run with a wrong token = %v; want ErrBadToken", err)
	}
}

// TestWrongAPIURL: an API URL missing Discord's /api/v9 gets 404 for the
// gateway lookup; Run stops at once with ErrNotDiscordAPI rather than
// retrying forever, with or without asking for the shard count.
func TestWrongAPIURL(t *testing.T) {
	t.Parallel()
	for _, shards := range []int{1, 0} {
		srv := discordtest.NewServer(t, discordtest.Options{})
		logs := &syncBuffer{}
		b, err := bot.New(newCore(t, logs, bot.CoreOptions{}), bot.Options{Token: srv.Token(), APIURL: srv.URL(), Shards: shards, Logger: slog.New(slog.NewTextHandler(logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = b.Run(ctx)
		cancel()
		if !errors.Is(err, bot.ErrNotDiscordAPI) {
			t.Errorf("shards %d: Run against the server's root = %v; want ErrNotDiscordAPI", shards, err)
		}
		if strings.Contains(logs.String(), "retrying") {
			t.Errorf("shards %d: retried a 404:\n%s", shards, logs)
		}
	}
}

func TestGlobalCommands(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.Options{HeartbeatInterval: time.Second})
	logs := &syncBuffer{}
	b, err := bot.New(newCore(t, logs, bot.CoreOptions{}), bot.Options{Token: srv.Token(), APIURL: srv.APIURL(), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	r, err := srv.WaitForRequest(waitCtx(t), func(r discordtest.Request) bool { return r.Method == "PUT" })
	if err != nil {
		t.Fatal(err)
	}
	if r.Route != "PUT /applications/{application_id}/commands" || r.Status != 200 {
		t.Errorf("registered with %s (%d); want the global bulk overwrite", r.Route, r.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v after cancel; want nil", err)
	}
}

func TestRateLimitRetry(t *testing.T) {
	t.Parallel()
	h := start(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{})
	h.srv.RateLimitNext("POST", "/channels/*/messages", 300*time.Millisecond, 1)
	q := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	checkBurialAnswer(t, h.replyTo(q.ID))
	rl := h.srv.RateLimits()
	if len(rl) != 1 {
		t.Fatalf("%d rate limits served; want 1", len(rl))
	}
	if rl[0].RetriedAt.IsZero() || rl[0].RetriedAt.Sub(rl[0].ServedAt) < 250*time.Millisecond {
		t.Errorf("retried %v after the 429; want after retry_after (300ms)", rl[0].RetriedAt.Sub(rl[0].ServedAt))
	}
}

// TestShutdownFinishesInFlight cancels while a question is being answered:
// the reply is still sent, then Run returns, its connection closed.
func TestShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	h := start(t, bot.CoreOptions{}, bot.Options{}, discordtest.Options{})
	h.srv.RateLimitNext("POST", "/channels/*/messages", 300*time.Millisecond, 1)
	q := h.send(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	h.waitRequest(func(r discordtest.Request) bool { return r.RateLimited })
	if err := h.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	found := false
	for _, m := range h.srv.Messages() {
		if m.MessageReference != nil && m.MessageReference.MessageID == q.ID {
			found = true
		}
	}
	if !found {
		t.Error("the reply in flight at shutdown was lost")
	}
	if _, err := h.srv.WaitForStats(waitCtx(t), func(s discordtest.Stats) bool { return s.OpenConnections == 0 }); err != nil {
		t.Errorf("gateway connections still open after Run returned: %v", err)
	}
}
