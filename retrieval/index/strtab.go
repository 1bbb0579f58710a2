package index

import (
	"math/bits"
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
func (t *strtab) findIn(s string, lo, hi int) int {
	// sort.Search's binary search, without its closure: every question
	// looks up its words and terms here.
	end := hi
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.blob[t.off[m]:t.off[m+1]] < s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < end && t.at(lo) == s {
		return lo
	}
	return -1
}

// letterSet is a bit set of the letters and digits in a word, for quickly
// ruling out words too different to be a typo of another: one edit changes
// at most two members of the set.
func letterSet(s string) uint64 {
	var set uint64
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			set |= 1 << (r - 'a')
		case r >= '0' && r <= '9':
			set |= 1 << (26 + r - '0')
		default:
			set |= 1 << (36 + uint(r)%28)
		}
	}
	return set
}

// setDistance counts the letters one set has and the other lacks; an edit
// distance of d allows at most 2d.
func setDistance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

func runeLen(s string) int { return utf8.RuneCountInString(s) }
