package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"lectern/bot"
	"lectern/config"
	"lectern/metrics"
)

// metricsPath is where lectern serve's Prometheus metrics are served: on
// the HTTP listener (http.listen) when there is one, otherwise on
// metrics.listen.
const metricsPath = "/metrics"

// withMetrics returns a handler that serves GET (and HEAD) /metrics with
// metricsHandler and every other request with next. A nil metricsHandler
// returns next.
func withMetrics(next, metricsHandler http.Handler) http.Handler {
	if metricsHandler == nil {
		return next
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+metricsPath, metricsHandler)
	mux.Handle("/", next)
	return mux
}

// metricsListener serves GET /metrics on metrics.listen, for a serve
// without an HTTP listener, with GET /healthz (alive) and GET /readyz
// (the text is loaded and the gateway connected) for health checks.
type metricsListener struct {
	srv      *http.Server
	addr     string
	served   chan error // Serve's error, when it fails
	stopOnce sync.Once
	log      *slog.Logger
	// ready, once set, says whether serve is ready; until then /readyz
	// answers that the text is loading.
	ready atomic.Pointer[func() error]
}

// metricsShutdownGrace is how long a scrape in flight may take to finish
// when the metrics listener stops.
const metricsShutdownGrace = time.Second

// serveMetrics starts serving m's metrics on metrics.listen when the
// configuration has no HTTP listener (http.listen), and stops when ctx is
// done or stop is called. It returns nil and no error when it has nothing
// to start: without metrics.listen, or with http.listen, whose listener
// serves /metrics itself (see withMetrics); metrics.listen is then
// ignored, with a warning.
func serveMetrics(ctx context.Context, cfg *config.Config, m *metrics.Metrics, log *slog.Logger) (*metricsListener, error) {
	addr := cfg.Metrics.Listen
	switch {
	case addr == "":
		return nil, nil
	case cfg.HTTP.Listen != "":
		log.Warn("metrics.listen is not used: /metrics is served on the HTTP listener (http.listen)",
			"metrics_listen", addr, "http_listen", cfg.HTTP.Listen)
		return nil, nil
	}
	nl, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: listen on %s (metrics.listen): %w", addr, err)
	}
	l := &metricsListener{addr: nl.Addr().String(), served: make(chan error, 1), log: log}
	l.srv = newHTTPServer(withMetrics(l.health(), m.Handler()), log)
	go func() {
		if err := l.srv.Serve(nl); !errors.Is(err, http.ErrServerClosed) {
			l.served <- fmt.Errorf("serve: metrics listener: %w", err)
		}
	}()
	go func() {
		<-ctx.Done()
		l.stop()
	}()
	log.Info("metrics listener started", "addr", l.addr, "metrics", "GET "+metricsPath,
		"health", "GET "+bot.PathHealthz+", GET "+bot.PathReadyz)
	return l, nil
}

// health serves GET /healthz (200 while the process runs) and GET /readyz
// (200 once setReady's check passes), 404 to anything else.
func (l *metricsListener) health() http.Handler {
	return bot.Health(func() error {
		if f := l.ready.Load(); f != nil {
			return (*f)()
		}
		return errors.New("loading the text")
	})
}

// setReady tells the listener that the text is loaded and how to check
// the rest (nil: ready). A nil listener does nothing.
func (l *metricsListener) setReady(check func() error) {
	if l == nil {
		return
	}
	if check == nil {
		check = func() error { return nil }
	}
	l.ready.Store(&check)
}

// failed returns a channel that receives the listener's error if serving
// fails; nil (never ready) for a nil listener.
func (l *metricsListener) failed() <-chan error {
	if l == nil {
		return nil
	}
	return l.served
}

// stop stops the listener, letting a scrape in flight finish for up to
// metricsShutdownGrace, and returns once it is stopped. Only the first
// call stops it; a nil listener does nothing.
func (l *metricsListener) stop() {
	if l == nil {
		return
	}
	l.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), metricsShutdownGrace)
		defer cancel()
		if err := l.srv.Shutdown(ctx); err != nil {
			l.srv.Close()
		}
		l.log.Info("metrics listener stopped")
	})
}
