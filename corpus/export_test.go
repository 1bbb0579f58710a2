package corpus

import (
	"testing"

	"lectern/internal/binfile"
)

// SetTestHook makes LoadContext call f at the stages testHook lists
// ("open", "read", "page", "check"), until t ends. Tests that use it must
// not run in parallel.
func SetTestHook(t testing.TB, f func(stage, path string)) {
	testHook = f
	t.Cleanup(func() { testHook = nil })
}

// SaveAndRead writes c's sections to an index file in memory and reads
// them back, as saving and loading an index does.
func SaveAndRead(t testing.TB, c *Corpus) *Corpus {
	t.Helper()
	w := binfile.NewWriter("TEST", 1)
	if err := c.WriteSections(w); err != nil {
		t.Fatal(err)
	}
	r, err := binfile.Open(w.Finish(), "TEST", 1)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := ReadSections(r)
	if err != nil {
		t.Fatalf("ReadSections = %v", err)
	}
	return saved
}
