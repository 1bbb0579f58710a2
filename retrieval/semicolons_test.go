package retrieval

import (
	"strings"
	"sync"
	"testing"
)

// TestSemicolonBits checks that the bits tell each text's semicolons as
// strings.Contains does, asked once or many times, from several
// goroutines, and for texts beyond those the bits were made for.
func TestSemicolonBits(t *testing.T) {
	texts := []string{"a; b", "no semicolon", "", ";", "end;", "x", "one; two; three"}
	for i := range 70 { // across several words of bits
		texts = append(texts, strings.Repeat("w ", i%3)+map[bool]string{true: ";", false: "."}[i%4 == 1])
	}
	text := func(d int) string { return texts[d] }
	for _, made := range []int{len(texts), 5, 0} {
		b := newSemicolonBits(made)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 3 {
					for d := range texts {
						if got, want := b.has(d, text), strings.Contains(texts[d], ";"); got != want {
							t.Errorf("bits for %d texts: has(%d %q) = %v, want %v", made, d, texts[d], got, want)
						}
					}
				}
			})
		}
		wg.Wait()
	}
}
