package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lectern/corpus"
	"lectern/retrieval"
)

const folderText = `In 1962 his body was removed from the mausoleum on Red Square and buried in a simple plot beneath the Kremlin wall.
The Twentieth Party Congress heard Khrushchev's secret speech in February 1956.
Political prisoners were released from the camps and rehabilitated in large numbers.
The thaw brought a loosening of censorship in literature and the arts.
Stalin's name was removed from towns, factories and collective farms across the country.
`

// savedIndex builds and saves an index of a small folder corpus, as
// lectern index does, and returns the file's path.
func savedIndex(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte(folderText), 0o644); err != nil {
		t.Fatal(err)
	}
	stamps, err := corpus.Stamps(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := corpus.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "small.idx")
	saved := retrieval.Saved{Corpus: dir, Files: stamps}
	saved.Limits[0], saved.Limits[1] = corpus.LoadOptions{}.Limits()
	if _, err := retrieval.SaveEngine(path, retrieval.NewEngine(c, retrieval.Options{}), saved); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRounds(t *testing.T) {
	path := savedIndex(t)
	tests := []struct {
		name   string
		args   []string
		rounds int
	}{
		{name: "table", args: []string{"-index", path, "-questions", "20", "-rounds", "3"}, rounds: 3},
		{name: "json", args: []string{"-index", path, "-questions", "20", "-rounds", "2", "-json"}, rounds: 2},
		{name: "one worker", args: []string{"-index", path, "-questions", "5", "-rounds", "1", "-workers", "1", "-json"}, rounds: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(tc.args, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			var rows []round
			if strings.Contains(strings.Join(tc.args, " "), "-json") {
				dec := json.NewDecoder(&out)
				for dec.More() {
					var r round
					if err := dec.Decode(&r); err != nil {
						t.Fatal(err)
					}
					rows = append(rows, r)
				}
			} else {
				for line := range strings.Lines(out.String()) {
					if f := strings.Split(line, "|"); len(f) > 2 && strings.TrimSpace(f[1]) != "round" && !strings.HasPrefix(strings.TrimSpace(f[1]), "-") {
						rows = append(rows, round{Round: strings.TrimSpace(f[1])})
					}
				}
				if !strings.Contains(out.String(), "from round 1 to round 3") {
					t.Errorf("no summary of the growth:\n%s", out.String())
				}
			}
			if len(rows) != tc.rounds+2 {
				t.Fatalf("%d rows; want loaded, questions made and %d rounds:\n%s", len(rows), tc.rounds, out.String())
			}
			if rows[0].Round != "loaded" || rows[1].Round != "questions made" || rows[len(rows)-1].Round != itoa(tc.rounds) {
				t.Errorf("rows %q, %q … %q; want loaded, questions made … %d", rows[0].Round, rows[1].Round, rows[len(rows)-1].Round, tc.rounds)
			}
			if tc.name != "table" {
				for _, r := range rows[2:] {
					if r.QPS <= 0 || r.HeapLive == 0 || r.Goroutines == 0 {
						t.Errorf("round %s measured nothing: %+v", r.Round, r)
					}
				}
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestBadCommandLines(t *testing.T) {
	path := savedIndex(t)
	tests := []struct {
		name  string
		args  []string
		usage bool
	}{
		{name: "no index", args: nil, usage: true},
		{name: "no rounds", args: []string{"-index", path, "-rounds", "0"}, usage: true},
		{name: "negative workers", args: []string{"-index", path, "-workers", "-1"}, usage: true},
		{name: "no questions", args: []string{"-index", path, "-questions", "0"}, usage: true},
		{name: "stray argument", args: []string{"-index", path, "extra"}, usage: true},
		{name: "unknown flag", args: []string{"-frobnicate"}, usage: true},
		{name: "missing file", args: []string{"-index", filepath.Join(t.TempDir(), "none.idx")}},
		{name: "not an index", args: []string{"-index", writeFile(t, "not an index")}},
		{name: "missing questions file", args: []string{"-index", path, "-questions-from", filepath.Join(t.TempDir(), "none.jsonl")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := run(tc.args, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.As(err, new(usageError)); got != tc.usage {
				t.Errorf("usage error = %v; want %v (%v)", got, tc.usage, err)
			}
		})
	}
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
