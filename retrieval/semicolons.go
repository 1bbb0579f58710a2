package retrieval

import (
	"strings"
	"sync/atomic"
)

// semicolonBits remembers which texts hold a semicolon, two bits a text
// (known, holds), filled as texts are asked about: clause scoring asks
// about every candidate of every question, and reading a text again costs
// a cache miss or more. Safe for concurrent use.
type semicolonBits struct {
	bits []atomic.Uint64
}

// newSemicolonBits returns the bits of n texts, none known yet.
func newSemicolonBits(n int) semicolonBits {
	return semicolonBits{bits: make([]atomic.Uint64, (n+31)/32)}
}

// has reports whether text d, text(d), holds a semicolon.
func (b *semicolonBits) has(d int, text func(int) string) bool {
	w, shift := d/32, uint(d%32)*2
	if d < 0 || w >= len(b.bits) {
		return strings.Contains(text(d), ";")
	}
	if v := b.bits[w].Load() >> shift; v&1 != 0 {
		return v&2 != 0
	}
	semi := strings.Contains(text(d), ";")
	v := uint64(1)
	if semi {
		v |= 2
	}
	b.bits[w].Or(v << shift)
	return semi
}
