package index

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Fuzzy matching finds the strings of a sorted strtab within an edit
// distance D of a question word q, without comparing q with each, in two
// parts that between them find every one:
//
//   - a walk of the sorted strings as if they were a trie: strings sharing
//     a prefix are neighbours, so the edit-distance row of a prefix is
//     computed once for all of them, and a prefix whose row is over its
//     limit everywhere is skipped whole, by a scan of the lengths of the
//     prefixes neighbours share (vocabIndex.lcp). Cells of the row aligned
//     with the first half of q, before column split, are held to D−1
//     edits, which cuts the walk down to that of one edit fewer near the
//     root, where nearly every prefix is within D;
//   - a lookup of the strings that end with q's second half, q[split:],
//     and are of a length to be near, in a permutation of the strings by
//     length and reversed bytes (vocabIndex.bySuffix).
//
// Why the two find all: take an alignment of q with a string c of D edits
// at most, its cost growing along it (a swap of neighbours counted as
// reaching the cell between with its cost). Either it never costs more
// than D−1 in a column before split, and the walk follows it; or it costs
// D in such a column j, and every step after costs nothing, so c ends with
// q[j:] (q[j+1:] after a swap), which ends with q[split:].
//
// The vocabIndex is 5 bytes a string, built at the first use (see
// fuzzyState).

// vocabIndex is what findNear needs of a strtab besides its strings.
type vocabIndex struct {
	// lcp[i] is the length of the prefix strings i−1 and i share, at most
	// maxLCP; lcp[0] is 0. lcpMin[b] is the least of lcp[64b:64b+64].
	lcp, lcpMin []uint8
	// bySuffix holds the strings' indexes ordered by their first skip
	// bytes, then the length of the rest, then its bytes reversed: the
	// strings of one language and length that end alike are neighbours.
	// Without it findNear walks alone, without splitting q.
	bySuffix []uint32
	// maxLen is the length of the longest string.
	maxLen int
}

// maxLCP is the longest shared prefix vocabIndex.lcp records: under 128
// for scanLCP.
const maxLCP = 127

// newVocabIndex returns tab's vocabIndex for strings whose first skip
// bytes are a language's, with bySuffix if suffixes is true.
func newVocabIndex(tab *strtab, skip int, suffixes bool) *vocabIndex {
	n := tab.len()
	vx := &vocabIndex{lcp: make([]uint8, n), lcpMin: make([]uint8, (n+63)/64)}
	for i := range n {
		vx.maxLen = max(vx.maxLen, len(tab.at(i)))
	}
	for i := 1; i < n; i++ {
		a, b := tab.at(i-1), tab.at(i)
		k := 0
		for k < maxLCP && k < len(a) && k < len(b) && a[k] == b[k] {
			k++
		}
		vx.lcp[i] = uint8(k)
	}
	for b := range vx.lcpMin {
		vx.lcpMin[b] = slices.Min(vx.lcp[64*b : min(n, 64*b+64)])
	}
	if suffixes {
		vx.bySuffix = suffixOrder(tab, skip)
	}
	return vx
}

// bytes returns the memory vx takes.
func (vx *vocabIndex) bytes() int { return len(vx.lcp) + len(vx.lcpMin) + 4*len(vx.bySuffix) }

// past returns the first string after i, up to hi, whose lcp is under n:
// by the lcp of i's block, then the blocks' least, then the lcp of the
// block found, eight at a time.
func (vx *vocabIndex) past(i, hi, n int) int {
	j := i + 1
	end := min(hi, (j|63)+1)
	if j = scanLCP(vx.lcp, j, end, n); j < end || end == hi {
		return j
	}
	b := end / 64
	for b < len(vx.lcpMin) && int(vx.lcpMin[b]) >= n {
		b++
	}
	if j = 64 * b; j >= hi {
		return hi
	}
	return scanLCP(vx.lcp, j, min(hi, j+64), n)
}

// scanLCP returns the first j from j to end with lcp[j] under n, or end.
func scanLCP(lcp []uint8, j, end, n int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; j+8 <= end; j += 8 {
		// The high bit of each byte, each under 128, under n, at most 128;
		// a borrow only carries past such a byte.
		if under := (binary.LittleEndian.Uint64(lcp[j:]) - ones*uint64(n)) & highs; under != 0 {
			return j + bits.TrailingZeros64(under)/8
		}
	}
	for ; j < end && int(lcp[j]) >= n; j++ {
	}
	return j
}

// near is a string a search found and its distance.
type near struct{ i, d int }

// nearWalker finds the strings within an optimal-string-alignment
// distance of a query. Its buffers are reused from one search to the next.
type nearWalker struct {
	q      []rune
	limit  []uint8 // per column: the most edits a row may hold there
	rows   []uint8 // row k: the distances of a string's first k runes to every prefix of q, at k*(len(q)+1)
	offs   []int   // offs[k]: the bytes of the string's first k runes
	runes  []rune  // runes[k]: the string's k-th rune (from 1)
	badAt  []int   // badAt[k]: the last of runes[1:k+1] that is an invalid byte, decoded by looking past it, or 0
	found  []near
	c      []rune
	osaBuf []int
}

var walkers = sync.Pool{New: func() any { return new(nearWalker) }}

// findNear calls visit(i, d), in the order of i, for every string i of
// tab[lo:hi] whose text after its first skip bytes, c, is within
// optimal-string-alignment distance maxd of q (d is that distance) and
// whose length in bytes is within 2·maxd of q's: exactly the strings a
// scan comparing q with each would keep. The strings of tab[lo:hi] must be
// skip bytes or longer and share their first skip bytes (a language's
// byte before its words), so that what follows is sorted too. vx is
// tab's vocabIndex for skip. maxd must be from 0 to 126.
func findNear(tab *strtab, vx *vocabIndex, lo, hi, skip int, q string, maxd int, visit func(i, d int)) {
	if lo >= hi || len(q)-2*maxd > vx.maxLen-skip {
		return // and no rows of len(q)² for a word longer than any
	}
	w := walkers.Get().(*nearWalker)
	defer walkers.Put(w)
	w.q = append(w.q[:0], []rune(q)...)
	split := 0
	if maxd > 0 && len(w.q) >= 2 && vx.bySuffix != nil {
		split = len(w.q) / 2
		for _, r := range w.q[split:] {
			if r == utf8.RuneError { // a string may hold it as an invalid byte
				split = 0
			}
		}
	}
	w.found = w.found[:0]
	w.walk(tab, vx, lo, hi, skip, len(q), maxd, split)
	if split > 0 {
		w.lookSuffix(tab, vx.bySuffix, lo, hi, skip, len(q), string(w.q[split:]), maxd)
		slices.SortFunc(w.found, func(a, b near) int { return cmp.Compare(a.i, b.i) })
		w.found = slices.CompactFunc(w.found, func(a, b near) bool { return a.i == b.i })
	}
	for _, n := range w.found {
		visit(n.i, n.d)
	}
}

// walk appends to w.found the strings of tab[lo:hi] (after skip bytes)
// within maxd of w.q by an alignment costing at most maxd−1 in every
// column before split, and within 2·maxd bytes of qBytes in length. The
// distances it finds are exact. vx is tab's vocabIndex.
func (w *nearWalker) walk(tab *strtab, vx *vocabIndex, lo, hi, skip, qBytes, maxd, split int) {
	a := w.q
	m := len(a)
	width := m + 2       // a spare column: the one after a row's band is read
	maxDepth := m + maxd // row maxDepth+1 is over maxd everywhere
	maxBytes := qBytes + 2*maxd
	minBytes := qBytes - 2*maxd
	capd := uint8(maxd + 1) // over the limit, whatever by
	w.limit = grow(w.limit, width)
	for j := range w.limit {
		w.limit[j] = uint8(maxd)
		if j < split {
			w.limit[j] = uint8(maxd - 1)
		}
	}
	w.rows = grow(w.rows, (maxDepth+2)*width)
	w.offs = grow(w.offs, maxDepth+2)
	w.runes = grow(w.runes, maxDepth+2)
	w.badAt = grow(w.badAt, maxDepth+2)
	rows, offs, runes, badAt, limit, lcp := w.rows, w.offs, w.runes, w.badAt, w.limit, vx.lcp
	for j := range width {
		rows[j] = capd
		if j <= m && j <= int(limit[j]) {
			rows[j] = uint8(j)
		}
	}
	offs[0], badAt[0] = 0, 0
	depth := 0 // rows 0 to depth are those of the last string's first runes
	common := 0
	for i := lo; i < hi; {
		s := tab.at(i)[skip:]
		// The rows s shares with the last string: those of the runes of
		// their common prefix, but not of an invalid byte whose reading
		// looked past it.
		k := depth
		for k > 0 && offs[k] > common {
			k--
		}
		for b := badAt[k]; b > 0 && offs[b-1]+utf8.UTFMax > common; b = badAt[k] {
			k = b - 1
		}
		// Extend the rows over s's remaining runes, up to a dead prefix:
		// one longer than any string kept, or one whose row is over the
		// limit everywhere. Row k's cells outside its band, k−maxd to
		// k+maxd, are over maxd; only the one past it, which row k+1
		// reads, is kept so.
		deadEnd, tooLong := -1, false
		for offs[k] < len(s) {
			r, size := rune(s[offs[k]]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[offs[k]:])
			}
			if offs[k]+size > maxBytes {
				deadEnd, tooLong = maxBytes+1, true
				break
			}
			runes[k+1], offs[k+1] = r, offs[k]+size
			badAt[k+1] = badAt[k]
			if r == utf8.RuneError && size == 1 {
				badAt[k+1] = k + 1
			}
			cur, up := rows[(k+1)*width:(k+2)*width], rows[k*width:(k+1)*width]
			cur[0] = capd
			if k+1 <= int(limit[0]) {
				cur[0] = uint8(k + 1)
			}
			lowest := cur[0]
			jlo, jhi := max(1, k+1-maxd), min(m, k+1+maxd)
			if jlo > 1 {
				cur[jlo-1] = capd
			}
			for j := jlo; j <= jhi; j++ {
				cost := uint8(1)
				if r == a[j-1] {
					cost = 0
				}
				v := min(up[j]+1, cur[j-1]+1, up[j-1]+cost)
				if k >= 1 && j > 1 && r == a[j-2] && runes[k] == a[j-1] {
					// A swap, as if through the cell between at its cost.
					if t := rows[(k-1)*width+j-2] + 1; t <= limit[j-1] {
						v = min(v, t)
					}
				}
				if v > limit[j] {
					v = capd
				}
				cur[j] = v
				lowest = min(lowest, v)
			}
			cur[jhi+1] = capd
			k++
			// No row below one over the limit everywhere comes back within
			// it: a swap two rows down costs at least what the
			// substitution one row down did, at the cell between.
			if lowest == capd {
				deadEnd = offs[k]
				break
			}
		}
		depth = k
		if deadEnd < 0 {
			if abs(k-m) <= maxd && rows[k*width+m] < capd && len(s) >= minBytes {
				w.found = append(w.found, near{i, int(rows[k*width+m])})
			}
			i++
			if i < hi {
				common = int(lcp[i]) - skip
			}
			continue
		}
		// Every string with the dead prefix is as far: skip them, unless
		// the row says so and an invalid byte in the prefix was read by
		// looking past it, which strings of the same prefix may read
		// otherwise.
		next := i + 1
		if b := badAt[k]; tooLong || b == 0 || offs[b-1]+utf8.UTFMax <= deadEnd {
			next = pastPrefix(tab, vx, i, hi, skip, s[:deadEnd])
		}
		if next < hi {
			// The shortest prefix shared since, which lcp[next] is.
			common = int(lcp[next]) - skip
		}
		i = next
	}
}

// lookSuffix appends to w.found the strings of tab[lo:hi] (after skip
// bytes) that end with suffix, are within 2·maxd bytes of qBytes in length
// and within maxd of w.q, with their distance.
func (w *nearWalker) lookSuffix(tab *strtab, bySuffix []uint32, lo, hi, skip, qBytes int, suffix string, maxd int) {
	prefix := head(tab.at(lo), skip)
	for n := max(qBytes-2*maxd, len(suffix)); n <= qBytes+2*maxd; n++ {
		p, _ := slices.BinarySearchFunc(bySuffix, n, func(e uint32, n int) int {
			s := tab.at(int(e))
			if c := strings.Compare(head(s, skip), prefix); c != 0 {
				return c
			}
			if c := cmp.Compare(len(s)-skip, n); c != 0 {
				return c
			}
			return compareReversed(s[skip:], suffix)
		})
		for ; p < len(bySuffix); p++ {
			i := int(bySuffix[p])
			s := tab.at(i)
			if head(s, skip) != prefix || len(s)-skip != n || !strings.HasSuffix(s, suffix) {
				break
			}
			if i < lo || i >= hi {
				continue
			}
			if d := w.distance(s[skip:], maxd); d <= maxd {
				w.found = append(w.found, near{i, d})
			}
		}
	}
}

// distance is Distance(w.q, c, maxd) without allocating.
func (w *nearWalker) distance(c string, maxd int) int {
	w.c = append(w.c[:0], []rune(c)...)
	return osaRows(&w.osaBuf, w.q, w.c, maxd)
}

// compareReversed compares a and b as if their bytes were reversed.
func compareReversed(a, b string) int {
	for i, j := len(a)-1, len(b)-1; i >= 0 && j >= 0; i, j = i-1, j-1 {
		if a[i] != b[j] {
			return cmp.Compare(a[i], b[j])
		}
	}
	return cmp.Compare(len(a), len(b))
}

// suffixOrder returns vocabIndex.bySuffix: sorted by a key of the first
// byte (for skip 1), the length and the last bytes, a byte at a time from
// the last, then, where keys tie, by the strings.
func suffixOrder(tab *strtab, skip int) []uint32 {
	order := make([]keyed, tab.len())
	for i := range order {
		s := tab.at(i)
		var key uint64
		if skip <= 1 {
			shift := 64
			put := func(b byte) {
				shift -= 8
				key |= uint64(b) << shift
			}
			rest := s
			if skip == 1 {
				if len(s) > 0 {
					put(s[0])
					rest = s[1:]
				} else {
					put(0)
				}
			}
			put(byte(min(len(rest), 255)))
			for k := len(rest) - 1; k >= 0 && shift > 0 && len(rest) < 255; k-- {
				put(rest[k]) // not for lengths the key does not tell apart
			}
		}
		order[i] = keyed{key, uint32(i)}
	}
	order = radixSort(order, make([]keyed, len(order)))
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && order[hi].key == order[lo].key {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(order[lo:hi], func(x, y keyed) int {
				s, t := tab.at(int(x.i)), tab.at(int(y.i))
				if c := strings.Compare(head(s, skip), head(t, skip)); c != 0 {
					return c
				}
				if c := cmp.Compare(len(s), len(t)); c != 0 {
					return c
				}
				return compareReversed(s, t)
			})
		}
		lo = hi
	}
	out := make([]uint32, len(order))
	for k, o := range order {
		out[k] = o.i
	}
	return out
}

// keyed is a string's index and its sort key.
type keyed struct {
	key uint64
	i   uint32
}

// radixSort sorts a by key, a byte at a time from the lowest, with tmp as
// large as a; it returns whichever holds the result.
func radixSort(a, tmp []keyed) []keyed {
	for shift := 0; shift < 64 && len(a) > 0; shift += 8 {
		var at [256]int
		for _, x := range a {
			at[byte(x.key>>shift)]++
		}
		if at[byte(a[0].key>>shift)] == len(a) {
			continue // all the same byte
		}
		pos := 0
		for b, n := range at {
			at[b] = pos
			pos += n
		}
		for _, x := range a {
			b := byte(x.key >> shift)
			tmp[at[b]] = x
			at[b]++
		}
		a, tmp = tmp, a
	}
	return a
}

// pastPrefix returns the first string after i, up to hi, whose text after
// skip bytes lacks the prefix p that string i's has: by vx.past, or for a
// prefix longer than lcp records, by a galloping search.
func pastPrefix(tab *strtab, vx *vocabIndex, i, hi, skip int, p string) int {
	if n := skip + len(p); n <= maxLCP {
		return vx.past(i, hi, n)
	}
	has := func(j int) bool { return strings.HasPrefix(tab.at(j)[skip:], p) }
	last, step := i, 1 // last has the prefix
	for {
		j := last + step
		if j >= hi {
			break
		}
		if !has(j) {
			hi = j
			break
		}
		last, step = j, step*2
	}
	// The first without it is in (last, hi].
	for lo := last + 1; lo < hi; {
		mid := int(uint(lo+hi) >> 1)
		if has(mid) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return hi
}

// head returns s's first n bytes, or s if shorter.
func head(s string, n int) string { return s[:min(n, len(s))] }

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// fuzzyState is what fuzzy matching builds from the vocabulary at its
// first use.
type fuzzyState struct {
	words     sync.Once
	wordIndex *vocabIndex // of ix.words

	terms     sync.Once
	termIndex *vocabIndex // of ix.terms
	termsOf   [][]uint64  // per analyzer, the bit set of the terms its words index as

	cache closestCache // closest's answers
}

// PrepareFuzzy builds now what fuzzy matching would build at its first
// use: the vocabulary indexes closest walks.
func (ix *Index) PrepareFuzzy() {
	ix.wordIndex()
	for _, an := range ix.ans {
		if !an.english && an.Stems() {
			ix.termIndex(0)
			break
		}
	}
}

// wordIndex returns the words' vocabIndex, built at its first use.
func (ix *Index) wordIndex() *vocabIndex {
	ix.fuzzy.words.Do(func() { ix.fuzzy.wordIndex = newVocabIndex(&ix.words, 1, true) })
	return ix.fuzzy.wordIndex
}

// termIndex returns the terms' vocabIndex and, for analyzer l, a bit set
// of the terms its words index as, built at their first use: fuzzy
// matching of terms searches the terms of every language and keeps those
// of l.
func (ix *Index) termIndex(l int) (vx *vocabIndex, of []uint64) {
	ix.fuzzy.terms.Do(func() {
		ix.fuzzy.termIndex = newVocabIndex(&ix.terms, 0, true)
		ix.fuzzy.termsOf = ix.languageTerms()
	})
	return ix.fuzzy.termIndex, ix.fuzzy.termsOf[l]
}

// languageTerms returns, for each analyzer, the bit set of the terms its
// words index as.
func (ix *Index) languageTerms() [][]uint64 {
	sets := make([][]uint64, len(ix.ans))
	for l := range sets {
		sets[l] = make([]uint64, (ix.terms.len()+63)/64)
		lo, hi := ix.wordsOf(l)
		for _, t := range ix.wordTerm[lo:hi] {
			sets[l][t/64] |= 1 << (t % 64)
		}
	}
	return sets
}
