package eval

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"lectern/internal/regular"
	"lectern/retrieval"
)

// Question is one line of a question set: what kind it is, the question,
// and the text of the sentences that answer it (none for a question the
// text does not answer).
type Question struct {
	Kind     string
	Text     string
	Expected []string
	// Spans means Expected are short answer spans (SQuAD's), found in a
	// sentence case- and space-insensitively, rather than the text of
	// whole sentences.
	Spans bool
}

// holdsAnswer reports whether s holds one of q's expected answers.
func (q Question) holdsAnswer(s string) bool {
	if !q.Spans {
		return holdsAny(s, q.Expected)
	}
	s = normalizeSpace(s)
	for _, e := range q.Expected {
		if e := normalizeSpace(e); e != "" && strings.Contains(s, e) {
			return true
		}
	}
	return false
}

// normalizeSpace folds s to lower case and its runs of white space to one
// space.
func normalizeSpace(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// Answerable reports whether the text answers the question.
func (q Question) Answerable() bool { return len(q.Expected) > 0 }

// LoadQuestions reads a question set: lines "kind<TAB>question<TAB>expected",
// expected being a sentence's text (alternatives separated by " | ") or "-";
// blank lines and lines starting with # are skipped. A file whose name
// ends in .jsonl is read as SQuAD questions instead (see LoadSQuAD).
func LoadQuestions(path string) ([]Question, error) {
	if strings.HasSuffix(strings.ToLower(path), ".jsonl") {
		return LoadSQuAD(path)
	}
	f, err := regular.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []Question
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		parts := strings.Split(text, "\t")
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s:%d: want kind<TAB>question<TAB>expected, got %d fields", path, line, len(parts))
		}
		q := Question{Kind: parts[0], Text: parts[1]}
		if parts[2] != "-" {
			q.Expected = strings.Split(parts[2], " | ")
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	return qs, nil
}

// Outcome is how one question was answered, whatever the threshold: the
// coverage of the best sentence, and where the right sentence ranked.
type Outcome struct {
	Question Question
	Coverage float64
	// Rank is the rank (from 1) of the first result whose excerpt holds an
	// expected sentence, 0 if none of the results does; First is true when
	// the first result's sentence itself is one.
	Rank  int
	First bool
	Top   string // the first result's sentence
}

// AskAll answers every question with e, which must answer whatever the
// coverage (MinCoverage near 0), keeping the top 3 results. It stops with
// ctx's error when ctx is done.
func AskAll(ctx context.Context, e *retrieval.Engine, qs []Question) ([]Outcome, error) {
	var out []Outcome
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ans, err := e.Answer(q.Text, retrieval.Request{Top: 3})
		if err != nil {
			return nil, fmt.Errorf("%q: %w", q.Text, err)
		}
		o := Outcome{Question: q}
		if len(ans.Results) > 0 {
			o.Coverage = ans.Results[0].Coverage
			o.Top = ans.Results[0].Sentence
			o.First = q.holdsAnswer(o.Top)
		}
		for i, r := range ans.Results {
			if q.holdsAnswer(r.Excerpt) {
				o.Rank = i + 1
				break
			}
		}
		out = append(out, o)
	}
	return out, nil
}

func holdsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// Tally counts outcomes at one "not found" threshold.
type Tally struct {
	Threshold float64
	// Answerable questions: how many, how many answered with the right
	// sentence first, how many with it in the top 3.
	Answerable, RightFirst, InTop3 int
	// Unanswerable questions: how many, how many said "not found".
	Unanswerable, NotFound int
	// Answerable questions said "not found".
	MissedAnswerable int
}

// At counts outcomes with answers below threshold coverage said "not
// found".
func At(os []Outcome, threshold float64) Tally {
	t := Tally{Threshold: threshold}
	for _, o := range os {
		answered := o.Coverage >= threshold && o.Top != ""
		if !o.Question.Answerable() {
			t.Unanswerable++
			if !answered {
				t.NotFound++
			}
			continue
		}
		t.Answerable++
		if !answered {
			t.MissedAnswerable++
			continue
		}
		if o.First {
			t.RightFirst++
		}
		if o.Rank > 0 {
			t.InTop3++
		}
	}
	return t
}

// NotFoundPrecision is the share of "not found" answers given to
// questions the text does not answer.
func (t Tally) NotFoundPrecision() float64 {
	return ratio(t.NotFound, t.NotFound+t.MissedAnswerable)
}

// NotFoundRecall is the share of unanswerable questions said "not found".
func (t Tally) NotFoundRecall() float64 { return ratio(t.NotFound, t.Unanswerable) }

// Accuracy is the share of questions handled right: answered with the right
// sentence first, or said "not found" when the text does not answer.
func (t Tally) Accuracy() float64 {
	return ratio(t.RightFirst+t.NotFound, t.Answerable+t.Unanswerable)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Kinds returns the question kinds of os in first-seen order.
func Kinds(os []Outcome) []string {
	var kinds []string
	seen := map[string]bool{}
	for _, o := range os {
		if !seen[o.Question.Kind] {
			seen[o.Question.Kind] = true
			kinds = append(kinds, o.Question.Kind)
		}
	}
	return kinds
}

// OfKind returns the outcomes of one kind.
func OfKind(os []Outcome, kind string) []Outcome {
	var out []Outcome
	for _, o := range os {
		if o.Question.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// BestThreshold returns the threshold among candidates that handles most
// questions right; on a tie, the higher one, which refuses more: lectern
// would rather say "not found" than answer wrongly.
func BestThreshold(os []Outcome, candidates []float64) Tally {
	sort.Float64s(candidates)
	best := At(os, candidates[0])
	for _, c := range candidates[1:] {
		if t := At(os, c); t.Accuracy() >= best.Accuracy() {
			best = t
		}
	}
	return best
}

// squadQuestion is one line of a SQuAD question file.
type squadQuestion struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
}

// LoadSQuAD reads SQuAD questions, one JSON object a line:
// {"id", "title", "question", "answers": [...]}, the answers being short
// spans of the text. A question is answered right when the first
// sentence holds one of its answers, case- and space-insensitively. Its
// kind is the kind of answer it asks for (see AnswerKind), so that
// results show which kinds of question the ranking serves well.
func LoadSQuAD(path string) ([]Question, error) {
	rows, err := ReadJSONL(path, func(q squadQuestion) error {
		switch {
		case strings.TrimSpace(q.Question) == "":
			return errors.New(`no "question"`)
		case len(q.Answers) == 0:
			return errors.New(`no "answers": every SQuAD question needs at least one`)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	qs := make([]Question, len(rows))
	for i, r := range rows {
		qs[i] = Question{Kind: AnswerKind(r.Question), Text: r.Question, Expected: r.Answers, Spans: true}
	}
	return qs, nil
}

// AnswerKind names the kind of answer a question asks for: the kinds
// lectern's ranking knows (retrieval.KindOf: "when", "who", "where", "how
// many"), else "why", "how" or "what" from its first question word, or
// "other".
func AnswerKind(question string) string {
	if k := retrieval.KindOf(question); k != retrieval.AnyKind {
		return k.String()
	}
	for _, w := range strings.Fields(strings.ToLower(question)) {
		switch strings.Trim(w, "?,.;:!\"'()") {
		case "why":
			return "why"
		case "how":
			return "how"
		case "what", "which":
			return "what"
		}
	}
	return "other"
}
