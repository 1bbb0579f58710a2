package retrieval_test

import (
	"syscall"
	"testing"

	"lectern/corpus"
	"lectern/retrieval"
)

func cpuNow() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkCPURank(b *testing.B) {
	d := loadBench(b)
	text := func(i int) string { return d.docs[i] }
	ix := retrieval.BuildIndex(len(d.docs), text, retrieval.NewAnalyzer(retrieval.AnalyzerOptions{}), retrieval.DefaultBM25())
	s := retrieval.NewSearcher(ix, text, retrieval.SearchOptions{Coord: 1, Exact: retrieval.DefaultExact, Fuzzy: true, Depth: 100, Synonyms: retrieval.DefaultSynonyms})
	for _, q := range d.queries {
		s.Rank(s.Parse(q), 100)
	}
	b.ResetTimer()
	c0 := cpuNow()
	i := 0
	for b.Loop() {
		s.Rank(s.Parse(d.queries[i%len(d.queries)]), 100)
		i++
	}
	b.ReportMetric((cpuNow()-c0)/float64(i)/1e3, "cpu-µs")
}

func BenchmarkCPUPlain(b *testing.B) {
	d := loadBench(b)
	an := retrieval.NewAnalyzer(retrieval.AnalyzerOptions{})
	ix := retrieval.BuildIndex(len(d.docs), func(i int) string { return d.docs[i] }, an, retrieval.DefaultBM25())
	b.ResetTimer()
	c0 := cpuNow()
	i := 0
	for b.Loop() {
		ix.Search(query(an, d.queries[i%len(d.queries)]), 100)
		i++
	}
	b.ReportMetric((cpuNow()-c0)/float64(i)/1e3, "cpu-µs")
}

func BenchmarkCPURankSent(b *testing.B) {
	d := loadBench(b)
	var texts []string
	var doc []int
	for i, t := range d.docs {
		for _, sp := range corpus.SplitSentences(t) {
			texts = append(texts, t[sp.Start:sp.End])
			doc = append(doc, i)
		}
	}
	text := func(i int) string { return texts[i] }
	neighbours := func(u int) (int, int) {
		prev, next := -1, -1
		if u > 0 && doc[u-1] == doc[u] {
			prev = u - 1
		}
		if u+1 < len(doc) && doc[u+1] == doc[u] {
			next = u + 1
		}
		return prev, next
	}
	ix := retrieval.BuildIndex(len(texts), text, retrieval.NewAnalyzer(retrieval.AnalyzerOptions{}), retrieval.DefaultBM25())
	s := retrieval.NewSearcher(ix, text, retrieval.SearchOptions{Coord: 1, Exact: retrieval.DefaultExact, Fuzzy: true, Depth: 100,
		Synonyms: retrieval.DefaultSynonyms, Context: retrieval.DefaultContext, Neighbours: neighbours})
	for _, q := range d.queries {
		s.Rank(s.Parse(q), 100)
	}
	b.ResetTimer()
	c0 := cpuNow()
	i := 0
	for b.Loop() {
		s.Rank(s.Parse(d.queries[i%len(d.queries)]), 100)
		i++
	}
	b.ReportMetric((cpuNow()-c0)/float64(i)/1e3, "cpu-µs")
}
