package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Builder assembles a Corpus from files added one at a time. The zero value
// is ready to use; a Builder must not be used after Corpus is called.
type Builder struct {
	c    Corpus
	text []byte // the paragraphs' texts so far
	pb   paraBuilder
	done bool // Corpus was called
}

// Add parses data, the contents of the file at path, as the document called
// name ("guide.md", "books/page-388.txt"). Files named *.md or *.markdown
// are read as Markdown, anything else as plain text. A file that cannot be
// used returns a *FileError saying why, and the corpus is left unchanged.
//
// A file may have at most MaxFileBytesCeiling bytes (LoadContext's limits
// are usually lower) and MaxLines lines; front matter is limited too (see
// MaxFrontMatterBytes).
func (b *Builder) Add(name, path string, data []byte) error {
	return b.addContext(context.Background(), name, path, data)
}

// addContext is Add stopping soon after ctx is cancelled, with ctx's error
// (not a *FileError) and the corpus unchanged.
func (b *Builder) addContext(ctx context.Context, name, path string, data []byte) error {
	if b.done {
		return &FileError{Path: path, Reason: ReasonOther, Err: errors.New("corpus.Builder used after Corpus")}
	}
	in := &interrupt{ctx: ctx}
	if err := b.add(in, name, path, data); err != nil {
		if in.err != nil {
			return in.err
		}
		return &FileError{Path: path, Reason: reasonOf(err), Err: err}
	}
	return nil
}

// interrupt lets a long parse stop soon after its context is cancelled: it
// looks at the context once every stepsPerCheck steps (lines, words,
// sentences), and remembers the error once it has seen one.
type interrupt struct {
	ctx context.Context
	n   uint
	err error
}

// stepsPerCheck is how many steps pass between two looks at the context:
// some microseconds of work.
const stepsPerCheck = 4096

// step counts one step and reports whether to stop. A nil interrupt never
// stops.
func (in *interrupt) step() bool {
	if in == nil {
		return false
	}
	if in.err != nil {
		return true
	}
	in.n++
	if in.n%stepsPerCheck == 0 {
		in.err = look(in.ctx)
	}
	return in.err != nil
}

// look is a long read's look at its context: ctx's error (and a test
// hook's "check").
func look(ctx context.Context) error {
	hook("check", "")
	return ctx.Err()
}

// now looks at the context at once and returns its error.
func (in *interrupt) now() error {
	if in == nil {
		return nil
	}
	if in.err == nil {
		in.err = in.ctx.Err()
	}
	return in.err
}

// Grow reserves room for about n more bytes of text, so that a large
// corpus is not copied as it grows.
func (b *Builder) Grow(n int) {
	b.text = slices.Grow(b.text, n)
	b.c.sents = slices.Grow(b.c.sents, n/60)
	b.c.paraOff = slices.Grow(b.c.paraOff, n/120)
	b.c.paraDoc = slices.Grow(b.c.paraDoc, n/120)
	b.c.paraSec = slices.Grow(b.c.paraSec, n/120)
	b.c.paraFirst = slices.Grow(b.c.paraFirst, n/120)
}

// Skip records a file that was not loaded, for Corpus.Skipped.
func (b *Builder) Skip(err *FileError) { b.c.skipped = append(b.c.skipped, err) }

// Warn records a problem that did not stop a file from loading, such as an
// unknown front-matter key.
func (b *Builder) Warn(msg string) { b.c.warnings = append(b.c.warnings, msg) }

// Corpus returns the corpus built so far. It fails with ErrNoText if no
// document had a sentence in it.
func (b *Builder) Corpus() (*Corpus, error) {
	c := b.c
	if len(c.sents) == 0 || b.done {
		return nil, ErrNoText
	}
	// The text is handed over without a copy: the builder is done.
	n := len(b.text)
	if n > 0 {
		c.text = unsafe.String(&b.text[0], n)
	}
	b.text, b.done = nil, true
	c.paraOff = append(c.paraOff[:len(c.paraOff):len(c.paraOff)], uint32(n))
	c.paraFirst = append(c.paraFirst[:len(c.paraFirst):len(c.paraFirst)], int32(len(c.sents)))
	c.markStarts()
	return &c, nil
}

// absorb appends the corpus p has built, document IDs and offsets moved on,
// as if its files had been added to b. It fails, with b unchanged, when b
// cannot hold that much more text or sentences, as Add does.
func (b *Builder) absorb(p *Builder) error {
	if len(b.c.sents)+len(p.c.sents) > math.MaxInt32 || len(b.text)+len(p.text) > math.MaxUint32 {
		path := ""
		if len(p.c.docs) > 0 {
			path = p.c.docs[0].Path
		}
		return &FileError{Path: path, Reason: reasonOf(ErrTooLarge), Err: ErrTooLarge}
	}
	text, sents, docs := uint32(len(b.text)), int32(len(b.c.sents)), int32(len(b.c.docs))
	b.text = append(b.text, p.text...)
	for _, off := range p.c.paraOff {
		b.c.paraOff = append(b.c.paraOff, off+text)
	}
	for _, d := range p.c.paraDoc {
		b.c.paraDoc = append(b.c.paraDoc, d+docs)
	}
	b.c.paraSec = append(b.c.paraSec, p.c.paraSec...)
	for _, first := range p.c.paraFirst {
		b.c.paraFirst = append(b.c.paraFirst, first+sents)
	}
	for _, s := range p.c.sents {
		s.start += text
		s.end += text
		b.c.sents = append(b.c.sents, s)
	}
	for _, d := range p.c.docs {
		d.ID += int(docs)
		d.First += int(sents)
		d.End += int(sents)
		b.c.docs = append(b.c.docs, d)
	}
	b.c.skipped = append(b.c.skipped, p.c.skipped...)
	b.c.warnings = append(b.c.warnings, p.c.warnings...)
	b.c.bytes += p.c.bytes
	return nil
}

// MaxLines is the most lines a file may have. Reading a file takes some 45
// bytes for each of its lines, so that a file of nothing but line breaks
// would take 45 times its size.
const MaxLines = 1 << 24

// countLines counts the line breaks in data as splitLines cuts lines: at
// "\n", "\r\n", "\r" and "\f".
func countLines(data []byte) int {
	return bytes.Count(data, []byte{'\n'}) + bytes.Count(data, []byte{'\r'}) -
		bytes.Count(data, []byte("\r\n")) + bytes.Count(data, []byte{'\f'})
}

// ErrTooLarge is returned by Builder.Add when the corpus would hold more
// text or sentences than its offsets can address.
var ErrTooLarge = errors.New("the corpus is too large: over 4 GiB of text or 2 billion sentences; split it into several bots")

// add parses one file into the corpus. It returns in's error, with the
// corpus unchanged, once in is cancelled.
func (b *Builder) add(in *interrupt, name, filePath string, data []byte) error {
	return b.addText(in, name, filePath, data, nil)
}

// addText parses data as the document called name; pg, when not nil, says
// where its pages start and what they are called (AddPages).
func (b *Builder) addText(in *interrupt, name, filePath string, data []byte, pg *paging) error {
	if err := checkText(in, data); err != nil {
		return err
	}
	var (
		meta     Meta
		unknown  []string
		body     int
		markdown bool
	)
	if pg != nil {
		meta, markdown = pg.meta, pg.markdown
	} else {
		start := 0
		if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
			start = 3
		}
		var err error
		meta, unknown, body, err = frontMatter(data[start:])
		if err != nil {
			return err
		}
		body += start
		ext := strings.ToLower(path.Ext(name))
		markdown = ext == ".md" || ext == ".markdown"
	}
	if n := countLines(data[body:]); n > MaxLines {
		return fmt.Errorf("%w: %d lines, over the %d a file may have (each takes room while the file is read); split it", ErrTooBig, n, MaxLines)
	}
	lines := splitLines(in, data, body)
	if err := in.now(); err != nil {
		return err
	}
	// The outline's headings are found first, and hidden from the
	// furniture step: "CHAPTER 2" is no page number.
	var sections map[int][]sectionStart
	layLines := lines
	if pg != nil {
		sections = pg.sectionStarts(lines)
		layLines = hideHeadings(lines, sections)
	}
	lay := layoutPages(in, layLines, markdown)
	if err := in.now(); err != nil {
		return err
	}
	if pg != nil {
		pg.apply(layLines, &lay)
	}

	doc := Document{
		ID:   len(b.c.docs),
		Name: name,
		Path: filePath,
		Meta: meta,
		Size: len(data),
	}
	p := parser{
		in:       in,
		b:        b,
		doc:      &doc,
		lines:    lines,
		lay:      lay,
		markdown: markdown,
		section:  -1,
		paras:    len(b.c.paraDoc),
		gap:      pageGaps(lines, lay.furniture),
		sections: sections,
	}
	if pg == nil && !slices.Contains(lay.furniture, true) {
		p.width, p.wrapped, p.longLines = lay.width, lay.wrapped, lay.longLines // the same lines
	} else {
		p.width, p.wrapped, p.longLines = lineShape(in, lines, lay.furniture)
	}
	firstSent, firstPara, firstText := len(b.c.sents), len(b.c.paraDoc), len(b.text)
	if in.now() == nil {
		p.run()
	}
	if len(b.c.sents) == firstSent || p.tooLarge || in.now() != nil {
		b.c.sents = b.c.sents[:firstSent]
		b.c.paraDoc = b.c.paraDoc[:firstPara]
		b.c.paraSec = b.c.paraSec[:firstPara]
		b.c.paraOff = b.c.paraOff[:firstPara]
		b.c.paraFirst = b.c.paraFirst[:firstPara]
		b.text = b.text[:firstText]
		switch {
		case in.err != nil:
			return in.err
		case p.tooLarge:
			return ErrTooLarge
		}
		return ErrNoText
	}
	for _, k := range unknown {
		b.Warn(fmt.Sprintf("%s: unknown front-matter key %q ignored (known: title, source, author, url, page, language)", filePath, k))
	}

	doc.First, doc.End = firstSent, len(b.c.sents)
	doc.Pages = docPages(lay.labels, meta.Page)
	if doc.Pages == nil {
		for i := firstSent; i < len(b.c.sents); i++ {
			b.c.sents[i].firstPage, b.c.sents[i].pages = -1, 0
		}
	}
	if doc.Meta.Title == "" {
		doc.Meta.Title = firstNonEmpty(p.h1, lay.head, strings.TrimSuffix(path.Base(name), path.Ext(name)))
	}
	if doc.Meta.Source == "" {
		doc.Meta.Source = lay.source
	}
	b.c.docs = append(b.c.docs, doc)
	b.c.bytes += int64(len(data))
	return nil
}

// docPages returns the page labels to cite: the ones printed on the pages,
// else numbers counted from the front matter's page, else 1, 2, ... when
// form feeds divide the text, else none.
func docPages(labels []string, first string) []string {
	for _, l := range labels {
		if l != "" {
			return labels
		}
	}
	if first == "" && len(labels) < 2 {
		return nil
	}
	out := make([]string, len(labels))
	n, numeric := 1, true
	if first != "" {
		if _, err := fmt.Sscanf(first, "%d", &n); err != nil || fmt.Sprint(n) != first {
			numeric = false
		}
	}
	for i := range out {
		switch {
		case numeric:
			out[i] = fmt.Sprint(n + i)
		case i == 0:
			out[i] = first
		}
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// lineShape measures a document's lines. width is the 90th percentile of
// line length in runes; wrapped says the text is hard-wrapped to about that
// width; longLines says lines are whole paragraphs (median over 160 runes).
// It takes linear time, and gives up (zero values) once in is cancelled.
func lineShape(in *interrupt, lines []rawLine, skip []bool) (width int, wrapped, longLines bool) {
	var lens lengths
	for i, l := range lines {
		if in.step() {
			return 0, false, false
		}
		if skip[i] {
			continue
		}
		if t := strings.TrimSpace(l.text); t != "" {
			lens.add(utf8.RuneCountInString(t))
		}
	}
	if lens.n == 0 {
		return 0, false, false
	}
	width = lens.nth(lens.n * 9 / 10)
	median := lens.nth(lens.n / 2)
	full := lens.atLeast(0.7 * float64(width))
	wrapped = lens.n >= 3 && width <= 160 && full*2 >= lens.n
	return width, wrapped, median > 160
}

// lengths is a multiset of line lengths: counts for the usual short ones,
// a list for the rest.
type lengths struct {
	n     int
	short [1024]int
	top   int // short[top:] are all 0
	long  []int
	// sorted says long is sorted.
	sorted bool
}

func (s *lengths) add(n int) {
	s.n++
	if n < len(s.short) {
		s.short[n]++
		s.top = max(s.top, n+1)
		return
	}
	s.long = append(s.long, n)
	s.sorted = false
}

// nth returns the k-th smallest length, from 0.
func (s *lengths) nth(k int) int {
	for n, c := range s.short[:s.top] {
		if k < c {
			return n
		}
		k -= c
	}
	if !s.sorted {
		slices.Sort(s.long)
		s.sorted = true
	}
	return s.long[k]
}

// atLeast counts the lengths of at least x.
func (s *lengths) atLeast(x float64) int {
	count := 0
	for n, c := range s.short[:s.top] {
		if float64(n) >= x {
			count += c
		}
	}
	for _, n := range s.long {
		if float64(n) >= x {
			count++
		}
	}
	return count
}

// pageGaps marks the blank lines that stand in a page break: those with only
// blank lines between them and page furniture or a form feed.
func pageGaps(lines []rawLine, furniture []bool) []bool {
	gap := make([]bool, len(lines))
	after := false // furniture or a form feed since the last text line
	for i, l := range lines {
		switch {
		case furniture[i]:
			after = true
		case !l.blank():
			after = false
		default:
			after = after || l.pageBreak
			gap[i] = after
		}
	}
	before := false // furniture or a form feed before the next text line
	for i := len(lines) - 1; i >= 0; i-- {
		switch l := lines[i]; {
		case furniture[i]:
			before = true
		case !l.blank():
			before = l.pageBreak
		default:
			gap[i] = gap[i] || before
			before = before || l.pageBreak
		}
	}
	return gap
}

// parser turns one document's lines into paragraphs and sentences.
type parser struct {
	in       *interrupt
	b        *Builder
	doc      *Document
	lines    []rawLine
	lay      pageLayout
	markdown bool
	section  int32
	vocab    *vocabulary
	width    int
	wrapped  bool
	// longLines: each line is a whole paragraph.
	longLines bool
	h1        string
	seenText  bool
	fence     string
	// paras is the number of paragraphs in the corpus before this document.
	paras int
	// tooLarge is set when the corpus cannot take more text.
	tooLarge bool
	gap      []bool // per line: see pageGaps
	// sections are the outline's sections by the line they start at
	// (AddPages).
	sections map[int][]sectionStart
	spans    []Span // room for a paragraph's sentences
}

func (p *parser) run() {
	pb := &p.b.pb
	pb.reset()
	heading := 0 // lines of an outline's heading still to skip
	for i, l := range p.lines {
		if p.in.step() {
			return
		}
		for _, s := range p.sections[i] {
			p.setSection(s.title)
			if s.heading {
				heading = s.lines
			}
		}
		if heading > 0 {
			heading--
			continue
		}
		if p.lay.furniture[i] {
			continue // a paragraph runs on across the page break
		}
		text := l.text
		if p.markdown && p.markdownLine(i, text) {
			continue
		}
		if p.fence != "" {
			p.codeLine(i, l)
			continue
		}
		if l.blank() {
			// Blank lines around a page break end a paragraph only if its
			// last sentence is complete: else the page broke the sentence.
			if !p.gap[i] || p.afterSentence() {
				p.flush()
			}
			continue
		}
		off := l.off
		if n := listMarker(text); n > 0 && (p.markdown || p.afterSentence()) {
			p.flush()
			text, off = text[n:], off+n
		}
		p.seenText = true
		if p.markdown {
			clean, offs := stripInline(p.in, text, off)
			p.join(i, clean, 0, offs)
		} else {
			p.join(i, text, off, nil)
		}
		pb.lines++
		trimmed := strings.TrimSpace(text)
		switch {
		case p.longLines && !p.markdown:
			p.flush()
		case p.wrapped && endsSentence(trimmed) &&
			float64(utf8.RuneCountInString(trimmed)) < 0.8*float64(p.width):
			p.flush() // a short last line ends a paragraph
		}
	}
	p.flush()
}

// join appends line i's text to the paragraph, rejoining a word broken
// across the line end. offs maps text's bytes to file offsets (nil: text is
// contiguous in the file from off).
func (p *parser) join(i int, text string, off int, offs []int) {
	pb := &p.b.pb
	glue := false
	if head, ok := pb.brokenWord(); ok {
		first := ""
		if f := strings.Fields(text); len(f) > 0 {
			first = f[0]
		}
		glue = true
		if p.vocab == nil {
			// Built only when a word is broken across lines.
			p.vocab = buildVocabulary(p.in, p.lines, p.lay.furniture)
		}
		if !p.vocab.keepHyphen(head, first) {
			pb.buf = pb.buf[:len(pb.buf)-1]
		}
	} else if n, t := len(pb.buf), strings.TrimLeft(text, " \t"); n >= 2 && pb.buf[n-1] == '-' && isDigitByte(pb.buf[n-2]) && t != "" && isDigitByte(t[0]) {
		glue = true // a range broken after its dash: "1956-" / "1964"
	}
	pb.page(p.lay.page[i])
	writeWords(p.in, pb, text, off, offs, glue)
}

// writeWords writes text's words separated by single spaces; glue joins the
// first word to what came before without a space. offs maps text's bytes to
// file offsets; nil means text is contiguous in the file from off. It stops
// once in is cancelled.
func writeWords(in *interrupt, pb *paraBuilder, text string, off int, offs []int, glue bool) {
	i := 0
	for i < len(text) && !in.step() {
		i = skipSpaces(text, i)
		j := wordEnd(text, i)
		if j > i {
			if !glue {
				pb.space()
			}
			glue = false
			if offs == nil {
				// The words that follow, each after one space, are
				// copied with it: written one by one, they would give the
				// same bytes, from the same run of the file. Most lines
				// are such words to their end.
				if rest := strings.TrimRight(text, " "); len(rest)-i <= maxRunBytes && plainWords(rest[i:]) {
					j = len(rest)
				}
				for j-i < maxRunBytes && j+1 < len(text) && text[j] == ' ' {
					k := wordEnd(text, j+1)
					if k == j+1 {
						break
					}
					j = k
				}
				pb.write(text[i:j], off+i)
			} else {
				// Copy runs of bytes that are contiguous in the file.
				for k := i; k < j; {
					e := k + 1
					for e < j && offs[e] == offs[e-1]+1 {
						e++
					}
					pb.write(text[k:e], offs[k])
					k = e
				}
			}
		}
		i = j
	}
}

// plainWords reports whether s is words of ASCII characters that are not
// controls, each after a single space: no other white space, no space at
// either end. It looks at 8 bytes at a time.
func plainWords(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	const (
		ones   = 0x0101010101010101
		highs  = 0x8080808080808080
		lows   = 0x7f7f7f7f7f7f7f7f
		spaces = ' ' * ones
	)
	var prev uint64 // the last byte looked at was a space, in bit 63
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// The high bit of each byte that is not ASCII or is a control:
		// for b < 0x80, (b & 0x7f) + 0x60 has its high bit set if and
		// only if b >= 0x20, and no byte carries into the next.
		if (x|^((x&lows)+0x60*ones))&highs != 0 {
			return false
		}
		// The high bit of each byte that is a space: a zero in v.
		v := x ^ spaces
		sp := ^((v & lows) + lows | v) & highs
		if sp&(sp<<8|prev>>56) != 0 {
			return false // two spaces in a row
		}
		prev = sp
	}
	space := prev>>63 != 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c >= utf8.RuneSelf || c == ' ' && space {
			return false
		}
		space = c == ' '
	}
	return true
}

// maxRunBytes is about the most writeWords copies at once, between two
// looks at the context.
const maxRunBytes = 64 << 10

// skipSpaces returns the offset of the first byte at or after i in s that
// does not start a space (unicode.IsSpace).
func skipSpaces(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return i
}

// wordEnd returns the offset of the first space (unicode.IsSpace) at or
// after i in s, or len(s).
func wordEnd(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiSpace[c] {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return i
		}
		i += size
	}
	return i
}

func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, isCloser)
	r, _ := utf8.DecodeLastRuneInString(s)
	return isTerminator(r) || r == ':'
}

// listMarker returns the length of a list item's marker ("- ", "* ", "• ",
// "1. ", "2) ") with its indentation, or 0.
func listMarker(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	rest := s[i:]
	for _, m := range []string{"- ", "* ", "+ ", "• "} {
		if strings.HasPrefix(rest, m) {
			return i + len(m)
		}
	}
	d := 0
	for d < len(rest) && d < 3 && rest[d] >= '0' && rest[d] <= '9' {
		d++
	}
	if d > 0 && d+1 < len(rest) && (rest[d] == '.' || rest[d] == ')') && rest[d+1] == ' ' {
		return i + d + 2
	}
	return 0
}

// flush ends the current paragraph and splits it into sentences.
func (p *parser) flush() {
	pb := &p.b.pb
	defer pb.reset()
	if pb.empty() {
		return
	}
	c := &p.b.c
	text := unsafe.String(&pb.buf[0], len(pb.buf)) // read only while pb holds it
	var spans []Span
	if pb.code {
		spans = codeLines(p.in, text)
	} else {
		p.spans = splitSentences(p.in, text, p.spans[:0])
		spans = p.spans
	}
	if len(spans) == 0 || p.in.now() != nil {
		return
	}
	base := len(p.b.text)
	if len(c.sents)+len(spans) > math.MaxInt32 || base+len(text) > math.MaxUint32 {
		p.tooLarge = true
		return
	}
	c.paraOff = append(c.paraOff, uint32(base))
	c.paraDoc = append(c.paraDoc, int32(p.doc.ID))
	c.paraSec = append(c.paraSec, p.section)
	c.paraFirst = append(c.paraFirst, int32(len(c.sents)))
	p.b.text = append(p.b.text, text...)
	for _, s := range spans {
		src := pb.srcAt(s.Start)
		first, last := pb.pageAt(s.Start), pb.pageAt(s.End-1)
		c.sents = append(c.sents, sentence{
			start:     uint32(base + s.Start),
			end:       uint32(base + s.End),
			srcStart:  int32(src),
			srcLen:    uint16(min(max(pb.srcAt(s.End-1)+1-src, 0), math.MaxUint16)),
			firstPage: int32(first),
			pages:     uint16(min(max(last-first, 0), math.MaxUint16)),
		})
	}
}

// codeLines splits a code block into its non-blank lines. It stops once in
// is cancelled.
func codeLines(in *interrupt, text string) []Span {
	var spans []Span
	start := 0
	for start <= len(text) && !in.step() {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		s, e := skipSpace(text[:end], start), trimRightSpace(text, end)
		if e > s {
			spans = appendCapped(in, spans, text, s, e)
		}
		start = end + 1
	}
	return spans
}

// setSection starts a new section under heading h.
func (p *parser) setSection(h string) {
	p.flush()
	h = strings.Join(strings.Fields(h), " ")
	if h == "" {
		return
	}
	p.doc.Sections = append(p.doc.Sections, h)
	p.section = int32(len(p.doc.Sections) - 1)
}

// markdownLine handles Markdown block syntax on line i: fences, headings,
// rules, tables, quotes. It returns true when the line needs nothing more.
func (p *parser) markdownLine(i int, text string) bool {
	t := strings.TrimSpace(text)
	if p.fence != "" {
		if strings.HasPrefix(t, p.fence) && strings.Trim(t, p.fence[:1]) == "" {
			p.flush()
			p.fence = ""
			return true
		}
		return false
	}
	if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
		p.flush()
		p.fence = t[:3]
		return true
	}
	if level, h := atxHeading(t); level > 0 {
		clean, _ := stripInline(p.in, h, 0)
		if level == 1 && p.h1 == "" && !p.seenText {
			p.h1 = strings.TrimSpace(clean)
		}
		p.setSection(clean)
		return true
	}
	if isRule(t, '=') || isRule(t, '-') {
		pb := &p.b.pb
		if pb.lines == 1 && !pb.code && i > 0 && !p.lines[i-1].blank() {
			h := string(pb.buf)
			pb.reset()
			// The heading's own line has set seenText: ask instead whether
			// any paragraph came before it.
			if isRule(t, '=') && p.h1 == "" && len(p.doc.Sections) == 0 && len(p.b.c.paraDoc) == p.paras {
				p.h1 = h
			}
			p.setSection(h)
			return true
		}
		if isRule(t, '-') || isRule(t, '=') {
			p.flush()
			return true
		}
	}
	if isRule(t, '*') || isRule(t, '_') {
		p.flush()
		return true
	}
	if strings.HasPrefix(t, "|") {
		p.flush()
		if strings.Trim(t, "|-: \t") == "" {
			return true // the row under a table's header
		}
		cells := strings.Split(strings.Trim(t, "|"), "|")
		var parts []string
		for _, c := range cells {
			if c = strings.TrimSpace(c); c != "" {
				parts = append(parts, c)
			}
		}
		if len(parts) == 0 {
			return true
		}
		row := strings.Join(parts, "; ")
		clean, _ := stripInline(p.in, row, 0)
		// Table rows are rebuilt, so their bytes map to the row's start.
		offs := make([]int, len(clean))
		for k := range offs {
			offs[k] = p.lines[i].off + strings.Index(text, "|")
		}
		p.seenText = true
		p.join(i, clean, 0, offs)
		p.flush()
		return true
	}
	if strings.HasPrefix(t, "<!--") && strings.HasSuffix(t, "-->") {
		return true
	}
	if strings.HasPrefix(t, ">") {
		// A quote: drop the markers and read the rest as text.
		k := strings.Index(text, ">")
		rest := strings.TrimPrefix(text[k+1:], " ")
		if strings.TrimSpace(rest) == "" {
			p.flush()
			return true
		}
		clean, offs := stripInline(p.in, rest, p.lines[i].off+len(text)-len(rest))
		p.seenText = true
		p.join(i, clean, 0, offs)
		p.b.pb.lines++
		return true
	}
	return false
}

// afterSentence reports whether the paragraph so far is empty or ends a
// sentence, so that a plain-text line starting with "- " or "1. " is a list
// item and not a wrapped line that happens to start with a dash.
func (p *parser) afterSentence() bool {
	pb := &p.b.pb
	return pb.empty() || endsSentence(string(pb.buf[max(0, len(pb.buf)-8):]))
}

// codeLine adds a line of a fenced code block, kept as it is.
func (p *parser) codeLine(i int, l rawLine) {
	pb := &p.b.pb
	if !pb.code {
		p.flush()
		pb.code = true
	}
	pb.page(p.lay.page[i])
	if !pb.empty() {
		pb.buf = append(pb.buf, '\n')
	}
	line := strings.TrimRight(l.text, " \t")
	pb.write(line, l.off)
	pb.lines++
}

// atxHeading recognises "## Heading ##" and returns its level and text.
func atxHeading(t string) (int, string) {
	level := 0
	for level < len(t) && t[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || level < len(t) && t[level] != ' ' && t[level] != '\t' {
		return 0, ""
	}
	h := strings.TrimSpace(t[level:])
	h = strings.TrimSpace(strings.TrimRight(h, "#"))
	return level, h
}

// isRule reports whether t is three or more of c (spaces allowed).
func isRule(t string, c byte) bool {
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3 || (c == '=' || c == '-') && n >= 2 && !strings.Contains(t, " ")
}

// stripInline removes inline Markdown from a line: emphasis markers,
// backticks, link targets and HTML tags, keeping the visible text. offs maps
// each byte of clean to its offset in the file (line starts at off). It
// takes linear time, and stops once in is cancelled.
func stripInline(in *interrupt, line string, off int) (clean string, offs []int) {
	b := make([]byte, 0, len(line))
	offs = make([]int, 0, len(line))
	emit := func(i, j int) {
		for k := i; k < j; k++ {
			b = append(b, line[k])
			offs = append(offs, off+k)
		}
	}
	// The closing "]", ")" and ">" are looked for ahead of offsets that
	// only grow, each kind in its own slot.
	const (
		bracket    = iota // "]" from a "["
		paren             // ")" after "[...]("
		refBracket        // "]" after "[...]["
		angle             // ">" from a "<"
	)
	look := lookahead{s: line}
	check := 1 << 16 // where to look at the context next
	for i := 0; i < len(line); {
		if i >= check {
			if in.now() != nil {
				break
			}
			check = i + 1<<16
		}
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line) && strings.IndexByte("\\`*_{}[]()#+-.!|<>~", line[i+1]) >= 0:
			emit(i+1, i+2)
			i += 2
			continue
		case c == '!' && i+1 < len(line) && line[i+1] == '[':
			i++ // an image: keep its alt text like a link's
			continue
		case c == '[':
			if close := look.index(bracket, ']', i); close > i {
				rest := line[close+1:]
				if strings.HasPrefix(rest, "(") {
					if end := look.index(paren, ')', close+1); end > close+1 {
						inner, innerOffs := stripInline(in, line[i+1:close], off+i+1)
						b = append(b, inner...)
						offs = append(offs, innerOffs...)
						i = end + 1
						continue
					}
				}
				if strings.HasPrefix(rest, "[") {
					if end := look.index(refBracket, ']', close+1); end > close+1 {
						inner, innerOffs := stripInline(in, line[i+1:close], off+i+1)
						b = append(b, inner...)
						offs = append(offs, innerOffs...)
						i = end + 1
						continue
					}
				}
			}
		case c == '<':
			if close := look.index(angle, '>', i); close > i {
				end := close - i
				tag := line[i+1 : i+end]
				if strings.HasPrefix(tag, "http://") || strings.HasPrefix(tag, "https://") || strings.HasPrefix(tag, "mailto:") {
					emit(i+1, i+end)
					i += end + 1
					continue
				}
				if tag != "" && (tag[0] == '/' || tag[0] == '!' || unicode.IsLetter(rune(tag[0]))) && !strings.ContainsAny(tag, "<") {
					i += end + 1
					continue
				}
			}
		case c == '`':
			i++
			continue
		case c == '*' || c == '~':
			// Emphasis and strike-through markers, but not a lone "*" between
			// spaces ("2 * 3").
			prevSpace := i == 0 || line[i-1] == ' '
			nextSpace := i+1 >= len(line) || line[i+1] == ' '
			if !(prevSpace && nextSpace) {
				i++
				continue
			}
		case c == '_':
			prevWord := i > 0 && isWordByte(line[i-1])
			nextWord := i+1 < len(line) && isWordByte(line[i+1])
			if !(prevWord && nextWord) { // snake_case keeps its underscores
				i++
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(line[i:])
		emit(i, i+size)
		i += size
	}
	return string(b), offs
}

// lookahead finds bytes in s at or after offsets that, slot by slot, never
// go back. It remembers each slot's last answer, so that it reads each part
// of s at most once per slot: a line of many "[" without a "]" would
// otherwise take quadratic time.
type lookahead struct {
	s    string
	from [4]int
	at   [4]int // -1: none at or after from
	set  [4]bool
}

// index returns the offset of the first c at or after from, or -1.
func (l *lookahead) index(slot int, c byte, from int) int {
	if l.set[slot] && l.from[slot] <= from && (l.at[slot] < 0 || l.at[slot] >= from) {
		return l.at[slot]
	}
	i := strings.IndexByte(l.s[from:], c)
	if i >= 0 {
		i += from
	}
	l.from[slot], l.at[slot], l.set[slot] = from, i, true
	return i
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }
