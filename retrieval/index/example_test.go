package index_test

import (
	"fmt"

	"lectern/retrieval/index"
)

func ExampleAnalyzer_Terms() {
	an := index.NewAnalyzer(index.AnalyzerOptions{})
	fmt.Println(an.Terms("Khrushchev’s speeches on de-Stalinization"))
	// Output:
	// [khrushchev speech destalin de stalin]
}

// ExampleIndex_Explain shows BM25 by hand: "buried" is in one of the three
// texts, IDF ln(1 + 2.5/1.5) = 0.981; "wall" in two, ln(1 + 1.5/2.5) =
// 0.470. The first text has 4 terms (stop words dropped), the average 10/3,
// so each term's frequency part is 1.9 / (1 + 0.9 × (0.6 + 0.4 × 4 / 3.33))
// = 0.9635 (k1 0.9, b 0.4).
func ExampleIndex_Explain() {
	docs := []string{"Stalin was buried by the Kremlin wall.", "The wall was built of brick.", "Khrushchev spoke in 1956."}
	an := index.NewAnalyzer(index.AnalyzerOptions{})
	ix := index.Build(len(docs), func(i int) string { return docs[i] }, an, index.DefaultBM25())
	q := []index.QueryTerm{{Term: "buri", Weight: 1}, {Term: "wall", Weight: 1}}
	for _, ts := range ix.Explain(q, 0) {
		fmt.Printf("%s: tf %d, idf %.3f, score %.3f\n", ts.Term, ts.TF, ts.IDF, ts.Score)
	}
	fmt.Printf("total %.3f\n", ix.Score(q, 0))
	// Output:
	// buri: tf 1, idf 0.981, score 0.945
	// wall: tf 1, idf 0.470, score 0.453
	// total 1.398
}

func ExampleIndex_Closest() {
	docs := []string{"Stalin was buried by the Kremlin wall.", "Khrushchev spoke in 1956."}
	an := index.NewAnalyzer(index.AnalyzerOptions{})
	ix := index.Build(len(docs), func(i int) string { return docs[i] }, an, index.DefaultBM25())
	term, similarity := ix.Closest(0, "burried", "")
	fmt.Printf("%s %.2f\n", term, similarity)
	// Output:
	// buri 0.86
}
