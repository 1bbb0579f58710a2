package index

import (
	"context"
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

// TestFindWord checks findWord, through WordTerm and WordIDs, against a
// search of the whole word table, for every word of an index of three
// languages and for words one language has and another lacks.
func TestFindWord(t *testing.T) {
	texts := []string{
		"The bodies were buried near the walls.", "Stalin's body was removed in 1961.",
		"Le corps de Staline fut retiré du mausolée.", "Les murs du Kremlin.",
		"Die Leiche wurde an der Mauer begraben.", "Der Körper.",
	}
	ans := []*Analyzer{NewAnalyzer(AnalyzerOptions{Language: "en", Irregular: true}),
		NewAnalyzer(AnalyzerOptions{Language: "fr"}), NewAnalyzer(AnalyzerOptions{Language: "de"})}
	ix, err := BuildLanguages(context.Background(), len(texts), func(i int) string { return texts[i] },
		ans, func(i int) int { return i / 2 }, DefaultBM25(), nil)
	if err != nil {
		t.Fatal(err)
	}
	found := map[int]bool{}
	for l := range ans {
		var probes []string
		for i := range ix.words.len() {
			w, _ := ix.Word(uint32(i))
			probes = append(probes, w, w+"x", w[:len(w)-1])
		}
		probes = append(probes, "", "\x00", "\xff\xff")
		for _, w := range probes {
			want := ix.words.find(string(rune(l+1)) + w)
			if got := ix.findWord(l, w); got != want {
				t.Fatalf("language %d: findWord(%q) = %d, want %d", l, w, got, want)
			}
			ids := ix.WordIDs(l, []string{w})
			if want >= 0 {
				found[want] = true
				if len(ids) != 1 || ids[0] != uint32(want) {
					t.Fatalf("language %d: WordIDs(%q) = %v, want [%d]", l, w, ids, want)
				}
				if got, wantTerm := ix.WordTerm(l, w), ix.terms.at(int(ix.wordTerm[want])); got != wantTerm {
					t.Fatalf("language %d: WordTerm(%q) = %q, want %q", l, w, got, wantTerm)
				}
			} else if len(ids) != 0 || ix.WordTerm(l, w) != "" {
				t.Fatalf("language %d: %q found by WordIDs or WordTerm, not by the table", l, w)
			}
		}
	}
	if len(found) != ix.words.len() {
		t.Errorf("%d words found in their languages; the index has %d", len(found), ix.words.len())
	}
	if got := ix.findWord(len(ans), "body"); got != -1 {
		t.Errorf("findWord of a language the index lacks = %d, want -1", got)
	}
}
