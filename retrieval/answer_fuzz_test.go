package retrieval_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"lectern/corpus"
	"lectern/retrieval"
)

// FuzzAnswerLanguages asks any question of texts in four languages, so
// that a question of unclear language is read by every analyzer: Answer
// never fails on a question CheckQuestion accepts, and each result cites a
// sentence of the text, with its highlights and sentence inside its
// excerpt, in order, and its matched words among the excerpt's.
func FuzzAnswerLanguages(f *testing.F) {
	var b corpus.Builder
	for _, d := range []struct{ name, text string }{
		{"ru.txt", "Сталин умер в марте 1953 года. Его тело поместили в мавзолей рядом с Лениным.\n\nВ 1962 году тело Сталина вынесли из мавзолея на Красной площади и похоронили в простой могиле у Кремлёвской стены."},
		{"es.txt", "Los agricultores del sur cultivan trigo en las llanuras desde hace siglos.\n\nEl río atraviesa la región durante todo el año y riega los campos de los pueblos."},
		{"fr.txt", "L'homme d'État a quitté le pouvoir après la guerre; il est mort en 1970.\n\nLes paysans de la vallée cultivent le blé et l'orge dans les grandes plaines."},
		{"en.txt", "The cathedral was rebuilt after the great fire of the city.\n\nFarmers in the valley grow wheat and barley on the wide plains, and they sell it at the market every week; the market opens at dawn."},
	} {
		if err := b.Add(d.name, d.name, []byte(d.text)); err != nil {
			f.Fatal(err)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		f.Fatal(err)
	}
	e := retrieval.NewEngine(c, retrieval.Options{})
	for _, q := range []string{
		"Where was Stalin buried?", "Сталин похоронили", "¿Dónde cultivan trigo?", "l'homme d'état qu'il aime",
		"Сталин wheat llanuras похоронили cathedral?", "co-operation e-mail O'Brien's x86-64", "@everyone **bold** `code`",
		"wheat wheat wheat", "1953", "the of and", "blé orge", "",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		ans, err := e.Answer(q, retrieval.Request{Top: 3})
		if (err == nil) != (retrieval.CheckQuestion(q) == nil) {
			t.Fatalf("Answer(%q) = %v; CheckQuestion says %v", q, err, retrieval.CheckQuestion(q))
		}
		if err != nil {
			return
		}
		if len(ans.Results) > 3 {
			t.Fatalf("Answer(%q): %d results; asked for 3", q, len(ans.Results))
		}
		if ans.Answered && len(ans.Results) == 0 {
			t.Fatalf("Answer(%q): answered without a result", q)
		}
		for _, r := range ans.Results {
			if r.ID < 0 || r.ID >= c.Len() || r.First > r.ID || r.Last < r.ID {
				t.Fatalf("Answer(%q): result sentence %d (%d to %d) of %d", q, r.ID, r.First, r.Last, c.Len())
			}
			if !utf8.ValidString(r.Excerpt) || !strings.Contains(r.Excerpt, r.Sentence) {
				t.Fatalf("Answer(%q): excerpt %q does not hold its sentence %q", q, r.Excerpt, r.Sentence)
			}
			if s := r.SentenceSpan; s.Start < 0 || s.End > len(r.Excerpt) || s.Start > s.End {
				t.Fatalf("Answer(%q): sentence span %v in an excerpt of %d bytes", q, s, len(r.Excerpt))
			}
			end := 0
			for _, h := range r.Highlights {
				if h.Start < end || h.End <= h.Start || h.End > len(r.Excerpt) {
					t.Fatalf("Answer(%q): highlights %v in an excerpt of %d bytes", q, r.Highlights, len(r.Excerpt))
				}
				end = h.End
			}
			for _, w := range r.Matched {
				if !strings.Contains(r.Excerpt, w) {
					t.Fatalf("Answer(%q): matched %q not in the excerpt %q", q, w, r.Excerpt)
				}
			}
		}
	})
}
