package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary stand in for the program when run re-executes
// itself as a child ("-engine …").
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "-engine" {
		os.Exit(exitCode(mainErr(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
	}
	os.Exit(m.Run())
}

const folderText = `In 1962 his body was removed from the mausoleum on Red Square and buried in a simple plot beneath the Kremlin wall.
The Twentieth Party Congress heard Khrushchev's secret speech in February 1956.
Political prisoners were released from the camps and rehabilitated in large numbers.
The thaw brought a loosening of censorship in literature and the arts.
Stalin's name was removed from towns, factories and collective farms across the country.
`

func TestCompareFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two indexes in child processes")
	}
	dir := t.TempDir()
	for _, name := range []string{"a.txt", "b.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(folderText), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	saved := filepath.Join(t.TempDir(), "questions.jsonl")
	var stdout, stderr bytes.Buffer
	args := []string{"-corpus", dir, "-questions", "25", "-runs", "1", "-min-time", "20ms", "-save-questions", saved, "-json"}
	if err := mainErr(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("compare %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var rep report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("compare -json printed %q: %v", stdout.String(), err)
	}
	if len(rep.Engines) != 3 || rep.Engines[0].Engine != "lectern" || rep.Engines[1].Engine != "lectern-ranked" || rep.Engines[2].Engine != "bleve" {
		t.Fatalf("engines = %+v; want lectern, lectern-ranked, bleve", rep.Engines)
	}
	if rep.Docs != 10 || rep.Questions != 25 {
		t.Errorf("docs, questions = %d, %d; want 10, 25", rep.Docs, rep.Questions)
	}
	for _, e := range rep.Engines {
		if e.BuildSeconds <= 0 || e.PeakRSS <= 0 || e.QPS1 <= 0 || e.QPSN <= 0 || e.P50Micros <= 0 || e.EmptyAnswers != 0 {
			t.Errorf("%s: implausible result %+v", e.Engine, e)
		}
	}
	if rep.Ratios["ranked_qps_1"] <= 0 {
		t.Errorf("ratios = %v; want lectern-ranked's over bleve's", rep.Ratios)
	}
	if rep.Engines[2].IndexBytes <= 0 {
		t.Errorf("bleve index size = %d; want > 0", rep.Engines[1].IndexBytes)
	}
	// Each sentence is in both files: by text, the engines see the same
	// five sentences, and analyze these questions alike.
	if rep.AgreementByText == nil || rep.AgreementByText.MeanOverlap < 0.9 {
		t.Errorf("agreement by text = %+v; want a mean overlap of at least 0.9", rep.AgreementByText)
	}
	if b, err := os.ReadFile(saved); err != nil || bytes.Count(b, []byte("\n")) != 25 {
		t.Errorf("-save-questions wrote %q, %v; want 25 lines", b, err)
	}

	// The Markdown report of the same questions.
	stdout.Reset()
	args = []string{"-corpus", dir, "-questions-from", saved, "-runs", "1", "-min-time", "20ms"}
	if err := mainErr(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("compare %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	for _, want := range []string{"| index build time |", "| lectern | lectern-ranked | bleve | lectern/bleve |", "lectern-ranked/bleve: questions/s", "Top-10 overlap over 25 questions", "Machine: ", "Command: `"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout.String())
		}
	}
}

func TestBadUsage(t *testing.T) {
	tests := [][]string{
		{"-engines", "lucene"},
		{"-corpus", filepath.Join(t.TempDir(), "missing")},
		{"-data", t.TempDir()},
		{"-runs", "0"},
		{"stray"},
	}
	for _, args := range tests {
		var stderr bytes.Buffer
		err := mainErr(context.Background(), args, &bytes.Buffer{}, &stderr)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("compare %q = %v; want a usage error", args, err)
		}
		if code := exitCode(err, &stderr); code != 2 {
			t.Errorf("compare %q exits with %d; want 2", args, code)
		}
	}
}

func TestGroup(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {1234567, "1,234,567"}, {-12345, "-12,345"}}
	for _, tt := range tests {
		if got := group(tt.n); got != tt.want {
			t.Errorf("group(%d) = %q; want %q", tt.n, got, tt.want)
		}
	}
}
