package eval_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lectern/corpus"
	"lectern/eval"
	"lectern/retrieval"
)

// The parallel question sets: the embedded page (testdata/parallel/en) and
// its translations into Spanish and Russian, sentence for sentence, with
// the question sets of retrieval/testdata translated question for question
// and their expected sentences taken from the translated pages.
var (
	parallelLanguages = []string{"en", "es", "ru"}
	parallelSets      = []string{"seed", "heldout", "test"}
)

// parallelQuestions returns the path of a question set in a language: the
// English ones are retrieval's own.
func parallelQuestions(lang, set string) string {
	if lang == "en" {
		return filepath.Join("..", "retrieval", "testdata", set+"_questions.tsv")
	}
	return filepath.Join("testdata", "parallel", lang, set+"_questions.tsv")
}

// parallelEngine indexes a language's page, its language detected, not
// configured, answering whatever the coverage (as AskAll needs).
func parallelEngine(t *testing.T, lang string) *retrieval.Engine {
	t.Helper()
	c, err := corpus.Load(filepath.Join("testdata", "parallel", lang, "page.txt"))
	if err != nil {
		t.Fatal(err)
	}
	e := retrieval.NewEngine(c, retrieval.Options{MinCoverage: 1e-9})
	if got := e.Corpus().Documents()[0].Language; got != lang {
		t.Fatalf("the %s page was detected as %q", lang, got)
	}
	return e
}

// TestParallelPages checks the parallel data: the English page is the
// embedded one, each translation has its sentences, paragraphs and page
// furniture, each question set has the English set's kinds in the same
// order, and every expected sentence is on its page.
func TestParallelPages(t *testing.T) {
	en, err := os.ReadFile(filepath.Join("testdata", "parallel", "en", "page.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(en, corpus.DefaultText()) {
		t.Error("testdata/parallel/en/page.txt is not the embedded page")
	}
	ref := parallelEngine(t, "en").Corpus()
	for _, lang := range parallelLanguages {
		c := parallelEngine(t, lang).Corpus()
		d := c.Documents()[0]
		if c.Len() != ref.Len() || c.NumParagraphs() != ref.NumParagraphs() || d.Meta.Title == "" || d.Meta.Source == "" || strings.Join(d.Pages, ",") != "388" {
			t.Errorf("%s page: %d sentences, %d paragraphs, title %q, source %q, pages %q; want %d, %d, a title, a source and 388",
				lang, c.Len(), c.NumParagraphs(), d.Meta.Title, d.Meta.Source, d.Pages, ref.Len(), ref.NumParagraphs())
		}
		for p := 0; p < min(c.NumParagraphs(), ref.NumParagraphs()); p++ {
			if a, b := c.Paragraph(p), ref.Paragraph(p); a.End-a.First != b.End-b.First {
				t.Errorf("%s page, paragraph %d: %d sentences; the English has %d", lang, p, a.End-a.First, b.End-b.First)
			}
		}
		for _, set := range parallelSets {
			qs, err := eval.LoadQuestions(parallelQuestions(lang, set))
			if err != nil {
				t.Fatal(err)
			}
			refQs, err := eval.LoadQuestions(parallelQuestions("en", set))
			if err != nil {
				t.Fatal(err)
			}
			if len(qs) != len(refQs) {
				t.Errorf("%s %s: %d questions; the English set has %d", lang, set, len(qs), len(refQs))
				continue
			}
			for i, q := range qs {
				if q.Kind != refQs[i].Kind || q.Answerable() != refQs[i].Answerable() {
					t.Errorf("%s %s, question %d %q: kind %s; the English %q is %s", lang, set, i+1, q.Text, q.Kind, refQs[i].Text, refQs[i].Kind)
				}
				for _, want := range q.Expected {
					if !onPage(c, want) {
						t.Errorf("%s %s: %q expects %q, which no sentence of the page holds", lang, set, q.Text, want)
					}
				}
			}
		}
	}
}

func onPage(c *corpus.Corpus, s string) bool {
	for id := 0; id < c.Len(); id++ {
		if strings.Contains(c.Text(id), s) {
			return true
		}
	}
	return false
}

// parallelTolerance is how far below English another language's share of
// answerable questions answered with the right sentence first may be.
const parallelTolerance = 0.03

// TestParallelQuestions answers each question set in English, Spanish and
// Russian, each page's language detected, and checks that Spanish and
// Russian answer right first within parallelTolerance of English, at the
// default "not found" threshold. Measured: see the log.
func TestParallelQuestions(t *testing.T) {
	engines := map[string]*retrieval.Engine{}
	for _, lang := range parallelLanguages {
		engines[lang] = parallelEngine(t, lang)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-8s %-4s %12s %8s %14s\n", "set", "lang", "right first", "share", "not found")
	for _, set := range parallelSets {
		share := map[string]float64{}
		for _, lang := range parallelLanguages {
			qs, err := eval.LoadQuestions(parallelQuestions(lang, set))
			if err != nil {
				t.Fatal(err)
			}
			out, err := eval.AskAll(context.Background(), engines[lang], qs)
			if err != nil {
				t.Fatal(err)
			}
			tl := eval.At(out, retrieval.DefaultMinCoverage)
			share[lang] = float64(tl.RightFirst) / float64(tl.Answerable)
			fmt.Fprintf(&table, "%-8s %-4s %8d/%-3d %8.3f %10d/%-3d\n", set, lang, tl.RightFirst, tl.Answerable, share[lang], tl.NotFound, tl.Unanswerable)
		}
		for _, lang := range parallelLanguages[1:] {
			if share[lang] < share["en"]-parallelTolerance {
				t.Errorf("%s set: %s answers right first %.3f of the time, English %.3f; want within %.2f", set, lang, share[lang], share["en"], parallelTolerance)
			}
		}
	}
	t.Log(table.String())
}
