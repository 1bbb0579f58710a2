package metrics

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"lectern/bot"
)

// TestLint: every lectern metric follows Prometheus's naming and help
// conventions (promlint), once each has series.
func TestLint(t *testing.T) {
	m := New()
	m.Asked(bot.Asked{Door: bot.DoorGateway, Outcome: bot.OutcomeAnswered, Latency: time.Millisecond})
	m.CooledDown(bot.DoorHTTP, "question")
	m.Voted(bot.Vote{Up: true})
	m.Loaded("", 1, 2, time.Second, false)
	m.Reloaded(errors.New("x"))
	m.Connected(0, true)
	m.Reconnected(0)
	m.Response("message", 200)
	m.RateLimited("global", true)
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range families {
		if strings.HasPrefix(f.GetName(), "lectern_") {
			names = append(names, f.GetName())
		}
	}
	if len(names) != 13 {
		t.Errorf("%d lectern metrics gathered: %q; want 13", len(names), names)
	}
	problems, err := testutil.GatherAndLint(m.reg, names...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}
