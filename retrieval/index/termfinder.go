package index

import (
	"sync"
	"unicode/utf8"
)

// termFinder finds terms in an index's vocabulary faster than a binary
// search of the whole of it: a table of where the terms of each first
// two bytes begin narrows the search to those of the term's own, which
// lie together. Questions look up each of their terms several times
// (their DFs, then as searched), through TermID, TermIDs and DF. It is
// made at its first use (256 KiB).
//
// A termFinder can also cover a part of a table whose strings all begin
// with the same bytes, such as one language's words (see wordFinder):
// its table then reads the two bytes after them.
type termFinder struct {
	once  sync.Once
	start []uint32 // start[p]: the first string whose first two bytes (after skip) are p or more
	skip  int      // the bytes every string covered begins with
}

// prefixKey is the first two bytes of s, a missing byte read as 0: it
// never decreases along strings in byte order.
func prefixKey(s string) int {
	switch len(s) {
	case 0:
		return 0
	case 1:
		return int(s[0]) << 8
	}
	return int(s[0])<<8 | int(s[1])
}

// find returns the place of term in t, -1 if t lacks it; t must be the
// vocabulary it is always given.
func (f *termFinder) find(t *strtab, term string) int {
	return f.findIn(t, 0, t.len(), 0, term)
}

// findIn returns the place in t of the string made of prefix bytes
// (which the strings from lo to hi, and only they, begin with) and then
// s, -1 if t lacks it. t, lo, hi and prefix must be the same at every call.
func (f *termFinder) findIn(t *strtab, lo, hi, prefix int, s string) int {
	f.once.Do(func() {
		start := make([]uint32, 1<<16+1)
		i := lo
		for p := range start {
			for i < hi && prefixKey(t.at(i)[prefix:]) < p {
				i++
			}
			start[p] = uint32(i)
		}
		f.start, f.skip = start, prefix
	})
	p := prefixKey(s)
	return t.findAfter(f.skip, s, int(f.start[p]), int(f.start[p+1]))
}

// wordFinders finds an index's words, one termFinder per language (the
// range of ix.words its words fill), each made when first needed.
type wordFinders struct {
	once sync.Once
	by   []wordFinder
}

// wordFinder is a termFinder over one language's words.
type wordFinder struct {
	termFinder
	lo, hi int
}

// findWord returns the number of analyzer l's folded word in ix.words, -1
// if no text of that language holds it.
func (ix *Index) findWord(l int, word string) int {
	ix.wordFind.once.Do(func() {
		ix.wordFind.by = make([]wordFinder, len(ix.ans))
		for l := range ix.wordFind.by {
			ix.wordFind.by[l].lo, ix.wordFind.by[l].hi = ix.wordsOf(l)
		}
	})
	if l < 0 || l >= len(ix.wordFind.by) {
		return -1
	}
	f := &ix.wordFind.by[l]
	return f.findIn(&ix.words, f.lo, f.hi, utf8.RuneLen(rune(l+1)), word)
}
