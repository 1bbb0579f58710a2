package eval

import (
	"math"
	"testing"

	"lectern/retrieval"
	"lectern/retrieval/index"
)

func TestMinDistance(t *testing.T) {
	tests := []struct {
		a, b []int
		want int
	}{
		{[]int{1, 10}, []int{4, 12}, 2},
		{[]int{3}, []int{3}, -1}, // the same position: a hyphenated word's parts
		{[]int{3}, []int{3, 7}, 4},
		{nil, []int{1}, -1},
	}
	for _, tt := range tests {
		if got := minDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("minDistance(%v, %v) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestProximity(t *testing.T) {
	an := index.NewAnalyzer(index.AnalyzerOptions{})
	terms := []retrieval.SearchTerm{
		{Term: "stalin", Found: "stalin", Weight: 2, Fuzzy: 1},
		{Term: "buri", Found: "buri", Weight: 3, Fuzzy: 1},
		{Term: "kremlin", Found: "", Weight: 5, Fuzzy: 1}, // not found: no part
	}
	near := proximity(an.AppendTokens(nil, "Stalin was buried."), terms)            // distance 2: min(2, 3)/2
	far := proximity(an.AppendTokens(nil, "Stalin, they said, was buried."), terms) // distance 4
	if math.Abs(near-1) > 1e-9 || math.Abs(far-0.5) > 1e-9 {
		t.Errorf("proximity = %v near, %v far; want 1 and 0.5", near, far)
	}
	if got := proximity(an.AppendTokens(nil, "Stalin died."), terms); got != 0 {
		t.Errorf("proximity with one question word = %v; want 0", got)
	}
}

// TestRM3: feedback adds the terms the best texts share, weighted, and
// keeps the question's own.
func TestRM3(t *testing.T) {
	texts := []string{
		"Stalin was buried beneath the Kremlin wall.",
		"The Kremlin wall holds the graves of Soviet leaders.",
		"Khrushchev denounced Stalin.",
		"Wheat grows in the steppe.",
		"Rivers freeze in winter.",
	}
	an := index.NewAnalyzer(index.AnalyzerOptions{})
	ix := index.Build(len(texts), func(i int) string { return texts[i] }, an, index.DefaultBM25())
	q := []index.QueryTerm{{Term: "buri", Weight: 1}}
	hits := ix.Search(q, 2)
	out := RM3{Docs: 2, Terms: 5, Weight: 0.5}.expand(ix, func(i int) string { return texts[i] })(q, hits)
	got := map[string]float64{}
	total := 0.0
	for _, t := range out {
		got[t.Term] = t.Weight
		total += t.Weight
	}
	if out[0].Term != "buri" || got["kremlin"] == 0 || got["wall"] == 0 {
		t.Errorf("RM3 expanded %v to %v; want buri first, then kremlin and wall", q, out)
	}
	if math.Abs(total-1) > 1e-9 {
		t.Errorf("RM3 weights sum to %v; want the question's 1", total)
	}
	if off, on := (RM3{Docs: 2, Terms: 0, Weight: 0.5}), (RM3{Docs: 1, Terms: 1, Weight: 0.1}); off.on() || !on.on() {
		t.Error("RM3.on is wrong")
	}
}
