package retrieval

import (
	"slices"
	"strings"
	"testing"

	"lectern/corpus"
	"lectern/internal/testcorpus"
	"lectern/retrieval/index"
)

// TestClauses: on the embedded page, "did khrushchev ever backpedal on
// de-stalinization" is answered by the second clause of "In addition, the
// line coming from the top was not consistent; Khrushchev and his
// supporters were continually wavering about de-Stalinization, sometimes
// pushing it forward, at other times winding it back." Scored whole, that
// sentence's first clause dilutes it and a sentence naming Khrushchev and
// de-Stalinization in passing wins; scored clause by clause, it wins.
func TestClauses(t *testing.T) {
	c := corpus.Default()
	e := NewEngine(c, Options{})
	const question = "did khrushchev ever backpedal on de-stalinization"
	const want = "winding it back"
	for _, clauses := range []bool{true, false} {
		s := NewSearcher(e.Index(), c.Text, SearchOptions{Coord: DefaultCoord, Exact: DefaultExact, Fuzzy: true,
			Context: DefaultContext, Neighbours: e.neighbours, Synonyms: DefaultSynonyms, Clauses: clauses})
		got := s.Rank(s.Parse(question), 3)
		if len(got) == 0 {
			t.Fatalf("Clauses %v: no candidates", clauses)
		}
		if first := c.Text(got[0].Doc); strings.Contains(first, want) != clauses {
			t.Errorf("Clauses %v: first %q; want the clause %q first only with clauses", clauses, first, want)
		}
	}
	// The engine scores clauses.
	ans, err := e.Answer(question, Request{Top: 1})
	if err != nil || len(ans.Results) == 0 || !strings.Contains(ans.Results[0].Sentence, want) {
		t.Errorf("Answer(%q) = %+v, %v; want the sentence with %q", question, ans.Results, err, want)
	}
}

// TestClausesOf checks, on the seed page and texts in three languages,
// that a text's clauses are the terms AppendDocTokens makes of each part
// between semicolons, by number, whether read anew or kept, and that a
// text without a semicolon has none.
func TestClausesOf(t *testing.T) {
	for name, ix := range smallEngines(t) {
		t.Run(name, func(t *testing.T) {
			texts := []string{"A first clause; a second one; and a third.", "Сталин умер; тело поместили в мавзолей.", "No semicolon here.", ";", "a;;b"}
			var docs []int
			var text func(int) string
			if name == "seed" {
				c := corpus.Default()
				text = c.Text
				for d := range c.Len() {
					if strings.Contains(c.Text(d), ";") || d < 3 {
						docs = append(docs, d)
					}
				}
			} else {
				// The texts above in place of the index's own: their words
				// are mostly not the index's, and are stemmed.
				text = func(d int) string { return texts[d%len(texts)] }
				for d := range min(ix.Len(), 2*len(texts)) {
					docs = append(docs, d)
				}
			}
			s := NewSearcher(ix, text, SearchOptions{Clauses: true})
			checked := 0
			for range 2 { // read anew, then kept
				for _, d := range docs {
					dc, ok := s.clausesOf(d)
					if ok != strings.Contains(text(d), ";") {
						t.Fatalf("text %d %q: clausesOf says %v", d, text(d), ok)
					}
					if !ok {
						continue
					}
					parts := strings.Split(text(d), ";")
					if len(dc.ends) != len(parts) {
						t.Fatalf("text %d %q: %d clauses, want %d", d, text(d), len(dc.ends), len(parts))
					}
					start := 0
					for i, part := range parts {
						var want []int32
						for _, tok := range ix.AppendDocTokens(nil, d, ix.AnalyzerOf(d), part) {
							want = append(want, int32(ix.TermID(tok.Term)))
						}
						if got := dc.terms[start:dc.ends[i]]; !slices.Equal(got, want) {
							t.Fatalf("text %d clause %d %q: terms %v, want %v", d, i, part, got, want)
						}
						start = int(dc.ends[i])
					}
					checked++
				}
			}
			if checked < 4 {
				t.Errorf("only %d texts with semicolons checked: the test tests too little", checked)
			}
		})
	}
}

// smallEngines are the indexes of the seed page and of texts in three
// languages, two of many endings.
func smallEngines(t testing.TB) map[string]*index.Index {
	t.Helper()
	out := map[string]*index.Index{"seed": NewEngine(corpus.Default(), Options{}).Index()}
	out["three languages"] = NewEngine(testcorpus.ThreeLanguages(t), Options{}).Index()
	return out
}
