package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"lectern/corpus"
	"lectern/retrieval"
)

// Library is what the bot answers from; *retrieval.Engine is one.
type Library interface {
	Answer(question string, req retrieval.Request) (retrieval.Answer, error)
	TopicAnswer(name string, req retrieval.Request) (retrieval.Answer, error)
	FindTopics(query string, limit int) []retrieval.Topic
	Topics() []retrieval.Topic
	Context(id, maxBytes int) (string, corpus.Citation, error)
	Corpus() *corpus.Corpus
}

// Options configure a Bot.
type Options struct {
	// Token is the bot token, without the "Bot " prefix. It is sent to
	// Discord and nowhere else.
	Token string
	// APIURL is the base of Discord's REST API ("https://discord.com/api/v9"),
	// or of a Discord-compatible server; "" means Discord.
	APIURL string
	// GuildID, when set, registers the slash commands in that guild only
	// (they appear at once); otherwise they are registered globally.
	GuildID string
	// Channels are channel IDs where the bot answers every message, not
	// only mentions. They need the privileged MESSAGE_CONTENT intent.
	Channels []string
	// CooldownQuestions per CooldownWindow is how many questions one user
	// may ask; a zero window means no limit.
	CooldownQuestions int
	CooldownWindow    time.Duration
	// Top is how many excerpts a page of results shows; 0 means 1.
	Top int
	// Logger receives one line per question answered and every error; nil
	// means slog.Default(). Tokens and other credentials are removed from
	// every line first.
	Logger *slog.Logger
	// AnswerDeadline is how long the bot keeps trying to deliver an answer
	// (retrying Discord's server and network errors, waiting out rate
	// limits) before it gives up and tells the asker; 0 means
	// DefaultAnswerDeadline.
	AnswerDeadline time.Duration
	// MaxRateLimitWait is the longest rate limit the bot waits out for one
	// reply; 0 means DefaultMaxRateLimitWait.
	MaxRateLimitWait time.Duration
	// RetryBackoff is the first pause before retrying a failed request,
	// connection or command registration; pauses double from there, with
	// jitter. 0 means DefaultRetryBackoff.
	RetryBackoff time.Duration
}

// DefaultAPIURL is Discord's REST API base.
const DefaultAPIURL = "https://discord.com/api/v9"

// Gateway intents. The bot needs no privileged intent unless it answers
// every message in some channels.
const (
	baseIntents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
)

// Errors Run returns when Discord refuses the configuration.
var (
	ErrBadToken         = errors.New("the bot token was rejected by Discord (authentication failed): check discord.token or LECTERN_DISCORD_TOKEN")
	ErrDisallowedIntent = errors.New("the MESSAGE_CONTENT intent was refused by Discord: enable it on the Bot page of the developer portal, or remove discord.channels")
)

// Bot is a Discord bot answering from a Library. Create it with New and
// start it with Run.
type Bot struct {
	lib    Library
	opts   Options
	log    *slog.Logger
	redact *redactor
	s      *discordgo.Session
	rest   *restClient
	fp     string // corpus fingerprint for button IDs

	channels map[string]bool
	cooldown *cooldown // questions
	buttons  *cooldown // button clicks
	feedback *feedbackLog

	// stop ends replies still being delivered when shutdown stops waiting.
	stopCtx context.Context
	stop    context.CancelFunc

	dialTracker

	mu        sync.Mutex
	closing   bool
	inflight  sync.WaitGroup
	appID     string
	userID    string
	ready     chan struct{}
	readyOnce sync.Once
}

// Button clicks one user may make per buttonWindow, whatever the question
// cooldown: buttons cost no search, but each click is a request to Discord
// and feedback is logged.
const (
	buttonClicks = 10
	buttonWindow = 10 * time.Second
)

// Start-up limits.
const (
	// connectTimeout bounds one attempt to connect to the gateway and get
	// READY.
	connectTimeout = 30 * time.Second
	// shutdownGrace is how long shutdown waits for replies in flight: an
	// answer is found in milliseconds, so this is one request to Discord.
	// SIGTERM must stop lectern within a second or so.
	shutdownGrace = time.Second
	// closeWait is how long shutdown waits for the gateway connection to
	// close: discordgo sends the close frame at once, then sleeps a second.
	closeWait = 300 * time.Millisecond
)

// New prepares a bot. It does not connect; Run does.
func New(lib Library, opts Options) (*Bot, error) {
	if opts.Token == "" {
		return nil, errors.New("bot: no token")
	}
	if opts.APIURL == "" {
		opts.APIURL = DefaultAPIURL
	}
	red := newRedactor(append([]string{opts.Token}, urlSecrets(opts.APIURL)...)...)
	base, err := url.Parse(opts.APIURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("bot: API URL %q is not an http(s) URL", red.String(opts.APIURL))
	}
	if opts.Top <= 0 {
		opts.Top = 1
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.AnswerDeadline <= 0 {
		opts.AnswerDeadline = DefaultAnswerDeadline
	}
	if opts.MaxRateLimitWait <= 0 {
		opts.MaxRateLimitWait = DefaultMaxRateLimitWait
	}
	if opts.RetryBackoff <= 0 {
		opts.RetryBackoff = DefaultRetryBackoff
	}
	log := slog.New(redactHandler{next: opts.Logger.Handler(), r: red})
	s, err := discordgo.New("Bot " + opts.Token)
	if err != nil {
		return nil, red.Error(fmt.Errorf("bot: %w", err))
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	transport := &rewriteTransport{base: base, next: tr}
	// discordgo itself only asks for the gateway's URL: replies, commands
	// and their retries go through b.rest.
	s.Client = &http.Client{Timeout: 30 * time.Second, Transport: transport}
	s.UserAgent = "DiscordBot (https://github.com/lectern, 1.0) lectern"
	s.Identify.Intents = baseIntents
	if len(opts.Channels) > 0 {
		s.Identify.Intents |= discordgo.IntentsMessageContent
	}
	s.ShouldReconnectOnError = true
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	// Nothing reads discordgo's state cache, and its tracking panics on
	// some payloads.
	s.StateEnabled = false

	stopCtx, stop := context.WithCancel(context.Background())
	b := &Bot{
		lib:    lib,
		opts:   opts,
		log:    log,
		redact: red,
		s:      s,
		rest: &restClient{
			http:       &http.Client{Transport: transport},
			auth:       "Bot " + opts.Token,
			userAgent:  s.UserAgent,
			log:        log,
			maxWait:    opts.MaxRateLimitWait,
			backoff:    opts.RetryBackoff,
			maxBackoff: max(opts.RetryBackoff, maxReplyBackoff),
		},
		fp:       fingerprint(lib.Corpus()),
		channels: map[string]bool{},
		cooldown: newCooldown(opts.CooldownQuestions, opts.CooldownWindow),
		buttons:  newCooldown(buttonClicks, buttonWindow),
		feedback: newFeedbackLog(),
		stopCtx:  stopCtx,
		stop:     stop,
		ready:    make(chan struct{}),
	}
	s.Dialer = b.gatewayDialer()
	for _, c := range opts.Channels {
		b.channels[c] = true
	}
	s.AddHandler(b.onReady)
	s.AddHandler(b.onMessage)
	s.AddHandler(b.onInteraction)
	return b, nil
}

// urlSecrets returns the password and query values of a URL, to redact
// wherever they appear.
func urlSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	if pw, ok := u.User.Password(); ok {
		out = append(out, pw)
	}
	for _, vs := range u.Query() {
		out = append(out, vs...)
	}
	return out
}

// Intents returns the gateway intents the bot identifies with.
func (b *Bot) Intents() discordgo.Intent { return b.s.Identify.Intents }

// Run connects to Discord, registers the slash commands and answers until
// ctx is done; then it stops taking new questions, lets those in flight
// finish (up to a second) and closes the connection. While Discord is
// unreachable or failing, it retries connecting, and registering the
// commands, with backoff, logging each attempt (mentions are answered
// while registration is retried); ctx ending during the first connection
// makes it return nil within a second. It returns ErrBadToken or
// ErrDisallowedIntent at once when Discord refuses the token or the
// intents.
func (b *Bot) Run(ctx context.Context) error {
	b.log.Info("connecting to Discord", "api", b.opts.APIURL, "intents", int(b.Intents()),
		"message_content", b.Intents()&discordgo.IntentsMessageContent != 0)
	if len(b.opts.Channels) > 0 {
		b.log.Info("answering every message in the configured channels: this needs the privileged MESSAGE_CONTENT intent, enabled on the Bot page of the Discord developer portal",
			"channels", b.opts.Channels)
	}
	// Topics take a moment on a large text: find them before anyone asks.
	go b.lib.Topics()
	connected, err := b.connect(ctx)
	if err != nil {
		b.stop()
		return b.redact.Error(err)
	}
	if !connected {
		b.stop()
		return nil
	}
	registered := make(chan struct{})
	go func() {
		defer close(registered)
		b.registerCommands(ctx)
	}()
	<-ctx.Done()
	<-registered
	return b.redact.Error(b.shutdown())
}

// connect opens the gateway connection and waits for READY, retrying with
// backoff. It reports false when ctx ended first; a connection attempt
// still running then closes the session when it ends.
func (b *Bot) connect(ctx context.Context) (bool, error) {
	wait := b.opts.RetryBackoff
	for attempt := 1; ; attempt++ {
		ok, err := b.connectOnce(ctx)
		if ok || ctx.Err() != nil {
			return ok, nil
		}
		if errors.Is(err, ErrBadToken) || errors.Is(err, ErrDisallowedIntent) {
			return false, err
		}
		pause := jitter(wait)
		var rl *discordgo.RateLimitError
		if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
			b.log.Warn("rate limited by Discord", "route", "GET /gateway", "bucket", rl.Bucket, "retry_after", rl.RetryAfter.String(), "action", "wait")
			pause = max(pause, rl.RetryAfter)
		}
		b.log.Warn("cannot connect to Discord: retrying", "attempt", attempt, "retry_in", pause.Round(time.Millisecond).String(), "error", err)
		if sleep(ctx, pause) != nil {
			return false, nil
		}
		wait = min(wait*2, maxStartBackoff)
	}
}

// connectOnce makes one attempt to open the gateway connection and get
// READY within connectTimeout.
func (b *Bot) connectOnce(ctx context.Context) (bool, error) {
	opened := make(chan error, 1)
	go func() { opened <- b.s.Open() }()
	timeout := time.NewTimer(connectTimeout)
	defer timeout.Stop()
	// abandon leaves an attempt still running to close the session if it
	// succeeds after all.
	abandon := func() {
		b.abortDial()
		go func() {
			if <-opened == nil {
				b.s.Close()
			}
		}()
	}
	select {
	case err := <-opened:
		if err != nil {
			return false, openError(err)
		}
	case <-ctx.Done():
		abandon()
		return false, nil
	case <-timeout.C:
		abandon()
		return false, fmt.Errorf("connect to Discord: no answer from the gateway within %v", connectTimeout)
	}
	select {
	case <-b.ready:
		return true, nil
	case <-ctx.Done():
		go b.s.Close()
		return false, nil
	case <-timeout.C:
		b.s.Close()
		return false, fmt.Errorf("connect to Discord: no READY from the gateway within %v", connectTimeout)
	}
}

// openError classifies an error of Session.Open.
func openError(err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case 4004:
			return ErrBadToken
		case 4014:
			return ErrDisallowedIntent
		}
	}
	return fmt.Errorf("connect to Discord: %w", err)
}

// registerCommands registers the slash commands, retrying with backoff
// until it succeeds or ctx is done.
func (b *Bot) registerCommands(ctx context.Context) {
	wait := b.opts.RetryBackoff
	for attempt := 1; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, b.opts.AnswerDeadline)
		n, err := b.putCommands(rctx)
		cancel()
		if err == nil {
			scope := "globally"
			if b.opts.GuildID != "" {
				scope = "in guild " + b.opts.GuildID
			}
			b.log.Info("slash commands registered", "count", n, "scope", scope)
			return
		}
		if ctx.Err() != nil {
			return
		}
		pause := jitter(wait)
		var rl *rateLimitError
		if errors.As(err, &rl) {
			pause = max(pause, rl.RetryAfter)
		}
		b.log.Warn("cannot register slash commands: retrying", "attempt", attempt, "retry_in", pause.Round(time.Millisecond).String(), "error", err)
		if sleep(ctx, pause) != nil {
			return
		}
		wait = min(wait*2, maxStartBackoff)
	}
}

// shutdown stops taking events, waits for those in flight and closes.
func (b *Bot) shutdown() error {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
		b.log.Warn("shutting down with replies still in flight")
	}
	b.stop()
	closed := make(chan error, 1)
	go func() { closed <- b.s.Close() }()
	var err error
	select {
	case err = <-closed:
	case <-time.After(closeWait):
	}
	b.log.Info("disconnected from Discord")
	return err
}

// begin registers an event in flight; it returns false once shutting down.
func (b *Bot) begin() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.inflight.Add(1)
	return true
}

func (b *Bot) onReady(s *discordgo.Session, r *discordgo.Ready) {
	defer b.recoverPanic("READY")
	b.mu.Lock()
	if r.User != nil {
		b.userID = r.User.ID
	}
	if r.Application != nil && r.Application.ID != "" {
		b.appID = r.Application.ID
	} else if b.appID == "" && r.User != nil {
		b.appID = r.User.ID
	}
	b.mu.Unlock()
	b.log.Info("connected", "user", userName(r.User), "session", r.SessionID)
	b.readyOnce.Do(func() { close(b.ready) })
}

func userName(u *discordgo.User) string {
	if u == nil {
		return ""
	}
	return u.Username
}

// commands are the slash commands, registered with a bulk overwrite so that
// stale ones disappear.
func commands() []*discordgo.ApplicationCommand {
	minLen := 1
	return []*discordgo.ApplicationCommand{
		{
			Name:        "ask",
			Description: "Ask a question about the text",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question", Required: true, MinLength: &minLen, MaxLength: 1000},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "public", Description: "Show the answer to everyone in the channel (default: only you)"},
			},
		},
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

// fingerprint identifies a corpus in button IDs: 8 hex digits.
func fingerprint(c *corpus.Corpus) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d\n", c.Len())
	for _, d := range c.Documents() {
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", d.Name, d.Size, d.End-d.First)
	}
	return fmt.Sprintf("%08x", h.Sum32())
}

// rewriteTransport sends discordgo's requests for https://discord.com/api/vN
// to the configured API base instead: discordgo fixes its endpoints at
// package initialisation.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	u := req.URL
	if u.Host != "discord.com" || !strings.HasPrefix(u.Path, "/api/v") {
		return t.next.RoundTrip(req)
	}
	rest := u.EscapedPath()[len("/api/v"):]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[i:]
	} else {
		rest = ""
	}
	nu := *u
	nu.Scheme, nu.Host = t.base.Scheme, t.base.Host
	escaped := strings.TrimRight(t.base.EscapedPath(), "/") + rest
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return nil, fmt.Errorf("rewrite %s: %w", u.Path, err)
	}
	nu.Path, nu.RawPath = p, escaped
	r := req.Clone(req.Context())
	r.URL = &nu
	r.Host = nu.Host
	return t.next.RoundTrip(r)
}
