package index

import (
	"context"
	"testing"

	"lectern/corpus"
	"lectern/corpus/lang"
	"lectern/internal/binfile"
	"lectern/internal/testcorpus"
)

// corpusIndex indexes c's sentences as lectern's engine does: each
// document's with its language's analyzer (English's with its irregular
// forms).
func corpusIndex(t testing.TB, c *corpus.Corpus) *Index {
	t.Helper()
	codes := c.Languages()
	if len(codes) == 0 {
		codes = []string{lang.English}
	}
	var ans []*Analyzer
	place := map[string]int{}
	for i, code := range codes {
		place[code] = i
		ans = append(ans, NewAnalyzer(AnalyzerOptions{Language: code, Irregular: code == lang.English}))
	}
	var of func(int) int
	if len(ans) > 1 {
		langs := make([]int, c.Len())
		for _, d := range c.Documents() {
			for id := d.First; id < d.End; id++ {
				langs[id] = place[d.Language]
			}
		}
		of = func(i int) int { return langs[i] }
	}
	ix, err := BuildLanguages(context.Background(), c.Len(), c.Text, ans, of, DefaultBM25(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// indexFile reads the index of an index file that lectern index wrote,
// with whatever analysis it was built with.
func indexFile(t testing.TB, path string) *Index {
	t.Helper()
	m, err := binfile.Map(path, FileMagic)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Open(FileMagic, FileVersion)
	if err != nil {
		t.Fatal(err)
	}
	var h Header
	if err := ReadHeader(r, &h); err != nil {
		t.Fatal(err)
	}
	want := func(code string) AnalyzerOptions {
		for _, o := range h.Analyzers {
			if analyzerLanguage(o.Language) == code {
				return o
			}
		}
		return AnalyzerOptions{}
	}
	ix, err := ReadSections(r, h, want, h.Params)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// testCorpus is a guide in Markdown and the seed page.
func testCorpus(t testing.TB) *corpus.Corpus { return testcorpus.GuideAndSeed(t) }
