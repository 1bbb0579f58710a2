package index_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"lectern/corpus"
	"lectern/retrieval/index"
)

// benchData is SciFact's abstracts and claims when ../shared/data is there
// (the benchmarks skip otherwise).
type benchData struct {
	docs, queries []string
}

var (
	benchOnce sync.Once
	bench     *benchData
)

func loadBench(b *testing.B) *benchData {
	b.Helper()
	benchOnce.Do(func() {
		dir := ""
		wd, _ := os.Getwd()
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "shared", "data", "scifact", "corpus.jsonl")); err == nil {
				dir = filepath.Join(d, "shared", "data", "scifact")
				break
			}
			if filepath.Dir(d) == d {
				return
			}
		}
		bd := &benchData{}
		read := func(name string, f func(map[string]string)) {
			file, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				return
			}
			defer file.Close()
			sc := bufio.NewScanner(file)
			sc.Buffer(make([]byte, 1<<20), 1<<24)
			for sc.Scan() {
				var m map[string]string
				if json.Unmarshal(sc.Bytes(), &m) == nil {
					f(m)
				}
			}
		}
		read("corpus.jsonl", func(m map[string]string) { bd.docs = append(bd.docs, m["title"]+"\n"+m["text"]) })
		read("queries.jsonl", func(m map[string]string) { bd.queries = append(bd.queries, m["text"]) })
		if len(bd.docs) > 0 && len(bd.queries) > 0 {
			bench = bd
		}
	})
	if bench == nil {
		b.Skip("SciFact not found under shared/data")
	}
	return bench
}

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
	d := loadBench(b)
	an := index.NewAnalyzer(index.AnalyzerOptions{StopWords: index.LuceneStopWords})
	bytes := 0
	for _, t := range d.docs {
		bytes += len(t)
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	for b.Loop() {
		index.Build(len(d.docs), func(i int) string { return d.docs[i] }, an, index.BM25{K1: 1.2, B: 0.75})
	}
}

func sciFactIndex(b *testing.B) (*index.Index, [][]index.QueryTerm) {
	d := loadBench(b)
	an := index.NewAnalyzer(index.AnalyzerOptions{StopWords: index.LuceneStopWords})
	ix := index.Build(len(d.docs), func(i int) string { return d.docs[i] }, an, index.BM25{K1: 1.2, B: 0.75})
	var qs [][]index.QueryTerm
	for _, q := range d.queries {
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
