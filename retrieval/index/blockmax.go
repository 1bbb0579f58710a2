package index

import (
	"math"
	"math/bits"
	"sync/atomic"
)

// window is how many documents blockMaxScore takes at a time: at 1.16 M
// sentences, windows of 2^14 answered faster than 2^12, 2^13, 2^15 and 2^16
// (BenchmarkAnswerSaved). A variable only so that tests can make windows
// small.
var window uint32 = 1 << 14

// windowMax returns the most a document in [lo, hi) can get from the term:
// w times the largest tf part of the blocks that may hold such documents,
// found without decoding any (block-max); 0 when the term has none there.
// Calls must come with lo never decreasing.
func (c *cursor) windowMax(lo, hi uint32) float32 {
	if c.doc >= hi {
		return 0
	}
	j := c.blockAt(lo)
	if j < 0 {
		return 0
	}
	m := c.blocks[j].max
	for j++; j < len(c.blocks) && c.blocks[j-1].last < hi-1; j++ {
		m = max(m, c.blocks[j].max)
	}
	return c.w * m
}

// blockAt returns the block that holds the term's postings from d to the
// block's last document, found without decoding any block, or -1 when the
// term has none from d on. Calls must come with d never decreasing.
func (c *cursor) blockAt(d uint32) int {
	if c.doc == done {
		return -1
	}
	if c.doc >= d {
		return c.bi
	}
	j := max(c.sbi, c.bi)
	for j < len(c.blocks) && c.blocks[j].last < d {
		j++
	}
	c.sbi = j
	if j == len(c.blocks) {
		return -1
	}
	return j
}

// blockMaxScore runs the MaxScore algorithm (Turtle and Flood, 1995)
// window by window over the documents, with block maxima (block-max
// MaxScore, as Lucene's MaxScoreBulkScorer does): the terms whose summed
// bounds cannot lift a document into the top k are non-essential; only
// documents in an essential term's postings are scored, and the
// non-essential terms are looked up for them only while the document can
// still make it. In each window a term's bound is the largest maximum of
// its blocks there, far below its whole list's for a common term, so that
// more terms are non-essential; a window whose bounds add up below the k-th
// best score is skipped whole, its blocks never decoded. It returns the
// same hits as scoring every document.
//
// With sh.split, it takes windows of documents from sh, where another
// search of the same query, on another goroutine, takes them too, and
// keeps the k best of its own in st.heap; the two raise sh.bar together,
// each skipping what the other's top k already beats (see searchSplit).
func (ix *Index) blockMaxScore(st *searchState, k int, sh *shared) {
	order, parts := st.order, st.parts
	h := &st.heap
	theta := float32(-1) // the k-th best score once the heap is full
	// cut is what the pruning compares with: theta, or the other
	// search's k-th best when higher.
	cut := float32(0)
	byMask := len(parts) <= MaxMaskTerms
	for {
		lo := uint32(done)
		for _, c := range order {
			lo = min(lo, c.doc)
		}
		hi := uint32(done)
		if sh.split {
			var ok bool
			if lo, hi, ok = sh.take(order, lo); !ok {
				return
			}
			cut = max(cut, math.Float32frombits(sh.bar.Load()))
		} else if lo == done {
			return
		} else if lo < done-window {
			hi = lo + window
		}
		// The window's bounds, smallest first; order[:essential] are the
		// terms whose bounds together cannot lift a document above cut.
		for _, c := range order {
			c.wub = c.windowMax(lo, hi)
		}
		for i := 1; i < len(order); i++ {
			for j := i; j > 0 && order[j].wub < order[j-1].wub; j-- {
				order[j], order[j-1] = order[j-1], order[j]
			}
		}
		var sum float32
		for i, c := range order {
			sum += c.wub
			st.ubSum[i] = sum * (1 + 1e-5) // room for rounding
		}
		essential := 0
		for essential < len(order) && st.ubSum[essential] < cut {
			essential++
		}
		if essential == len(order) {
			// No document of the window can make it.
			if !sh.split {
				for _, c := range order {
					c.advance(hi)
				}
			}
			continue
		}
		for i, c := range order {
			c.eager = i >= essential
		}
		d := uint32(done)
		for _, c := range order[essential:] {
			d = min(d, c.doc)
		}
		for d < hi {
			var partial float32
			var mask uint64 // bit qi for q[qi] held (qi < 64 when byMask)
			next := uint32(done)
			for _, c := range order[essential:] {
				if c.doc == d {
					s := c.score()
					parts[c.qi] = s
					partial += s
					mask |= 1 << (c.qi & 63)
					c.next()
				}
				next = min(next, c.doc)
			}
			skip := false
			for i := essential - 1; i >= 0; i-- {
				// cut is 0 or below until a heap is full.
				if partial+st.ubSum[i] < cut {
					skip = true
					break
				}
				c := order[i]
				if c.doc < d {
					c.advance(d)
				}
				if c.doc == d {
					s := c.score()
					parts[c.qi] = s
					partial += s
					mask |= 1 << (c.qi & 63)
				}
			}
			// The exact score sums the parts in query order, as every
			// other way of scoring does; the parts are cleared for the
			// next document.
			var score float32
			if byMask {
				for m := mask; m != 0; m &= m - 1 {
					qi := bits.TrailingZeros64(m)
					score += parts[qi]
					parts[qi] = 0
				}
			} else {
				for i, p := range parts {
					score += p
					parts[i] = 0
				}
			}
			cur := d
			d = next
			if skip {
				continue
			}
			if len(*h) < k {
				h.push(hit32{cur, score, mask})
			} else if score > theta {
				// Documents come in increasing order, so a tie with the
				// k-th best loses: it has the higher number.
				h.replaceRoot(hit32{cur, score, mask})
			} else {
				continue
			}
			if len(*h) == k {
				theta = (*h)[0].score
				cut = theta
				if sh.split {
					cut = max(cut, raise(&sh.bar, theta))
				}
				was := essential
				for essential < len(order) && st.ubSum[essential] < cut {
					order[essential].eager = false // from its next block on
					essential++
				}
				if essential != was {
					d = done
					for _, c := range order[essential:] {
						d = min(d, c.doc)
					}
				}
			}
		}
		// The non-essential terms may lag behind the window; the next
		// starts at the least document of any term from hi on. (A split
		// search's next window starts further on, where take moves the
		// cursors, not decoding blocks on the way.)
		if !sh.split {
			for _, c := range order {
				c.advance(hi)
			}
		}
	}
}

// shared is what the two goroutines of a split search share
// (searchSplit): the windows of documents not yet taken, the k-th best
// score either has found, and where the other goroutine is.
type shared struct {
	split bool
	// state is otherWaiting, otherRunning, otherSkipped or otherDone;
	// fault is the other goroutine's panic, set before otherDone, to be
	// raised again on the searching one.
	state atomic.Int32
	fault any
	// next is the first document of the next window to take; windows
	// start at multiples of window, so that each goroutine's cursors only
	// move forward.
	next atomic.Uint64
	end  uint64 // the number of documents
	// bar is the k-th best score either half has found, as float32 bits
	// (scores are not negative, and such floats order as their bits): a
	// document below it cannot make the top k. Ties with it are scored,
	// not skipped, so that merging the halves' hits gives exactly the
	// hits of one search.
	bar atomic.Uint32
}

// Where the other goroutine of a split search is (shared.state).
const (
	otherWaiting int32 = iota // not started
	otherRunning              // searching
	otherSkipped              // the search finished without it
	otherDone                 // finished searching
)

// take returns the next window [lo, hi) that holds a document of the
// cursors, lo being the first, with the cursors moved to its start; false
// when none is left. lo is the least document of the cursors.
func (sh *shared) take(order []*cursor, lo uint32) (uint32, uint32, bool) {
	for lo != done {
		start := sh.next.Add(uint64(window)) - uint64(window)
		if start >= sh.end {
			return 0, 0, false
		}
		hi := uint32(min(start+uint64(window), sh.end))
		if uint64(lo) < start {
			lo = done
			for _, c := range order {
				c.advance(uint32(start))
				lo = min(lo, c.doc)
			}
		}
		if lo < hi {
			return lo, hi, true
		}
		// No term has a document from start to lo: the windows below
		// lo's are empty for the other half too, and need not be taken.
		if lo != done {
			sh.next.CompareAndSwap(uint64(hi), uint64(lo/window*window))
		}
	}
	return 0, 0, false
}

// raise sets bar to theta when theta is higher, and returns bar's value.
func raise(bar *atomic.Uint32, theta float32) float32 {
	t := math.Float32bits(max(theta, 0))
	for {
		b := bar.Load()
		if b >= t {
			return math.Float32frombits(b)
		}
		if bar.CompareAndSwap(b, t) {
			return theta
		}
	}
}
