package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"lectern/bench/internal/workload"
	"lectern/corpus"
	"lectern/eval"
	"lectern/retrieval/index"
)

// scifact is the -corpus value that names the BEIR SciFact data set.
const scifact = "scifact"

// texts is what both engines index: n texts, numbered from 0.
type texts struct {
	n    int
	text func(i int) string
	c    *corpus.Corpus // the folder's corpus; nil for SciFact
}

// loadTexts reads the corpus cfg names: SciFact's abstracts (title, newline,
// text) or the sentences of a folder loaded with corpus.Load.
func loadTexts(cfg config) (texts, error) {
	if cfg.corpus == scifact {
		path := filepath.Join(cfg.dataDir, scifact, "corpus.jsonl")
		docs, err := eval.ReadJSONL[eval.Doc](path, nil)
		if err != nil {
			return texts{}, err
		}
		if len(docs) == 0 {
			return texts{}, fmt.Errorf("%s: no documents", path)
		}
		s := make([]string, len(docs))
		for i, d := range docs {
			s[i] = d.Title + "\n" + d.Text
		}
		return texts{n: len(s), text: func(i int) string { return s[i] }}, nil
	}
	c, err := corpus.Load(cfg.corpus)
	if err != nil {
		return texts{}, fmt.Errorf("load corpus %s: %w", cfg.corpus, err)
	}
	return texts{n: c.Len(), text: c.Text, c: c}, nil
}

// questionStopWords are the words a generated question never holds:
// lectern's default stop words and Lucene's.
func questionStopWords() []string {
	return append(append([]string(nil), index.DefaultStopWords...), index.LuceneStopWords...)
}

// loadQuestions returns the questions for cfg's corpus, whose texts are t,
// and how they were made: SciFact's claims, a file given with
// -questions-from, or a sample generated from t with workload.Generate.
func loadQuestions(cfg config, t texts) ([]string, string, error) {
	switch {
	case cfg.questionsFrom != "":
		qs, err := readQuestionLines(cfg.questionsFrom)
		return qs, fmt.Sprintf("%d questions from %s", len(qs), cfg.questionsFrom), err
	case cfg.corpus == scifact:
		path := filepath.Join(cfg.dataDir, scifact, "queries.jsonl")
		claims, err := eval.ReadJSONL[eval.Query](path, nil)
		qs := make([]string, len(claims))
		for i, c := range claims {
			qs[i] = c.Text
		}
		return qs, fmt.Sprintf("all %d claims of SciFact's queries.jsonl", len(qs)), err
	}
	qs, err := workload.Generate(t.n, t.text, cfg.numQuestions, cfg.seed, questionStopWords())
	how := fmt.Sprintf("%d questions generated from the corpus's %d sentences with seed %d: %d–%d random non-stop words of a random sentence",
		len(qs), t.n, cfg.seed, workload.MinWords, workload.MaxWords)
	return qs, how, err
}

// readQuestionLines reads a questions file in the format -save-questions
// writes (one JSON string per line) or, failing that, plain text with one
// question per non-blank line.
func readQuestionLines(path string) ([]string, error) {
	if qs, err := workload.ReadQuestions(path); err == nil {
		return qs, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if q := strings.TrimSpace(sc.Text()); q != "" {
			qs = append(qs, q)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(qs) == 0 {
		return nil, errors.New(path + ": no questions")
	}
	return qs, nil
}
