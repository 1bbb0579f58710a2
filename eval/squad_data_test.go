package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"lectern/corpus"
	"lectern/eval"
	"lectern/retrieval"
)

// squadDir is the SQuAD question set of ../shared/data (see its README).
var squadDir = filepath.Join("..", "..", "shared", "data", "squad")

// TestSQuADAnswerType checks, on the SQuAD questions that ask for a time
// or a number, that preferring sentences which hold one (the default)
// answers more of them right first than not doing so. It skips when the
// data is absent.
func TestSQuADAnswerType(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	if _, err := os.Stat(filepath.Join(squadDir, "questions.jsonl")); err != nil {
		t.Skip("no SQuAD data in ../shared/data/squad")
	}
	qs, err := eval.LoadQuestions(filepath.Join(squadDir, "questions.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var typed []eval.Question
	for _, q := range qs {
		if q.Kind == "when" || q.Kind == "how many" {
			typed = append(typed, q)
		}
	}
	c, err := corpus.Load(filepath.Join(squadDir, "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	rightFirst := func(answerType float64) int {
		e := retrieval.NewEngine(c, retrieval.Options{MinCoverage: 1e-9, AnswerType: answerType})
		out, err := eval.AskAll(context.Background(), e, typed)
		if err != nil {
			t.Fatal(err)
		}
		return eval.At(out, 0).RightFirst
	}
	off, on := rightFirst(-1), rightFirst(0)
	t.Logf("SQuAD when and how-many questions right first: %d/%d without answer types, %d with", off, len(typed), on)
	if on <= off {
		t.Errorf("answer types answer %d of %d right first, no more than %d without", on, len(typed), off)
	}
}
