package workload_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"lectern/bench/internal/workload"
)

var sentences = []string{
	"In 1962 his body was removed from the mausoleum on Red Square.",
	"The Twentieth Party Congress heard Khrushchev's secret speech in February 1956.",
	"It was a thaw.", // too few content words: never a question
	"Political prisoners were released from the camps and rehabilitated in large numbers.",
}

var stop = []string{"in", "his", "was", "from", "the", "on", "it", "a", "and", "were", "s"}

func TestGenerate(t *testing.T) {
	text := func(i int) string { return sentences[i] }
	qs, err := workload.Generate(len(sentences), text, 200, 7, stop)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if len(qs) != 200 {
		t.Fatalf("Generate gave %d questions; want 200", len(qs))
	}
	stopSet := map[string]bool{}
	for _, w := range stop {
		stopSet[w] = true
	}
	lengths := map[int]bool{}
	for _, q := range qs {
		words := strings.Split(q, " ")
		lengths[len(words)] = true
		if len(words) < workload.MinWords || len(words) > workload.MaxWords {
			t.Errorf("question %q has %d words; want %d to %d", q, len(words), workload.MinWords, workload.MaxWords)
		}
		if q != strings.ToLower(q) {
			t.Errorf("question %q is not lower-case", q)
		}
		// Every word is a non-stop word of one sentence, in that sentence's order.
		found := false
		for _, s := range sentences {
			sw := workload.Words(s)
			if isSubsequence(words, sw) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("question %q is not an ordered selection of one sentence's words", q)
		}
		for _, w := range words {
			if stopSet[w] {
				t.Errorf("question %q holds stop word %q", q, w)
			}
		}
	}
	for n := workload.MinWords; n <= workload.MaxWords; n++ {
		if !lengths[n] {
			t.Errorf("no question of %d words among 200", n)
		}
	}

	again, err := workload.Generate(len(sentences), text, 200, 7, stop)
	if err != nil || !slices.Equal(qs, again) {
		t.Errorf("Generate with the same seed gave different questions")
	}
	other, _ := workload.Generate(len(sentences), text, 200, 8, stop)
	if slices.Equal(qs, other) {
		t.Errorf("Generate with seeds 7 and 8 gave the same questions")
	}
}

func isSubsequence(sub, seq []string) bool {
	i := 0
	for _, w := range seq {
		if i < len(sub) && sub[i] == w {
			i++
		}
	}
	return i == len(sub)
}

func TestGenerateTooFewWords(t *testing.T) {
	text := func(int) string { return "It was a thaw." }
	_, err := workload.Generate(3, text, 5, 1, stop)
	if !errors.Is(err, workload.ErrTooFewWords) {
		t.Errorf("Generate on stop words = %v; want ErrTooFewWords", err)
	}
}

func TestWords(t *testing.T) {
	got := workload.Words("Don't stop-loss 2x Ångström!")
	want := []string{"don", "t", "stop", "loss", "2x", "ångström"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %q; want %q", got, want)
	}
}

func TestQuestionsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.jsonl")
	qs := []string{"red square", "a \"quoted\"\nline", "ångström <b>"}
	if err := workload.WriteQuestions(path, qs); err != nil {
		t.Fatal(err)
	}
	got, err := workload.ReadQuestions(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, qs) {
		t.Errorf("ReadQuestions(WriteQuestions(%q)) = %q", qs, got)
	}
}

func TestOverlap(t *testing.T) {
	tests := []struct {
		name string
		a, b []int
		want float64
	}{
		{"same", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 1},
		{"disjoint", []int{1, 2, 3}, []int{4, 5, 6}, 0},
		{"three of ten", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []int{3, 11, 12, 2, 13, 14, 15, 16, 17, 1}, 0.3},
		{"short list", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []int{1, 2}, 0.2},
		{"both short", []int{1, 2}, []int{2, 1}, 1},
		{"both empty", nil, nil, 1},
		{"one empty", []int{1}, nil, 0},
		{"repeats", []int{1, 1, 2}, []int{1, 2, 2}, 2.0 / 3},
	}
	for _, tt := range tests {
		if got := workload.Overlap(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Overlap(%v, %v) = %v; want %v", tt.name, tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	a := [][]int{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {}, {5}}
	b := [][]int{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {2, 1, 11, 12, 13, 14, 15, 16, 17, 18}, {}, {6}}
	got, err := workload.Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := workload.Agreement{Questions: 4, MeanOverlap: (1 + 0.2 + 1 + 0) / 4, Top1: 0.5}
	if got != want {
		t.Errorf("Compare = %+v; want %+v", got, want)
	}
	if _, err := workload.Compare(a, b[:1]); err == nil {
		t.Errorf("Compare of 4 lists against 1 gave no error")
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 1000; i++ {
		d = append(d, time.Duration(i))
	}
	tests := []struct {
		p    float64
		want time.Duration
	}{{50, 500}, {99, 990}, {100, 1000}, {0.01, 1}}
	for _, tt := range tests {
		if got := workload.Percentile(d, tt.p); got != tt.want {
			t.Errorf("Percentile(1…1000, %v) = %v; want %v", tt.p, got, tt.want)
		}
	}
	if got := workload.Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile(nil, 50) = %v; want 0", got)
	}
	if got := workload.Percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("Percentile([7], 99) = %v; want 7", got)
	}
}

func TestCanonical(t *testing.T) {
	texts := []string{"a", "b", "a", "c", "b", "a"}
	canon := workload.Canonical(len(texts), func(i int) string { return texts[i] })
	if want := []int{0, 1, 0, 3, 1, 0}; !slices.Equal(canon, want) {
		t.Errorf("Canonical(%q) = %v; want %v", texts, canon, want)
	}
	got := workload.Canonicalize([][]int{{5, 4, 3}, {}}, canon)
	if want := [][]int{{0, 1, 3}, {}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Canonicalize = %v; want %v", got, want)
	}
	// Identical texts picked differently agree once canonicalized.
	a, b := [][]int{{0, 1}}, [][]int{{2, 4}}
	raw, _ := workload.Compare(a, b)
	same, _ := workload.Compare(workload.Canonicalize(a, canon), workload.Canonicalize(b, canon))
	if raw.MeanOverlap != 0 || same.MeanOverlap != 1 || same.Top1 != 1 {
		t.Errorf("overlap of {0,1} and {2,4} = %v raw, %+v canonical; want 0 and full agreement", raw.MeanOverlap, same)
	}
}
