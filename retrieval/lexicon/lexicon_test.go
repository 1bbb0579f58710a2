package lexicon_test

import (
	"fmt"
	"testing"

	"lectern/retrieval/lexicon"
)

func TestIsWord(t *testing.T) {
	tests := []struct {
		w    string
		want bool
	}{
		{"state", true}, {"buried", true}, {"khrushchev", true}, {"mausoleum", true},
		{"burried", false}, {"khruschev", false}, {"teror", false}, {"", false}, {"State", false},
	}
	for _, tt := range tests {
		if got := lexicon.IsWord(tt.w); got != tt.want {
			t.Errorf("IsWord(%q) = %v; want %v", tt.w, got, tt.want)
		}
	}
	if n := lexicon.Len(); n < 100000 {
		t.Errorf("Len() = %d; want over 100000 words", n)
	}
}

func TestBase(t *testing.T) {
	tests := []struct {
		w, want string
		ok      bool
	}{
		{"held", "hold", true}, {"gave", "give", true}, {"children", "child", true},
		{"went", "go", true}, {"buried", "bury", true}, {"table", "table", false}, {"", "", false},
	}
	for _, tt := range tests {
		if got, ok := lexicon.Base(tt.w); got != tt.want || ok != tt.ok {
			t.Errorf("Base(%q) = %q, %v; want %q, %v", tt.w, got, ok, tt.want, tt.ok)
		}
	}
}

func ExampleBase() {
	fmt.Println(lexicon.Base("held"))
	fmt.Println(lexicon.IsWord("burried"))
	// Output:
	// hold true
	// false
}

func TestSynonyms(t *testing.T) {
	tests := []struct{ w, want string }{
		{"print", "publish"},
		{"newspaper", "paper"},
		{"tomb", "grave"},
	}
	for _, tt := range tests {
		got := lexicon.Synonyms(tt.w)
		found := false
		for _, s := range got {
			found = found || s == tt.want
		}
		if !found || len(got) > 8 {
			t.Errorf("Synonyms(%q) = %v; want %q among at most 8", tt.w, got, tt.want)
		}
	}
	if got := lexicon.Synonyms("qwzx"); got != nil {
		t.Errorf("Synonyms(qwzx) = %v; want none", got)
	}
}
