package index

import "testing"

// FuzzLower checks that lower's shortcut for plain ASCII words puts them
// in lower case as its rune-by-rune way does, for every language's
// analyzer.
func FuzzLower(f *testing.F) {
	for _, w := range []string{"Khrushchev", "U.S.S.R", "l'homme", "DE-STALINIZATION", "1956", "ÉTÉ", "abc", ""} {
		f.Add(w)
	}
	ans := []*Analyzer{NewAnalyzer(AnalyzerOptions{})}
	for _, l := range []string{"fr", "es", "ru", "it", "de", "hu"} {
		ans = append(ans, NewAnalyzer(AnalyzerOptions{Language: l}))
	}
	f.Fuzz(func(t *testing.T, w string) {
		for _, a := range ans {
			if got, want := a.lower(w), a.lowerRunes(w); got != want {
				t.Fatalf("%s: lower(%q) = %q; rune by rune %q", a.Language(), w, got, want)
			}
		}
	})
}
