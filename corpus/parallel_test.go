package corpus_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"lectern/corpus"
)

// squadCorpus is the shared SQuAD corpus, 23 articles of plain text,
// relative to the package.
const squadCorpus = "../../shared/data/squad/corpus"

// realTexts returns real texts to build folders from, by name: the
// embedded page, the seed texts of the tests and, when the shared data is
// there, the SQuAD articles.
func realTexts(t testing.TB) map[string]string {
	t.Helper()
	texts := map[string]string{
		"de-stalinization.txt": string(corpus.DefaultText()),
		"guide.md":             guide,
		"pages.txt":            twoPages("\n- 12 -\n\n", "\n- 13 -\n"),
		"heads.txt":            twoPages("CHAPTER TITLE 45\n", "xii\n"),
		"big.txt":              bigText(256 << 10),
	}
	files, _ := filepath.Glob(filepath.Join(squadCorpus, "*.txt"))
	if len(files) == 0 {
		t.Logf("no SQuAD articles in %s: testing with the package's own texts", squadCorpus)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(f)] = string(data)
	}
	return texts
}

// manyFiles writes a folder of many files made from real texts: each text
// whole, as Markdown with front matter (some keys unknown, for warnings),
// cut into pieces in nested folders, hard-wrapped with page numbers and
// running heads; the package's EPUB, HTML and PDF test files; and files
// that are skipped (binary, empty, not UTF-8, bad front matter,
// unsupported). It returns the number of bytes written.
func manyFiles(t testing.TB, dir string) int64 {
	t.Helper()
	texts := realTexts(t)
	names := make([]string, 0, len(texts))
	for name := range texts {
		names = append(names, name)
	}
	sort.Strings(names)
	files := map[string]string{}
	for i, name := range names {
		text := texts[name]
		base := strings.TrimSuffix(name, filepath.Ext(name))
		files["whole/"+name] = text
		files[fmt.Sprintf("md/%s.md", base)] = fmt.Sprintf("---\ntitle: %s\nsource: Test Texts\nshelf: %d\n---\n# %s\n\n%s", base, i, base, text)
		paras := strings.Split(text, "\n\n")
		for k := 0; k*8 < len(paras); k++ {
			part := strings.Join(paras[k*8:min(len(paras), k*8+8)], "\n\n")
			files[fmt.Sprintf("pieces/%s/%03d.txt", base, k)] = part
		}
		files[fmt.Sprintf("printed/%s.txt", base)] = printed(text, strings.ToUpper(base))
	}
	for _, glob := range []string{"testdata/epub/*.epub", "testdata/html/*.html", "testdata/pdf/*.pdf"} {
		found, _ := filepath.Glob(glob)
		for _, f := range found {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			files["books/"+filepath.Base(f)] = string(data)
		}
	}
	for name, text := range map[string]string{
		"bad/binary.txt": "\x7fELF\x02\x01\x01\x00\x00\x00", "bad/empty.txt": "", "bad/latin1.txt": "Caf\xe9.\n",
		"bad/front.md": "---\ntitle: [\n---\nText.\n", "bad/furniture.txt": "388\n", "bad/image.png": "\x89PNG",
	} {
		files[name] = text
	}
	writeFiles(t, dir, files)
	var size int64
	for _, text := range files {
		size += int64(len(text))
	}
	return size
}

// printed hard-wraps text at 72 columns into pages of 40 lines, each
// ending with a running head and its page number.
func printed(text, head string) string {
	var b, line strings.Builder
	lines, page := 0, 1
	flush := func() {
		b.WriteString(line.String() + "\n")
		line.Reset()
		if lines++; lines%40 == 0 {
			fmt.Fprintf(&b, "\n%s %d\n\n", head, page)
			page++
		}
	}
	for _, w := range strings.Fields(text) {
		if line.Len()+len(w) > 72 {
			flush()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(w)
	}
	if line.Len() > 0 {
		flush()
	}
	return b.String()
}

// fullDump writes everything a corpus holds, in a stable text form:
// documents, paragraphs, sentences with their citations, skipped files with
// their errors, warnings, size and summary.
func fullDump(c *corpus.Corpus) []byte {
	var b bytes.Buffer
	b.Write(dump(c))
	for _, d := range c.Documents() {
		fmt.Fprintf(&b, "document %d language=%q\n", d.ID, d.Language)
	}
	for i := range c.NumParagraphs() {
		p := c.Paragraph(i)
		fmt.Fprintf(&b, "paragraph %d doc=%d section=%q [%d,%d) %q\n", i, p.Doc, p.Section, p.First, p.End, p.Text)
	}
	for id := range c.Len() {
		fmt.Fprintf(&b, "citation %d %+v\n", id, c.Citation(id))
	}
	for _, fe := range c.Skipped() {
		fmt.Fprintf(&b, "skipped %s: %v\n", fe.Reason, fe)
	}
	for _, w := range c.Warnings() {
		fmt.Fprintf(&b, "warning %s\n", w)
	}
	fmt.Fprintf(&b, "size %d; %s\n", c.Size(), c.Summary())
	return b.Bytes()
}

// firstDifference returns the first line where a and b differ.
func firstDifference(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, x, y)
		}
	}
	return ""
}

// TestLoadParallelSameAsSequential loads a folder of many real files with
// one worker and with several, under no limit and under limits that cut
// the folder short, and wants the very same corpus each time. With one
// worker and no limit, it must also be what adding the text files one by
// one to a Builder gives.
func TestLoadParallelSameAsSequential(t *testing.T) {
	dir := t.TempDir()
	size := manyFiles(t, dir)
	limits := []struct {
		name string
		opts corpus.LoadOptions
	}{
		{"no limit", corpus.LoadOptions{}},
		{"file limit", corpus.LoadOptions{MaxFileBytes: 64 << 10}},
		{"total limit", corpus.LoadOptions{MaxTotalBytes: size / 2}},
		{"both limits", corpus.LoadOptions{MaxFileBytes: 16 << 10, MaxTotalBytes: size / 5}},
	}
	for _, l := range limits {
		t.Run(l.name, func(t *testing.T) {
			var want []byte
			var wantProgress []corpus.Progress
			for _, workers := range []int{1, 2, 3, 8, 64} {
				opts := l.opts
				opts.Workers = workers
				var progress []corpus.Progress
				opts.Progress = func(p corpus.Progress) { progress = append(progress, p) }
				c, err := loadWithin(t, context.Background(), dir, opts)
				if err != nil {
					t.Fatalf("LoadContext(%d workers) = %v", workers, err)
				}
				got := fullDump(c)
				if workers == 1 {
					want, wantProgress = got, progress
					if len(c.Skipped()) == 0 || len(c.Warnings()) == 0 || len(c.Documents()) < 40 {
						t.Fatalf("LoadContext loaded %d documents, skipped %d files, warned %d times; want many of each to compare",
							len(c.Documents()), len(c.Skipped()), len(c.Warnings()))
					}
					continue
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("LoadContext with %d workers differs from one worker at %s", workers, firstDifference(got, want))
				}
				if fmt.Sprint(progress) != fmt.Sprint(wantProgress) {
					t.Errorf("LoadContext with %d workers reported progress %v; want %v", workers, progress, wantProgress)
				}
			}
		})
	}

	t.Run("builder", func(t *testing.T) {
		sub := filepath.Join(dir, "pieces")
		c, err := loadWithin(t, context.Background(), sub, corpus.LoadOptions{Workers: 4})
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		err = filepath.WalkDir(sub, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				paths = append(paths, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(paths)
		var b corpus.Builder
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			name, _ := filepath.Rel(sub, p)
			if err := b.Add(filepath.ToSlash(name), p, data); err != nil {
				t.Fatalf("Add(%s) = %v", name, err)
			}
		}
		want, err := b.Corpus()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fullDump(c), fullDump(want); !bytes.Equal(got, want) {
			t.Fatalf("LoadContext(4 workers) differs from a Builder at %s", firstDifference(got, want))
		}
	})
}

// BenchmarkLoad loads a folder of many files made from real texts (see
// manyFiles), or the folder LECTERN_BENCH_CORPUS names (say, the big
// benchmark corpus), with one worker, which gives the speed per core, and
// with one per core. It reports MB/s of files read.
func BenchmarkLoad(b *testing.B) {
	dir := os.Getenv("LECTERN_BENCH_CORPUS")
	if dir == "" {
		dir = b.TempDir()
		manyFiles(b, dir)
		// The PDFs measure the PDF engine, not the loader.
		pdfs, _ := filepath.Glob(filepath.Join(dir, "books", "*.pdf"))
		for _, p := range pdfs {
			if err := os.Remove(p); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var size int64
			for b.Loop() {
				c, err := corpus.LoadContext(context.Background(), dir, corpus.LoadOptions{Workers: workers})
				if err != nil {
					b.Fatal(err)
				}
				size = c.Size()
			}
			b.SetBytes(size)
		})
	}
}

// TestLoadParallelCancelled cancels a load while workers parse large files
// side by side: each worker must stop at its next look at the context
// (every few thousand lines: microseconds), start no other file, and the
// load return ctx's error naming the folder.
func TestLoadParallelCancelled(t *testing.T) {
	dir := t.TempDir()
	text := bigText(24 << 20)
	writeFiles(t, dir, map[string]string{"a.txt": text, "b.md": text, "c.txt": text})
	ctx, check := cancelAtLook(t, 64) // well into parsing
	const workers = 2
	_, err := loadWithin(t, ctx, dir, corpus.LoadOptions{Workers: workers})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("LoadContext cancelled while parsing = %v; want context.Canceled and the folder", err)
	}
	check(workers) // at most once per worker
}
