package index

import (
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// TestSearchFileMatchesExhaustive checks, on the index file
// $LECTERN_SEARCH_INDEX names (skipped without it), that Search returns
// exactly what scoring every document does, for questions of three to six
// terms of random texts, as the bot asks them (top 30) and for the top 3.
// On a large index this is block-max MaxScore over many windows, on one
// goroutine or two (Split).
func TestSearchFileMatchesExhaustive(t *testing.T) {
	path := os.Getenv("LECTERN_SEARCH_INDEX")
	if path == "" {
		t.Skip("LECTERN_SEARCH_INDEX not set")
	}
	ix := indexFile(t, path)
	rng := rand.New(rand.NewPCG(11, 12))
	checked := 0
	for range 300 {
		terms, _ := ix.DocTerms(rng.IntN(ix.Len()))
		if len(terms) == 0 {
			continue
		}
		var q []QueryTerm
		for range 3 + rng.IntN(4) {
			q = append(q, QueryTerm{Term: ix.Term(int(terms[rng.IntN(len(terms))])), Weight: 1})
		}
		for _, k := range []int{30, 3} {
			want := ix.searchExhaustive(q, k)
			for _, strategy := range []Strategy{Auto, MaxScore, Split} {
				ix.SetStrategy(strategy)
				got := ix.Search(q, k)
				if !slices.Equal(got, want) {
					t.Fatalf("strategy %d, %v, top %d: %v; exhaustive %v", strategy, q, k, got, want)
				}
			}
			ix.SetStrategy(Auto)
		}
		checked++
	}
	if checked < 200 {
		t.Errorf("only %d questions checked", checked)
	}
}
