package retrieval_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"lectern/corpus"
	"lectern/retrieval"
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

// query is the claim's terms, each of weight 1, as plain BM25 searches it.
func query(an *index.Analyzer, s string) []index.QueryTerm {
	var q []index.QueryTerm
	for _, t := range an.Terms(s) {
		q = append(q, index.QueryTerm{Term: t, Weight: 1})
	}
	return q
}

// BenchmarkAnswer answers a question about the embedded page as the bot
// does: search, rescoring, excerpt and citation.
func BenchmarkAnswer(b *testing.B) {
	e := retrieval.NewEngine(corpus.Default(), retrieval.Options{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Answer("Where was Stalin buried?", retrieval.Request{Top: 3}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRankSciFact ranks the SciFact claims as lectern eval does by
// default, 100 candidates rescored for coverage, exact forms and fuzzy
// matches; ns/op is per question (parsing included). BenchmarkPlainSciFact
// is plain BM25 on the same index, for the ratio.
func BenchmarkRankSciFact(b *testing.B) {
	d := loadBench(b)
	text := func(i int) string { return d.docs[i] }
	ix := index.Build(len(d.docs), text, index.NewAnalyzer(index.AnalyzerOptions{}), index.DefaultBM25())
	s := retrieval.NewSearcher(ix, text, retrieval.SearchOptions{Coord: 1, Exact: retrieval.DefaultExact, Fuzzy: true, Depth: 100, Synonyms: retrieval.DefaultSynonyms})
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s.Rank(s.Parse(d.queries[i%len(d.queries)]), 100)
		i++
	}
}

func BenchmarkPlainSciFact(b *testing.B) {
	d := loadBench(b)
	an := index.NewAnalyzer(index.AnalyzerOptions{})
	ix := index.Build(len(d.docs), func(i int) string { return d.docs[i] }, an, index.DefaultBM25())
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		ix.Search(query(an, d.queries[i%len(d.queries)]), 100)
		i++
	}
}

// BenchmarkRankSciFactSentences ranks the SciFact claims over the abstracts'
// sentences as lectern eval does on scifact-sentences: 100 candidates
// rescored, each with the best score of its neighbours.
func BenchmarkRankSciFactSentences(b *testing.B) {
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
	ix := index.Build(len(texts), text, index.NewAnalyzer(index.AnalyzerOptions{}), index.DefaultBM25())
	s := retrieval.NewSearcher(ix, text, retrieval.SearchOptions{Coord: 1, Exact: retrieval.DefaultExact, Fuzzy: true, Depth: 100,
		Synonyms: retrieval.DefaultSynonyms, Context: retrieval.DefaultContext, Neighbours: neighbours})
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		s.Rank(s.Parse(d.queries[i%len(d.queries)]), 100)
		i++
	}
}
