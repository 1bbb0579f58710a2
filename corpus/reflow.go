package corpus

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// paraBuilder accumulates one paragraph's reflowed text and remembers, for
// every byte it writes, where that byte came from in the file and which page
// it was printed on.
type paraBuilder struct {
	buf     []byte
	anchors []anchor // where runs of copied bytes start
	pages   []mark   // where the page changes
	lines   int
	code    bool
}

type anchor struct{ out, src int }

type mark struct{ out, page int }

func (b *paraBuilder) reset() {
	b.buf = b.buf[:0]
	b.anchors = b.anchors[:0]
	b.pages = b.pages[:0]
	b.lines = 0
	b.code = false
}

func (b *paraBuilder) empty() bool { return len(b.buf) == 0 }

// write copies s, which starts at src in the file.
func (b *paraBuilder) write(s string, src int) {
	if s == "" {
		return
	}
	if n := len(b.anchors); n == 0 || b.anchors[n-1].src+len(b.buf)-b.anchors[n-1].out != src {
		b.anchors = append(b.anchors, anchor{len(b.buf), src})
	}
	b.buf = append(b.buf, s...)
}

// space writes one separating space, mapped to the end of what came before.
func (b *paraBuilder) space() {
	if len(b.buf) > 0 && b.buf[len(b.buf)-1] != ' ' {
		b.buf = append(b.buf, ' ')
	}
}

// page records that the text written from now on is on page p.
func (b *paraBuilder) page(p int) {
	if n := len(b.pages); n == 0 || b.pages[n-1].page != p {
		b.pages = append(b.pages, mark{len(b.buf), p})
	}
}

// srcAt maps an output offset to a file offset.
func (b *paraBuilder) srcAt(out int) int {
	i := sort.Search(len(b.anchors), func(i int) bool { return b.anchors[i].out > out }) - 1
	if i < 0 {
		return 0
	}
	a := b.anchors[i]
	return a.src + out - a.out
}

// pageAt returns the page of the byte at out.
func (b *paraBuilder) pageAt(out int) int {
	i := sort.Search(len(b.pages), func(i int) bool { return b.pages[i].out > out }) - 1
	if i < 0 {
		if len(b.pages) == 0 {
			return -1
		}
		return b.pages[0].page
	}
	return b.pages[i].page
}

func isSpaceByte(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

func spaceLen(s string, i int) int {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size
}

// maxWordBytes is the longest first part brokenWord returns: no word is
// longer, and looking further back would take quadratic time on lines that
// each end in a hyphen and glue into one endless "word".
const maxWordBytes = 256

// brokenWord reports whether the paragraph ends with a word broken by a
// line-end hyphen ("al-") and returns the word's first part (its last
// maxWordBytes, at most).
func (b *paraBuilder) brokenWord() (string, bool) {
	n := len(b.buf)
	if n < 2 || b.buf[n-1] != '-' {
		return "", false
	}
	r, _ := utf8.DecodeLastRune(b.buf[:n-1])
	if !unicode.IsLetter(r) {
		return "", false // "--", "1962-"
	}
	i := n - 1
	for i > max(0, n-1-maxWordBytes) {
		r, size := utf8.DecodeLastRune(b.buf[:i])
		if !unicode.IsLetter(r) && r != '-' {
			break
		}
		i -= size
	}
	return string(b.buf[i : n-1]), true
}

// vocabulary counts the words of a document, to decide whether a hyphen at a
// line end belongs to the word or only to the line break.
type vocabulary map[string]int

// buildVocabulary counts the words of lines, those skip marks aside. It
// stops, with what it has counted, once in is cancelled.
func buildVocabulary(in *interrupt, lines []rawLine, skip []bool) vocabulary {
	v := vocabulary{}
	for i, l := range lines {
		if in.step() {
			break
		}
		if skip[i] {
			continue
		}
		fields := strings.Fields(l.text)
		for k, f := range fields {
			if k == len(fields)-1 && strings.HasSuffix(f, "-") {
				continue // a broken word's first half
			}
			if k == 0 && i > 0 && strings.HasSuffix(strings.TrimSpace(lines[i-1].text), "-") {
				continue // and its second half
			}
			w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
			if w != "" {
				v[w]++
			}
		}
	}
	return v
}

// keepHyphen decides whether head-/tail, broken across a line end, is a
// hyphenated word ("self-censorship", "Twenty-Second") or one word split by
// the typesetter ("al-though", "So-viet").
func (v vocabulary) keepHyphen(head, tail string) bool {
	r, _ := utf8.DecodeRuneInString(tail)
	if !unicode.IsLower(r) {
		return true // "de-/Stalinization", "COVID-/19"
	}
	tailWord := strings.ToLower(strings.TrimRightFunc(tail, func(r rune) bool { return !unicode.IsLetter(r) }))
	headWord := strings.ToLower(head)
	if i := strings.LastIndexByte(headWord, '-'); i >= 0 {
		headWord = headWord[i+1:]
	}
	joined := headWord + tailWord
	hyphened := headWord + "-" + tailWord
	switch {
	case v[hyphened] > v[joined]:
		return true
	case v[joined] > 0:
		return false
	case strings.Contains(head, "-"):
		return false // "Twenty-Sec-/ond": the word already has its hyphen
	case hyphenPrefixes[headWord]:
		return true
	case headWord == "so" && tailWord == "called":
		return true
	}
	return false
}

// hyphenPrefixes are first halves that are normally joined to the rest of a
// word with a hyphen, so a hyphen after them at a line end is kept.
// Syllables such as "pro-" or "pre-" are left out: typesetters break
// "pro-duction" far more often than they print "pro-Soviet" across a line.
var hyphenPrefixes = setOf("self", "well", "ill", "half", "quasi", "twenty",
	"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
