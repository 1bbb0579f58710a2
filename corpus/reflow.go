package corpus

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
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
// line end belongs to the word or only to the line break. It is a hash
// table of its own, open addressing with linear probing, its words kept
// one after another in one buffer: a document's every word goes through
// it, hashed as it is lower-cased.
type vocabulary struct {
	slots []vocabSlot // a power of two of them, at most half used
	words []byte      // the words, one after another
	n     int         // slots used
}

type vocabSlot struct {
	hash  uint32 // the low half of the word's hash
	len   uint32 // the word's length; a field is at most 2 GiB
	off   int    // where the word starts in vocabulary.words
	count int    // 0 for an empty slot
}

// The 64-bit FNV-1a hash's offset basis and prime.
const (
	vocabHashStart = 14695981039346656037
	vocabHashPrime = 1099511628211
)

// hashWord hashes a word: FNV-1a over its bytes, 64 bits wide.
func hashWord(w []byte) uint64 {
	h := uint64(vocabHashStart)
	for _, c := range w {
		h = (h ^ uint64(c)) * vocabHashPrime
	}
	return h
}

// find returns the slot holding w, whose hash is h, or the empty slot
// where it belongs.
func (v *vocabulary) find(w []byte, h uint64) *vocabSlot {
	mask := uint64(len(v.slots) - 1)
	tag := uint32(h)
	for i := (h >> 32) & mask; ; i = (i + 1) & mask {
		sl := &v.slots[i]
		if sl.count == 0 || sl.hash == tag && string(v.words[sl.off:sl.off+int(sl.len)]) == string(w) {
			return sl
		}
	}
}

// count returns how many times the vocabulary holds w.
func (v *vocabulary) count(w string) int {
	if len(v.slots) == 0 {
		return 0
	}
	b := unsafe.Slice(unsafe.StringData(w), len(w)) // only read
	return v.find(b, hashWord(b)).count
}

// add counts word w, whose hash is h, once more. w is copied only when it
// is new.
func (v *vocabulary) add(w []byte, h uint64) {
	if v.n*2 >= len(v.slots) {
		v.grow()
	}
	sl := v.find(w, h)
	if sl.count == 0 {
		*sl = vocabSlot{hash: uint32(h), off: len(v.words), len: uint32(len(w))}
		v.words = append(v.words, w...)
		v.n++
	}
	sl.count++
}

// grow doubles the table.
func (v *vocabulary) grow() {
	old := v.slots
	v.slots = make([]vocabSlot, max(1024, 2*len(old)))
	for _, sl := range old {
		if sl.count > 0 {
			w := v.words[sl.off : sl.off+int(sl.len)]
			*v.find(w, hashWord(w)) = sl
		}
	}
}

// buildVocabulary counts the words of lines, those skip marks aside: each
// field (strings.Fields), its ends trimmed of what is neither a letter nor
// a digit, in lower case (strings.ToLower), except the halves of words
// broken across lines. It stops, with what it has counted, once in is
// cancelled.
func buildVocabulary(in *interrupt, lines []rawLine, skip []bool) *vocabulary {
	v := &vocabulary{}
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
			var h uint64
			if buf, h = appendLowerWord(buf[:0], f); len(buf) > 0 {
				v.add(buf, h)
			}
		}
	}
	return v
}

// appendLowerWord appends w, trimmed of what is neither a letter nor a
// digit at its ends, in lower case (strings.ToLower), to buf, and returns
// it with the hash of what it appended (hashWord).
func appendLowerWord(buf []byte, w string) ([]byte, uint64) {
	n := len(buf)
	// ASCII first, in one pass: trimmed, lower-cased and hashed.
	i, j := 0, len(w)
	for i < j && w[i] < utf8.RuneSelf && !asciiAlnum[w[i]] {
		i++
	}
	for j > i && w[j-1] < utf8.RuneSelf && !asciiAlnum[w[j-1]] {
		j--
	}
	h := uint64(vocabHashStart)
	for k := i; k < j; k++ {
		c := w[k]
		if c >= utf8.RuneSelf {
			buf = append(buf[:n], strings.ToLower(strings.TrimFunc(w, notAlnum))...)
			return buf, hashWord(buf[n:])
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
		h = (h ^ uint64(c)) * vocabHashPrime
	}
	return buf, h
}

func notAlnum(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// asciiAlnum marks the ASCII letters and digits.
var asciiAlnum = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

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
