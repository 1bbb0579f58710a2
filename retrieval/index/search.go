package index

import (
	"math"
	"runtime"
	"sync/atomic"
)

// cursor walks one term's postings in document order, a block at a time.
type cursor struct {
	ix     *Index
	qi     int     // the term's position in the query
	w      float32 // query weight times IDF
	k1p1   float32 // K1 + 1
	data   []byte
	blocks []block
	left   int     // postings not yet decoded
	bi     int     // current block
	sbi    int     // the block blockAt last found, at or after bi
	wub    float32 // blockMaxScore's bound of the term in the current window
	n, i   int     // postings in the current block, position in it
	prev   uint32
	doc    uint32 // the current document, done when past every list
	docs   [blockSize]uint32
	freqs  [blockSize]uint32
	// want are the forms of the term whose documents the search reports
	// (term at a time only), forms the term's postings' forms (formTable).
	want  uint8
	forms []uint8
	// eager scores each block as it is decoded (an essential term's
	// postings are all scored): the documents' lengths are then loaded
	// in one loop, their cache misses overlapping, rather than one at a
	// time between the other terms' work. scored tells that the current
	// block's scores are in scores.
	eager, scored bool
	scores        [blockSize]float32
}

const done = math.MaxUint32

func (ix *Index) openCursor(c *cursor, t int32, w float32) {
	c.ix = ix
	c.w = w * ix.idf[t]
	c.k1p1 = float32(ix.params.K1) + 1
	c.data = ix.post[ix.postOff[t]:ix.postOff[t+1]]
	c.blocks = ix.blocks[ix.blkOff[t]:ix.blkOff[t+1]]
	c.left = int(ix.df[t])
	c.bi, c.sbi, c.n, c.i, c.prev = -1, 0, 0, 0, 0
	c.nextBlock()
}

// nextBlock decodes the next block, or marks the cursor done.
func (c *cursor) nextBlock() {
	c.bi++
	if c.bi >= len(c.blocks) || c.left <= 0 {
		c.doc = done
		return
	}
	c.n = min(c.left, blockSize)
	c.left -= c.n
	b := c.blocks[c.bi]
	if decodeBlock(c.data[b.offset():], b.ones(), c.prev, c.docs[:c.n], c.freqs[:c.n]) < 0 {
		c.doc = done // corrupt: verified indexes never are
		return
	}
	c.prev = c.blocks[c.bi].last
	c.i = 0
	c.doc = c.docs[0]
	c.scored = false
	if c.eager {
		c.scoreBlock()
	}
}

// scoreBlock scores every posting of the current block into c.scores, as
// score would one by one.
func (c *cursor) scoreBlock() {
	ix := c.ix
	if ix.params.Variant != VariantLucene {
		for j := range c.n {
			c.scores[j] = c.w * ix.tfPart(c.freqs[j], c.docs[j])
		}
	} else {
		w, k1p1, normA, normC, lens := c.w, c.k1p1, ix.normA, ix.normC, ix.lens
		for j, d := range c.docs[:c.n] {
			f := float32(c.freqs[j])
			norm := normA + normC*float32(lens[d])
			c.scores[j] = w * (f * k1p1 / (f + norm))
		}
	}
	c.scored = true
}

func (c *cursor) next() {
	c.i++
	if c.i < c.n {
		c.doc = c.docs[c.i]
		return
	}
	c.nextBlock()
}

// advance moves to the first document at or after target, skipping whole
// blocks that end before it without decoding them.
func (c *cursor) advance(target uint32) {
	if c.doc >= target {
		return
	}
	if c.blocks[c.bi].last < target {
		// Skip blocks; their postings count is known from their position.
		for c.bi+1 < len(c.blocks) && c.blocks[c.bi+1].last < target {
			c.bi++
			c.left -= min(c.left, blockSize)
		}
		c.prev = c.blocks[c.bi].last
		c.nextBlock()
		if c.doc == done {
			return
		}
	}
	for c.doc < target {
		c.next()
	}
}

func (c *cursor) score() float32 {
	if c.scored {
		return c.scores[c.i]
	}
	ix := c.ix
	if ix.params.Variant != VariantLucene {
		return c.w * ix.tfPart(c.freqs[c.i], c.doc)
	}
	// tfPart's Lucene case, inlined: the hot path of every search.
	f := float32(c.freqs[c.i])
	norm := ix.normA + ix.normC*float32(ix.lens[c.doc])
	return c.w * (f * c.k1p1 / (f + norm))
}

// searchState is the scratch space of one search, pooled so that a search
// on one goroutine allocates nothing but its result (a split search's
// second goroutine takes one too).
type searchState struct {
	cursors []cursor
	order   []*cursor
	ubSum   []float32
	parts   []float32
	heap    hitHeap32
	acc     []float32 // term-at-a-time scores, kept zeroed
	masks   []uint64  // term-at-a-time query terms held, kept zeroed
	touched []uint32
	// withForms tells a term-at-a-time search whose cursors want forms:
	// masks then hold in their upper half, per document, the query terms
	// it holds in a form wanted.
	withForms bool
}

// MaxFormTerms is the most terms a query may have for SearchNear to report
// forms: they share the masks with the terms held.
const MaxFormTerms = MaxMaskTerms / 2

// nearOut is what a search scoring every document reports besides hits
// and masks (see searchHits).
type nearOut struct {
	scores []float32
	forms  []uint64
}

// hit32 is a hit as a search keeps it, with mask, when the search reports
// them, the query terms the document holds (bit i for q[i]).
type hit32 struct {
	doc   uint32
	score float32
	mask  uint64
}

// Search returns the k best documents for the query, best first; ties go to
// the lower document number. It returns exactly what scoring every
// document would, using MaxScore to skip documents and blocks that cannot
// reach the top k.
func (ix *Index) Search(q []QueryTerm, k int) []Hit {
	return ix.SearchInto(nil, q, k)
}

// SearchInto is Search appending to dst, to avoid allocating.
func (ix *Index) SearchInto(dst []Hit, q []QueryTerm, k int) []Hit {
	dst, _ = ix.searchHits(dst, nil, nil, q, nil, k, false)
	return dst
}

// searchHits is SearchInto that, with withMasks, also appends to masks,
// for each hit, the query terms it holds: bit i stands for q[i]. Masks
// need len(q) <= MaxMaskTerms; with more, none are appended. ids, when not
// nil, are q's terms by number (termIDs), not to look them up again.
//
// near, when not nil, gets appended, when the search scored every
// document (term at a time), for each hit d: in near.scores, the scores
// of documents d-1 and d+1 for the query (0 for none); with withMasks, in
// near.forms, the query terms it holds in a form ids asked for (bit i for
// q[i]; TermIDs.WantForms), when the index has forms (Index.forms). They
// are left as they are otherwise.
func (ix *Index) searchHits(dst []Hit, masks []uint64, near *nearOut, q []QueryTerm, ids []termID, k int, withMasks bool) ([]Hit, []uint64) {
	withMasks = withMasks && len(q) <= MaxMaskTerms
	if k <= 0 || ix.n == 0 {
		return dst, masks
	}
	st := ix.getState(len(q))
	defer ix.pool.Put(st)
	for qi, qt := range q {
		var t int
		if ids != nil {
			t = int(ids[qi].id)
		} else {
			t = ix.TermID(qt.Term)
		}
		if t < 0 || qt.Weight <= 0 {
			continue
		}
		st.cursors = append(st.cursors, cursor{})
		c := &st.cursors[len(st.cursors)-1]
		ix.openCursor(c, int32(t), float32(qt.Weight))
		c.qi = qi
		if near != nil && withMasks && len(q) <= MaxFormTerms && ids != nil && ids[qi].forms != 0 {
			if f := ix.forms(); f != nil {
				c.want, c.forms = ids[qi].forms, f.bits[f.start[t]:f.start[t+1]]
			}
		}
	}
	if len(st.cursors) == 0 {
		return dst, masks
	}
	total := 0
	for i := range st.cursors {
		total += st.cursors[i].left + st.cursors[i].n
	}
	if ix.strategy == TermAtATime || ix.strategy == Auto && ix.n <= taatMaxDocs && total <= taatMaxPostings {
		ix.taat(st, k, withMasks)
		start := len(dst)
		dst, masks = st.heap.appendSorted(dst, masks, withMasks)
		if near != nil {
			// The scores of each hit's neighbours by number, from the
			// array that holds every document's score.
			for _, h := range dst[start:] {
				before, after := float32(0), float32(0)
				if h.Doc > 0 {
					before = st.acc[h.Doc-1]
				}
				if h.Doc+1 < ix.n {
					after = st.acc[h.Doc+1]
				}
				near.scores = append(near.scores, before, after)
			}
			if st.withForms {
				// taat kept them in the masks' upper half.
				for i := range dst[start:] {
					m := &masks[len(masks)-len(dst)+start+i]
					near.forms = append(near.forms, *m>>MaxFormTerms)
					*m &= 1<<MaxFormTerms - 1
				}
			}
		}
		st.clearTouched(withMasks)
		return dst, masks
	}
	for i := range st.cursors {
		st.order = append(st.order, &st.cursors[i])
	}
	for range st.order {
		st.ubSum = append(st.ubSum, 0) // blockMaxScore's, window by window
	}
	for range q {
		st.parts = append(st.parts, 0)
	}
	if ix.strategy == Split || ix.strategy == Auto && ix.n >= splitMinDocs {
		ix.searchSplit(st, k, total)
	} else {
		ix.blockMaxScore(st, k, &shared{})
	}
	return st.heap.appendSorted(dst, masks, withMasks)
}

// startOther starts the other goroutine of a split search, running f; it
// returns what to call when the search has finished without it. Tests
// replace it, to run f before the search or after.
var startOther = func(f func()) (late func()) {
	go f()
	// The new goroutine waits in this processor's next-to-run slot, which
	// an idle processor takes only after a pause: asked for 3 µs, it was
	// 0.1 ms on the AMD EPYC VM of the README. An empty goroutine started
	// after it takes the slot and moves it to the queue, which is taken
	// at once: it started in 26 µs instead of 120 (medians).
	go func() {}()
	return func() {}
}

// searching counts the goroutines searching large collections document
// at a time (searchSplit), a split search's two included: a search splits
// only while they leave a processor free, so that searches asked at once
// each keep a processor rather than share two.
var searching atomic.Int32

// searchSplit runs blockMaxScore, over total postings, on this goroutine
// and, when the search is long (splitMinPostings) and a processor is free,
// on another, each taking windows of documents in turn, and leaves the k
// best of both in st.heap. The other goroutine may start late (waking a
// sleeping processor can take longer than a short search): it then takes
// what windows are left, or none.
func (ix *Index) searchSplit(st *searchState, k, total int) {
	n := searching.Add(1)
	defer searching.Add(-1)
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 || ix.strategy != Split && (total < splitMinPostings || int(n) >= procs) {
		ix.blockMaxScore(st, k, &shared{})
		return
	}
	sh := &shared{split: true, end: uint64(ix.n)}
	other := ix.getState(len(st.parts))
	other.cursors = append(other.cursors, st.cursors...)
	for i := range other.cursors {
		other.order = append(other.order, &other.cursors[i])
		other.ubSum = append(other.ubSum, 0)
	}
	other.parts = append(other.parts, st.parts...)
	late := startOther(func() {
		if !sh.state.CompareAndSwap(otherWaiting, otherRunning) {
			ix.pool.Put(other)
			return
		}
		searching.Add(1)
		defer func() {
			searching.Add(-1)
			sh.fault = recover()
			sh.state.Store(otherDone)
		}()
		ix.blockMaxScore(other, k, sh)
	})
	ix.blockMaxScore(st, k, sh)
	if sh.state.CompareAndSwap(otherWaiting, otherSkipped) {
		late()
		return
	}
	// The other has a window at most to finish: waiting by sleeping
	// would cost more than that, a wake-up.
	for sh.state.Load() != otherDone {
		runtime.Gosched()
	}
	if sh.fault != nil {
		// Where the search's caller can recover it, as the bot does.
		panic(sh.fault)
	}
	for _, x := range other.heap {
		st.heap.offer(x, k)
	}
	ix.pool.Put(other)
}

// Strategy is how an index runs its searches; all give the same hits.
type Strategy uint8

const (
	// Auto scores term at a time for small collections and short lists,
	// and otherwise document at a time with MaxScore, split (Split) for
	// large collections and long lists.
	Auto Strategy = iota
	// TermAtATime scores every posting of the query's terms into an array.
	TermAtATime
	// MaxScore scores document at a time, skipping documents and blocks
	// that cannot reach the top k.
	MaxScore
	// Split is MaxScore on two goroutines at once, taking windows of
	// documents in turn, whenever there is more than one processor. Auto
	// splits long searches of large collections while other searches
	// leave a processor free.
	Split
)

// SetStrategy makes the index search as s says, for tests and
// benchmarks that compare the ways; the default is Auto. It must not be
// called while the index is searched.
func (ix *Index) SetStrategy(s Strategy) { ix.strategy = s }

// Below these sizes, scoring every posting into an array (term at a time)
// beats skipping (document at a time): small collections, short lists.
// Variables only so that tests can force either way.
var (
	taatMaxDocs     = 1 << 18
	taatMaxPostings = 1 << 16
)

// Above these sizes, a document-at-a-time search runs on two goroutines
// when a processor is free (Split).
var (
	splitMinDocs     = 1 << 19
	splitMinPostings = 1 << 12
)

// taat scores every posting of the query's terms, term after term, into an
// array, then keeps the k best: the same sums in the same order as the
// exhaustive scorer. With withMasks it also keeps, per document, the query
// terms it holds (bit qi for the cursor of q[qi]), for the hits' masks.
// The scores and masks stay in their arrays, and the documents scored in
// st.touched, until clearTouched.
func (ix *Index) taat(st *searchState, k int, withMasks bool) {
	if len(st.acc) < ix.n {
		st.acc = make([]float32, ix.n)
	}
	if withMasks && len(st.masks) < ix.n {
		st.masks = make([]uint64, ix.n)
	}
	st.withForms = false
	for i := range st.cursors {
		st.withForms = st.withForms || st.cursors[i].want != 0
	}
	acc, masks, touched := st.acc, st.masks, st.touched[:0]
	lucene := ix.params.Variant == VariantLucene
	normA, normC, lens := ix.normA, ix.normC, ix.lens
	for i := range st.cursors {
		c := &st.cursors[i]
		bit := uint64(1) << (c.qi & 63)
		// The cursor has decoded its first block; walk the rest directly.
		for c.doc != done {
			w, k1p1 := c.w, c.k1p1
			for j := c.i; j < c.n; j++ {
				d := c.docs[j]
				var s float32
				if lucene {
					f := float32(c.freqs[j])
					norm := normA + normC*float32(lens[d])
					s = w * (f * k1p1 / (f + norm))
				} else {
					s = w * ix.tfPart(c.freqs[j], d)
				}
				if acc[d] == 0 { // every part is above 0
					touched = append(touched, d)
				}
				acc[d] += s
				if withMasks {
					masks[d] |= bit
				}
			}
			if c.want != 0 {
				// The block's postings' forms, by their place in the
				// term's list, in the upper half of the masks just
				// written (the query has at most MaxFormTerms terms).
				fs := c.forms[c.bi*blockSize:]
				for j := c.i; j < c.n; j++ {
					if fs[j]&c.want != 0 {
						masks[c.docs[j]] |= bit << MaxFormTerms
					}
				}
			}
			c.nextBlock()
		}
	}
	h := &st.heap
	for _, d := range touched {
		x := hit32{d, acc[d], 0}
		if withMasks {
			x.mask = masks[d]
		}
		h.offer(x, k)
	}
	st.touched = touched
}

// clearTouched zeroes what taat left in the arrays, for the next search.
func (st *searchState) clearTouched(withMasks bool) {
	for _, d := range st.touched {
		st.acc[d] = 0
		if withMasks {
			st.masks[d] = 0
		}
	}
	st.touched = st.touched[:0]
}

func (ix *Index) getState(terms int) *searchState {
	st, ok := ix.pool.Get().(*searchState)
	if !ok {
		st = &searchState{}
	}
	st.cursors = st.cursors[:0]
	if cap(st.cursors) < terms {
		st.cursors = make([]cursor, 0, terms)
	}
	st.order = st.order[:0]
	st.ubSum = st.ubSum[:0]
	st.parts = st.parts[:0]
	st.heap = st.heap[:0]
	return st
}

// better32 orders hits: higher score first, then lower document number.
func better32(a, b hit32) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// Better reports whether h ranks before o, as Search orders hits: the
// higher score first, then the lower document number.
func (h Hit) Better(o Hit) bool {
	if h.Score != o.Score {
		return h.Score > o.Score
	}
	return h.Doc < o.Doc
}

// hitHeap32 is a min-heap of hits: its root is the worst hit kept.
type hitHeap32 []hit32

func (h *hitHeap32) push(x hit32) {
	*h = append(*h, x)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !better32(a[p], a[i]) {
			break
		}
		a[p], a[i] = a[i], a[p]
		i = p
	}
}

// offer keeps x if it is among the k best hits offered.
func (h *hitHeap32) offer(x hit32, k int) {
	if len(*h) < k {
		h.push(x)
	} else if better32(x, (*h)[0]) {
		h.replaceRoot(x)
	}
}

func (h hitHeap32) replaceRoot(x hit32) {
	h[0] = x
	h.down(0)
}

func (h hitHeap32) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		worst := l
		if r := l + 1; r < n && better32(h[l], h[r]) {
			worst = r
		}
		if !better32(h[i], h[worst]) {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// appendSorted appends the hits, best first, emptying the heap; with
// withMasks, it appends their masks to masks in the same order.
func (h *hitHeap32) appendSorted(dst []Hit, masks []uint64, withMasks bool) ([]Hit, []uint64) {
	a := *h
	start, mstart := len(dst), len(masks)
	for range a {
		dst = append(dst, Hit{})
		if withMasks {
			masks = append(masks, 0)
		}
	}
	for n := len(a); n > 0; n-- {
		dst[start+n-1] = Hit{Doc: int(a[0].doc), Score: float64(a[0].score)}
		if withMasks {
			masks[mstart+n-1] = a[0].mask
		}
		a[0] = a[n-1]
		a = a[:n-1]
		a.down(0)
	}
	*h = a
	return dst, masks
}
