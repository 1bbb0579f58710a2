package corpus_test

import (
	"context"
	"sync/atomic"
	"testing"

	"lectern/corpus"
)

// cancelAtLook returns a context that a test hook cancels at reading's
// n-th look at it (the "check" stage), and a func to call once reading has
// returned: it fails the test if reading never looked n times (its input
// is too small to test this), or looked more than most times after the
// cancel, that is, went on working instead of stopping at its next look.
func cancelAtLook(t *testing.T, n int64) (ctx context.Context, check func(most int64)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var looks, after atomic.Int64
	var cancelled atomic.Bool
	corpus.SetTestHook(t, func(stage, _ string) {
		switch {
		case stage != "check":
		case cancelled.Load():
			after.Add(1)
		case looks.Add(1) == n:
			cancelled.Store(true)
			cancel()
		}
	})
	return ctx, func(most int64) {
		t.Helper()
		if !cancelled.Load() {
			t.Fatalf("reading looked at the context only %d times: the input is too small to test this", looks.Load())
		}
		if a := after.Load(); a > most {
			t.Errorf("reading looked at the context %d more times after it was cancelled; want at most %d", a, most)
		}
	}
}
