package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Options configure a Bot, the gateway door. What the bot answers, and
// how, is the Core's.
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
	// Logger receives the connection's events and every delivery error;
	// nil means slog.Default(). Tokens and other credentials are removed
	// from every line first.
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
	// Shards is how many shards (gateway connections) the bot runs in
	// all, across every process serving it; each shard receives the events
	// of its share of the servers, and Discord requires sharding from
	// 2,500 servers. 1 means one connection without sharding; 0 means the
	// count Discord recommends, asked at start. Every process must use the
	// same count, so with several processes give a number.
	Shards int
	// ShardIDs are the shards this process runs, each below Shards (when
	// Shards is 0, below Discord's count); empty means all of them. Only
	// the process running shard 0 registers the slash commands; direct
	// messages reach shard 0 too.
	ShardIDs []int
	// Events, if set, is told of each shard's connection going up and down
	// and of every response from Discord's REST API (metrics count them).
	Events DiscordObserver
	// IdentifyWindow is Discord's identify rate limit window: the bot
	// starts shards with the same rate limit key (shard ID modulo
	// max_concurrency) at least this far apart. 0 means
	// DefaultIdentifyWindow; only tests against a server with a shorter
	// window change it.
	IdentifyWindow time.Duration
}

// DefaultAPIURL is Discord's REST API base.
const DefaultAPIURL = "https://discord.com/api/v9"

// Gateway intents. The bot needs no privileged intent unless it answers
// messages that do not mention it: every message in some channels, or new
// forum posts.
const (
	baseIntents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
)

// Errors Run returns when Discord refuses the configuration.
var (
	ErrBadToken         = errors.New("the bot token was rejected by Discord (authentication failed): check discord.token or LECTERN_DISCORD_TOKEN")
	ErrDisallowedIntent = errors.New("the MESSAGE_CONTENT intent was refused by Discord: enable it on the Bot page of the developer portal, or remove discord.channels and discord.forums")
	ErrShardingRequired = errors.New("sharding is required by Discord for this bot: set discord.shards to auto or a number")
	ErrInvalidShard     = errors.New("invalid shard: every process must be given the same discord.shards (a number, not auto, when there are several) and discord.shard_ids below it")
	ErrNotDiscordAPI    = errors.New("the gateway lookup got 404 Not Found: discord.api_url (LECTERN_DISCORD_API_URL) must be the base of Discord's API, such as " + DefaultAPIURL)
)

// Bot is the gateway door: it connects to Discord's gateway, turns the
// messages and interactions it receives into Requests for a Core, and
// delivers the Core's Responses through Discord's REST API. Create it with
// New and start it with Run.
type Bot struct {
	core    *Core
	opts    Options
	log     *slog.Logger
	redact  *redactor
	intents discordgo.Intent
	gwHTTP  *http.Client // discordgo's: it only asks for the gateway's URL
	rest    *restClient
	threads *threads
	// shards are the gateway connections this process runs, made by Run.
	shards []*shard

	// stop ends replies still being delivered when shutdown stops waiting.
	stopCtx context.Context
	stop    context.CancelFunc

	inflight flights // events being handled
	mu       sync.Mutex
	appID    string
	userID   string
	// ready is closed once every shard has received READY.
	ready chan struct{}
	// inviteOnce logs the invite URL at most once (see inviteIfAlone).
	inviteOnce sync.Once
}

// Start-up limits.
const (
	// connectTimeout bounds one attempt to connect to the gateway and get
	// READY.
	connectTimeout = 30 * time.Second
	// shutdownGrace is how long shutdown waits for replies in flight: an
	// answer is found in milliseconds, so this is one request to Discord.
	// SIGTERM must stop lectern within a second or so.
	shutdownGrace = time.Second
	// closeWait is the longest shutdown waits for the gateway connection
	// to close after asking discordgo to close it.
	closeWait = 300 * time.Millisecond
	// closeGrace is how long after its close frame shutdown waits for
	// Discord's: discordgo may have stopped reading the connection.
	closeGrace = 100 * time.Millisecond
)

// New prepares a bot answering with core. It does not connect; Run does.
func New(core *Core, opts Options) (*Bot, error) {
	if core == nil {
		return nil, errors.New("bot: no core")
	}
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
	if opts.Shards < 0 {
		return nil, fmt.Errorf("bot: %d shards: use 0 (the count Discord recommends) or more", opts.Shards)
	}
	if opts.ShardIDs, err = checkShardIDs(opts.Shards, opts.ShardIDs); err != nil {
		return nil, err
	}
	if opts.IdentifyWindow <= 0 {
		opts.IdentifyWindow = DefaultIdentifyWindow
	}
	log := slog.New(redactHandler{next: opts.Logger.Handler(), r: red})
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	transport := &rewriteTransport{base: base, next: tr}
	var gwTransport http.RoundTripper = transport
	if opts.Events != nil {
		gwTransport = observedTransport{next: transport, events: opts.Events}
	}
	intents := discordgo.Intent(baseIntents)
	if core.needsMessageContent() {
		intents |= discordgo.IntentsMessageContent
	}

	stopCtx, stop := context.WithCancel(context.Background())
	b := &Bot{
		core:    core,
		opts:    opts,
		log:     log,
		redact:  red,
		intents: intents,
		// discordgo itself only asks for the gateway's URL: replies,
		// commands and their retries go through b.rest.
		gwHTTP:  &http.Client{Timeout: 30 * time.Second, Transport: gwTransport},
		threads: newThreads(),
		rest: &restClient{
			http:       &http.Client{Transport: transport},
			auth:       "Bot " + opts.Token,
			userAgent:  userAgent,
			log:        log,
			maxWait:    opts.MaxRateLimitWait,
			backoff:    opts.RetryBackoff,
			maxBackoff: max(opts.RetryBackoff, maxReplyBackoff),
			events:     opts.Events,
		},
		stopCtx: stopCtx,
		stop:    stop,
		ready:   make(chan struct{}),
	}
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
func (b *Bot) Intents() discordgo.Intent { return b.intents }

// Run connects to Discord, registers the slash commands and answers until
// ctx is done; then it stops taking new questions, lets those in flight
// finish (up to a second) and closes the connection. While Discord is
// unreachable or failing, it retries connecting, and registering the
// commands, with backoff, logging each attempt (mentions are answered
// while registration is retried); ctx ending during the first connection
// makes it return nil within a second. It returns ErrBadToken or
// ErrDisallowedIntent at once when Discord refuses the token or the
// intents, and ErrShardingRequired or ErrInvalidShard when it refuses the
// shards.
//
// Sharded (Options.Shards above 1, or 0 and Discord recommending more
// than one), Run runs one connection per shard in Options.ShardIDs,
// started as Discord's session_start_limit allows (see connectShards),
// registers the commands only if it runs shard 0, and returns an error as
// soon as any shard meets one. Once connected, each shard reconnects by
// itself.
func (b *Bot) Run(ctx context.Context) error {
	b.log.Info("connecting to Discord", "api", b.opts.APIURL, "intents", int(b.Intents()),
		"message_content", b.Intents()&discordgo.IntentsMessageContent != 0)
	if b.core.needsMessageContent() {
		b.log.Info("answering messages without a mention in the configured channels and forums: this needs the privileged MESSAGE_CONTENT intent, enabled on the Bot page of the Discord developer portal",
			"channels", len(b.core.channels), "forums", len(b.core.forums))
	}
	go b.core.warmUp()
	plan, err := b.planShards(ctx)
	if err != nil || plan == nil {
		b.stop()
		return b.redact.Error(err)
	}
	if b.shards, err = b.newShards(plan); err != nil {
		b.stop()
		return b.redact.Error(err)
	}
	// Registration starts once shard 0 is connected, while other shards
	// may still be connecting.
	regCtx, cancelReg := context.WithCancel(ctx)
	defer cancelReg()
	registered := make(chan struct{})
	go func() {
		defer close(registered)
		b.registerWhenReady(regCtx, plan)
	}()
	connected, err := b.connectShards(ctx, plan)
	if err != nil || !connected {
		cancelReg()
		<-registered
		b.abandonShards()
		return b.redact.Error(err)
	}
	<-ctx.Done()
	<-registered
	return b.redact.Error(b.shutdown())
}

// connect opens a shard's gateway connection and waits for READY,
// retrying with backoff. It reports false when ctx ended first; a
// connection attempt still running then closes the session when it ends.
func (b *Bot) connect(ctx context.Context, sh *shard) (bool, error) {
	wait := b.opts.RetryBackoff
	for attempt := 1; ; attempt++ {
		ok, err := b.connectOnce(ctx, sh)
		if ok || ctx.Err() != nil {
			return ok, nil
		}
		if fatalOpenError(err) {
			return false, err
		}
		pause := jitter(wait)
		var rl *discordgo.RateLimitError
		if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
			sh.log.Warn("rate limited by Discord", "route", "GET /gateway", "bucket", rl.Bucket, "retry_after", rl.RetryAfter.String(), "action", "wait")
			pause = max(pause, rl.RetryAfter)
		}
		sh.log.Warn("cannot connect to Discord: retrying", "attempt", attempt, "retry_in", pause.Round(time.Millisecond).String(), "error", err)
		if sleep(ctx, pause) != nil {
			return false, nil
		}
		wait = min(wait*2, maxStartBackoff)
	}
}

// connectOnce makes one attempt to open a shard's gateway connection and
// get READY within connectTimeout.
func (b *Bot) connectOnce(ctx context.Context, sh *shard) (bool, error) {
	opened := make(chan error, 1)
	go func() { opened <- sh.s.Open() }()
	timeout := time.NewTimer(connectTimeout)
	defer timeout.Stop()
	// abandon leaves an attempt still running to close the session if it
	// succeeds after all.
	abandon := func() {
		sh.abortDial()
		go func() {
			if <-opened == nil {
				sh.s.Close()
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
	case <-sh.ready:
		return true, nil
	case <-ctx.Done():
		go sh.s.Close()
		return false, nil
	case <-timeout.C:
		sh.s.Close()
		return false, fmt.Errorf("connect to Discord: no READY from the gateway within %v", connectTimeout)
	}
}

// openError classifies an error of Session.Open.
func openError(err error) error {
	if re := (*discordgo.RESTError)(nil); errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusNotFound {
		return ErrNotDiscordAPI // GET /gateway: Discord always has it
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case 4004:
			return ErrBadToken
		case 4010:
			return ErrInvalidShard
		case 4011:
			return ErrShardingRequired
		case 4014:
			return ErrDisallowedIntent
		}
	}
	return fmt.Errorf("connect to Discord: %w", err)
}

// fatalOpenError reports whether an error of openError means Discord
// refuses the configuration, so that retrying is pointless.
func fatalOpenError(err error) bool {
	return errors.Is(err, ErrBadToken) || errors.Is(err, ErrDisallowedIntent) ||
		errors.Is(err, ErrShardingRequired) || errors.Is(err, ErrInvalidShard) ||
		errors.Is(err, ErrNotDiscordAPI)
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

// shutdown stops taking events, waits for those in flight and closes
// every shard's connection.
func (b *Bot) shutdown() error {
	done := b.inflight.close()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
		b.log.Warn("shutting down with replies still in flight")
	}
	b.stop()
	errs := make([]error, len(b.shards))
	var wg sync.WaitGroup
	for i, sh := range b.shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = sh.close()
		}()
	}
	wg.Wait()
	b.log.Info("disconnected from Discord")
	return errors.Join(errs...)
}

// close closes the shard's connection.
func (sh *shard) close() error {
	closed := make(chan error, 1)
	go func() { closed <- sh.s.Close() }()
	var err error
	// discordgo sends its close frame, then sleeps a second before it
	// closes the connection: wait for Discord to answer the close frame
	// (if discordgo is still reading, it reads the answer), then close the
	// connection under discordgo, which then finds it closed.
	closing, ended := sh.dialState()
	wait := time.NewTimer(closeWait)
	defer wait.Stop()
	select {
	case err = <-closed:
	case <-ended:
	case <-closing:
		select {
		case <-ended:
		case <-time.After(closeGrace):
		case <-wait.C:
		}
	case <-wait.C:
	}
	sh.abortDial()
	return err
}

func (b *Bot) onReady(sh *shard, r *discordgo.Ready) {
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
	appID := b.appID
	b.mu.Unlock()
	sh.log.Info("connected", "user", userName(r.User), "session", r.SessionID)
	b.inviteIfAlone(sh, r, appID)
	sh.readyOnce.Do(func() { close(sh.ready) })
}

func userName(u *discordgo.User) string {
	if u == nil {
		return ""
	}
	return u.Username
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
