package retrieval

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"lectern/corpus"
)

// forceStrategy makes every search term at a time (taat) or document at a
// time with MaxScore, until the returned func is called.
func forceStrategy(taat bool) (restore func()) {
	docs, postings := taatMaxDocs, taatMaxPostings
	if taat {
		taatMaxDocs, taatMaxPostings = 1<<62, 1<<62
	} else {
		taatMaxDocs, taatMaxPostings = -1, -1
	}
	return func() { taatMaxDocs, taatMaxPostings = docs, postings }
}

// TestSearchHitsMasks checks that each hit's mask holds exactly the
// query's terms (by place) that the document holds, by either strategy,
// and that the hits are Search's; a query of more terms than a mask holds
// gets no masks.
func TestSearchHitsMasks(t *testing.T) {
	e := NewEngine(testCorpus(t), Options{})
	ix := e.ix
	rng := rand.New(rand.NewPCG(5, 6))
	var queries [][]QueryTerm
	for range 200 {
		var q []QueryTerm
		for range 1 + rng.IntN(9) {
			ids, _, _ := ix.docTerms(rng.IntN(ix.n))
			if len(ids) == 0 {
				continue
			}
			// Now and then the same term twice, or a term the index lacks.
			term := ix.terms.at(int(ids[rng.IntN(len(ids))]))
			switch rng.IntN(8) {
			case 0:
				term = "zzqx"
			case 1:
				if len(q) > 0 {
					term = q[0].Term
				}
			}
			q = append(q, QueryTerm{Term: term, Weight: 0.5 + rng.Float64()})
		}
		queries = append(queries, q)
	}
	for _, taat := range []bool{true, false} {
		restore := forceStrategy(taat)
		for _, q := range queries {
			for _, k := range []int{1, 10, 100} {
				want := ix.Search(q, k)
				hits, masks := ix.searchHits(nil, nil, q, nil, k, true)
				if !slices.Equal(hits, want) {
					t.Fatalf("taat %v, %v, k %d: hits %v, want %v", taat, q, k, hits, want)
				}
				if len(masks) != len(hits) {
					t.Fatalf("taat %v, %v: %d masks for %d hits", taat, q, len(masks), len(hits))
				}
				for i, h := range hits {
					var m uint64
					for p, qt := range q {
						if ix.TF(qt.Term, h.Doc) > 0 {
							m |= 1 << p
						}
					}
					if masks[i] != m {
						t.Fatalf("taat %v, %v: doc %d mask %b, want %b", taat, q, h.Doc, masks[i], m)
					}
				}
			}
		}
		// Queries longer than a mask: the same hits as scoring every
		// document (the search adds and clears every part, not a mask's).
		for trial := range 20 {
			var q []QueryTerm
			for _, qq := range queries[trial*5 : trial*5+20] {
				q = append(q, qq...)
			}
			if len(q) <= maxMaskTerms {
				q = append(q, slices.Repeat(q, maxMaskTerms/len(q)+1)...)
			}
			for _, k := range []int{1, 10, 100} {
				if got, want := ix.Search(q, k), ix.searchExhaustive(q, k); !slices.Equal(got, want) {
					t.Fatalf("taat %v, %d terms, k %d: hits %v, want %v", taat, len(q), k, got, want)
				}
			}
		}
		long := slices.Repeat(queries[0][:1], maxMaskTerms+1)
		if hits, masks := ix.searchHits(nil, nil, long, nil, 10, true); len(hits) == 0 || masks != nil {
			t.Errorf("taat %v: a query of %d terms gives %d hits and masks %v, want hits and no masks", taat, len(long), len(hits), masks)
		}
		restore()
	}
}

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
		for d := 0; d < tt.e.c.Len() && len(long) < 3*maxMaskTerms; d++ {
			long = append(long, strings.Fields(tt.e.c.Text(d))...)
		}
		questions = append(questions, strings.Join(long, " "), "Сталин wheat llanuras похоронили cathedral?")
		for _, taat := range []bool{true, false} {
			restore := forceStrategy(taat)
			t.Run(tt.name, func(t *testing.T) {
				compareRank(t, tt.e.s, questions, 30)
				syn := NewSearcher(tt.e.ix, tt.e.c.Text, SearchOptions{Coord: 1, Exact: 0.5, Fuzzy: true, Synonyms: 0.4, Context: 0.3,
					Neighbours: tt.e.neighbours, Clauses: true})
				compareRank(t, syn, questions, 10)
			})
			restore()
		}
	}
}
