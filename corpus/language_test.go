package corpus_test

import (
	"reflect"
	"testing"

	"lectern/corpus"
)

// Documents for the language tests: a paragraph in each language, long
// enough to tell, and lines too short to.
const (
	spanishDoc = "Los agricultores del sur cultivan trigo en las llanuras desde hace siglos. El río atraviesa la región durante todo el año y riega los campos de los pueblos.\n"
	russianDoc = "Сталин умер в марте 1953 года. Его тело поместили в мавзолей рядом с Лениным, а в 1962 году вынесли и похоронили у Кремлёвской стены.\n"
	englishDoc = "The cathedral was rebuilt after the great fire of the city. Farmers in the valley grow wheat and barley on the wide plains.\n"
	shortLatin = "Stalin, 1953.\n"
	shortRu    = "Сталин.\n"
	stated     = "---\nlanguage: Portuguese\n---\n" + spanishDoc
)

// buildDocs loads documents, in order, into a corpus.
func buildDocs(t *testing.T, docs ...string) *corpus.Corpus {
	t.Helper()
	var b corpus.Builder
	for i, d := range docs {
		name := string(rune('a'+i)) + ".txt"
		if err := b.Add(name, name, []byte(d)); err != nil {
			t.Fatal(err)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func docLanguages(c *corpus.Corpus) []string {
	var out []string
	for _, d := range c.Documents() {
		out = append(out, d.Language)
	}
	return out
}

func TestWithLanguages(t *testing.T) {
	tests := []struct {
		name     string
		docs     []string
		language string
		want     []string
	}{
		{"detected per document", []string{spanishDoc, russianDoc, englishDoc}, "", []string{"es", "ru", "en"}},
		{"auto is detection", []string{spanishDoc}, "auto", []string{"es"}},
		{"stated wins over detection", []string{stated, spanishDoc}, "", []string{"pt", "es"}},
		{"configured wins over detection", []string{spanishDoc, englishDoc}, "ru", []string{"ru", "ru"}},
		{"stated wins over configured", []string{stated, englishDoc}, "Russian", []string{"pt", "ru"}},
		{"too short: the others' language", []string{spanishDoc, shortLatin, spanishDoc, englishDoc}, "", []string{"es", "es", "es", "en"}},
		{"too short: configured", []string{shortLatin}, "es", []string{"es"}},
		{"too short, alone: English", []string{shortLatin}, "", []string{"en"}},
		{"too short, in another script", []string{englishDoc, shortRu}, "", []string{"en", "ru"}},
		{"a stated name lang does not know is detected", []string{"---\nlanguage: Elvish\n---\n" + spanishDoc}, "", []string{"es"}},
	}
	for _, tt := range tests {
		c := buildDocs(t, tt.docs...)
		got := c.WithLanguages(corpus.LanguageOptions{Language: tt.language})
		if langs := docLanguages(got); !reflect.DeepEqual(langs, tt.want) {
			t.Errorf("%s: languages %q; want %q", tt.name, langs, tt.want)
		}
		if langs := docLanguages(c); langs[0] != "" {
			t.Errorf("%s: WithLanguages changed the corpus it was called on: %q", tt.name, langs)
		}
	}
}

func TestLanguagesAndShow(t *testing.T) {
	c := buildDocs(t, englishDoc, russianDoc, russianDoc).WithLanguages(corpus.LanguageOptions{})
	if got := c.Languages(); !reflect.DeepEqual(got, []string{"ru", "en"}) {
		t.Errorf("Languages() = %q; want ru (more sentences), en", got)
	}
	if len(buildDocs(t, englishDoc).Languages()) != 0 {
		t.Error("Languages() before WithLanguages is not empty")
	}
	tests := []struct {
		langs []string
		want  bool
	}{
		{[]string{"en", "en"}, false},
		{[]string{"ru"}, true},
		{[]string{"en", "es"}, true},
		{[]string{"", ""}, false},
		{nil, false},
	}
	for _, tt := range tests {
		var docs []corpus.Document
		for _, l := range tt.langs {
			docs = append(docs, corpus.Document{Language: l})
		}
		if got := corpus.ShowLanguages(docs); got != tt.want {
			t.Errorf("ShowLanguages(%q) = %v; want %v", tt.langs, got, tt.want)
		}
	}
}
