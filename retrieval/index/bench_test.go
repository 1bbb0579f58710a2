package index_test

import (
	"testing"

	"lectern/corpus"
	"lectern/internal/testcorpus"
	"lectern/retrieval/index"
)

func BenchmarkAnalyze(b *testing.B) {
	c := corpus.Default()
	an := index.NewAnalyzer(index.AnalyzerOptions{Irregular: true})
	var toks []index.Token
	bytes := 0
	for i := 0; i < c.Len(); i++ {
		bytes += len(c.Text(i))
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < c.Len(); i++ {
			toks = an.AppendTokens(toks[:0], c.Text(i))
		}
	}
}

func BenchmarkBuildIndexSciFact(b *testing.B) {
	d := testcorpus.SciFactOrSkip(b)
	an := index.NewAnalyzer(index.AnalyzerOptions{StopWords: index.LuceneStopWords})
	bytes := 0
	for _, t := range d.Docs {
		bytes += len(t)
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	for b.Loop() {
		index.Build(len(d.Docs), func(i int) string { return d.Docs[i] }, an, index.BM25{K1: 1.2, B: 0.75})
	}
}

func sciFactIndex(b *testing.B) (*index.Index, [][]index.QueryTerm) {
	d := testcorpus.SciFactOrSkip(b)
	an := index.NewAnalyzer(index.AnalyzerOptions{StopWords: index.LuceneStopWords})
	ix := index.Build(len(d.Docs), func(i int) string { return d.Docs[i] }, an, index.BM25{K1: 1.2, B: 0.75})
	var qs [][]index.QueryTerm
	for _, q := range d.Queries {
		qs = append(qs, query(an, q))
	}
	return ix, qs
}

// BenchmarkSearchSciFact runs the 1,109 SciFact claims, top 10, one
// goroutine; ns/op is per question.
func BenchmarkSearchSciFact(b *testing.B) {
	ix, qs := sciFactIndex(b)
	var dst []index.Hit
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		dst = ix.SearchInto(dst[:0], qs[i%len(qs)], 10)
		i++
	}
}

func BenchmarkSearchSciFactParallel(b *testing.B) {
	ix, qs := sciFactIndex(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var dst []index.Hit
		i := 0
		for pb.Next() {
			dst = ix.SearchInto(dst[:0], qs[i%len(qs)], 10)
			i++
		}
	})
}
