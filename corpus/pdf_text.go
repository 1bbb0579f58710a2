package corpus

import (
	"bytes"
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What the PDF reader does to PDFium's text before the steps every text
// goes through (furniture, reflowing, rejoining broken words, sentences):
// it gives each page its lines as they are printed, marks the gaps between
// paragraphs with blank lines, puts back the line-end hyphens PDFium
// joined, and takes out what the furniture step would not know for
// furniture: running heads without a page number beside them, a page's
// label printed alone ("v"), a table of contents' dot leaders.

// pdfLine is a line of a page's text as PDFium reads it.
type pdfLine struct {
	text string
	// y is the height of the line's baseline on the page, in points from
	// the bottom; NaN where it is not known.
	y float64
}

// paraGap is how much farther apart than the page's usual line spacing two
// lines must be for a blank line to stand between them: the space between
// paragraphs, or around a heading.
const paraGap = 1.4

// pdfPageLines turns a page's lines as PDFium reads them into the lines of
// its text: a blank line where the gap to the line before is a paragraph's
// (see paraGap), a line break put back after each hyphen PDFium joined to
// the next line, so that the dehyphenation step decides between "printing"
// and "self-taught" as for any text, and characters that text cannot hold
// taken out.
func pdfPageLines(lines []pdfLine) []string {
	spacing := lineSpacing(lines)
	out := make([]string, 0, len(lines)+len(lines)/4)
	for k, l := range lines {
		if k > 0 && spacing > 0 && drop(lines, k) > paraGap*spacing {
			out = append(out, "")
		}
		out = append(out, strings.Split(cleanPDFLine(l.text), "\n")...)
	}
	return out
}

// lineSpacing returns the usual distance between a page's lines: the
// drop from one line to the next seen most often (to half a point, the
// smaller of equals), or 0 when none is seen twice. A rise (a new column)
// is no drop.
func lineSpacing(lines []pdfLine) float64 {
	counts := map[float64]int{}
	for k := 1; k < len(lines); k++ {
		if d := drop(lines, k); d > 0.5 && d < 1e4 { // NaN compares false: left out
			counts[math.Round(d*2)/2]++
		}
	}
	best, bestN := 0.0, 1
	for d, n := range counts {
		if n > bestN || n == bestN && d < best {
			best, bestN = d, n
		}
	}
	return best
}

// drop returns how far line k stands below line k-1, per printed line: a
// line PDFium joined to the next at a hyphen counts for two.
func drop(lines []pdfLine, k int) float64 {
	prev := strings.TrimRight(lines[k-1].text, pdfHyphens)
	joined := strings.Count(prev, "\ufffe") + strings.Count(prev, "\x02")
	return (lines[k-1].y - lines[k].y) / float64(1+joined)
}

// removeLabel takes out of a page's lines its label printed alone on its
// first or last line: the furniture step does not take a one-letter Roman
// numeral ("i", "v") for a page number, as it could be a word.
func removeLabel(lines []string, label string) []string {
	if label == "" {
		return lines
	}
	for _, last := range []bool{true, false} {
		i := -1
		for k := range lines {
			if strings.TrimSpace(lines[k]) != "" {
				i = k
				if !last {
					break
				}
			}
		}
		if i >= 0 && strings.EqualFold(strings.TrimSpace(lines[i]), label) {
			lines = slices.Delete(lines, i, i+1)
		}
	}
	return lines
}

// pdfHyphens are what PDFium puts in place of a hyphen that ended a line and
// that it joined to the next line's word: U+FFFE from FPDFText_GetText, 0x02
// from FPDFText_GetUnicode.
const pdfHyphens = "\ufffe\x02"

// ligatures spells out the typographic ligatures some fonts map their
// glyphs to, so that "ﬁnd" is found as "find".
var ligatures = strings.NewReplacer("ﬀ", "ff", "ﬁ", "fi", "ﬂ", "fl", "ﬃ", "ffi", "ﬄ", "ffl", "ﬅ", "ft", "ﬆ", "st")

// cleanPDFLine returns a line of PDFium's text as text: a joined hyphen
// restored with the line break after it (but in a word in capitals, which
// stays joined), ligatures spelled out, invalid UTF-8 and control
// characters (but tabs) taken out, trailing space trimmed. The result may
// hold a line break, from a restored hyphen or one PDFium left inside a
// line.
func cleanPDFLine(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = ligatures.Replace(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case strings.ContainsRune(pdfHyphens, r):
			rest := s[i+utf8.RuneLen(r):]
			if capitalsBroken(s[:i], rest) {
				break // "INDI-/RECT": the dehyphenation step would keep the hyphen
			}
			b.WriteByte('-')
			if rest != "" && rest[0] != '\r' && rest[0] != '\n' {
				b.WriteByte('\n')
			}
		case r == '\r' || r == '\n':
			b.WriteByte('\n')
		case r == '\t' || r == ' ':
			b.WriteRune(r)
		case unicode.IsControl(r) || r == '\uffff' || r == '\ufeff':
			// PDFium's markers and stray control codes: not text.
		default:
			b.WriteRune(r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.Join(lines, "\n")
}

// capitalsBroken reports whether a word in capitals was broken across a
// line end: before ends in two capitals or more (a word's start, at least),
// after starts with one.
func capitalsBroken(before, after string) bool {
	r, _ := utf8.DecodeRuneInString(after)
	if !unicode.IsUpper(r) {
		return false
	}
	word := before[strings.LastIndexFunc(before, func(r rune) bool { return !unicode.IsLetter(r) })+1:]
	return utf8.RuneCountInString(word) >= 2 && strings.IndexFunc(word, func(r rune) bool { return !unicode.IsUpper(r) }) < 0
}

// joinPDFLines returns a page's lines as its text, without dot leaders
// (see dropLeaders).
func joinPDFLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(dropLeaders(l), " "))
	}
	return b.String()
}

// minLeader is the fewest dots that make a leader.
const minLeader = 4

// dropLeaders replaces dot leaders ("Links.........13") with a space:
// they would read as a run of one-dot sentences. A line of a table of
// contents, whose leader leads to nothing but a page number ("1.1 Console
// basics . . . . . 1"), is dropped whole: the heading is printed where it
// leads, and its entry here answers nothing.
func dropLeaders(s string) string {
	if strings.Count(s, ".") < minLeader {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if s[i] != '.' {
			b = append(b, s[i])
			i++
			continue
		}
		// A run of dots, single spaces between them allowed.
		j, dots := i, 0
		for j < len(s) && s[j] == '.' {
			dots++
			j++
			if j+1 < len(s) && s[j] == ' ' && s[j+1] == '.' {
				j++
			}
		}
		if dots < minLeader {
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		b = append(bytes.TrimRight(b, " "), ' ')
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if _, ok := bareNumber(strings.TrimSpace(s[j:])); ok || s[j:] == "" {
			return ""
		}
		i = j
	}
	return string(b)
}

// digits matches a run of digits.
var digits = regexp.MustCompile(`[0-9]+`)

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }

// hasText reports whether a page's lines hold any letter or digit.
func hasText(lines []string) bool {
	for _, l := range lines {
		if strings.IndexFunc(l, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			return true
		}
	}
	return false
}

// minRunningHeads is the fewest pages a line must head (or foot), each
// near another page it heads, to be taken for a running head.
const minRunningHeads = 3

// runningHeadReach is how many pages apart two pages with the same running
// head may be: a book's title heads every other page, a chapter's the
// pages between.
const runningHeadReach = 2

// maxRunningHead is the longest running head, in characters.
const maxRunningHead = 80

// removeRunningHeads takes out of pages (each a page's lines) the running
// heads and feet that the furniture step would not take out itself for
// want of a page number on the same line ("A HISTORY OF PRINTING" over the
// text, the number at the foot). A running head is a line printed first
// (or last) on at least minRunningHeads pages, exactly the same (spacing
// aside), most of them within runningHeadReach pages of another: a heading
// that happens to start a few pages of a long document is no running head.
// It returns the head found on the most pages, and on how many.
func removeRunningHeads(pages [][]string, labels []string) (head string, count int) {
	type edge struct {
		key string
		top bool
	}
	edges := func(lines []string) (first, last int) {
		first, last = -1, -1
		for i, l := range lines {
			if strings.TrimSpace(l) != "" {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		return first, last
	}
	candidate := func(l, label string) (string, bool) {
		words := strings.Fields(l)
		key := strings.Join(words, " ")
		if key == "" || utf8.RuneCountInString(key) > maxRunningHead {
			return "", false
		}
		if _, _, _, ok := pageNumberLine(key); ok {
			return "", false // the furniture step knows it
		}
		// The page's number, which changes from page to page, is left
		// out of the comparison: "Debian Reference 32 / 233", "Debian
		// Reference iv".
		for i, w := range words {
			if label != "" && strings.EqualFold(w, label) {
				words[i] = "#"
			} else if strings.ContainsFunc(w, isDigitRune) {
				words[i] = digits.ReplaceAllString(w, "#")
			}
		}
		return strings.Join(words, " "), true
	}
	found := map[edge][]int{} // the pages each line heads or foots
	for p, lines := range pages {
		first, last := edges(lines)
		if first < 0 {
			continue
		}
		if key, ok := candidate(lines[first], labels[p]); ok {
			found[edge{key, true}] = append(found[edge{key, true}], p)
		}
		if key, ok := candidate(lines[last], labels[p]); ok && last != first {
			found[edge{key, false}] = append(found[edge{key, false}], p)
		}
	}
	running := map[edge]bool{}
	for e, ps := range found {
		near := 0
		for i, p := range ps {
			if i > 0 && p-ps[i-1] <= runningHeadReach || i+1 < len(ps) && ps[i+1]-p <= runningHeadReach {
				near++
			}
		}
		if near < minRunningHeads || near*2 < len(ps) {
			continue
		}
		running[e] = true
		if e.top && !strings.Contains(e.key, "#") && (len(ps) > count || len(ps) == count && e.key < head) {
			head, count = e.key, len(ps)
		}
	}
	for p, lines := range pages {
		first, last := edges(lines)
		if first < 0 {
			continue
		}
		if key, ok := candidate(lines[last], labels[p]); ok && last != first && running[edge{key, false}] {
			lines = slices.Delete(lines, last, last+1)
		}
		if key, ok := candidate(lines[first], labels[p]); ok && running[edge{key, true}] {
			lines = slices.Delete(lines, first, first+1)
		}
		pages[p] = lines
	}
	return head, count
}

// pageRanges writes 0-based page indexes, in increasing order, as 1-based
// ranges: "3", "3–9", "1, 4–6"; at most max ranges, then "and N more".
func pageRanges(pages []int, max int) string {
	var parts []string
	more := 0
	for i := 0; i < len(pages); {
		j := i
		for j+1 < len(pages) && pages[j+1] == pages[j]+1 {
			j++
		}
		if len(parts) == max {
			more += j - i + 1
		} else if i == j {
			parts = append(parts, strconv.Itoa(pages[i]+1))
		} else {
			parts = append(parts, fmt.Sprintf("%d–%d", pages[i]+1, pages[j]+1))
		}
		i = j + 1
	}
	s := strings.Join(parts, ", ")
	if more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// pagesWord is "page" or "pages" before pageRanges' list.
func pagesWord(pages []int) string {
	if len(pages) == 1 {
		return "page"
	}
	return "pages"
}

// pdfTitle returns a PDF's /Title as a citation's title, or "" when it is
// no title but a file name or a placeholder that the software that made
// the file left there ("Microsoft Word - thesis.docx", "untitled").
func pdfTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "microsoft word - ") || strings.HasPrefix(lower, "microsoft powerpoint - ") {
		return ""
	}
	switch lower {
	case "untitled", "untitled document", "title", "no title", "document", "(anonymous)", "anonymous":
		return ""
	}
	switch path.Ext(lower) {
	case ".doc", ".docx", ".odt", ".rtf", ".tex", ".dvi", ".pdf", ".ps", ".indd", ".txt", ".md", ".html", ".htm", ".qxd", ".pages", ".pptx", ".ppt":
		return ""
	}
	return s
}
