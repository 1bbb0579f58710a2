package metrics_test

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"lectern/bot"
	"lectern/metrics"
)

// scrape gets m's metrics through its handler and parses them.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("GET /metrics Content-Type %q; want the text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// value returns the value of the series of family name with labels (a
// histogram's sample count), and whether it exists.
func value(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		if len(have) != len(labels) {
			continue
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// Names are the metrics lectern serves, with their types.
var names = map[string]dto.MetricType{
	"lectern_questions_total":           dto.MetricType_COUNTER,
	"lectern_answer_seconds":            dto.MetricType_HISTOGRAM,
	"lectern_cooldowns_total":           dto.MetricType_COUNTER,
	"lectern_feedback_total":            dto.MetricType_COUNTER,
	"lectern_corpus_documents":          dto.MetricType_GAUGE,
	"lectern_corpus_sentences":          dto.MetricType_GAUGE,
	"lectern_index_load_seconds":        dto.MetricType_GAUGE,
	"lectern_index_from_file":           dto.MetricType_GAUGE,
	"lectern_reloads_total":             dto.MetricType_COUNTER,
	"lectern_gateway_connected":         dto.MetricType_GAUGE,
	"lectern_gateway_reconnects_total":  dto.MetricType_COUNTER,
	"lectern_discord_responses_total":   dto.MetricType_COUNTER,
	"lectern_discord_rate_limits_total": dto.MetricType_COUNTER,
	"go_goroutines":                     dto.MetricType_GAUGE,
	"process_start_time_seconds":        dto.MetricType_GAUGE,
}

// TestScrape: once each method has been called, a scrape shows every
// metric, with its type and help, and each count where it should be.
func TestScrape(t *testing.T) {
	m := metrics.New()
	before := scrape(t, m.Handler())
	for _, s := range []struct {
		name   string
		labels map[string]string
	}{
		{"lectern_questions_total", map[string]string{"door": "gateway", "outcome": "answered"}},
		{"lectern_questions_total", map[string]string{"door": "http", "outcome": "failed"}},
		{"lectern_feedback_total", map[string]string{"vote": "down"}},
		{"lectern_reloads_total", map[string]string{"result": "failed"}},
	} {
		if v, ok := value(before, s.name, s.labels); !ok || v != 0 {
			t.Errorf("before anything: %s%v = %v (present %v); want 0", s.name, s.labels, v, ok)
		}
	}

	m.Asked(bot.Asked{Door: bot.DoorGateway, Outcome: bot.OutcomeAnswered, Latency: 3 * time.Millisecond})
	m.Asked(bot.Asked{Door: bot.DoorGateway, Outcome: bot.OutcomeAnswered, Latency: 700 * time.Microsecond})
	m.Asked(bot.Asked{Door: bot.DoorHTTP, Outcome: bot.OutcomeNotFound, Latency: time.Millisecond})
	m.Asked(bot.Asked{Door: bot.DoorHTTP, Outcome: bot.OutcomeRefused})
	m.CooledDown(bot.DoorGateway, "button click")
	m.Voted(bot.Vote{Up: true})
	m.Voted(bot.Vote{Up: false})
	m.Voted(bot.Vote{Up: false})
	m.Loaded("history", 3, 120, 250*time.Millisecond, true)
	m.Loaded("poetry", 1, 40, time.Second, false)
	m.Unloaded("poetry")
	m.Reloaded(nil)
	m.Reloaded(errors.New("bad corpus"))
	m.Connected(0, false)
	m.Connected(0, true)
	m.Connected(1, false)
	m.Reconnected(0)
	m.Response("message", 200)
	m.Response("message", 429)
	m.Response("webhook", 503)
	m.Response("gateway", 0)
	m.RateLimited("user", false)
	m.RateLimited("made up", true)

	got := scrape(t, m.Handler())
	for name, typ := range names {
		f := got[name]
		switch {
		case f == nil:
			t.Errorf("%s is not served", name)
		case f.GetType() != typ:
			t.Errorf("%s is a %v; want a %v", name, f.GetType(), typ)
		case f.GetHelp() == "":
			t.Errorf("%s has no HELP", name)
		}
	}
	for _, s := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"lectern_questions_total", map[string]string{"door": "gateway", "outcome": "answered"}, 2},
		{"lectern_questions_total", map[string]string{"door": "http", "outcome": "not_found"}, 1},
		{"lectern_questions_total", map[string]string{"door": "http", "outcome": "refused"}, 1},
		{"lectern_questions_total", map[string]string{"door": "http", "outcome": "failed"}, 0},
		{"lectern_answer_seconds", map[string]string{"door": "gateway"}, 2},
		{"lectern_answer_seconds", map[string]string{"door": "http"}, 1}, // not the refused one
		{"lectern_cooldowns_total", map[string]string{"door": "gateway", "what": "button_click"}, 1},
		{"lectern_feedback_total", map[string]string{"vote": "up"}, 1},
		{"lectern_feedback_total", map[string]string{"vote": "down"}, 2},
		{"lectern_corpus_documents", map[string]string{"book": "history"}, 3},
		{"lectern_corpus_sentences", map[string]string{"book": "history"}, 120},
		{"lectern_index_load_seconds", map[string]string{"book": "history"}, 0.25},
		{"lectern_index_from_file", map[string]string{"book": "history"}, 1},
		{"lectern_reloads_total", map[string]string{"result": "ok"}, 1},
		{"lectern_reloads_total", map[string]string{"result": "failed"}, 1},
		{"lectern_gateway_connected", map[string]string{"shard": "0"}, 1},
		{"lectern_gateway_connected", map[string]string{"shard": "1"}, 0},
		{"lectern_gateway_reconnects_total", map[string]string{"shard": "0"}, 1},
		{"lectern_gateway_reconnects_total", map[string]string{"shard": "1"}, 0},
		{"lectern_discord_responses_total", map[string]string{"kind": "message", "status": "200"}, 1},
		{"lectern_discord_responses_total", map[string]string{"kind": "message", "status": "429"}, 1},
		{"lectern_discord_responses_total", map[string]string{"kind": "webhook", "status": "503"}, 1},
		{"lectern_discord_responses_total", map[string]string{"kind": "gateway", "status": "error"}, 1},
		{"lectern_discord_rate_limits_total", map[string]string{"scope": "user", "global": "false"}, 1},
		{"lectern_discord_rate_limits_total", map[string]string{"scope": "unknown", "global": "true"}, 1},
	} {
		if v, ok := value(got, s.name, s.labels); !ok || v != s.want {
			t.Errorf("%s%v = %v (present %v); want %v", s.name, s.labels, v, ok, s.want)
		}
	}
	if _, ok := value(got, "lectern_corpus_sentences", map[string]string{"book": "poetry"}); ok {
		t.Error("an unloaded book's sentences are still served")
	}
}

// TestHistogramBuckets: latencies land in millisecond buckets.
func TestHistogramBuckets(t *testing.T) {
	m := metrics.New()
	m.Asked(bot.Asked{Door: bot.DoorGateway, Outcome: bot.OutcomeAnswered, Latency: 700 * time.Microsecond})
	m.Asked(bot.Asked{Door: bot.DoorGateway, Outcome: bot.OutcomeAnswered, Latency: 30 * time.Millisecond})
	f := scrape(t, m.Handler())["lectern_answer_seconds"]
	if f == nil || len(f.GetMetric()) != 1 {
		t.Fatalf("lectern_answer_seconds = %v; want one series", f)
	}
	h := f.GetMetric()[0].GetHistogram()
	cum := map[float64]uint64{}
	for _, b := range h.GetBucket() {
		cum[b.GetUpperBound()] = b.GetCumulativeCount()
	}
	for bound, want := range map[float64]uint64{0.0005: 0, 0.001: 1, 0.025: 1, 0.05: 2, 2.5: 2} {
		if cum[bound] != want {
			t.Errorf("bucket le=%v holds %d; want %d", bound, cum[bound], want)
		}
	}
	if s := h.GetSampleSum(); math.Abs(s-0.0307) > 1e-9 {
		t.Errorf("sum %v; want 0.0307", s)
	}
}

// TestRegistriesApart: two Metrics count apart (no global registry).
func TestRegistriesApart(t *testing.T) {
	a, b := metrics.New(), metrics.New()
	a.Reloaded(nil)
	if v, _ := value(scrape(t, b.Handler()), "lectern_reloads_total", map[string]string{"result": "ok"}); v != 0 {
		t.Errorf("a reload counted in another Metrics: %v", v)
	}
}
