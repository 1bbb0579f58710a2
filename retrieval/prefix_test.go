package retrieval

import (
	"strings"
	"testing"

	"lectern/corpus"
)

// TestRepetitionPrefix: a question word with "re" the text lacks is looked
// for without it, and only then.
func TestRepetitionPrefix(t *testing.T) {
	e := NewEngine(corpus.Default(), Options{})
	tests := []struct {
		question, word, found string
	}{
		{"where did they rebury stalin?", "rebury", "buri"},
		{"was he reburied?", "reburied", "buri"},
		{"did they remove his body?", "remove", "remov"}, // in the text as it is
		{"was it rearmed?", "rearmed", ""},               // "armed" is not in the text
		{"was it reset?", "reset", ""},                   // "set" is too short to be sure
	}
	for _, tt := range tests {
		q := e.s.Parse(tt.question)
		var got *SearchTerm
		for i := range q.Terms {
			if q.Terms[i].Word == tt.word {
				got = &q.Terms[i]
			}
		}
		if got == nil {
			t.Errorf("%q: no term for %q in %+v", tt.question, tt.word, q.Terms)
			continue
		}
		if got.Found != tt.found && !(tt.found == "" && got.Fuzzy < 1) {
			t.Errorf("%q: %q found as %q; want %q", tt.question, tt.word, got.Found, tt.found)
		}
	}
	ans, err := e.Answer("where did they rebury stalin?", Request{Top: 1})
	if err != nil || !ans.Answered || !strings.Contains(ans.Results[0].Sentence, "Kremlin wall") {
		t.Errorf("where did they rebury stalin? = %+v, %v; want the Kremlin wall", ans.Results, err)
	}
}
