// Package lexicon knows which strings are English words, the base forms of
// irregular English verbs and nouns ("held" -> "hold", "men" -> "man"), and
// their most common synonyms ("print" -> "publish").
//
// Its data, embedded in the binary, comes from SCOWL's American English word
// list (the Debian wamerican package) and WordNet 3.0 (wordnet-base); see
// LICENSE.txt for both licences and generate.sh for how the files are made.
// Words are lower-case ASCII letters only: fold case and diacritics before
// asking.
package lexicon

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:generate ./generate.sh

//go:embed words.txt.gz
var wordsGz []byte

//go:embed irregular.txt.gz
var irregularGz []byte

//go:embed synonyms.txt.gz
var synonymsGz []byte

var (
	loadOnce  sync.Once
	words     []string
	irregular map[string]string

	synOnce  sync.Once
	synonyms map[string][]string
)

func load() {
	words = strings.Split(strings.TrimSpace(gunzip(wordsGz)), "\n")
	irregular = map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(gunzip(irregularGz)), "\n") {
		if form, base, ok := strings.Cut(line, " "); ok {
			irregular[form] = base
		}
	}
}

func gunzip(data []byte) string {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		panic("lexicon: embedded data: " + err.Error()) // a build defect, caught by tests
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		panic("lexicon: embedded data: " + err.Error())
	}
	return string(out)
}

// IsWord reports whether w, in lower case, is an English word or a name in
// the word list ("state", "khrushchev"); misspellings such as "burried" are
// not.
func IsWord(w string) bool {
	loadOnce.Do(load)
	i := sort.SearchStrings(words, w)
	return i < len(words) && words[i] == w
}

// Len returns the number of words in the list.
func Len() int {
	loadOnce.Do(load)
	return len(words)
}

// Base returns the base form of an irregular verb or noun ("held" -> "hold",
// "gave" -> "give", "children" -> "child") and true, or w and false for any
// other word.
func Base(w string) (string, bool) {
	loadOnce.Do(load)
	if b, ok := irregular[w]; ok {
		return b, true
	}
	return w, false
}

// Synonyms returns WordNet's synonyms of w from its two most frequent
// senses, at most eight, single words only ("print" -> "publish";
// "newspaper" -> "paper"), or nil.
func Synonyms(w string) []string {
	synOnce.Do(func() {
		synonyms = map[string][]string{}
		for _, line := range strings.Split(strings.TrimSpace(gunzip(synonymsGz)), "\n") {
			f := strings.Fields(line)
			if len(f) > 1 {
				synonyms[f[0]] = f[1:]
			}
		}
	})
	return synonyms[w]
}
