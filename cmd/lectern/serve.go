package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"lectern/bot"
	"lectern/config"
	"lectern/feedback"
	"lectern/internal/watch"
	"lectern/metrics"
)

func (a *app) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the Discord bot",
		Long: `serve runs the Discord bot until interrupted (SIGINT or SIGTERM), when it
lets answers in flight finish (up to a second) and stops. On SIGHUP
(systemctl reload) it reads lectern.yaml and the text again and, once the
new text is loaded and indexed, answers from it; until then, and if it
fails to load, it answers from the previous one. With corpus.watch: true
it reloads by itself when the corpus's files change. It answers the
slash commands /ask, /topics, /topic, /source and /help, their buttons and
autocomplete from the text, through one door or both:

  - the gateway, with a bot token (discord.token, better the
    LECTERN_DISCORD_TOKEN environment variable; it is never logged or
    printed): serve connects to Discord, registers the slash commands, and
    also answers mentions and direct messages;
  - the HTTP interactions endpoint, with http.listen (LECTERN_HTTP_LISTEN,
    such as :8080), discord.public_key (LECTERN_DISCORD_PUBLIC_KEY) and,
    without a token, discord.application_id
    (LECTERN_DISCORD_APPLICATION_ID): Discord POSTs each interaction to
    /interactions, behind an https reverse proxy; GET /healthz and
    GET /readyz serve health checks. It keeps no state, so several replicas
    may serve one bot. Without a token, nothing registers the slash
    commands: run serve once with a token for that.

With feedback.path set, each 👍/👎 and each question the text did not
answer is appended to that file, users and servers hashed: see 'lectern
feedback'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd, nil); err != nil {
				return err
			}
			if err := a.checkServe(); err != nil {
				return err
			}
			log := newLogger(a.stderr, a.cfg.Log.Level, a.cfg.Log.Format)
			// reread reads the configuration again as it was read now,
			// for a reload: its warnings go to the log.
			reread := func() (*config.Config, error) {
				again := *a
				again.stderr = &logLines{log: log}
				if err := again.load(cmd, nil); err != nil {
					return nil, err
				}
				return again.cfg, nil
			}
			return a.serve(cmd.Context(), log, reread)
		},
	}
}

// checkServe checks that the configuration names at least one door, and
// what each needs.
func (a *app) checkServe() error {
	d := a.cfg.Discord
	switch {
	case d.Token == "" && a.cfg.HTTP.Listen == "":
		return usageError{fmt.Errorf("%w; or, to run only the HTTP interactions endpoint, set LECTERN_HTTP_LISTEN (http.listen) with LECTERN_DISCORD_PUBLIC_KEY and LECTERN_DISCORD_APPLICATION_ID (see README: Behind a reverse proxy)", config.ErrNoToken)}
	case d.Token != "":
		if err := a.cfg.CheckToken(); err != nil {
			return usageError{err}
		}
	case d.ApplicationID == "":
		return usagef("discord.application_id is not set: the HTTP interactions endpoint (http.listen) without a bot token needs the application's ID, to edit answers in: copy the Application ID from the General Information page of your application in the Discord developer portal into LECTERN_DISCORD_APPLICATION_ID")
	}
	return nil
}

// serve runs the doors the configuration names until ctx is done or one
// of them fails, reloading the books on SIGHUP (reading the configuration
// again with reread) and, with corpus.watch, when the corpus changes.
func (a *app) serve(ctx context.Context, log *slog.Logger, reread func() (*config.Config, error)) error {
	d := a.cfg.Discord
	// SIGHUP reloads, from now on: one that comes while the text first
	// loads reloads once it has. Other commands keep the usual SIGHUP,
	// which ends them.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	m := metrics.New()
	var ln *listener
	if a.cfg.HTTP.Listen != "" {
		var err error
		if ln, err = listen(a.cfg.HTTP.Listen, log, m.Handler()); err != nil {
			return err
		}
		defer ln.stop()
	}
	ml, err := serveMetrics(ctx, a.cfg, m, log)
	if err != nil {
		return err
	}
	defer ml.stop()
	observers := []bot.Observer{m}
	if path := a.cfg.Feedback.Path; path != "" {
		store, err := feedback.Open(path, log)
		if err != nil {
			return usageError{&config.ValidationError{Key: "feedback.path", Source: a.cfg.Source("feedback.path"), Err: err}}
		}
		defer store.Close()
		observers = append(observers, store)
		log.Info("feedback file open: votes and questions the text did not answer are appended to it", "path", path)
	}
	// hooks are told of each load and reload (metrics: see reloadHooks).
	hooks := reloadHooks{onLoaded: m.Loaded, onReloaded: m.Reloaded}
	core, books, err := a.core(ctx, log, hooks, observers...)
	if err != nil {
		return err
	}
	var b *bot.Bot
	if d.Token != "" {
		b, err = bot.New(core, bot.Options{
			Token:    d.Token,
			APIURL:   d.APIURL,
			GuildID:  d.GuildID,
			Shards:   d.Shards,
			ShardIDs: d.ShardIDs,
			Logger:   log,
			Events:   m,
		})
		if err != nil {
			return usageError{err}
		}
	}
	ml.setReady(gatewayReady(b))
	if ln != nil {
		door, err := bot.NewHTTP(core, bot.HTTPOptions{
			PublicKey:     d.PublicKey,
			ApplicationID: d.ApplicationID,
			APIURL:        d.APIURL,
			Logger:        log,
			Ready:         gatewayReady(b),
			Events:        m,
		})
		if err != nil {
			return usageError{err}
		}
		ln.use(door)
		if b == nil {
			log.Warn("no Discord bot token: running the HTTP interactions endpoint alone, without the gateway: slash commands are not registered (run lectern serve once with LECTERN_DISCORD_TOKEN set to register them; they stay registered), and mentions and direct messages are not answered")
		}
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	rl := a.startReloads(runCtx, core, books, log, hooks, reread, hup)
	defer rl.stop()
	mismatch := make(chan error, 1) // discord.application_id is not the token's
	var gateway chan error
	if b != nil {
		gateway = make(chan error, 1)
		go func() { gateway <- b.Run(runCtx) }()
		if d.ApplicationID != "" {
			go func() {
				if err := checkApplication(runCtx, b, a.cfg); err != nil {
					mismatch <- err
				}
			}()
		}
	}
	var served <-chan error
	if ln != nil {
		served = ln.served
	}
	var failed error
	select {
	case <-ctx.Done():
	case err := <-gateway:
		gateway, failed = nil, gatewayError(err)
	case err := <-served:
		failed = fmt.Errorf("serve: HTTP listener: %w", err)
	case err := <-ml.failed():
		failed = err
	case err := <-mismatch:
		failed = err
	}
	stop()
	rl.stop()
	if ln != nil {
		ln.stop()
	}
	if gateway != nil {
		if err := gatewayError(<-gateway); failed == nil {
			failed = err
		}
	}
	return failed
}

// gatewayError classifies the error the gateway door ended with: Discord
// refusing the configuration is a usage error.
func gatewayError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, bot.ErrBadToken), errors.Is(err, bot.ErrDisallowedIntent),
		errors.Is(err, bot.ErrShardingRequired), errors.Is(err, bot.ErrInvalidShard),
		errors.Is(err, bot.ErrNotDiscordAPI):
		return usageError{err}
	}
	return fmt.Errorf("serve: %w", err)
}

// gatewayReady returns the HTTP endpoint's readiness check: with a
// gateway, ready once it is connected.
func gatewayReady(b *bot.Bot) func() error {
	if b == nil {
		return nil
	}
	return func() error {
		if !b.Connected() {
			return errors.New("not connected to Discord's gateway")
		}
		return nil
	}
}

// checkApplication waits until the gateway has connected and checks that
// discord.application_id names the bot token's application.
func checkApplication(ctx context.Context, b *bot.Bot, cfg *config.Config) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		id := b.ApplicationID()
		switch {
		case id == "":
			continue
		case id != cfg.Discord.ApplicationID:
			return usageError{&config.ValidationError{Key: "discord.application_id", Source: cfg.Source("discord.application_id"),
				Err: fmt.Errorf("%s is not the application of the bot token, %s: correct LECTERN_DISCORD_APPLICATION_ID, or leave it unset (with a token, lectern learns it from Discord)", cfg.Discord.ApplicationID, id)}}
		}
		return nil
	}
}

// Limits of the HTTP listener. Discord's requests are small and must be
// answered within three seconds; the reverse proxy in front keeps
// connections open.
const (
	httpReadHeaderTimeout = 5 * time.Second
	httpReadTimeout       = 10 * time.Second
	httpWriteTimeout      = 10 * time.Second
	httpIdleTimeout       = 2 * time.Minute
	httpMaxHeaderBytes    = 64 << 10
	// httpShutdownGrace is how long, at shutdown, requests in flight and
	// deferred answers still being delivered may take to finish.
	httpShutdownGrace = time.Second
)

// listener is serve's HTTP listener. It starts before the text is loaded,
// answering GET /healthz (alive) and 503 to everything else, and serves
// the HTTP door once there is one.
type listener struct {
	srv     *http.Server
	handler atomic.Pointer[http.Handler]
	door    atomic.Pointer[bot.HTTPDoor]
	served  chan error // Serve's error, when it ends
	stopped atomic.Bool
	log     *slog.Logger
}

// newHTTPServer returns an http.Server for h with the listener's limits,
// logging its errors to log: serve's HTTP listener and its metrics
// listener.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: httpReadHeaderTimeout,
		ReadTimeout:       httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// listen starts the HTTP listener on addr.
func listen(addr string, log *slog.Logger, metricsHandler http.Handler) (*listener, error) {
	nl, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: listen on %s (http.listen): %w", addr, err)
	}
	l := &listener{served: make(chan error, 1), log: log}
	l.set(bot.NotReady("loading the text"))
	l.srv = newHTTPServer(withMetrics(l, metricsHandler), log)
	go func() {
		if err := l.srv.Serve(nl); !errors.Is(err, http.ErrServerClosed) {
			l.served <- err
		}
	}()
	log.Info("HTTP listener started", "addr", nl.Addr().String(),
		"interactions", "POST "+bot.PathInteractions, "health", "GET "+bot.PathHealthz+", GET "+bot.PathReadyz)
	return l, nil
}

func (l *listener) set(h http.Handler) { l.handler.Store(&h) }

// use serves door from now on.
func (l *listener) use(door *bot.HTTPDoor) {
	l.door.Store(door)
	l.set(door)
	l.log.Info("HTTP interactions endpoint ready", "path", bot.PathInteractions)
}

// ServeHTTP passes a request to the handler of the moment.
func (l *listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*l.handler.Load()).ServeHTTP(w, r)
}

// stop stops the listener, giving requests in flight, and deferred answers
// being delivered, up to httpShutdownGrace to finish. Only the first call
// does anything.
func (l *listener) stop() {
	if l.stopped.Swap(true) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), httpShutdownGrace)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		l.log.Warn("HTTP requests still in flight at shutdown", "error", err)
		l.srv.Close()
	}
	if door := l.door.Load(); door != nil {
		_ = door.Shutdown(ctx) // it logs what it abandons
	}
	l.log.Info("HTTP listener stopped")
}

// core opens every book the bot answers from (see config.Books; the
// default book first) and builds the conversation core on them, with the
// routes of each and observers told of what it does. It returns the books
// opened too.
func (a *app) core(ctx context.Context, log *slog.Logger, hooks reloadHooks, observers ...bot.Observer) (*bot.Core, shelf, error) {
	books := orderBooks(a.cfg.Books())
	sh, _, err := a.openBooks(ctx, a.cfg, books, log)
	if err != nil {
		return nil, shelf{}, err
	}
	routes := bot.Routes{Channels: map[string]string{}, Guilds: map[string]string{}}
	for _, b := range books {
		for _, id := range b.Channels {
			routes.Channels[id] = b.Name
		}
		for _, id := range b.Guilds {
			routes.Guilds[id] = b.Name
		}
	}
	core, err := bot.NewCore(sh.books, bot.CoreOptions{
		Results:           a.cfg.Discord.Results,
		CooldownQuestions: a.cfg.Discord.CooldownQuestions,
		CooldownWindow:    a.cfg.Discord.CooldownWindow,
		Channels:          a.cfg.Discord.Channels,
		Forums:            a.cfg.Discord.Forums,
		Routes:            routes,
		Logger:            log,
		Observers:         observers,
	})
	if err != nil {
		return nil, shelf{}, usageError{err}
	}
	hooks.answering(sh)
	return core, sh, nil
}

// reloads are serve's reloader with what starts it: SIGHUP, and the
// corpus watch.
type reloads struct {
	r       *reloader
	watcher *watch.Watcher
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
}

// startReloads starts reloading core's books, opened as books, on each
// signal from hup and, with corpus.watch, when the corpus changes, until
// ctx is done or stop is called.
func (a *app) startReloads(ctx context.Context, core *bot.Core, books shelf, log *slog.Logger, hooks reloadHooks,
	reread func() (*config.Config, error), hup <-chan os.Signal) *reloads {
	ctx, cancel := context.WithCancel(ctx)
	rs := &reloads{r: newReloader(a, core, a.cfg, log, hooks), cancel: cancel}
	rs.r.reread = reread
	if a.cfg.Watch {
		rs.watcher = a.watchCorpora(rs.r, books, log)
	}
	rs.wg.Add(2)
	go func() {
		defer rs.wg.Done()
		rs.r.run(ctx)
	}()
	go func() {
		defer rs.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				rs.r.trigger("SIGHUP: reading the configuration and the text again", true)
			}
		}
	}()
	log.Info("SIGHUP reloads the text and the configuration (systemctl reload)", "corpus_watch", a.cfg.Watch)
	return rs
}

// stop stops watching and waits for a reload in progress to give up.
// Only the first call does anything.
func (rs *reloads) stop() {
	rs.once.Do(func() {
		rs.cancel()
		if rs.watcher != nil {
			rs.watcher.Close()
		}
		rs.wg.Wait()
	})
}

// watchTimings time corpus.watch: a burst of changes reloads once no
// change has come for Quiet, or Max after the first (zero values:
// watch.DefaultQuiet, 2 s, and watch.DefaultMax, 30 s). Tests shorten
// them.
var watchTimings watch.Options

// watchCorpora watches the books' corpora for r, or logs why it cannot.
func (a *app) watchCorpora(r *reloader, books shelf, log *slog.Logger) *watch.Watcher {
	if len(books.corpora) == 0 {
		log.Warn("corpus.watch: the bot answers from the embedded page, which does not change: nothing to watch")
		return nil
	}
	opts := watchTimings
	opts.Logger = log
	w, err := watch.New(func(why string) { r.trigger(why, false) }, opts)
	if err != nil {
		log.Error("corpus.watch: cannot watch the corpus; send SIGHUP to reload", "error", err)
		return nil
	}
	ignore := func(indexes []string) []string {
		if a.cfg.Feedback.Path != "" {
			if abs, err := filepath.Abs(a.cfg.Feedback.Path); err == nil {
				return append(indexes, abs)
			}
		}
		return indexes
	}
	_ = w.Set(books.corpora, ignore(books.indexes)) // it logs the folders it cannot watch
	r.watched = func(corpora, indexes []string) { _ = w.Set(corpora, ignore(indexes)) }
	log.Info("corpus.watch: watching the corpus; a change reloads it", "corpora", strings.Join(books.corpora, ", "))
	return w
}

// newLogger returns a structured logger writing to w.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	switch strings.ToLower(level) {
	case "debug":
		l = slog.LevelDebug
	case "warn", "warning":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: l}
	if strings.ToLower(format) == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
