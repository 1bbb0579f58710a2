package corpus_test

import (
	"testing"

	"lectern/corpus"
)

// TestAddPagesSections checks that an outline's entries become sections:
// from the line on their page that reads as the heading, taken out of the
// text, or else from the page's first line.
func TestAddPagesSections(t *testing.T) {
	d := corpus.Paged{Name: "book.pdf", Path: "book.pdf", Physical: true,
		Pages: []corpus.Page{
			{Text: "The book opens with a word to the reader.\n"},
			{Text: "The reader is thanked once more.\n\nChapter One\n\nThe first chapter begins here.\n"},
			{Text: "CHAPTER 2\nThe Return\n\nThe second chapter takes the story home.\n"},
			{Text: "Tables follow on this page.\n"},
			{Text: "3.2 Paper Mills\n\nMills followed the presses north.\n"},
		},
		Sections: []corpus.Section{
			{Page: 1, Title: "Chapter One"},
			{Page: 2, Title: "Chapter 2: The Return"},
			{Page: 3, Title: "Appendix"},
			{Page: 4, Title: "Paper Mills"},
			{Page: 9, Title: "Out of range"},
			{Page: -1, Title: "Nowhere"},
		},
		Warnings: []string{"a warning"},
	}
	var b corpus.Builder
	if err := b.AddPages(d); err != nil {
		t.Fatal(err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // sentence -> section
		"The book opens with a word to the reader.": "",
		"The reader is thanked once more.":          "",
		"The first chapter begins here.":            "Chapter One",
		"The second chapter takes the story home.":  "Chapter 2: The Return",
		"Tables follow on this page.":               "Appendix",
		"Mills followed the presses north.":         "Paper Mills",
	}
	for id := range c.Len() {
		s := c.Text(id)
		section, ok := want[s]
		if !ok {
			t.Errorf("sentence %q; want only %q (headings are not sentences)", s, want)
			continue
		}
		if got := c.Citation(id).Section; got != section {
			t.Errorf("section of %q = %q; want %q", s, got, section)
		}
		delete(want, s)
	}
	for s := range want {
		t.Errorf("no sentence %q", s)
	}
	if got, want := c.Documents()[0].Sections, []string{"Chapter One", "Chapter 2: The Return", "Appendix", "Paper Mills"}; !equalStrings(got, want) {
		t.Errorf("Sections = %q; want %q", got, want)
	}
	if got := c.Warnings(); len(got) != 1 || got[0] != "book.pdf: a warning" {
		t.Errorf("Warnings() = %q; want the document's, after its path", got)
	}
}
