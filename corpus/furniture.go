package corpus

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Page furniture is what a printed page repeats around its text: a running
// head, the page number, the book's title. Text extracted from print keeps
// it between the paragraphs; lectern recognises it, takes it out of the
// sentences and keeps it as citation metadata.
//
// A furniture block is a page-number line ("388", "xii", "- 12 -",
// "Page 12", "DE-STALINIZATION 388") with up to two short all-capitals lines
// around it. Blocks at the start or end of a page (the file's ends or a form
// feed) are always furniture; a block in the middle of the text is furniture
// when it has a running head or title beside its number, or when another
// block carries a neighbouring page number, so that a lone number in running
// text is not taken for a page.

// pageLayout is what furniture detection learns about a document.
type pageLayout struct {
	furniture []bool   // per line
	page      []int    // per line: index into labels
	labels    []string // page labels, one per page
	head      string   // the running head most pages carry, title-cased
	source    string   // the book title most pages carry, title-cased
	// The shape of all the lines (see lineShape), furniture included.
	width              int
	wrapped, longLines bool
}

type block struct {
	first, last  int // line indices, inclusive
	label        string
	head, source string
	num          int  // the label's value ("12", "xii"), or -1
	formFeed     bool // a form feed stands next to it
	docEdge      bool // it starts or ends the file
	hasText      bool // a running head or title stands beside the number
}

// layoutPages finds page breaks and page furniture in lines. With markdown
// set, only blocks next to a form feed count, since Markdown is not printed.
// Once in is cancelled it returns early, with a layout that must not be
// used.
func layoutPages(in *interrupt, lines []rawLine, markdown bool) pageLayout {
	n := len(lines)
	lay := pageLayout{furniture: make([]bool, n), page: make([]int, n)}
	lay.width, lay.wrapped, lay.longLines = lineShape(in, lines, lay.furniture) // none yet
	blocks := findBlocks(in, lines, markdown, lay.wrapped)
	if in.now() != nil {
		return lay
	}

	// Assign pages. A block at the start of a page labels the page that
	// follows; any other block ends the current page, labelling it if it has
	// no label yet and the next page otherwise.
	labels := []string{""}
	cur := 0
	pageHasText := false
	pending := false // start a new page at the next text line
	newPage := func() {
		labels = append(labels, "")
		cur++
		pageHasText = false
		pending = false
	}
	bi := 0
	for i := 0; i < n; i++ {
		if lines[i].pageBreak && (pageHasText || labels[cur] != "") {
			pending = true
		}
		if bi < len(blocks) && blocks[bi].first == i {
			b := blocks[bi]
			bi++
			if pending {
				newPage()
			}
			if !pageHasText || labels[cur] != "" && b.label != "" {
				// Header: it labels this page (or, if this page already has
				// a label, the next one).
				if labels[cur] != "" {
					newPage()
				}
				labels[cur] = b.label
			} else {
				// Footer: it labels and ends this page.
				if labels[cur] == "" {
					labels[cur] = b.label
				}
				pending = true
			}
			for j := b.first; j <= b.last; j++ {
				lay.furniture[j] = true
				lay.page[j] = cur
			}
			i = b.last
			continue
		}
		if lines[i].blank() {
			lay.page[i] = cur
			continue
		}
		if pending {
			newPage()
		}
		pageHasText = true
		lay.page[i] = cur
	}
	// A last page with nothing on it (after a final footer) is dropped.
	lay.labels = inferLabels(labels)

	heads := map[string]int{}
	sources := map[string]int{}
	for _, b := range blocks {
		if b.head != "" {
			heads[b.head]++
		}
		if b.source != "" {
			sources[b.source]++
		}
	}
	// Copied: the lines share the file's bytes, which must not be kept.
	lay.head = strings.Clone(titleCase(mostCommon(heads, len(blocks))))
	lay.source = strings.Clone(titleCase(mostCommon(sources, len(blocks))))
	return lay
}

// mostCommon returns the most frequent key, if it occurs at least min/2
// times; ties go to the alphabetically first.
func mostCommon(counts map[string]int, min int) string {
	best, bestN := "", 0
	for k, c := range counts {
		if c > bestN || c == bestN && k < best {
			best, bestN = k, c
		}
	}
	if bestN*2 < min {
		return ""
	}
	return best
}

// inferLabels fills unlabelled pages from their numbered neighbours.
func inferLabels(labels []string) []string {
	nums := make([]int, len(labels))
	known := false
	for i, l := range labels {
		nums[i] = -1
		if v, err := strconv.Atoi(l); err == nil {
			nums[i] = v
			known = true
		}
	}
	if !known {
		return labels
	}
	for i := 1; i < len(labels); i++ {
		if labels[i] == "" && nums[i-1] >= 0 {
			nums[i] = nums[i-1] + 1
			labels[i] = strconv.Itoa(nums[i])
		}
	}
	for i := len(labels) - 2; i >= 0; i-- {
		if labels[i] == "" && nums[i+1] > 1 {
			nums[i] = nums[i+1] - 1
			labels[i] = strconv.Itoa(nums[i])
		}
	}
	return labels
}

// findBlocks returns the furniture blocks of lines, in order. It takes
// linear time, and returns nil once in is cancelled.
func findBlocks(in *interrupt, lines []rawLine, markdown, wrapped bool) []block {
	var cands []block
	used := make([]bool, len(lines))
	for i, l := range lines {
		if in.step() {
			return nil
		}
		if used[i] || l.blank() {
			continue
		}
		label, before, after, ok := pageNumberLine(l.text)
		if !ok {
			continue
		}
		b := block{first: i, last: i, label: label, num: -1, head: before, source: after}
		if v, err := strconv.Atoi(label); err == nil {
			b.num = v
		} else if v, ok := romanValue(label); ok {
			b.num = v // so that "xii" and "xiii" are neighbours
		}
		// Grow over up to two all-capitals lines on each side, never across
		// a form feed or another page number.
		for k := 0; k < 2; k++ {
			j := prevText(lines, b.first)
			if j < 0 || used[j] || crossesBreak(lines, j, b.first) || !furnitureText(lines[j].text) {
				break
			}
			if b.head != "" && b.source == "" {
				b.source = b.head
			}
			b.head = strings.TrimSpace(lines[j].text)
			b.first = j
		}
		for k := 0; k < 2; k++ {
			j := nextText(lines, b.last)
			if j < 0 || crossesBreak(lines, b.last, j) || !furnitureText(lines[j].text) {
				break
			}
			if _, _, _, isNum := pageNumberLine(lines[j].text); isNum {
				break
			}
			if b.source != "" && b.head == "" {
				b.head = b.source
			}
			b.source = strings.TrimSpace(lines[j].text)
			b.last = j
		}
		// Two page numbers in a row are a list or a table, not furniture.
		if j := nextText(lines, b.last); j >= 0 && isPageNumber(lines[j].text) {
			continue
		}
		if j := prevText(lines, b.first); j >= 0 && isPageNumber(lines[j].text) {
			continue
		}
		prev, next := prevText(lines, b.first), nextText(lines, b.last)
		if next < 0 {
			next = len(lines) // a form feed may end the file
		}
		b.formFeed = prev >= 0 && crossesBreak(lines, prev, b.first) || lines[b.first].pageBreak ||
			crossesBreak(lines, b.last, min(next, len(lines)-1)) || next == len(lines) && endsWithBreak(lines)
		b.docEdge = prev < 0 || next == len(lines)
		b.hasText = b.head != "" || b.source != ""
		cands = append(cands, b)
		for j := b.first; j <= b.last; j++ {
			used[j] = true
		}
	}
	chain := pageChain(cands, wrapped)
	paged := false // the text marks its pages with form feeds
	for _, l := range lines {
		paged = paged || l.pageBreak
	}
	accepted := make([]bool, len(cands))
	for i, b := range cands {
		switch {
		case b.formFeed, paged && b.docEdge:
			// The text marks its pages: what stands beside a break, or
			// ends the last page, is furniture.
			accepted[i] = true
		case markdown:
		case chain[i]:
			// One of a run of increasing page numbers through the text.
			accepted[i] = true
		case b.hasText && interrupts(lines, b):
			// A running head or title in capitals with a page number,
			// cutting a sentence in two.
			accepted[i] = true
		case b.docEdge && clean(b) && (b.hasText || wrapped && len(cands) == 1 && textLines(lines) <= maxPageLines && afterProse(lines, b)):
			// A single page: a footer or header with a running head or
			// title, or a lone number after hard-wrapped prose.
			accepted[i] = true
		}
	}
	// Two numbers in a row, one cutting a sentence of hard-wrapped prose in
	// two and the other starting or ending the text, or cutting another
	// sentence: the pages of a text printed without a running head. (One
	// such number alone may well be a year.)
	//
	// Candidates are grouped by number, so that this takes linear time
	// however many numbers there are.
	if wrapped && !markdown {
		cuts := make([]bool, len(cands))
		partners := map[int][]int{} // number -> candidates that may pair with a cut
		for i, b := range cands {
			if b.num < 0 {
				continue
			}
			cuts[i] = interrupts(lines, b)
			if b.docEdge || cuts[i] {
				partners[b.num] = append(partners[b.num], i)
			}
		}
		paired := map[int]bool{} // numbers whose partners are all accepted
		for i, b := range cands {
			if !cuts[i] {
				continue
			}
			for _, d := range []int{-2, -1, 1, 2} {
				js := partners[b.num+d]
				if len(js) == 0 {
					continue
				}
				accepted[i] = true
				if !paired[b.num+d] {
					paired[b.num+d] = true
					for _, j := range js {
						accepted[j] = true
					}
				}
			}
		}
	}
	// Once a text is known to have pages, a number that starts or ends it
	// and follows on from an accepted one is furniture too.
	for i, b := range cands {
		if accepted[i] || markdown || !b.docEdge || b.num < 0 {
			continue
		}
		for j, o := range cands {
			if d := b.num - o.num; accepted[j] && o.num >= 0 && d != 0 && d >= -2 && d <= 2 {
				accepted[i] = true
				break
			}
		}
	}
	var out []block
	for i, b := range cands {
		if accepted[i] {
			out = append(out, b)
		}
	}
	return out
}

// interrupts reports whether block b stands inside a sentence: the line
// before it does not end one and the line after goes on in lower case. Only
// a bare number or one with a running head in capitals counts.
func interrupts(lines []rawLine, b block) bool {
	if b.hasText && !furnitureText(b.head+" "+b.source) {
		return false
	}
	prev, next := prevText(lines, b.first), nextText(lines, b.last)
	if prev < 0 || next < 0 || endsSentence(strings.TrimSpace(lines[prev].text)) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(lines[next].text, " \t"))
	return unicode.IsLower(r)
}

// pageChain finds the longest run of candidates whose numbers go up by one
// or two (a page, or a spread), and marks its members if the run is to be
// trusted: two or more that repeat a running head or title, or, in
// hard-wrapped text, three or more bare numbers (or numbers beside
// capitals) a page apart at regular intervals, as printed pages are. Lists
// and tables number their lines closer or less evenly than that.
func pageChain(cands []block, wrapped bool) map[int]bool {
	type chain struct {
		members        []int
		shared         bool // some link repeats a running head or title
		minGap, maxGap int
	}
	open := map[int]*chain{} // next expected number -> chain
	var best *chain
	for i, b := range cands {
		if b.num < 0 {
			continue
		}
		var c *chain
		for _, want := range []int{b.num, b.num - 1} {
			prev := open[want]
			if prev == nil {
				continue
			}
			last := cands[prev.members[len(prev.members)-1]]
			gap := b.first - last.last
			shared := sharesText(last, b)
			if !shared && (gap < pageLines || !clean(last) || !clean(b)) {
				continue
			}
			c = prev
			c.shared = c.shared || shared
			if c.minGap == 0 || gap < c.minGap {
				c.minGap = gap
			}
			c.maxGap = max(c.maxGap, gap)
			delete(open, want)
			break
		}
		if c == nil {
			c = &chain{}
		}
		c.members = append(c.members, i)
		open[b.num+1] = c
		if best == nil || len(c.members) > len(best.members) {
			best = c
		}
	}
	marked := map[int]bool{}
	if best == nil {
		return marked
	}
	allClean := true
	for _, i := range best.members {
		allClean = allClean && clean(cands[i])
	}
	regular := best.maxGap <= 2*best.minGap // printed pages are all about as long
	trusted := len(best.members) == 2 && best.shared && allClean ||
		len(best.members) >= 3 && regular && (best.shared || wrapped && allClean)
	if !trusted {
		return marked
	}
	for _, i := range best.members {
		marked[i] = true
	}
	return marked
}

// pageLines is the fewest lines a printed page of running text has, and
// maxPageLines the most.
const (
	pageLines    = 24
	maxPageLines = 90
)

// afterProse reports whether the text line before b reads as prose: a few
// words of letters, not code or a table.
func afterProse(lines []rawLine, b block) bool {
	prev := prevText(lines, b.first)
	if prev < 0 {
		return false
	}
	words := strings.Fields(lines[prev].text)
	if len(words) < 4 {
		return false
	}
	letters, other := 0, 0
	for _, r := range lines[prev].text {
		switch {
		case unicode.IsLetter(r) || unicode.IsSpace(r):
			letters++
		case !strings.ContainsRune(".,;:'’\"()-", r):
			other++
		}
	}
	return other*10 < letters
}

// textLines counts the lines that are not blank.
func textLines(lines []rawLine) int {
	n := 0
	for _, l := range lines {
		if !l.blank() {
			n++
		}
	}
	return n
}

// clean reports whether a block is a bare number or a number beside
// capitals, as page furniture is, rather than a number in a table row.
func clean(b block) bool {
	return !b.hasText || furnitureText(strings.TrimSpace(b.head+" "+b.source))
}

func sharesText(a, b block) bool {
	for _, x := range []string{a.head, a.source} {
		if x != "" && (x == b.head || x == b.source) {
			return true
		}
	}
	return false
}

// endsWithBreak reports whether a form feed comes after the last text.
func endsWithBreak(lines []rawLine) bool {
	for j := len(lines) - 1; j >= 0; j-- {
		if lines[j].pageBreak {
			return true
		}
		if !lines[j].blank() {
			return false
		}
	}
	return false
}

func prevText(lines []rawLine, i int) int {
	for j := i - 1; j >= 0; j-- {
		if !lines[j].blank() {
			return j
		}
	}
	return -1
}

func nextText(lines []rawLine, i int) int {
	for j := i + 1; j < len(lines); j++ {
		if !lines[j].blank() {
			return j
		}
	}
	return -1
}

// crossesBreak reports whether a form feed separates line a from line b > a.
func crossesBreak(lines []rawLine, a, b int) bool {
	for j := a + 1; j <= b; j++ {
		if lines[j].pageBreak {
			return true
		}
	}
	return false
}

func isPageNumber(s string) bool {
	_, before, after, ok := pageNumberLine(s)
	return ok && before == "" && after == ""
}

// pageNumberLine recognises a line holding a page number, alone or with a
// running head before it or a title after it ("DE-STALINIZATION 388",
// "388 | ENCYCLOPEDIA OF RUSSIAN HISTORY").
//
// It looks at every line of a document, so it turns most lines down
// without allocating: a "page 12" line starts with a P, and a number beside
// furniture text is the line's first or last field.
func pageNumberLine(s string) (label, before, after string, ok bool) {
	t := strings.TrimSpace(s)
	if t == "" || len(t) > 90 {
		return "", "", "", false
	}
	if l, ok := bareNumber(t); ok {
		return l, "", "", true
	}
	// Only P and p lower-case to p.
	if t[0]|0x20 == 'p' {
		lower := strings.ToLower(t)
		for _, prefix := range []string{"page ", "p. ", "pg. ", "pg "} {
			if rest, found := strings.CutPrefix(lower, prefix); found {
				rest = strings.TrimSpace(rest)
				if i := strings.Index(rest, " of "); i > 0 {
					rest = rest[:i]
				}
				if isDigits(rest) && len(rest) <= 5 {
					return rest, "", "", true
				}
			}
		}
	}
	for _, d := range []string{"-", "–", "—"} {
		if inner, found := strings.CutPrefix(t, d); found {
			if inner, found = strings.CutSuffix(inner, d); found {
				if l, ok := bareNumber(strings.TrimSpace(inner)); ok {
					return l, "", "", true
				}
			}
		}
	}
	// A number at either end, with furniture text on the other side. Most
	// lines start and end with a letter or punctuation: no number there.
	if !mayEdgeNumber(t[0]) && !mayEdgeNumber(t[len(t)-1]) {
		return "", "", "", false
	}
	if first, last := edgeFields(t); !(isDigits(first) && len(first) <= 4) && !(isDigits(last) && len(last) <= 4) {
		return "", "", "", false
	}
	fields := strings.FieldsFunc(t, pageFieldSep)
	if len(fields) < 2 {
		return "", "", "", false
	}
	if isDigits(fields[0]) && len(fields[0]) <= 4 {
		rest := strings.Join(fields[1:], " ")
		if runningText(rest) {
			return fields[0], "", rest, true
		}
	}
	if last := fields[len(fields)-1]; isDigits(last) && len(last) <= 4 {
		rest := strings.Join(fields[:len(fields)-1], " ")
		if runningText(rest) {
			return last, rest, "", true
		}
	}
	return "", "", "", false
}

// pageFieldSep separates the fields of a page-number line.
func pageFieldSep(r rune) bool {
	return unicode.IsSpace(r) || r == '|' || r == '•' || r == '·'
}

// mayEdgeNumber reports whether a line that starts (or ends) with the byte
// c, not a space, may have a number as its first (or last) field: c is a
// digit, or a separator, or part of a character outside ASCII.
func mayEdgeNumber(c byte) bool {
	return '0' <= c && c <= '9' || c == '|' || c >= utf8.RuneSelf
}

// edgeFields returns the first and the last field of t as
// strings.FieldsFunc(t, pageFieldSep) cuts it ("" if it has none), without
// allocating.
func edgeFields(t string) (first, last string) {
	start := -1 // where the field being read starts
	found := false
	for i := 0; i < len(t); {
		var sep bool
		size := 1
		if c := t[i]; c < utf8.RuneSelf {
			sep = asciiSpace[c] || c == '|'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(t[i:])
			sep = pageFieldSep(r)
		}
		switch {
		case sep && start >= 0:
			if !found {
				first, found = t[start:i], true
			}
			last = t[start:i]
			start = -1
		case !sep && start < 0:
			start = i
		}
		i += size
	}
	if start >= 0 {
		if !found {
			first = t[start:]
		}
		last = t[start:]
	}
	return first, last
}

// bareNumber accepts "388" and Roman numerals such as "xii".
func bareNumber(t string) (string, bool) {
	if isDigits(t) && len(t) <= 5 && t[0] != '0' {
		return t, true
	}
	if isRomanNumeral(t) {
		return t, true
	}
	return "", false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isRomanNumeral accepts well-formed Roman numerals up to 3999 written all in
// lower or all in upper case, two letters or more ("I" alone is a word).
func isRomanNumeral(s string) bool {
	_, ok := romanValue(s)
	return ok
}

// romanValue returns the value of a Roman numeral that isRomanNumeral
// accepts ("xii" -> 12).
func romanValue(s string) (int, bool) {
	if len(s) < 2 || len(s) > 12 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		// Other letters are turned down at once; bytes of other characters
		// are looked at below, as some upper-case to Roman letters ("ı").
		if c := s[i]; c < utf8.RuneSelf && romanDigit(c&^0x20) == 0 {
			return 0, false
		}
	}
	if s != strings.ToLower(s) && s != strings.ToUpper(s) {
		return 0, false
	}
	u := strings.ToUpper(s)
	total := 0
	for i := 0; i < len(u); i++ {
		v := romanDigit(u[i])
		if v == 0 {
			return 0, false
		}
		if i+1 < len(u) && romanDigit(u[i+1]) > v {
			total -= v
		} else {
			total += v
		}
	}
	return total, total > 0 && total < 4000 && toRoman(total) == u
}

// romanDigit returns the value of an upper-case Roman digit, or 0.
func romanDigit(c byte) int {
	switch c {
	case 'I':
		return 1
	case 'V':
		return 5
	case 'X':
		return 10
	case 'L':
		return 50
	case 'C':
		return 100
	case 'D':
		return 500
	case 'M':
		return 1000
	}
	return 0
}

func toRoman(n int) string {
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

// furnitureText accepts a running head or book title printed on its own
// line: short, all capitals, no sentence punctuation at its end.
func furnitureText(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" || utf8.RuneCountInString(t) > 70 || len(strings.Fields(t)) > 10 {
		return false
	}
	if strings.IndexFunc(t, unicode.IsLower) >= 0 || strings.IndexFunc(t, unicode.IsLetter) < 0 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	return !strings.ContainsRune(".,;:!?", last)
}

// runningText accepts the text beside a page number on one line: short,
// without sentence punctuation at its end, in capitals or title case.
func runningText(t string) bool {
	if utf8.RuneCountInString(t) > 70 || strings.IndexFunc(t, unicode.IsLetter) < 0 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".,;:!?", last) {
		return false
	}
	for i, w := range strings.Fields(t) {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) || unicode.IsLower(r) && (i == 0 || !minorWords[strings.ToLower(w)]) {
			return false
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && !strings.ContainsRune("'’-.&", r) {
				return false // code, tables, markup
			}
		}
	}
	return true
}
