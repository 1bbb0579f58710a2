package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lectern/config"
	"lectern/metrics"
)

// TestWithMetrics: GET /metrics reaches the metrics, everything else the
// handler they are mounted on.
func TestWithMetrics(t *testing.T) {
	m := metrics.New()
	m.Reloaded(nil)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "door") })
	h := withMetrics(next, m.Handler())
	for _, tt := range []struct {
		method, path, want string
	}{
		{"GET", "/metrics", `lectern_reloads_total{result="ok"} 1`},
		{"GET", "/interactions", "door"},
		{"POST", "/interactions", "door"},
		{"GET", "/healthz", "door"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s %s = %d %.200q; want %q", tt.method, tt.path, rec.Code, rec.Body.String(), tt.want)
		}
	}
	if withMetrics(next, nil) == nil {
		t.Error("withMetrics(next, nil) = nil; want next")
	}
}

// TestServeMetrics: metrics.listen serves /metrics when there is no HTTP
// listener, until ctx ends; with http.listen, or without metrics.listen,
// nothing is started.
func TestServeMetrics(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := metrics.New()
	for _, cfg := range []*config.Config{
		{},
		{HTTP: config.HTTP{Listen: "127.0.0.1:0"}, Metrics: config.Metrics{Listen: "127.0.0.1:0"}},
	} {
		if l, err := serveMetrics(context.Background(), cfg, m, log); l != nil || err != nil {
			t.Errorf("serveMetrics(%+v) = %v, %v; want nothing started", cfg, l, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, err := serveMetrics(ctx, &config.Config{Metrics: config.Metrics{Listen: "127.0.0.1:0"}}, m, log)
	if err != nil || l == nil {
		t.Fatalf("serveMetrics = %v, %v; want a listener", l, err)
	}
	defer l.stop()
	resp, err := http.Get("http://" + l.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "lectern_questions_total") {
		t.Errorf("GET /metrics = %d %.200q; want the metrics", resp.StatusCode, body)
	}
	if resp, err := http.Get("http://" + l.addr + "/other"); err != nil || resp.StatusCode != 404 {
		t.Errorf("GET /other = %v, %v; want 404", resp, err)
	} else {
		resp.Body.Close()
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + l.addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	// Health: alive at once; ready only once serve says so, and only
	// while its check passes.
	if code, body := get("/healthz"); code != 200 {
		t.Errorf("GET /healthz = %d %q; want 200", code, body)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "loading") {
		t.Errorf("GET /readyz before the text loaded = %d %q; want 503 loading", code, body)
	}
	var down atomic.Bool
	down.Store(true)
	l.setReady(func() error {
		if down.Load() {
			return errors.New("not connected to Discord's gateway")
		}
		return nil
	})
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "gateway") {
		t.Errorf("GET /readyz while disconnected = %d %q; want 503 naming the gateway", code, body)
	}
	down.Store(false)
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("GET /readyz when ready = %d %q; want 200", code, body)
	}
	var out strings.Builder
	if err := check(ctx, &out, "http://"+l.addr+"/readyz", time.Second); err != nil {
		t.Errorf("healthcheck against the metrics listener: %v", err)
	}
	if _, err := serveMetrics(ctx, &config.Config{Metrics: config.Metrics{Listen: l.addr}}, m, log); err == nil || !strings.Contains(err.Error(), "metrics.listen") {
		t.Errorf("serveMetrics on a busy address = %v; want an error naming metrics.listen", err)
	}
	cancel()
	l.stop() // waits; a second stop does nothing
	if _, err := http.Get("http://" + l.addr + "/metrics"); err == nil {
		t.Error("the listener still serves after ctx ended")
	}
	select {
	case err := <-l.failed():
		t.Errorf("failed() = %v after a clean stop", err)
	default:
	}
}
