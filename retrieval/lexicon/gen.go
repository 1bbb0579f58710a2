//go:build ignore

// gen builds the lexicon's data files from SCOWL's American English word
// list and WordNet 3.0. See generate.sh.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func main() {
	dict := flag.String("dict", "", "SCOWL word list (one word a line)")
	wn := flag.String("wordnet", "", "WordNet dict folder")
	flag.Parse()
	words := map[string]bool{}
	for _, line := range readLines(*dict) {
		if strings.HasSuffix(line, "'s") {
			continue
		}
		if w, ok := clean(line); ok {
			words[w] = true
		}
	}
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		for _, line := range readLines(filepath.Join(*wn, "index."+pos)) {
			if strings.HasPrefix(line, " ") {
				continue // licence header
			}
			lemma, _, _ := strings.Cut(line, " ")
			if w, ok := clean(lemma); ok {
				words[w] = true
			}
		}
	}
	irregular := map[string]string{}
	for _, pos := range []string{"verb", "noun"} {
		for _, line := range readLines(filepath.Join(*wn, pos+".exc")) {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			form, ok1 := clean(f[0])
			base, ok2 := clean(f[1])
			if ok1 && ok2 && form != base {
				if _, dup := irregular[form]; !dup {
					irregular[form] = base
				}
				words[form] = true
			}
		}
	}
	writeGz("synonyms.txt.gz", synonyms(*wn))
	var list []string
	for w := range words {
		list = append(list, w)
	}
	sort.Strings(list)
	writeGz("words.txt.gz", list)
	var pairs []string
	for f, b := range irregular {
		pairs = append(pairs, f+" "+b)
	}
	sort.Strings(pairs)
	writeGz("irregular.txt.gz", pairs)
	log.Printf("%d words, %d irregular forms", len(list), len(pairs))
}

// clean folds a word to lower-case ASCII letters; anything else is refused.
func clean(w string) (string, bool) {
	var b strings.Builder
	for _, r := range norm.NFKD.String(strings.ToLower(w)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

func readLines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func writeGz(name string, lines []string) {
	f, err := os.Create(name)
	if err != nil {
		log.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// synonymSenses is how many of a word's senses, most frequent first, give
// its synonyms: rarer senses bring more noise than help.
const synonymSenses = 2

// maxSynonyms caps the synonyms kept per word.
const maxSynonyms = 8

// synonyms returns lines "word syn syn ...": for each single-word lemma,
// the other single-word lemmas of the synsets of its first senses.
func synonyms(dir string) []string {
	syn := map[string]map[string]bool{}
	order := map[string][]string{}
	for _, pos := range []string{"noun", "verb", "adj", "adv"} {
		data, err := os.ReadFile(filepath.Join(dir, "data."+pos))
		if err != nil {
			log.Fatal(err)
		}
		for _, line := range readLines(filepath.Join(dir, "index."+pos)) {
			if strings.HasPrefix(line, " ") {
				continue
			}
			f := strings.Fields(line)
			w, ok := clean(f[0])
			if !ok || len(f) < 4 {
				continue
			}
			senses, _ := strconv.Atoi(f[2])
			offsets := f[len(f)-senses:]
			for _, off := range offsets[:min(synonymSenses, len(offsets))] {
				at, err := strconv.Atoi(off)
				if err != nil || at >= len(data) {
					continue
				}
				rec := string(data[at:])
				if i := strings.IndexByte(rec, '\n'); i >= 0 {
					rec = rec[:i]
				}
				rf := strings.Fields(rec)
				if len(rf) < 4 {
					continue
				}
				n, err := strconv.ParseInt(rf[3], 16, 32)
				if err != nil {
					continue
				}
				for k := 0; k < int(n) && 4+2*k < len(rf); k++ {
					lemma := rf[4+2*k]
					if i := strings.IndexByte(lemma, '('); i >= 0 {
						lemma = lemma[:i] // adjective markers such as (a)
					}
					s, ok := clean(lemma)
					if !ok || s == w {
						continue
					}
					if syn[w] == nil {
						syn[w] = map[string]bool{}
					}
					if !syn[w][s] && len(order[w]) < maxSynonyms {
						syn[w][s] = true
						order[w] = append(order[w], s)
					}
				}
			}
		}
	}
	var lines []string
	for w, ss := range order {
		lines = append(lines, w+" "+strings.Join(ss, " "))
	}
	sort.Strings(lines)
	return lines
}
