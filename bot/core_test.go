package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/corpus"
	"lectern/retrieval"
)

// The core's tests run every flow with fake books: no network, no
// discordgo session, no search.

// fakeBook is an Answerer with scripted answers. A question holding
// "buried" is answered with its results (paged as the engine pages them);
// "explode" fails, "panic" panics, "hostile" answers with Markdown and
// mentions; anything else is not in the text.
type fakeBook struct {
	corp    *corpus.Corpus
	results []retrieval.Result
	topics  []retrieval.Topic
}

// newFakeBook makes a book of one document titled title whose sentences
// are sentences, answering "buried" with each sentence holding it.
func newFakeBook(t testing.TB, file, title string, sentences ...string) *fakeBook {
	t.Helper()
	var b corpus.Builder
	text := fmt.Sprintf("---\ntitle: %q\nsource: %q\npage: \"12\"\n---\n%s\n", title, "The Fake Encyclopedia", strings.Join(sentences, " "))
	if err := b.Add(file, file, []byte(text)); err != nil {
		t.Fatal(err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeBook{corp: c}
	for id := 0; id < c.Len(); id++ {
		s := c.Text(id)
		i := strings.Index(s, "buried")
		if i < 0 {
			continue
		}
		f.results = append(f.results, retrieval.Result{
			Rank: len(f.results) + 1, Score: 3 - float64(len(f.results))/2, Sentence: s, Excerpt: s, ID: id,
			Citation: c.Citation(id), Highlights: []corpus.Span{{Start: i, End: i + len("buried")}},
			SentenceSpan: corpus.Span{Start: 0, End: len(s)},
		})
	}
	for i := 0; i < 20; i++ {
		f.topics = append(f.topics, retrieval.Topic{Name: fmt.Sprintf("%s topic %02d", title, i), Kind: "phrase", Count: 20 - i, Sentences: []int{0}})
	}
	return f
}

var errBroken = errors.New("index damaged: checksum mismatch at 0x42")

func (f *fakeBook) Answer(q string, req retrieval.Request) (retrieval.Answer, error) {
	if err := retrieval.CheckQuestion(q); err != nil {
		return retrieval.Answer{Question: q, Results: []retrieval.Result{}}, err
	}
	switch {
	case strings.Contains(q, "explode"):
		return retrieval.Answer{}, errBroken
	case strings.Contains(q, "panic"):
		panic("fake book: " + q)
	case strings.Contains(q, "hostile"):
		ex := "The @everyone ping went to **all** of [the server](https://evil.example) from <@&123>, `code` and ||spoilers||."
		return retrieval.Answer{Question: q, Answered: true, Results: []retrieval.Result{{
			Rank: 1, Excerpt: ex, Sentence: ex, SentenceSpan: corpus.Span{End: len(ex)},
			Highlights: []corpus.Span{{Start: 14, End: 18}},
			Citation:   corpus.Citation{Title: "**Bold** <@1> title", Source: "@here", Page: "1"},
		}}}, nil
	case !strings.Contains(q, "buried"):
		return retrieval.Answer{Question: q, Results: []retrieval.Result{}, Reason: "no sentence holds “" + q + "”"}, nil
	}
	top := max(1, req.Top)
	lo := min(req.Offset, len(f.results))
	hi := min(lo+top, len(f.results))
	return retrieval.Answer{Question: q, Answered: true, Results: f.results[lo:hi], More: hi < len(f.results)}, nil
}

func (f *fakeBook) TopicAnswer(name string, req retrieval.Request) (retrieval.Answer, error) {
	if found := f.FindTopics(name, 1); len(found) > 0 {
		ans, err := f.Answer("buried", req)
		ans.Question = found[0].Name
		return ans, err
	}
	return f.Answer(name, req)
}

func (f *fakeBook) FindTopics(query string, limit int) []retrieval.Topic {
	var out []retrieval.Topic
	for _, t := range f.topics {
		if strings.Contains(strings.ToLower(t.Name), strings.ToLower(query)) && len(out) < limit {
			out = append(out, t)
		}
	}
	return out
}

func (f *fakeBook) Topics() []retrieval.Topic { return f.topics }

func (f *fakeBook) Context(id, maxBytes int) (string, corpus.Citation, error) {
	if id < 0 || id >= f.corp.Len() {
		return "", corpus.Citation{}, fmt.Errorf("no sentence %d", id)
	}
	return f.corp.Text(id), f.corp.Citation(id), nil
}

func (f *fakeBook) Corpus() *corpus.Corpus { return f.corp }

// The fake books.
func historyBook(t testing.TB) *fakeBook {
	return newFakeBook(t, "stalin.txt", "De-Stalinization",
		"In 1962 his body was removed from the mausoleum and buried beneath the Kremlin wall.",
		"Khrushchev gave a secret speech in 1956.",
		"Lenin was never buried, and lies in the mausoleum still.",
		"A poet was buried in Peredelkino.")
}

func poetryBook(t testing.TB) *fakeBook {
	return newFakeBook(t, "poets.txt", "Russian Poets", "Pasternak was buried in Peredelkino in 1960.", "His funeral drew thousands.")
}

func scienceBook(t testing.TB) *fakeBook {
	return newFakeBook(t, "science.txt", "Soviet Science", "The rocket's designer was buried with honours.", "Sputnik flew in 1957.")
}

// manyDocsBook is a book of 30 documents with long titles: /source takes
// several pages.
func manyDocsBook(t testing.TB) *fakeBook {
	var b corpus.Builder
	for i := 0; i < 30; i++ {
		title := fmt.Sprintf("Document %d: ", i) + strings.Repeat("a very long title about the history of everything ", 6)
		text := fmt.Sprintf("---\ntitle: %q\nsource: %q\n---\nThe archive number %d holds letters. They were buried in winter.\n", title, strings.Repeat("Sources, ", 30), i)
		if err := b.Add(fmt.Sprintf("doc%02d.txt", i), fmt.Sprintf("doc%02d.txt", i), []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	return &fakeBook{corp: c}
}

// clock is a fake time for cooldowns.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// testCore is a core with its log and clock.
type testCore struct {
	*Core
	logs  *syncWriter
	clock *clock
}

func newTestCore(t testing.TB, books []Book, opts CoreOptions) *testCore {
	t.Helper()
	tc := &testCore{logs: &syncWriter{}, clock: &clock{now: time.Unix(1_700_000_000, 0)}}
	opts.Logger = slog.New(slog.NewJSONHandler(tc.logs, nil))
	opts.Now = tc.clock.Now
	c, err := NewCore(books, opts)
	if err != nil {
		t.Fatal(err)
	}
	tc.Core = c
	return tc
}

// handle runs a request to the end, as a door that does not defer does.
func (tc *testCore) handle(req Request) Response {
	ctx := context.Background()
	return tc.Handle(ctx, req).Finish(ctx)
}

// logLines returns the log lines holding all of substrs.
func (tc *testCore) logLines(substrs ...string) []string {
	var out []string
	for _, line := range strings.Split(tc.logs.String(), "\n") {
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

// Request makers.
const (
	tUser    = "200"
	tGuild   = "100"
	tChannel = "101"
)

func mention(text string) Request {
	return Request{Kind: MessageRequest, Door: DoorGateway, User: tUser, Guild: tGuild, Channel: tChannel, MessageID: "900",
		Text: "<@1> " + text, Mentioned: true}
}

func command(name string, opts ...string) Request {
	r := Request{Kind: CommandRequest, Door: DoorGateway, User: tUser, Guild: tGuild, Channel: tChannel, Command: name, Options: map[string]string{}}
	for i := 0; i+1 < len(opts); i += 2 {
		r.Options[opts[i]] = opts[i+1]
	}
	return r
}

func click(id string) Request {
	return Request{Kind: ComponentRequest, Door: DoorGateway, User: tUser, Guild: tGuild, Channel: tChannel, MessageID: "950", CustomID: id}
}

func autocomplete(name, focused, typed string) Request {
	r := command(name, focused, typed)
	r.Kind, r.Focused = AutocompleteRequest, focused
	return r
}

// goldenResponse is a Response as golden files show it: the message a
// door sends (as JSON) and the terminal's text.
type goldenResponse struct {
	Action     string                 `json:"action"`
	Deferrable bool                   `json:"deferrable,omitempty"`
	Ephemeral  bool                   `json:"ephemeral,omitempty"`
	Message    *discordgo.MessageSend `json:"message,omitempty"`
	Choices    []Choice               `json:"choices,omitempty"`
	Text       []string               `json:"text,omitempty"`
}

func goldenOf(r Response) goldenResponse {
	g := goldenResponse{Action: r.Action.String(), Deferrable: r.Deferrable, Choices: r.Choices}
	if r.Action == NewMessage || r.Action == UpdateMessage {
		g.Ephemeral = r.Reply.Ephemeral
		g.Message = r.Reply.message(nil)
		g.Text = strings.Split(r.Reply.Text(), "\n")
	}
	return g
}

// checkResponse asserts that a response keeps Discord's limits, and
// compares it with its golden file, if it has a name.
func checkResponse(t *testing.T, golden string, r Response) {
	t.Helper()
	if r.Action == NewMessage || r.Action == UpdateMessage {
		for _, err := range limitErrors(unfitted(r.Reply)) {
			t.Errorf("%s: %s", golden, err)
		}
		if r.Reply.Content == "" && len(r.Reply.Embeds) == 0 && !r.Deferrable {
			t.Errorf("%s: empty reply", golden)
		}
	}
	if len(r.Choices) > maxChoices {
		t.Errorf("%s: %d choices", golden, len(r.Choices))
	}
	if golden != "" {
		goldenFile(t, filepath.Join("core", golden), goldenOf(r))
	}
}

// goldenFile compares v, as indented JSON, with testdata/name.golden.json.
func goldenFile(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

// TestCoreFlows runs each flow once on a fresh core with one book, and
// compares the response with its golden file.
func TestCoreFlows(t *testing.T) {
	hist := historyBook(t)
	fp := fingerprint(hist.corp)
	many := manyDocsBook(t)
	long := strings.Repeat("why ", 1100)
	tests := []struct {
		name       string
		opts       CoreOptions
		book       Answerer // nil: hist
		req        Request
		deferrable bool // the response is Deferrable
		want       Action
		logs       []string // a log line holding all of these
	}{
		{name: "mention", req: mention("Where was he buried?"), want: NewMessage,
			logs: []string{`"msg":"question"`, `"door":"gateway"`, `"via":"mention"`, `"question_len":20`, `"answered":true`, `"results":1`}},
		{name: "dm", req: Request{Kind: MessageRequest, Door: DoorGateway, User: tUser, Channel: "555", DM: true, Text: "buried?"}, want: NewMessage,
			logs: []string{`"via":"dm"`}},
		{name: "channel", opts: CoreOptions{Channels: []string{tChannel}}, req: Request{Kind: MessageRequest, User: tUser, Guild: tGuild, Channel: tChannel, Text: "who was buried"},
			want: NewMessage, logs: []string{`"via":"channel"`}},
		{name: "channel_empty", opts: CoreOptions{Channels: []string{tChannel}}, req: Request{Kind: MessageRequest, User: tUser, Guild: tGuild, Channel: tChannel, Text: "<@5>"},
			want: Nothing},
		{name: "unaddressed", req: Request{Kind: MessageRequest, User: tUser, Guild: tGuild, Channel: tChannel, Text: "who was buried"}, want: Nothing},
		{name: "from_bot", req: func() Request { r := mention("buried?"); r.Bot = true; return r }(), want: Nothing},
		{name: "thread_mention", req: func() Request { r := mention("buried?"); r.Thread, r.Parent = true, tChannel; return r }(), want: NewMessage,
			logs: []string{`"via":"thread"`}},
		{name: "forum_post", opts: CoreOptions{Forums: []string{"300"}},
			req:  Request{Kind: MessageRequest, User: tUser, Guild: tGuild, Channel: "301", Parent: "300", Thread: true, ForumPost: true, MessageID: "301", Title: "Who was buried?", Text: "I wonder."},
			want: NewMessage, logs: []string{`"via":"forum"`, `"question_len":25`}},
		{name: "forum_elsewhere", opts: CoreOptions{Forums: []string{"300"}},
			req:  Request{Kind: MessageRequest, User: tUser, Guild: tGuild, Channel: "401", Parent: "400", Thread: true, ForumPost: true, MessageID: "401", Title: "Who was buried?"},
			want: Nothing},
		{name: "not_found", req: mention("What is the capital of France?"), want: NewMessage, logs: []string{`"answered":false`}},
		{name: "failure", req: mention("explode"), want: NewMessage, logs: []string{`"level":"ERROR"`, `"msg":"question"`, "checksum mismatch"}},
		{name: "panic", req: mention("panic now"), want: NewMessage, logs: []string{`"level":"ERROR"`, `"msg":"panic"`, "fake book: panic now"}},
		{name: "too_long", req: mention(long), want: NewMessage, logs: []string{`"refused":"the question is too long`}},
		{name: "empty_mention", req: mention("  <@&7> "), want: NewMessage},
		{name: "hostile", req: mention("@everyone **hostile** <@2> [x](y)"), want: NewMessage},
		{name: "ask", req: command("ask", "question", "Where was he buried?"), deferrable: true, want: NewMessage,
			logs: []string{`"via":"ask"`}},
		{name: "ask_public", req: command("ask", "question", "buried", "public", "true"), deferrable: true, want: NewMessage},
		{name: "ask_failure", req: command("ask", "question", "explode"), deferrable: true, want: NewMessage},
		{name: "ask_too_long", req: command("ask", "question", long), want: NewMessage},
		{name: "ask_not_utf8", req: command("ask", "question", "buried \xff"), want: NewMessage},
		{name: "topic", req: command("topic", "name", "topic 03"), deferrable: true, want: NewMessage, logs: []string{`"via":"topic"`}},
		{name: "topics", req: command("topics"), want: NewMessage},
		{name: "topics_page2", req: click(topicsID{Page: 1, FP: fp}.String()), want: UpdateMessage},
		{name: "topics_legacy_button", req: click("lc1:t:1"), want: UpdateMessage},
		{name: "source", book: many, req: command("source"), want: NewMessage},
		{name: "source_page2", book: many, req: click(sourceID{Page: 1, FP: fingerprint(many.corp)}.String()), want: UpdateMessage},
		{name: "source_page_far", book: many, req: click(sourceID{Page: 99, FP: fingerprint(many.corp)}.String()), want: UpdateMessage},
		{name: "help", req: command("help"), want: NewMessage},
		{name: "help_terminal", req: func() Request { r := command("help"); r.Door = DoorTerminal; return r }(), want: NewMessage},
		{name: "unknown_command", req: command("nope"), want: NewMessage},
		{name: "more", req: click(moreID{Offset: 1, FP: fp, Question: "who was buried"}.String()), want: NewMessage,
			logs: []string{`"via":"more"`}},
		{name: "more_from_title", req: func() Request {
			r := click(moreID{Offset: 1, FP: fp}.String())
			r.MessageTitle = `who was buried \*here\*`
			return r
		}(), want: NewMessage},
		{name: "more_without_question", req: click(moreID{Offset: 1, FP: fp}.String()), want: NewMessage},
		{name: "no_more", req: click(moreID{Offset: 3, FP: fp, Question: "buried"}.String()), want: NewMessage},
		{name: "context", req: click(contextID{Sentence: 0, FP: fp}.String()), want: NewMessage},
		{name: "context_missing", req: click(contextID{Sentence: 999, FP: fp}.String()), want: NewMessage},
		{name: "feedback", req: func() Request {
			r := click(feedbackID{Up: true, Sentence: 0, FP: fp}.String())
			r.MessageTitle = "Where was he buried?"
			return r
		}(), want: NewMessage, logs: []string{`"msg":"feedback"`, `"vote":"up"`, `"current_corpus":true`, `"question":"Where was he buried?"`}},
		{name: "stale_fingerprint", req: click(contextID{Sentence: 0, FP: "0badf00d"}.String()), want: NewMessage},
		{name: "stale_id", req: click("someone else's button"), want: NewMessage},
		{name: "autocomplete_topic", req: autocomplete("topic", "name", "topic 1"), want: Choices},
		{name: "autocomplete_other", req: autocomplete("ask", "question", "bur"), want: Choices},
		{name: "no_kind", req: Request{Text: "buried"}, want: Nothing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Answerer = hist
			if tt.book != nil {
				b = tt.book
			}
			tc := newTestCore(t, []Book{{Answerer: b}}, tt.opts)
			first := tc.Handle(context.Background(), tt.req)
			if first.Deferrable != tt.deferrable {
				t.Errorf("Deferrable = %v; want %v", first.Deferrable, tt.deferrable)
			}
			if first.Deferrable && (first.Reply.Content != "" || len(first.Reply.Embeds) > 0) {
				t.Errorf("a Deferrable response holds a reply before Finish: %+v", first.Reply)
			}
			resp := first.Finish(context.Background())
			if resp.Action != tt.want {
				t.Errorf("Action = %v; want %v", resp.Action, tt.want)
			}
			if first.Deferrable && resp.Reply.Ephemeral != first.Reply.Ephemeral && resp.Reply.Content == "" {
				t.Errorf("Finish made an answer with Ephemeral %v; the acknowledgement said %v", resp.Reply.Ephemeral, first.Reply.Ephemeral)
			}
			checkResponse(t, tt.name, resp)
			if len(tt.logs) > 0 && len(tc.logLines(tt.logs...)) == 0 {
				t.Errorf("no log line with %q in:\n%s", tt.logs, tc.logs)
			}
			if tt.name != "failure" && tt.name != "panic" && tt.name != "ask_failure" {
				if lines := tc.logLines(`"level":"ERROR"`); len(lines) > 0 {
					t.Errorf("errors logged: %s", lines)
				}
			}
		})
	}
}

// TestFailurePolicy: what the user sees for each error, and that only
// unexpected ones are logged as errors, each once.
func TestFailurePolicy(t *testing.T) {
	tc := newTestCore(t, []Book{{Answerer: historyBook(t)}}, CoreOptions{})
	tests := []struct {
		err        error
		want       string
		loggedOnce bool
	}{
		{errStaleButton, msgStale, false},
		{errNoMore, msgNoMore, false},
		{errAskHint, msgAskHint, false},
		{&userError{"Plain words."}, "Plain words.", false},
		{retrieval.ErrEmptyQuestion, "The question is empty: ask something about the text.", false},
		{fmt.Errorf("%w (this one has 5000)", retrieval.ErrQuestionTooLong), "The question is too long: ask in at most 4096 bytes (this one has 5000).", false},
		{fmt.Errorf("read index: %w", errBroken), msgFailed, true},
		{loggedError{errBroken}, msgFailed, false},
	}
	for _, tt := range tests {
		before := len(tc.logLines(`"level":"ERROR"`))
		r := tc.failure(command("ask"), tt.err)
		if r.Action != NewMessage || r.Reply.Content != tt.want {
			t.Errorf("failure(%v) = %v %q; want a new message %q", tt.err, r.Action, r.Reply.Content, tt.want)
		}
		if r.Reply.Ephemeral != (tt.err != errAskHint) {
			t.Errorf("failure(%v) ephemeral = %v", tt.err, r.Reply.Ephemeral)
		}
		logged := len(tc.logLines(`"level":"ERROR"`)) - before
		if want := map[bool]int{true: 1, false: 0}[tt.loggedOnce]; logged != want {
			t.Errorf("failure(%v) logged %d error lines; want %d", tt.err, logged, want)
		}
	}
	if strings.Contains(msgFailed, "checksum") || len(tc.logLines("checksum mismatch", `"user":"200"`, `"command":"ask"`)) == 0 {
		t.Errorf("the detail is not logged with the request:\n%s", tc.logs)
	}
}

// TestCooldowns: the third question in a window is slowed down, told once
// for messages (not at all after), always for commands; buttons have their
// own limit; the window passes.
func TestCooldowns(t *testing.T) {
	hist := historyBook(t)
	fp := fingerprint(hist.corp)
	tc := newTestCore(t, []Book{{Answerer: hist}}, CoreOptions{CooldownQuestions: 2, CooldownWindow: time.Minute, ButtonClicks: 3, ButtonWindow: 10 * time.Second})
	for i := 0; i < 2; i++ {
		if r := tc.handle(mention("buried?")); len(r.Reply.Embeds) == 0 {
			t.Fatalf("question %d not answered: %+v", i+1, r)
		}
	}
	r := tc.handle(mention("buried?"))
	checkResponse(t, "cooldown_question", r)
	if !strings.Contains(r.Reply.Content, "Slow down: at most 2 questions every 1m0s. Try again in 60s.") {
		t.Errorf("third mention = %q; want a slow down", r.Reply.Content)
	}
	if r := tc.handle(mention("buried?")); r.Action != Nothing {
		t.Errorf("fourth mention in the window = %+v; want Nothing (told already)", r)
	}
	if r := tc.handle(command("ask", "question", "buried")); !strings.Contains(r.Reply.Content, "Slow down") || !r.Reply.Ephemeral || r.Deferrable {
		t.Errorf("/ask over the cooldown = %+v; want an ephemeral slow down at once", r)
	}
	more := click(moreID{Offset: 1, FP: fp, Question: "buried"}.String())
	if r := tc.handle(more); !strings.Contains(r.Reply.Content, "Slow down: at most 2 questions") {
		t.Errorf("More results over the question cooldown = %q", r.Reply.Content)
	}
	// Another user is not limited.
	other := mention("buried?")
	other.User = "201"
	if r := tc.handle(other); len(r.Reply.Embeds) == 0 {
		t.Errorf("another user was slowed down: %+v", r)
	}
	// Buttons: three clicks, then the button limit (the More above was
	// one).
	fb := click(feedbackID{Up: true, Sentence: 0, FP: fp}.String())
	for i := 0; i < 2; i++ {
		if r := tc.handle(fb); r.Reply.Content != msgThanks {
			t.Errorf("click %d = %q", i+2, r.Reply.Content)
		}
	}
	r = tc.handle(fb)
	checkResponse(t, "cooldown_button", r)
	if !strings.Contains(r.Reply.Content, "Slow down: at most 3 button clicks every 10s.") {
		t.Errorf("fourth click = %q; want a slow down", r.Reply.Content)
	}
	if n := len(tc.logLines(`"msg":"cooldown"`)); n != 5 {
		t.Errorf("%d cooldown lines logged; want 5:\n%s", n, tc.logs)
	}
	tc.clock.advance(time.Minute)
	if r := tc.handle(mention("buried?")); len(r.Reply.Embeds) == 0 {
		t.Errorf("after the window: %+v; want an answer", r)
	}
}

// TestFeedbackDedupe: the same vote on the same answer is logged once; a
// changed vote, another answer and another user are logged.
func TestFeedbackDedupe(t *testing.T) {
	hist := historyBook(t)
	fp := fingerprint(hist.corp)
	tc := newTestCore(t, []Book{{Answerer: hist}}, CoreOptions{ButtonWindow: -1})
	vote := func(user, msg string, up bool) {
		r := click(feedbackID{Up: up, Sentence: 2, FP: fp}.String())
		r.User, r.MessageID = user, msg
		if got := tc.handle(r); got.Reply.Content != msgThanks || !got.Reply.Ephemeral {
			t.Errorf("vote = %+v; want an ephemeral thanks", got)
		}
	}
	vote("u1", "m1", true)
	vote("u1", "m1", true)
	vote("u1", "m1", false)
	vote("u2", "m1", false)
	vote("u1", "m2", false)
	for i := 0; i < 20; i++ {
		vote("u3", "m3", true) // no button limit
	}
	if n := len(tc.logLines(`"msg":"feedback"`)); n != 5 {
		t.Errorf("%d feedback lines; want 5:\n%s", n, tc.logs)
	}
	if n := len(tc.logLines(`"msg":"feedback"`, `"vote":"down"`, `"sentence":2`)); n != 3 {
		t.Errorf("%d down votes logged; want 3", n)
	}
}

// TestMoreFollowsAnswer presses the More results button of an answer
// until there are no more.
func TestMoreFollowsAnswer(t *testing.T) {
	tc := newTestCore(t, []Book{{Answerer: historyBook(t)}}, CoreOptions{})
	r := tc.handle(mention("who was buried"))
	var seen []string
	for page := 0; page < 10; page++ {
		if len(r.Reply.Embeds) == 0 {
			break
		}
		seen = append(seen, r.Reply.Embeds[0].Description)
		id := buttonID(r.Reply, "More results")
		if id == "" {
			r = Response{}
			break
		}
		req := click(id)
		req.MessageTitle = r.Reply.Embeds[0].Title
		r = tc.handle(req)
	}
	if len(seen) != 3 {
		t.Errorf("pages %q; want the three sentences holding buried", seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] == seen[i-1] {
			t.Errorf("page %d repeats page %d", i+1, i)
		}
	}
}

// buttonID returns the custom_id of the button labelled label in r, or "".
func buttonID(r Reply, label string) string {
	for _, row := range r.Components {
		ar, ok := row.(discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range ar.Components {
			if b, ok := c.(discordgo.Button); ok && (b.Label == label || b.Emoji != nil && b.Emoji.Name == label) {
				return b.CustomID
			}
		}
	}
	return ""
}

// booksCore is a core with three books, routed by channel and server.
func booksCore(t *testing.T) (*testCore, map[string]*fakeBook) {
	books := map[string]*fakeBook{"history": historyBook(t), "poetry": poetryBook(t), "science": scienceBook(t)}
	tc := newTestCore(t, []Book{{"history", books["history"]}, {"Poetry", books["poetry"]}, {"science", books["science"]}}, CoreOptions{
		Routes: Routes{
			Channels: map[string]string{"chan-poetry": "poetry", "parent-science": "SCIENCE"},
			Guilds:   map[string]string{"guild-poetry": "poetry"},
		},
	})
	return tc, books
}

// TestRouting: the book that answers comes from the book option, the
// channel, the thread's parent, the server, or is the first; buttons keep
// their book.
func TestRouting(t *testing.T) {
	tc, books := booksCore(t)
	in := func(guild, channel, parent string, req Request) Request {
		req.Guild, req.Channel, req.Parent, req.Thread = guild, channel, parent, parent != ""
		return req
	}
	tests := []struct {
		name string
		req  Request
		want string // the book named in the citation
	}{
		{"default", in("g1", "c1", "", mention("buried?")), "history"},
		{"channel", in("g1", "chan-poetry", "", mention("buried?")), "Poetry"},
		{"thread's parent", in("g1", "thread-1", "parent-science", mention("buried?")), "science"},
		{"thread's own route", in("g1", "chan-poetry", "parent-science", mention("buried?")), "Poetry"},
		{"guild", in("guild-poetry", "c9", "", mention("buried?")), "Poetry"},
		{"channel before guild", in("guild-poetry", "parent-science", "", mention("buried?")), "science"},
		{"book option", in("guild-poetry", "chan-poetry", "", command("ask", "question", "buried?", "book", "History")), "history"},
		{"book option, routed", in("guild-poetry", "c9", "", command("ask", "question", "buried?")), "Poetry"},
		{"topic", in("g1", "parent-science", "", command("topic", "name", "topic 01")), "science"},
		{"dm", Request{Kind: MessageRequest, User: tUser, Channel: "dm-1", DM: true, Text: "buried"}, "history"},
	}
	for _, tt := range tests {
		r := tc.handle(tt.req)
		if len(r.Reply.Embeds) == 0 || r.Reply.Embeds[0].Footer == nil {
			t.Errorf("%s: %+v; want an answer", tt.name, r.Reply)
			continue
		}
		if f := r.Reply.Embeds[0].Footer.Text; !strings.HasSuffix(f, "("+tt.want+")") {
			t.Errorf("%s: footer %q; want it to name %s", tt.name, f, tt.want)
		}
		// The buttons carry the book: More results answers from it too.
		if id := buttonID(r.Reply, "More results"); id != "" {
			more := tc.handle(click(id))
			if f := more.Reply.Embeds[0].Footer.Text; !strings.HasSuffix(f, "("+tt.want+")") {
				t.Errorf("%s: More results footer %q; want it to name %s", tt.name, f, tt.want)
			}
		}
	}
	if len(tc.logLines(`"msg":"question"`, `"book":"science"`, `"via":"thread"`)) == 0 {
		t.Errorf("no question line names the book:\n%s", tc.logs)
	}

	// /topics, /source and their pages name the book.
	topics := tc.handle(in("g1", "chan-poetry", "", command("topics")))
	checkResponse(t, "books_topics", topics)
	next := tc.handle(click(buttonID(topics.Reply, "Next ▶")))
	if next.Action != UpdateMessage || next.Reply.Embeds[0].Title != "Topics — Poetry" || !strings.Contains(next.Reply.Embeds[0].Description, "Russian Poets topic 15") {
		t.Errorf("page 2 of poetry's topics = %+v", next.Reply.Embeds[0])
	}
	checkResponse(t, "books_source", tc.handle(in("g1", "parent-science", "", command("source"))))
	checkResponse(t, "books_help", tc.handle(command("help")))
	checkResponse(t, "books_answer", tc.handle(in("g1", "chan-poetry", "", mention("who was buried"))))
	checkResponse(t, "books_not_found", tc.handle(in("g1", "chan-poetry", "", mention("capital of France"))))
	ctx := tc.handle(click(contextID{Sentence: 0, FP: fingerprint(books["science"].corp)}.String()))
	if f := ctx.Reply.Embeds[0].Footer.Text; !strings.Contains(f, "Soviet Science") || !strings.HasSuffix(f, "(science)") {
		t.Errorf("context from science: footer %q", f)
	}

	// A book no one has.
	r := tc.handle(command("ask", "question", "buried", "book", "*cookery*"))
	checkResponse(t, "books_unknown", r)
	if !strings.Contains(r.Reply.Content, "history, Poetry, science") || r.Deferrable {
		t.Errorf("unknown book = %+v", r)
	}
	// Autocomplete of the book option.
	for typed, want := range map[string]string{"": "history,Poetry,science", "po": "Poetry", "ENCE": "science", "x": ""} {
		r := tc.handle(autocomplete("ask", "book", typed))
		var names []string
		for _, c := range r.Choices {
			names = append(names, c.Name)
		}
		if r.Action != Choices || strings.Join(names, ",") != want {
			t.Errorf("book autocomplete %q = %v %v; want %s", typed, r.Action, names, want)
		}
	}
	// Topic autocomplete follows the route.
	r = tc.handle(in("g1", "chan-poetry", "", autocomplete("topic", "name", "topic 0")))
	if len(r.Choices) == 0 || !strings.HasPrefix(r.Choices[0].Name, "Russian Poets") {
		t.Errorf("topic autocomplete in the poetry channel = %+v", r.Choices)
	}
}

// TestOneNamedBook: a single book, even named, is never mentioned, and the
// book option is ignored.
func TestOneNamedBook(t *testing.T) {
	tc := newTestCore(t, []Book{{"history", historyBook(t)}}, CoreOptions{})
	r := tc.handle(command("ask", "question", "buried", "book", "other"))
	if len(r.Reply.Embeds) == 0 || strings.Contains(r.Reply.Embeds[0].Footer.Text, "(history)") {
		t.Errorf("/ask with one book = %+v", r.Reply)
	}
	for _, c := range tc.Commands() {
		if c.Name == "ask" && len(c.Options) != 2 {
			t.Errorf("/ask has %d options with one book; want 2", len(c.Options))
		}
	}
}

func TestNewCoreRefuses(t *testing.T) {
	h, p := historyBook(t), poetryBook(t)
	tests := []struct {
		name   string
		books  []Book
		routes Routes
		want   string
	}{
		{"no book", nil, Routes{}, "no book"},
		{"nil answerer", []Book{{"a", nil}}, Routes{}, "nothing to answer from"},
		{"unnamed among several", []Book{{"a", h}, {"", p}}, Routes{}, "book 2 has no name"},
		{"same name", []Book{{"History", h}, {"history", p}}, Routes{}, `two books are named "history"`},
		{"two lines", []Book{{"a\nb", h}}, Routes{}, "one line"},
		{"padded", []Book{{" a", h}}, Routes{}, "one line"},
		{"too long", []Book{{strings.Repeat("x", 101), h}}, Routes{}, "longer than 100"},
		{"channel route", []Book{{"a", h}, {"b", p}}, Routes{Channels: map[string]string{"1": "c"}}, `channel 1 names no book: "c" (books: a, b)`},
		{"guild route", []Book{{"a", h}, {"b", p}}, Routes{Guilds: map[string]string{"9": ""}}, `guild 9 names no book`},
	}
	for _, tt := range tests {
		_, err := NewCore(tt.books, CoreOptions{Routes: tt.routes, Logger: slog.New(slog.NewTextHandler(&syncWriter{}, nil))})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: NewCore = %v; want an error with %q", tt.name, err, tt.want)
		}
	}
	if _, err := NewCore([]Book{{"", h}}, CoreOptions{}); err != nil {
		t.Errorf("NewCore with one unnamed book = %v", err)
	}
}

func TestCommands(t *testing.T) {
	tc, _ := booksCore(t)
	var names []string
	for _, c := range tc.Commands() {
		names = append(names, c.Name)
		if c.Name != "ask" {
			continue
		}
		o := c.Options[len(c.Options)-1]
		if o.Name != "book" || !o.Autocomplete || o.Required || o.Type != discordgo.ApplicationCommandOptionString {
			t.Errorf("/ask's last option = %+v; want an optional book with autocomplete", o)
		}
	}
	if got := strings.Join(names, ","); got != "ask,topics,topic,source,help" {
		t.Errorf("commands %s", got)
	}
}

// TestHostileText: Markdown and mentions in a question and in the text
// show as plain text in Discord, and the terminal shows them unescaped.
func TestHostileText(t *testing.T) {
	tc := newTestCore(t, []Book{{Answerer: historyBook(t)}}, CoreOptions{})
	r := tc.handle(command("ask", "question", "@everyone **hostile** <@2> [x](y) @here"))
	e := r.Reply.Embeds[0]
	for _, s := range []string{e.Title, e.Description} {
		for _, bad := range []string{"@everyone", "@here", "[the server](", "<@&123>", "**all**", "`code`", "||spoilers||", "<@2>"} {
			if strings.Contains(s, bad) {
				t.Errorf("%q holds %q unescaped", s, bad)
			}
		}
	}
	text := r.Reply.Text()
	for _, want := range []string{"@everyone **hostile** <@2> [x](y) @here", "The @everyone ping went to **all** of [the server](https://evil.example) from <@&123>, `code` and ||spoilers||."} {
		if !strings.Contains(text, want) {
			t.Errorf("Text() = %q; want it to show %q", text, want)
		}
	}
}

// TestRepliesFit: every reply, from huge and hostile books and questions,
// keeps Discord's limits as the core returns it.
func TestRepliesFit(t *testing.T) {
	huge := &fakeBook{corp: corpus.Default()}
	ex := strings.Repeat("**~~`|| @everyone <@1> buried 😀. ", 3000)
	for i := 0; i < 12; i++ {
		huge.results = append(huge.results, retrieval.Result{Rank: i + 1, Excerpt: ex, SentenceSpan: corpus.Span{End: 40},
			Citation: corpus.Citation{Title: strings.Repeat("T😀", 2000), Source: strings.Repeat("@here ", 500)}})
	}
	for i := 0; i < 40; i++ {
		huge.topics = append(huge.topics, retrieval.Topic{Name: strings.Repeat("*topic* ", 50) + fmt.Sprint(i), Count: i})
	}
	name := strings.Repeat("B", 100)
	tc := newTestCore(t, []Book{{name, huge}, {"other", historyBook(t)}}, CoreOptions{Results: 10})
	q := strings.Repeat("buried *x* ", 350)
	for _, req := range []Request{
		mention(q), command("ask", "question", q), command("topics"), command("source"), command("help"),
		command("topic", "name", q), command("ask", "question", "x", "book", strings.Repeat("é", 5000)),
		click(moreID{Offset: 1, FP: fingerprint(huge.corp), Question: "buried"}.String()), autocomplete("topic", "name", "topic"),
	} {
		checkResponse(t, "", tc.handle(req))
	}
}

// TestSeedGolden renders the seed text's answers, topics, source and help
// through the core: the real excerpts, cut and highlighted as Discord and
// the terminal show them.
func TestSeedGolden(t *testing.T) {
	e := seedEngine(t)
	one := newTestCore(t, []Book{{Answerer: e}}, CoreOptions{})
	three := newTestCore(t, []Book{{Answerer: e}}, CoreOptions{Results: 3})
	fp := fingerprint(e.Corpus())
	tests := []struct {
		name string
		tc   *testCore
		req  Request
	}{
		{"answer", one, mention("Where was Stalin buried?")},
		{"answer_three", three, command("ask", "question", "Khrushchev speech", "public", "true")},
		{"not_found", one, mention("What is the capital of France?")},
		{"topics_page1", one, command("topics")},
		{"topics_page2", one, click(topicsID{Page: 1, FP: fp}.String())},
		{"source", one, command("source")},
		{"help", one, command("help")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.tc.handle(tt.req)
			checkResponse(t, "", r)
			goldenFile(t, tt.name, goldenOf(r))
		})
	}
}

// TestReplyNext: the button a door without buttons presses to continue.
func TestReplyNext(t *testing.T) {
	hist := historyBook(t)
	fp := fingerprint(hist.corp)
	tc := newTestCore(t, []Book{{Answerer: hist}}, CoreOptions{})
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"answer with more", mention("who was buried"), moreID{Offset: 1, FP: fp, Question: "who was buried"}.String()},
		{"last answer", click(moreID{Offset: 2, FP: fp, Question: "buried"}.String()), ""},
		{"first page", command("topics"), topicsID{Page: 1, FP: fp}.String()},
		{"last page", click(topicsID{Page: 1, FP: fp}.String()), ""},
		{"help", command("help"), ""},
	}
	for _, tt := range tests {
		if got := tc.handle(tt.req).Reply.Next(); got != tt.want {
			t.Errorf("%s: Next() = %q; want %q", tt.name, got, tt.want)
		}
	}
}
