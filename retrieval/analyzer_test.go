package retrieval_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"lectern/retrieval"
)

func TestAnalyzerTerms(t *testing.T) {
	an := retrieval.NewAnalyzer(retrieval.AnalyzerOptions{Irregular: true})
	tests := []struct {
		in   string
		want []string
	}{
		{"Khrushchev's speech", []string{"khrushchev", "speech"}},
		{"Khrushchev’s speech", []string{"khrushchev", "speech"}},
		{"the writers' union", []string{"writer", "union"}},
		{"de-Stalinization", []string{"destalin", "de", "stalin"}},
		{"Stalinization", []string{"stalin"}},
		{"self-censorship", []string{"selfcensorship", "self", "censorship"}},
		{"Café Müller", []string{"cafe", "muller"}},
		{"What is the capital of France?", []string{"capit", "franc"}},
		{"buried BURIED Buried", []string{"buri", "buri", "buri"}},
		{"In 1962, 3.14 and U.S.S.R.", []string{"1962", "3.14", "ussr"}},
		{"He held the key positions", []string{"hold", "key", "posit"}},
		{"!!! ... ---", nil},
		{"", nil},
		{"東京 tower", []string{"東", "京", "tower"}},
	}
	for _, tt := range tests {
		if got := an.Terms(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Terms(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestAnalyzerLuceneStopWords(t *testing.T) {
	an := retrieval.NewAnalyzer(retrieval.AnalyzerOptions{StopWords: retrieval.LuceneStopWords})
	got := an.Terms("What was the effect of the policy?")
	want := []string{"what", "effect", "polici"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Terms with Lucene stop words = %q; want %q", got, want)
	}
}

func TestAnalyzeOffsets(t *testing.T) {
	an := retrieval.NewAnalyzer(retrieval.AnalyzerOptions{})
	text := "The two most important were Khrushchev’s speeches to the Twenty-Second Congress."
	toks := an.Analyze(text)
	words := map[string]string{
		"khrushchev":   "Khrushchev’s",
		"speech":       "speeches",
		"twentysecond": "Twenty-Second",
		"second":       "Twenty-Second",
		"congress":     "Congress",
	}
	for _, tok := range toks {
		want, ok := words[tok.Term]
		if !ok {
			continue
		}
		if got := text[tok.Start:tok.End]; got != want {
			t.Errorf("token %q spans %q; want %q", tok.Term, got, want)
		}
	}
	for i := 1; i < len(toks); i++ {
		if toks[i].Pos < toks[i-1].Pos {
			t.Errorf("positions go backwards: %v then %v", toks[i-1], toks[i])
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"Khrushchev’s speech", "de-Stalinization", "U.S.S.R. 3.14", "a-", "-b", "'s", "\xff\xfe", "東京", "x.y.z.", strings.Repeat("a", 100)} {
		f.Add(s)
	}
	an := retrieval.NewAnalyzer(retrieval.AnalyzerOptions{Irregular: true})
	f.Fuzz(func(t *testing.T, s string) {
		prevPos := -1
		for _, tok := range an.Analyze(s) {
			if tok.Start < 0 || tok.End > len(s) || tok.Start >= tok.End {
				t.Fatalf("Analyze(%q): token %+v out of bounds", s, tok)
			}
			if tok.Term == "" {
				t.Fatalf("Analyze(%q): empty term in %+v", s, tok)
			}
			if tok.Pos < prevPos {
				t.Fatalf("Analyze(%q): position goes backwards at %+v", s, tok)
			}
			prevPos = tok.Pos
			if utf8.ValidString(s) && !utf8.ValidString(tok.Term) {
				t.Fatalf("Analyze(%q): invalid UTF-8 term %q", s, tok.Term)
			}
		}
	})
}
