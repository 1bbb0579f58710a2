package index

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"lectern/corpus"
	"lectern/internal/testcorpus"
)

// findAll collects what findNear finds.
func findAll(tab *strtab, vx *vocabIndex, lo, hi, skip int, q string, maxd int) []near {
	var got []near
	findNear(tab, vx, lo, hi, skip, q, maxd, func(i, d int) { got = append(got, near{i, d}) })
	return got
}

// scanNear is findNear by the scan closestLinear makes: each string's
// length in bytes, then its distance.
func scanNear(tab *strtab, lo, hi, skip int, q string, maxd int) []near {
	var got []near
	a := []rune(q)
	for i := lo; i < hi; i++ {
		c := tab.at(i)
		if len(c) < skip {
			c = ""
		} else {
			c = c[skip:]
		}
		if d := len(c) - len(q); d > 2*maxd || d < -2*maxd {
			continue
		}
		if d := Distance(a, []rune(c), maxd); d <= maxd {
			got = append(got, near{i, d})
		}
	}
	return got
}

func TestFindNear(t *testing.T) {
	vocab := []string{
		"ab", "abc", "ba", "bc", "buried", "burried", "bury", "buy", "cathedral",
		"catedral", "cathedrals", "rehabilitation", "日本", "日本語", "родин", "родины",
		"x\xe2\x82", "x\xe2\x82\xac", "x\xe2a", "\xff",
	}
	slices.Sort(vocab)
	tab := newStrtab(vocab)
	tests := []struct {
		q    string
		maxd int
		want []string // in the vocabulary's order, each as "word:distance"
	}{
		{"buried", 0, []string{"buried:0"}},
		{"buried", 1, []string{"buried:0", "burried:1"}},
		{"bruied", 1, []string{"buried:1"}},                     // a swap is one edit
		{"burid", 1, []string{"buried:1"}},                      // burried and bury are two
		{"bury", 1, []string{"bury:0", "buy:1"}},                // buried is three
		{"catehdral", 1, []string{"catedral:1", "cathedral:1"}}, // a swap or a deletion
		{"cathedral", 1, []string{"catedral:1", "cathedral:0", "cathedrals:1"}},
		{"rehabilitaton", 2, []string{"rehabilitation:1"}},
		{"ba", 1, []string{"ab:1", "ba:0", "bc:1"}},                                    // abc is two
		{"ab", 2, []string{"ab:0", "abc:1", "ba:1", "bc:2", "x€:2", "日本:2", "\xff:2"}}, // two letters, up to four bytes, apart
		{"日本", 1, []string{"日本:0"}},                                                    // 日本語 is one letter, but three bytes, more
		{"日本語", 1, []string{"日本語:0"}},                                                  // 日本 three bytes fewer
		{"радины", 1, []string{"родины:1"}},                                            // родин is two
		{"родинa", 1, []string{"родин:1", "родины:1"}},                                 // a Latin a, one byte
		{"x\xe2\x82", 0, []string{"x\xe2\x82:0"}},                                      // x and two invalid bytes
		{"x\xe2\x82", 1, []string{"x\xe2a:1", "x\xe2\x82:0"}},
		{"x€", 1, []string{"x\xe2\x82\xac:0"}},
		{"\xfe", 1, []string{"\xff:0"}}, // both read as U+FFFD
		{"", 1, []string{"\xff:1"}},
	}
	walk, split := newVocabIndex(&tab, 0, false), newVocabIndex(&tab, 0, true)
	for _, tt := range tests {
		for _, by := range []*vocabIndex{walk, split} { // the walk alone, and split with the lookup
			var got []string
			for _, n := range findAll(&tab, by, 0, tab.len(), 0, tt.q, tt.maxd) {
				got = append(got, tab.at(n.i)+":"+string(rune('0'+n.d)))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findNear(%q, %d, by suffix %t) = %q; want %q", tt.q, tt.maxd, by.bySuffix != nil, got, tt.want)
			}
		}
		if got, scan := findAll(&tab, split, 0, tab.len(), 0, tt.q, tt.maxd), scanNear(&tab, 0, tab.len(), 0, tt.q, tt.maxd); !reflect.DeepEqual(got, scan) {
			t.Errorf("findNear(%q, %d) = %v; the scan finds %v", tt.q, tt.maxd, got, scan)
		}
	}
}

// TestVocabIndexPast checks the skip over a prefix against a scan, on
// vocabularies of many blocks with prefixes shared long and short.
func TestVocabIndexPast(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, size := range []int{1, 7, 64, 65, 300, 5000} {
		words := make([]string, size)
		for i := range words {
			b := make([]byte, 1+rng.IntN(12))
			for k := range b {
				b[k] = "aab"[rng.IntN(3)]
			}
			words[i] = string(b)
		}
		slices.Sort(words)
		words = slices.Compact(words)
		tab := newStrtab(words)
		vx := newVocabIndex(&tab, 0, false)
		for range 200 {
			i := rng.IntN(tab.len())
			hi := i + 1 + rng.IntN(tab.len()-i)
			for n := 0; n <= len(words[i]); n++ {
				want := i + 1
				for want < hi && strings.HasPrefix(words[want], words[i][:n]) {
					want++
				}
				if got := vx.past(i, hi, n); got != want {
					t.Fatalf("%d words: past(%d, %d, %d) = %d; want %d", tab.len(), i, hi, n, got, want)
				}
			}
		}
	}
}

// TestSuffixOrder checks the radix-sorted order against a sort by the
// order's definition, on strings that tie on their keys (the same length
// and last bytes, longer than a key holds) and are of every language.
func TestSuffixOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, skip := range []int{0, 1, 2} {
		var words []string
		for range 3000 {
			b := make([]byte, rng.IntN(4)+rng.IntN(2)*rng.IntN(300))
			for k := range b {
				b[k] = "\x01\x02ab\xff"[rng.IntN(5)]
			}
			words = append(words, string(b))
		}
		slices.Sort(words)
		words = slices.Compact(words)
		tab := newStrtab(words)
		want := make([]uint32, tab.len())
		for i := range want {
			want[i] = uint32(i)
		}
		slices.SortFunc(want, func(x, y uint32) int {
			a, b := words[x], words[y]
			if c := strings.Compare(head(a, skip), head(b, skip)); c != 0 {
				return c
			}
			if len(a) != len(b) {
				return len(a) - len(b)
			}
			for i := len(a) - 1; i >= 0; i-- {
				if a[i] != b[i] {
					return int(a[i]) - int(b[i])
				}
			}
			return 0
		})
		if got := suffixOrder(&tab, skip); !slices.Equal(got, want) {
			t.Errorf("skip %d: suffixOrder differs from the sort by its definition", skip)
		}
	}
}

// misspell makes n random edits to w: a letter inserted, deleted,
// replaced, or two neighbours swapped, the new letters drawn from w's and
// a few others.
func misspell(rng *rand.Rand, w string, n int) string {
	r := []rune(w)
	pool := append([]rune("aeioustnrlé日ж"), r...)
	for range n {
		switch op := rng.IntN(4); {
		case op == 0 || len(r) == 0:
			k := rng.IntN(len(r) + 1)
			r = slices.Insert(r, k, pool[rng.IntN(len(pool))])
		case op == 1:
			k := rng.IntN(len(r))
			r = slices.Delete(r, k, k+1)
		case op == 2:
			r[rng.IntN(len(r))] = pool[rng.IntN(len(pool))]
		case len(r) > 1:
			k := rng.IntN(len(r) - 1)
			r[k], r[k+1] = r[k+1], r[k]
		}
	}
	return string(r)
}

// sciFactIndex is an index of SciFact's abstracts when ../shared/data
// holds them, else nil.
var sciFact = sync.OnceValue(func() *Index {
	sf := testcorpus.SciFact()
	if sf == nil {
		return nil
	}
	an := NewAnalyzer(AnalyzerOptions{StopWords: LuceneStopWords})
	return Build(len(sf.Docs), func(i int) string { return sf.Docs[i] }, an, DefaultBM25())
})

// smallIndexes are the seed page's index and one of texts in three
// languages, two of many endings.
func smallIndexes(t testing.TB) map[string]*Index {
	t.Helper()
	out := map[string]*Index{"seed": corpusIndex(t, corpus.Default())}
	out["three languages"] = corpusIndex(t, testcorpus.ThreeLanguages(t))
	return out
}

// fuzzyIndexes are the indexes the walk is checked on: smallIndexes',
// SciFact's when ../shared/data holds it, and the index file
// $LECTERN_FUZZY_INDEX names when set.
func fuzzyIndexes(t testing.TB) map[string]*Index {
	t.Helper()
	out := smallIndexes(t)
	if ix := sciFact(); ix != nil {
		out["scifact"] = ix
	}
	if path := os.Getenv("LECTERN_FUZZY_INDEX"); path != "" {
		out[filepath.Base(path)] = indexFile(t, path)
	}
	return out
}

// TestClosestMatchesScan checks, on real vocabularies, that for words of
// the texts misspelt by none to three edits findNear finds the very words
// and distances the scan does, at every distance closest allows, and that
// closest corrects every word as closestLinear, the scan it replaces,
// does, by word and, in languages of many endings, by term.
func TestClosestMatchesScan(t *testing.T) {
	for name, ix := range fuzzyIndexes(t) {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			samples := 300
			if testing.Short() {
				samples = 50
			}
			corrected := 0
			words, terms := ix.wordIndex(), newVocabIndex(&ix.terms, 0, true)
			for l, an := range ix.ans {
				lo, hi := ix.wordsOf(l)
				if lo == hi {
					continue
				}
				for range samples {
					w := misspell(rng, ix.words.at(lo + rng.IntN(hi-lo))[1:], rng.IntN(4))
					for maxd := range 3 {
						if got, want := findAll(&ix.words, words, lo, hi, 1, w, maxd), scanNear(&ix.words, lo, hi, 1, w, maxd); !slices.Equal(got, want) {
							t.Fatalf("language %d: findNear(%q, %d) = %v; the scan finds %v", l, w, maxd, got, want)
						}
					}
					term := ""
					if toks := an.AppendTokens(nil, w); len(toks) == 1 && toks[0].Word == w && an.Stems() {
						term = toks[0].Term
						maxd := maxEdits(runeLen(term))
						if got, want := findAll(&ix.terms, terms, 0, ix.terms.len(), 0, term, maxd), scanNear(&ix.terms, 0, ix.terms.len(), 0, term, maxd); !slices.Equal(got, want) {
							t.Fatalf("findNear(%q) over the terms = %v; the scan finds %v", term, got, want)
						}
					}
					for _, tm := range []string{"", term} {
						f, sim := ix.Closest(l, w, tm)
						wf, wsim := ix.closestLinear(l, w, tm)
						if f != wf || sim != wsim {
							t.Fatalf("language %d: closest(%q, %q) = %q, %v; the scan: %q, %v", l, w, tm, f, sim, wf, wsim)
						}
						if f != "" {
							corrected++
						}
					}
				}
			}
			if corrected == 0 {
				t.Errorf("no misspelling was corrected: the test tests nothing")
			}
		})
	}
}

// FuzzFindNear: over any sorted strings, valid UTF-8 or not, with or
// without a language's byte before them, findNear finds what the scan
// does, by the walk alone and split with the lookup by suffix.
func FuzzFindNear(f *testing.F) {
	f.Add("buried\nburried\nbury\ncathedral", "burried", uint8(1), false)
	f.Add("ab\nabc\nba\nbc", "ba", uint8(2), false)
	f.Add("родин\nродины\ncatedral", "радины", uint8(2), true)
	f.Add("x\xe2\x82\nx\xe2\x82\xac\nx\xe2a\n\xff", "x\xe2\x82", uint8(1), false)
	f.Add("日本\n日本語\n日本人", "日本", uint8(2), false)
	f.Fuzz(func(t *testing.T, vocab, q string, maxd uint8, skip bool) {
		words := strings.Split(vocab, "\n")
		s := 0
		if skip { // a language's words, after its byte
			s = 1
			for i, w := range words {
				words[i] = "\x01" + w
			}
		}
		slices.Sort(words)
		words = slices.Compact(words)
		tab := newStrtab(words)
		d := int(maxd % 4)
		walk, split := newVocabIndex(&tab, s, false), newVocabIndex(&tab, s, true)
		for _, lo := range []int{0, tab.len() / 2} {
			want := scanNear(&tab, lo, tab.len(), s, q, d)
			for _, by := range []*vocabIndex{walk, split} {
				if got := findAll(&tab, by, lo, tab.len(), s, q, d); !slices.Equal(got, want) {
					t.Fatalf("findNear(%q, %d, skip %d, by suffix %t) over %q = %v; the scan finds %v", q, d, s, by.bySuffix != nil, words[lo:], got, want)
				}
			}
		}
	})
}

// FuzzClosest: on the seed page and texts in three languages, closest
// corrects any word as the scan does.
func FuzzClosest(f *testing.F) {
	for _, w := range []string{"burried", "Solzhenitzyn", "rehabilitaton", "радины", "похоранили", "catedral", "\xe2\x82x"} {
		f.Add(w)
	}
	var once sync.Once
	var ixs []*Index
	f.Fuzz(func(t *testing.T, w string) {
		once.Do(func() {
			for _, ix := range smallIndexes(t) {
				ixs = append(ixs, ix)
			}
		})
		for _, ix := range ixs {
			for l := range ix.ans {
				for _, term := range []string{"", w} {
					f, sim := ix.Closest(l, w, term)
					wf, wsim := ix.closestLinear(l, w, term)
					if f != wf || sim != wsim {
						t.Fatalf("language %d: closest(%q, %q) = %q, %v; the scan: %q, %v", l, w, term, f, sim, wf, wsim)
					}
				}
			}
		}
	})
}

// TestClosestCache checks that closest answers from its cache as it
// answers without (misspelt, correct, unmatched words; with and without
// a term), however often asked, and that the cache stays within
// closestCached answers.
func TestClosestCache(t *testing.T) {
	for name, ix := range smallIndexes(t) {
		t.Run(name, func(t *testing.T) {
			words := []string{"burried", "Solzhenitzyn", "rehabilitaton", "радины", "похоранили", "catedral", "qqqqqq", "ab", ""}
			for l := range ix.ans {
				for _, w := range words {
					for _, term := range []string{"", w} {
						wf, wsim := ix.findClosest(l, w, term)
						for range 3 {
							if f, sim := ix.Closest(l, w, term); f != wf || sim != wsim {
								t.Fatalf("language %d: closest(%q, %q) = %q, %v; uncached: %q, %v", l, w, term, f, sim, wf, wsim)
							}
						}
					}
				}
			}
			for i := range closestCached + 10 {
				ix.Closest(0, "w"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676)), "")
				if n := len(ix.fuzzy.cache.m); n > closestCached {
					t.Fatalf("the cache holds %d answers, more than %d", n, closestCached)
				}
			}
			wf, wsim := ix.findClosest(0, "burried", "")
			if f, sim := ix.Closest(0, "burried", ""); f != wf || sim != wsim {
				t.Errorf("after the cache was renewed, closest(burried) = %q, %v; uncached: %q, %v", f, sim, wf, wsim)
			}
		})
	}
}

// TestPrepareFuzzy checks that PrepareFuzzy builds what fuzzy matching
// needs, and leaves corrections as they were.
func TestPrepareFuzzy(t *testing.T) {
	unprepared := smallIndexes(t)
	for name, ix := range smallIndexes(t) {
		t.Run(name, func(t *testing.T) {
			ix.PrepareFuzzy()
			ix.PrepareFuzzy()
			if ix.fuzzy.wordIndex == nil {
				t.Errorf("PrepareFuzzy left the word index unbuilt")
			}
			stems := false // a language of many endings: its terms are matched too
			for _, an := range ix.ans {
				stems = stems || !an.english && an.Stems()
			}
			if built := ix.fuzzy.termIndex != nil; built != stems {
				t.Errorf("after PrepareFuzzy, term index built %v; want %v", built, stems)
			}
			for _, w := range []string{"burried", "Khruschev", "buried"} {
				after, sim := ix.Closest(0, w, "")
				before, sim0 := unprepared[name].Closest(0, w, "")
				if after != before || sim != sim0 {
					t.Errorf("prepared, Closest(%s) = %q, %v; unprepared %q, %v", w, after, sim, before, sim0)
				}
			}
		})
	}
}
