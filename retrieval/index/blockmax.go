package index

import "math/bits"

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
func (ix *Index) blockMaxScore(st *searchState, k int) {
	order, parts := st.order, st.parts
	h := &st.heap
	theta := float32(-1) // the k-th best score once the heap is full
	byMask := len(parts) <= MaxMaskTerms
	for {
		lo := uint32(done)
		for _, c := range order {
			lo = min(lo, c.doc)
		}
		if lo == done {
			return
		}
		hi := uint32(done)
		if lo < done-window {
			hi = lo + window
		}
		// The window's bounds, smallest first; order[:essential] are the
		// terms whose bounds together cannot lift a document above theta.
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
		if len(*h) == k {
			for essential < len(order) && st.ubSum[essential] < theta {
				essential++
			}
		}
		if essential == len(order) {
			// No document of the window can make it.
			for _, c := range order {
				c.advance(hi)
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
				// theta is below every score until the heap is full.
				if partial+st.ubSum[i] < theta {
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
				was := essential
				for essential < len(order) && st.ubSum[essential] < theta {
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
		// starts at the least document of any term from hi on.
		for _, c := range order {
			c.advance(hi)
		}
	}
}
