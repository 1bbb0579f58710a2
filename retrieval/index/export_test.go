package index

// SearchExhaustive exposes the reference scorer to the external tests.
func (ix *Index) SearchExhaustive(q []QueryTerm, k int) []Hit { return ix.searchExhaustive(q, k) }

// ForceStrategy makes Search score term at a time (taat true) or document
// at a time with MaxScore (taat false), until the returned func is called.
func ForceStrategy(taat bool) (restore func()) {
	docs, postings := taatMaxDocs, taatMaxPostings
	if taat {
		taatMaxDocs, taatMaxPostings = 1<<62, 1<<62
	} else {
		taatMaxDocs, taatMaxPostings = -1, -1
	}
	return func() { taatMaxDocs, taatMaxPostings = docs, postings }
}
