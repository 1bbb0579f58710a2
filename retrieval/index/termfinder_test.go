package index

import (
	"slices"
	"strings"
	"testing"
)

// TestTermFinder checks termFinder against strtab.find for every string
// of several vocabularies and for strings they lack: empty, of one byte,
// with zero and high bytes, prefixes and extensions of theirs.
func TestTermFinder(t *testing.T) {
	ix := corpusIndex(t, testCorpus(t))
	var corpusTerms []string
	for i := range ix.terms.len() {
		corpusTerms = append(corpusTerms, ix.terms.at(i))
	}
	for _, tt := range []struct {
		name  string
		vocab []string
	}{
		{"empty", nil},
		{"one", []string{"a"}},
		{"short and odd", []string{"", "\x00", "\x00\x00", "a", "a\x00", "a\x00b", "aa", "ab", "b", "z\xff", "\xff", "\xff\xff\xff", "é", "ю"}},
		{"corpus", corpusTerms},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vocab := slices.Clone(tt.vocab)
			slices.Sort(vocab)
			vocab = slices.Compact(vocab)
			tab := newStrtab(vocab)
			var f termFinder
			probes := []string{"", "\x00", "a", "aa", "zz", "\xff\xff", "\xff\xff\xff\xff"}
			for _, v := range vocab {
				probes = append(probes, v, v+"\x00", v+"z", strings.TrimSuffix(v, v[max(0, len(v)-1):]))
			}
			for _, p := range probes {
				if got, want := f.find(&tab, p), tab.find(p); got != want {
					t.Fatalf("find(%q) = %d, want %d", p, got, want)
				}
			}
		})
	}
}
