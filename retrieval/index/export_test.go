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

// SetSplitOrder makes the other goroutine of a split search run on this
// one, all of it before the search (first) or after it has finished; it
// returns a function that restores the default.
func SetSplitOrder(first bool) (restore func()) {
	old := startOther
	startOther = func(f func()) func() {
		if first {
			f()
			return func() {}
		}
		return f
	}
	return func() { startOther = old }
}
