// Package testcorpus holds the small corpora and the SciFact loader that the
// tests and benchmarks of several packages share. Only tests import it.
package testcorpus

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"lectern/corpus"
)

// Build makes a corpus of the given files, name to contents, added in
// the order of names.
func Build(tb testing.TB, names []string, files map[string]string) *corpus.Corpus {
	tb.Helper()
	var b corpus.Builder
	for _, name := range names {
		if err := b.Add(name, name, []byte(files[name])); err != nil {
			tb.Fatal(err)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// GuideAndSeed is a short guide in Markdown, with sections, and the
// embedded seed page.
func GuideAndSeed(tb testing.TB) *corpus.Corpus {
	tb.Helper()
	return Build(tb, []string{"a.md", "b.txt"}, map[string]string{
		"a.md":  "# Guide\n\n## Install\n\nRun the installer. It copies the files.\n\n## Remove\n\nDelete the folder to remove the program.\n",
		"b.txt": string(corpus.DefaultText()),
	})
}

// ThreeLanguages is a text each in English, Russian and Spanish: two
// languages of many endings.
func ThreeLanguages(tb testing.TB) *corpus.Corpus {
	tb.Helper()
	return Build(tb, []string{"en.txt", "ru.txt", "es.txt"}, map[string]string{
		"en.txt": "The cathedral was rebuilt after the great fire of the city. Farmers in the valley grow wheat and barley on the wide plains, and they sell it at the market every week.",
		"ru.txt": "Сталин умер в марте 1953 года. Его тело поместили в мавзолей рядом с Лениным. В 1962 году тело Сталина вынесли из мавзолея на Красной площади и похоронили в простой могиле у Кремлёвской стены. Многие книги о нём были изъяты из библиотек, а его имя убрали с названий городов родины.",
		"es.txt": "Los agricultores del sur cultivan trigo en las llanuras desde hace siglos. El río atraviesa la región durante todo el año y riega los campos de los pueblos, y la catedral de la ciudad.",
	})
}

// SciFactData is SciFact's abstracts (title and text) and all its claims.
type SciFactData struct {
	Docs, Queries []string
}

var sciFact = sync.OnceValue(func() *SciFactData {
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		dir := filepath.Join(d, "shared", "data", "scifact")
		if _, err := os.Stat(filepath.Join(dir, "corpus.jsonl")); err == nil {
			sf := &SciFactData{}
			read(filepath.Join(dir, "corpus.jsonl"), func(m map[string]string) { sf.Docs = append(sf.Docs, m["title"]+"\n"+m["text"]) })
			read(filepath.Join(dir, "queries.jsonl"), func(m map[string]string) { sf.Queries = append(sf.Queries, m["text"]) })
			if len(sf.Docs) == 0 || len(sf.Queries) == 0 {
				return nil
			}
			return sf
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
})

// SciFact returns SciFact's data when shared/data/scifact is found above
// the working folder, else nil. It is read once.
func SciFact() *SciFactData { return sciFact() }

// SciFactOrSkip is SciFact, skipping the test or benchmark without it.
func SciFactOrSkip(tb testing.TB) *SciFactData {
	tb.Helper()
	sf := SciFact()
	if sf == nil {
		tb.Skip("SciFact not found under shared/data")
	}
	return sf
}

// read calls f with each JSON object of a JSON Lines file; lines that are
// not objects of strings are passed over.
func read(path string, f func(map[string]string)) {
	file, err := os.Open(path)
	if err != nil {
		return
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]string
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			f(m)
		}
	}
}
