package index

import (
	"math/rand/v2"
	"os"
	"testing"
)

// typoQuestions makes n questions of two misspelt words each from analyzer
// l's words of five letters or more: one edit, or two for words of eight
// or more, and never a word the texts hold, as Parse corrects only those.
// Each word comes with its term when l's analyzer stems, as Parse passes
// closest for languages other than English.
func typoQuestions(ix *Index, l, n int) [][2][2]string {
	rng := rand.New(rand.NewPCG(3, 4))
	lo, hi := ix.wordsOf(l)
	an := ix.ans[l]
	var qs [][2][2]string
	for len(qs) < n {
		var q [2][2]string
		for k := range q {
			for q[k][0] == "" {
				w := ix.words.at(lo + rng.IntN(hi-lo))[1:]
				if runeLen(w) < 5 || !hasLetter(w) {
					continue
				}
				typo := misspell(rng, w, maxEdits(runeLen(w)))
				toks := an.AppendTokens(nil, typo)
				if runeLen(typo) < 4 || ix.WordTerm(l, typo) != "" || len(toks) != 1 || toks[0].Word != typo {
					continue
				}
				q[k][0] = typo
				if !an.english && an.Stems() {
					q[k][1] = toks[0].Term
				}
			}
		}
		qs = append(qs, q)
	}
	return qs
}

// benchIndexes are the indexes of the benchmarks: the seed page, texts in
// three languages, SciFact's when present, and the index file
// $LECTERN_FUZZY_INDEX names when set.
func benchIndexes(b *testing.B) []namedIndex {
	small := smallIndexes(b)
	ixs := []namedIndex{{"seed", small["seed"]}, {"languages", small["three languages"]}}
	if ix := sciFact(); ix != nil {
		ixs = append(ixs, namedIndex{"scifact", ix})
	}
	if path := os.Getenv("LECTERN_FUZZY_INDEX"); path != "" {
		ixs = append(ixs, namedIndex{"file", indexFile(b, path)})
	}
	return ixs
}

type namedIndex struct {
	name string
	ix   *Index
}

// BenchmarkClosest finds the corrections of a question's two misspelt
// words as Parse does, by walking the vocabulary (walk) and by the scan
// it replaced (scan): English words (en), and the words, then the terms,
// of the language of many endings with the most words (stem). ns/op is
// per question.
func BenchmarkClosest(b *testing.B) {
	for _, x := range benchIndexes(b) {
		langs := []struct {
			name string
			l    int
		}{}
		stem, most := -1, 0
		for l, an := range x.ix.ans {
			lo, hi := x.ix.wordsOf(l)
			switch {
			case an.english && len(langs) == 0:
				langs = append(langs, struct {
					name string
					l    int
				}{"en", l})
			case !an.english && an.Stems() && hi-lo > most:
				stem, most = l, hi-lo
			}
		}
		if stem >= 0 {
			langs = append(langs, struct {
				name string
				l    int
			}{"stem", stem})
		}
		x.ix.wordIndex() // built at the first use, see BenchmarkFuzzyBuild
		x.ix.termIndex(0)
		for _, lang := range langs {
			qs := typoQuestions(x.ix, lang.l, 200)
			for _, impl := range []struct {
				name    string
				closest func(l int, word, term string) (string, float64)
			}{{"walk", x.ix.findClosest}, {"scan", x.ix.closestLinear}} {
				b.Run(x.name+"/"+lang.name+"/"+impl.name, func(b *testing.B) {
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						for _, w := range qs[i%len(qs)] {
							impl.closest(lang.l, w[0], w[1])
						}
						i++
					}
					lo, hi := x.ix.wordsOf(lang.l)
					b.ReportMetric(float64(hi-lo), "words")
				})
			}
		}
	}
}

// BenchmarkFuzzyBuild builds what fuzzy matching keeps at its first use:
// the vocabIndex of the words (words), and that of the terms with the bit
// sets of each language's terms (terms), the second only for questions in
// a language of many endings. bytes-kept is what each keeps.
func BenchmarkFuzzyBuild(b *testing.B) {
	for _, x := range benchIndexes(b) {
		b.Run(x.name+"/words", func(b *testing.B) {
			b.ReportAllocs()
			var vx *vocabIndex
			for b.Loop() {
				vx = newVocabIndex(&x.ix.words, 1, true)
			}
			b.ReportMetric(float64(vx.bytes()), "bytes-kept")
		})
		b.Run(x.name+"/terms", func(b *testing.B) {
			b.ReportAllocs()
			var vx *vocabIndex
			for b.Loop() {
				vx = newVocabIndex(&x.ix.terms, 0, true)
				x.ix.languageTerms()
			}
			b.ReportMetric(float64(vx.bytes()+8*len(x.ix.ans)*((x.ix.terms.len()+63)/64)), "bytes-kept")
		})
	}
}
