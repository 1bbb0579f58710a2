package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// Errors a PDF can fail with; FileError wraps them, with a Reason of its
// own for each.
var (
	// ErrEncrypted is the error for a PDF that needs a password
	// (ReasonEncrypted). One that only restricts printing or copying, with
	// an owner password, is read.
	ErrEncrypted = errors.New("encrypted: lectern cannot read a PDF that needs a password; save an unprotected copy")
	// ErrDamaged is wrapped by the error for a PDF whose structure cannot
	// be read (ReasonDamaged), which says what is wrong.
	ErrDamaged = errors.New("damaged PDF")
	// ErrScanned is wrapped by the error for a PDF with no text on any
	// page (ReasonScanned), which names the pages.
	ErrScanned = errors.New("it looks scanned")
	// ErrTimeout is wrapped by the error for a PDF that took longer to
	// read than PDFTimeout and PDFTimeoutPerPage allow (ReasonTimeout).
	ErrTimeout = errors.New("timed out")
)

// Time limits for reading one PDF: PDFTimeout to open it, and PDFTimeout
// plus PDFTimeoutPerPage for each of its pages to read it all, 10 to 25
// times what a page usually takes. A PDF still being read then is skipped
// with ErrTimeout; PDFium is stopped at once, even in the middle of a page.
// The PDF engine's start, seconds the first time a process reads a
// PDF, does not count.
const (
	PDFTimeout        = 30 * time.Second
	PDFTimeoutPerPage = 250 * time.Millisecond
)

// pdfTimeout and pdfTimeoutPerPage are the limits in force: tests shorten
// them.
var pdfTimeout, pdfTimeoutPerPage = PDFTimeout, PDFTimeoutPerPage

// Limits on what is read of one PDF.
const (
	// MaxPDFPages is the most pages a PDF may have: a larger count is a
	// damaged page tree more often than a real document.
	MaxPDFPages = 100_000
	// maxPageChars is the most characters read of one page: a dense page
	// holds some 5,000.
	maxPageChars = 1 << 20
	// maxPDFTextRatio bounds a PDF's text, in bytes, at this many times the
	// file's size (plus maxPDFTextFloor): a PDF's text is usually smaller
	// than the file, but one built to expand (a page drawn a million times)
	// is cut short there, with a warning.
	maxPDFTextRatio = 8
	maxPDFTextFloor = 16 << 20
	// maxPDFFailures is how many pages in a row may fail to load before the
	// rest of the document is given up.
	maxPDFFailures = 100
	// maxOutline and maxOutlineDepth bound the outline read: an outline
	// whose entries loop would otherwise never end.
	maxOutline      = 4096
	maxOutlineDepth = 16
	// maxRanges is how many ranges of pages a message lists.
	maxRanges = 8
)

// readPDF reads the PDF data, the file at path called name, with PDFium:
// each page's text and label, the outline as sections, the title, author
// and language. Pages without text are reported in a warning; a PDF
// without text at all, encrypted, damaged or too slow to read is a
// *FileError saying what to do. Once ctx is cancelled it stops within
// milliseconds with ctx's error.
func readPDF(ctx context.Context, name, path string, data []byte) (*Paged, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FileError{Path: path, Reason: ReasonEmpty, Err: ErrEmpty}
	}
	// PDFium looks for the header in the first KiB, as Acrobat does.
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return nil, damaged(path, "not a PDF file: it does not start with %PDF-; if it is another kind of file, give it the right extension")
	}
	pool, err := pdfPool(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &FileError{Path: path, Reason: ReasonOther, Err: err}
	}
	inst, err := pool.GetInstanceWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &FileError{Path: path, Reason: ReasonOther, Err: fmt.Errorf("%w: %w", errPDFEngine, err)}
	}
	r := &pdfReader{inst: inst, parent: ctx, start: time.Now(), killed: make(chan struct{})}
	r.limit(0)
	d, err := r.read(name, path, data)
	expired := r.alive() != nil
	r.release(len(data) <= pdfKeepBytes)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case expired:
			return nil, &FileError{Path: path, Reason: ReasonTimeout, Err: fmt.Errorf(
				"%w: still reading after %s, the limit for a PDF of %s; it may be damaged, or built in a way that is slow to read: print it to a new PDF and add that",
				ErrTimeout, r.timeout.Round(time.Second), plural(r.pages, "page"))}
		}
		return nil, err
	}
	return d, nil
}

// damaged returns the error for a damaged PDF at path, why saying what is
// wrong.
func damaged(path, why string) *FileError {
	return &FileError{Path: path, Reason: ReasonDamaged, Err: fmt.Errorf("%w: %s", ErrDamaged, why)}
}

// pdfReader reads one document with a worker of the PDF engine, within
// the document's time limit.
type pdfReader struct {
	inst   pdfium.Pdfium
	doc    references.FPDF_DOCUMENT
	failed bool // the engine failed: the worker is not to be kept

	// The time limit: ctx ends at start plus timeout (or with parent), and
	// then kills the worker, which stops PDFium wherever it is.
	parent  context.Context
	start   time.Time
	timeout time.Duration
	pages   int
	ctx     context.Context
	cancel  context.CancelFunc
	stop    func() bool
	kill    sync.Once
	killed  chan struct{}
}

// limit sets the time limit for a document of pages pages.
func (r *pdfReader) limit(pages int) {
	if r.stop != nil {
		if !r.stop() {
			return // already killed
		}
		r.cancel()
	}
	r.pages = pages
	r.timeout = pdfTimeout + time.Duration(pages)*pdfTimeoutPerPage
	r.ctx, r.cancel = context.WithDeadline(r.parent, r.start.Add(r.timeout))
	r.stop = context.AfterFunc(r.ctx, r.killWorker)
}

// killWorker stops the worker, in the middle of a call if need be, and
// drops it: the pool starts a new one when it needs one.
func (r *pdfReader) killWorker() {
	r.kill.Do(func() {
		r.inst.Kill()
		close(r.killed)
	})
}

// release hands the worker back to the pool for the next document, or
// drops it unless keep or if PDFium failed.
func (r *pdfReader) release(keep bool) {
	if !r.stop() {
		<-r.killed // killed by the time limit: wait till it is done
		r.cancel()
		return
	}
	r.cancel()
	if r.doc != "" && keep && !r.failed {
		if _, err := r.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: r.doc}); err != nil {
			keep = false
		}
	}
	if keep && !r.failed {
		r.inst.Close()
		return
	}
	r.killWorker()
}

// alive reports an error once the document's time is up or its context
// cancelled.
func (r *pdfReader) alive() error { return r.ctx.Err() }

// read reads the document.
func (r *pdfReader) read(name, path string, data []byte) (d *Paged, err error) {
	defer func() {
		// go-pdfium turns PDFium's panics into errors; this is for any
		// that slips through, as PDFium reads whatever a file holds.
		if p := recover(); p != nil {
			r.failed = true
			d, err = nil, damaged(path, fmt.Sprintf("PDFium failed on it (%v)", p))
		}
	}()
	doc, err := r.inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		if e := r.alive(); e != nil {
			return nil, e
		}
		return nil, r.openError(path, err)
	}
	r.doc = doc.Document
	count, err := r.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: r.doc})
	switch {
	case err != nil:
		r.failed = true
		return nil, damaged(path, fmt.Sprintf("its pages cannot be counted (%v)", err))
	case count.PageCount <= 0:
		return nil, damaged(path, "it has no pages")
	case count.PageCount > MaxPDFPages:
		return nil, damaged(path, fmt.Sprintf("it claims %d pages, more than the %d lectern reads; if it is real, split it", count.PageCount, MaxPDFPages))
	}
	n := count.PageCount
	r.limit(n)

	d = &Paged{Name: name, Path: path, Physical: true, Size: len(data), Pages: make([]Page, n)}
	d.Meta = r.meta()
	lines, unreadable, cut, err := r.readPages(d, len(data))
	if err != nil {
		return nil, err
	}
	head, heads := removeRunningHeads(lines, pageLabels(d.Pages))
	var empty []int // pages read, with no text but furniture
	for i, l := range lines {
		switch {
		case hasText(l):
			d.Pages[i].Text = joinPDFLines(l)
		case l != nil:
			empty = append(empty, i)
		}
	}
	if len(empty)+len(unreadable) == n {
		if len(unreadable) == n {
			return nil, damaged(path, "PDFium cannot read any of its pages")
		}
		return nil, &FileError{Path: path, Reason: ReasonScanned, Err: fmt.Errorf(
			"no text on %s %s: %w; run OCR first (for example ocrmypdf) and add the result",
			pagesWord(empty), pageRanges(empty, maxRanges), ErrScanned)}
	}
	if d.Meta.Title == "" && heads*3 >= n-len(empty) {
		// A running head on a third of the pages or more: the book's title.
		d.Meta.Title = titleCase(head)
	}
	d.Sections = r.outline(n)
	if len(empty) > 0 {
		d.Warnings = append(d.Warnings, fmt.Sprintf("no text on %s %s (scanned or blank; if they hold text, run OCR on the file and add the result)",
			pagesWord(empty), pageRanges(empty, maxRanges)))
	}
	switch {
	case cut:
		d.Warnings = append(d.Warnings, fmt.Sprintf("text cut short after %s: the PDF expands to more than %d times its size", plural(n-len(unreadable), "page"), maxPDFTextRatio))
	case len(unreadable) > 0:
		d.Warnings = append(d.Warnings, fmt.Sprintf("%s %s could not be read: the file is damaged there", pagesWord(unreadable), pageRanges(unreadable, maxRanges)))
	}
	if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
		d.Warnings = append(d.Warnings, "the file looks truncated (it does not end with %%EOF): pages or text may be missing; download or save it again")
	}
	return d, nil
}

// readPages reads the label and lines of each page of d, a PDF of size
// bytes, without its label printed alone at its head or foot. A page that
// cannot be read is left nil, and listed in unreadable; so are the pages
// after maxPDFFailures such pages in a row, and those after the text
// outgrows its bound (see maxPDFTextRatio), which sets cut. Its error is
// the time limit's.
func (r *pdfReader) readPages(d *Paged, size int) (lines [][]string, unreadable []int, cut bool, err error) {
	n := len(d.Pages)
	lines = make([][]string, n)
	text, maxText := 0, maxPDFTextFloor+maxPDFTextRatio*size
	failures := 0
	for i := range n {
		hook("page", d.Path)
		if err := r.alive(); err != nil {
			return nil, nil, false, err
		}
		if failures == maxPDFFailures || text > maxText {
			cut = text > maxText
			for ; i < n; i++ {
				unreadable = append(unreadable, i)
			}
			break
		}
		d.Pages[i].Label = r.label(i)
		pl, err := r.pageText(i)
		if err != nil {
			if e := r.alive(); e != nil {
				return nil, nil, false, e
			}
			r.failed = true
			failures++
			unreadable = append(unreadable, i)
			continue
		}
		failures = 0
		lines[i] = removeLabel(pdfPageLines(pl), d.Pages[i].Label)
		if lines[i] == nil {
			lines[i] = []string{} // read, and empty
		}
		for _, l := range lines[i] {
			text += len(l) + 1
		}
	}
	return lines, unreadable, cut, nil
}

// pageLabels returns the labels of pages.
func pageLabels(pages []Page) []string {
	labels := make([]string, len(pages))
	for i, p := range pages {
		labels[i] = p.Label
	}
	return labels
}

// openError explains why PDFium could not open a document.
func (r *pdfReader) openError(path string, err error) error {
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword):
		return &FileError{Path: path, Reason: ReasonEncrypted, Err: ErrEncrypted}
	case errors.Is(err, pdfiumerrors.ErrSecurity):
		return &FileError{Path: path, Reason: ReasonEncrypted, Err: fmt.Errorf("%w (its encryption is of a kind PDFium does not know)", ErrEncrypted)}
	case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile), errors.Is(err, pdfiumerrors.ErrUnknown), errors.Is(err, pdfiumerrors.ErrPage):
		return damaged(path, "PDFium cannot read its structure: it may be truncated or corrupt; download or save it again")
	}
	r.failed = true
	return damaged(path, fmt.Sprintf("PDFium failed on it (%v)", err))
}

// meta returns the document's title, author and language.
func (r *pdfReader) meta() Meta {
	text := func(tag string) string {
		m, err := r.inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: r.doc, Tag: tag})
		if err != nil {
			return ""
		}
		return cleanMeta(m.Value)
	}
	m := Meta{Title: pdfTitle(text("Title")), Author: text("Author")}
	if l, err := r.inst.FPDFCatalog_GetLanguage(&requests.FPDFCatalog_GetLanguage{Document: r.doc}); err == nil {
		if lang := cleanMeta(l.Language); len(lang) <= 35 {
			m.Language = lang
		}
	}
	return m
}

// cleanMeta returns a metadata string on one line, without control
// characters, at most 300 bytes long.
func cleanMeta(s string) string {
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\ufffe' || r == '\ufeff' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))), " ")
	if len(s) > 300 {
		s = s[:300]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// label returns page i's label, "" if it has none.
func (r *pdfReader) label(i int) string {
	l, err := r.inst.FPDF_GetPageLabel(&requests.FPDF_GetPageLabel{Document: r.doc, Page: i})
	if err != nil {
		return ""
	}
	return cleanMeta(l.Label)
}

// pageText returns page i's lines as PDFium reads them, with where each
// stands on the page.
func (r *pdfReader) pageText(i int) ([]pdfLine, error) {
	page := requests.Page{ByIndex: &requests.PageByIndex{Document: r.doc, Index: i}}
	tp, err := r.inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: page})
	if err != nil {
		return nil, err
	}
	defer r.inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	count, err := r.inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return nil, err
	}
	if count.Count <= 0 {
		return nil, nil
	}
	t, err := r.inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: min(count.Count, maxPageChars)})
	if err != nil {
		return nil, err
	}
	text, positions := t.Text, true
	if strings.ContainsFunc(text, func(r rune) bool { return r > 0xFFFF }) {
		// FPDFText_GetText counts UTF-16 units: characters outside the
		// BMP take two, and as many would be lost at the page's end. Read
		// them one by one instead.
		pt, err := r.inst.GetPageText(&requests.GetPageText{Page: page})
		if err != nil {
			return nil, err
		}
		text, positions = pt.Text, false
	}
	var lines []pdfLine
	at := 0 // the line's first character's index in the text
	for l := range strings.SplitSeq(text, "\r\n") {
		y := math.NaN()
		if positions && l != "" {
			if ci, err := r.inst.FPDFText_GetCharIndexFromTextIndex(&requests.FPDFText_GetCharIndexFromTextIndex{TextPage: tp.TextPage, NTextIndex: at}); err == nil {
				if o, err := r.inst.FPDFText_GetCharOrigin(&requests.FPDFText_GetCharOrigin{TextPage: tp.TextPage, Index: ci.CharIndex}); err == nil {
					y = o.Y
				}
			}
		}
		lines = append(lines, pdfLine{text: l, y: y})
		at += utf8.RuneCountInString(l) + 2
	}
	return lines, nil
}

// outline returns the document's outline as sections of its n pages, in
// page order: every entry at every level that leads to a page.
func (r *pdfReader) outline(n int) []Section {
	var out []Section
	seen := map[Section]bool{}
	entries := 0
	var walk func(parent *references.FPDF_BOOKMARK, depth int)
	walk = func(parent *references.FPDF_BOOKMARK, depth int) {
		if depth > maxOutlineDepth || r.alive() != nil {
			return
		}
		first, err := r.inst.FPDFBookmark_GetFirstChild(&requests.FPDFBookmark_GetFirstChild{Document: r.doc, Bookmark: parent})
		if err != nil || first.Bookmark == nil {
			return
		}
		b := *first.Bookmark
		for entries < maxOutline && r.alive() == nil {
			entries++
			if t, err := r.inst.FPDFBookmark_GetTitle(&requests.FPDFBookmark_GetTitle{Bookmark: b}); err == nil {
				s := Section{Page: r.bookmarkPage(b), Title: cleanMeta(t.Title)}
				if s.Page >= 0 && s.Page < n && s.Title != "" && !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
			walk(&b, depth+1)
			next, err := r.inst.FPDFBookmark_GetNextSibling(&requests.FPDFBookmark_GetNextSibling{Document: r.doc, Bookmark: b})
			if err != nil || next.Bookmark == nil {
				return
			}
			b = *next.Bookmark
		}
	}
	walk(nil, 0)
	slices.SortStableFunc(out, func(a, b Section) int { return a.Page - b.Page })
	return out
}

// bookmarkPage returns the index of the page an outline entry leads to,
// through its destination or its go-to action, or -1.
func (r *pdfReader) bookmarkPage(b references.FPDF_BOOKMARK) int {
	var dest *references.FPDF_DEST
	if d, err := r.inst.FPDFBookmark_GetDest(&requests.FPDFBookmark_GetDest{Document: r.doc, Bookmark: b}); err == nil && d.Dest != nil {
		dest = d.Dest
	} else if a, err := r.inst.FPDFBookmark_GetAction(&requests.FPDFBookmark_GetAction{Bookmark: b}); err == nil && a.Action != nil {
		if t, err := r.inst.FPDFAction_GetType(&requests.FPDFAction_GetType{Action: *a.Action}); err == nil && t.Type == enums.FPDF_ACTION_ACTION_GOTO {
			if d, err := r.inst.FPDFAction_GetDest(&requests.FPDFAction_GetDest{Document: r.doc, Action: *a.Action}); err == nil && d.Dest != nil {
				dest = d.Dest
			}
		}
	}
	if dest == nil {
		return -1
	}
	p, err := r.inst.FPDFDest_GetDestPageIndex(&requests.FPDFDest_GetDestPageIndex{Document: r.doc, Dest: *dest})
	if err != nil {
		return -1
	}
	return p.Index
}
