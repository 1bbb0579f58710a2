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

// SearchNear is SearchMasks also appending, when the search scored every
// document (as it does for a small index and short lists), for each hit:
// to near, two scores: those of the documents numbered just before and
// after it, for the same query (0 for none), as a DocScorer would give
// them; and to forms, the terms of q it holds in one of the forms ids ask
// for (TermIDs.WantForms; bit i for q[i]), when the index tells forms
// (Index.FormBit) and q gets masks. It appends nothing to near when the
// search skipped documents (MaxScore), nor to forms then or when none
// were asked for or told: then their lengths are as they were.
func (ix *Index) SearchNear(dst []Hit, masks []uint64, near []float32, forms []uint64, q []QueryTerm, ids TermIDs, k int) ([]Hit, []uint64, []float32, []uint64) {
	out := nearOut{scores: near, forms: forms}
	dst, masks = ix.searchHits(dst, masks, &out, q, ids, k, true)
	return dst, masks, out.scores, out.forms
}
