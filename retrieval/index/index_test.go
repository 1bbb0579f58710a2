package index_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"

	"lectern/retrieval/index"
)

// handDocs analyze to [appl banana appl], [banana cherri], [cherri cherri
// cherri date]: N = 3, average length 3.
var handDocs = []string{"apple banana apple", "banana cherry", "cherry cherry cherry date"}

func TestBM25HandComputed(t *testing.T) {
	// Expected scores worked out by hand from
	//   IDF = ln(1 + (N - df + 0.5)/(df + 0.5))
	//   TF  = tf·(k1+1) / (tf + k1·(1 - b + b·dl/avgdl))
	// e.g. "apple" in document 0 with k1 = 1.2, b = 0.75:
	//   IDF = ln(1 + 2.5/1.5) = 0.980829, TF = 2·2.2/(2 + 1.2·1) = 1.375,
	//   score = 1.348640.
	tests := []struct {
		k1, b float64
		query string
		want  [3]float64
	}{
		{1.2, 0.75, "apple", [3]float64{1.348640, 0, 0}},
		{1.2, 0.75, "banana", [3]float64{0.470004, 0.544215, 0}},
		{1.2, 0.75, "cherry date", [3]float64{0, 0.544215, 1.552468}},
		{1.2, 0.75, "banana cherry", [3]float64{0.470004, 1.088429, 0.689339}},
		{0.9, 0.4, "apple", [3]float64{1.285225, 0, 0}},
		{0.9, 0.4, "cherry date", [3]float64{0, 0.501689, 1.588985}},
		{0.9, 0.4, "banana cherry", [3]float64{0.470004, 1.003379, 0.666423}},
	}
	an := index.NewAnalyzer(index.AnalyzerOptions{})
	for _, tt := range tests {
		ix := index.Build(len(handDocs), func(i int) string { return handDocs[i] }, an, index.BM25{K1: tt.k1, B: tt.b})
		q := query(an, tt.query)
		for d, want := range tt.want {
			if got := ix.Score(q, d); math.Abs(got-want) > 1e-6 {
				t.Errorf("k1=%v b=%v: Score(%q, doc %d) = %.6f; want %.6f", tt.k1, tt.b, tt.query, d, got, want)
			}
		}
		hits := ix.Search(q, 3)
		matching := 0
		for _, w := range tt.want {
			if w > 0 {
				matching++
			}
		}
		if len(hits) != matching {
			t.Errorf("k1=%v b=%v: Search(%q) = %d hits; want %d, every document holding a term", tt.k1, tt.b, tt.query, len(hits), matching)
		}
		for i, h := range hits {
			if math.Abs(h.Score-tt.want[h.Doc]) > 1e-5 {
				t.Errorf("k1=%v b=%v: Search(%q) scores doc %d %.6f; want %.6f", tt.k1, tt.b, tt.query, h.Doc, h.Score, tt.want[h.Doc])
			}
			if i > 0 && !hits[i-1].Better(h) {
				t.Errorf("k1=%v b=%v: Search(%q) ranks doc %d (%.6f) before doc %d (%.6f)", tt.k1, tt.b, tt.query, hits[i-1].Doc, hits[i-1].Score, h.Doc, h.Score)
			}
		}
	}
}

func TestIDFNonNegative(t *testing.T) {
	for _, n := range []int{1, 2, 10, 1000} {
		for df := 0; df <= n; df++ {
			if idf := index.IDF(df, n); idf <= 0 {
				t.Fatalf("IDF(%d, %d) = %v; want > 0", df, n, idf)
			}
		}
	}
	if a, b := index.IDF(1, 100), index.IDF(50, 100); a <= b {
		t.Errorf("IDF(1, 100) = %v <= IDF(50, 100) = %v; rarer terms must weigh more", a, b)
	}
}

func query(an *index.Analyzer, s string) []index.QueryTerm {
	var q []index.QueryTerm
	for _, t := range an.Terms(s) {
		q = append(q, index.QueryTerm{Term: t, Weight: 1})
	}
	return q
}

// TestSearchMatchesBruteForce checks that Search's top k, by MaxScore, term
// at a time, or on two goroutines (Split), is exactly the top k of scoring
// every document, on random texts and questions, for every BM25 variant
// and many k.
func TestSearchMatchesBruteForce(t *testing.T) {
	all := []index.Strategy{index.MaxScore, index.TermAtATime, index.Split}
	t.Run("every strategy", func(t *testing.T) { testSearchMatchesBruteForce(t, all, true) })
	// Windows of a few documents, so that MaxScore goes window by window,
	// skipping some whole, through collections of several blocks, and a
	// split search's goroutines take many windows each.
	for _, w := range []uint32{1, 7, 64, 1000} {
		restore := index.SetWindow(w)
		t.Run(fmt.Sprintf("windows of %d", w), func(t *testing.T) {
			testSearchMatchesBruteForce(t, []index.Strategy{index.MaxScore, index.Split}, false)
		})
		restore()
	}
}

// testSearchMatchesBruteForce checks Search by each strategy; with orders,
// a split search also with its other goroutine taking every window, and
// none.
func testSearchMatchesBruteForce(t *testing.T, strategies []index.Strategy, orders bool) {
	rng := rand.New(rand.NewSource(1))
	for _, size := range []int{50, 600, 5000} {
		docs := skewedDocs(rng, size, 15)
		an := index.NewAnalyzer(index.AnalyzerOptions{StopWords: []string{}, NoStem: true})
		for _, params := range []index.BM25{
			index.DefaultBM25(),
			{K1: 1.2, B: 0.75},
			{K1: 1.2, B: 0.75, Variant: index.VariantPlus, Delta: 0.5},
			{K1: 1.5, B: 0.3, Variant: index.VariantL, Delta: 0.5},
		} {
			ix := index.Build(len(docs), func(i int) string { return docs[i] }, an, params)
			for trial := 0; trial < 150; trial++ {
				var q []index.QueryTerm
				for j := 0; j < 1+rng.Intn(6); j++ {
					q = append(q, index.QueryTerm{Term: greek[rng.Intn(len(greek))], Weight: []float64{1, 1, 2, 0.5}[rng.Intn(4)]})
				}
				k := []int{1, 3, 10, 100, 1000}[rng.Intn(5)]
				want := ix.SearchExhaustive(q, k)
				for _, strategy := range strategies {
					ix.SetStrategy(strategy)
					// A split search's other goroutine runs when it
					// can; orders 1 and 2 make it take every window, or
					// none.
					n := 1
					if orders && strategy == index.Split {
						n = 3
					}
					for order := range n {
						var got []index.Hit
						if order > 0 {
							restore := index.SetSplitOrder(order == 1)
							got = ix.Search(q, k)
							restore()
						} else {
							got = ix.Search(q, k)
						}
						if !slices.Equal(got, want) {
							t.Fatalf("strategy %d (%d), size %d %+v: Search(%v, %d) = %v; exhaustive %v", strategy, order, size, params, q, k, got, want)
						}
					}
				}
			}
		}
	}
}

// greek is the vocabulary of skewedDocs.
var greek = strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega")

// skewedDocs returns n random texts of 1 to most words of greek, drawn
// with a skew, common and rare words as in text.
func skewedDocs(rng *rand.Rand, n, most int) []string {
	docs := make([]string, n)
	for i := range docs {
		words := make([]string, 1+rng.Intn(most))
		for j := range words {
			words[j] = greek[int(math.Abs(rng.NormFloat64()*6))%len(greek)]
		}
		docs[i] = strings.Join(words, " ")
	}
	return docs
}

func TestExplainSumsToScore(t *testing.T) {
	an := index.NewAnalyzer(index.AnalyzerOptions{})
	ix := index.Build(len(handDocs), func(i int) string { return handDocs[i] }, an, index.DefaultBM25())
	q := query(an, "banana cherry kiwi")
	for d := range handDocs {
		sum := 0.0
		ex := ix.Explain(q, d)
		if len(ex) != len(q) {
			t.Fatalf("Explain gave %d terms; want %d", len(ex), len(q))
		}
		for _, e := range ex {
			sum += e.Score
			if e.TF == 0 && e.Score != 0 {
				t.Errorf("Explain: term %q absent from doc %d but scores %v", e.Term, d, e.Score)
			}
		}
		if got := ix.Score(q, d); math.Abs(got-sum) > 1e-6*math.Max(1, sum) {
			t.Errorf("doc %d: Score = %v; sum of Explain = %v", d, got, sum)
		}
	}
}

func ExampleIndex_Search() {
	docs := []string{"apple banana apple", "banana cherry", "cherry cherry cherry date"}
	an := index.NewAnalyzer(index.AnalyzerOptions{})
	ix := index.Build(len(docs), func(i int) string { return docs[i] }, an, index.BM25{K1: 1.2, B: 0.75})
	for _, h := range ix.Search([]index.QueryTerm{{Term: "banana", Weight: 1}}, 10) {
		fmt.Printf("doc %d: %.4f\n", h.Doc, h.Score)
	}
	// Output:
	// doc 1: 0.5442
	// doc 0: 0.4700
}

// TestBuildIndexCancelled cancels an index build from its own progress
// report, in the middle of analysing, and checks that it stops with the
// context's error.
func TestBuildIndexCancelled(t *testing.T) {
	texts := make([]string, 50_000)
	for i := range texts {
		texts[i] = fmt.Sprintf("sentence %d about printing presses and ships number %d", i, i*7)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	ix, err := index.BuildContext(ctx, len(texts), func(i int) string { return texts[i] },
		index.NewAnalyzer(index.AnalyzerOptions{}), index.DefaultBM25(), func(done int) {
			calls++
			if calls == 1 {
				cancel()
			}
		})
	if !errors.Is(err, context.Canceled) || ix != nil {
		t.Fatalf("BuildContext cancelled mid-way = %v, %v; want nil, context.Canceled", ix, err)
	}
	ix, err = index.BuildContext(context.Background(), len(texts), func(i int) string { return texts[i] },
		index.NewAnalyzer(index.AnalyzerOptions{}), index.DefaultBM25(), nil)
	if err != nil || ix.Len() != len(texts) {
		t.Fatalf("BuildContext = %v; want an index of %d texts", err, len(texts))
	}
}

// TestSearchConcurrent searches one index from several goroutines at once,
// by each strategy, split searches included (their second goroutines and
// pooled scratch space shared among them), against the exhaustive scorer;
// with -race it checks they share nothing they write.
func TestSearchConcurrent(t *testing.T) {
	defer index.SetWindow(64)()
	rng := rand.New(rand.NewSource(3))
	docs := skewedDocs(rng, 4000, 12)
	an := index.NewAnalyzer(index.AnalyzerOptions{StopWords: []string{}, NoStem: true})
	ix := index.Build(len(docs), func(i int) string { return docs[i] }, an, index.DefaultBM25())
	type question struct {
		q    []index.QueryTerm
		k    int
		want []index.Hit
	}
	var questions []question
	for range 60 {
		var q []index.QueryTerm
		for range 1 + rng.Intn(5) {
			q = append(q, index.QueryTerm{Term: greek[rng.Intn(len(greek))], Weight: 1})
		}
		k := []int{1, 10, 30}[rng.Intn(3)]
		questions = append(questions, question{q, k, ix.SearchExhaustive(q, k)})
	}
	for _, strategy := range []index.Strategy{index.Split, index.MaxScore, index.TermAtATime} {
		ix.SetStrategy(strategy)
		var wg sync.WaitGroup
		errs := make(chan string, 4)
		for g := range 4 {
			wg.Go(func() {
				for i := range questions {
					qu := questions[(i+g*15)%len(questions)]
					if got := ix.Search(qu.q, qu.k); !slices.Equal(got, qu.want) {
						errs <- fmt.Sprintf("strategy %d, %v, top %d: %v; exhaustive %v", strategy, qu.q, qu.k, got, qu.want)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	}
}
