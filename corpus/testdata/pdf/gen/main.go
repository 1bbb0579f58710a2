//go:build ignore

// Gen writes the PDF files the corpus tests read, by hand, in PDF 1.4
// syntax: the standard Helvetica font, text set line by line, a
// cross-reference table. Run it from the repository's root:
//
//	go run ./corpus/testdata/pdf/gen
//
// and then the tests with -update to rewrite their golden files. The
// encrypted files are made from printed.pdf by qpdf (apt-get install qpdf),
// with a fixed ID and IV so that they come out the same every time; without
// qpdf they are left as they are.
//
// The files:
//
//   - book.pdf: a small printed book. Front matter labelled i and ii (a
//     /PageLabels number tree with /S /r), chapters labelled 1 to 4, a table
//     labelled T-1 (/P (T-)); a running head on the body pages and the page
//     number at their foot; a word broken across a line end ("print-",
//     "ing") and a compound that keeps its hyphen ("self-", "taught"); a
//     page set in two columns, a sentence running from the first into the
//     second; a page with no text (a figure); an outline of two chapters,
//     the first with a subsection, and an entry for the table; a title, an
//     author and a language.
//   - printed.pdf: no page labels and no outline: the numbers printed at the
//     foot of its pages (41 to 44) are its pages, under a running head.
//   - heads.pdf: no page labels: each page's number is printed in its head,
//     on the line of the running head ("42 A HISTORY OF PRINTING",
//     "THE PRESS 43").
//   - physical.pdf: nothing printed but text: cited by position, 1 to 3.
//   - scanned.pdf: three pages that are only pictures.
//   - loop.pdf: a damaged outline whose entries lead back to themselves,
//     the last to the first and the first to itself as its own child.
//   - encrypted.pdf: printed.pdf locked with a user password ("secret").
//   - owner-only.pdf: printed.pdf with only an owner password: readable.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// The page's size (US Letter) and its text's geometry, in points.
const (
	pageW, pageH = 612, 792
	left         = 72
	top          = 700 // the first line of text
	headY        = 740 // the running head
	footY        = 50  // the page number
	leading      = 14
	fontSize     = 10
)

func main() {
	dir := filepath.Join("corpus", "testdata", "pdf")
	if _, err := os.Stat(dir); err != nil {
		log.Fatalf("run from the repository's root: %v", err)
	}
	files := map[string][]byte{
		"book.pdf":     book(),
		"printed.pdf":  printed(),
		"heads.pdf":    heads(),
		"physical.pdf": physical(),
		"scanned.pdf":  scanned(),
		"loop.pdf":     loop(),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	qpdf, err := exec.LookPath("qpdf")
	if err != nil {
		log.Printf("qpdf not found: encrypted.pdf and owner-only.pdf left as they are")
		return
	}
	src := filepath.Join(dir, "printed.pdf")
	for name, user := range map[string]string{"encrypted.pdf": "secret", "owner-only.pdf": ""} {
		cmd := exec.Command(qpdf, "--static-id", "--static-aes-iv", "--encrypt", user, "owner", "128", "--use-aes=y", "--",
			src, filepath.Join(dir, name))
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			log.Fatalf("qpdf %s: %v", name, err)
		}
	}
}

// text is a run of lines set from (x, y) downwards, leading apart.
type text struct {
	x, y  float64
	lines []string
}

// page is what one page shows.
type page struct {
	texts []text
	image bool // a picture covering the page (a scan)
	rect  bool // a grey box (a figure without text)
}

// body is lines of running text starting at the top of the text area.
func body(lines ...string) text { return text{x: left, y: top, lines: lines} }

// head is a line at the top of the page.
func head(s string) text { return text{x: left, y: headY, lines: []string{s}} }

// foot is a page number centred at the foot of the page.
func foot(s string) text {
	return text{x: pageW/2 - 3*float64(len(s)), y: footY, lines: []string{s}}
}

// doc is a whole document.
type doc struct {
	pages   []page
	title   string // the /Info /Title
	author  string
	lang    string // the catalog's /Lang
	labels  string // the /PageLabels /Nums array's contents
	outline []outlineItem
	// loopOutline makes the outline loop: the last top-level entry's next
	// is the first, and the first is its own child.
	loopOutline bool
}

type outlineItem struct {
	title    string
	page     int // index
	children []outlineItem
}

const runningHead = "A HISTORY OF PRINTING"

func book() []byte {
	return doc{
		title:  "A History of Printing",
		author: "Jane Compositor",
		lang:   "en-GB",
		labels: "0 << /S /r >> 2 << /S /D >> 6 << /S /D /P (T-) >>",
		outline: []outlineItem{
			{title: "Preface", page: 0},
			{title: "The Press", page: 2, children: []outlineItem{{title: "Movable Type", page: 3}}},
			{title: "Paper and Ink", page: 4},
			{title: "Tables", page: 6},
		},
		pages: []page{
			{texts: []text{
				body("Preface",
					"",
					"This short book tells how printing came to Europe and what it changed.",
					"It was set by hand for the tests of lectern, and each of its sentences",
					"can be cited by the page it is printed on.",
				),
				foot("i"),
			}},
			{texts: []text{
				body("The author thanks the compositors who set these pages, and the",
					"binders who sewed them, for their patience with a difficult manuscript.",
				),
				foot("ii"),
			}},
			{texts: []text{
				head(runningHead),
				body("The Press",
					"",
					"Johannes Gutenberg built his press in Mainz in the middle of the fifteenth",
					"century, and within fifty years presses were at work in most of the great",
					"cities of Europe. The press changed the economics of print-",
					"ing for good: a shop could now turn out hundreds of copies of a text in",
					"the time a scribe needed for one, and the price of a book fell with every",
					"edition. Many of the early printers were self-",
					"taught craftsmen who had learned the trade as goldsmiths.",
				),
				foot("1"),
			}},
			{texts: []text{
				head(runningHead),
				body("Movable Type"),
				{x: left, y: top - 2*leading, lines: []string{
					"Each letter was cast as a separate",
					"piece of metal in a hand mould, so",
					"that a page of type could be taken",
					"apart and set again for the next page.",
					"The compositor stood at a case of",
					"type and picked the letters one by",
				}},
				{x: 324, y: top - 2*leading, lines: []string{
					"one into a composing stick, reading",
					"every line backwards as he set it.",
					"Punches were cut in hard steel and",
					"struck into copper to make matrices.",
					"A good punchcutter was rare, and his",
					"alphabets travelled across Europe.",
				}},
				foot("2"),
			}},
			{texts: []text{
				head(runningHead),
				body("Paper and Ink",
					"",
					"Paper came to Europe from the Islamic world long before the press, and",
					"the first paper mills of Italy were busy two centuries before Gutenberg.",
					"Printing ink was thicker than the ink of the scribes: it was made of soot",
					"and linseed oil, boiled like a varnish, so that it would stick to metal type.",
					"Peter Sch\xf6ffer, who had worked with Gutenberg, was the first to print",
					"in colour.",
				),
				foot("3"),
			}},
			{rect: true},
			{texts: []text{
				head(runningHead),
				body("Table 1 gives the year of the first press in some European cities.",
					"",
					"Mainz had a press by 1450, Rome by 1467, Venice by 1469 and Paris by 1470.",
					"The dates are those of the first book known to be printed in each city.",
				),
			}},
		},
	}.bytes()
}

func printed() []byte {
	lines := [][]string{
		{"Presses spread along the trade routes of the Rhine in the years after",
			"1460, carried by journeymen who had learned the craft in Mainz. Most of",
			"them printed what sold best: grammars, calendars and books of hours."},
		{"Type was cast from an alloy of lead, tin and antimony, which melts at a",
			"low heat and does not shrink as it cools. A founder could cast several",
			"thousand letters in a day with a skilled hand."},
		{"Paper mills followed the presses north, for a press needed far more",
			"paper than any scribe had ever used, and rag was collected in every",
			"town to feed them."},
		{"By the end of the century some twenty million volumes had been printed",
			"in Europe, more than all the scribes of the continent had copied in the",
			"thousand years before."},
	}
	var d doc
	for i, l := range lines {
		d.pages = append(d.pages, page{texts: []text{head(runningHead), body(l...), foot(fmt.Sprint(41 + i))}})
	}
	return d.bytes()
}

func heads() []byte {
	lines := [][]string{
		{"The press of the fifteenth century was a wooden screw press, much like",
			"those used for wine and for paper, and two men worked it together."},
		{"One man inked the forme with leather balls while the other laid a sheet",
			"on the tympan and pulled the bar, and a good team printed a sheet of",
			"one side every twenty seconds."},
		{"The printed sheets were hung to dry, then printed on the other side, and",
			"folded and gathered into books by the binder."},
	}
	var d doc
	for i, l := range lines {
		n := 42 + i
		h := fmt.Sprintf("%d    %s", n, runningHead)
		if n%2 == 1 {
			h = fmt.Sprintf("THE PRESS    %d", n)
		}
		d.pages = append(d.pages, page{texts: []text{head(h), body(l...)}})
	}
	return d.bytes()
}

func physical() []byte {
	return doc{pages: []page{
		{texts: []text{body("The first sheet of this leaflet describes the printing house.")}},
		{texts: []text{body("The second sheet lists the books it printed in its first year.")}},
		{texts: []text{body("The third sheet gives the prices they were sold for.")}},
	}}.bytes()
}

func loop() []byte {
	return doc{
		loopOutline: true,
		outline:     []outlineItem{{title: "Round", page: 0}, {title: "And Round", page: 1}},
		pages: []page{
			{texts: []text{body("Round", "", "The outline of this file goes round in circles.")}},
			{texts: []text{body("And Round", "", "A reader that follows it without counting never stops.")}},
		},
	}.bytes()
}

func scanned() []byte {
	return doc{title: "Scanned Pages", pages: []page{{image: true}, {image: true}, {image: true}}}.bytes()
}

// writer numbers a PDF's objects and remembers where each starts.
type writer struct {
	buf     bytes.Buffer
	offsets []int // by object number - 1
	loop    bool  // see doc.loopOutline
}

// reserve returns the number of a new object, to be written later.
func (w *writer) reserve() int {
	w.offsets = append(w.offsets, -1)
	return len(w.offsets)
}

// object writes object n with the given body.
func (w *writer) object(n int, body string) {
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

// stream writes object n as a stream with the given dictionary entries.
func (w *writer) stream(n int, dict string, data []byte) {
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n<< %s /Length %d >>\nstream\n", n, dict, len(data))
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

// pdfString writes s as a literal string, escaping what must be.
func pdfString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return "(" + r.Replace(s) + ")"
}

func (d doc) bytes() []byte {
	var w writer
	w.buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	catalog, pagesObj, font := w.reserve(), w.reserve(), w.reserve()
	w.object(font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	var image int
	pageObjs := make([]int, len(d.pages))
	for i := range d.pages {
		pageObjs[i] = w.reserve()
	}
	for i, p := range d.pages {
		var content bytes.Buffer
		resources := fmt.Sprintf("/Font << /F1 %d 0 R >>", font)
		if p.rect {
			content.WriteString("0.8 g 72 200 468 400 re f\n")
		}
		if p.image {
			if image == 0 {
				image = w.reserve()
				w.stream(image, "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
					[]byte{0x20, 0xe0, 0xe0, 0x20})
			}
			resources += fmt.Sprintf(" /XObject << /Im1 %d 0 R >>", image)
			fmt.Fprintf(&content, "q %d 0 0 %d 0 0 cm /Im1 Do Q\n", pageW, pageH)
		}
		for _, t := range p.texts {
			fmt.Fprintf(&content, "BT /F1 %d Tf %d TL 1 0 0 1 %g %g Tm\n", fontSize, leading, t.x, t.y)
			for k, l := range t.lines {
				if k > 0 {
					content.WriteString("T* ")
				}
				fmt.Fprintf(&content, "%s Tj\n", pdfString(l))
			}
			content.WriteString("ET\n")
		}
		c := w.reserve()
		w.stream(c, "", content.Bytes())
		w.object(pageObjs[i], fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << %s >> /Contents %d 0 R >>",
			pagesObj, pageW, pageH, resources, c))
	}
	kids := make([]string, len(pageObjs))
	for i, n := range pageObjs {
		kids[i] = fmt.Sprintf("%d 0 R", n)
	}
	w.object(pagesObj, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pageObjs)))

	cat := fmt.Sprintf("/Type /Catalog /Pages %d 0 R", pagesObj)
	if d.labels != "" {
		cat += " /PageLabels << /Nums [" + d.labels + "] >>"
	}
	if d.lang != "" {
		cat += " /Lang " + pdfString(d.lang)
	}
	if len(d.outline) > 0 {
		root := w.reserve()
		w.loop = d.loopOutline
		first, last, count := w.outline(d.outline, root, pageObjs)
		w.object(root, fmt.Sprintf("<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>", first, last, count))
		cat += fmt.Sprintf(" /Outlines %d 0 R /PageMode /UseOutlines", root)
	}
	w.object(catalog, "<< "+cat+" >>")
	info := 0
	if d.title != "" || d.author != "" {
		info = w.reserve()
		var b strings.Builder
		b.WriteString("<< /Producer (lectern test generator)")
		if d.title != "" {
			b.WriteString(" /Title " + pdfString(d.title))
		}
		if d.author != "" {
			b.WriteString(" /Author " + pdfString(d.author))
		}
		b.WriteString(" >>")
		w.object(info, b.String())
	}

	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", len(w.offsets)+1)
	for _, off := range w.offsets {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root %d 0 R", len(w.offsets)+1, catalog)
	if info != 0 {
		fmt.Fprintf(&w.buf, " /Info %d 0 R", info)
	}
	fmt.Fprintf(&w.buf, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return w.buf.Bytes()
}

// outline writes items, children of the outline item parent, and returns
// the first and last item's numbers and how many items are open below
// parent.
func (w *writer) outline(items []outlineItem, parent int, pages []int) (first, last, count int) {
	nums := make([]int, len(items))
	for i := range items {
		nums[i] = w.reserve()
	}
	for i, it := range items {
		body := fmt.Sprintf("<< /Title %s /Parent %d 0 R /Dest [%d 0 R /Fit]", pdfString(it.title), parent, pages[it.page])
		if i > 0 {
			body += fmt.Sprintf(" /Prev %d 0 R", nums[i-1])
		}
		if i+1 < len(items) {
			body += fmt.Sprintf(" /Next %d 0 R", nums[i+1])
		} else if w.loop {
			body += fmt.Sprintf(" /Next %d 0 R", nums[0])
		}
		if w.loop && i == 0 {
			body += fmt.Sprintf(" /First %d 0 R /Last %d 0 R /Count 1", nums[0], nums[0])
		}
		count++
		if len(it.children) > 0 {
			f, l, c := w.outline(it.children, nums[i], pages)
			body += fmt.Sprintf(" /First %d 0 R /Last %d 0 R /Count %d", f, l, c)
			count += c
		}
		w.object(nums[i], body+" >>")
	}
	return nums[0], nums[len(nums)-1], count
}
