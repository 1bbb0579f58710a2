package retrieval

import (
	"fmt"
	"lectern/retrieval/index"
	"strings"
	"testing"
)

// TestParseCountsRepeatedWords checks that Parse counts each term once per
// word, in the order of first use, in questions short and long enough for
// Parse to keep its terms and DFs in maps.
func TestParseCountsRepeatedWords(t *testing.T) {
	e := NewEngine(testCorpus(t), Options{})
	an := e.ix.Analyzers()[0]
	var vocab []string
	seenWord := map[string]bool{}
	for d := 0; d < e.c.Len() && len(vocab) < 5*shortQuestion; d++ {
		for _, tok := range an.Analyze(e.c.Text(d)) {
			if !seenWord[tok.Term] && !strings.ContainsAny(tok.Word, "-'") && len(tok.Word) > 3 {
				seenWord[tok.Term] = true
				vocab = append(vocab, tok.Word)
			}
		}
	}
	for _, tt := range []struct {
		distinct, repeats int
	}{{1, 1}, {3, 2}, {shortQuestion - 1, 3}, {shortQuestion, 2}, {shortQuestion + 1, 2}, {2*shortQuestion + 3, 2}, {5 * shortQuestion, 3}} {
		t.Run(fmt.Sprintf("%dx%d", tt.distinct, tt.repeats), func(t *testing.T) {
			if tt.distinct > len(vocab) {
				t.Fatalf("only %d words: too few for the longest questions", len(vocab))
			}
			var words []string
			for range tt.repeats {
				words = append(words, vocab[:tt.distinct]...)
			}
			question := strings.Join(words, " ")
			// What Parse must make: each term of the question, in order of
			// first use, counted each time a word makes it.
			var order []string
			count := map[string]int{}
			for _, tok := range an.Analyze(question) {
				if count[tok.Term] == 0 {
					order = append(order, tok.Term)
				}
				count[tok.Term]++
			}
			q := e.s.Parse(question)
			if len(q.Terms) != len(order) {
				t.Fatalf("%d terms, want %d", len(q.Terms), len(order))
			}
			for i, st := range q.Terms {
				if st.Term != order[i] || st.count != count[order[i]] {
					t.Errorf("term %d: %q ×%d, want %q ×%d", i, st.Term, st.count, order[i], count[order[i]])
				}
				if st.Found != "" && st.Weight != index.IDF(e.ix.DF(st.Found), e.ix.Len())*map[bool]float64{false: 1, true: fillerWeight}[st.filler] {
					t.Errorf("term %q: weight %v, want the IDF of %q", st.Term, st.Weight, st.Found)
				}
			}
		})
	}
}
