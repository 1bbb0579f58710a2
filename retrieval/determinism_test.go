package retrieval

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"lectern/corpus"
)

// determinismCorpus is a corpus of many generated sentences, English and
// French, with hyphenated and accented words, so that an index of it is
// built from several partial indexes and several analyzers.
func determinismCorpus(t testing.TB, sentences int) *corpus.Corpus {
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

// TestSaveDeterministic builds the same engine twice, on several
// goroutines, and checks that the saved files are the same bytes; and that
// SOURCE_DATE_EPOCH fixes the time a file records.
func TestSaveDeterministic(t *testing.T) {
	c := determinismCorpus(t, 4500)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // several partial indexes
	fixed := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name    string
		created time.Time
		epoch   string // SOURCE_DATE_EPOCH, "" for unset
		want    time.Time
		wantErr bool
	}{
		{name: "created given", created: fixed, want: fixed},
		{name: "SOURCE_DATE_EPOCH", epoch: fmt.Sprint(fixed.Unix()), want: fixed},
		{name: "created given wins", created: fixed, epoch: "1", want: fixed},
		{name: "bad SOURCE_DATE_EPOCH", epoch: "yesterday", wantErr: true},
		{name: "negative SOURCE_DATE_EPOCH", epoch: "-5", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.epoch != "" {
				t.Setenv("SOURCE_DATE_EPOCH", tc.epoch)
			}
			var files [][]byte
			for i := range 2 {
				e := NewEngine(c, Options{})
				if n := e.Index().Len(); n < 4*2000 {
					t.Fatalf("the index holds %d texts, too few for several partial indexes", n)
				}
				path := filepath.Join(t.TempDir(), fmt.Sprintf("%d.idx", i))
				_, err := SaveEngine(path, e, Saved{Corpus: "gen", Created: tc.created})
				if tc.wantErr {
					if err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
						t.Fatalf("SaveEngine = %v; want an error naming SOURCE_DATE_EPOCH", err)
					}
					if _, err := os.Stat(path); !os.IsNotExist(err) {
						t.Fatalf("a file was written: %v", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, data)
				saved, err := peekSaved(path)
				if err != nil {
					t.Fatal(err)
				}
				if !saved.Created.Equal(tc.want) {
					t.Errorf("the file records creation at %v; want %v", saved.Created, tc.want)
				}
			}
			if !bytes.Equal(files[0], files[1]) {
				i := 0
				for i < min(len(files[0]), len(files[1])) && files[0][i] == files[1][i] {
					i++
				}
				t.Errorf("two builds differ at byte %d of %d", i, len(files[0]))
			}
		})
	}
}
