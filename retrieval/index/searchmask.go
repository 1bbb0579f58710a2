package index

// MaxMaskTerms is the longest query whose hits SearchMasks reports the
// terms of (a bit each in a uint64).
const MaxMaskTerms = 64

// SearchMasks is SearchInto also appending to masks, for each hit, the
// query terms the document holds: bit i stands for q[i]. ids are q's
// terms as TermIDs looked them up. A query of more than MaxMaskTerms terms
// gets its hits and no masks.
func (ix *Index) SearchMasks(dst []Hit, masks []uint64, q []QueryTerm, ids TermIDs, k int) ([]Hit, []uint64) {
	return ix.searchHits(dst, masks, nil, q, ids, k, true)
}

// SearchNear is SearchMasks also appending to near, when the search scored
// every document (as it does for a small index and short lists), two
// scores per hit: those of the documents numbered just before and after
// it, for the same query (0 for none), as a DocScorer would give them. It
// appends nothing to near when the search skipped documents (MaxScore):
// then len(near) is as it was.
func (ix *Index) SearchNear(dst []Hit, masks []uint64, near []float32, q []QueryTerm, ids TermIDs, k int) ([]Hit, []uint64, []float32) {
	dst, masks = ix.searchHits(dst, masks, &near, q, ids, k, true)
	return dst, masks, near
}
