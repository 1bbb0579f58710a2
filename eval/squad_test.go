package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAnswerKind(t *testing.T) {
	tests := []struct{ q, want string }{
		{"When did the Black Death reach Europe?", "when"},
		{"In what year was the treaty signed?", "when"},
		{"Which century saw the first plague?", "when"},
		{"Who led the Mongols?", "who"},
		{"Whose army won?", "who"},
		{"Where did Super Bowl 50 take place?", "where"},
		{"How many people died?", "how many"},
		{"How much did it cost?", "how many"},
		{"What percentage of voters agreed?", "how many"},
		{"How did the war end?", "how"},
		{"Why did the oil crisis start?", "why"},
		{"Which NFL team represented the AFC?", "what"},
		{"What is a force?", "what"},
		{"Name the largest city.", "other"},
		{"", "other"},
	}
	for _, tt := range tests {
		if got := AnswerKind(tt.q); got != tt.want {
			t.Errorf("AnswerKind(%q) = %q; want %q", tt.q, got, tt.want)
		}
	}
}

func TestLoadSQuAD(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "q.jsonl")
	os.WriteFile(good, []byte(`{"id": "1", "title": "T", "question": "Where did Super Bowl 50 take place?", "answers": ["Levi's Stadium", "Santa Clara,  California"]}`+"\n\n"+
		`{"id": "2", "title": "T", "question": "How many?", "answers": ["24"]}`+"\n"), 0o644)
	qs, err := LoadQuestions(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].Kind != "where" || !qs[0].Spans || len(qs[0].Expected) != 2 || qs[1].Kind != "how many" {
		t.Fatalf("LoadQuestions = %+v", qs)
	}
	// Spans are found case- and space-insensitively, and only whole.
	for s, want := range map[string]bool{
		"The game was played at Levi's Stadium in Santa Clara.": true,
		"It took place in SANTA CLARA,\n California.":           true,
		"It took place in California.":                          false,
		"Levi's arena.":                                         false,
	} {
		if got := qs[0].holdsAnswer(s); got != want {
			t.Errorf("holdsAnswer(%q) = %v; want %v", s, got, want)
		}
	}

	for name, body := range map[string]string{
		"no answers":  `{"id": "1", "question": "Why?", "answers": []}`,
		"no question": `{"id": "1", "question": " ", "answers": ["x"]}`,
		"not JSON":    `{"id": "1", "question": "Why?"`,
		"empty":       "\n\n",
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".jsonl")
		os.WriteFile(p, []byte(body+"\n"), 0o644)
		if _, err := LoadQuestions(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: LoadQuestions = %v; want an error naming the file", name, err)
		}
	}
}
