package index

import "sync"

// termFinder finds terms in an index's vocabulary faster than a binary
// search of the whole of it: a table of where the terms of each first
// two bytes begin narrows the search to those of the term's own, which
// lie together. Questions look up each of their terms several times
// (their DFs, then as searched), through TermID, TermIDs and DF. It is
// made at its first use (256 KiB).
type termFinder struct {
	once  sync.Once
	start []uint32 // start[p]: the first term whose first two bytes are p or more
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
	f.once.Do(func() {
		n := t.len()
		start := make([]uint32, 1<<16+1)
		i := 0
		for p := range start {
			for i < n && prefixKey(t.at(i)) < p {
				i++
			}
			start[p] = uint32(i)
		}
		f.start = start
	})
	p := prefixKey(term)
	return t.findIn(term, int(f.start[p]), int(f.start[p+1]))
}
