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
	// means slog.Default().
	Logger *slog.Logger
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
	lib  Library
	opts Options
	log  *slog.Logger
	s    *discordgo.Session
	fp   string // corpus fingerprint for button IDs

	channels map[string]bool
	cooldown *cooldown

	mu        sync.Mutex
	closing   bool
	inflight  sync.WaitGroup
	appID     string
	userID    string
	ready     chan struct{}
	readyOnce sync.Once
	regDone   bool
	regErr    chan error
}

// New prepares a bot. It does not connect; Run does.
func New(lib Library, opts Options) (*Bot, error) {
	if opts.Token == "" {
		return nil, errors.New("bot: no token")
	}
	if opts.APIURL == "" {
		opts.APIURL = DefaultAPIURL
	}
	base, err := url.Parse(opts.APIURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("bot: API URL %q is not an http(s) URL", opts.APIURL)
	}
	if opts.Top <= 0 {
		opts.Top = 1
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s, err := discordgo.New("Bot " + opts.Token)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	s.Client = &http.Client{Timeout: 30 * time.Second, Transport: &rewriteTransport{base: base, next: http.DefaultTransport}}
	s.UserAgent = "DiscordBot (https://github.com/lectern, 1.0) lectern"
	s.Identify.Intents = baseIntents
	if len(opts.Channels) > 0 {
		s.Identify.Intents |= discordgo.IntentsMessageContent
	}
	s.ShouldReconnectOnError = true
	s.ShouldRetryOnRateLimit = true
	s.StateEnabled = true

	b := &Bot{
		lib:      lib,
		opts:     opts,
		log:      opts.Logger,
		s:        s,
		fp:       fingerprint(lib.Corpus()),
		channels: map[string]bool{},
		cooldown: newCooldown(opts.CooldownQuestions, opts.CooldownWindow),
		ready:    make(chan struct{}),
		regErr:   make(chan error, 1),
	}
	for _, c := range opts.Channels {
		b.channels[c] = true
	}
	s.AddHandler(b.onReady)
	s.AddHandler(b.onMessage)
	s.AddHandler(b.onInteraction)
	return b, nil
}

// Intents returns the gateway intents the bot identifies with.
func (b *Bot) Intents() discordgo.Intent { return b.s.Identify.Intents }

// Run connects to Discord, registers the slash commands and answers until
// ctx is done; then it stops taking new questions, lets those in flight
// finish (up to ten seconds) and closes the connection. It returns
// ErrBadToken when Discord refuses the token.
func (b *Bot) Run(ctx context.Context) error {
	b.log.Info("connecting to Discord", "api", b.opts.APIURL, "intents", int(b.Intents()),
		"message_content", b.Intents()&discordgo.IntentsMessageContent != 0)
	if len(b.opts.Channels) > 0 {
		b.log.Info("answering every message in the configured channels: this needs the privileged MESSAGE_CONTENT intent, enabled on the Bot page of the Discord developer portal",
			"channels", b.opts.Channels)
	}
	// Topics take a moment on a large text: find them before anyone asks.
	go b.lib.Topics()
	if err := b.s.Open(); err != nil {
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
	select {
	case <-b.ready:
	case <-ctx.Done():
		return b.shutdown()
	case <-time.After(30 * time.Second):
		b.s.Close()
		return errors.New("connect to Discord: no READY from the gateway within 30s")
	}
	select {
	case err := <-b.regErr:
		if err != nil {
			b.shutdown()
			return fmt.Errorf("register slash commands: %w", err)
		}
	case <-ctx.Done():
		return b.shutdown()
	}
	<-ctx.Done()
	return b.shutdown()
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
	case <-time.After(10 * time.Second):
		b.log.Warn("shutting down with replies still in flight")
	}
	err := b.s.Close()
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
	b.mu.Lock()
	if r.User != nil {
		b.userID = r.User.ID
	}
	if r.Application != nil && r.Application.ID != "" {
		b.appID = r.Application.ID
	} else if b.appID == "" && r.User != nil {
		b.appID = r.User.ID
	}
	needReg := !b.regDone
	b.regDone = true
	appID := b.appID
	b.mu.Unlock()
	b.log.Info("connected", "user", userName(r.User), "session", r.SessionID)
	b.readyOnce.Do(func() { close(b.ready) })
	if !needReg {
		return
	}
	cmds, err := s.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, commands())
	if err == nil {
		scope := "globally"
		if b.opts.GuildID != "" {
			scope = "in guild " + b.opts.GuildID
		}
		b.log.Info("slash commands registered", "count", len(cmds), "scope", scope)
	}
	b.regErr <- err
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
