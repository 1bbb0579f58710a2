package corpus

import (
	"strings"
)

// Blocks are handed to the Markdown parser (Paged.Markdown) as Markdown: a
// heading as "## Heading", so that it starts a section; a paragraph as its
// lines, with what Markdown would read as markup escaped, so that a "*" or
// a "#" of the page's text stays text; code between fences.

// pageWriter renders blocks into pages, starting a page at each page mark.
type pageWriter struct {
	pages []Page
	b     strings.Builder
	label string // the label of the page being written
}

// newPage ends the page being written and starts one called label. A page
// with no text is dropped: the new one takes its place.
func (pw *pageWriter) newPage(label string) {
	if strings.TrimSpace(pw.b.String()) != "" {
		pw.pages = append(pw.pages, Page{Text: pw.b.String(), Label: pw.label})
		pw.b.Reset()
	} else {
		pw.b.Reset()
	}
	pw.label = label
}

// finish returns the pages: at least one, which may be empty.
func (pw *pageWriter) finish() []Page {
	if strings.TrimSpace(pw.b.String()) != "" || len(pw.pages) == 0 {
		pw.pages = append(pw.pages, Page{Text: pw.b.String(), Label: pw.label})
	}
	pw.b.Reset()
	return pw.pages
}

// startBlock separates a block from the one before it on the page by a
// blank line.
func (pw *pageWriter) startBlock() {
	s := pw.b.String()
	switch {
	case s == "", strings.HasSuffix(s, "\n\n"):
	case strings.HasSuffix(s, "\n"):
		pw.b.WriteByte('\n')
	default:
		pw.b.WriteString("\n\n")
	}
}

// block renders one block, starting pages at its marks.
func (pw *pageWriter) block(blk mdBlock) {
	marks := blk.marks
	// Marks at the start come before the block.
	for len(marks) > 0 && (marks[0].off <= 0 || blk.kind == blockHeading) {
		pw.newPage(marks[0].label)
		marks = marks[1:]
	}
	pw.startBlock()
	switch blk.kind {
	case blockHeading:
		pw.heading(blk.level, blk.text)
	case blockCode:
		pw.code(blk.text, marks)
	default:
		from := 0
		for _, m := range marks {
			off := min(max(m.off, from), len(blk.text))
			pw.lines(blk.text[from:off])
			pw.newPage(m.label)
			from = off
		}
		pw.lines(blk.text[from:])
	}
}

// heading writes "## text".
func (pw *pageWriter) heading(level int, text string) {
	level = min(max(level, 1), 6)
	esc := escapeInline(collapse(text))
	if esc == "" {
		return
	}
	pw.b.WriteString(strings.Repeat("#", level))
	pw.b.WriteByte(' ')
	pw.b.WriteString(esc)
	if strings.HasSuffix(esc, "#") {
		// Else the parser would take the escaped "#" for a closing one.
		pw.b.WriteString(" #")
	}
	pw.b.WriteByte('\n')
}

// lines writes a paragraph's lines, escaped.
func (pw *pageWriter) lines(text string) {
	for _, line := range strings.Split(text, "\n") {
		if l := escapeLine(strings.TrimSpace(line)); l != "" {
			pw.b.WriteString(l)
			pw.b.WriteByte('\n')
		}
	}
}

// code writes preformatted text between fences that none of its lines
// closes, starting pages at marks.
func (pw *pageWriter) code(text string, marks []pageMark) {
	fence := "```"
	lines := strings.Split(text, "\n")
	for _, l := range lines {
		if t := strings.TrimSpace(l); len(t) >= 3 && strings.Trim(t, "`") == "" {
			fence = "~~~"
		}
	}
	pw.b.WriteString(fence)
	pw.b.WriteByte('\n')
	off := 0
	for _, l := range lines {
		for len(marks) > 0 && marks[0].off <= off {
			pw.newPage(marks[0].label)
			marks = marks[1:]
		}
		off += len(l) + 1
		if t := strings.TrimSpace(l); len(t) >= 3 && strings.Trim(t, fence[:1]) == "" {
			continue // it would close the fence
		}
		pw.b.WriteString(strings.TrimRight(l, " \t"))
		pw.b.WriteByte('\n')
	}
	pw.b.WriteString(fence)
	pw.b.WriteByte('\n')
	for _, m := range marks {
		pw.newPage(m.label)
	}
}

// escapeInline escapes the characters the Markdown parser reads as inline
// markup (see stripInline): backslashes, emphasis, code, links, tags.
func escapeInline(s string) string {
	if !strings.ContainsAny(s, "\\`*_[<~") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if strings.IndexByte("\\`*_[<~", s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// escapeLine escapes one line of a paragraph: its inline markup, and what
// would make the line a heading, quote, table row, list item or rule. A line
// the furniture step could take for a page number or running head ("1984",
// "Stalin 1953") is wrapped in emphasis, which the parser takes out again.
// A line of nothing but "=" is dropped: it holds no words, and would make
// the line before it a heading.
func escapeLine(t string) string {
	if t == "" || strings.Trim(t, "= ") == "" {
		return ""
	}
	t = escapeInline(t)
	switch t[0] {
	case '#', '>', '|', '-', '+':
		t = "\\" + t
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if n := listMarker(t); n > 0 {
			// "12. " or "3) ": escape the dot or the parenthesis.
			t = t[:n-2] + "\\" + t[n-2:]
		}
	}
	if _, _, _, ok := pageNumberLine(t); ok {
		t = "*" + t + "*"
	}
	return t
}
