package retrieval_test

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"lectern/retrieval"
)

// BenchmarkAnswerSaved answers questions as the bot does (Engine.Answer,
// top 3) from a saved engine file: the one named by LECTERN_BENCH_ENGINE,
// with the questions of LECTERN_BENCH_QUESTIONS (one JSON string or one
// question a line), as bench's compare -keep leaves them for a big corpus.
// It skips without them. ns/op is per question; p50 and p99 are the
// latencies of single answers in µs.
func BenchmarkAnswerSaved(b *testing.B) {
	path, qpath := os.Getenv("LECTERN_BENCH_ENGINE"), os.Getenv("LECTERN_BENCH_QUESTIONS")
	if path == "" || qpath == "" {
		b.Skip("LECTERN_BENCH_ENGINE and LECTERN_BENCH_QUESTIONS not set")
	}
	e, _, err := retrieval.LoadEngine(path, retrieval.Options{})
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(qpath)
	if err != nil {
		b.Fatal(err)
	}
	var questions []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		q := sc.Text()
		var s string
		if json.Unmarshal([]byte(q), &s) == nil {
			q = s
		}
		if q != "" {
			questions = append(questions, q)
		}
	}
	f.Close()
	if len(questions) == 0 {
		b.Fatal("no questions")
	}
	// One pass first, so that the pages the questions touch are loaded.
	for _, q := range questions {
		if _, err := e.Answer(q, retrieval.Request{Top: 3}); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		t := time.Now()
		if _, err := e.Answer(questions[i%len(questions)], retrieval.Request{Top: 3}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
		i++
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*50/100])/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100])/1e3, "p99-µs")
}
