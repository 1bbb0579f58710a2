package corpus_test

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"lectern/corpus"
)

// squeeze drops white space and hyphens, so that a sentence's text can be
// compared with its source, where lines break and words are hyphenated.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, s)
}

// checkCorpus returns what is wrong with c, built from the one file data, or
// "". Every sentence must be non-empty, trimmed, the paragraph's text at
// [Start:End], numbered in order, and have a source span within data; in
// plain text, the span starts and ends with the sentence's first and last
// bytes.
func checkCorpus(c *corpus.Corpus, data []byte) string {
	docs := c.Documents()
	if len(docs) != 1 || docs[0].First != 0 || docs[0].End != c.Len() || docs[0].Size != len(data) {
		return fmt.Sprintf("Documents() = %+v; want one document of %d bytes holding sentences [0,%d)", docs, len(data), c.Len())
	}
	ext := path.Ext(docs[0].Name)
	plain := ext != ".md" && ext != ".markdown"
	for id := range c.Len() {
		s := c.Sentence(id)
		switch {
		case s.ID != id || s.Doc != 0:
			return fmt.Sprintf("Sentence(%d) = %+v; want ID %d in document 0", id, s, id)
		case s.Text == "" || strings.TrimSpace(s.Text) != s.Text:
			return fmt.Sprintf("Sentence(%d).Text = %q; want it non-empty and trimmed", id, s.Text)
		case c.Text(id) != s.Text:
			return fmt.Sprintf("Text(%d) = %q; Sentence(%d).Text = %q", id, c.Text(id), id, s.Text)
		case s.Para != c.ParagraphOf(id):
			return fmt.Sprintf("Sentence(%d).Para = %d; ParagraphOf(%d) = %d", id, s.Para, id, c.ParagraphOf(id))
		}
		p := c.Paragraph(s.Para)
		switch {
		case s.Start < 0 || s.End > len(p.Text) || s.Start >= s.End:
			return fmt.Sprintf("Sentence(%d) = [%d:%d] in a paragraph of %d bytes", id, s.Start, s.End, len(p.Text))
		case p.Text[s.Start:s.End] != s.Text:
			return fmt.Sprintf("Sentence(%d).Text = %q; paragraph text [%d:%d] = %q", id, s.Text, s.Start, s.End, p.Text[s.Start:s.End])
		case id < p.First || id >= p.End || s.Position != id-p.First:
			return fmt.Sprintf("Sentence(%d).Position = %d in paragraph %d of sentences [%d,%d)", id, s.Position, s.Para, p.First, p.End)
		case s.Section != p.Section:
			return fmt.Sprintf("Sentence(%d).Section = %q; its paragraph's = %q", id, s.Section, p.Section)
		case s.Source.Start < 0 || s.Source.End > len(data) || s.Source.Start >= s.Source.End:
			return fmt.Sprintf("Sentence(%d).Source = %v; want a non-empty span within the %d bytes", id, s.Source, len(data))
		}
		for _, pg := range []string{s.Pages.First, s.Pages.Last} {
			if pg != "" && !slices.Contains(docs[0].Pages, pg) {
				return fmt.Sprintf("Sentence(%d).Pages = %+v; want pages of %q", id, s.Pages, docs[0].Pages)
			}
		}
		if cit := c.Citation(id); cit.Document != docs[0].Name || cit.Title != docs[0].Meta.Title || cit.Page != s.Pages.String() {
			return fmt.Sprintf("Citation(%d) = %+v; want document %q titled %q on %q", id, cit, docs[0].Name, docs[0].Meta.Title, s.Pages)
		}
		if plain {
			src := data[s.Source.Start:s.Source.End]
			if src[0] != s.Text[0] || src[len(src)-1] != s.Text[len(s.Text)-1] || !subsequence(squeeze(s.Text), squeeze(string(src))) {
				return fmt.Sprintf("Sentence(%d).Source = %v, %q; want the source of %q", id, s.Source, src, s.Text)
			}
		}
	}
	next := 0
	for i := range c.NumParagraphs() {
		p := c.Paragraph(i)
		if p.First != next || p.End <= p.First || p.Doc != 0 {
			return fmt.Sprintf("Paragraph(%d) holds sentences [%d,%d); want [%d,...) of document 0", i, p.First, p.End, next)
		}
		next = p.End
	}
	if next != c.Len() {
		return fmt.Sprintf("paragraphs hold sentences [0,%d); want [0,%d)", next, c.Len())
	}
	return ""
}

// subsequence reports whether the bytes of s occur in t in order.
func subsequence(s, t string) bool {
	for i := 0; i < len(s); i++ {
		j := strings.IndexByte(t, s[i])
		if j < 0 {
			return false
		}
		t = t[j+1:]
	}
	return true
}

func FuzzAdd(f *testing.F) {
	seeds := []string{
		string(corpus.DefaultText()),
		guide,
		twoPages("\n- 12 -\n\n", "\n- 13 -\n"),
		twoPages("CHAPTER TITLE 45\n", "xii\n"),
		twoPages("\n\f", "\f\n"),
		"---\ntitle: T\nx: 1\n---\n# H\n\nText. More.\n",
		"---\ntitle: [\n---\n",
		"\uFEFF# Title\r\n\r\nText al-\r\nthough.\r\n",
		"al-\n-\n-though\n",
		"| a | b |\n|---|---|\n| **c** | [d](e) |\n",
		"```\ncode\n\n  more\n```\n",
		"> quote\n>\n> - item\n",
		"Title\n===\n\nText\n---\n",
		"388\n\f389\n\f\f390\n",
		"\f\f\f text \f",
		"- \n1. \n* x\n",
		"[a](b) ![c](d) <e> </f> `g` *h* _i_ ~j~ \\*k\\*",
	}
	for _, s := range seeds {
		f.Add("f.txt", s)
		f.Add("f.md", s)
	}
	f.Fuzz(func(t *testing.T, name string, data string) {
		if !strings.HasSuffix(name, ".md") {
			name = "f.txt"
		}
		var b corpus.Builder
		if err := b.Add(name, name, []byte(data)); err != nil {
			return
		}
		c, err := b.Corpus()
		if err != nil {
			t.Fatalf("Add(%q, %q) = nil; Corpus() = %v; want a corpus", name, data, err)
		}
		if msg := checkCorpus(c, []byte(data)); msg != "" {
			t.Fatalf("Add(%q, %q): %s", name, data, msg)
		}
		if !utf8.ValidString(data) {
			t.Fatalf("Add(%q, %q) accepted invalid UTF-8", name, data)
		}
	})
}
