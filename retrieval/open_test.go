package retrieval_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lectern/corpus"
	"lectern/internal/atomicfile"
	"lectern/internal/binfile"
	"lectern/retrieval"
)

// openFixture is a folder with two corpora, books/ and other/, for Open's
// tests.
type openFixture struct {
	dir, books, other string
}

func newOpenFixture(t *testing.T) *openFixture {
	t.Helper()
	dir := t.TempDir()
	f := &openFixture{dir: dir, books: filepath.Join(dir, "books"), other: filepath.Join(dir, "other")}
	writeFile(t, filepath.Join(f.books, "cats.txt"), "Cats sleep in the sun all afternoon. They purr when they are content.\n")
	writeFile(t, filepath.Join(f.books, "dogs.md"), "# Dogs\n\nDogs bark at the postman every morning. They wag their tails.\n")
	writeFile(t, filepath.Join(f.other, "ships.txt"), "Ships sail across the ocean with their cargo. Sailors steer them.\n")
	return f
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// index builds the index of corpus (a path, "" for the embedded page) at
// path.
func (f *openFixture) index(t *testing.T, corpusPath, path string) {
	t.Helper()
	_, err := retrieval.Open(context.Background(), retrieval.Source{Corpus: corpusPath, Index: path, Force: true})
	if err != nil {
		t.Fatalf("building %s: %v", path, err)
	}
}

func TestOpen(t *testing.T) {
	const (
		books = "books"
		other = "other"
		seed  = "embedded"
	)
	tests := []struct {
		name string
		// setup prepares the folder and returns the Source to open.
		setup func(t *testing.T, f *openFixture) retrieval.Source
		// want is the corpus answered from: books, other or embedded.
		want      string
		fromIndex bool
		wrote     bool   // the index file was (re)written
		note      string // a note must contain this
		err       error  // Open must fail with this
		// untouched: the index file must keep the bytes it had before Open.
		untouched bool
	}{
		{
			name: "no index file: built from the corpus",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				return retrieval.Source{Corpus: f.books}
			},
			want: books,
		},
		{
			name: "fresh: loaded",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				return retrieval.Source{Corpus: f.books, Index: f.idx()}
			},
			want: books, fromIndex: true, untouched: true,
		},
		{
			name: "index alone: its own corpus",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				return retrieval.Source{Index: f.idx()}
			},
			want: books, fromIndex: true, untouched: true,
		},
		{
			name: "index alone, its corpus gone: used as it is",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				if err := os.RemoveAll(f.books); err != nil {
					t.Fatal(err)
				}
				return retrieval.Source{Index: f.idx()}
			},
			want: books, fromIndex: true, untouched: true, note: "is not there",
		},
		{
			name: "index alone, its corpus changed: rebuilt from that corpus",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				f.touch(t, filepath.Join(f.books, "cats.txt"), "Cats sleep in the sun. Cats chase mice at night.\n")
				return retrieval.Source{Index: f.idx()}
			},
			want: books, wrote: true, note: "older than the corpus",
		},
		{
			name: "index of the embedded page alone",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, "", f.idx())
				return retrieval.Source{Index: f.idx()}
			},
			want: seed, fromIndex: true, untouched: true,
		},
		{
			name: "stale: a file changed",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				f.touch(t, filepath.Join(f.books, "cats.txt"), "Cats sleep in the sun. Cats chase mice at night.\n")
				return retrieval.Source{Corpus: f.books, Index: f.idx()}
			},
			want: books, wrote: true, note: "cats.txt changed",
		},
		{
			name: "stale: a new file",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				writeFile(t, filepath.Join(f.books, "birds.txt"), "Birds sing at dawn.\n")
				return retrieval.Source{Corpus: f.books, Index: f.idx()}
			},
			want: books, wrote: true, note: "birds.txt is new",
		},
		{
			name: "stale: a file gone",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				os.Remove(filepath.Join(f.books, "dogs.md"))
				return retrieval.Source{Corpus: f.books, Index: f.idx()}
			},
			want: books, wrote: true, note: "dogs.md is gone",
		},
		{
			name: "missing index file: built and written",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				return retrieval.Source{Corpus: f.books, Index: f.idx()}
			},
			want: books, wrote: true, note: "does not exist yet",
		},
		{
			name: "missing index file, no corpus: an error, nothing written",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				return retrieval.Source{Index: f.idx()}
			},
			err: retrieval.ErrNoCorpus,
		},
		{
			name: "other corpus: answered from the one asked for, file left alone",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				return retrieval.Source{Corpus: f.other, Index: f.idx()}
			},
			want: other, untouched: true, note: "was built from",
		},
		{
			name: "other corpus, the embedded page's file: left alone",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, "", f.idx())
				return retrieval.Source{Corpus: f.other, Index: f.idx()}
			},
			want: other, untouched: true, note: "the embedded page",
		},
		{
			name: "damaged: rebuilt",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				f.damage(t, func(b []byte) { b[len(b)/2] ^= 0x55 })
				return retrieval.Source{Corpus: f.books, Index: f.idx()}
			},
			want: books, wrote: true, note: "damaged",
		},
		{
			name: "truncated: rebuilt",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				if err := os.Truncate(f.idx(), 100); err != nil {
					t.Fatal(err)
				}
				return retrieval.Source{Corpus: f.books, Index: f.idx()}
			},
			want: books, wrote: true, note: "damaged",
		},
		{
			name: "damaged, no corpus: an error, file left alone",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				f.damage(t, func(b []byte) { b[len(b)/2] ^= 0x55 })
				return retrieval.Source{Index: f.idx()}
			},
			err: retrieval.ErrNoCorpus, untouched: true,
		},
		{
			name: "other version of the same corpus: rebuilt",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				f.damage(t, func(b []byte) { b[12]++; binfile.Reseal(b) })
				return retrieval.Source{Corpus: f.books, Index: f.idx()}
			},
			want: books, wrote: true, note: "another version",
		},
		{
			name: "other version, index alone: rebuilt from its corpus",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				f.damage(t, func(b []byte) { b[12]++; binfile.Reseal(b) })
				return retrieval.Source{Index: f.idx()}
			},
			want: books, wrote: true, note: "another version",
		},
		{
			name: "other version of another corpus: left alone",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				f.damage(t, func(b []byte) { b[12]++; binfile.Reseal(b) })
				return retrieval.Source{Corpus: f.other, Index: f.idx()}
			},
			want: other, untouched: true, note: "was built from",
		},
		{
			name: "not an index file: left alone",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				return retrieval.Source{Corpus: f.other, Index: filepath.Join(f.books, "cats.txt")}
			},
			want: other, untouched: true, note: "not a lectern index file",
		},
		{
			name: "a folder: left alone",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				return retrieval.Source{Corpus: f.books, Index: f.other}
			},
			want: books, note: "cannot be read",
		},
		{
			name: "a FIFO: left alone, no hang",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				p := filepath.Join(f.dir, "fifo.idx")
				if err := mkfifo(p); err != nil {
					t.Skip(err)
				}
				return retrieval.Source{Corpus: f.books, Index: p}
			},
			want: books, note: "cannot be read",
		},
		{
			name: "unreadable: left alone",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				if os.Geteuid() == 0 {
					// root reads anything: a path through a file fails instead
					return retrieval.Source{Corpus: f.books, Index: filepath.Join(f.books, "cats.txt", "x.idx")}
				}
				if err := os.Chmod(f.idx(), 0); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(f.idx(), 0o644) })
				return retrieval.Source{Corpus: f.books, Index: f.idx()}
			},
			want: books, note: "cannot be read",
		},
		{
			name: "unwritable: answered, and said why not saved",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				// A link to a file in a folder that does not exist: it
				// cannot be read (missing) and cannot be written.
				link := filepath.Join(f.dir, "link.idx")
				if err := os.Symlink(filepath.Join(f.dir, "no", "such", "x.idx"), link); err != nil {
					t.Fatal(err)
				}
				return retrieval.Source{Corpus: f.books, Index: link}
			},
			want: books, note: "could not save the index",
		},
		{
			name: "force: the corpus's own file refused",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				return retrieval.Source{Corpus: f.books, Index: filepath.Join(f.books, "cats.txt"), Force: true}
			},
			err: atomicfile.ErrProtected, untouched: true,
		},
		{
			name: "force: a file that is not an index refused",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				// The embedded page is indexed, and the path names a text
				// outside its corpus: still never replaced.
				return retrieval.Source{Index: filepath.Join(f.books, "cats.txt"), Force: true}
			},
			err: retrieval.ErrNotIndexFile, untouched: true,
		},
		{
			name: "force: an empty file replaced",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				writeFile(t, f.idx(), "")
				return retrieval.Source{Corpus: f.books, Index: f.idx(), Force: true}
			},
			want: books, wrote: true,
		},
		{
			name: "force, no corpus: rebuilt from the file's own corpus",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				return retrieval.Source{Index: f.idx(), Force: true}
			},
			want: books, wrote: true, note: "the corpus it was built from",
		},
		{
			name: "force, other corpus: replaced as asked",
			setup: func(t *testing.T, f *openFixture) retrieval.Source {
				f.index(t, f.books, f.idx())
				return retrieval.Source{Corpus: f.other, Index: f.idx(), Force: true}
			},
			want: other, wrote: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newOpenFixture(t)
			src := tt.setup(t, f)
			before := readRegular(src.Index)
			var notes []string
			src.Note = func(s string) { notes = append(notes, s) }
			done := make(chan struct{})
			var o *retrieval.Opened
			var err error
			go func() { o, err = retrieval.Open(context.Background(), src); close(done) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("Open hangs")
			}
			if tt.untouched {
				if after := readRegular(src.Index); after != before {
					t.Errorf("the index file changed; want it left alone")
				}
			}
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Open = %v; want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v (notes %q)", err, notes)
			}
			if got := f.which(o); got != tt.want {
				t.Errorf("answered from %s; want %s (notes %q)", got, tt.want, notes)
			}
			if o.FromIndex != tt.fromIndex {
				t.Errorf("FromIndex = %v; want %v (notes %q)", o.FromIndex, tt.fromIndex, notes)
			}
			if (o.Wrote > 0) != tt.wrote {
				t.Errorf("Wrote = %d; want written %v (notes %q)", o.Wrote, tt.wrote, notes)
			}
			if tt.wrote {
				again, _, err := retrieval.LoadEngine(src.Index, retrieval.Options{})
				if err != nil || f.which(&retrieval.Opened{Engine: again}) != tt.want {
					t.Errorf("the written file does not load as %s: %v", tt.want, err)
				}
			}
			if tt.note != "" && !strings.Contains(strings.Join(notes, "\n"), tt.note) {
				t.Errorf("notes %q; want one containing %q", notes, tt.note)
			}
			if !tt.wrote && !tt.untouched && src.Index != "" {
				// Nothing may have been written where the index file is.
				if after := readRegular(src.Index); after != before {
					t.Errorf("the index file changed")
				}
			}
		})
	}
}

func (f *openFixture) idx() string { return filepath.Join(f.dir, "books.idx") }

// touch rewrites a file with a new modification time.
func (f *openFixture) touch(t *testing.T, path, text string) {
	t.Helper()
	writeFile(t, path, text)
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
}

// damage changes the index file's bytes with change.
func (f *openFixture) damage(t *testing.T, change func([]byte)) {
	t.Helper()
	b, err := os.ReadFile(f.idx())
	if err != nil {
		t.Fatal(err)
	}
	change(b)
	if err := os.WriteFile(f.idx(), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// which names the corpus an engine answers from.
func (f *openFixture) which(o *retrieval.Opened) string {
	docs := o.Engine.Corpus().Documents()
	switch {
	case len(docs) == 0:
		return "nothing"
	case docs[0].Name == corpus.DefaultName && docs[0].Path == "embedded:"+corpus.DefaultName:
		return "embedded"
	case strings.HasPrefix(docs[0].Path, f.books):
		return "books"
	case strings.HasPrefix(docs[0].Path, f.other):
		return "other"
	}
	return docs[0].Path
}

func TestOpenCancelled(t *testing.T) {
	f := newOpenFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := retrieval.Open(ctx, retrieval.Source{Corpus: f.books, Index: f.idx()})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Open after cancel = %v; want context.Canceled", err)
	}
	if _, err := os.Stat(f.idx()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an index file was written after cancel: %v", err)
	}
	ents, _ := os.ReadDir(f.dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// readRegular returns the contents of the regular file at path, or "" for
// anything else: reading a FIFO would hang.
func readRegular(path string) string {
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	b, _ := os.ReadFile(path)
	return string(b)
}

func TestOpenLimitsChanged(t *testing.T) {
	f := newOpenFixture(t)
	f.index(t, f.books, f.idx())
	var notes []string
	src := retrieval.Source{Corpus: f.books, Index: f.idx(), Load: corpus.LoadOptions{MaxFileBytes: 1 << 20},
		Note: func(s string) { notes = append(notes, s) }}
	o, err := retrieval.Open(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if o.FromIndex || o.Wrote == 0 || !strings.Contains(strings.Join(notes, "\n"), "size limits") {
		t.Errorf("after the file limit changed: FromIndex %v, Wrote %d, notes %q; want a rebuild saying why", o.FromIndex, o.Wrote, notes)
	}
	o, err = retrieval.Open(context.Background(), src)
	if err != nil || !o.FromIndex {
		t.Errorf("the same limits again: FromIndex %v, %v; want loaded", o.FromIndex, err)
	}
}
