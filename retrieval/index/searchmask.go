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
