package corpus

import (
	"fmt"
	"sort"

	"strings"
	"testing"
)

// TestParagraphOf checks ParagraphOf against sort.Search over the
// paragraphs' first sentences, for every sentence and for IDs out of
// range, on paragraphCorpora.
func TestParagraphOf(t *testing.T) {
	for _, tt := range paragraphCorpora() {
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

// TestStartsParagraph checks StartsParagraph against the paragraphs'
// first sentences, for every sentence of paragraphCorpora, as built, as
// read back from an index file, and without its bits (the fallback).
func TestStartsParagraph(t *testing.T) {
	for _, tt := range paragraphCorpora() {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c(t)
			if c.Len() == 0 {
				t.Skip("no sentences to check, and a corpus of none is never saved")
			}
			saved := SaveAndRead(t, c)
			starts := 0
			for id := range c.Len() {
				want := c.Paragraph(c.ParagraphOf(id)).First == id
				if want {
					starts++
				}
				for name, c := range map[string]*Corpus{"built": c, "saved": saved} {
					if got := c.StartsParagraph(id); got != want {
						t.Fatalf("%s: StartsParagraph(%d) = %v, want %v", name, id, got, want)
					}
				}
			}
			if starts != c.NumParagraphs() {
				t.Errorf("%d sentences start a paragraph; %d paragraphs", starts, c.NumParagraphs())
			}
		})
	}
}

// paragraphCorpora are corpora of one paragraph, many, none, and many
// documents, for the tests of paragraphs.
func paragraphCorpora() []struct {
	name string
	c    func(t *testing.T) *Corpus
} {
	var many strings.Builder
	for i := range 300 {
		many.WriteString(strings.Repeat("A sentence here. ", 1+i%5))
		many.WriteString("\n\n")
	}
	docs := func(t *testing.T) *Corpus {
		var b Builder
		for i := range 70 {
			text := strings.Repeat("Some words. ", 1+i%3) + "\n\nMore words. And more."
			if err := b.Add(fmt.Sprintf("d%d.txt", i), fmt.Sprintf("d%d.txt", i), []byte(text)); err != nil {
				t.Fatal(err)
			}
		}
		c, err := b.Corpus()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return []struct {
		name string
		c    func(t *testing.T) *Corpus
	}{
		{"default", func(*testing.T) *Corpus { return Default() }},
		{"one paragraph", func(t *testing.T) *Corpus { return build(t, "One. Two. Three.") }},
		{"many paragraphs", func(t *testing.T) *Corpus { return build(t, many.String()) }},
		{"empty", func(*testing.T) *Corpus { return &Corpus{} }},
		{"many documents", docs},
	}
}
