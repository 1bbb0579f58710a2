package index

import (
	"testing"
)

// TestSplitPanicReachesCaller checks that a panic on the other goroutine
// of a split search is raised again on the searching one, where the bot
// recovers it, rather than ending the process: the other goroutine runs
// first, on its own, and takes the only window, whose scoring panics on an
// index without its documents' lengths.
func TestSplitPanicReachesCaller(t *testing.T) {
	an := NewAnalyzer(AnalyzerOptions{StopWords: []string{}, NoStem: true})
	docs := []string{"a b", "b c", "a c", "a"}
	ix := Build(len(docs), func(i int) string { return docs[i] }, an, DefaultBM25())
	ix.SetStrategy(Split)
	ix.lens = nil
	old := startOther
	defer func() { startOther = old }()
	startOther = func(f func()) func() {
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			f()
		}()
		<-finished
		return func() {}
	}
	defer func() {
		if p := recover(); p == nil {
			t.Error("no panic reached the caller")
		}
	}()
	ix.Search([]QueryTerm{{Term: "a", Weight: 1}}, 3)
	t.Error("Search returned")
}
