package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The forward index holds, for each document, what rescoring a candidate
// needs of it: its terms with their frequencies (for coverage and for the
// BM25 score of its neighbours) and its distinct words (for the bonus of a
// question word found in exactly the question's form). Document d's entry,
// ix.fwd[ix.fwdOff[d]:ix.fwdOff[d+1]], is a run of uint32s:
//
//	the number of terms n, plus fwdTFs when a frequency is above 1
//	n terms, by increasing number (into ix.terms)
//	with fwdTFs: the n frequencies as uint16s, two to a uint32, low first
//	the words, by increasing number (into ix.words)
//
// Numbers are stored whole, not as gaps, so that a candidate is checked
// for a term or word by binary search where it lies, without decoding.
const fwdTFs = 1 << 31

// appendLocal appends a document's entry in a partial index, as uvarints
// of local term and word numbers in the order met: the number of terms;
// each term's number shifted left once, its low bit set when its
// frequency, which follows, is above 1; the number of words and each
// word's number.
func appendLocal(dst []byte, order []int32, counts []uint32, words []int32) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(order)))
	for _, id := range order {
		dst = appendTermTF(dst, uint32(id), min(counts[id], math.MaxUint16))
	}
	dst = binary.AppendUvarint(dst, uint64(len(words)))
	for _, w := range words {
		dst = binary.AppendUvarint(dst, uint64(w))
	}
	return dst
}

// fwdEntrySize returns the size in uint32s of a document's entry.
func fwdEntrySize(order []int32, counts []uint32, words []int32) int {
	n := 1 + len(order) + len(words)
	for _, id := range order {
		if counts[id] > 1 {
			return n + (len(order)+1)/2
		}
	}
	return n
}

// fwdChunk is the size of the chunks of a partial index's local forward
// entries.
const fwdChunk = 1 << 20

// appendChunk appends entry to the last of chunks when it fits there
// whole, else to a new chunk.
func appendChunk(chunks [][]byte, entry []byte) [][]byte {
	if n := len(chunks); n > 0 && cap(chunks[n-1])-len(chunks[n-1]) >= len(entry) {
		chunks[n-1] = append(chunks[n-1], entry...)
		return chunks
	}
	return append(chunks, append(make([]byte, 0, max(fwdChunk, len(entry))), entry...))
}

// appendTermTF appends a local term's number and its frequency.
func appendTermTF(dst []byte, v, tf uint32) []byte {
	if tf > 1 {
		return binary.AppendUvarint(binary.AppendUvarint(dst, uint64(v)<<1|1), uint64(tf))
	}
	return binary.AppendUvarint(dst, uint64(v)<<1)
}

// buildForward encodes the partial indexes' local entries with global
// numbers: global[i] maps partial i's terms, and wordNums[i] its words, to
// their places in ix.terms and ix.words. Each partial's entries, whose
// size it knows, are encoded into their own place on a core of their own,
// and freed once encoded.
func (ix *Index) buildForward(ctx context.Context, parts []*partial, global [][]int32, wordNums [][]uint32) error {
	size := uint64(0)
	for _, p := range parts {
		size += uint64(p.fwdSize)
	}
	if size > math.MaxUint32 {
		return errors.New("index: the forward index outgrows 16 GiB")
	}
	ix.fwd = make([]uint32, size)
	ix.fwdOff = make([]uint32, ix.n+1)
	ix.fwdOff[ix.n] = uint32(size)
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	start := 0
	for i, p := range parts {
		base, out := uint32(start), ix.fwd[start:start+p.fwdSize]
		wg.Go(func() {
			errs[i] = ix.forwardPart(ctx, p, base, out, global[i], wordNums[i])
			p.fwd, wordNums[i] = nil, nil
		})
		start += p.fwdSize
	}
	wg.Wait()
	return errors.Join(errs...)
}

// forwardPart encodes partial p's entries into out, which starts at
// ix.fwd[base], and sets their offsets in ix.fwdOff; global maps its terms
// and wg its words to their global numbers.
func (ix *Index) forwardPart(ctx context.Context, p *partial, base uint32, out []uint32, global []int32, wg []uint32) error {
	type termTF struct{ id, tf uint32 }
	var terms []termTF
	var words []uint32
	var data []byte
	chunk := -1
	at := 0
	for d := p.lo; d < p.hi; d++ {
		if (d-p.lo)%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for len(data) == 0 {
			// The next chunk; the one read is let go of.
			if chunk >= 0 {
				p.fwd[chunk] = nil
			}
			if chunk++; chunk >= len(p.fwd) {
				return fmt.Errorf("index: a partial's forward entries end before its document %d", d)
			}
			data = p.fwd[chunk]
		}
		terms, words = terms[:0], words[:0]
		nt, k := binary.Uvarint(data)
		data = data[k:]
		for range nt {
			v, k := binary.Uvarint(data)
			data = data[k:]
			tf := uint64(1)
			if v&1 != 0 {
				tf, k = binary.Uvarint(data)
				data = data[k:]
			}
			terms = append(terms, termTF{uint32(global[v>>1]), uint32(tf)})
		}
		nw, k := binary.Uvarint(data)
		data = data[k:]
		for range nw {
			v, k := binary.Uvarint(data)
			data = data[k:]
			words = append(words, wg[v])
		}
		slices.SortFunc(terms, func(a, b termTF) int { return int(a.id) - int(b.id) })
		slices.Sort(words)
		ix.fwdOff[d] = base + uint32(at)
		hdr := uint32(len(terms))
		for _, t := range terms {
			if t.tf > 1 {
				hdr |= fwdTFs
			}
		}
		need := 1 + len(terms) + len(words)
		if hdr&fwdTFs != 0 {
			need += (len(terms) + 1) / 2
		}
		if at+need > len(out) {
			return fmt.Errorf("index: document %d's forward entry overflows its partial's %d uint32s", d, len(out))
		}
		out[at] = hdr
		at++
		for _, t := range terms {
			out[at] = t.id
			at++
		}
		if hdr&fwdTFs != 0 {
			for j := 0; j < len(terms); j += 2 {
				v := terms[j].tf
				if j+1 < len(terms) {
					v |= terms[j+1].tf << 16
				}
				out[at] = v
				at++
			}
		}
		at += copy(out[at:], words)
	}
	if at != len(out) {
		return fmt.Errorf("index: a partial's forward entries fill %d of the %d uint32s reckoned", at, len(out))
	}
	return nil
}

// DocTerms returns document d's terms and words by their numbers, each
// increasing: slices of the forward index, not to be modified. A term's
// number is TermID's; a word's is WordIDs'.
func (ix *Index) DocTerms(d int) (terms, words []uint32) {
	terms, _, words = ix.docTerms(d)
	return terms, words
}

// docTerms returns document d's terms, by increasing number, its
// frequencies (nil when all are 1; else two to a uint32, see tfAt) and
// its words, by increasing number: slices of the forward index, not
// copies.
func (ix *Index) docTerms(d int) (ids, tfs, words []uint32) {
	e := ix.fwd[ix.fwdOff[d]:ix.fwdOff[d+1]]
	hdr := e[0]
	n := int(hdr &^ fwdTFs)
	ids, e = e[1:1+n], e[1+n:]
	if hdr&fwdTFs != 0 {
		tfs, e = e[:(n+1)/2], e[(n+1)/2:]
	}
	return ids, tfs, e
}

// tfAt returns the frequency of a document's i-th term, given its tfs as
// docTerms returns them.
func tfAt(tfs []uint32, i int) uint32 {
	if tfs == nil {
		return 1
	}
	return tfs[i/2] >> (16 * (i % 2)) & 0xffff
}

// SearchIDs returns the first place in the increasing list a (of terms or
// words by number, as DocTerms gives them) whose number is at least x,
// len(a) if none, by halving what is left: for the few numbers a
// question looks for among a document's hundred or so, 2.5 times faster
// than walking to each (SciFact's abstracts, the lists in cache).
func SearchIDs(a []uint32, x uint32) int {
	lo, n := 0, len(a)
	for n > 1 {
		half := n / 2
		if a[lo+half-1] < x {
			lo += half
		}
		n -= half
	}
	if n == 1 && a[lo] < x {
		lo++
	}
	return lo
}

// tfIn returns the frequency of term t in a document whose terms and
// frequencies docTerms returned, 0 if it lacks it.
func tfIn(ids, tfs []uint32, t int32) uint32 {
	if t < 0 {
		return 0
	}
	i := SearchIDs(ids, uint32(t))
	if i == len(ids) || ids[i] != uint32(t) {
		return 0
	}
	return tfAt(tfs, i)
}

// checkForward verifies the forward index read from a file: every entry in
// range, its terms and words increasing and known, each frequency between
// 1 and the document's length.
func (ix *Index) checkForward() error {
	nt, nw := uint32(ix.terms.len()), uint32(ix.words.len())
	if len(ix.fwdOff) != ix.n+1 || ix.fwdOff[0] != 0 || int(ix.fwdOff[ix.n]) != len(ix.fwd) {
		return errors.New("forward index size disagrees")
	}
	for d := 0; d < ix.n; d++ {
		lo, hi := ix.fwdOff[d], ix.fwdOff[d+1]
		if lo >= hi || uint64(hi) > uint64(len(ix.fwd)) {
			return fmt.Errorf("document %d's forward entry out of range", d)
		}
		e := ix.fwd[lo:hi]
		n, size := uint64(e[0]&^fwdTFs), uint64(len(e))-1
		if e[0]&fwdTFs != 0 && n+(n+1)/2 > size || n > size {
			return fmt.Errorf("document %d: forward entry cut short", d)
		}
		ids, tfs, words := ix.docTerms(d)
		for i, t := range ids {
			if t >= nt || i > 0 && t <= ids[i-1] {
				return fmt.Errorf("document %d: forward terms out of order or range", d)
			}
			if tf := tfAt(tfs, i); tf == 0 || tf > uint32(ix.lens[d]) && ix.lens[d] != math.MaxUint16 {
				return fmt.Errorf("document %d: forward frequency out of range", d)
			}
		}
		if len(ids)%2 == 1 && tfs != nil && tfs[len(tfs)-1]>>16 != 0 {
			return fmt.Errorf("document %d: forward frequencies out of range", d)
		}
		for i, w := range words {
			if w >= nw || i > 0 && w <= words[i-1] {
				return fmt.Errorf("document %d: forward words out of order or range", d)
			}
		}
	}
	return nil
}

// termID is a query term by its number in the index (-1 for none), with
// its weight.
type termID struct {
	id     int32
	weight float64
	forms  uint8 // the forms a search reports the term's documents holding (WantForms)
}

// TermIDs are a query's terms by number in an index (-1 for a term no
// text holds), with their weights: looked up once, for SearchMasks and
// NewDocScorer.
type TermIDs []termID

// ID returns the number of the query's i-th term, -1 for none.
func (t TermIDs) ID(i int) int32 { return t[i].id }

// TermIDs looks the terms of q up.
func (ix *Index) TermIDs(q []QueryTerm) TermIDs { return ix.termIDs(q) }

// termIDs returns the numbers of q's terms.
func (ix *Index) termIDs(q []QueryTerm) []termID {
	out := make([]termID, len(q))
	for i, qt := range q {
		out[i] = termID{id: int32(ix.TermID(qt.Term)), weight: qt.Weight}
	}
	return out
}

// scoreIDs returns document d's BM25 score for the query, its terms by
// number, from the forward index.
func (ix *Index) scoreIDs(q []termID, d int) float64 {
	ids, tfs, _ := ix.docTerms(d)
	s := float32(0)
	for _, qt := range q {
		if qt.id < 0 || qt.weight == 0 {
			continue
		}
		if tf := tfIn(ids, tfs, qt.id); tf > 0 {
			s += float32(qt.weight) * ix.idf[qt.id] * ix.tfPart(tf, uint32(d))
		}
	}
	return float64(s)
}

// WordIDs returns the numbers, sorted, of the given folded words of
// analyzer l in ix.words.
func (ix *Index) WordIDs(l int, words []string) []uint32 {
	var out []uint32
	for _, w := range words {
		if i := ix.findWord(l, w); i >= 0 {
			out = append(out, uint32(i))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// DocScorer scores documents for a query from the forward index: the
// scores Index.Score gives, walking each document's few terms instead of
// opening the query's posting lists; for rescoring a handful of documents,
// such as the neighbours of candidates. It is not safe for concurrent use.
type DocScorer struct {
	ix     *Index
	q      []termID
	ids    []uint32  // sorted
	places [][]int32 // per id: its places in q
	filter IDFilter
	parts  []placeScore // scratch
	w      []float32    // per place in q: its weight times its term's IDF
}

// IDFilter is a filter of 1,024 bits over term or word numbers: MayHold is
// true for every number added, and false for most others while the
// numbers added are few, so that matching a document's numbers against a
// query's passes over most of them at once.
type IDFilter [16]uint64

// Add adds id to the filter.
func (f *IDFilter) Add(id uint32) {
	h := (id * 0x9E3779B1) >> 22
	f[h/64] |= 1 << (h % 64)
}

// MayHold reports whether id may have been added: always when it was.
func (f *IDFilter) MayHold(id uint32) bool {
	h := (id * 0x9E3779B1) >> 22
	return f[h/64]&(1<<(h%64)) != 0
}

// placeScore is a query term's part of a document's score, by its place.
type placeScore struct {
	place int32
	score float32
}

// NewDocScorer returns a DocScorer for the query whose terms TermIDs
// looked up.
func (ix *Index) NewDocScorer(q TermIDs) *DocScorer {
	s := &DocScorer{ix: ix, q: q, w: make([]float32, len(q))}
	for i, qt := range s.q {
		if qt.id < 0 || qt.weight == 0 {
			continue
		}
		s.w[i] = float32(qt.weight) * ix.idf[qt.id]
		k := slices.Index(s.ids, uint32(qt.id))
		if k < 0 {
			k = len(s.ids)
			s.ids = append(s.ids, uint32(qt.id))
			s.places = append(s.places, nil)
		}
		s.places[k] = append(s.places[k], int32(i))
	}
	order := make([]int, len(s.ids))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return s.ids[order[a]] < s.ids[order[b]] })
	ids, places := make([]uint32, len(order)), make([][]int32, len(order))
	for i, o := range order {
		ids[i], places[i] = s.ids[o], s.places[o]
		s.filter.Add(ids[i])
	}
	s.ids, s.places = ids, places
	return s
}

// Score returns document d's BM25 score for the query: Index.Score's
// (the same parts summed in the query's order).
func (s *DocScorer) Score(d int) float64 {
	ix := s.ix
	ids, tfs, _ := ix.docTerms(d)
	parts := s.parts[:0]
	for i, x := range ids {
		if !s.filter.MayHold(x) {
			continue
		}
		k := SearchIDs(s.ids, x)
		if k == len(s.ids) || s.ids[k] != x {
			continue
		}
		tf := tfAt(tfs, i)
		for _, p := range s.places[k] {
			parts = append(parts, placeScore{p, s.w[p] * ix.tfPart(tf, uint32(d))})
		}
	}
	// In the query's order (insertion sort: a handful of parts).
	for i := 1; i < len(parts); i++ {
		for j := i; j > 0 && parts[j].place < parts[j-1].place; j-- {
			parts[j], parts[j-1] = parts[j-1], parts[j]
		}
	}
	sum := float32(0)
	for _, p := range parts {
		sum += p.score
	}
	s.parts = parts
	return float64(sum)
}

// AppendDocTermIDs appends to dst the numbers of the terms of text, a
// part of text d, as AppendDocTokens makes them (-1 for a term the index
// lacks).
func (ix *Index) AppendDocTermIDs(dst []int32, d int, an *Analyzer, text string) []int32 {
	if !an.english {
		for _, t := range an.AppendTokens(nil, text) {
			dst = append(dst, int32(ix.TermID(t.Term)))
		}
		return dst
	}
	_, _, words := ix.docTerms(d)
	an.EachWord(text, func(key, word string, _, _, _, _ int) {
		i, ok := slices.BinarySearchFunc(words, word, func(id uint32, w string) int {
			return strings.Compare(ix.words.at(int(id))[1:], w)
		})
		if ok {
			dst = append(dst, ix.wordTerm[words[i]])
		} else {
			dst = append(dst, int32(ix.TermID(an.Stem(key))))
		}
	})
	return dst
}

// AppendDocTokens appends the tokens of text, a part of text d, to dst, as
// an.AppendTokens does. An English word is indexed as its stem, so the
// term of each of d's words is read from the index (through d's words in
// the forward index) rather than stemmed again; a word d lacks, or of
// another language, is stemmed.
func (ix *Index) AppendDocTokens(dst []Token, d int, an *Analyzer, text string) []Token {
	if !an.english {
		return an.AppendTokens(dst, text)
	}
	_, _, words := ix.docTerms(d)
	an.EachWord(text, func(key, word string, start, end, pos, _ int) {
		i, ok := slices.BinarySearchFunc(words, word, func(id uint32, w string) int {
			return strings.Compare(ix.words.at(int(id))[1:], w)
		})
		term := ""
		if ok {
			term = ix.terms.at(int(ix.wordTerm[words[i]]))
		} else {
			term = an.Stem(key)
		}
		dst = append(dst, Token{Term: term, Word: word, Start: start, End: end, Pos: pos})
	})
	return dst
}

// SingleForms returns a bit per word (by Word's numbers) of the languages
// whose analyzers langs accepts, set when the word is the only one of its
// language indexed as its term: a text of that language holding the term
// holds the word. It is computed at each call.
func (ix *Index) SingleForms(langs func(an *Analyzer) bool) []uint64 {
	single := make([]uint64, (ix.words.len()+63)/64)
	var count []uint8 // per term: its words in the language, up to 2
	for l, an := range ix.ans {
		if !langs(an) {
			continue
		}
		if count == nil {
			count = make([]uint8, ix.terms.len())
		}
		lo, hi := ix.wordsOf(l)
		for _, t := range ix.wordTerm[lo:hi] {
			count[t] = min(count[t]+1, 2)
		}
		for w := lo; w < hi; w++ {
			if count[ix.wordTerm[w]] == 1 {
				single[w/64] |= 1 << (w % 64)
			}
		}
		for _, t := range ix.wordTerm[lo:hi] {
			count[t] = 0
		}
	}
	return single
}
