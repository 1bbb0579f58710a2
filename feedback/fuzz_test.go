package feedback_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"lectern/feedback"
)

// FuzzParseLine: no input panics, and an entry ParseLine accepts comes
// back the same from its own JSON.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		`{"time":"2025-03-01T10:00:00Z","type":"vote","vote":"down","question":"Where?","book":"b","citation":{"document":"a.txt","title":"A","source":"","page":"3","section":""},"text":"T.","sentence":3,"user":"0123456789abcdef","server":"fedcba9876543210","door":"gateway"}`,
		`{"time":"2025-03-01T10:00:00+02:00","type":"not_found","question":"q","via":"dm"}`,
		`{"time":"2025-03-01T10:00:00Z","type":"vote","vote":"up"}`,
		`{}`, `null`, `[]`, `{"time":"x"}`, `{"time":"2025-03-01T10:00:00Z","type":"vote","vote":"up","sentence":-1}`,
		"{\"time\":\"2025-03-01T10:00:00Z\",\"type\":\"not_found\",\"question\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := feedback.ParseLine(line)
		if err != nil {
			return
		}
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("Marshal(%+v) = %v", e, err)
		}
		again, err := feedback.ParseLine(out)
		if err != nil {
			t.Fatalf("ParseLine(%s), of an entry it accepted, = %v", out, err)
		}
		if !again.Time.Equal(e.Time) {
			t.Errorf("time %v came back %v", e.Time, again.Time)
		}
		again.Time = e.Time
		if !reflect.DeepEqual(again, e) {
			t.Errorf("entry %+v came back %+v", e, again)
		}
	})
}

// FuzzSummarize: no input panics, and every line that is not blank is
// counted once, as an entry or as malformed.
func FuzzSummarize(f *testing.F) {
	f.Add("{\"time\":\"2025-03-01T10:00:00Z\",\"type\":\"not_found\",\"question\":\"q\"}\nbad\n\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := feedback.Summarize(strings.NewReader(in), 2)
		if err != nil {
			t.Fatal(err)
		}
		lines := 0
		for _, l := range strings.Split(in, "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		if s.Entries+s.Malformed != lines {
			t.Errorf("Entries %d + Malformed %d != %d lines", s.Entries, s.Malformed, lines)
		}
		if len(s.VotedDown) > 2 || len(s.NotFound) > 2 {
			t.Errorf("more than the top 2: %d, %d", len(s.VotedDown), len(s.NotFound))
		}
	})
}
