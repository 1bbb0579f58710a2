// Package testcorpus holds the small corpora and the SciFact loader that the
// tests and benchmarks of several packages share. Only tests import it.
package testcorpus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// Generated is a corpus of many generated sentences, English and
// French, with hyphenated and accented words, so that an index of it is
// built from several partial indexes and several analyzers.
func Generated(t testing.TB, sentences int) *corpus.Corpus {
	t.Helper()
	en := strings.Fields("alpha beta gamma delta install remove running runs ran program folder files " +
		"de-Stalinization well-known naïve café Khrushchev’s U.S.S.R. 3.14 data-base stemming stems")
	fr := strings.Fields("le chat dort sur la table l'école d'été élève forêt château très rivière")
	var b corpus.Builder
	seed := uint32(12345)
	next := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	for doc, words := range [][]string{en, fr} {
		var text strings.Builder
		for s := 0; s < sentences; s++ {
			n := 3 + next(8)
			for w := 0; w < n; w++ {
				word := words[next(len(words))]
				if w == 0 && word[0] >= 'a' && word[0] <= 'z' {
					word = strings.ToUpper(word[:1]) + word[1:]
				}
				text.WriteString(word)
				text.WriteByte(' ')
			}
			fmt.Fprintf(&text, "number%d.\n\n", next(500))
		}
		name := fmt.Sprintf("doc%d.txt", doc)
		if doc == 1 {
			name = "fr/" + name
		}
		if err := b.Add(name, name, []byte(text.String())); err != nil {
			t.Fatal(err)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	return c
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

// Neighbours returns the neighbours function of texts grouped as group
// says (group[i] is text i's group, such as its abstract): the texts before
// and after u in its group, -1 for none.
func Neighbours(group []int) func(u int) (prev, next int) {
	return func(u int) (prev, next int) {
		prev, next = -1, -1
		if u > 0 && group[u-1] == group[u] {
			prev = u - 1
		}
		if u+1 < len(group) && group[u+1] == group[u] {
			next = u + 1
		}
		return prev, next
	}
}
