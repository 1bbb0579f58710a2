package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/corpus"
	"lectern/retrieval"
)

// Answerer is one book the bot answers from; *retrieval.Engine is one.
type Answerer interface {
	Answer(question string, req retrieval.Request) (retrieval.Answer, error)
	TopicAnswer(name string, req retrieval.Request) (retrieval.Answer, error)
	FindTopics(query string, limit int) []retrieval.Topic
	Topics() []retrieval.Topic
	Context(id, maxBytes int) (string, corpus.Citation, error)
	Corpus() *corpus.Corpus
}

// Book is a text the bot answers from, with the name people choose it by.
type Book struct {
	// Name is what /ask's book option, routes, /source, /topics and
	// citations call the book. It may be empty when there is one book:
	// the bot then never mentions books.
	Name string
	// Answerer answers from the book's text.
	Answerer Answerer
}

// Routes choose the book that answers by where a question is asked. Keys
// are Discord IDs, values book names (matched ignoring case).
type Routes struct {
	// Channels maps a channel ID to a book. A thread follows its parent
	// channel's route when it has none of its own.
	Channels map[string]string
	// Guilds maps a server (guild) ID to a book, for its channels without
	// a route.
	Guilds map[string]string
}

// CoreOptions configure a Core.
type CoreOptions struct {
	// Results is how many excerpts a page of results shows; 0 means 1.
	Results int
	// CooldownQuestions per CooldownWindow is how many questions one user
	// may ask (More results counts as a question); a zero window means no
	// limit.
	CooldownQuestions int
	CooldownWindow    time.Duration // see CooldownQuestions
	// ButtonClicks per ButtonWindow is how many buttons one user may click,
	// whatever the question cooldown; zero values mean 10 clicks per 10 s,
	// a negative window no limit.
	ButtonClicks int
	ButtonWindow time.Duration // see ButtonClicks
	// Channels are channel IDs where every message is answered, not only
	// mentions. (The gateway needs the privileged MESSAGE_CONTENT intent
	// for them.)
	Channels []string
	// Forums are forum channel IDs whose new posts are answered, mention or
	// not: the post's title and first message are the question. (The
	// gateway needs MESSAGE_CONTENT for them too.)
	Forums []string
	// Routes choose a book by channel or server; see Core.Handle.
	Routes Routes
	// Logger receives one line per question and every failure; nil means
	// slog.Default(). Credentials are removed from every line first.
	Logger *slog.Logger
	// Now tells the time, for cooldowns and latencies; nil means time.Now.
	Now func() time.Time
	// Observers are told of every question, cooldown and vote (metrics,
	// the feedback file).
	Observers []Observer
}

// Default button cooldown.
const (
	defaultButtonClicks = 10
	defaultButtonWindow = 10 * time.Second
)

// Doors, for Request.Door: how a request reached the core. Logs name them.
const (
	DoorGateway  = "gateway"
	DoorHTTP     = "http"
	DoorTerminal = "terminal"
)

// Core holds every conversation flow of the bot, free of any transport: a
// door (the Discord gateway, an HTTP interactions endpoint, the terminal)
// turns what it receives into a Request, calls Handle, and delivers the
// Response. It is safe for concurrent use.
type Core struct {
	shelf  atomic.Pointer[shelf] // the books, swapped whole by SetBooks
	routes Routes

	results   int
	channels  map[string]bool
	forums    map[string]bool
	log       *slog.Logger
	now       func() time.Time
	questions *cooldown
	buttons   *cooldown
	feedback  *feedbackLog
	observers []Observer
}

// shelf is the set of books the core answers from. It never changes once
// made: SetBooks replaces it whole, so that a request sees one set.
type shelf struct {
	books  []*book // books[0] is the default
	byName map[string]*book
	byFP   map[string]*book
	multi  bool // several books: replies name the one that answered
}

// s returns the current books.
func (c *Core) s() *shelf { return c.shelf.Load() }

// book is a Book with the fingerprint of its corpus, which button IDs
// carry.
type book struct {
	name string
	a    Answerer
	fp   string
}

// maxBookName bounds a book's name: it must fit an autocomplete choice.
const maxBookName = maxChoiceName

// NewCore returns a core answering from books; books[0] is the default.
// With several books every name must be non-empty, on one line, at most
// 100 characters and unique (ignoring case), and every route must name
// one of them. It never touches the network.
func NewCore(books []Book, opts CoreOptions) (*Core, error) {
	if len(books) == 0 {
		return nil, errors.New("bot: no book to answer from")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ButtonClicks == 0 {
		opts.ButtonClicks = defaultButtonClicks
	}
	if opts.ButtonWindow == 0 {
		opts.ButtonWindow = defaultButtonWindow
	}
	c := &Core{
		routes:    opts.Routes,
		results:   max(1, opts.Results),
		channels:  set(opts.Channels),
		forums:    set(opts.Forums),
		log:       slog.New(redactHandler{next: opts.Logger.Handler(), r: newRedactor()}),
		now:       opts.Now,
		questions: newCooldown(opts.CooldownQuestions, opts.CooldownWindow),
		buttons:   newCooldown(opts.ButtonClicks, opts.ButtonWindow),
		feedback:  newFeedbackLog(),
		observers: opts.Observers,
	}
	if err := c.SetBooks(books); err != nil {
		return nil, err
	}
	return c, nil
}

// SetBooks replaces the books the core answers from, as a reload does:
// requests already being answered finish with the books they started
// with, later ones see the new books. The books are checked as NewCore
// checks them, routes included; on an error the books stay as they were.
// Buttons made for a text that is no longer there say so.
func (c *Core) SetBooks(books []Book) error {
	if len(books) == 0 {
		return errors.New("bot: no book to answer from")
	}
	sh := &shelf{byName: map[string]*book{}, byFP: map[string]*book{}, multi: len(books) > 1}
	for i, bk := range books {
		if bk.Answerer == nil {
			return fmt.Errorf("bot: book %d (%q) has nothing to answer from", i+1, bk.Name)
		}
		name := bk.Name
		switch {
		case sh.multi && strings.TrimSpace(name) == "":
			return fmt.Errorf("bot: book %d has no name: with several books, each needs one", i+1)
		case name != oneLine(name):
			return fmt.Errorf("bot: book name %q: use one line without leading or trailing spaces", name)
		case width(name) > maxBookName:
			return fmt.Errorf("bot: book name %q is longer than %d characters", name, maxBookName)
		}
		key := strings.ToLower(name)
		if _, dup := sh.byName[key]; dup {
			return fmt.Errorf("bot: two books are named %q", name)
		}
		b := &book{name: name, a: bk.Answerer, fp: fingerprint(bk.Answerer.Corpus())}
		sh.books = append(sh.books, b)
		sh.byName[key] = b
		if first, dup := sh.byFP[b.fp]; dup {
			c.log.Warn("two books hold the same text: their buttons answer from the first", "book", b.name, "first", first.name)
			continue
		}
		sh.byFP[b.fp] = b
	}
	for what, routes := range map[string]map[string]string{"channel": c.routes.Channels, "guild": c.routes.Guilds} {
		for id, name := range routes {
			if sh.byName[strings.ToLower(name)] == nil {
				return fmt.Errorf("bot: the route for %s %s names no book: %q (books: %s)", what, id, name, sh.names())
			}
		}
	}
	c.shelf.Store(sh)
	return nil
}

// fingerprint identifies a corpus in button IDs: 8 hex digits.
func fingerprint(c *corpus.Corpus) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d\n", c.Len())
	for _, d := range c.Documents() {
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", d.Name, d.Size, d.End-d.First)
	}
	return fmt.Sprintf("%08x", h.Sum32())
}

func set(ids []string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// bookNames lists the books' names for people.
func (c *Core) bookNames() string { return c.s().names() }

func (sh *shelf) names() string {
	names := make([]string, len(sh.books))
	for i, b := range sh.books {
		names[i] = b.name
	}
	return strings.Join(names, ", ")
}

// needsMessageContent reports whether the core answers messages that do
// not mention the bot, which a gateway receives only with the privileged
// MESSAGE_CONTENT intent.
func (c *Core) needsMessageContent() bool { return len(c.channels) > 0 || len(c.forums) > 0 }

// warmUp finds each book's topics, which take a moment on a large text,
// before anyone asks.
func (c *Core) warmUp() {
	for _, b := range c.s().books {
		b.a.Topics()
	}
}

// RequestKind says what a Request is.
type RequestKind int

// Kinds of requests. The zero RequestKind is none: Handle answers Nothing.
const (
	// MessageRequest is a message posted where the bot can read it.
	MessageRequest RequestKind = iota + 1
	// CommandRequest is a slash command (or a terminal command).
	CommandRequest
	// AutocompleteRequest asks for choices while an option is typed.
	AutocompleteRequest
	// ComponentRequest is a click on one of the bot's buttons.
	ComponentRequest
)

// Request is what a door received, free of its transport.
type Request struct {
	// Kind says which of the fields below matter.
	Kind RequestKind
	// Door names the door, for logs: DoorGateway, DoorHTTP or DoorTerminal.
	// DoorTerminal also gets help written for the terminal.
	Door string
	// User is who asked or clicked; Guild the server ("" in a direct
	// message); Channel where; Parent the parent channel of a thread;
	// MessageID the message posted or, for a click, the message clicked.
	User, Guild, Channel, Parent, MessageID string
	// Text is a message's content as posted. Mentions in it are not part of
	// the question: the core removes them.
	Text string
	// Title is a forum post's title, asked together with Text.
	Title string
	// Bot marks a message by a bot or a system user, never answered.
	Bot bool
	// Mentioned marks a message that mentions the bot (or replies to it).
	Mentioned bool
	// DM marks a direct message: always answered.
	DM bool
	// Thread marks a message in a thread; Parent is then its channel.
	Thread bool
	// ForumPost marks a message that opens a thread (its ID is the
	// thread's), as a forum post's first message does: it is answered
	// without a mention when Parent is one of CoreOptions.Forums.
	ForumPost bool
	// Command is a command's name: "ask", "topic", "topics", "source",
	// "help".
	Command string
	// Options are a command's options by name; booleans are "true" or
	// "false". For autocomplete they hold what has been typed so far.
	Options map[string]string
	// Focused is the option being typed, for autocomplete.
	Focused string
	// CustomID is the custom_id of the button clicked.
	CustomID string
	// MessageTitle is the title of the clicked message's first embed: an
	// answer shows its question there, which More results reads back when
	// the button could not carry it.
	MessageTitle string
}

// Action says what a door does with a Response.
type Action int

// Actions.
const (
	// Nothing: the request is not for the bot, or needs no answer.
	Nothing Action = iota
	// NewMessage: post Reply, in reply to the message or interaction.
	NewMessage
	// UpdateMessage: replace the clicked message with Reply (turning a
	// page).
	UpdateMessage
	// Choices: offer Choices to the user typing an option.
	Choices
)

// String names the action, for logs and tests.
func (a Action) String() string {
	switch a {
	case Nothing:
		return "nothing"
	case NewMessage:
		return "new message"
	case UpdateMessage:
		return "update message"
	case Choices:
		return "choices"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Choice is one autocomplete choice.
type Choice struct {
	// Name is shown; Value is what the option is set to. Both are at most
	// 100 characters.
	Name, Value string
}

// Response is what the core answers to a Request. Its Reply already keeps
// within Discord's limits.
type Response struct {
	// Action says what to do: post or update with Reply, offer Choices,
	// or nothing.
	Action Action
	// Reply is the message to post (NewMessage) or to show in place of
	// the clicked one (UpdateMessage).
	Reply Reply
	// Choices are the autocomplete choices (Choices), at most 25.
	Choices []Choice
	// Deferrable marks a response whose Reply is not made yet, because
	// making it searches the text: a door that must acknowledge quickly
	// (Discord allows three seconds) may acknowledge at once, privately if
	// Reply.Ephemeral, then call Finish and edit in its Reply. Any other
	// door calls Finish straight away.
	Deferrable bool
	finish     func(context.Context) Response
}

// Finish returns the complete response of a Deferrable one, making its
// Reply; any other response is returned as it is.
func (r Response) Finish(ctx context.Context) Response {
	if r.finish == nil {
		return r
	}
	return r.finish(ctx)
}

// Handle answers a request. It never touches the network; it may search a
// book, which takes milliseconds (see Response.Deferrable).
//
// The book that answers is, in order: the one a command's "book" option
// names; the one routed to the channel; to the thread's parent channel; to
// the server; the first book. A button carries its book's fingerprint: a
// button whose fingerprint matches no book is stale.
//
// Every failure becomes a reply here: expected outcomes (a question the
// text does not answer, one too long or empty, a cooldown, a stale button)
// say what happened, anything else is logged in detail and the user is
// told that something went wrong.
func (c *Core) Handle(ctx context.Context, req Request) (resp Response) {
	defer c.recoverPanic(req, &resp)
	start := c.now()
	var err error
	switch req.Kind {
	case MessageRequest:
		resp, err = c.message(req, start)
	case CommandRequest:
		resp, err = c.command(req, start)
	case AutocompleteRequest:
		resp = c.autocomplete(req)
	case ComponentRequest:
		resp, err = c.component(req, start)
	}
	if err != nil {
		return c.failure(req, err)
	}
	if resp.Deferrable {
		return resp
	}
	return resp.fitted()
}

// fitted returns r with its reply within Discord's limits.
func (r Response) fitted() Response {
	if r.Action == NewMessage || r.Action == UpdateMessage {
		r.Reply = r.Reply.fit()
	}
	if len(r.Choices) > maxChoices {
		r.Choices = r.Choices[:maxChoices]
	}
	return r
}

// deferred returns a Deferrable response to req, private or not, whose
// reply work makes when the door calls Finish; work's errors and panics
// become replies as Handle's do.
func (c *Core) deferred(req Request, private bool, work func(context.Context) (Response, error)) Response {
	return Response{Action: NewMessage, Reply: Reply{Ephemeral: private}, Deferrable: true,
		finish: func(ctx context.Context) (out Response) {
			defer c.recoverPanic(req, &out)
			out, err := work(ctx)
			if err != nil {
				return c.failure(req, err)
			}
			return out.fitted()
		}}
}

// Messages people see. They are short and never hold details; those go to
// the log.
const (
	msgFailed  = "Sorry, something went wrong answering that. The bot's operator can find the details in its log."
	msgStale   = "This button belongs to an older answer or an older version of the text. Ask again."
	msgNoMore  = "No more results for this question."
	msgThanks  = "Thanks, noted. Feedback helps whoever runs this bot improve it."
	msgAskHint = "Ask me a question after the mention, for example: where was Stalin buried? Or try `/help`."
)

// Expected outcomes that are not answers.
var (
	errStaleButton = errors.New("stale button")
	errNoMore      = errors.New("no more results")
	errAskHint     = errors.New("mention without a question")
)

// userError is an expected outcome with its message for the user.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

// slowDown is a cooldown: the user must wait before asking (or clicking)
// again. quiet says not to tell them (they were told this window).
type slowDown struct {
	wait  time.Duration
	c     *cooldown
	what  string
	quiet bool
}

func (e *slowDown) Error() string { return "cooldown on " + e.what }

// loggedError is an error already logged in detail (with the question's
// line), which failure need not log again.
type loggedError struct{ err error }

func (e loggedError) Error() string { return e.err.Error() }
func (e loggedError) Unwrap() error { return e.err }

// failure is the one place that turns an error into what the user sees.
func (c *Core) failure(req Request, err error) Response {
	var (
		ue *userError
		sd *slowDown
	)
	reply := func(msg string) Response {
		return Response{Action: NewMessage, Reply: errorReply(msg)}
	}
	switch {
	case errors.As(err, &sd):
		c.log.Info("cooldown", c.where(req, "what", sd.what)...)
		c.observe(func(o Observer) { o.CooledDown(req.Door, sd.what) })
		if sd.quiet {
			return Response{}
		}
		return Response{Action: NewMessage, Reply: slowDownReply(sd.wait, sd.c, sd.what)}
	case errors.As(err, &ue):
		return reply(ue.msg)
	case errors.Is(err, errStaleButton):
		return reply(msgStale)
	case errors.Is(err, errNoMore):
		return reply(msgNoMore)
	case errors.Is(err, errAskHint):
		return Response{Action: NewMessage, Reply: Reply{Content: msgAskHint}}
	case errors.Is(err, retrieval.ErrQuestionTooLong), errors.Is(err, retrieval.ErrEmptyQuestion), errors.Is(err, retrieval.ErrQuestionUTF8):
		// retrieval's messages for these are written for the asker.
		return reply(capitalise(err.Error()) + ".")
	}
	var logged loggedError
	if !errors.As(err, &logged) {
		c.log.Error("failed", c.where(req, "error", err)...)
	}
	return reply(msgFailed)
}

// where returns the log attributes naming a request, then more.
func (c *Core) where(req Request, more ...any) []any {
	attrs := []any{"door", req.Door, "kind", req.Kind.String()}
	if req.Command != "" {
		attrs = append(attrs, "command", req.Command)
	}
	attrs = append(attrs, "guild", req.Guild, "channel", req.Channel, "user", req.User)
	return append(attrs, more...)
}

// String names the kind, for logs: "message", "command", "autocomplete"
// or "button".
func (k RequestKind) String() string {
	switch k {
	case MessageRequest:
		return "message"
	case CommandRequest:
		return "command"
	case AutocompleteRequest:
		return "autocomplete"
	case ComponentRequest:
		return "button"
	}
	return fmt.Sprintf("RequestKind(%d)", int(k))
}

// recoverPanic keeps a bug in a flow (or a book) from taking a door down:
// the user is told something went wrong.
func (c *Core) recoverPanic(req Request, resp *Response) {
	if r := recover(); r != nil {
		c.log.Error("panic", c.where(req, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))...)
		*resp = Response{Action: NewMessage, Reply: errorReply(msgFailed)}
	}
}

// logQuestion writes the one line each question gets: how it was asked
// (via), which book answered, and how.
func (c *Core) logQuestion(req Request, via string, b *book, q string, ans retrieval.Answer, start time.Time, err error) error {
	top := 0.0
	if len(ans.Results) > 0 {
		top = math.Round(ans.Results[0].Score*1000) / 1000
	}
	attrs := []any{"door", req.Door, "via", via}
	if b.name != "" {
		attrs = append(attrs, "book", b.name)
	}
	now := c.now()
	attrs = append(attrs, "guild", req.Guild, "channel", req.Channel, "user", req.User,
		"question_len", len(q), "answered", ans.Answered, "results", len(ans.Results),
		"top_score", top, "latency_ms", float64(now.Sub(start).Microseconds())/1000)
	if len(c.observers) > 0 {
		outcome := OutcomeAnswered
		switch {
		case err != nil && expected(err):
			outcome = OutcomeRefused
		case err != nil:
			outcome = OutcomeFailed
		case !ans.Answered:
			outcome = OutcomeNotFound
		}
		a := Asked{Time: now, Door: req.Door, Via: via, Book: b.name, Question: q, Outcome: outcome,
			Latency: now.Sub(start), Guild: req.Guild, Channel: req.Channel, User: req.User}
		c.observe(func(o Observer) { o.Asked(a) })
	}
	if err == nil {
		c.log.Info("question", attrs...)
		return nil
	}
	if expected(err) {
		c.log.Info("question", append(attrs, "refused", err.Error())...)
		return err
	}
	c.log.Error("question", append(attrs, "error", err)...)
	return loggedError{err}
}

// expected reports whether err is an outcome the user is told about
// rather than a failure.
func expected(err error) bool {
	var ue *userError
	return errors.As(err, &ue) || errors.Is(err, retrieval.ErrQuestionTooLong) ||
		errors.Is(err, retrieval.ErrEmptyQuestion) || errors.Is(err, retrieval.ErrQuestionUTF8)
}

// Commands returns the slash commands, for a door to register with a bulk
// overwrite (so that stale ones disappear). With several books, /ask has a
// "book" option whose choices autocomplete from the books' names.
func (c *Core) Commands() []*discordgo.ApplicationCommand {
	minLen := 1
	ask := []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true, MinLength: &minLen, MaxLength: 1000},
		{Type: discordgo.ApplicationCommandOptionBoolean, Name: "public", Description: "Show the answer to everyone in the channel (default: only you)"},
	}
	if c.s().multi {
		ask = append(ask, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "book",
			Description: "Which book to ask (default: this channel's)", Autocomplete: true, MinLength: &minLen, MaxLength: maxBookName})
	}
	return []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask a question about the text", Options: ask},
		{Name: "topics", Description: "List what the text is about"},
		{
			Name:        "topic",
			Description: "What the text says about one topic",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "name", Description: "The topic", Required: true, Autocomplete: true, MinLength: &minLen, MaxLength: 200},
			},
		},
		{Name: "source", Description: "Which documents the bot answers from"},
		{Name: "help", Description: "How to ask the bot"},
	}
}
