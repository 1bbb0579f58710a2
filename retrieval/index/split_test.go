package index

import (
	"testing"
)

// TestSplitPanicReachesCaller checks that a panic on the other goroutine
// of a split search is raised again on the searching one, where the bot
// recovers it, rather than ending the process.
func TestSplitPanicReachesCaller(t *testing.T) {
	an := NewAnalyzer(AnalyzerOptions{StopWords: []string{}, NoStem: true})
	docs := []string{"a b", "b c", "a c", "a"}
	ix := Build(len(docs), func(i int) string { return docs[i] }, an, DefaultBM25())
	ix.SetStrategy(Split)
	oldStart, oldDone := startOther, otherDone
	defer func() { startOther, otherDone = oldStart, oldDone }()
	// The other goroutine runs whole before the search goes on.
	startOther = func(f func()) func() {
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			f()
		}()
		<-finished
		return func() {}
	}
	otherDone = func() { panic("fault in the other goroutine") }
	defer func() {
		if p := recover(); p != "fault in the other goroutine" {
			t.Errorf("recovered %v; want the other goroutine's panic", p)
		}
	}()
	ix.Search([]QueryTerm{{Term: "a", Weight: 1}}, 3)
	t.Error("Search returned")
}
