package retrieval

import (
	"math/bits"
	"slices"
	"sort"

	"lectern/retrieval/index"
)

// idSet is a small set of term or word numbers, each standing for some of
// a query's terms (by their places in Query.Terms): for matching a
// candidate's sorted numbers against the query's in one pass.
type idSet struct {
	ids    []uint32
	found  []bitset // per id: the query terms it is found for
	syn    []bitset // per id: the query terms it is a synonym of
	filter index.IDFilter
	words  int // bitset words per set
}

// bitset is a set of a query's terms by their places.
type bitset []uint64

func (b bitset) has(k int) bool { return k/64 < len(b) && b[k/64]&(1<<(k%64)) != 0 }

func (b bitset) set(k int) { b[k/64] |= 1 << (k % 64) }

func (b bitset) or(c bitset) {
	for i := range b {
		b[i] |= c[i]
	}
}

func (s *idSet) init(terms int) { s.words = (terms + 63) / 64 }

// add records that id stands for query term k, as a synonym or not.
func (s *idSet) add(id uint32, k int, syn bool) {
	i := slices.Index(s.ids, id)
	if i < 0 {
		i = len(s.ids)
		s.ids = append(s.ids, id)
		s.found = append(s.found, make(bitset, s.words))
		s.syn = append(s.syn, make(bitset, s.words))
	}
	if syn {
		s.syn[i].set(k)
	} else {
		s.found[i].set(k)
	}
}

// finish sorts the set and sets its filter.
func (s *idSet) finish() {
	order := make([]int, len(s.ids))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return s.ids[order[a]] < s.ids[order[b]] })
	ids, found, syn := make([]uint32, len(order)), make([]bitset, len(order)), make([]bitset, len(order))
	for i, o := range order {
		ids[i], found[i], syn[i] = s.ids[o], s.found[o], s.syn[o]
		s.filter.Add(s.ids[o])
	}
	s.ids, s.found, s.syn = ids, found, syn
}

// match returns the query terms that doc, a document's sorted numbers,
// holds a number found for, and those it holds a synonym of, in found and
// syn (either may be nil), which it clears first.
func (s *idSet) match(doc []uint32, found, syn bitset) (bitset, bitset) {
	clear(found)
	clear(syn)
	if len(s.ids) == 0 {
		return found, syn
	}
	if len(s.ids)*bits.Len(uint(len(doc)))*2 < len(doc) {
		// A long document: look each number up in it.
		for i, x := range s.ids {
			if _, ok := slices.BinarySearch(doc, x); ok {
				found.or(s.found[i])
				if syn != nil {
					syn.or(s.syn[i])
				}
			}
		}
		return found, syn
	}
	for _, x := range doc {
		if !s.filter.MayHold(x) {
			continue
		}
		if i, ok := slices.BinarySearch(s.ids, x); ok {
			found.or(s.found[i])
			if syn != nil {
				syn.or(s.syn[i])
			}
		}
	}
	return found, syn
}
