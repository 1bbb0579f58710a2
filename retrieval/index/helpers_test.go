package index

import (
	"context"
	"sort"
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
	return corpusIndexParams(t, c, DefaultBM25())
}

// corpusIndexParams is corpusIndex scoring with params.
func corpusIndexParams(t testing.TB, c *corpus.Corpus, params BM25) *Index {
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
	ix, err := BuildLanguages(context.Background(), c.Len(), c.Text, ans, of, params, nil)
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

// searchExhaustive scores every document holding a query term: the
// reference the tests hold Search to.
func (ix *Index) searchExhaustive(q []QueryTerm, k int) []Hit {
	scores := map[uint32][]float32{}
	for qi, qt := range q {
		t := ix.terms.find(qt.Term)
		if t < 0 || qt.Weight <= 0 {
			continue
		}
		var c cursor
		ix.openCursor(&c, int32(t), float32(qt.Weight))
		for ; c.doc != done; c.next() {
			if scores[c.doc] == nil {
				scores[c.doc] = make([]float32, len(q))
			}
			scores[c.doc][qi] = c.score()
		}
	}
	var all []hit32
	for d, parts := range scores {
		var s float32
		for _, p := range parts {
			s += p
		}
		all = append(all, hit32{d, s, 0})
	}
	sort.Slice(all, func(i, j int) bool { return better32(all[i], all[j]) })
	var out []Hit
	for _, h := range all[:min(k, len(all))] {
		out = append(out, Hit{Doc: int(h.doc), Score: float64(h.score)})
	}
	return out
}

// holds reports whether the sorted list a holds x.
func holds(a []uint32, x uint32) bool {
	i := SearchIDs(a, x)
	return i < len(a) && a[i] == x
}

// tf is the current posting's term frequency.
func (c *cursor) tf() uint32 { return c.freqs[c.i] }
