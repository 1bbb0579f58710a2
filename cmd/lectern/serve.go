package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"lectern/bot"
	"lectern/config"
)

func (a *app) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the Discord bot",
		Long: `serve runs the Discord bot until interrupted (SIGINT or SIGTERM), when it
lets answers in flight finish (up to a second) and stops. It answers the
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
    commands: run serve once with a token for that.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd, nil); err != nil {
				return err
			}
			if err := a.checkServe(); err != nil {
				return err
			}
			return a.serve(cmd.Context(), newLogger(a.stderr, a.cfg.Log.Level, a.cfg.Log.Format))
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
// of them fails.
func (a *app) serve(ctx context.Context, log *slog.Logger) error {
	d := a.cfg.Discord
	var ln *listener
	if a.cfg.HTTP.Listen != "" {
		var err error
		if ln, err = listen(a.cfg.HTTP.Listen, log); err != nil {
			return err
		}
		defer ln.stop()
	}
	core, err := a.core(ctx, log)
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
		})
		if err != nil {
			return usageError{err}
		}
	}
	if ln != nil {
		door, err := bot.NewHTTP(core, bot.HTTPOptions{
			PublicKey:     d.PublicKey,
			ApplicationID: d.ApplicationID,
			APIURL:        d.APIURL,
			Logger:        log,
			Ready:         gatewayReady(b),
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
	case err := <-mismatch:
		failed = err
	}
	stop()
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
		errors.Is(err, bot.ErrShardingRequired), errors.Is(err, bot.ErrInvalidShard):
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

// listen starts the HTTP listener on addr.
func listen(addr string, log *slog.Logger) (*listener, error) {
	nl, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: listen on %s (http.listen): %w", addr, err)
	}
	l := &listener{served: make(chan error, 1), log: log}
	l.set(bot.NotReady("loading the text"))
	l.srv = &http.Server{
		Handler:           l,
		ReadHeaderTimeout: httpReadHeaderTimeout,
		ReadTimeout:       httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
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
// routes of each.
func (a *app) core(ctx context.Context, log *slog.Logger) (*bot.Core, error) {
	var books []bot.Book
	routes := bot.Routes{Channels: map[string]string{}, Guilds: map[string]string{}}
	for _, b := range orderBooks(a.cfg.Books()) {
		o, err := a.open(ctx, b, engineOptions(a.cfg), false)
		if err != nil {
			return nil, err
		}
		c := o.Engine.Corpus()
		log.Info("text loaded", "book", b.Name, "documents", len(c.Documents()), "sentences", c.Len(), "bytes", c.Size(), "from_index", o.FromIndex)
		books = append(books, bot.Book{Name: b.Name, Answerer: o.Engine})
		for _, id := range b.Channels {
			routes.Channels[id] = b.Name
		}
		for _, id := range b.Guilds {
			routes.Guilds[id] = b.Name
		}
	}
	core, err := bot.NewCore(books, bot.CoreOptions{
		Results:           a.cfg.Discord.Results,
		CooldownQuestions: a.cfg.Discord.CooldownQuestions,
		CooldownWindow:    a.cfg.Discord.CooldownWindow,
		Channels:          a.cfg.Discord.Channels,
		Forums:            a.cfg.Discord.Forums,
		Routes:            routes,
		Logger:            log,
	})
	if err != nil {
		return nil, usageError{err}
	}
	return core, nil
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
