package retrieval

import (
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
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
	// And the embedded page, so that a question of every word of many
	// texts is too long for a mask here too.
	var page []string
	for id := range corpus.Default().Len() {
		page = append(page, corpus.Default().Text(id))
	}
	if err := b.Add("page.txt", "page.txt", []byte(strings.Join(page, " "))); err != nil {
		t.Fatal(err)
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
		if n := len(tt.e.s.Parse(strings.Join(long, " ")).BM25()); n <= index.MaxMaskTerms {
			t.Fatalf("%s: the long question has %d terms, no more than a mask holds", tt.name, n)
		}
		questions = append(questions, strings.Join(long, " "), "Сталин wheat llanuras похоронили cathedral?")
		for _, strategy := range []index.Strategy{index.TermAtATime, index.MaxScore, index.Split} {
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

// TestRankNegative ranks for a negative number of candidates: none, and
// no panic.
func TestRankNegative(t *testing.T) {
	e := NewEngine(testCorpus(t), Options{})
	if got := e.s.Rank(e.s.Parse("Where was Stalin buried?"), -1); len(got) != 0 {
		t.Errorf("Rank(q, -1) = %d candidates; want none", len(got))
	}
}

// TestRankFormsMatchReference compares Rank with rankReference on
// passages of English text, where the search tells which candidates hold
// the question's words in its forms (wantForms) instead of Rank reading
// each candidate's words, and checks that it did so for many questions.
func TestRankFormsMatchReference(t *testing.T) {
	c := testCorpus(t)
	// Passages of eight sentences, one starting at each sentence: long
	// enough that coverage and clauses leave them alone (indexShare 0).
	var passages []string
	for i := 0; i+8 <= c.Len(); i++ {
		var b strings.Builder
		for j := i; j < i+8; j++ {
			b.WriteString(c.Text(j))
			b.WriteString(" ")
		}
		passages = append(passages, b.String())
	}
	text := func(i int) string { return passages[i] }
	ix := index.Build(len(passages), text, index.NewAnalyzer(index.AnalyzerOptions{Irregular: true}), index.DefaultBM25())
	s := NewSearcher(ix, text, SearchOptions{Coord: 1, Exact: DefaultExact, Fuzzy: true, Depth: 100,
		Synonyms: DefaultSynonyms, AnswerType: DefaultAnswerType, Clauses: true})
	if s.indexShare != 0 {
		t.Fatalf("passages of %.0f terms on average count as sentences", ix.AvgLen())
	}
	var questions []string
	seed, err := os.ReadFile("testdata/seed_questions.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(seed)) {
		if parts := strings.Split(strings.TrimSpace(line), "\t"); len(parts) == 3 && !strings.HasPrefix(parts[0], "#") {
			questions = append(questions, parts[1])
		}
	}
	questions = append(questions, randomQuestions(rand.New(rand.NewPCG(9, 10)), 200, text, len(passages))...)
	compareRank(t, s, questions, 30)
	told := 0
	for _, question := range questions {
		q := s.Parse(question)
		sc := &rankScratch{}
		if s.searchMasks(sc, &q, q.BM25(), 30); sc.formsOK && len(sc.forms) > 0 {
			told++
		}
	}
	if told < 50 {
		t.Errorf("the search told forms for %d of %d questions; the test needs more", told, len(questions))
	}
	// A fresh index, its forms made while two goroutines rank: the same
	// candidates as one at a time (go test -race checks the rest).
	ix2 := index.Build(len(passages), text, index.NewAnalyzer(index.AnalyzerOptions{Irregular: true}), index.DefaultBM25())
	s2 := NewSearcher(ix2, text, s.opts)
	var wg sync.WaitGroup
	got := make([][]Candidate, len(questions))
	for g := range 2 {
		wg.Go(func() {
			for i := g; i < len(questions); i += 2 {
				got[i] = s2.Rank(s2.Parse(questions[i]), 30)
			}
		})
	}
	wg.Wait()
	for i, question := range questions {
		if want := s.Rank(s.Parse(question), 30); !slices.EqualFunc(got[i], want, func(a, b Candidate) bool {
			return a.Doc == b.Doc && a.Score == b.Score
		}) {
			t.Fatalf("%q ranked concurrently: %v, alone: %v", question, got[i], want)
		}
	}
}
