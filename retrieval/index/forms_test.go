package index

import (
	"context"
	"testing"
)

// TestFormTable checks every posting's forms against its document's words
// in the forward index: bit i set exactly when the document holds the
// term's i-th word (up to maxForms).
func TestFormTable(t *testing.T) {
	ix := corpusIndex(t, testCorpus(t))
	f := ix.forms()
	if f == nil {
		t.Fatal("an index of English sentences has no forms")
	}
	several := 0
	for term := range ix.terms.len() {
		var c cursor
		ix.openCursor(&c, int32(term), 1)
		for p := 0; c.doc != done; p++ {
			var want uint8
			_, _, words := ix.docTerms(int(c.doc))
			for _, w := range words {
				if ix.wordTerm[w] == int32(term) {
					want |= ix.FormBit(w)
				}
			}
			if got := f.bits[int(f.start[term])+p]; got != want {
				t.Fatalf("term %q, document %d: forms %08b, want %08b", ix.terms.at(term), c.doc, got, want)
			}
			if want&(want-1) != 0 {
				several++
			}
			c.next()
		}
	}
	if several == 0 {
		t.Error("no document holds two forms of a term; the test checks too little")
	}
}

// TestNoForms checks that indexes whose texts are not all English, or too
// many to be searched term at a time, tell no forms.
func TestNoForms(t *testing.T) {
	texts := []string{"Les corps furent retirés.", "The bodies were removed."}
	for _, tt := range []struct {
		name string
		ans  []*Analyzer
		lang func(int) int
	}{
		{"french", []*Analyzer{NewAnalyzer(AnalyzerOptions{Language: "fr"})}, nil},
		{"english and french", []*Analyzer{NewAnalyzer(AnalyzerOptions{Language: "en"}), NewAnalyzer(AnalyzerOptions{Language: "fr"})},
			func(i int) int { return 1 - i }},
	} {
		ix, err := BuildLanguages(context.Background(), len(texts), func(i int) string { return texts[i] }, tt.ans, tt.lang, DefaultBM25(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for w := range ix.words.len() {
			if ix.FormBit(uint32(w)) != 0 {
				t.Errorf("%s: word %d has a form bit", tt.name, w)
			}
		}
	}
	english := corpusIndex(t, testCorpus(t))
	english.n = taatMaxDocs + 1 // as if it were that big
	if english.forms() != nil || english.FormBit(0) != 0 {
		t.Error("an index too big to be searched term at a time tells forms")
	}
}
