package corpus_test

import (
	"errors"
	"testing"

	"lectern/corpus"
)

func TestAddPages(t *testing.T) {
	tests := []struct {
		name     string
		doc      corpus.Paged
		sentence string // a sentence of the document
		page     string // its citation's page
	}{
		{
			name: "labels from the document",
			doc: corpus.Paged{Pages: []corpus.Page{
				{Text: "The preface explains the plan of the book.\n", Label: "xi"},
				{Text: "The first chapter starts here. It goes on for a while\n", Label: "1"},
				{Text: "and ends on the next page.\n", Label: "2"},
			}},
			sentence: "It goes on for a while and ends on the next page.", page: "1–2",
		},
		{
			name: "physical pages without labels",
			doc: corpus.Paged{Physical: true, Pages: []corpus.Page{
				{Text: "Cover text here.\n"}, {Text: "The second sheet says this.\n"},
			}},
			sentence: "The second sheet says this.", page: "2",
		},
		{
			name: "printed numbers win over physical pages",
			doc: corpus.Paged{Physical: true, Pages: []corpus.Page{
				{Text: "A HISTORY OF PRINTING\n\nPresses spread across Europe in the fifteenth century.\n\n41\n"},
				{Text: "A HISTORY OF PRINTING\n\nType was cast from lead and tin by hand.\n\n42\n"},
				{Text: "A HISTORY OF PRINTING\n\nPaper mills followed the presses north.\n\n43\n"},
			}},
			sentence: "Type was cast from lead and tin by hand.", page: "42",
		},
		{
			name:     "one page without a label: no page",
			doc:      corpus.Paged{Pages: []corpus.Page{{Text: "Just one page of text.\n"}}},
			sentence: "Just one page of text.", page: "",
		},
		{
			name: "Markdown pages",
			doc: corpus.Paged{Markdown: true, Pages: []corpus.Page{
				{Text: "# Guide\n\n## Install\n\nRun the **installer** first.\n", Label: "7"},
			}},
			sentence: "Run the installer first.", page: "7",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b corpus.Builder
			tt.doc.Name, tt.doc.Path = "book.pdf", "books/book.pdf"
			if err := b.AddPages(tt.doc); err != nil {
				t.Fatal(err)
			}
			c, err := b.Corpus()
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for id := 0; id < c.Len(); id++ {
				if c.Text(id) == tt.sentence {
					found = true
					if got := c.Citation(id).Page; got != tt.page {
						t.Errorf("page of %q = %q; want %q", tt.sentence, got, tt.page)
					}
				}
			}
			if !found {
				var all []string
				for id := 0; id < c.Len(); id++ {
					all = append(all, c.Text(id))
				}
				t.Errorf("no sentence %q in %q", tt.sentence, all)
			}
		})
	}
	var b corpus.Builder
	if err := b.AddPages(corpus.Paged{Name: "x.pdf", Path: "x.pdf"}); !errors.Is(err, corpus.ErrNoPages) {
		t.Errorf("AddPages(no pages) = %v; want ErrNoPages", err)
	}
}
