package retrieval_test

import (
	"fmt"

	"lectern/retrieval"
	"lectern/retrieval/index"
)

// ExampleSearcher_Rank ranks three sentences as the bot does: BM25 finds
// the candidates, then coverage (the share of the question's words a
// sentence holds), exact word forms and the fuzzy match of "burried"
// rescore them. Each word has the same IDF here, so the second sentence
// holds (1 + 0.86) / 3 of the question: "burried" counts at its similarity
// to "buried", 0.86.
func ExampleSearcher_Rank() {
	texts := []string{
		"Stalin died in 1953.",
		"In 1962 his body was removed from the mausoleum and buried beneath the Kremlin wall.",
		"The Kremlin wall is red.",
	}
	text := func(i int) string { return texts[i] }
	ix := index.Build(len(texts), text, index.NewAnalyzer(index.AnalyzerOptions{}), index.DefaultBM25())
	s := retrieval.NewSearcher(ix, text, retrieval.SearchOptions{Coord: 1, Exact: retrieval.DefaultExact, Fuzzy: true})
	q := s.Parse("Where was Stalin's body burried?")
	for _, t := range q.Terms {
		fmt.Printf("%s -> %s\n", t.Word, t.Found)
	}
	for _, c := range s.Rank(q, 2) {
		fmt.Printf("%d %.2f %v\n", c.Doc, c.Coverage, c.Matched)
	}
	// Output:
	// stalin -> stalin
	// body -> bodi
	// burried -> buri
	// 1 0.62 [body burried]
	// 0 0.33 [stalin]
}
