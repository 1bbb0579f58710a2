package corpus

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
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
	pg := &paging{meta: d.Meta, markdown: d.Markdown, physical: d.Physical, labels: make([]string, len(d.Pages))}
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
	return nil
}

// paging is what AddPages knows of a document's pages.
type paging struct {
	meta     Meta
	markdown bool
	physical bool
	starts   []int    // where each page starts in the joined text
	labels   []string // each page's label, "" if unknown
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
