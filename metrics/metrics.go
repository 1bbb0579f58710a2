// Package metrics counts what lectern serve does, for Prometheus: the
// questions asked and how they ended, answer latencies, cooldowns, votes,
// the books loaded and reloaded, the gateway connection and Discord's
// responses. It is the only package that imports the Prometheus client;
// it learns what happens through bot's Observer and DiscordObserver
// interfaces and through calls from the wiring in cmd, and serves the
// text exposition format with Handler.
package metrics

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"lectern/bot"
)

// Metrics holds lectern's metrics in a registry of its own (with the Go
// runtime's and the process's): two Metrics never share a series. It
// implements bot.Observer and bot.DiscordObserver; all its methods are
// safe for concurrent use and cheap enough for the request path.
type Metrics struct {
	reg *prometheus.Registry

	questions  *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	cooldowns  *prometheus.CounterVec
	feedback   *prometheus.CounterVec
	documents  *prometheus.GaugeVec
	sentences  *prometheus.GaugeVec
	loadTime   *prometheus.GaugeVec
	fromIndex  *prometheus.GaugeVec
	reloads    *prometheus.CounterVec
	connected  *prometheus.GaugeVec
	reconnects *prometheus.CounterVec
	responses  *prometheus.CounterVec
	rateLimits *prometheus.CounterVec
}

var (
	_ bot.Observer        = (*Metrics)(nil)
	_ bot.DiscordObserver = (*Metrics)(nil)
)

// LatencyBuckets are the upper bounds, in seconds, of the answer latency
// histogram: answers take milliseconds, so they start at half of one.
var LatencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

// New returns lectern's metrics, registered in a new registry with the
// Go runtime and process collectors. Series whose label values are known
// in advance (each door's outcomes, votes, reload results) start at 0, so
// that rates exist before the first event.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
		reg.MustRegister(c)
		return c
	}
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
		reg.MustRegister(g)
		return g
	}
	m := &Metrics{
		reg: reg,
		questions: counter("lectern_questions_total",
			"Questions asked, by door (gateway, http, terminal) and outcome (answered, not_found, refused, failed).", "door", "outcome"),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "lectern_answer_seconds",
			Help:    "Time the core took to answer a question the text was searched for (answered or not found), delivery not included, by door.",
			Buckets: LatencyBuckets,
		}, []string{"door"}),
		cooldowns: counter("lectern_cooldowns_total",
			"Requests refused by a cooldown, by door and what was cooled down (question, button_click).", "door", "what"),
		feedback: counter("lectern_feedback_total",
			"Votes on answers, by vote (up, down); a user's repeated vote on the same answer counts once.", "vote"),
		documents: gauge("lectern_corpus_documents",
			"Documents in each book's corpus, as last loaded.", "book"),
		sentences: gauge("lectern_corpus_sentences",
			"Sentences in each book's corpus, as last loaded.", "book"),
		loadTime: gauge("lectern_index_load_seconds",
			"Time the last load of each book took: reading its saved index, or loading and indexing its corpus.", "book"),
		fromIndex: gauge("lectern_index_from_file",
			"1 if each book was last loaded from its saved index file, 0 if it was indexed from its corpus.", "book"),
		reloads: counter("lectern_reloads_total",
			"Reloads of the configuration and books, by result (ok, failed).", "result"),
		connected: gauge("lectern_gateway_connected",
			"1 while a shard's gateway connection is up (READY or RESUMED received), 0 otherwise.", "shard"),
		reconnects: counter("lectern_gateway_reconnects_total",
			"Times a shard's gateway connection came up again after an earlier one.", "shard"),
		responses: counter("lectern_discord_responses_total",
			"Responses from Discord's REST API, retries included, by kind of request (message, dm, interaction, webhook, commands, gateway, other) and HTTP status (\"error\" when none came).", "kind", "status"),
		rateLimits: counter("lectern_discord_rate_limits_total",
			"429 responses from Discord, by X-RateLimit-Scope (user, global, shared, unknown) and whether the limit is the bot's global one.", "scope", "global"),
	}
	reg.MustRegister(m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, door := range []string{bot.DoorGateway, bot.DoorHTTP} {
		for _, o := range []string{bot.OutcomeAnswered, bot.OutcomeNotFound, bot.OutcomeRefused, bot.OutcomeFailed} {
			m.questions.WithLabelValues(door, o)
		}
	}
	m.feedback.WithLabelValues("up")
	m.feedback.WithLabelValues("down")
	m.reloads.WithLabelValues("ok")
	m.reloads.WithLabelValues("failed")
	return m
}

// Handler serves the metrics in Prometheus's exposition formats (text,
// or another the scraper asks for), whatever the request's path: mount it
// at /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError})
}

// Asked counts a question by door and outcome, and observes its latency
// if the text was searched for it (answered or not found).
func (m *Metrics) Asked(a bot.Asked) {
	door := label(a.Door)
	m.questions.WithLabelValues(door, label(a.Outcome)).Inc()
	if a.Outcome == bot.OutcomeAnswered || a.Outcome == bot.OutcomeNotFound {
		m.latency.WithLabelValues(door).Observe(a.Latency.Seconds())
	}
}

// CooledDown counts a request refused by a cooldown; what's spaces become
// underscores ("button click" is "button_click").
func (m *Metrics) CooledDown(door, what string) {
	m.cooldowns.WithLabelValues(label(door), label(strings.ReplaceAll(what, " ", "_"))).Inc()
}

// Voted counts a vote, up or down.
func (m *Metrics) Voted(v bot.Vote) {
	vote := "down"
	if v.Up {
		vote = "up"
	}
	m.feedback.WithLabelValues(vote).Inc()
}

// Loaded records a book just opened: its documents and sentences, how
// long opening it took, and whether it came from its saved index file.
// Call it after each book opens, at start and at each reload; book is ""
// when there is one book without a name.
func (m *Metrics) Loaded(book string, documents, sentences int, took time.Duration, fromIndex bool) {
	m.documents.WithLabelValues(book).Set(float64(documents))
	m.sentences.WithLabelValues(book).Set(float64(sentences))
	m.loadTime.WithLabelValues(book).Set(took.Seconds())
	f := 0.0
	if fromIndex {
		f = 1
	}
	m.fromIndex.WithLabelValues(book).Set(f)
}

// Unloaded removes a book's series, for a reload after which the bot no
// longer answers from it.
func (m *Metrics) Unloaded(book string) {
	for _, g := range []*prometheus.GaugeVec{m.documents, m.sentences, m.loadTime, m.fromIndex} {
		g.DeleteLabelValues(book)
	}
}

// Reloaded counts a reload: ok when err is nil, failed otherwise.
func (m *Metrics) Reloaded(err error) {
	result := "ok"
	if err != nil {
		result = "failed"
	}
	m.reloads.WithLabelValues(result).Inc()
}

// Connected sets whether a shard's gateway connection is up.
func (m *Metrics) Connected(shard int, up bool) {
	s := strconv.Itoa(shard)
	v := 0.0
	if up {
		v = 1
	}
	m.connected.WithLabelValues(s).Set(v)
	m.reconnects.WithLabelValues(s) // the series exists from the start
}

// Reconnected counts a shard's connection coming up again.
func (m *Metrics) Reconnected(shard int) {
	m.reconnects.WithLabelValues(strconv.Itoa(shard)).Inc()
}

// Response counts a response from Discord by kind of request and status
// (0: none came, counted as "error").
func (m *Metrics) Response(kind string, status int) {
	s := "error"
	if status > 0 {
		s = strconv.Itoa(status)
	}
	m.responses.WithLabelValues(label(kind), s).Inc()
}

// RateLimited counts a 429 by scope and whether it is global. Scopes
// other than Discord's three count as "unknown", so that a server cannot
// make up series.
func (m *Metrics) RateLimited(scope string, global bool) {
	switch scope {
	case "user", "global", "shared":
	default:
		scope = "unknown"
	}
	m.rateLimits.WithLabelValues(scope, strconv.FormatBool(global)).Inc()
}

// label returns v, or "unknown" for "".
func label(v string) string {
	if v == "" {
		return "unknown"
	}
	return v
}
