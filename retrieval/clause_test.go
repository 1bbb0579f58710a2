package retrieval

import (
	"strings"
	"testing"

	"lectern/corpus"
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
