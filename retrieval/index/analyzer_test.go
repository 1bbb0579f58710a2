package index_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"lectern/retrieval/index"
)

func TestAnalyzerTerms(t *testing.T) {
	an := index.NewAnalyzer(index.AnalyzerOptions{Irregular: true})
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
	an := index.NewAnalyzer(index.AnalyzerOptions{StopWords: index.LuceneStopWords})
	got := an.Terms("What was the effect of the policy?")
	want := []string{"what", "effect", "polici"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Terms with Lucene stop words = %q; want %q", got, want)
	}
}

func TestAnalyzeOffsets(t *testing.T) {
	an := index.NewAnalyzer(index.AnalyzerOptions{})
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
	for _, s := range []string{"Khrushchev’s speech", "de-Stalinization", "U.S.S.R. 3.14", "a-", "-b", "'s", "\xff\xfe", "東京", "x.y.z.", strings.Repeat("a", 100),
		"Хрущёв похоро́нен в 1971-м", "¿Dónde está el niño?", "l’homme d’État qu’il", "Häuser ÉCOLE", "árvíztűrő tükörfúrógép", "søren år", "1950-х годы", "'-'", "й\u0301"} {
		f.Add(s)
	}
	var ans []*index.Analyzer
	for _, code := range []string{"en", "es", "fr", "ru", "sv", "no", "hu", "de", "it", "uk", "zh", "xx"} {
		ans = append(ans, index.NewAnalyzer(index.AnalyzerOptions{Language: code, Irregular: true}))
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, an := range ans {
			checkTokens(t, an, s)
		}
	})
}

// checkTokens fails t unless every token of s is within its bounds, with
// a term, in order, and valid UTF-8 for valid input.
func checkTokens(t *testing.T, an *index.Analyzer, s string) {
	t.Helper()
	{
		prevPos := -1
		for _, tok := range an.Analyze(s) {
			if tok.Start < 0 || tok.End > len(s) || tok.Start >= tok.End {
				t.Fatalf("%s: Analyze(%q): token %+v out of bounds", an.Language(), s, tok)
			}
			if tok.Term == "" {
				t.Fatalf("%s: Analyze(%q): empty term in %+v", an.Language(), s, tok)
			}
			if tok.Pos < prevPos {
				t.Fatalf("%s: Analyze(%q): position goes backwards at %+v", an.Language(), s, tok)
			}
			prevPos = tok.Pos
			if utf8.ValidString(s) && !utf8.ValidString(tok.Term) {
				t.Fatalf("%s: Analyze(%q): invalid UTF-8 term %q", an.Language(), s, tok.Term)
			}
		}
	}
}

// TestAnalyzerLanguages checks each language's analysis: its stop words,
// its Snowball stems (the expected stems are the Snowball project's, from
// its test vocabularies, folded as lectern folds), and what folding keeps.
func TestAnalyzerLanguages(t *testing.T) {
	tests := []struct {
		lang, in string
		want     []string
	}{
		// Russian: stems, ё read as е, й kept, stress marks dropped.
		{"ru", "книги и книгой", []string{"книг", "книг"}},
		{"ru", "Его похоронили в библиотеках", []string{"похорон", "библиотек"}},
		{"ru", "Хрущёв и Хрущев", []string{"хрущ", "хрущ"}},
		{"ru", "за́мок", []string{"замок"}},
		{"ru", "майский", []string{"майск"}},
		{"ru", "в 1950-х и на 22-м", []string{"1950", "22"}},
		// Spanish: stems folded; ñ kept; question words are stop words,
		// with or without their accents.
		{"es", "libros y naciones", []string{"libr", "nacion"}},
		{"es", "la canción, las políticas", []string{"cancion", "polit"}},
		{"es", "año ano niños", []string{"año", "ano", "niñ"}},
		{"es", "¿Dónde está? donde esta", nil},
		// French: elisions stripped before stemming.
		{"fr", "l’homme d'État des bibliothèques nationale", []string{"homm", "etat", "bibliothequ", "national"}},
		{"fr", "qu'il", nil},
		// Swedish and Norwegian keep their letters.
		{"sv", "böcker", []string{"böck"}},
		{"no", "bøkene", []string{"bøk"}},
		// Languages without a stemmer: folded, stop words dropped, never
		// stemmed as English would ("hauser", not "hauser" less an "s").
		{"de", "Die Häuser und die Straße", []string{"hauser", "strasse"}},
		{"de", "houses", []string{"houses"}},
		{"it", "l'università delle città", []string{"universita", "citta"}},
		{"uk", "її", nil},
		{"zh", "东京", []string{"东", "京"}},
		// English is as it always was.
		{"", "Khrushchev’s speeches", []string{"khrushchev", "speech"}},
		{"en", "houses", []string{"hous"}},
	}
	for _, tt := range tests {
		an := index.NewAnalyzer(index.AnalyzerOptions{Language: tt.lang, Irregular: true})
		if got := an.Terms(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("NewAnalyzer(%q).Terms(%q) = %q; want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

func TestAnalyzerLanguageNames(t *testing.T) {
	tests := []struct {
		in, lang string
		stems    bool
	}{
		{"", "en", true},
		{"Russian", "ru", true},
		{"es-MX", "es", true},
		{"nb", "no", true},
		{"German", "de", false},
		{"pt-BR", "pt", false},
		{"xx-unknown", "xx-unknown", false},
	}
	for _, tt := range tests {
		an := index.NewAnalyzer(index.AnalyzerOptions{Language: tt.in})
		if an.Language() != tt.lang || an.Stems() != tt.stems {
			t.Errorf("NewAnalyzer(Language %q): language %q, stems %v; want %q, %v", tt.in, an.Language(), an.Stems(), tt.lang, tt.stems)
		}
	}
}

// TestAnalyzeOffsetsLanguages: the tokens of every language point at the
// words they come from.
func TestAnalyzeOffsetsLanguages(t *testing.T) {
	text := "Похоро́нен у Кремлёвской стены; l’homme d’État; ¿Dónde?"
	for _, code := range []string{"ru", "fr", "es", "de"} {
		an := index.NewAnalyzer(index.AnalyzerOptions{Language: code})
		for _, tok := range an.Analyze(text) {
			if w := text[tok.Start:tok.End]; strings.ContainsAny(w, " ;,?¿") {
				t.Errorf("%s: token %+v spans %q", code, tok, w)
			}
		}
		checkTokens(t, an, text)
	}
}
