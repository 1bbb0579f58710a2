// Package workload owns what the comparison feeds to both engines and what
// it makes of their answers: the texts of a corpus, the questions (read from
// a BEIR data set or generated from the corpus itself, and saved to a file so
// that every engine gets exactly the same ones), the overlap of two engines'
// top-k lists and latency percentiles.
//
// It knows nothing of lectern's index or of bleve.
package workload

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"lectern/eval"
)

// MinWords and MaxWords bound the number of words of a generated question.
const (
	MinWords = 3
	MaxWords = 6
)

// ErrTooFewWords is returned by Generate when the corpus has too few
// sentences with MinWords usable words to draw questions from.
var ErrTooFewWords = errors.New("too few sentences with enough non-stop words to generate questions")

// Generate draws count questions from the n texts text(0) … text(n-1),
// deterministically for a given seed:
//
//  1. pick a text uniformly at random (with replacement);
//  2. split it into words (maximal runs of letters and digits, Unicode-aware),
//     lower-case them, and keep those of at least two characters that hold a
//     letter and are not in stop; drop repeated words;
//  3. if fewer than MinWords remain, go back to 1; otherwise draw a length
//     uniformly from MinWords…MaxWords (capped at the number of words left)
//     and keep that many of the words, chosen at random, in their order in
//     the text;
//  4. join them with single spaces.
//
// Stop words are compared lower-cased. Generate gives up with ErrTooFewWords
// after 100·count+1000 draws that yield no question.
func Generate(n int, text func(i int) string, count int, seed uint64, stop []string) ([]string, error) {
	if count <= 0 {
		return nil, nil
	}
	if n <= 0 {
		return nil, ErrTooFewWords
	}
	stopSet := make(map[string]bool, len(stop))
	for _, w := range stop {
		stopSet[strings.ToLower(w)] = true
	}
	rng := rand.New(rand.NewPCG(seed, 0x6c65637465726e)) // "lectern"
	questions := make([]string, 0, count)
	for misses := 0; len(questions) < count; {
		words := contentWords(text(rng.IntN(n)), stopSet)
		if len(words) < MinWords {
			misses++
			if misses > 100*count+1000 {
				return questions, fmt.Errorf("%w: %d of %d after %d draws", ErrTooFewWords, len(questions), count, misses)
			}
			continue
		}
		k := min(MinWords+rng.IntN(MaxWords-MinWords+1), len(words))
		// Choose k positions, then restore the text's order.
		pos := rng.Perm(len(words))[:k]
		slices.Sort(pos)
		picked := make([]string, k)
		for i, p := range pos {
			picked[i] = words[p]
		}
		questions = append(questions, strings.Join(picked, " "))
	}
	return questions, nil
}

// contentWords returns the distinct lower-cased words of s, in order, that
// Generate may use.
func contentWords(s string, stop map[string]bool) []string {
	var words []string
	seen := map[string]bool{}
	for _, w := range Words(s) {
		if len([]rune(w)) < 2 || stop[w] || seen[w] || strings.IndexFunc(w, unicode.IsLetter) < 0 {
			continue
		}
		seen[w] = true
		words = append(words, w)
	}
	return words
}

// Words splits s into its maximal runs of letters and digits, lower-cased.
// "Don't stop-loss 2x" gives "don", "t", "stop", "loss", "2x".
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// WriteQuestions writes questions to path, one JSON string per line, so that
// a question may hold any character.
func WriteQuestions(path string, questions []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, q := range questions {
		if err := enc.Encode(q); err != nil {
			f.Close()
			return fmt.Errorf("write questions %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write questions %s: %w", path, err)
	}
	return f.Close()
}

// ReadQuestions reads a file written by WriteQuestions.
func ReadQuestions(path string) ([]string, error) {
	return eval.ReadJSONL[string](path, nil)
}

// Agreement is how far two engines' top-k lists agree over a set of
// questions.
type Agreement struct {
	// Questions is the number of questions compared.
	Questions int `json:"questions"`
	// MeanOverlap is the mean over questions of |A∩B| / max(|A|, |B|),
	// which is |A∩B|/k whenever either engine returns k documents. Two
	// empty lists agree fully.
	MeanOverlap float64 `json:"mean_overlap"`
	// Top1 is the share of questions whose first documents are the same
	// (or both lists are empty).
	Top1 float64 `json:"top1_agree"`
}

// Compare measures the agreement of a and b, the ranked document lists of
// two engines for the same questions, in the same order. It is an error
// for a and b to have different lengths.
func Compare(a, b [][]int) (Agreement, error) {
	if len(a) != len(b) {
		return Agreement{}, fmt.Errorf("compare: %d result lists against %d", len(a), len(b))
	}
	ag := Agreement{Questions: len(a)}
	if len(a) == 0 {
		return ag, nil
	}
	var overlap, top1 float64
	for i := range a {
		overlap += Overlap(a[i], b[i])
		if len(a[i]) == 0 && len(b[i]) == 0 || len(a[i]) > 0 && len(b[i]) > 0 && a[i][0] == b[i][0] {
			top1++
		}
	}
	ag.MeanOverlap = overlap / float64(len(a))
	ag.Top1 = top1 / float64(len(a))
	return ag, nil
}

// Overlap returns |A∩B| / max(|A|, |B|), and 1 when both lists are empty.
// A document listed twice in both lists counts twice (a multiset
// intersection), which only matters for lists mapped by Canonicalize.
func Overlap(a, b []int) float64 {
	d := max(len(a), len(b))
	if d == 0 {
		return 1
	}
	left := make(map[int]int, len(a))
	for _, x := range a {
		left[x]++
	}
	common := 0
	for _, x := range b {
		if left[x] > 0 {
			left[x]--
			common++
		}
	}
	return float64(common) / float64(d)
}

// Canonical maps each of the n texts to the number of the first text with
// the same content, so that agreement can be measured on what the engines
// returned rather than on which of several identical texts (a licence
// repeated in many files, say) each picked among equal scores.
func Canonical(n int, text func(i int) string) []int {
	first := make(map[string]int, n)
	canon := make([]int, n)
	for i := range n {
		t := text(i)
		if j, ok := first[t]; ok {
			canon[i] = j
			continue
		}
		first[t] = i
		canon[i] = i
	}
	return canon
}

// Canonicalize returns a copy of lists with every document number d
// replaced by canon[d].
func Canonicalize(lists [][]int, canon []int) [][]int {
	out := make([][]int, len(lists))
	for i, l := range lists {
		out[i] = make([]int, len(l))
		for j, d := range l {
			out[i][j] = canon[d]
		}
	}
	return out
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted, by the
// nearest-rank method: the smallest value with at least p% of the values at
// or below it. It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(float64(len(sorted)) * p / 100))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}
