package index

// SearchExhaustive exposes the reference scorer to the external tests.
func (ix *Index) SearchExhaustive(q []QueryTerm, k int) []Hit { return ix.searchExhaustive(q, k) }

// SetWindow makes block-max MaxScore take n documents at a time, until the
// returned func is called.
func SetWindow(n uint32) (restore func()) {
	was := window
	window = n
	return func() { window = was }
}
