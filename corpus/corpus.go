// Package corpus turns text into citable sentences.
//
// It owns everything between a file on disk and a sentence that can be
// quoted with its title, source and page: reading one file or a folder of
// text, Markdown, PDF, EPUB and HTML files, YAML front matter, Markdown
// headings, a PDF's page labels and outline, an EPUB's chapters and printed
// pages, an HTML page's sections without its navigation, page furniture
// (running heads, page numbers and book titles printed on every page),
// reflowing hard-wrapped lines into paragraphs, rejoining words broken across
// lines with a hyphen, splitting paragraphs into sentences with exact byte
// offsets, and each document's language (WithLanguages; package lang knows
// the languages). The default corpus, embedded in the binary, is page 388 of the
// Encyclopedia of Russian History, article "De-Stalinization".
//
// Loading is safe against whatever a folder holds: it opens nothing but
// regular files, reads no file past its size limit, skips and counts what
// it cannot use (Corpus.Summary), parses in time linear in the text, and
// stops soon after its context is cancelled.
//
// A Corpus is immutable once built and safe for concurrent use.
package corpus

import (
	"fmt"
	"strings"
)

// Meta is a document's citation metadata. Front matter sets it; page
// furniture and the file name fill what front matter leaves empty.
type Meta struct {
	Title  string `json:"title" yaml:"title"`
	Source string `json:"source,omitempty" yaml:"source"`
	Author string `json:"author,omitempty" yaml:"author"`
	URL    string `json:"url,omitempty" yaml:"url"`
	// Page is the label of the document's first page, for text whose page
	// numbers were not printed in it.
	Page string `json:"page,omitempty" yaml:"page"`
	// Language is the document's language as its source states it (a
	// BCP 47 tag such as "en" or "pt-BR", or a name such as "Russian"):
	// front matter's language:, an EPUB's dc:language, an HTML page's
	// lang, a PDF's /Lang. "" means unknown.
	Language string `json:"language,omitempty" yaml:"language"`
}

// Document is one loaded file.
type Document struct {
	// ID is the document's index in Corpus.Documents.
	ID int
	// Name identifies the document in citations: its path relative to the
	// folder it was loaded from, with forward slashes, or its file name.
	Name string
	// Path is where the document was read from ("embedded:" for the default
	// corpus).
	Path string
	Meta Meta
	// Pages are the document's page labels in order ("388", "xii"); empty
	// when the text has no pages.
	Pages []string
	// Sections are the document's headings in order of appearance.
	Sections []string
	// Size is the document's size in bytes.
	Size int
	// First and End delimit the document's sentence IDs: [First, End).
	First, End int
	// Language is the language the document is written in, as a BCP 47
	// primary language subtag ("en", "ru"): what its source states, else
	// the language configured for the corpus, else the one detected in its
	// text (see WithLanguages). "" until WithLanguages has set it.
	Language string
}

// Pages is a range of page labels. A sentence that crosses a page break has
// First != Last.
type Pages struct {
	First, Last string
}

// String returns "388", "388–389" (with an en dash) or "" when there is no
// page.
func (p Pages) String() string {
	switch {
	case p.First == "" && p.Last == "":
		return ""
	case p.First == p.Last || p.Last == "":
		return p.First
	case p.First == "":
		return p.Last
	}
	return p.First + "–" + p.Last
}

// Citation says where a sentence comes from. Its JSON names are part of the
// `lectern ask --json` contract.
type Citation struct {
	Document string `json:"document"`
	Title    string `json:"title"`
	Source   string `json:"source"`
	Page     string `json:"page"`
	Section  string `json:"section"`
}

// String formats the citation for people: "De-Stalinization — Encyclopedia
// of Russian History, p. 388".
func (c Citation) String() string {
	var b strings.Builder
	b.WriteString(c.Title)
	if c.Section != "" && c.Section != c.Title {
		b.WriteString(" › ")
		b.WriteString(c.Section)
	}
	if c.Source != "" {
		b.WriteString(" — ")
		b.WriteString(c.Source)
	}
	if c.Page != "" {
		if strings.Contains(c.Page, "–") {
			b.WriteString(", pp. ")
		} else {
			b.WriteString(", p. ")
		}
		b.WriteString(c.Page)
	}
	return b.String()
}

// Paragraph is a reflowed paragraph of a document.
type Paragraph struct {
	// Doc is the paragraph's document ID.
	Doc int
	// Section is the heading the paragraph stands under ("" before the first).
	Section string
	// Text is the reflowed text: lines joined with single spaces, line-break
	// hyphens removed, page furniture and Markdown markup taken out.
	Text string
	// First and End delimit the paragraph's sentence IDs: [First, End).
	First, End int
}

// Sentence is one sentence with everything needed to cite and quote it.
type Sentence struct {
	// ID is the sentence's index in the corpus, from 0 to Len()-1, in
	// document order.
	ID int
	// Doc and Para are the IDs of its document and paragraph.
	Doc, Para int
	// Position is its index within the paragraph, from 0.
	Position int
	// Text is the sentence, reflowed.
	Text string
	// Start and End are Text's byte offsets in the paragraph's Text.
	Start, End int
	// Source is the sentence's byte range in the original file, furniture
	// and line breaks included.
	Source Span
	// Section is the heading the sentence stands under.
	Section string
	// Pages is the page or pages the sentence is printed on.
	Pages Pages
}

// sentence is the compact form a Corpus stores: a million sentences must fit
// in little memory.
type sentence struct {
	start, end uint32 // in Corpus.text
	srcStart   int32
	firstPage  int32  // index into the document's Pages, -1 for none
	srcLen     uint16 // the source span's length, at most 65,535
	pages      uint16 // how many pages after firstPage it ends on
}

func (s *sentence) lastPage() int32 {
	if s.firstPage < 0 {
		return -1
	}
	return s.firstPage + int32(s.pages)
}

// Corpus is a set of documents split into sentences. Build one with Load,
// Default or a Builder.
//
// Its paragraphs are kept as columns rather than structs, and their texts
// as one string, so that a corpus read from an index file is used in place.
type Corpus struct {
	docs      []Document
	text      string   // every paragraph's text, one after another
	paraOff   []uint32 // paragraph i is text[paraOff[i]:paraOff[i+1]]
	paraDoc   []int32
	paraSec   []int32 // index into the document's Sections, -1 for none
	paraFirst []int32 // paragraph i's sentences are paraFirst[i]:paraFirst[i+1]
	sents     []sentence
	skipped   []*FileError
	warnings  []string
	bytes     int64

	starts []uint64 // a bit per sentence, set for the first of a paragraph
}

// Len returns the number of sentences.
func (c *Corpus) Len() int { return len(c.sents) }

// Documents returns the corpus's documents in load order. The slice must not
// be modified.
func (c *Corpus) Documents() []Document { return c.docs }

// Skipped returns the files that were not loaded, each with its reason, in
// order of their paths when the corpus comes from LoadContext. They include
// a folder's files of unsupported types (ReasonUnsupported), which a caller
// may prefer to count (Summary) than to list. The slice must not be
// modified.
func (c *Corpus) Skipped() []*FileError { return c.skipped }

// Warnings returns problems that did not stop a file from loading, such as
// unknown front-matter keys.
func (c *Corpus) Warnings() []string { return c.warnings }

// Size returns the total size in bytes of the loaded documents.
func (c *Corpus) Size() int64 { return c.bytes }

// NumParagraphs returns the number of paragraphs.
func (c *Corpus) NumParagraphs() int { return len(c.paraDoc) }

// Text returns the text of sentence id. It panics if id is out of range, as
// a slice index does.
func (c *Corpus) Text(id int) string {
	s := &c.sents[id]
	return c.text[s.start:s.end]
}

// Sentence returns sentence id. It panics if id is out of range.
func (c *Corpus) Sentence(id int) Sentence {
	s := &c.sents[id]
	p := c.ParagraphOf(id)
	d := &c.docs[c.paraDoc[p]]
	off := c.paraOff[p]
	return Sentence{
		ID:       id,
		Doc:      int(c.paraDoc[p]),
		Para:     p,
		Position: id - int(c.paraFirst[p]),
		Text:     c.text[s.start:s.end],
		Start:    int(s.start - off),
		End:      int(s.end - off),
		Source:   Span{int(s.srcStart), int(s.srcStart) + int(s.srcLen)},
		Section:  d.section(c.paraSec[p]),
		Pages:    Pages{d.page(s.firstPage), d.page(s.lastPage())},
	}
}

// Paragraph returns paragraph i. It panics if i is out of range.
func (c *Corpus) Paragraph(i int) Paragraph {
	return Paragraph{
		Doc:     int(c.paraDoc[i]),
		Section: c.docs[c.paraDoc[i]].section(c.paraSec[i]),
		Text:    c.text[c.paraOff[i]:c.paraOff[i+1]],
		First:   int(c.paraFirst[i]),
		End:     int(c.paraFirst[i+1]),
	}
}

// ParagraphOf returns the ID of the paragraph holding sentence id.
func (c *Corpus) ParagraphOf(id int) int {
	// The last paragraph whose first sentence is at or before id: the
	// first p whose next paragraph starts after id, as sort.Search finds
	// it, by a binary search that does not branch on the comparisons (a
	// million sentences' paragraphs are searched for every candidate).
	if len(c.paraDoc) == 0 {
		return 0
	}
	ends := c.paraFirst[1 : len(c.paraDoc)+1]
	lo, n := 0, len(ends)
	for n > 1 {
		half := n / 2
		if int(ends[lo+half-1]) <= id {
			lo += half
		}
		n -= half
	}
	if n == 1 && int(ends[lo]) <= id {
		lo++
	}
	return lo
}

// StartsParagraph reports whether sentence id, from 0 to Len()-1, is the
// first of its paragraph (id-1, and so any sentence before it, is in
// another), in constant time.
func (c *Corpus) StartsParagraph(id int) bool {
	return c.starts[id/64]&(1<<(id%64)) != 0
}

// markStarts makes the bits StartsParagraph reads; every way of making a
// Corpus (Builder.Corpus, ReadSections) calls it.
func (c *Corpus) markStarts() {
	bits := make([]uint64, (len(c.sents)+63)/64)
	for _, f := range c.paraFirst[:len(c.paraDoc)] {
		if int(f) < len(c.sents) {
			bits[f/64] |= 1 << (f % 64)
		}
	}
	c.starts = bits
}

// Citation returns where sentence id comes from.
func (c *Corpus) Citation(id int) Citation {
	s := c.Sentence(id)
	d := &c.docs[s.Doc]
	return Citation{
		Document: d.Name,
		Title:    d.Meta.Title,
		Source:   d.Meta.Source,
		Page:     s.Pages.String(),
		Section:  s.Section,
	}
}

// CitationSpan returns the citation of sentences first to last of one
// paragraph, with the page range they cover together.
func (c *Corpus) CitationSpan(first, last int) Citation {
	cit := c.Citation(first)
	if last != first {
		a, b := c.Sentence(first).Pages, c.Sentence(last).Pages
		cit.Page = Pages{a.First, b.Last}.String()
	}
	return cit
}

func (d *Document) section(i int32) string {
	if i < 0 || int(i) >= len(d.Sections) {
		return ""
	}
	return d.Sections[i]
}

func (d *Document) page(i int32) string {
	if i < 0 || int(i) >= len(d.Pages) {
		return ""
	}
	return d.Pages[i]
}

// FileError is a file that could not be loaded: where it is, the kind of
// problem and what exactly went wrong.
type FileError struct {
	Path string
	// Reason is the kind of problem, for counting (Summary); "" counts as
	// ReasonOther.
	Reason Reason
	Err    error
}

// Error names the file and what went wrong with it.
func (e *FileError) Error() string { return fmt.Sprintf("%s: %v", e.Path, e.Err) }

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }
