package corpus

import (
	"bytes"
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The HTML walker turns a page (an HTML file, or an XHTML chapter of an
// EPUB book) into blocks of text: headings, paragraphs and code. It reads
// tokens, not a tree, so that it needs no more memory than the text it keeps
// and no nesting is too deep for it: it keeps its own stack of open
// elements, closing on an end tag every element opened since the one it
// names (and ignoring end tags that name none), which is what a browser does
// for the pages people write.
//
// What a reader of the page does not read is left out: scripts, styles,
// navigation (nav, role=navigation, Sphinx's sidebar and related-pages
// bars), the page's own header and footer, hidden elements, "¶" links beside
// headings, footnote reference marks (which would stick to the word they
// follow), and blocks that are mostly links (tables of contents, "Prev |
// Next | Home").

// blockKind says what a block of a page is.
type blockKind uint8

const (
	blockPara    blockKind = iota // a paragraph: a p, li, dd, blockquote, a table row...
	blockHeading                  // an h1–h6 heading
	blockCode                     // preformatted text, kept line for line
)

// mdBlock is one block of a page's text. A paragraph's text has its white
// space collapsed, with "\n" where a <br> breaks a line; a heading's is one
// line; code keeps its lines and spaces. The text is plain: rendering
// escapes it as Markdown.
type mdBlock struct {
	kind  blockKind
	level int // a heading's level, 1 to 6
	text  string
	// marks are the page breaks inside or before the block, by offset in
	// text, in order (EPUB only).
	marks []pageMark
}

// pageMark is a page break: where a printed page starts, and its label.
type pageMark struct {
	off   int
	label string
}

// mdPos is a position in a page's blocks: byte off of block's text. A
// block equal to the number of blocks is the end of the page.
type mdPos struct{ block, off int }

// htmlMark is a position the walker was asked to remember (an element with
// a wanted id) or found (a page-break marker).
type htmlMark struct {
	pos       mdPos
	pageBreak bool   // an epub:type="pagebreak" or role="doc-pagebreak" marker
	label     string // a page break's label: its title, aria-label or text
}

// htmlText is what the walker reads from a page.
type htmlText struct {
	title  string // the <title>
	h1     string // the first h1's text
	lang   string // the <html> element's lang or xml:lang
	blocks []mdBlock
	marks  []htmlMark
	// anchors maps the wanted ids found to their marks (the first element
	// with each id).
	anchors map[string]int
}

// walkOptions configure the walker.
type walkOptions struct {
	// epub reads an EPUB chapter: its header and footer are the chapter's,
	// not a web site's, and are kept.
	epub bool
	// wanted are the ids whose positions to record, for a table of contents
	// or a page list; nil records none.
	wanted map[string]bool
}

// Limits that keep what one page can make the walker remember small.
const (
	maxTitleBytes = 1 << 10 // of a <title>
	maxLabelBytes = 64      // of a page break's label
	// tokensPerCheck is how many tokens pass between two looks at the
	// context: well under a millisecond of work.
	tokensPerCheck = 1024
)

// openElem is an element the walker has seen start and not yet end.
type openElem struct {
	name  string
	flags elemFlags
	// For elements whose text may be taken back (links, sup, footnote
	// references): where their text starts in the block, the block's
	// generation then, whether a space was due, and whether text came
	// right before them with no space.
	start int
	gen   int
	space bool
	glued bool
	// mark is the index of the element's mark in htmlText.marks, -1 for
	// none.
	mark int
}

type elemFlags uint16

const (
	fBlock      elemFlags = 1 << iota // ends a paragraph where it starts and ends
	fRow                              // a table row: a paragraph of cells
	fHeading                          // h1–h6
	fPre                              // pre, listing, xmp, plaintext
	fLink                             // a with href
	fSup                              // sup
	fNote                             // a footnote reference, dropped if short
	fHeaderLink                       // a "¶" link beside a heading
	fSkip                             // its content is not read
	fPageBreak                        // a page-break marker
	fTitle                            // the page's <title>
	fSection                          // article, main, section: a header inside belongs to it
	fSupInside                        // a link that holds a sup
)

// htmlWalker is the state of one walk over a page.
type htmlWalker struct {
	z    *html.Tokenizer
	opts walkOptions
	doc  htmlText

	stack []openElem
	open  map[string]int // how many of each element are open
	// skip is the stack index of the outermost element whose content is
	// skipped, -1 for none.
	skip int
	// sections counts the open article, main and section elements.
	sections int

	// The block being written.
	kind    blockKind
	level   int
	buf     []byte
	space   bool   // a space is due before the next word
	gen     int    // counts blocks begun, so that a link knows its block
	heading int    // stack index of the open heading, -1 for none
	pre     int    // stack index of the open pre, -1 for none
	preLine bool   // no text yet since pre started: a newline here is dropped
	links   []Span // the links' text in a paragraph
	pending []int  // marks recorded in this block: their offsets fix when it ends
	sup     int    // open sup elements
	cellSep int    // the length of buf after the ";" between two cells, 0 for none

	groups  []listGroup // the open lists and tables
	dropped []bool      // per block of doc.blocks: its list went (see closeGroup)

	title      []byte
	titleDone  bool
	titleOpen  bool
	inLink     int // stack index of the open link, -1 for none
	label      []byte
	tokens     int
	firstH1Set bool
}

// walkHTML reads data, UTF-8 HTML or XHTML, into blocks. It fails only
// when ctx is cancelled, with ctx's error.
func walkHTML(ctx context.Context, data []byte, opts walkOptions) (*htmlText, error) {
	w := &htmlWalker{
		z:       html.NewTokenizer(bytes.NewReader(data)),
		opts:    opts,
		open:    map[string]int{},
		skip:    -1,
		heading: -1,
		pre:     -1,
		inLink:  -1,
	}
	if opts.wanted != nil {
		w.doc.anchors = map[string]int{}
	}
	for {
		w.tokens++
		if w.tokens%tokensPerCheck == 0 {
			if err := look(ctx); err != nil {
				return nil, err
			}
		}
		tt := w.z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF, or the end of what a bytes.Reader holds: the page
			// ends, and so does every element still open.
			for len(w.stack) > 0 {
				w.pop()
			}
			w.endBlock()
			w.compact()
			w.doc.title = strings.TrimSpace(collapse(string(w.title)))
			doc := w.doc // not &w.doc, which would keep the tokenizer's buffer
			return &doc, nil
		case html.TextToken:
			w.text(w.z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			w.startTag(tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := w.z.TagName()
			w.endTag(tagName(name))
		}
	}
}

// tagName returns the name of a tag, without allocating for known ones.
func tagName(b []byte) string {
	if a := atom.Lookup(b); a != 0 {
		return a.String()
	}
	return string(b)
}

// attrs are the attributes the walker looks at.
type attrs struct {
	id, name, class, role, epubType, href, title, ariaLabel, lang, style string
	hidden, ariaHidden                                                   bool
}

func (w *htmlWalker) readAttrs(more bool) attrs {
	var a attrs
	for more {
		var k, v []byte
		k, v, more = w.z.TagAttr()
		switch string(k) {
		case "id":
			a.id = string(v)
		case "name":
			a.name = string(v)
		case "class":
			a.class = string(v)
		case "role":
			a.role = strings.ToLower(string(v))
		case "epub:type":
			a.epubType = strings.ToLower(string(v))
		case "href":
			a.href = string(v)
		case "title":
			a.title = string(v)
		case "aria-label":
			a.ariaLabel = string(v)
		case "lang", "xml:lang":
			if a.lang == "" {
				a.lang = string(v)
			}
		case "style":
			if len(v) < 1024 {
				a.style = strings.ToLower(string(v))
			}
		case "hidden":
			a.hidden = true
		case "aria-hidden":
			a.ariaHidden = strings.EqualFold(string(v), "true")
		}
	}
	return a
}

// hasWord reports whether the space-separated list s holds w.
func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

// hasWordAny reports whether the space-separated list s holds any of ws.
func hasWordAny(s string, ws ...string) bool {
	for _, f := range strings.Fields(s) {
		for _, w := range ws {
			if strings.EqualFold(f, w) {
				return true
			}
		}
	}
	return false
}

// Elements by what the walker does with them.
var (
	voidElements = setOf("area", "base", "br", "col", "embed", "hr", "img", "input", "keygen",
		"link", "meta", "param", "source", "track", "wbr")
	blockElements = setOf("address", "article", "aside", "blockquote", "body", "caption",
		"center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption",
		"figure", "footer", "form", "frameset", "header", "hgroup", "hr", "html", "legend", "li",
		"main", "menu", "nav", "ol", "optgroup", "option", "p", "section", "summary",
		"table", "tbody", "tfoot", "thead", "ul", "head")
	// skipElements hold nothing a reader reads as the page's text.
	skipElements = setOf("script", "style", "noscript", "template", "svg", "math", "canvas",
		"iframe", "object", "embed", "select", "textarea", "button", "datalist", "audio",
		"video", "map", "rt", "rp", "noembed", "noframes", "nav", "frameset")
	// groupElements are lists and tables, whose items are judged
	// together: a table of contents is a list of links, but a list whose
	// items are partly links is text.
	groupElements = setOf("ul", "ol", "menu", "dir", "dl", "table")
	skipRoles     = setOf("navigation", "banner", "contentinfo", "search", "doc-toc", "doc-pagelist")
	// skipClasses are the navigation blocks of documentation generators:
	// Sphinx's sidebar and its bar of related pages.
	skipClasses = []string{"sphinxsidebar", "sphinxsidebarwrapper", "related", "breadcrumb", "breadcrumbs"}
	// headerLinkClasses mark the permalink anchors documentation tools put
	// beside headings.
	headerLinkClasses = []string{"headerlink", "anchorjs-link", "header-anchor", "heading-anchor", "anchor-link", "permalink"}
	// noteClasses mark footnote references and the links back from notes.
	noteClasses = []string{"footnote-ref", "footnote-reference", "footnote-back", "footnote-backref", "noteref", "fnref", "reversefootnote"}
)

func (w *htmlWalker) skipping() bool { return w.skip >= 0 }

// shouldSkip reports whether an element's content is left out.
func (w *htmlWalker) shouldSkip(name string, a attrs) bool {
	switch {
	case skipElements[name], a.hidden, a.ariaHidden, skipRoles[a.role]:
		return true
	case strings.Contains(strings.ReplaceAll(a.style, " ", ""), "display:none"):
		return true
	case hasWordAny(a.epubType, "toc", "landmarks", "page-list"):
		return true
	case w.opts.epub:
		return false
	case name == "footer":
		return true
	case name == "header":
		// A site's banner; but an article's header holds its title.
		return w.sections == 0
	case name == "aside" && a.role == "navigation":
		return true
	}
	return hasWordAny(a.class, skipClasses...)
}

// startTag handles a start tag, or a self-closing one (closed at once: in
// XHTML it is an empty element, and an HTML page that writes <div/> means
// the same).
func (w *htmlWalker) startTag(selfClosing bool) {
	raw, more := w.z.TagName()
	name := tagName(raw)
	a := w.readAttrs(more)
	if selfClosing {
		// <script/> in XHTML holds nothing: do not read the rest of the
		// page as its text.
		w.z.NextIsNotRawText()
	}
	if name == "html" && w.doc.lang == "" {
		w.doc.lang = strings.TrimSpace(a.lang)
	}

	var flags elemFlags
	if blockElements[name] || voidElements[name] && name == "hr" {
		flags |= fBlock
	}
	switch name {
	case "h1", "h2", "h3", "h4", "h5", "h6":
		flags |= fHeading
	case "pre", "listing", "xmp", "plaintext":
		flags |= fPre
	case "tr":
		flags |= fRow
	case "sup":
		flags |= fSup
	case "title":
		flags |= fTitle
	case "article", "main", "section":
		flags |= fSection
	case "a":
		if w.inLink >= 0 {
			// A link does not nest: a new one closes the one open.
			w.popTo(w.inLink)
		}
		if a.href != "" {
			flags |= fLink
		}
	case "th", "td":
		w.cell()
	case "br":
		w.lineBreak()
	}
	if hasWordAny(a.epubType, "noteref", "backlink", "referrer") || a.role == "doc-noteref" || a.role == "doc-backlink" ||
		hasWordAny(a.class, noteClasses...) {
		flags |= fNote
	}
	if hasWordAny(a.class, headerLinkClasses...) {
		flags |= fHeaderLink
	}
	if hasWord(a.epubType, "pagebreak") || a.role == "doc-pagebreak" {
		flags |= fPageBreak | fSkip
	}
	if !w.skipping() && w.shouldSkip(name, a) {
		flags |= fSkip
	}

	// Blocks end what came before them.
	if flags&(fBlock|fRow|fHeading|fPre) != 0 && w.heading < 0 && w.pre < 0 {
		w.endBlock()
	}
	if flags&fHeading != 0 && w.heading >= 0 {
		w.popTo(w.heading) // a heading does not nest: the new one ends the old
	}

	// Positions asked for, and page breaks: one mark for both.
	mark := -1
	if w.opts.wanted != nil {
		for _, id := range [...]string{a.id, a.name} {
			if _, seen := w.doc.anchors[id]; id != "" && w.opts.wanted[id] && !seen {
				if mark < 0 {
					mark = w.mark(flags&fPageBreak != 0, pageLabel(a))
				}
				w.doc.anchors[id] = mark
			}
		}
	}
	if mark < 0 && flags&fPageBreak != 0 {
		mark = w.mark(true, pageLabel(a))
	}
	if voidElements[name] {
		return
	}

	e := openElem{name: name, flags: flags, gen: w.gen, start: len(w.buf), space: w.space, mark: mark}
	e.glued = len(w.buf) > 0 && !w.space && w.buf[len(w.buf)-1] != '\n'
	idx := len(w.stack)
	if flags&fSkip != 0 && !w.skipping() {
		w.skip = idx
		w.label = w.label[:0]
	}
	if !w.skipping() {
		switch {
		case flags&fHeading != 0 && w.pre < 0:
			w.heading = idx
			w.kind, w.level = blockHeading, int(name[1]-'0')
		case flags&fPre != 0 && w.heading < 0 && w.pre < 0:
			w.pre = idx
			w.kind = blockCode
			w.preLine = true
		case flags&fTitle != 0 && !w.titleDone:
			w.titleOpen = true
		case flags&fLink != 0:
			w.inLink = idx
		case flags&fSup != 0:
			w.sup++
			if w.inLink >= 0 {
				w.stack[w.inLink].flags |= fSupInside
			}
		}
	}
	if flags&fSection != 0 {
		w.sections++
	}
	if groupElements[name] && !w.skipping() && w.heading < 0 && w.pre < 0 {
		w.groups = append(w.groups, listGroup{stackIdx: idx, stats: linkCount{navOnly: true}})
	}
	w.stack = append(w.stack, e)
	w.open[name]++
	if selfClosing {
		w.pop()
	}
}

// pageLabel returns the label a page-break marker gives in its attributes.
func pageLabel(a attrs) string {
	return strings.TrimSpace(firstNonEmpty(a.title, a.ariaLabel))
}

// mark records the current position and returns its index.
func (w *htmlWalker) mark(pageBreak bool, label string) int {
	pos := mdPos{block: len(w.doc.blocks), off: len(w.buf)}
	if w.kind == blockHeading {
		pos.off = 0
	}
	w.doc.marks = append(w.doc.marks, htmlMark{pos: pos, pageBreak: pageBreak, label: label})
	i := len(w.doc.marks) - 1
	w.pending = append(w.pending, i)
	return i
}

// endTag closes the element name and every element opened inside it. An
// end tag that names no open element is ignored, except that the end of
// any heading ends the heading open.
func (w *htmlWalker) endTag(name string) {
	switch name {
	case "h1", "h2", "h3", "h4", "h5", "h6":
		if w.open[name] == 0 && w.heading >= 0 {
			w.popTo(w.heading)
			return
		}
	case "br":
		w.lineBreak() // </br> is read as <br>
		return
	case "p":
		if w.open[name] == 0 {
			w.endBlock() // </p> alone makes an empty paragraph
			return
		}
	}
	if w.open[name] == 0 {
		return
	}
	for len(w.stack) > 0 {
		top := w.stack[len(w.stack)-1].name
		w.pop()
		if top == name {
			return
		}
	}
}

// popTo closes the element at stack index i and those inside it.
func (w *htmlWalker) popTo(i int) {
	for len(w.stack) > i {
		w.pop()
	}
}

// pop closes the innermost open element.
func (w *htmlWalker) pop() {
	idx := len(w.stack) - 1
	e := w.stack[idx]
	w.stack = w.stack[:idx]
	if w.open[e.name]--; w.open[e.name] <= 0 {
		delete(w.open, e.name) // so that the map holds only open names
	}
	if e.flags&fSection != 0 {
		w.sections--
	}
	if w.skip == idx {
		w.skip = -1
		if e.flags&fPageBreak != 0 && e.mark >= 0 && len(w.label) > 0 {
			// The marker's label is its text, when its attributes have none.
			if m := &w.doc.marks[e.mark]; m.label == "" {
				m.label = strings.TrimSpace(collapse(string(w.label)))
			}
		}
		return
	}
	if w.skipping() {
		return
	}
	switch {
	case idx == w.heading:
		w.endBlock()
		w.heading = -1
	case idx == w.pre:
		w.endBlock()
		w.pre = -1
	case e.flags&fTitle != 0:
		if w.titleOpen {
			w.titleOpen, w.titleDone = false, true
		}
	case idx == w.inLink:
		w.inLink = -1
		w.endInline(e, true)
	case e.flags&fSup != 0:
		w.sup--
		w.endInline(e, false)
	case e.flags&(fNote|fHeaderLink) != 0:
		w.endInline(e, false)
	}
	if e.flags&(fBlock|fRow) != 0 && w.heading < 0 && w.pre < 0 {
		w.endBlock()
	}
	if n := len(w.groups); n > 0 && w.groups[n-1].stackIdx == idx {
		w.closeGroup()
	}
}

// listGroup is an open list or table, whose items are judged together.
type listGroup struct {
	stackIdx int   // its element's index in the stack
	items    []int // its paragraphs: indexes in doc.blocks
	stats    linkCount
}

// closeGroup ends the innermost list or table: if its items are, all
// together, mostly links (a table of contents), they go.
func (w *htmlWalker) closeGroup() {
	g := w.groups[len(w.groups)-1]
	w.groups = w.groups[:len(w.groups)-1]
	if g.stats.heavy() {
		for _, i := range g.items {
			w.dropped[i] = true
		}
	}
}

// compact takes out the blocks closeGroup dropped, once the page is read,
// and moves the marks: a mark in a block that went stands at the start of
// the next block that stays.
func (w *htmlWalker) compact() {
	blocks := w.doc.blocks
	newIndex := make([]int, len(blocks)+1) // where block i goes, or where the next kept one goes
	kept := 0
	for i := range blocks {
		newIndex[i] = kept
		if !w.dropped[i] {
			blocks[kept] = blocks[i]
			kept++
		}
	}
	if kept == len(blocks) {
		return
	}
	newIndex[len(blocks)] = kept
	for i := range w.doc.marks {
		m := &w.doc.marks[i]
		b := min(m.pos.block, len(blocks))
		if b < len(blocks) && w.dropped[b] {
			m.pos.off = 0
		}
		m.pos.block = newIndex[b]
	}
	clear(blocks[kept:])
	w.doc.blocks = blocks[:kept]
}

// endInline ends a link, a sup or a footnote reference: it takes back the
// text of one that is a footnote mark or a "¶" link, and notes the text of
// a link kept.
func (w *htmlWalker) endInline(e openElem, link bool) {
	if e.gen != w.gen || e.start > len(w.buf) {
		return // a block ended inside it: keep its text
	}
	text := strings.TrimSpace(string(w.buf[e.start:]))
	drop := false
	switch {
	case text == "":
	case e.flags&fHeaderLink != 0 || isPermalink(text):
		drop = true
	case e.flags&fNote != 0:
		drop = utf8.RuneCountInString(text) <= 24
	case w.kind == blockCode:
	case link && (w.sup > 0 || e.flags&fSupInside != 0) && isNoteMark(text):
		drop = true // a footnote's mark, raised
	case link && e.glued && isNoteNumber(text):
		drop = true // "conversations?”1": a footnote's number
	case !link && e.flags&fSup != 0 && e.glued && isNoteSymbol(text):
		drop = true // "word*", a mark that links nowhere
	}
	if drop {
		w.buf, w.space = w.buf[:e.start], e.space
		return
	}
	if link && w.kind == blockPara {
		w.links = append(w.links, Span{e.start, len(w.buf)})
	}
}

// isPermalink reports whether a link's text is a permalink sign ("¶", "#").
func isPermalink(s string) bool {
	switch s {
	case "¶", "§", "#", "🔗", "⚓", "↩", "↩︎", "⤴", "↑", "^":
		return true
	}
	return false
}

// isNoteMark reports whether s is a footnote's mark: "1", "[12]", "(3)",
// "*", "†", "a", "iv".
func isNoteMark(s string) bool {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "("), ")")
	switch {
	case s == "":
		return false
	case isDigits(s):
		return len(s) <= 4
	case isNoteSymbol(s):
		return true
	case utf8.RuneCountInString(s) == 1:
		r, _ := utf8.DecodeRuneInString(s)
		return unicode.IsLower(r)
	}
	return len(s) <= 5 && s == strings.ToLower(s) && isRomanNumeral(s)
}

// isNoteNumber reports whether s is a footnote's number or symbol: "1",
// "[12]", "(3)", "*". Letters are marks only when raised: "a" after a word
// is a word.
func isNoteNumber(s string) bool {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "("), ")")
	return isDigits(s) && len(s) <= 4 || isNoteSymbol(s)
}

// isNoteSymbol reports whether s is made of footnote symbols only.
func isNoteSymbol(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("*†‡§‖¶#※⁂", r) {
			return false
		}
	}
	return true
}

// cell starts a table cell: cells of a row are one paragraph, "; " between.
func (w *htmlWalker) cell() {
	if w.skipping() || w.heading >= 0 || w.pre >= 0 || len(w.buf) == 0 {
		return
	}
	if !bytes.HasSuffix(w.buf, []byte(";")) && w.buf[len(w.buf)-1] != '\n' {
		w.buf = append(w.buf, ';')
		w.cellSep = len(w.buf)
	}
	w.space = true
}

// lineBreak is a <br>: a new line in a paragraph or code, a space in a
// heading.
func (w *htmlWalker) lineBreak() {
	switch {
	case w.skipping():
	case w.pre >= 0:
		w.buf = append(w.buf, '\n')
	case w.heading >= 0:
		w.space = true
	case len(w.buf) > 0 && w.buf[len(w.buf)-1] != '\n':
		w.buf = append(w.buf, '\n')
		w.space = false
	}
}

// text handles a text token.
func (w *htmlWalker) text(s []byte) {
	switch {
	case w.skipping():
		if e := w.stack[w.skip]; e.flags&fPageBreak != 0 && len(w.label) < maxLabelBytes {
			w.label = append(w.label, s[:min(len(s), maxLabelBytes)]...)
		}
	case w.titleOpen:
		if len(w.title) < maxTitleBytes {
			w.title = append(w.title, s[:min(len(s), maxTitleBytes)]...)
		}
	case w.pre >= 0:
		w.writePre(s)
	default:
		w.writeText(s)
	}
}

// writeText appends text with its white space collapsed, leaving out
// control characters, soft hyphens and byte-order marks.
func (w *htmlWalker) writeText(s []byte) {
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		s = s[size:]
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0':
			w.space = true
			continue
		case r < 0x20 || r >= 0x7f && r < 0xa0 || r == '\u00ad' || r == '\ufeff' || r == '\u200b':
			continue
		case r == utf8.RuneError && size == 1:
			r = '\ufffd'
		}
		if w.space && len(w.buf) > 0 && w.buf[len(w.buf)-1] != '\n' {
			w.buf = append(w.buf, ' ')
		}
		w.space = false
		w.buf = utf8.AppendRune(w.buf, r)
	}
}

// writePre appends preformatted text as it is, but for control
// characters; a newline right after <pre> is not part of it.
func (w *htmlWalker) writePre(s []byte) {
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		s = s[size:]
		if w.preLine {
			w.preLine = false
			if r == '\n' {
				continue
			}
		}
		switch {
		case r == '\f' || r == '\r':
			r = '\n'
		case r == '\t' || r == '\n':
		case r < 0x20 || r >= 0x7f && r < 0xa0 || r == '\ufeff':
			continue
		case r == '\u00a0':
			r = ' '
		case r == utf8.RuneError && size == 1:
			r = '\ufffd'
		}
		w.buf = utf8.AppendRune(w.buf, r)
	}
}

// endBlock ends the block being written: keeps it if it has text and, for
// a paragraph, is not mostly links, and starts a paragraph.
func (w *htmlWalker) endBlock() {
	if w.cellSep > 0 && w.cellSep == len(w.buf) {
		w.buf = w.buf[:len(w.buf)-1] // no cell after the "; "
	}
	w.cellSep = 0
	var text string
	switch w.kind {
	case blockCode:
		text = strings.TrimRight(string(w.buf), " \t\n")
		// Leading blank lines go, but not the first line's indentation.
		for strings.HasPrefix(text, "\n") || strings.HasPrefix(text, " \n") {
			text = text[strings.IndexByte(text, '\n')+1:]
		}
	default:
		text = strings.TrimRight(string(w.buf), " \n")
	}
	keep := w.kind == blockCode && strings.TrimSpace(text) != "" ||
		w.kind != blockCode && strings.IndexFunc(text, isAlnum) >= 0
	if keep && w.kind == blockPara {
		st := linkStats(text, w.links)
		switch {
		case len(text) < 24 && navLabels[normKey(text)]:
			keep = false // "Contents", over a list of links
		case len(w.groups) > 0:
			// An item of a list or a row of a table: the whole list
			// decides (see closeGroup).
			g := &w.groups[len(w.groups)-1]
			g.stats.add(st)
			g.items = append(g.items, len(w.doc.blocks))
		default:
			keep = !st.heavy()
		}
	}
	if keep {
		if w.kind == blockHeading {
			text = strings.TrimSpace(text)
			if !w.firstH1Set && w.level == 1 {
				w.doc.h1, w.firstH1Set = text, true
			}
		}
		w.doc.blocks = append(w.doc.blocks, mdBlock{kind: w.kind, level: w.level, text: text})
		w.dropped = append(w.dropped, false)
	} else {
		for _, i := range w.pending {
			w.doc.marks[i].pos.off = 0 // at the start of whatever comes next
		}
	}
	w.buf = w.buf[:0]
	w.space = false
	w.links = w.links[:0]
	w.pending = w.pending[:0]
	w.kind, w.level = blockPara, 0
	w.gen++
}

// isAlnum reports whether r is a letter or a digit: a block without one
// ("[]", "* * *") says nothing.
func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// navLabels are the titles of navigation blocks, alone in a paragraph.
var navLabels = setOf("contents", "table of contents", "on this page", "in this article",
	"navigation", "page contents", "quick search", "this page")

// navWords are the words of a navigation bar outside its links: "Previous:
// Installing | Next: Usage".
var navWords = setOf("prev", "previous", "next", "home", "up", "top", "back", "contents",
	"index", "toc", "menu", "skip", "to", "content", "main", "page", "go", "search",
	"table", "of", "chapter", "section")

// linkCount counts the letters and digits of a paragraph, or of a list's
// items, inside and outside links.
type linkCount struct {
	in, out int
	links   int
	// navOnly: the words outside the links are only those of a
	// navigation bar ("Previous:", "Next", "Home").
	navOnly bool
}

func (c *linkCount) add(o linkCount) {
	c.in += o.in
	c.out += o.out
	c.links += o.links
	c.navOnly = c.navOnly && o.navOnly
}

// heavy reports whether the text is mostly links: there is nothing else,
// or the words outside are only a navigation bar's, or there are several
// links and their letters outnumber those outside four to one. A single
// link in a sentence ("Reference: the ARM64 manual") is text.
func (c linkCount) heavy() bool {
	return c.in > 0 && (c.out == 0 || c.navOnly || c.links > 1 && c.in >= 4*c.out)
}

// linkStats counts a paragraph's letters and digits in links and out of
// them.
func linkStats(text string, links []Span) linkCount {
	c := linkCount{links: len(links)}
	li := 0
	for i := 0; i < len(text); {
		ch := text[i]
		alnum := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
		size := 1
		if ch >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			alnum = isAlnum(r)
		}
		for li < len(links) && i >= links[li].End {
			li++
		}
		if alnum {
			if li < len(links) && i >= links[li].Start {
				c.in++
			} else {
				c.out++
			}
		}
		i += size
	}
	if len(links) == 0 || c.out > 80 {
		return c // navOnly false: too many words for a navigation bar
	}
	// The words outside the links.
	var outside strings.Builder
	from := 0
	for _, l := range links {
		outside.WriteString(text[from:min(max(l.Start, from), len(text))])
		outside.WriteByte(' ')
		from = max(from, min(l.End, len(text)))
	}
	outside.WriteString(text[from:])
	c.navOnly = true
	for _, w := range strings.FieldsFunc(strings.ToLower(outside.String()), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if !navWords[w] {
			c.navOnly = false
			break
		}
	}
	return c
}

// collapse replaces runs of white space with single spaces.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
