package retrieval_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"lectern/corpus"
	"lectern/retrieval"
)

// seedQuestion is one line of testdata/seed_questions.tsv.
type seedQuestion struct {
	kind, question string
	expected       []string // nil: the page does not answer it
}

func readSeedQuestions(t testing.TB) []seedQuestion {
	return readQuestions(t, "testdata/seed_questions.tsv")
}

func readQuestions(t testing.TB, name string) []seedQuestion {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []seedQuestion
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		parts := strings.Split(text, "\t")
		if len(parts) != 3 {
			t.Fatalf("%s:%d: want 3 tab-separated fields, got %d", name, line, len(parts))
		}
		q := seedQuestion{kind: parts[0], question: parts[1]}
		if parts[2] != "-" {
			q.expected = strings.Split(parts[2], " | ")
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return qs
}

func holdsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestSeedQuestions checks answer quality on the embedded page: the right
// sentence first for at least 90% of the answerable questions, within the
// top 3 for all of them, and "not found" for at least 3 of 4 unanswerable
// ones.
func TestSeedQuestions(t *testing.T) {
	e := retrieval.NewEngine(corpus.Default(), retrieval.Options{})
	qs := readSeedQuestions(t)
	var answerable, first, top3, unanswerable, notFound int
	for _, q := range qs {
		ans, err := e.Answer(q.question, retrieval.Request{Top: 3})
		if err != nil {
			t.Errorf("Answer(%q): %v", q.question, err)
			continue
		}
		if q.expected == nil {
			unanswerable++
			if !ans.Answered {
				notFound++
			} else {
				t.Logf("answered an unanswerable question %q with %q (coverage %.2f)", q.question, ans.Results[0].Sentence, ans.Results[0].Coverage)
			}
			continue
		}
		answerable++
		if !ans.Answered {
			t.Errorf("Answer(%q): not answered (%s)", q.question, ans.Reason)
		}
		if len(ans.Results) > 0 && holdsAny(ans.Results[0].Sentence, q.expected) {
			first++
		} else if len(ans.Results) > 0 {
			t.Logf("%s %q: first result %q", q.kind, q.question, ans.Results[0].Sentence)
		}
		found := false
		for _, r := range ans.Results {
			if holdsAny(r.Excerpt, q.expected) {
				found = true
			}
		}
		if found {
			top3++
		} else {
			t.Errorf("%s %q: expected sentence not in the top 3", q.kind, q.question)
		}
	}
	t.Logf("answerable: %d, right sentence first: %d (%.1f%%), in top 3: %d (%.1f%%); unanswerable: %d, not found: %d (%.1f%%)",
		answerable, first, pct(first, answerable), top3, pct(top3, answerable), unanswerable, notFound, pct(notFound, unanswerable))
	if answerable < 30 || unanswerable < 8 {
		t.Fatalf("question set too small: %d answerable, %d unanswerable", answerable, unanswerable)
	}
	if pct(first, answerable) < 90 {
		t.Errorf("right sentence first for %.1f%% of answerable questions; want at least 90%%", pct(first, answerable))
	}
	if top3 != answerable {
		t.Errorf("right sentence in the top 3 for %d of %d answerable questions; want all", top3, answerable)
	}
	if notFound*4 < unanswerable*3 {
		t.Errorf("\"not found\" for %d of %d unanswerable questions; want at least 3 in 4", notFound, unanswerable)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// TestHeldoutQuestions runs the question set a colleague wrote without
// seeing the code (casual paraphrases, keywords, typos, and unanswerable
// questions on and off the page's topic). It is harder than the seed set and
// was used to choose the "not found" threshold and the synonyms' weight,
// nothing else; its floors sit just under the figures measured (right
// sentence first for 45 of 72 answerable, 62.5%; "not found" for 21 of 28
// unanswerable, 75%).
func TestHeldoutQuestions(t *testing.T) {
	checkQuestionSet(t, "testdata/heldout_questions.tsv", 60, 75)
}

// TestTestQuestions runs a second blind set of 120 questions, written after
// the threshold was chosen and never used to tune anything. Measured: right
// sentence first for 55 of 80 answerable (68.75%), "not found" for 34 of 40
// unanswerable (85%).
func TestTestQuestions(t *testing.T) {
	checkQuestionSet(t, "testdata/test_questions.tsv", 65, 80)
}

// checkQuestionSet answers a question set and fails if the share of
// answerable questions answered with the right sentence first, or of
// unanswerable ones said "not found", falls under its floor (in percent).
func checkQuestionSet(t *testing.T, file string, rightFloor, notFoundFloor float64) {
	e := retrieval.NewEngine(corpus.Default(), retrieval.Options{})
	type tally struct{ n, first, notFound int }
	kinds := map[string]*tally{}
	var order []string
	var answerable, right, unanswerable, notFound int
	for _, q := range readQuestions(t, file) {
		k := kinds[q.kind]
		if k == nil {
			k = &tally{}
			kinds[q.kind] = k
			order = append(order, q.kind)
		}
		k.n++
		ans, err := e.Answer(q.question, retrieval.Request{Top: 3})
		if err != nil {
			t.Fatalf("Answer(%q): %v", q.question, err)
		}
		if !ans.Answered {
			k.notFound++
		}
		if q.expected == nil {
			unanswerable++
			if !ans.Answered {
				notFound++
			}
			continue
		}
		answerable++
		if ans.Answered && holdsAny(ans.Results[0].Sentence, q.expected) {
			k.first++
			right++
		}
	}
	for _, name := range order {
		k := kinds[name]
		t.Logf("%-22s n=%3d right first=%3d not found=%3d", name, k.n, k.first, k.notFound)
	}
	t.Logf("%s: right sentence first %d of %d (%.1f%%); not found %d of %d unanswerable (%.1f%%)",
		file, right, answerable, pct(right, answerable), notFound, unanswerable, pct(notFound, unanswerable))
	if pct(right, answerable) < rightFloor {
		t.Errorf("right sentence first for %.1f%% of answerable questions; the floor is %.0f%%", pct(right, answerable), rightFloor)
	}
	if pct(notFound, unanswerable) < notFoundFloor {
		t.Errorf("\"not found\" for %.1f%% of unanswerable questions; the floor is %.0f%%", pct(notFound, unanswerable), notFoundFloor)
	}
}
