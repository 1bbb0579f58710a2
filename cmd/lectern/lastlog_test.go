package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestServeLastErrorLogFormat: the error serve exits with is written in
// log.format, as every line before it; other commands write it plainly.
func TestServeLastErrorLogFormat(t *testing.T) {
	t.Setenv("LECTERN_DISCORD_TOKEN", "")
	t.Setenv("LECTERN_HTTP_LISTEN", "")

	t.Setenv("LECTERN_LOG_FORMAT", "json")
	code, _, stderr := lectern(t, "", "serve")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	var last struct {
		Level, Msg, Error string
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatalf("serve with log.format json: the last line is not JSON: %v\n%s", err, stderr)
	}
	if code != 2 || last.Level != "ERROR" || !strings.Contains(last.Error, "LECTERN_DISCORD_TOKEN") {
		t.Errorf("serve with log.format json: exit %d, last line %+v; want exit 2 and an error line naming LECTERN_DISCORD_TOKEN", code, last)
	}

	t.Setenv("LECTERN_LOG_FORMAT", "text")
	if code, _, stderr := lectern(t, "", "serve"); code != 2 || !strings.HasPrefix(stderr, "time=") || !strings.Contains(stderr, "level=ERROR") {
		t.Errorf("serve with log.format text: exit %d, %q; want exit 2 and a text log line", code, stderr)
	}

	t.Setenv("LECTERN_LOG_FORMAT", "json")
	if code, _, stderr := lectern(t, "", "ask", "--book", "nope"); code != 2 || !strings.HasPrefix(stderr, "lectern: ") {
		t.Errorf("ask: exit %d, %q; want exit 2 and a plain error", code, stderr)
	}
}
