package index

import (
	"strings"
	"unicode/utf8"
)

// strtab is a sorted table of distinct strings in one block of bytes: a
// large vocabulary costs its bytes and four more per string, not a map's
// tens.
type strtab struct {
	blob string
	off  []uint32 // string i is blob[off[i]:off[i+1]]
}

func newStrtab(sorted []string) strtab {
	var b strings.Builder
	size := 0
	for _, s := range sorted {
		size += len(s)
	}
	b.Grow(size)
	off := make([]uint32, 0, len(sorted)+1)
	for _, s := range sorted {
		off = append(off, uint32(b.Len()))
		b.WriteString(s)
	}
	off = append(off, uint32(b.Len()))
	return strtab{blob: b.String(), off: off}
}

func (t *strtab) len() int {
	if len(t.off) == 0 {
		return 0
	}
	return len(t.off) - 1
}

func (t *strtab) at(i int) string { return t.blob[t.off[i]:t.off[i+1]] }

// find returns the index of s, or -1.
func (t *strtab) find(s string) int { return t.findIn(s, 0, t.len()) }

// findIn is find among the strings from lo to hi, which must hold s if t
// does.
func (t *strtab) findIn(s string, lo, hi int) int { return t.findAfter(0, s, lo, hi) }

// findAfter returns the place of the string made of skip bytes, the same
// at the start of every string from lo to hi, and then s, among those
// strings, which must hold it if t does; -1 if they lack it.
func (t *strtab) findAfter(skip int, s string, lo, hi int) int {
	// sort.Search's binary search, without its closure: every question
	// looks up its words and terms here.
	end := hi
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.blob[int(t.off[m])+skip:t.off[m+1]] < s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < end && t.blob[int(t.off[lo])+skip:t.off[lo+1]] == s {
		return lo
	}
	return -1
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
