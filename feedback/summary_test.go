package feedback_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"lectern/feedback"
)

func TestNormalize(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Where was Stalin buried?", "where was stalin buried"},
		{"  where   WAS stalin\tburied ?? ", "where was stalin buried"},
		{"Who?!", "who"},
		{"?", ""},
		{"Où est-il enterré ?", "où est-il enterré"},
		{"", ""},
	} {
		if got := feedback.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	in := strings.Join([]string{
		`{"time":"2025-03-01T10:00:00Z","type":"vote","vote":"down","question":"Where was he buried?","book":"history","citation":{"document":"a.txt","title":"A","source":"","page":"3","section":""},"text":"Old text."}`,
		`{"time":"2025-03-02T10:00:00Z","type":"vote","vote":"down","question":"where was he  BURIED","book":"history","citation":{"document":"a.txt","title":"A","source":"","page":"4","section":""},"text":"Newer text."}`,
		`{"time":"2025-03-03T10:00:00Z","type":"vote","vote":"up","question":"Who spoke?","book":"history"}`,
		`{"time":"2025-03-04T10:00:00Z","type":"vote","vote":"down","question":"Who spoke?","book":"poetry"}`,
		``,
		`not json`,
		`{"time":"2025-03-05T10:00:00Z","type":"vote","vote":"sideways","question":"x"}`,
		`{"type":"not_found","question":"no time"}`,
		`{"time":"2025-02-28T09:00:00Z","type":"not_found","question":"Capital of France?","via":"mention"}`,
		`{"time":"2025-03-06T10:00:00Z","type":"not_found","question":"capital of france","future_field":1}`,
		`{"time":"2025-03-06T11:00:00Z","type":"not_found","question":"Who was Lenin?"}`,
	}, "\n")
	s, err := feedback.Summarize(strings.NewReader(in), 10)
	if err != nil {
		t.Fatal(err)
	}
	if s.Entries != 7 || s.Malformed != 3 {
		t.Errorf("Entries, Malformed = %d, %d; want 7, 3", s.Entries, s.Malformed)
	}
	if s.Up != 1 || s.Down != 3 || s.NotFoundTotal != 3 {
		t.Errorf("Up, Down, NotFoundTotal = %d, %d, %d; want 1, 3, 3", s.Up, s.Down, s.NotFoundTotal)
	}
	if want := time.Date(2025, 2, 28, 9, 0, 0, 0, time.UTC); !s.From.Equal(want) {
		t.Errorf("From = %v; want %v", s.From, want)
	}
	if want := time.Date(2025, 3, 6, 11, 0, 0, 0, time.UTC); !s.To.Equal(want) {
		t.Errorf("To = %v; want %v", s.To, want)
	}
	if got := fmt.Sprint(s.Books); got != "[{history 1 2} {poetry 0 1}]" {
		t.Errorf("Books = %s", got)
	}
	if len(s.VotedDown) != 2 {
		t.Fatalf("VotedDown = %+v; want 2 questions", s.VotedDown)
	}
	if d := s.VotedDown[0]; d.Count != 2 || d.Question != "where was he  BURIED" || d.Citation == nil || d.Citation.Page != "4" || d.Text != "Newer text." {
		t.Errorf("VotedDown[0] = %+v; want the buried question twice, with its last citation", d)
	}
	if len(s.NotFound) != 2 || s.NotFound[0].Count != 2 || s.NotFound[0].Question != "capital of france" || s.NotFound[1].Question != "Who was Lenin?" {
		t.Errorf("NotFound = %+v", s.NotFound)
	}
	if s.Approximate {
		t.Error("Approximate with few questions")
	}

	one, _ := feedback.Summarize(strings.NewReader(in), 1)
	if len(one.VotedDown) != 1 || len(one.NotFound) != 1 {
		t.Errorf("top 1: %d, %d questions; want 1, 1", len(one.VotedDown), len(one.NotFound))
	}
}

func TestSummarizeEmpty(t *testing.T) {
	s, err := feedback.Summarize(strings.NewReader(""), 0)
	if err != nil || s.Entries != 0 || s.Malformed != 0 || s.Books == nil || s.VotedDown == nil || s.NotFound == nil {
		t.Errorf("Summarize(empty) = %+v, %v; want nothing counted and empty lists", s, err)
	}
}

// TestSummarizeLongLine: a line over MaxLine is skipped, and the next
// ones still read.
func TestSummarizeLongLine(t *testing.T) {
	good := `{"time":"2025-03-01T10:00:00Z","type":"not_found","question":"q"}`
	long := `{"time":"2025-03-01T10:00:00Z","type":"not_found","question":"` + strings.Repeat("x", feedback.MaxLine) + `"}`
	for _, tt := range []struct {
		in                 string
		entries, malformed int
	}{
		{good + "\n" + long + "\n" + good + "\n", 2, 1},
		{good + "\n" + long, 1, 1},
	} {
		s, err := feedback.Summarize(strings.NewReader(tt.in), 0)
		if err != nil {
			t.Fatal(err)
		}
		if s.Entries != tt.entries || s.Malformed != tt.malformed {
			t.Errorf("Entries, Malformed = %d, %d; want %d, %d", s.Entries, s.Malformed, tt.entries, tt.malformed)
		}
	}
}

// TestSummarizeManyQuestions: past the questions it counts exactly, the
// frequent ones are still found, and the summary says counts are
// approximate.
func TestSummarizeManyQuestions(t *testing.T) {
	r, w := io.Pipe()
	go func() {
		for i := range 30000 {
			q := fmt.Sprintf("rare question %d", i)
			if i%10 == 0 {
				q = "the frequent question"
			}
			fmt.Fprintf(w, `{"time":"2025-03-01T10:00:00Z","type":"not_found","question":%q}`+"\n", q)
		}
		w.Close()
	}()
	s, err := feedback.Summarize(r, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Approximate || len(s.NotFound) != 3 || s.NotFound[0].Question != "the frequent question" || s.NotFound[0].Count < 3000 {
		t.Errorf("Approximate %v, NotFound %+v; want the frequent question first, counted at least 3000 times", s.Approximate, s.NotFound)
	}
	if s.NotFoundTotal != 30000 {
		t.Errorf("NotFoundTotal = %d; want 30000", s.NotFoundTotal)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestSummarizeReadError(t *testing.T) {
	if _, err := feedback.Summarize(io.MultiReader(bytes.NewReader([]byte("{}\n")), failingReader{}), 0); err == nil {
		t.Error("Summarize of a failing reader = nil error")
	}
}
