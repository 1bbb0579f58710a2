package index

// MaxMaskTerms is the longest query whose hits SearchMasks reports the
// terms of (a bit each in a uint64).
const MaxMaskTerms = 64

// SearchMasks is SearchInto also appending to masks, for each hit, the
// query terms the document holds: bit i stands for q[i]. ids are q's
// terms as TermIDs looked them up. A query of more than MaxMaskTerms terms
// gets its hits and no masks.
func (ix *Index) SearchMasks(dst []Hit, masks []uint64, q []QueryTerm, ids TermIDs, k int) ([]Hit, []uint64) {
	return ix.searchHits(dst, masks, q, ids, k, true)
}

// taatMasks is taat also keeping, per document, the query terms it holds
// (bit qi for the cursor of q[qi]), for the heap's hits.
func (ix *Index) taatMasks(st *searchState, k int) {
	if len(st.acc) < ix.n {
		st.acc = make([]float32, ix.n)
	}
	if len(st.masks) < ix.n {
		st.masks = make([]uint64, ix.n)
	}
	acc, masks, touched := st.acc, st.masks, st.touched[:0]
	lucene := ix.params.Variant == VariantLucene
	normA, normC, lens := ix.normA, ix.normC, ix.lens
	for i := range st.cursors {
		c := &st.cursors[i]
		bit := uint64(1) << (c.qi & 63)
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
				if masks[d] == 0 {
					touched = append(touched, d)
				}
				acc[d] += s
				masks[d] |= bit
			}
			c.nextBlock()
		}
	}
	h := &st.heap
	for _, d := range touched {
		x := hit32{d, acc[d], masks[d]}
		acc[d], masks[d] = 0, 0
		if len(*h) < k {
			h.push(x)
		} else if better32(x, (*h)[0]) {
			h.replaceRoot(x)
		}
	}
	st.touched = touched[:0]
}
