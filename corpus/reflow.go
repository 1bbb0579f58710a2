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
type vocabulary struct {
	ids    map[string]int32 // word -> index in counts
	counts []int32
}

// count returns how many times the vocabulary holds w.
func (v *vocabulary) count(w string) int {
	if id, ok := v.ids[w]; ok {
		return int(v.counts[id])
	}
	return 0
}

// add counts word w once more. w may be a scratch buffer: it is copied
// only when it is new.
func (v *vocabulary) add(w []byte) {
	if id, ok := v.ids[string(w)]; ok {
		v.counts[id]++
		return
	}
	v.ids[string(w)] = int32(len(v.counts))
	v.counts = append(v.counts, 1)
}

// buildVocabulary counts the words of lines, those skip marks aside: each
// field (strings.Fields), its non-alphanumeric ends trimmed and lower-cased,
// except the halves of words broken across lines. It stops, with what it
// has counted, once in is cancelled.
func buildVocabulary(in *interrupt, lines []rawLine, skip []bool) *vocabulary {
	v := &vocabulary{ids: map[string]int32{}}
	var buf []byte
	for i, l := range lines {
		if in.step() {
			break
		}
		if skip[i] {
			continue
		}
		t := l.text
		start := skipSpaces(t, 0)
		for k := start; k < len(t); {
			e := wordEnd(t, k)
			f := t[k:e]
			first := k == start
			k = skipSpaces(t, e)
			if k == len(t) && f[len(f)-1] == '-' {
				continue // a broken word's first half
			}
			if first && i > 0 && strings.HasSuffix(strings.TrimSpace(lines[i-1].text), "-") {
				continue // and its second half
			}
			buf = appendLowerWord(buf[:0], f)
			if len(buf) > 0 {
				v.add(buf)
			}
		}
	}
	return v
}

// appendLowerWord appends w, trimmed of what is neither a letter nor a
// digit at its ends, in lower case (strings.ToLower) to buf.
func appendLowerWord(buf []byte, w string) []byte {
	w = strings.TrimFunc(w, notAlnum)
	n := len(buf)
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return append(buf[:n], strings.ToLower(w)...)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

func notAlnum(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// keepHyphen decides whether head-/tail, broken across a line end, is a
// hyphenated word ("self-censorship", "Twenty-Second") or one word split by
// the typesetter ("al-though", "So-viet").
func (v *vocabulary) keepHyphen(head, tail string) bool {
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
	case v.count(hyphened) > v.count(joined):
		return true
	case v.count(joined) > 0:
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

// asciiSpace marks the ASCII bytes that unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
