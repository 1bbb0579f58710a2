package index

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// tfPostings reads term's frequency in document d from its postings.
func tfPostings(ix *Index, term string, d int) int {
	t := ix.terms.find(term)
	if t < 0 || d < 0 || d >= ix.n {
		return 0
	}
	var c cursor
	ix.openCursor(&c, int32(t), 1)
	c.advance(uint32(d))
	if c.doc == uint32(d) {
		return int(c.tf())
	}
	return 0
}

// scorePostings is document d's BM25 score from the postings.
func scorePostings(ix *Index, q []QueryTerm, d int) float64 {
	s := float32(0)
	for _, qt := range q {
		t := ix.terms.find(qt.Term)
		if t < 0 || qt.Weight == 0 {
			continue
		}
		if tf := tfPostings(ix, qt.Term, d); tf > 0 {
			s += float32(qt.Weight) * ix.idf[t] * ix.tfPart(uint32(tf), uint32(d))
		}
	}
	return float64(s)
}

// TestTFScoreMatchPostings checks Index.TF and Index.Score, read from the
// forward index, against the postings for every term of every text.
func TestTFScoreMatchPostings(t *testing.T) {
	c := testCorpus(t)
	ix := corpusIndex(t, c)
	for d := 0; d < ix.n; d++ {
		var q []QueryTerm
		for _, tok := range ix.AnalyzerOf(d).Analyze(c.Text(d)) {
			if got, want := ix.TF(tok.Term, d), tfPostings(ix, tok.Term, d); got != want || want == 0 {
				t.Fatalf("text %d: TF(%q) = %d, postings %d", d, tok.Term, got, want)
			}
			q = append(q, QueryTerm{Term: tok.Term, Weight: 1.5})
		}
		q = append(q, QueryTerm{Term: "zzzunknown", Weight: 1})
		if got, want := ix.Score(q, d), scorePostings(ix, q, d); got != want {
			t.Fatalf("text %d: Score = %v, postings %v", d, got, want)
		}
		if d > 0 {
			if got, want := ix.Score(q, d-1), scorePostings(ix, q, d-1); got != want {
				t.Fatalf("text %d: Score = %v, postings %v", d-1, got, want)
			}
		}
	}
}

// TestSearchSorted checks SearchIDs and holds against the standard library.
func TestSearchSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 0; n < 40; n++ {
		a := make([]uint32, n)
		for i := range a {
			a[i] = uint32(rng.IntN(60))
		}
		slices.Sort(a)
		a = slices.Compact(a)
		for x := uint32(0); x < 62; x++ {
			want, found := slices.BinarySearch(a, x)
			if got := SearchIDs(a, x); got != want || holds(a, x) != found {
				t.Fatalf("SearchIDs(%v, %d) = %d, %v; want %d, %v", a, x, got, holds(a, x), want, found)
			}
		}
	}
}

// TestForwardSizeExact checks that the forward index is allocated at its
// exact size (no growth while building it).
func TestForwardSizeExact(t *testing.T) {
	ix := corpusIndex(t, testCorpus(t))
	if len(ix.fwd) != cap(ix.fwd) || len(ix.fwd) == 0 {
		t.Errorf("forward index of %d uint32s in %d", len(ix.fwd), cap(ix.fwd))
	}
}

// TestDocTokensMatchAnalyzer checks that the tokens of a text read through
// the forward index are the analyzer's, for every text of the test corpus
// and for parts of them cut at semicolons and in the middle of a word.
func TestDocTokensMatchAnalyzer(t *testing.T) {
	c := testCorpus(t)
	ix := corpusIndex(t, c)
	checked := 0
	for d := 0; d < c.Len(); d++ {
		text := c.Text(d)
		an := ix.AnalyzerOf(d)
		parts := append(strings.Split(text, ";"), text, text[:len(text)/2])
		for _, part := range parts {
			want := an.AppendTokens(nil, part)
			got := ix.AppendDocTokens(nil, d, an, part)
			if !slices.Equal(got, want) {
				t.Fatalf("text %d, %q: tokens %v; want %v", d, part, got, want)
			}
			checked += len(want)
		}
	}
	if checked < 1000 {
		t.Errorf("only %d tokens checked", checked)
	}
}

// TestIDFilter checks that an IDFilter holds every number added and, with
// a question's few numbers added, turns most others away.
func TestIDFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var f IDFilter
	added := map[uint32]bool{}
	for range 10 {
		id := rng.Uint32()
		f.Add(id)
		added[id] = true
	}
	for id := range added {
		if !f.MayHold(id) {
			t.Fatalf("MayHold(%d) = false for a number added", id)
		}
	}
	passed := 0
	for range 10000 {
		if id := rng.Uint32(); !added[id] && f.MayHold(id) {
			passed++
		}
	}
	if passed > 500 {
		t.Errorf("%d of 10,000 numbers not added passed a filter of 10; want few", passed)
	}
}
