package retrieval

import (
	"math/rand/v2"
	"strings"
	"testing"

	"lectern/corpus"
	"lectern/retrieval/index"
)

// TestRankMasksMatchReference compares Rank, rescoring from the search's
// masks, with rankReference by either search strategy: on English texts,
// on texts of several languages, and for questions too long for a mask.
func TestRankMasksMatchReference(t *testing.T) {
	english := NewEngine(testCorpus(t), Options{})
	var b corpus.Builder
	for name, text := range map[string]string{
		"ru.txt": "Сталин умер в марте 1953 года. Его тело поместили в мавзолей рядом с Лениным.\n" +
			"В 1962 году тело Сталина вынесли из мавзолея на Красной площади и похоронили в простой могиле у Кремлёвской стены.",
		"es.txt": "Los agricultores del sur cultivan trigo en las llanuras desde hace siglos.\n" +
			"El río atraviesa la región durante todo el año y riega los campos de los pueblos.",
		"en.txt": "The cathedral was rebuilt after the great fire of the city.\n" +
			"Farmers in the valley grow wheat and barley on the wide plains, and they sell it at the market every week.",
	} {
		if err := b.Add(name, name, []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	mixed := NewEngine(c, Options{})
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tt := range []struct {
		name string
		e    *Engine
	}{{"english", english}, {"languages", mixed}} {
		questions := randomQuestions(rng, 150, tt.e.c.Text, tt.e.c.Len())
		// Longer than a mask: every word of many texts.
		var long []string
		for d := 0; d < tt.e.c.Len() && len(long) < 3*index.MaxMaskTerms; d++ {
			long = append(long, strings.Fields(tt.e.c.Text(d))...)
		}
		questions = append(questions, strings.Join(long, " "), "Сталин wheat llanuras похоронили cathedral?")
		for _, strategy := range []index.Strategy{index.TermAtATime, index.MaxScore} {
			tt.e.ix.SetStrategy(strategy)
			t.Run(tt.name, func(t *testing.T) {
				compareRank(t, tt.e.s, questions, 30)
				syn := NewSearcher(tt.e.ix, tt.e.c.Text, SearchOptions{Coord: 1, Exact: 0.5, Fuzzy: true, Synonyms: 0.4, Context: 0.3,
					Neighbours: tt.e.neighbours, Clauses: true})
				compareRank(t, syn, questions, 10)
			})
		}
		tt.e.ix.SetStrategy(index.Auto)
	}
}
