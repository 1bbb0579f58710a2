package corpus

import (
	"sort"
	"strings"
	"testing"
)

// TestParagraphOf checks ParagraphOf against sort.Search over the
// paragraphs' first sentences, for every sentence and for IDs out of
// range, on corpora of one paragraph, many, and none.
func TestParagraphOf(t *testing.T) {
	var many strings.Builder
	for i := range 300 {
		many.WriteString(strings.Repeat("A sentence here. ", 1+i%5))
		many.WriteString("\n\n")
	}
	for _, tt := range []struct {
		name string
		c    func(t *testing.T) *Corpus
	}{
		{"default", func(*testing.T) *Corpus { return Default() }},
		{"one paragraph", func(t *testing.T) *Corpus { return build(t, "One. Two. Three.") }},
		{"many paragraphs", func(t *testing.T) *Corpus { return build(t, many.String()) }},
		{"empty", func(*testing.T) *Corpus { return &Corpus{} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c(t)
			want := func(id int) int {
				return sort.Search(len(c.paraDoc), func(p int) bool { return int(c.paraFirst[p+1]) > id })
			}
			for id := -2; id < c.Len()+2; id++ {
				if got := c.ParagraphOf(id); got != want(id) {
					t.Fatalf("ParagraphOf(%d) = %d, want %d", id, got, want(id))
				}
			}
		})
	}
}

// build is a corpus of one document of text.
func build(t *testing.T, text string) *Corpus {
	t.Helper()
	var b Builder
	if err := b.Add("t.txt", "t.txt", []byte(text)); err != nil {
		t.Fatal(err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
