package corpus

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Page is one page of a document whose pages are known: a PDF's, or the
// printed pages an EPUB marks.
type Page struct {
	// Text is the page's text, its lines separated by newlines. Form feeds
	// in it are taken out: they separate pages.
	Text string
	// Label is what the page is called in citations ("xii", "T-1", "388");
	// "" leaves it to the page number printed on the page, found as in
	// text, or else to Paged.Physical.
	Label string
}

// Paged is a document read from a format that knows its pages and its
// metadata (PDF, EPUB, HTML), for Builder.AddPages.
type Paged struct {
	// Name identifies the document in citations, Path where it was read
	// from, as for Builder.Add.
	Name, Path string
	// Meta is the document's citation metadata; an empty title is filled
	// in from the text, as for a text file.
	Meta Meta
	// Markdown says the pages' text is Markdown (headings become
	// sections); otherwise it is plain text, as extracted from print.
	Markdown bool
	// Pages are the document's pages in order. A document with one page
	// and no label is cited without pages, unless the text prints them.
	Pages []Page
	// Physical cites a page that has no label and no printed number by its
	// position: 1, 2, 3...
	Physical bool
	// Size is the size of the file the document was read from.
	Size int
	// Sections are the document's outline (a PDF's bookmarks), in order:
	// see Section. Entries on pages out of range are ignored.
	Sections []Section
	// Warnings are problems that did not stop the document from loading
	// ("no text on pages 3–9"); AddPages records them with Builder.Warn,
	// after the document's path, once the document is added.
	Warnings []string
}

// Section is an entry of a document's outline: a heading and the page it
// starts on. Its paragraphs are cited with the heading as their section,
// from the line on that page that reads as the heading (ignoring case,
// spacing and punctuation, on one line or two), which is then taken out of
// the text, or else from the page's first line, up to the next section.
type Section struct {
	// Page is the index in Paged.Pages of the page the section starts on.
	Page int
	// Title is the section's heading.
	Title string
}

// ErrNoPages is returned by AddPages for a document without pages.
var ErrNoPages = errors.New("the document has no pages")

// AddPages adds a document whose pages are known. Its pages' text goes
// through the same steps as a text file's (page furniture, reflowing,
// rejoining broken words, sentences), and a sentence is cited with the
// label of the page it is printed on: the page's Label, else the number
// printed on the page, else, with Physical, its position. A document that
// cannot be used returns a *FileError saying why, and the corpus is left
// unchanged.
func (b *Builder) AddPages(d Paged) error {
	return b.AddPagesContext(context.Background(), d)
}

// AddPagesContext is AddPages stopping soon after ctx is cancelled, with
// ctx's error and the corpus unchanged.
func (b *Builder) AddPagesContext(ctx context.Context, d Paged) error {
	if b.done {
		return &FileError{Path: d.Path, Reason: ReasonOther, Err: errors.New("corpus.Builder used after Corpus")}
	}
	if len(d.Pages) == 0 {
		return &FileError{Path: d.Path, Reason: ReasonNoText, Err: ErrNoPages}
	}
	pg := &paging{meta: d.Meta, markdown: d.Markdown, physical: d.Physical, labels: make([]string, len(d.Pages)), sections: d.Sections}
	var text strings.Builder
	for i, p := range d.Pages {
		if i > 0 {
			text.WriteByte('\f')
		}
		pg.starts = append(pg.starts, text.Len())
		pg.labels[i] = strings.TrimSpace(p.Label)
		t := strings.ReplaceAll(p.Text, "\f", "\n")
		text.WriteString(t)
		if !strings.HasSuffix(t, "\n") {
			text.WriteByte('\n')
		}
	}
	in := &interrupt{ctx: ctx}
	data := []byte(text.String())
	before := len(b.c.docs)
	if err := b.addText(in, d.Name, d.Path, data, pg); err != nil {
		if in.err != nil {
			return in.err
		}
		return &FileError{Path: d.Path, Reason: reasonOf(err), Err: err}
	}
	if d.Size > 0 && len(b.c.docs) > before {
		doc := &b.c.docs[len(b.c.docs)-1]
		b.c.bytes += int64(d.Size - doc.Size)
		doc.Size = d.Size
	}
	for _, w := range d.Warnings {
		b.Warn(d.Path + ": " + w)
	}
	return nil
}

// paging is what AddPages knows of a document's pages.
type paging struct {
	meta     Meta
	markdown bool
	physical bool
	starts   []int    // where each page starts in the joined text
	labels   []string // each page's label, "" if unknown
	sections []Section
}

// pageAt returns the page holding byte off of the joined text.
func (pg *paging) pageAt(off int) int {
	return sort.Search(len(pg.starts), func(i int) bool { return pg.starts[i] > off }) - 1
}

// apply gives each page the layout found its known label: the page of its
// first line of text.
func (pg *paging) apply(lines []rawLine, lay *pageLayout) {
	first := make([]int, len(lay.labels)) // each page's first line of text, -1 for none
	for p := range first {
		first[p] = -1
	}
	for i := range lines {
		if p := lay.page[i]; p < len(first) && first[p] < 0 && !lines[i].blank() {
			first[p] = i
		}
	}
	for p, i := range first {
		if i < 0 {
			continue
		}
		src := pg.pageAt(lines[i].off)
		switch {
		case pg.labels[src] != "":
			lay.labels[p] = pg.labels[src]
		case lay.labels[p] == "" && pg.physical:
			lay.labels[p] = strconv.Itoa(src + 1)
		}
	}
}

// sectionStart is where a section of the outline starts: at line, which
// with heading set is the section's heading (and lines more after it).
type sectionStart struct {
	title   string
	heading bool
	lines   int // the heading's lines
}

// sectionStarts finds the line each of the outline's sections starts at:
// the first line on its page that reads as its title alone or with the
// next line, else the page's first line. Several sections may start at one
// line, in the outline's order.
func (pg *paging) sectionStarts(lines []rawLine) map[int][]sectionStart {
	if len(pg.sections) == 0 {
		return nil
	}
	// Each page's lines: [first[p], first[p+1]).
	first := make([]int, len(pg.starts)+1)
	for p := range first {
		first[p] = len(lines)
	}
	for i := len(lines) - 1; i >= 0; i-- {
		first[pg.pageAt(lines[i].off)] = i
	}
	for p := len(first) - 2; p >= 0; p-- {
		first[p] = min(first[p], first[p+1])
	}
	out := map[int][]sectionStart{}
	for _, s := range pg.sections {
		title := headingKey(s.Title)
		if s.Page < 0 || s.Page >= len(pg.starts) || title == "" {
			continue
		}
		start := sectionStart{title: s.Title}
		at := first[s.Page]
		for i := at; i < first[s.Page+1]; i++ {
			if lines[i].blank() {
				continue
			}
			// A heading may look like furniture ("CHAPTER 2"): the outline
			// says what it is.
			key := headingKey(lines[i].text)
			if sameHeading(key, title) {
				start.heading, start.lines, at = true, 1, i
				break
			}
			if j := nextText(lines, i); j > 0 && j < first[s.Page+1] && sameHeading(key+" "+headingKey(lines[j].text), title) {
				start.heading, start.lines, at = true, j-i+1, i
				break
			}
		}
		if at < len(lines) {
			out[at] = append(out[at], start)
		}
	}
	return out
}

// hideHeadings returns lines with the outline's headings blanked, or lines
// itself when there are none.
func hideHeadings(lines []rawLine, sections map[int][]sectionStart) []rawLine {
	var out []rawLine
	for i, starts := range sections {
		for _, s := range starts {
			if !s.heading {
				continue
			}
			if out == nil {
				out = slices.Clone(lines)
			}
			for j := i; j < i+s.lines; j++ {
				out[j].text = ""
			}
		}
	}
	if out == nil {
		return lines
	}
	return out
}

// headingKey is how a heading is compared with a line: lower case, its
// words of letters and digits separated by single spaces.
func headingKey(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// sameHeading reports whether the line whose headingKey is line prints the
// heading whose key is title, with or without its number: "1.1.9
// Recovering a sane console", "Chapter 2 The Return".
func sameHeading(line, title string) bool {
	return line == title || unnumbered(line) == title || line == unnumbered(title)
}

// unnumbered returns a heading's key without the number before it: "1 1 9
// x" and "chapter 2 x" become "x"; "appendix a x", "iv x" too.
func unnumbered(key string) string {
	words := strings.Split(key, " ")
	i := 0
	if len(words) > 2 {
		switch words[0] {
		case "chapter", "part", "section", "appendix", "book", "lecture", "lesson":
			i = 1
			if len(words[1]) == 1 {
				i = 2 // "appendix a"
			}
		}
	}
	for i < len(words)-1 && (isDigits(words[i]) || isRomanNumeral(words[i])) {
		i++
	}
	return strings.Join(words[i:], " ")
}
