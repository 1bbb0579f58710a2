package retrieval_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"lectern/corpus"
	"lectern/retrieval"
)

func seedEngine(t testing.TB) *retrieval.Engine {
	t.Helper()
	return retrieval.NewEngine(corpus.Default(), retrieval.Options{})
}

func TestAnswerBadQuestions(t *testing.T) {
	e := seedEngine(t)
	tests := []struct {
		name     string
		question string
		err      error
	}{
		{"empty", "", retrieval.ErrEmptyQuestion},
		{"spaces", " \t\n ", retrieval.ErrEmptyQuestion},
		{"100 KB", strings.Repeat("Stalin ", 100<<10/7), retrieval.ErrQuestionTooLong},
		{"invalid UTF-8", "Where was \xff\xfe buried?", retrieval.ErrQuestionUTF8},
	}
	for _, tt := range tests {
		ans, err := e.Answer(tt.question, retrieval.Request{})
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: Answer error = %v; want %v", tt.name, err, tt.err)
		}
		if ans.Answered || len(ans.Results) != 0 {
			t.Errorf("%s: Answer = %+v; want no answer", tt.name, ans)
		}
	}
}

func TestAnswerNothingToLookUp(t *testing.T) {
	e := seedEngine(t)
	for _, q := range []string{"???!!!", "...", "the of and what is", "🙂🙂"} {
		ans, err := e.Answer(q, retrieval.Request{})
		if err != nil {
			t.Errorf("Answer(%q) error = %v; want none", q, err)
			continue
		}
		if ans.Answered || ans.Reason == "" {
			t.Errorf("Answer(%q) = answered %v, reason %q; want not answered with a reason", q, ans.Answered, ans.Reason)
		}
	}
}

func TestNotInTheText(t *testing.T) {
	e := seedEngine(t)
	tests := []struct {
		q        string
		answered bool
	}{
		{"What is the capital of France?", false},
		{"Who won the 2018 World Cup?", false},
		{"How do I bake sourdough bread?", false},
		{"foreign policy", true},
		{"Solzhenitsyn", true},
		{"Where was Stalin buried?", true},
	}
	for _, tt := range tests {
		ans, err := e.Answer(tt.q, retrieval.Request{})
		if err != nil {
			t.Fatalf("Answer(%q): %v", tt.q, err)
		}
		if ans.Answered != tt.answered {
			t.Errorf("Answer(%q).Answered = %v; want %v (reason %q)", tt.q, ans.Answered, tt.answered, ans.Reason)
		}
		if !ans.Answered && len(ans.Results) != 0 {
			t.Errorf("Answer(%q): not answered but %d results", tt.q, len(ans.Results))
		}
	}
}

// TestSeedResults checks every result for the seed questions: cited on page
// 388 of the Encyclopedia of Russian History, the sentence inside its
// excerpt, highlights in bounds, no furniture or broken words, and no two
// excerpts sharing a sentence.
func TestSeedResults(t *testing.T) {
	e := seedEngine(t)
	for _, q := range readSeedQuestions(t) {
		ans, err := e.Answer(q.question, retrieval.Request{Top: 5})
		if err != nil {
			t.Fatal(err)
		}
		used := map[int]bool{}
		for i, r := range ans.Results {
			if r.Rank != i+1 {
				t.Errorf("%q: result %d has rank %d", q.question, i, r.Rank)
			}
			if r.Citation.Page != "388" || r.Citation.Source != "Encyclopedia of Russian History" || r.Citation.Title != "De-Stalinization" {
				t.Errorf("%q: citation %+v; want De-Stalinization, Encyclopedia of Russian History, p. 388", q.question, r.Citation)
			}
			if !strings.Contains(r.Excerpt, r.Sentence) || r.Excerpt[r.SentenceSpan.Start:r.SentenceSpan.End] != r.Sentence {
				t.Errorf("%q: sentence %q not at %v in excerpt %q", q.question, r.Sentence, r.SentenceSpan, r.Excerpt)
			}
			for _, h := range r.Highlights {
				if h.Start < 0 || h.End > len(r.Excerpt) || h.Start >= h.End {
					t.Errorf("%q: highlight %v out of excerpt bounds", q.question, h)
				}
			}
			for _, bad := range []string{"- ", "DE-STALINIZATION", "ENCYCLOPEDIA", " 388 "} {
				if strings.Contains(r.Excerpt, bad) {
					t.Errorf("%q: excerpt holds %q: %q", q.question, bad, r.Excerpt)
				}
			}
			for id := r.First; id <= r.Last; id++ {
				if used[id] {
					t.Errorf("%q: sentence %d shown in two excerpts", q.question, id)
				}
				used[id] = true
			}
			if r.ID < r.First || r.ID > r.Last {
				t.Errorf("%q: sentence %d outside its excerpt %d..%d", q.question, r.ID, r.First, r.Last)
			}
		}
	}
}

func TestAnswerOffset(t *testing.T) {
	e := seedEngine(t)
	first, err := e.Answer("Khrushchev speech", retrieval.Request{Top: 2})
	if err != nil {
		t.Fatal(err)
	}
	next, err := e.Answer("Khrushchev speech", retrieval.Request{Top: 2, Offset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !first.More || len(first.Results) != 2 || len(next.Results) == 0 {
		t.Fatalf("first page %d results (more %v), second page %d; want 2, true, some", len(first.Results), first.More, len(next.Results))
	}
	if next.Results[0].Rank != 3 {
		t.Errorf("second page starts at rank %d; want 3", next.Results[0].Rank)
	}
	for _, a := range first.Results {
		for _, b := range next.Results {
			if a.ID == b.ID {
				t.Errorf("sentence %d on both pages", a.ID)
			}
		}
	}
}

func TestFuzzyMatch(t *testing.T) {
	e := seedEngine(t)
	for _, q := range []string{"Where was Stalin burried?", "Khruschev", "Solzhenitzyn"} {
		ans, err := e.Answer(q, retrieval.Request{})
		if err != nil || !ans.Answered {
			t.Errorf("Answer(%q) = answered %v, %v; want answered", q, ans.Answered, err)
		}
	}
	off := retrieval.NewEngine(corpus.Default(), retrieval.Options{NoFuzzy: true})
	if ans, _ := off.Answer("Solzhenitzyn", retrieval.Request{}); ans.Answered {
		t.Errorf("with NoFuzzy, Answer(%q) answered; want not", "Solzhenitzyn")
	}
}

func TestExplain(t *testing.T) {
	e := seedEngine(t)
	ans, err := e.Answer("Where was Stalin buried?", retrieval.Request{Explain: true})
	if err != nil || len(ans.Results) == 0 {
		t.Fatalf("Answer: %v, %d results", err, len(ans.Results))
	}
	ex := ans.Results[0].Explain
	if len(ex) == 0 {
		t.Fatal("Explain is empty")
	}
	found := false
	for _, x := range ex {
		if x.Term == "buri" && x.TF == 1 && x.Score > 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("Explain = %+v; want the term buri with tf 1 and a positive score", ex)
	}
}

func TestTopics(t *testing.T) {
	e := seedEngine(t)
	topics := e.Topics()
	if len(topics) == 0 || len(topics) > retrieval.MaxTopics {
		t.Fatalf("%d topics; want 1 to %d", len(topics), retrieval.MaxTopics)
	}
	names := map[string]bool{}
	for _, tp := range topics {
		names[strings.ToLower(tp.Name)] = true
		if len(tp.Sentences) == 0 {
			t.Errorf("topic %q has no sentences", tp.Name)
			continue
		}
		// The best sentence mentions the topic.
		first := strings.ToLower(e.Corpus().Text(tp.Sentences[0]))
		word := strings.ToLower(strings.Fields(tp.Name)[0])
		if !strings.Contains(first, word[:min(len(word), 5)]) {
			t.Errorf("topic %q: best sentence %q does not mention it", tp.Name, first)
		}
	}
	for _, want := range []string{"camp literature", "collective leadership", "khrushchev", "foreign policy"} {
		if !names[want] {
			t.Errorf("topics lack %q; have %v", want, names)
		}
	}
	if got := e.FindTopics("Solzhenitsyn", 25); len(got) == 0 || !strings.Contains(got[0].Name, "Solzhenitsyn") {
		t.Errorf("FindTopics(Solzhenitsyn) = %v; want a Solzhenitsyn topic first", got)
	}
}

func TestFindTopics(t *testing.T) {
	e := seedEngine(t)
	tests := []struct {
		query, want string
	}{
		{"camp lit", "camp literature"},
		{"CAMP LITERATURE", "camp literature"},
		{"solzh", "Alexander Solzhenitsyn"},
		{"solzhenitzyn", "Alexander Solzhenitsyn"},
		{"kremln", "Kremlin"},
	}
	for _, tt := range tests {
		got := e.FindTopics(tt.query, 25)
		if len(got) == 0 || got[0].Name != tt.want {
			t.Errorf("FindTopics(%q) = %v; want %q first", tt.query, got, tt.want)
		}
		if len(got) > 25 {
			t.Errorf("FindTopics(%q) returned %d; want at most 25", tt.query, len(got))
		}
	}
	if got := e.FindTopics("", 25); len(got) != min(25, len(e.Topics())) {
		t.Errorf("FindTopics(\"\") returned %d topics; want %d", len(got), min(25, len(e.Topics())))
	}
	if got := e.FindTopics("zzzzqqq", 25); len(got) != 0 {
		t.Errorf("FindTopics(zzzzqqq) = %v; want none", got)
	}
}

func TestTopicAnswer(t *testing.T) {
	e := seedEngine(t)
	ans, err := e.TopicAnswer("camp literature", retrieval.Request{Top: 3})
	if err != nil || !ans.Answered || len(ans.Results) == 0 {
		t.Fatalf("TopicAnswer(camp literature) = %+v, %v", ans, err)
	}
	if !strings.Contains(ans.Results[0].Sentence, "camp literature") {
		t.Errorf("TopicAnswer(camp literature) first = %q", ans.Results[0].Sentence)
	}
	if _, err := e.TopicAnswer("", retrieval.Request{}); !errors.Is(err, retrieval.ErrEmptyQuestion) {
		t.Errorf("TopicAnswer(\"\") error = %v; want ErrEmptyQuestion", err)
	}
}

func TestSectionTopics(t *testing.T) {
	var b corpus.Builder
	md := "# Guide\n\n## Installing\n\nRun the installer. It copies the files.\n\n## Removing\n\nDelete the folder to remove the program.\n"
	if err := b.Add("guide.md", "guide.md", []byte(md)); err != nil {
		t.Fatal(err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	e := retrieval.NewEngine(c, retrieval.Options{})
	var names []string
	for _, tp := range e.Topics() {
		if tp.Kind != "section" {
			t.Errorf("topic %q has kind %q; want section", tp.Name, tp.Kind)
		}
		names = append(names, tp.Name)
	}
	if got := strings.Join(names, "|"); got != "Installing|Removing" {
		t.Errorf("topics = %s; want Installing|Removing", got)
	}
	ans, err := e.Answer("how do I remove the program?", retrieval.Request{})
	if err != nil || !ans.Answered || ans.Results[0].Citation.Section != "Removing" || ans.Results[0].Citation.Title != "Guide" {
		t.Errorf("Answer(remove) = %+v, %v; want the Removing section of Guide", ans, err)
	}
}

func TestContext(t *testing.T) {
	e := seedEngine(t)
	text, cit, err := e.Context(22, 2000)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "buried in a simple plot") || !strings.HasPrefix(text, "Fourth is symbolism") || cit.Page != "388" {
		t.Errorf("Context(22) = %q, %+v; want the whole symbolism paragraph on p. 388", text, cit)
	}
	short, _, _ := e.Context(22, 200)
	if len(short) > 200 || !strings.Contains(short, "buried") {
		t.Errorf("Context(22, 200) = %q (%d bytes); want at most 200 bytes around the sentence", short, len(short))
	}
	if _, _, err := e.Context(-1, 100); err == nil {
		t.Error("Context(-1) succeeded; want an error")
	}
}

func ExampleEngine_Answer() {
	e := retrieval.NewEngine(corpus.Default(), retrieval.Options{})
	ans, err := e.Answer("Where was Stalin buried?", retrieval.Request{Top: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := ans.Results[0]
	fmt.Println(r.Sentence)
	fmt.Println(r.Citation)
	fmt.Println(r.Matched)
	// Output:
	// In 1962 his body was removed from the mausoleum on Red Square and buried in a simple plot beneath the Kremlin wall.
	// De-Stalinization — Encyclopedia of Russian History, p. 388
	// [buried]
}

func ExampleEngine_Answer_notFound() {
	e := retrieval.NewEngine(corpus.Default(), retrieval.Options{})
	ans, _ := e.Answer("What is the capital of France?", retrieval.Request{})
	fmt.Println(ans.Answered, len(ans.Results))
	// Output:
	// false 0
}

// TestSynonyms answers a question whose key word the text lacks through a
// WordNet synonym, and not without it.
func TestSynonyms(t *testing.T) {
	var b corpus.Builder
	text := "The second speech was published in the Soviet press at once. The first speech stayed secret for decades.\n"
	if err := b.Add("s.txt", "s.txt", []byte(text)); err != nil {
		t.Fatal(err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	q := "Was the second speech printed?"
	ans, err := retrieval.NewEngine(c, retrieval.Options{}).Answer(q, retrieval.Request{Top: 1})
	if err != nil || !ans.Answered || !strings.Contains(ans.Results[0].Sentence, "published") {
		t.Fatalf("Answer(%q) = %+v, %v; want the sentence with published", q, ans, err)
	}
	if !strings.Contains(strings.Join(ans.Results[0].Matched, " "), "published") {
		t.Errorf("Matched = %v; want the synonym highlighted", ans.Results[0].Matched)
	}
	off, _ := retrieval.NewEngine(c, retrieval.Options{Synonyms: -1}).Answer(q, retrieval.Request{Top: 1})
	if off.Answered && len(off.Results) > 0 && strings.Contains(strings.Join(off.Results[0].Matched, " "), "published") {
		t.Errorf("without synonyms, published still matched: %+v", off.Results[0])
	}
}
