package retrieval_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"lectern/corpus"
	"lectern/retrieval"
)

// Texts in several languages for the tests below, each long enough for its
// language to be detected.
const (
	russianText = `Сталин умер в марте 1953 года. Его тело поместили в мавзолей рядом с Лениным.
В 1962 году тело Сталина вынесли из мавзолея на Красной площади и похоронили в простой могиле у Кремлёвской стены.
Многие книги о нём были изъяты из библиотек, а его имя убрали с названий городов.`
	englishText = `The cathedral was rebuilt after the great fire of the city.
Farmers in the valley grow wheat and barley on the wide plains, and they sell it at the market every week.`
	spanishText = `Los agricultores del sur cultivan trigo en las llanuras desde hace siglos.
El río atraviesa la región durante todo el año y riega los campos de los pueblos.`
	germanText = "---\nlanguage: de\n---\nDie alten Häuser stehen am Fluss, und die Kinder spielen auf der Straße.\n"
)

// engineOf indexes documents named by their keys, in key order.
func engineOf(t testing.TB, opts retrieval.Options, docs map[string]string) *retrieval.Engine {
	t.Helper()
	var b corpus.Builder
	names := make([]string, 0, len(docs))
	for name := range docs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := b.Add(name, name, []byte(docs[name])); err != nil {
			t.Fatal(err)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	return retrieval.NewEngine(c, opts)
}

// languages returns the language of each of the engine's documents.
func languages(e *retrieval.Engine) []string {
	var out []string
	for _, d := range e.Corpus().Documents() {
		out = append(out, d.Language)
	}
	return out
}

func TestRussianQuestionAnswered(t *testing.T) {
	e := engineOf(t, retrieval.Options{}, map[string]string{"ru.txt": russianText})
	if got := languages(e); !reflect.DeepEqual(got, []string{"ru"}) {
		t.Fatalf("languages = %q; want detected Russian", got)
	}
	tests := []struct{ question, want string }{
		{"Где похоронили Сталина?", "похоронили в простой могиле"},
		{"Когда тело Сталина вынесли из мавзолея?", "вынесли из мавзолея"},
		{"Что убрали с названий городов?", "его имя убрали с названий городов"},
		{"где похоранили сталина", "похоронили в простой могиле"}, // a typo, in Russian
	}
	for _, tt := range tests {
		ans, err := e.Answer(tt.question, retrieval.Request{})
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Answered || !strings.Contains(ans.Results[0].Sentence, tt.want) {
			t.Errorf("Answer(%q) = %+v; want %q first", tt.question, ans, tt.want)
		}
	}
	ans, _ := e.Answer("Кто выиграл чемпионат мира по футболу?", retrieval.Request{})
	if ans.Answered {
		t.Errorf("an unanswerable Russian question was answered: %+v", ans.Results)
	}
}

// TestNoCorrectionAcrossLanguages: in an English and Spanish corpus, a
// Spanish question's words are never corrected into English words, nor given
// English synonyms; an English question's still are.
func TestNoCorrectionAcrossLanguages(t *testing.T) {
	e := engineOf(t, retrieval.Options{}, map[string]string{"en.txt": englishText, "es.txt": spanishText})
	if got := languages(e); !reflect.DeepEqual(got, []string{"en", "es"}) {
		t.Fatalf("languages = %q; want English and Spanish", got)
	}
	// "catedral" is one letter from the English "cathedral".
	ans, _ := e.Answer("¿Cuándo se reconstruyó la catedral de la ciudad?", retrieval.Request{})
	for _, term := range ans.Terms {
		if term.Word == "catedral" && term.Found != "" {
			t.Errorf("the Spanish word %q was matched to %q", term.Word, term.Found)
		}
		if len(term.Synonyms) > 0 {
			t.Errorf("the Spanish word %q was given synonyms %q", term.Word, term.Synonyms)
		}
	}
	// "come" (eats) is also an English word with English synonyms.
	ans, _ = e.Answer("¿Qué come la gente de los pueblos del río?", retrieval.Request{})
	for _, term := range ans.Terms {
		if len(term.Synonyms) > 0 || term.Fuzzy > 0 && term.Fuzzy < 1 {
			t.Errorf("the Spanish word %q was given %q (synonyms %q)", term.Word, term.Found, term.Synonyms)
		}
	}
	// An English question's misspelt word is still corrected, in English.
	ans, _ = e.Answer("When was the cathedrall rebuilt after the fire?", retrieval.Request{})
	if !ans.Answered || !strings.Contains(ans.Results[0].Sentence, "The cathedral was rebuilt") {
		t.Errorf("English question with a typo: %+v", ans)
	}
	// Each question is analyzed for its own language.
	for q, want := range map[string][]string{
		"Where do the farmers grow wheat and barley?":     {"en"},
		"¿Dónde cultivan trigo los agricultores del sur?": {"es"},
		"trigo wheat": {"en", "es"},
		"¿Qué riegan los pueblos del río durante todo el año?": {"es"},
	} {
		if got := parse(e, q).Languages; !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q).Languages = %q; want %q", q, got, want)
		}
	}
}

// parse analyzes a question as the engine's searcher does.
func parse(e *retrieval.Engine, question string) retrieval.Query {
	s := retrieval.NewSearcher(e.Index(), e.Corpus().Text, retrieval.SearchOptions{Fuzzy: true})
	return s.Parse(question)
}

// TestLanguageWithoutStemmer: German, which lectern does not stem, is
// folded and matched word for word, never put through the English
// stemmer.
func TestLanguageWithoutStemmer(t *testing.T) {
	e := engineOf(t, retrieval.Options{}, map[string]string{"de.txt": germanText})
	if got := languages(e); !reflect.DeepEqual(got, []string{"de"}) {
		t.Fatalf("languages = %q; want German from the front matter", got)
	}
	ix := e.Index()
	if ix.DF("hauser") != 1 || ix.DF("haus") != 0 || ix.DF("hause") != 0 || ix.DF("strasse") != 1 || ix.DF("die") != 0 {
		t.Errorf("DF(hauser, haus, hause, strasse, die) = %d, %d, %d, %d, %d; want 1, 0, 0, 1, 0",
			ix.DF("hauser"), ix.DF("haus"), ix.DF("hause"), ix.DF("strasse"), ix.DF("die"))
	}
	ans, _ := e.Answer("Wo stehen die Häuser?", retrieval.Request{})
	if !ans.Answered {
		t.Errorf("German question about a German text: %+v", ans)
	}
}

// TestConfiguredLanguage: Options.Language gives every document that states
// no language of its own that language, instead of detection.
func TestConfiguredLanguage(t *testing.T) {
	docs := map[string]string{"es.txt": spanishText, "de.txt": germanText}
	if got := languages(engineOf(t, retrieval.Options{}, docs)); !reflect.DeepEqual(got, []string{"de", "es"}) {
		t.Errorf("detected languages = %q; want de (front matter), es", got)
	}
	if got := languages(engineOf(t, retrieval.Options{Language: "Russian"}, docs)); !reflect.DeepEqual(got, []string{"de", "ru"}) {
		t.Errorf("languages with Russian configured = %q; want de (front matter), ru", got)
	}
}

// TestSaveLoadLanguages saves an engine over documents in two languages and
// loads it back: the same languages, the same answers; and an index built
// for another configured language is rebuilt.
func TestSaveLoadLanguages(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"en.txt": englishText, "ru.txt": russianText})
	path := filepath.Join(dir, "books.idx")
	questions := []string{"Где похоронили Сталина?", "What do the farmers grow?", "Stalin 1962"}
	built, err := retrieval.Open(context.Background(), retrieval.Source{Corpus: dir, Index: path})
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := retrieval.Open(context.Background(), retrieval.Source{Corpus: dir, Index: path})
	if err != nil {
		t.Fatal(err)
	}
	if !loaded.FromIndex {
		t.Fatal("the index file was not used")
	}
	if got, want := languages(loaded.Engine), languages(built.Engine); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(got, []string{"en", "ru"}) {
		t.Errorf("languages after loading = %q; built %q; want en, ru", got, want)
	}
	var codes []string
	for _, an := range loaded.Engine.Index().Analyzers() {
		codes = append(codes, an.Language())
	}
	if !reflect.DeepEqual(codes, []string{"ru", "en"}) {
		t.Errorf("loaded analyzers = %q; want ru (more sentences), en", codes)
	}
	for _, q := range questions {
		a, _ := built.Engine.Answer(q, retrieval.Request{})
		b, _ := loaded.Engine.Answer(q, retrieval.Request{})
		a.Terms, b.Terms = nil, nil
		if !reflect.DeepEqual(a, b) {
			t.Errorf("Answer(%q) built:\n%+v\nloaded:\n%+v", q, a, b)
		}
	}
	var notes []string
	again, err := retrieval.Open(context.Background(), retrieval.Source{Corpus: dir, Index: path,
		Options: retrieval.Options{Language: "en"}, Note: func(s string) { notes = append(notes, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if again.FromIndex || len(notes) == 0 || !strings.Contains(notes[0], "other analysis settings") {
		t.Errorf("opened with another language: from index %v, notes %q; want a rebuild", again.FromIndex, notes)
	}
	if got := languages(again.Engine); !reflect.DeepEqual(got, []string{"en", "en"}) {
		t.Errorf("languages with English configured = %q", got)
	}
	if _, _, err := retrieval.LoadEngine(path, retrieval.Options{}); !errors.Is(err, retrieval.ErrStale) {
		t.Errorf("loading the English-configured file asking for detection: %v; want ErrStale", err)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		writeFile(t, filepath.Join(dir, name), text)
	}
}
