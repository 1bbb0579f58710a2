package retrieval

import (
	"strings"
	"testing"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		q    string
		want AnswerKind
	}{
		{"When did Stalin die?", WhenKind},
		{"In what year was the speech published?", WhenKind},
		{"Which century saw the plague?", WhenKind},
		{"How many prisoners returned?", CountKind},
		{"how much did it cost", CountKind},
		{"What percentage of votes?", CountKind},
		{"Who gave the secret speech?", WhoKind},
		{"Whose body was moved?", WhoKind},
		{"Where was Stalin buried?", WhereKind},
		{"What was the thaw?", AnyKind},
		{"Why did it matter?", AnyKind},
		{"How did it end?", AnyKind},
		{"Stalin's burial place", AnyKind},
		{"", AnyKind},
		{"where was stalin buried", WhereKind},
		{"Patients who smoke have more strokes.", AnyKind}, // a statement
		{"Patients who smoke have more strokes?", WhoKind},
		{"In what year did he die", WhenKind},
		{"from what year was khrushchev the main guy", WhenKind},
		{"Smokers in which cities die younger.", AnyKind}, // a statement
	}
	for _, tt := range tests {
		if got := KindOf(tt.q); got != tt.want {
			t.Errorf("KindOf(%q) = %v; want %v", tt.q, got, tt.want)
		}
	}
}

func TestFits(t *testing.T) {
	words := func(q string) map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(strings.ToLower(strings.Trim(q, "?"))) {
			m[w] = true
		}
		return m
	}
	tests := []struct {
		kind     AnswerKind
		question string
		text     string
		want     bool
	}{
		{WhenKind, "When was the speech published?", "It was not published in the USSR until 1990.", true},
		{WhenKind, "When was the speech published?", "It was published in the 1960s.", true},
		{WhenKind, "When was the speech published?", "It was published in March.", true},
		{WhenKind, "When was the speech published?", "It was published at the time.", false},
		{WhenKind, "When was the 1956 speech published?", "The 1956 speech was published abroad.", false}, // the question's own year
		{WhenKind, "When was it published?", "It sold 5000 copies.", false},                               // a number, not a year
		{CountKind, "How many prisoners returned?", "Some 4,000 prisoners returned.", true},
		{CountKind, "How many prisoners returned?", "Thousands of prisoners returned.", true},
		{CountKind, "How many prisoners returned?", "Many prisoners returned.", false},
		{WhoKind, "Who gave the speech?", "The speech was given by Khrushchev.", true},
		{WhoKind, "Who gave the speech?", "Speeches were given.", false},                         // a capital that starts the sentence
		{WhoKind, "Who gave the speech to Congress?", "The speech to Congress was long.", false}, // the question's own name
		{WhereKind, "Where was Stalin buried?", "He was buried beneath the wall in Moscow.", true},
		{WhereKind, "Where was Stalin buried?", "Stalin was buried beneath the wall.", false},
		{AnyKind, "What was it?", "Anything.", true},
	}
	for _, tt := range tests {
		if got := Fits(tt.kind, tt.text, words(tt.question)); got != tt.want {
			t.Errorf("Fits(%v, %q) for %q = %v; want %v", tt.kind, tt.text, tt.question, got, tt.want)
		}
	}
}

func FuzzFits(f *testing.F) {
	f.Add("When?", "In 1956; then in March, at Moscow.")
	f.Add("How many?", "\xff\xfe 12")
	f.Fuzz(func(t *testing.T, q, text string) {
		k := KindOf(q)
		Fits(k, text, map[string]bool{})
		for k := AnyKind; k <= WhereKind; k++ {
			Fits(k, text, nil)
		}
	})
}
