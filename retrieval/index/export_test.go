package index

// SearchExhaustive exposes the reference scorer to the external tests.
func (ix *Index) SearchExhaustive(q []QueryTerm, k int) []Hit { return ix.searchExhaustive(q, k) }
