package metrics_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	dto "github.com/prometheus/client_model/go"

	"lectern/bot"
	"lectern/bot/discordtest"
	"lectern/corpus"
	"lectern/metrics"
	"lectern/retrieval"
)

// TestGatewayEndToEnd runs the gateway door with Metrics attached, as
// lectern serve wires it, against the Discord-protocol test server: a
// question answered moves lectern_questions_total{door="gateway",
// outcome="answered"} from 0 to 1, and Discord's responses, the latency
// and the connection show.
func TestGatewayEndToEnd(t *testing.T) {
	m := metrics.New()
	srv := discordtest.NewServer(t, discordtest.Options{HeartbeatInterval: time.Second})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	core, err := bot.NewCore([]bot.Book{{Answerer: retrieval.NewEngine(corpus.Default(), retrieval.Options{})}},
		bot.CoreOptions{Logger: quiet, Observers: []bot.Observer{m}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(core, bot.Options{Token: srv.Token(), APIURL: srv.APIURL(), GuildID: discordtest.DefaultGuildID,
		Logger: quiet, RetryBackoff: 10 * time.Millisecond, Events: m})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	answered := map[string]string{"door": "gateway", "outcome": "answered"}
	registered := map[string]string{"kind": "commands", "status": "200"}
	// The server records a response as it sends it; the bot counts it
	// once read.
	eventually(t, ctx, m, func(f families) bool { v, _ := value(f, "lectern_discord_responses_total", registered); return v == 1 })
	before := scrape(t, m.Handler())
	if v, ok := value(before, "lectern_questions_total", answered); !ok || v != 0 {
		t.Errorf("before the question: lectern_questions_total%v = %v (present %v); want 0", answered, v, ok)
	}
	if v, _ := value(before, "lectern_gateway_connected", map[string]string{"shard": "0"}); v != 1 {
		t.Errorf("lectern_gateway_connected = %v; want 1", v)
	}

	q, err := srv.SendMessage(discordtest.UserMessage{MentionBot: true, Content: "Where was Stalin buried?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForMessage(ctx, func(m *discordgo.Message) bool {
		return m.MessageReference != nil && m.MessageReference.MessageID == q.ID
	}); err != nil {
		t.Fatal(err)
	}
	posted := map[string]string{"kind": "message", "status": "200"}
	after := eventually(t, ctx, m, func(f families) bool { v, _ := value(f, "lectern_discord_responses_total", posted); return v == 1 })
	for _, s := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"lectern_questions_total", answered, 1},
		{"lectern_answer_seconds", map[string]string{"door": "gateway"}, 1},
		{"lectern_discord_responses_total", registered, 1},
		{"lectern_gateway_reconnects_total", map[string]string{"shard": "0"}, 0},
	} {
		if v, ok := value(after, s.name, s.labels); !ok || v != s.want {
			t.Errorf("after the question: %s%v = %v (present %v); want %v", s.name, s.labels, v, ok, s.want)
		}
	}
	var kinds []string
	for _, s := range after["lectern_discord_responses_total"].GetMetric() {
		for _, l := range s.GetLabel() {
			if l.GetName() == "kind" {
				kinds = append(kinds, l.GetValue())
			}
		}
	}
	if got := strings.Join(kinds, " "); !strings.Contains(got, "gateway") {
		t.Errorf("responses counted for kinds %q; want GET /gateway/bot's too", got)
	}
}

type families = map[string]*dto.MetricFamily

// eventually scrapes m until cond holds, and returns that scrape.
func eventually(t *testing.T, ctx context.Context, m *metrics.Metrics, cond func(families) bool) families {
	t.Helper()
	for {
		f := scrape(t, m.Handler())
		if cond(f) {
			return f
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the metrics never showed what was waited for")
		case <-time.After(5 * time.Millisecond):
		}
	}
}
