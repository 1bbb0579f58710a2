package corpus

import "testing"

// SetTestHook makes LoadContext call f with a file's path before opening it
// ("open") and before reading it ("read"), until t ends. Tests that use it
// must not run in parallel.
func SetTestHook(t testing.TB, f func(stage, path string)) {
	testHook = f
	t.Cleanup(func() { testHook = nil })
}
