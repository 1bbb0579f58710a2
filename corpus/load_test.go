package corpus_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"lectern/corpus"
)

// writeFiles writes files (slash-separated name -> contents) under dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const goodText = "The first element is official pronouncements. The two most important were two speeches.\n"

func TestLoadFolder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"good.txt":            goodText,
		"x.txt":               "\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00",
		"latin1.txt":          "Caf\xe9 au lait.\n",
		"empty.txt":           "",
		"blank.md":            " \n\t\n",
		"furniture.txt":       "DE-STALINIZATION\n388\nENCYCLOPEDIA OF RUSSIAN HISTORY\n",
		"frontmatter.md":      "---\ntitle: [\n---\nText.\n",
		"sub/deeper/notes.md": "# Notes\n\nA nested note.\n",
		"sub/readme.MARKDOWN": "Upper-case extension.\n",
		".git/config.txt":     "Hidden folder text.\n",
		".hidden.txt":         "Hidden file text.\n",
		"image.png":           "\x89PNG\r\n\x1a\n",
		"notes.docx":          "Not read either.\n",
	})
	c, err := corpus.Load(dir)
	if err != nil {
		t.Fatalf("Load(%q) = %v", dir, err)
	}

	var names []string
	for _, d := range c.Documents() {
		names = append(names, d.Name)
		if want := filepath.Join(dir, filepath.FromSlash(d.Name)); d.Path != want {
			t.Errorf("Load: document %q has Path %q; want %q", d.Name, d.Path, want)
		}
	}
	if want := []string{"good.txt", "sub/deeper/notes.md", "sub/readme.MARKDOWN"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Load(%q) documents = %q; want %q", dir, names, want)
	}
	if got, want := sentences(c), []string{
		"The first element is official pronouncements.", "The two most important were two speeches.",
		"A nested note.", "Upper-case extension.",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("Load(%q) sentences = %q; want %q", dir, got, want)
	}
	wantSize := int64(len(goodText) + len("# Notes\n\nA nested note.\n") + len("Upper-case extension.\n"))
	if c.Size() != wantSize {
		t.Errorf("Load(%q).Size() = %d; want %d", dir, c.Size(), wantSize)
	}

	skipped := map[string]*corpus.FileError{}
	for _, fe := range c.Skipped() {
		skipped[filepath.Base(fe.Path)] = fe
	}
	tests := []struct {
		file   string
		reason corpus.Reason
		is     error  // nil: no sentinel error
		says   string // in the message
	}{
		{"x.txt", corpus.ReasonBinary, corpus.ErrBinary, "binary"},
		{"latin1.txt", corpus.ReasonNotUTF8, nil, "not valid UTF-8 at byte 3 (line 1)"},
		{"empty.txt", corpus.ReasonEmpty, corpus.ErrEmpty, "no text"},
		{"blank.md", corpus.ReasonEmpty, corpus.ErrEmpty, "no text"},
		{"furniture.txt", corpus.ReasonNoText, corpus.ErrNoText, "no usable text"},
		{"frontmatter.md", corpus.ReasonFrontMatter, corpus.ErrFrontMatter, "front matter"},
		{"image.png", corpus.ReasonUnsupported, nil, "unsupported type (.png)"},
		{"notes.docx", corpus.ReasonUnsupported, nil, "unsupported type (.docx)"},
	}
	for _, tt := range tests {
		fe, ok := skipped[tt.file]
		if !ok {
			t.Errorf("Load(%q).Skipped() = %v; want %s in it", dir, c.Skipped(), tt.file)
			continue
		}
		delete(skipped, tt.file)
		msg := fe.Error()
		if !strings.Contains(msg, filepath.Join(dir, tt.file)) || !strings.Contains(msg, tt.says) {
			t.Errorf("Load(%q): skipped %s with %q; want the path and %q", dir, tt.file, msg, tt.says)
		}
		if fe.Reason != tt.reason {
			t.Errorf("Load(%q): skipped %s for reason %q; want %q", dir, tt.file, fe.Reason, tt.reason)
		}
		if tt.is != nil && !errors.Is(fe, tt.is) {
			t.Errorf("Load(%q): skipped %s with %v; want errors.Is(err, %v)", dir, tt.file, fe, tt.is)
		}
	}
	for name, fe := range skipped {
		t.Errorf("Load(%q) skipped %s: %v; want it loaded or ignored", dir, name, fe)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"page.log":  goodText, // a file named directly is read whatever its extension
		"x.txt":     "binary\x00data",
		"empty.txt": "",
		"bad.txt":   "ok \xff\xfe",
	})
	c, err := corpus.Load(filepath.Join(dir, "page.log"))
	if err != nil {
		t.Fatalf("Load(page.log) = %v", err)
	}
	if d := c.Documents()[0]; d.Name != "page.log" || d.Meta.Title != "page" || c.Len() != 2 {
		t.Errorf("Load(page.log) = document %q titled %q with %d sentences; want page.log, page, 2", d.Name, d.Meta.Title, c.Len())
	}

	for _, tt := range []struct {
		file string
		is   error
		says string
	}{
		{"x.txt", corpus.ErrBinary, "binary"},
		{"empty.txt", corpus.ErrEmpty, "no text"},
		{"bad.txt", nil, "not valid UTF-8 at byte 3"},
		{"missing.txt", fs.ErrNotExist, "no such file"},
	} {
		p := filepath.Join(dir, tt.file)
		c, err := corpus.Load(p)
		if err == nil {
			t.Errorf("Load(%q) = %d sentences, nil; want an error", p, c.Len())
			continue
		}
		if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("Load(%q) = %q; want the path and %q", p, err, tt.says)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("Load(%q) = %v; want errors.Is(err, %v)", p, err, tt.is)
		}
	}
}

func TestLoadNothingUsable(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		is    error
		says  []string
	}{
		{"empty folder", nil, corpus.ErrNoFiles, []string{"no text, Markdown, PDF, EPUB or HTML files"}},
		{"no text files", map[string]string{"a.docx": "x", ".hidden/b.txt": "Hidden."}, corpus.ErrNoFiles, nil},
		{"only bad files", map[string]string{"x.txt": "\x00\x01", "empty.md": ""}, corpus.ErrNoText,
			[]string{"skipped", "x.txt", "empty.md", "binary", "no text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			c, err := corpus.Load(dir)
			if err == nil {
				t.Fatalf("Load(%q) = %d sentences, nil; want an error", dir, c.Len())
			}
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), dir) {
				t.Errorf("Load(%q) = %v; want errors.Is(err, %v) and the folder named", dir, err, tt.is)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Load(%q) = %q; want it to say %q", dir, err, s)
				}
			}
		})
	}
}

func TestBuilder(t *testing.T) {
	var b corpus.Builder
	if _, err := b.Corpus(); !errors.Is(err, corpus.ErrNoText) {
		t.Errorf("Builder{}.Corpus() = %v; want ErrNoText", err)
	}
	if err := b.Add("a.txt", "dir/a.txt", []byte("First document. Two sentences.")); err != nil {
		t.Fatalf("Add(a.txt) = %v", err)
	}
	err := b.Add("bad.txt", "dir/bad.txt", []byte("\x00"))
	var fe *corpus.FileError
	if !errors.As(err, &fe) || fe.Path != "dir/bad.txt" || !errors.Is(err, corpus.ErrBinary) {
		t.Errorf("Add(bad.txt) = %v; want a *FileError for dir/bad.txt wrapping ErrBinary", err)
	}
	// A file without text leaves no trace, not even its front matter's
	// warnings.
	if err := b.Add("c.md", "dir/c.md", []byte("---\ncolour: blue\n---\n<!-- nothing but a comment -->\n")); !errors.Is(err, corpus.ErrNoText) {
		t.Errorf("Add(c.md) = %v; want ErrNoText", err)
	}
	if err := b.Add("b.md", "dir/b.md", []byte("# B\n\nSecond document.")); err != nil {
		t.Fatalf("Add(b.md) = %v", err)
	}
	b.Skip(fe)
	b.Warn("a warning")
	c, err := b.Corpus()
	if err != nil {
		t.Fatalf("Corpus() = %v", err)
	}
	docs := c.Documents()
	if len(docs) != 2 || docs[0].ID != 0 || docs[1].ID != 1 ||
		docs[0].First != 0 || docs[0].End != 2 || docs[1].First != 2 || docs[1].End != 3 {
		t.Errorf("Documents() = %+v; want a.txt with sentences [0,2) and b.md with [2,3)", docs)
	}
	if s := c.Sentence(2); s.Doc != 1 || s.Para != 1 || s.Position != 0 || s.Text != "Second document." || s.Section != "B" {
		t.Errorf("Sentence(2) = %+v; want b.md's first sentence", s)
	}
	if got := c.Citation(2); got != (corpus.Citation{Document: "b.md", Title: "B", Section: "B"}) {
		t.Errorf("Citation(2) = %+v", got)
	}
	if c.NumParagraphs() != 2 || c.Size() != int64(len("First document. Two sentences.")+len("# B\n\nSecond document.")) {
		t.Errorf("NumParagraphs(), Size() = %d, %d", c.NumParagraphs(), c.Size())
	}
	if len(c.Skipped()) != 1 || c.Skipped()[0] != fe || !reflect.DeepEqual(c.Warnings(), []string{"a warning"}) {
		t.Errorf("Skipped(), Warnings() = %v, %q; want the skipped file and the warning", c.Skipped(), c.Warnings())
	}
}
