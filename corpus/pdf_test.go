package corpus_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lectern/corpus"
)

// The PDF files in testdata/pdf are made by testdata/pdf/gen (see its doc
// comment for what each holds); the golden files beside them show what a
// reader of each sees. Run "go test ./corpus -run PDFGolden -update" to
// rewrite them after a deliberate change, and read the diff.

// pdfView writes what a reader of a corpus loaded from one PDF sees: the
// document's metadata, its warnings, then each sentence under its page and
// section (a line in brackets each time they change).
func pdfView(c *corpus.Corpus) []byte {
	var b bytes.Buffer
	for _, d := range c.Documents() {
		fmt.Fprintf(&b, "document %q\ntitle %q\nsource %q\nauthor %q\nlanguage %q\npages %q\nsections %q\n",
			d.Name, d.Meta.Title, d.Meta.Source, d.Meta.Author, d.Meta.Language, d.Pages, d.Sections)
		for _, w := range c.Warnings() {
			fmt.Fprintf(&b, "warning %q\n", w)
		}
		last := ""
		for id := d.First; id < d.End; id++ {
			cit := c.Citation(id)
			if at := fmt.Sprintf("[page %q, section %q]", cit.Page, cit.Section); at != last {
				fmt.Fprintf(&b, "\n%s\n", at)
				last = at
			}
			fmt.Fprintf(&b, "\t%s\n", c.Text(id))
		}
	}
	return b.Bytes()
}

// loadPDF loads the one file at path, failing the test if it takes more
// than a minute: a PDF must never hang the load.
func loadPDF(t *testing.T, path string) (*corpus.Corpus, error) {
	t.Helper()
	type result struct {
		c   *corpus.Corpus
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := corpus.LoadContext(context.Background(), path, corpus.LoadOptions{})
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-time.After(time.Minute):
		t.Fatalf("LoadContext(%q) still running after a minute", path)
		return nil, nil
	}
}

func TestPDFGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/pdf/*.pdf")
	if err != nil || len(files) == 0 {
		t.Fatalf("no PDF files in testdata/pdf (%v)", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			c, err := loadPDF(t, file)
			var got []byte
			if err != nil {
				got = []byte(fmt.Sprintf("error %q\n", err))
			} else {
				got = pdfView(c)
			}
			compareGolden(t, strings.TrimSuffix(file, ".pdf")+".golden", got)
		})
	}
}

// TestPDFCitations checks by rule what the golden files show by example.
func TestPDFCitations(t *testing.T) {
	tests := []struct {
		file, sentence string // a sentence starting so
		page, section  string
	}{
		// Page labels: Roman front matter, Arabic pages, a prefix.
		{"book.pdf", "This short book tells how printing came to Europe", "i", "Preface"},
		{"book.pdf", "The author thanks the compositors", "ii", "Preface"},
		// A word broken across lines rejoined; a compound keeps its hyphen.
		{"book.pdf", "The press changed the economics of printing for good:", "1", "The Press"},
		{"book.pdf", "Many of the early printers were self-taught craftsmen", "1", "The Press"},
		// Two columns read in order: the sentence runs from one to the other.
		{"book.pdf", "The compositor stood at a case of type and picked the letters one by one into a composing stick,", "2", "Movable Type"},
		{"book.pdf", "Peter Schöffer, who had worked with Gutenberg,", "3", "Paper and Ink"},
		{"book.pdf", "Mainz had a press by 1450", "T-1", "Tables"},
		// No labels: the number printed on the page, at its foot or head.
		{"printed.pdf", "A founder could cast several thousand letters", "42", ""},
		{"heads.pdf", "One man inked the forme", "43", ""},
		// Neither: the page's position.
		{"physical.pdf", "The second sheet lists the books", "2", ""},
		// Only an owner password: read as any PDF.
		{"owner-only.pdf", "Paper mills followed the presses north", "43", ""},
	}
	corpora := map[string]*corpus.Corpus{}
	for _, tt := range tests {
		c := corpora[tt.file]
		if c == nil {
			var err error
			if c, err = loadPDF(t, filepath.Join("testdata", "pdf", tt.file)); err != nil {
				t.Fatal(err)
			}
			corpora[tt.file] = c
		}
		found := false
		for id := range c.Len() {
			if !strings.HasPrefix(c.Text(id), tt.sentence) {
				continue
			}
			found = true
			if cit := c.Citation(id); cit.Page != tt.page || cit.Section != tt.section {
				t.Errorf("%s: Citation of %q = page %q, section %q; want %q, %q", tt.file, c.Text(id), cit.Page, cit.Section, tt.page, tt.section)
			}
		}
		if !found {
			t.Errorf("%s: no sentence starts %q", tt.file, tt.sentence)
		}
	}

	book := corpora["book.pdf"]
	d := book.Documents()[0]
	if d.Meta.Title != "A History of Printing" || d.Meta.Author != "Jane Compositor" || d.Meta.Language != "en-GB" {
		t.Errorf("book.pdf: Meta = %+v; want its title, author and language", d.Meta)
	}
	if want := []string{"Preface", "The Press", "Movable Type", "Paper and Ink", "Tables"}; !equalStrings(d.Sections, want) {
		t.Errorf("book.pdf: Sections = %q; want the outline %q", d.Sections, want)
	}
	if w := book.Warnings(); len(w) != 1 || !strings.Contains(w[0], "book.pdf: no text on page 6 ") {
		t.Errorf("book.pdf: Warnings() = %q; want the page without text", w)
	}
	for name, c := range corpora {
		for id := range c.Len() {
			// Running heads, printed page numbers and outline headings are
			// not sentences.
			s := c.Text(id)
			if strings.Contains(s, "HISTORY OF PRINTING") || strings.Contains(s, "THE PRESS") || s == "Preface" ||
				strings.HasPrefix(s, "The Press ") || strings.HasPrefix(s, "i ") || strings.HasSuffix(s, " ii") {
				t.Errorf("%s: sentence %q holds page furniture or a heading", name, s)
			}
		}
	}
	if got := corpora["printed.pdf"].Documents()[0].Meta.Title; got != "A History of Printing" {
		t.Errorf("printed.pdf: title = %q; want the running head, as the file has no title", got)
	}
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

func TestPDFErrors(t *testing.T) {
	book, err := os.ReadFile("testdata/pdf/book.pdf")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		data   []byte
		reason corpus.Reason
		is     error
		msg    string
	}{
		{"encrypted.pdf", read(t, "testdata/pdf/encrypted.pdf"), corpus.ReasonEncrypted, corpus.ErrEncrypted,
			"encrypted: lectern cannot read a PDF that needs a password; save an unprotected copy"},
		{"scanned.pdf", read(t, "testdata/pdf/scanned.pdf"), corpus.ReasonScanned, corpus.ErrScanned,
			"no text on pages 1–3: it looks scanned; run OCR first (for example ocrmypdf) and add the result"},
		{"empty.pdf", nil, corpus.ReasonEmpty, corpus.ErrEmpty, ""},
		{"header.pdf", []byte("%PDF-1.4\n"), corpus.ReasonDamaged, corpus.ErrDamaged, "damaged PDF: PDFium cannot read its structure"},
		{"page.pdf", []byte("<!DOCTYPE html><html><body>A web page saved as PDF.</body></html>"), corpus.ReasonDamaged, corpus.ErrDamaged,
			"damaged PDF: not a PDF file: it does not start with %PDF-"},
		{"first-kib.pdf", book[:1024], corpus.ReasonDamaged, corpus.ErrDamaged, "damaged PDF: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.name)
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := loadPDF(t, path)
			var fe *corpus.FileError
			switch {
			case !errors.As(err, &fe):
				t.Fatalf("LoadContext(%s) = %v; want a *FileError", tt.name, err)
			case fe.Path != path || !strings.Contains(err.Error(), path):
				t.Errorf("LoadContext(%s) = %v; want an error naming %s", tt.name, err, path)
			case fe.Reason != tt.reason || !errors.Is(err, tt.is):
				t.Errorf("LoadContext(%s) = %v (%s); want reason %q, wrapping %v", tt.name, err, fe.Reason, tt.reason, tt.is)
			case !strings.Contains(err.Error(), tt.msg):
				t.Errorf("LoadContext(%s) = %v; want it to say %q", tt.name, err, tt.msg)
			}
		})
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// damagedPDFs returns broken copies of the PDF data: cut short, bytes
// changed, its cross-reference table lost.
func damagedPDFs(data []byte) map[string][]byte {
	out := map[string][]byte{}
	for _, cut := range []int{10, 25, 50, 75, 90, 99} {
		out[fmt.Sprintf("cut-%d%%", cut)] = data[:len(data)*cut/100]
	}
	out["cut-eof"] = data[:len(data)-8]
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 12 {
		d := bytes.Clone(data)
		for range 1 + i*4 {
			d[rng.IntN(len(d))] = byte(rng.IntN(256))
		}
		out[fmt.Sprintf("flip-%d", i)] = d
	}
	if i := bytes.LastIndex(data, []byte("startxref")); i >= 0 {
		out["startxref"] = append(bytes.Clone(data[:i]), []byte("startxref\n999999999\n%%EOF\n")...)
	}
	if i := bytes.Index(data, []byte("xref")); i >= 0 {
		out["no-xref"] = append(bytes.Clone(data[:i]), []byte("%%EOF\n")...)
	}
	out["lengths"] = bytes.ReplaceAll(data, []byte("/Length "), []byte("/Length 9"))
	out["count"] = bytes.Replace(data, []byte("/Count 7 >>"), []byte("/Count 99999 >>"), 1)
	return out
}

// TestPDFDamaged reads damaged copies of the test PDFs: each either loads,
// with a warning if it is cut short, or is skipped with a *FileError
// naming it; none panics or hangs.
func TestPDFDamaged(t *testing.T) {
	for _, src := range []string{"book.pdf", "encrypted.pdf"} {
		for name, data := range damagedPDFs(read(t, filepath.Join("testdata", "pdf", src))) {
			t.Run(src+"/"+name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), name+".pdf")
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
				c, err := loadPDF(t, path)
				if err != nil {
					var fe *corpus.FileError
					if !errors.As(err, &fe) || fe.Path != path || !strings.Contains(err.Error(), path) {
						t.Errorf("LoadContext(%s) = %v; want a *FileError naming it", name, err)
					}
					return
				}
				if strings.HasPrefix(name, "cut-") && len(c.Warnings()) == 0 {
					t.Errorf("LoadContext(%s) loaded without a warning; want one that it looks truncated", name)
				}
			})
		}
	}
}

// TestPDFOutlineLoop reads a PDF whose outline goes round in circles.
func TestPDFOutlineLoop(t *testing.T) {
	c, err := loadPDF(t, "testdata/pdf/loop.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Documents()[0].Sections, []string{"Round", "And Round"}; !equalStrings(got, want) {
		t.Errorf("Sections = %q; want %q, each once", got, want)
	}
}

// TestPDFFolder loads a folder with a good PDF, a damaged one and a text
// file: the good ones load, the damaged one is skipped with its reason.
func TestPDFFolder(t *testing.T) {
	dir := t.TempDir()
	book := read(t, "testdata/pdf/book.pdf")
	for name, data := range map[string][]byte{
		"book.pdf":      book,
		"damaged.pdf":   book[:300],
		"encrypted.pdf": read(t, "testdata/pdf/encrypted.pdf"),
		"notes.txt":     []byte("Gutenberg printed his Bible in Mainz.\n"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := loadPDF(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range c.Documents() {
		names = append(names, d.Name)
	}
	if want := []string{"book.pdf", "notes.txt"}; !equalStrings(names, want) {
		t.Errorf("Documents() = %q; want %q", names, want)
	}
	reasons := map[string]corpus.Reason{}
	for _, fe := range c.Skipped() {
		reasons[filepath.Base(fe.Path)] = fe.Reason
	}
	if want := map[string]corpus.Reason{"damaged.pdf": corpus.ReasonDamaged, "encrypted.pdf": corpus.ReasonEncrypted}; fmt.Sprint(reasons) != fmt.Sprint(want) {
		t.Errorf("Skipped() = %v; want %v", reasons, want)
	}
	if got, want := c.Summary().String(), "skipped 2: 1 encrypted, 1 damaged"; !strings.HasSuffix(got, want) {
		t.Errorf("Summary() = %q; want it to end %q", got, want)
	}
}

// TestTextDoesNotStartPDFEngine loads text, Markdown and a file named .pdf
// that is no PDF: none of them asks for the PDF engine.
func TestTextDoesNotStartPDFEngine(t *testing.T) {
	uses, started := corpus.PDFEngineUses()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"a.txt":     "Type was cast from lead.\n",
		"b.md":      "# Paper\n\nPaper came from the east.\n",
		"not-a.pdf": "This is text, named as a PDF by mistake.\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := corpus.Load(dir); err != nil {
		t.Fatal(err)
	}
	corpus.Default()
	if u, s := corpus.PDFEngineUses(); u != uses || s != started {
		t.Errorf("after loading text: PDF engine asked for %d times, started %v; want %d, %v", u-uses, s, 0, started)
	}
}

// manyPages returns a PDF of n pages of text.
func manyPages(n int) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	kids := make([]string, n)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	for i := range n {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		content := fmt.Sprintf("BT /F1 10 Tf 14 TL 72 700 Td (This is page %d of a long document.) Tj T* (It goes on and on, page after page.) Tj ET", i+1)
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// TestPDFCancel cancels the load of a long PDF at its 50th page: the load
// stops there with the context's error, reading no page after it.
func TestPDFCancel(t *testing.T) {
	// Once before, so that the engine has started (the first start, when
	// the compiled code is not cached, takes seconds).
	if _, err := loadPDF(t, "testdata/pdf/physical.pdf"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "long.pdf")
	if err := os.WriteFile(path, manyPages(20000), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pages atomic.Int32
	corpus.SetTestHook(t, func(stage, _ string) {
		if stage == "page" && pages.Add(1) == 50 {
			cancel()
		}
	})
	done := make(chan error, 1)
	go func() {
		_, err := corpus.LoadContext(ctx, path, corpus.LoadOptions{})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("LoadContext after cancel = %v; want context.Canceled", err)
		}
		if n := pages.Load(); n != 50 {
			t.Errorf("%d pages begun; want the load to stop at the 50th, where it was cancelled", n)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("LoadContext still running 30 s after starting")
	}
}

// TestPDFTimeout reads a PDF slower than its time limit allows: it is
// skipped, with ReasonTimeout, and the engine reads the next one.
func TestPDFTimeout(t *testing.T) {
	if _, err := loadPDF(t, "testdata/pdf/physical.pdf"); err != nil {
		t.Fatal(err) // the engine started: see TestPDFCancel
	}
	corpus.SetPDFTimeouts(t, 100*time.Millisecond, 0)
	path := filepath.Join(t.TempDir(), "long.pdf")
	if err := os.WriteFile(path, manyPages(20000), 0o644); err != nil {
		t.Fatal(err)
	}
	var pages atomic.Int32
	corpus.SetTestHook(t, func(stage, _ string) {
		if stage == "page" {
			pages.Add(1)
		}
	})
	_, err := loadPDF(t, path)
	var fe *corpus.FileError
	if !errors.As(err, &fe) || fe.Reason != corpus.ReasonTimeout || !errors.Is(err, corpus.ErrTimeout) || fe.Path != path {
		t.Fatalf("LoadContext(long.pdf) = %v; want a *FileError with ReasonTimeout", err)
	}
	if n := pages.Load(); n >= 20000 {
		t.Errorf("%d pages begun; want the read stopped by its time limit, before the last", n)
	}
	if _, err := loadPDF(t, "testdata/pdf/physical.pdf"); err != nil {
		t.Errorf("LoadContext(physical.pdf) after a timeout = %v; want it read", err)
	}
}

func FuzzReadPDF(f *testing.F) {
	files, _ := filepath.Glob("testdata/pdf/*.pdf")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(manyPages(3))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d, err := corpus.ReadPDF(ctx, "f.pdf", "f.pdf", data)
		if err != nil {
			var fe *corpus.FileError
			if ctx.Err() == nil && (!errors.As(err, &fe) || fe.Path != "f.pdf") {
				t.Fatalf("ReadPDF = %v; want a *FileError naming f.pdf", err)
			}
			return
		}
		var b corpus.Builder
		if err := b.AddPagesContext(ctx, *d); err != nil {
			return
		}
		if _, err := b.Corpus(); err != nil {
			t.Fatalf("AddPages = nil; Corpus() = %v", err)
		}
	})
}

func BenchmarkReadPDF(b *testing.B) {
	data, err := os.ReadFile("testdata/pdf/book.pdf")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := corpus.ReadPDF(context.Background(), "book.pdf", "book.pdf", data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestZZDamagedReport(t *testing.T) {
	for _, src := range []string{"book.pdf", "encrypted.pdf"} {
		for name, data := range damagedPDFs(read(t, filepath.Join("testdata", "pdf", src))) {
			start := time.Now()
			d, err := corpus.ReadPDF(context.Background(), name, name, data)
			if err != nil {
				t.Logf("%s/%s %v: %v", src, name, time.Since(start), err)
				continue
			}
			n := 0
			for _, p := range d.Pages {
				n += len(p.Text)
			}
			t.Logf("%s/%s %v: %d pages, %d bytes, warnings %q", src, name, time.Since(start), len(d.Pages), n, d.Warnings)
		}
	}
}
