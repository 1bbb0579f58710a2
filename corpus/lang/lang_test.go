package lang_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lectern/corpus/lang"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"en", "en"},
		{"EN", "en"},
		{" ru-RU ", "ru"},
		{"pt_BR", "pt"},
		{"zh-Hant-TW", "zh"},
		{"cmn", "zh"},
		{"rus", "ru"},
		{"ger", "de"},
		{"fre", "fr"},
		{"spa", "es"},
		{"nb", "no"},
		{"nn", "no"},
		{"iw", "he"},
		{"Russian", "ru"},
		{"русский", "ru"},
		{"Español", "es"},
		{"Norwegian Bokmål", "no"},
		{"deutsch", "de"},
		{"", ""},
		{"und", ""},
		{"mul", ""},
		{"klingon", ""},
		{"x-private", ""},
		{"12", ""},
	}
	for _, tt := range tests {
		if got := lang.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ru", "Russian"}, {"es", "Spanish"}, {"no", "Norwegian"}, {"zh", "Chinese"}, {"tlh", "tlh"}, {"", "unknown"},
	}
	for _, tt := range tests {
		if got := lang.Name(tt.in); got != tt.want {
			t.Errorf("Name(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if lang.Script("ru") != "Cyrillic" || lang.Script("en") != "Latin" || lang.Script("ja") != "Kana" || lang.Script("tlh") != "" {
		t.Errorf("Script(ru, en, ja, tlh) = %q, %q, %q, %q", lang.Script("ru"), lang.Script("en"), lang.Script("ja"), lang.Script("tlh"))
	}
}

func TestStopWords(t *testing.T) {
	for _, code := range []string{"en", "es", "fr", "ru", "sv", "no", "hu", "de", "it", "pt", "nl", "da", "fi", "pl"} {
		if len(lang.StopWords(code)) < 20 {
			t.Errorf("StopWords(%q) has %d words", code, len(lang.StopWords(code)))
		}
	}
	if lang.StopWords("zh") != nil || lang.StopWords("") != nil {
		t.Error("StopWords of a language without a list is not nil")
	}
	for code, words := range map[string][]string{"es": {"qué", "dónde", "solo"}, "ru": {"что", "где", "это"}, "fr": {"les", "où"}} {
		list := " " + strings.Join(lang.StopWords(code), " ") + " "
		for _, w := range words {
			if !strings.Contains(list, " "+w+" ") {
				t.Errorf("StopWords(%q) lacks %q", code, w)
			}
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		text, want string
		sure       bool
	}{
		// Questions and sentences.
		{"Where was Stalin buried after he was taken out of the mausoleum?", "en", true},
		{"¿Dónde fue enterrado Stalin?", "es", true},
		{"¿Cuándo se publicó el discurso en la URSS?", "es", true},
		{"Où Staline a-t-il été enterré après avoir quitté le mausolée ?", "fr", true},
		{"Wo wurde Stalin begraben, nachdem er aus dem Mausoleum entfernt wurde?", "de", true},
		{"Dove è stato sepolto Stalin dopo che è stato tolto dal mausoleo?", "it", true},
		{"Onde foi enterrado Stalin depois de ser retirado do mausoléu?", "pt", true},
		{"Waar werd Stalin begraven nadat hij uit het mausoleum was gehaald?", "nl", true},
		{"Где похоронили Сталина после того, как его вынесли из мавзолея?", "ru", true},
		{"Де поховали Сталіна після того, як його винесли з мавзолею?", "uk", true},
		{"Hol temették el Sztálint, miután kivitték a mauzóleumból?", "hu", true},
		{"Var begravdes Stalin efter att han tagits ut ur mausoleet?", "sv", true},
		// Scripts of their own.
		{"斯大林葬在哪里？", "zh", true},
		{"スターリンはどこに埋葬されましたか？", "ja", true},
		{"스탈린은 어디에 묻혔습니까?", "ko", true},
		{"Πού θάφτηκε ο Στάλιν;", "el", true},
		{"איפה נקבר סטלין?", "he", true},
		{"أين دفن ستالين؟", "ar", true},
		// Too short or too bare to tell: a guess from the script, not sure.
		{"Stalin 1956", "en", false},
		{"Khrushchev", "en", false},
		{"Хрущёв", "ru", false},
		{"", "", false},
		{"1956 — 1990!", "", false},
	}
	for _, tt := range tests {
		g := lang.Detect(tt.text)
		if g.Language != tt.want || g.IsSure() != tt.sure {
			t.Errorf("Detect(%q) = %+v; want %q, sure %v", tt.text, g, tt.want, tt.sure)
		}
	}
}

func TestDetectMixed(t *testing.T) {
	// Most of the letters decide, and the mixture makes it less sure.
	g := lang.Detect("Хрущёв выступил на XX съезде КПСС с докладом «О культе личности и его последствиях» (the Secret Speech).")
	if g.Language != "ru" {
		t.Errorf("Detect(Russian with an English aside) = %+v; want ru", g)
	}
	long := lang.Detect("Der Fluss fror im Januar zu, und die Kinder liefen auf dem Eis zur Schule.")
	mixed := lang.Detect("Der Fluss fror im Januar zu, and the children skated to school across the ice.")
	if mixed.Confidence >= long.Confidence {
		t.Errorf("half German, half English: confidence %.2f; all German %.2f; want less", mixed.Confidence, long.Confidence)
	}
}

func TestDetectAmong(t *testing.T) {
	tests := []struct {
		text  string
		among []string
		want  string
		sure  bool
	}{
		{"Где похоронили Сталина?", []string{"en", "ru"}, "ru", true},
		{"Хрущёв", []string{"en", "ru"}, "ru", true}, // the only Cyrillic language asked about
		{"Where was Stalin buried?", []string{"en", "ru"}, "en", true},
		{"¿Dónde fue enterrado Stalin?", []string{"en", "ru"}, "en", false},
		{"Где похоронили Сталина?", []string{"en", "es"}, "", false},
		{"東京", []string{"en", "ja"}, "ja", false},
	}
	for _, tt := range tests {
		g := lang.DetectAmong(tt.text, tt.among)
		if g.Language != tt.want || g.IsSure() != tt.sure {
			t.Errorf("DetectAmong(%q, %q) = %+v; want %q, sure %v", tt.text, tt.among, g, tt.want, tt.sure)
		}
	}
}

// TestDetectParagraphs detects the paragraphs of testdata/paragraphs.tsv,
// two sentences or so in each of 28 languages, and their first sentences:
// all right, nine in ten surely (Norwegian and Danish, and the Slavic
// languages written in Cyrillic, share most of their common words).
func TestDetectParagraphs(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "paragraphs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n, right, sure, sentences, rightSentences int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		code, text, ok := strings.Cut(sc.Text(), "\t")
		if !ok || strings.HasPrefix(code, "#") {
			continue
		}
		n++
		switch g := lang.Detect(text); {
		case g.Language != code:
			t.Errorf("Detect(%q) = %+v; want %s", text, g, code)
		case g.IsSure():
			sure++
			fallthrough
		default:
			right++
			if !g.IsSure() {
				t.Logf("right but not sure: %.60q: %+v", text, g)
			}
		}
		if lang.Script(code) != "Latin" && lang.Script(code) != "Cyrillic" {
			continue
		}
		first, _, _ := strings.Cut(text, ". ")
		sentences++
		if g := lang.Detect(first); g.Language == code {
			rightSentences++
		} else {
			t.Logf("first sentence %q: %+v; want %s", first, g, code)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("paragraphs: %d of %d right, %d sure; first sentences: %d of %d right", right, n, sure, rightSentences, sentences)
	if sure*10 < n*9 {
		t.Errorf("%d of %d paragraphs detected surely; want 90%%", sure, n)
	}
	if rightSentences*10 < sentences*9 {
		t.Errorf("first sentences: %d of %d right; want 90%%", rightSentences, sentences)
	}
}

// BenchmarkDetect detects the language of 8 KiB of prose, as much as a
// corpus reads of each document.
func BenchmarkDetect(b *testing.B) {
	text := strings.Repeat("The library opened its doors in the spring, and by the end of the year more than two thousand people had borrowed a book. ", 70)[:8<<10]
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		lang.Detect(text)
	}
}
