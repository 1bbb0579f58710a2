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

	"lectern/internal/testcorpus"
)

// TestSaveDeterministic builds the same engine twice, on several
// goroutines, and checks that the saved files are the same bytes; and that
// SOURCE_DATE_EPOCH fixes the time a file records.
func TestSaveDeterministic(t *testing.T) {
	c := testcorpus.Generated(t, 4500)
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
