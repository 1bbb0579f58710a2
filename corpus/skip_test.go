//go:build unix

package corpus_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"lectern/corpus"
)

// loadWithin is corpus.LoadContext failing t if it takes over a minute: a
// load that waits on a named pipe or reads /dev/zero never returns.
func loadWithin(t *testing.T, ctx context.Context, path string, opts corpus.LoadOptions) (*corpus.Corpus, error) {
	t.Helper()
	type result struct {
		c   *corpus.Corpus
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := corpus.LoadContext(ctx, path, opts)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-time.After(time.Minute):
		t.Fatalf("LoadContext(%q) is still running after a minute", path)
		return nil, nil
	}
}

// An entry maker creates the entry called name in dir.
type maker func(t *testing.T, dir, name string)

func symlink(target string) maker {
	return func(t *testing.T, dir, name string) {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

func fifo(t *testing.T, dir, name string) {
	if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// linkTo makes an entry that links to what mk makes outside the folder.
func linkTo(mk maker) maker {
	return func(t *testing.T, dir, name string) {
		other := t.TempDir()
		mk(t, other, "target")
		symlink(filepath.Join(other, "target"))(t, dir, name)
	}
}

func file(data string) maker {
	return func(t *testing.T, dir, name string) {
		writeFiles(t, dir, map[string]string{name: data})
	}
}

// sparse makes a file of size bytes that takes no room on disk.
func sparse(size int64) maker {
	return func(t *testing.T, dir, name string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil {
			t.Skipf("truncate to %d bytes: %v", size, err)
		}
	}
}

func socket(t *testing.T, dir, name string) {
	l, err := net.Listen("unix", filepath.Join(dir, name))
	if err != nil {
		t.Skipf("listen on a unix socket: %v", err)
	}
	t.Cleanup(func() { l.Close() })
}

// unreadable makes mk's entry unreadable; root reads everything, so the
// test is skipped for root.
func unreadable(mk maker) maker {
	return func(t *testing.T, dir, name string) {
		if os.Geteuid() == 0 {
			t.Skip("root can read anything")
		}
		mk(t, dir, name)
		p := filepath.Join(dir, name)
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(p, 0o755) })
	}
}

func folder(files map[string]string) maker {
	return func(t *testing.T, dir, name string) {
		writeFiles(t, filepath.Join(dir, name), files)
	}
}

func TestLoadSkipsEntries(t *testing.T) {
	tests := []struct {
		name   string
		entry  string
		make   maker
		opts   corpus.LoadOptions
		reason corpus.Reason
		is     error // nil: no sentinel error
		says   string
	}{
		{"dangling symlink", "dangling.txt", symlink("nowhere.txt"), corpus.LoadOptions{},
			corpus.ReasonBrokenLink, nil, "a symbolic link to nowhere.txt, which does not exist"},
		{"symlink loop", "loop.txt", symlink("loop.txt"), corpus.LoadOptions{},
			corpus.ReasonBrokenLink, nil, "loops"},
		{"named pipe", "pipe.txt", fifo, corpus.LoadOptions{},
			corpus.ReasonNotRegular, corpus.ErrNotRegular, "a named pipe (FIFO)"},
		{"symlink to a named pipe", "pipe.txt", linkTo(fifo), corpus.LoadOptions{},
			corpus.ReasonNotRegular, corpus.ErrNotRegular, "a named pipe (FIFO)"},
		{"symlink to /dev/zero", "zero.txt", symlink("/dev/zero"), corpus.LoadOptions{},
			corpus.ReasonNotRegular, corpus.ErrNotRegular, "a symbolic link to /dev/zero, a character device"},
		{"socket", "sock.txt", socket, corpus.LoadOptions{},
			corpus.ReasonNotRegular, corpus.ErrNotRegular, "a socket"},
		{"symlink to a folder", "more", linkTo(folder(map[string]string{"a.txt": goodText})), corpus.LoadOptions{},
			corpus.ReasonNotRegular, corpus.ErrNotRegular, "a symbolic link to a folder"},
		{"unsupported type", "notes.ODT", file("PK"), corpus.LoadOptions{},
			corpus.ReasonUnsupported, nil, "unsupported type (.odt)"},
		{"no extension", "README", file(goodText), corpus.LoadOptions{},
			corpus.ReasonUnsupported, nil, "no extension"},
		{"symlink to an unsupported file", "page.rtf", linkTo(file("{\\rtf1 Hi.}")), corpus.LoadOptions{},
			corpus.ReasonUnsupported, nil, "unsupported type (.rtf)"},
		{"over the file limit", "long.txt", file(strings.Repeat(goodText, 30)), corpus.LoadOptions{MaxFileBytes: 1024},
			corpus.ReasonTooBig, corpus.ErrTooBig, "2.6 KiB, over the limit of 1 KiB per file; split it, or raise limits.max_file_size"},
		{"sparse 3 GiB file", "huge.txt", sparse(3 << 30), corpus.LoadOptions{},
			corpus.ReasonTooBig, corpus.ErrTooBig, "3 GiB, over the limit of 512 MiB per file"},
		{"symlink to a sparse 3 GiB file", "huge.txt", linkTo(sparse(3 << 30)), corpus.LoadOptions{},
			corpus.ReasonTooBig, corpus.ErrTooBig, "3 GiB, over the limit of 512 MiB per file"},
		{"unreadable file", "secret.txt", unreadable(file(goodText)), corpus.LoadOptions{},
			corpus.ReasonUnreadable, fs.ErrPermission, "cannot be read: permission denied"},
		{"unreadable folder", "locked", unreadable(folder(map[string]string{"a.txt": goodText})), corpus.LoadOptions{},
			corpus.ReasonUnreadable, fs.ErrPermission, "this folder cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"good.txt": goodText})
			tt.make(t, dir, tt.entry)
			c, err := loadWithin(t, context.Background(), dir, tt.opts)
			if err != nil {
				t.Fatalf("LoadContext(%q) = %v; want good.txt loaded", dir, err)
			}
			if docs := c.Documents(); len(docs) != 1 || docs[0].Name != "good.txt" {
				t.Errorf("LoadContext(%q) documents = %v; want good.txt alone", dir, docs)
			}
			if len(c.Skipped()) != 1 {
				t.Fatalf("LoadContext(%q).Skipped() = %v; want %s alone", dir, c.Skipped(), tt.entry)
			}
			fe := c.Skipped()[0]
			if want := filepath.Join(dir, tt.entry); fe.Path != want || fe.Reason != tt.reason {
				t.Errorf("LoadContext(%q).Skipped() = %s for %q; want %s for %q", dir, fe.Path, fe.Reason, want, tt.reason)
			}
			if !strings.Contains(fe.Error(), tt.says) || !strings.Contains(fe.Error(), tt.entry) {
				t.Errorf("LoadContext(%q): skipped %s with %q; want it to name the entry and say %q", dir, tt.entry, fe, tt.says)
			}
			if tt.is != nil && !errors.Is(fe, tt.is) {
				t.Errorf("LoadContext(%q): skipped %s with %v; want errors.Is(err, %v)", dir, tt.entry, fe, tt.is)
			}
			if got := c.Summary().Reasons; !reflect.DeepEqual(got, map[corpus.Reason]int{tt.reason: 1}) {
				t.Errorf("LoadContext(%q).Summary().Reasons = %v; want %s: 1", dir, got, tt.reason)
			}
		})
	}
}

func TestLoadFollowsLinksToFiles(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	writeFiles(t, other, map[string]string{"target.md": "# Linked\n\nA linked note.\n"})
	writeFiles(t, dir, map[string]string{"good.txt": goodText})
	symlink(filepath.Join(other, "target.md"))(t, dir, "linked.md")
	symlink(other)(t, dir, "elsewhere") // a folder: not followed
	c, err := loadWithin(t, context.Background(), dir, corpus.LoadOptions{})
	if err != nil {
		t.Fatalf("LoadContext(%q) = %v", dir, err)
	}
	var names []string
	for _, d := range c.Documents() {
		names = append(names, d.Name)
	}
	if want := []string{"good.txt", "linked.md"}; !reflect.DeepEqual(names, want) {
		t.Errorf("LoadContext(%q) documents = %q; want %q", dir, names, want)
	}
	if s := c.Skipped(); len(s) != 1 || filepath.Base(s[0].Path) != "elsewhere" || s[0].Reason != corpus.ReasonNotRegular {
		t.Errorf("LoadContext(%q).Skipped() = %v; want the link to a folder, not followed", dir, s)
	}
}

func TestLoadNamedFileRefused(t *testing.T) {
	tests := []struct {
		name string
		make maker
		opts corpus.LoadOptions
		is   error
		says string
	}{
		{"named pipe", fifo, corpus.LoadOptions{}, corpus.ErrNotRegular, "a named pipe (FIFO)"},
		{"symlink to /dev/zero", symlink("/dev/zero"), corpus.LoadOptions{}, corpus.ErrNotRegular, "a character device"},
		{"socket", socket, corpus.LoadOptions{}, corpus.ErrNotRegular, "a socket"},
		{"dangling symlink", symlink("nowhere.txt"), corpus.LoadOptions{}, fs.ErrNotExist, "a symbolic link to nowhere.txt"},
		{"symlink loop", symlink("x.txt"), corpus.LoadOptions{}, nil, "the symbolic link loops"},
		{"sparse 3 GiB file", sparse(3 << 30), corpus.LoadOptions{}, corpus.ErrTooBig, "3 GiB, over the limit of 512 MiB per file"},
		{"over the file limit", file(goodText), corpus.LoadOptions{MaxFileBytes: 10}, corpus.ErrTooBig, "over the limit of 10 bytes per file"},
		{"over the corpus limit", file(goodText), corpus.LoadOptions{MaxTotalBytes: 10}, corpus.ErrOverLimit, "limit of 10 bytes; raise limits.max_corpus_size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.make(t, dir, "x.txt")
			p := filepath.Join(dir, "x.txt")
			c, err := loadWithin(t, context.Background(), p, tt.opts)
			if err == nil {
				t.Fatalf("LoadContext(%q) = %d sentences, nil; want an error", p, c.Len())
			}
			if !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("LoadContext(%q) = %q; want the path and %q", p, err, tt.says)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("LoadContext(%q) = %v; want errors.Is(err, %v)", p, err, tt.is)
			}
		})
	}
}

// TestLoadChangingFiles changes b.txt between the folder's listing and its
// reading, or between the check of its size and its reading.
func TestLoadChangingFiles(t *testing.T) {
	tests := []struct {
		name   string
		stage  string // when to change it: "open" or "read"
		change func(t *testing.T, p string)
		reason corpus.Reason
		is     error
		says   string
	}{
		{"vanishes", "open", func(t *testing.T, p string) { remove(t, p) },
			corpus.ReasonVanished, fs.ErrNotExist, "removed while the corpus was loading"},
		{"replaced by a named pipe", "open", func(t *testing.T, p string) { remove(t, p); fifo(t, filepath.Dir(p), filepath.Base(p)) },
			corpus.ReasonNotRegular, corpus.ErrNotRegular, "a named pipe (FIFO)"},
		{"replaced by a link to /dev/zero", "open", func(t *testing.T, p string) {
			remove(t, p)
			symlink("/dev/zero")(t, filepath.Dir(p), filepath.Base(p))
		}, corpus.ReasonNotRegular, corpus.ErrNotRegular, "a character device"},
		{"grows", "read", func(t *testing.T, p string) { appendTo(t, p, "More text. ") },
			corpus.ReasonChanged, corpus.ErrChanged, "it grew"},
		{"grows past the limit", "read", func(t *testing.T, p string) { sparse(3<<30)(t, filepath.Dir(p), filepath.Base(p)) },
			corpus.ReasonChanged, corpus.ErrChanged, "it grew"},
		{"shrinks", "read", func(t *testing.T, p string) {
			if err := os.Truncate(p, 10); err != nil {
				t.Fatal(err)
			}
		}, corpus.ReasonChanged, corpus.ErrChanged, "it shrank"},
		{"rewritten in place", "read", func(t *testing.T, p string) {
			if err := os.WriteFile(p, []byte(strings.ToUpper(goodText)), 0o644); err != nil {
				t.Fatal(err)
			}
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(p, later, later); err != nil {
				t.Fatal(err)
			}
		}, corpus.ReasonChanged, corpus.ErrChanged, "it was rewritten"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"a.txt": goodText, "b.txt": goodText, "c.txt": goodText})
			b := filepath.Join(dir, "b.txt")
			corpus.SetTestHook(t, func(stage, p string) {
				if stage == tt.stage && p == b {
					tt.change(t, p)
				}
			})
			c, err := loadWithin(t, context.Background(), dir, corpus.LoadOptions{})
			if err != nil {
				t.Fatalf("LoadContext(%q) = %v; want a.txt and c.txt loaded", dir, err)
			}
			if n := len(c.Documents()); n != 2 {
				t.Errorf("LoadContext(%q) has %d documents; want a.txt and c.txt", dir, n)
			}
			if len(c.Skipped()) != 1 {
				t.Fatalf("LoadContext(%q).Skipped() = %v; want b.txt alone", dir, c.Skipped())
			}
			fe := c.Skipped()[0]
			if fe.Path != b || fe.Reason != tt.reason || !errors.Is(fe, tt.is) || !strings.Contains(fe.Error(), tt.says) {
				t.Errorf("LoadContext(%q) skipped %v (%s); want b.txt for %q, errors.Is(err, %v), saying %q", dir, fe, fe.Reason, tt.reason, tt.is, tt.says)
			}
		})
	}
}

func remove(t *testing.T, p string) {
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, p, text string) {
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// TestLoadSparseFileNotRead checks that a 3 GiB file is refused from its
// size, without reading it or reserving room for it.
func TestLoadSparseFileNotRead(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"good.txt": goodText})
	sparse(3<<30)(t, dir, "huge.txt")
	for _, p := range []string{dir, filepath.Join(dir, "huge.txt")} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		loadWithin(t, context.Background(), p, corpus.LoadOptions{})
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
			t.Errorf("LoadContext(%q) allocated %d MiB; want under 16 MiB", p, n>>20)
		}
	}
}

func TestLoadTotalLimit(t *testing.T) {
	dir := t.TempDir()
	page := strings.Repeat(goodText, 2) // 176 bytes
	writeFiles(t, dir, map[string]string{
		"a.txt": page, "b.txt": strings.Repeat(page, 4), "c.txt": page,
		"d.txt": page, "e.txt": page, "f.txt": page,
	})
	// b.txt is over the file limit: skipped, it leaves room for c and d;
	// e.txt would take the total over; f.txt would fit but comes after.
	c, err := loadWithin(t, context.Background(), dir, corpus.LoadOptions{MaxFileBytes: 500, MaxTotalBytes: 3*176 + 100})
	if err != nil {
		t.Fatalf("LoadContext(%q) = %v", dir, err)
	}
	var names []string
	for _, d := range c.Documents() {
		names = append(names, d.Name)
	}
	if want := []string{"a.txt", "c.txt", "d.txt"}; !reflect.DeepEqual(names, want) {
		t.Errorf("LoadContext(%q) documents = %q; want %q", dir, names, want)
	}
	want := map[string]corpus.Reason{"b.txt": corpus.ReasonTooBig, "e.txt": corpus.ReasonOverLimit, "f.txt": corpus.ReasonOverLimit}
	got := map[string]corpus.Reason{}
	for _, fe := range c.Skipped() {
		got[filepath.Base(fe.Path)] = fe.Reason
		if fe.Reason == corpus.ReasonOverLimit && (!errors.Is(fe, corpus.ErrOverLimit) || !strings.Contains(fe.Error(), "limit of 628 bytes") ||
			!strings.Contains(fe.Error(), "raise limits.max_corpus_size")) {
			t.Errorf("LoadContext(%q) skipped %v; want it to name the limit and the setting", dir, fe)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadContext(%q) skipped %v; want %v", dir, got, want)
	}
	if c.Size() != 3*176 {
		t.Errorf("LoadContext(%q).Size() = %d; want %d", dir, c.Size(), 3*176)
	}
}

// bigText returns about n bytes of hard-wrapped prose in paragraphs, with
// page numbers between the pages.
func bigText(n int) string {
	var b strings.Builder
	words := strings.Fields("the first element is official pronouncements and the two most important were speeches by Khrushchev at party congresses in which he denounced Stalin")
	line, page := 0, 1
	for i := 0; b.Len() < n; i++ {
		w := words[i%len(words)]
		if i%97 == 0 {
			w += "."
		}
		b.WriteString(w)
		if i%11 == 10 {
			b.WriteString("\n")
			if line++; line%40 == 0 {
				fmt.Fprintf(&b, "\n%d\n\n", page)
				page++
			} else if line%7 == 0 {
				b.WriteString("\n")
			}
		} else {
			b.WriteString(" ")
		}
	}
	return b.String()
}

func TestLoadCancelled(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"a.txt": goodText})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, p := range []string{dir, filepath.Join(dir, "a.txt")} {
			if _, err := loadWithin(t, ctx, p, corpus.LoadOptions{}); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), p) {
				t.Errorf("LoadContext(cancelled, %q) = %v; want context.Canceled and the path", p, err)
			}
		}
	})
	t.Run("between files", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"a.txt": goodText, "b.txt": goodText, "c.txt": goodText})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		calls := 0
		_, err := loadWithin(t, ctx, dir, corpus.LoadOptions{Progress: func(corpus.Progress) { calls++; cancel() }})
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Errorf("LoadContext cancelled after the first file = %v after %d files; want context.Canceled after 1", err, calls)
		}
	})
	t.Run("before reading", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{"a.txt": goodText})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		corpus.SetTestHook(t, func(stage, _ string) {
			if stage == "read" {
				cancel()
			}
		})
		if _, err := loadWithin(t, ctx, dir, corpus.LoadOptions{}); !errors.Is(err, context.Canceled) {
			t.Errorf("LoadContext cancelled before reading = %v; want context.Canceled", err)
		}
	})
	for _, name := range []string{"big.txt", "big.md"} {
		t.Run("while parsing "+name, func(t *testing.T) {
			// A file that takes seconds to parse, cancelled well into
			// parsing: parsing must stop at its next look at the context.
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{name: bigText(30 << 20)})
			ctx, check := cancelAtLook(t, 64)
			_, err := loadWithin(t, ctx, dir, corpus.LoadOptions{})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("LoadContext cancelled while parsing = %v; want context.Canceled", err)
			}
			check(1)
		})
	}
}

func TestSummary(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"good.txt": goodText, "notes.md": "# Notes\n\nA note.\n", "empty.txt": "",
		"a.docx": "PK", "b.DOCX": "PK", "index.odt": "PK", "README": "Read me.",
		".hidden.docx": "PK", ".git/config": "x",
	})
	fifo(t, dir, "pipe.txt")
	symlink("nowhere.md")(t, dir, "dangling.md")
	c, err := loadWithin(t, context.Background(), dir, corpus.LoadOptions{})
	if err != nil {
		t.Fatalf("LoadContext(%q) = %v", dir, err)
	}
	const want = "read 2 files (105 bytes); skipped 7: 4 unsupported type (.docx 2, .odt 1, no extension 1), 1 not a regular file, 1 broken link, 1 empty"
	if got := c.Summary().String(); got != want {
		t.Errorf("Summary() = %q;\nwant %q", got, want)
	}
	wantSum := corpus.Summary{
		Files: 2, Bytes: 105, Skipped: 7,
		Reasons:     map[corpus.Reason]int{corpus.ReasonUnsupported: 4, corpus.ReasonNotRegular: 1, corpus.ReasonBrokenLink: 1, corpus.ReasonEmpty: 1},
		Unsupported: map[string]int{".docx": 2, ".odt": 1, "": 1},
	}
	if got := c.Summary(); !reflect.DeepEqual(got, wantSum) {
		t.Errorf("Summary() = %+v; want %+v", got, wantSum)
	}

	// An index file keeps it.
	saved := corpus.SaveAndRead(t, c)
	if got := saved.Summary().String(); got != want {
		t.Errorf("Summary() after saving = %q;\nwant %q", got, want)
	}
	for i, fe := range saved.Skipped() {
		if orig := c.Skipped()[i]; fe.Path != orig.Path || fe.Reason != orig.Reason || fe.Error() != orig.Error() {
			t.Errorf("Skipped()[%d] after saving = %v (%s); want %v (%s)", i, fe, fe.Reason, orig, orig.Reason)
		}
	}
}

func TestSummaryString(t *testing.T) {
	tests := []struct {
		name string
		s    corpus.Summary
		want string
	}{
		{"nothing skipped", corpus.Summary{Files: 1, Bytes: 3_565_158}, "read 1 file (3.4 MiB); skipped none"},
		{"no files", corpus.Summary{Skipped: 1, Reasons: map[corpus.Reason]int{corpus.ReasonBinary: 1}},
			"read 0 files (0 bytes); skipped 1: 1 binary"},
		{"most frequent first, ties in reason order", corpus.Summary{Files: 12, Bytes: 1 << 30, Skipped: 6,
			Reasons: map[corpus.Reason]int{corpus.ReasonEmpty: 1, corpus.ReasonTooBig: 2, corpus.ReasonNotRegular: 1, "from the future": 1, corpus.ReasonOther: 1}},
			"read 12 files (1 GiB); skipped 6: 2 too big, 1 not a regular file, 1 empty, 1 other, 1 from the future"},
		{"many extensions", corpus.Summary{Files: 2, Bytes: 1536, Skipped: 12,
			Reasons:     map[corpus.Reason]int{corpus.ReasonUnsupported: 12},
			Unsupported: map[string]int{".a": 1, ".b": 1, ".c": 1, ".d": 1, ".e": 1, ".f": 1, ".g": 1, ".h": 1, ".i": 1, ".j": 1, "": 2}},
			"read 2 files (1.5 KiB); skipped 12: 12 unsupported type (no extension 2, .a 1, .b 1, .c 1, .d 1, .e 1, .f 1, .g 1, 3 extensions more)"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%s: Summary.String() = %q;\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestStamps(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"good.txt": goodText, "a.docx": "PK"})
	symlink("nowhere.txt")(t, dir, "dangling.txt")
	fifo(t, dir, "pipe.txt")
	stamps, err := corpus.Stamps(dir)
	if err != nil {
		t.Fatalf("Stamps(%q) = %v; want no error", dir, err)
	}
	got := map[string]int64{}
	for _, s := range stamps {
		got[filepath.Base(s.Path)] = s.Size
	}
	if want := map[string]int64{"good.txt": int64(len(goodText)), "dangling.txt": -1, "pipe.txt": -1}; !reflect.DeepEqual(got, want) {
		t.Errorf("Stamps(%q) sizes = %v; want %v", dir, got, want)
	}
}

// TestParseLinear parses texts that once took quadratic time; each takes a
// fraction of a second now, and took minutes then.
func TestParseLinear(t *testing.T) {
	var pages strings.Builder // page numbers cutting sentences, 40,000 times
	for i := range 40000 {
		fmt.Fprintf(&pages, "the quick brown fox jumps over the lazy dog and then it runs away from\n%d\nanother line of wrapped prose that keeps going on and on without an end\n", 100+i%5)
	}
	tests := []struct{ name, text string }{
		{"page numbers.txt", pages.String()},
		{"brackets.md", "Text " + strings.Repeat("[", 2<<20) + "\n"},
		{"links.md", "Text " + strings.Repeat("[a](", 1<<19) + "\n"},
		{"tags.md", "Text " + strings.Repeat("<a", 1<<20) + "\n"},
		{"hyphens.txt", "Start " + strings.Repeat("abcdefgh-\n", 100000) + "end.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{tt.name: tt.text})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := corpus.LoadContext(ctx, filepath.Join(dir, tt.name), corpus.LoadOptions{}); err != nil {
				t.Errorf("LoadContext(%s) = %v; want it parsed within 30s", tt.name, err)
			}
		})
	}
}

func TestTooManyLines(t *testing.T) {
	tests := []struct {
		name, text string
		ok         bool
	}{
		{"\\n", strings.Repeat("a\n", corpus.MaxLines+1), false},
		{"\\r", strings.Repeat("a\r", corpus.MaxLines+1), false},
	}
	for _, tt := range tests {
		var b corpus.Builder
		err := b.Add("f.txt", "f.txt", []byte(tt.text))
		if tt.ok && err != nil || !tt.ok && (!errors.Is(err, corpus.ErrTooBig) || !strings.Contains(fmt.Sprint(err), "lines")) {
			t.Errorf("Add(%s lines) = %v; want ok %v (else ErrTooBig for the lines)", tt.name, err, tt.ok)
		}
	}
}

func TestFrontMatterLimits(t *testing.T) {
	keys := func(n int, format string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, format, i)
		}
		return b.String()
	}
	tests := []struct {
		name, front string
		says        string // "": accepted
	}{
		{"1,000 keys", "title: T\n" + keys(999, "k%d: v\n"), ""},
		{"1,001 keys", "title: T\n" + keys(1000, "k%d: v\n"), "more than 1000 keys"},
		{"60,000 keys", "title: T\n" + keys(60000, "k%d: v\n"), "within 64 KiB"},
		{"nested keys", "title: T\nmore:\n" + keys(1000, "  k%d: v\n"), "more than 1000 keys"},
		{"flow mapping", "title: T\nmore: {" + keys(1000, "k%d: v, ") + "}\n", "more than 1000 keys"},
		{"keys repeated by aliases", "title: T\nbase: &b {" + keys(20, "k%d: v, ") + "}\nmore: [" + strings.Repeat("*b, ", 60) + "]\n", "more than 1000 keys"},
		{"long values", "title: T\nsummary: " + strings.Repeat("x", 70<<10) + "\n", "within 64 KiB"},
		{"repeated key", "title: A\ntitle: B\n", "already defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b corpus.Builder
			err := b.Add("f.md", "f.md", []byte("---\n"+tt.front+"---\nSome text.\n"))
			switch {
			case tt.says == "" && err != nil:
				t.Errorf("Add(%s) = %v; want nil", tt.name, err)
			case tt.says != "" && (!errors.Is(err, corpus.ErrFrontMatter) || !strings.Contains(fmt.Sprint(err), tt.says)):
				t.Errorf("Add(%s) = %v; want a front-matter error saying %q", tt.name, err, tt.says)
			}
		})
	}
}

// BenchmarkLoadManyFiles loads a folder of 100,000 small files.
func BenchmarkLoadManyFiles(b *testing.B) {
	dir := b.TempDir()
	for i := range 100000 {
		sub := filepath.Join(dir, fmt.Sprintf("d%03d", i/1000))
		if i%1000 == 0 {
			if err := os.Mkdir(sub, 0o755); err != nil {
				b.Fatal(err)
			}
		}
		text := fmt.Sprintf("File number %d has a sentence. And it has another one, with words in it.\n", i)
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%05d.txt", i)), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		c, err := corpus.LoadContext(context.Background(), dir, corpus.LoadOptions{})
		if err != nil || len(c.Documents()) != 100000 {
			b.Fatalf("LoadContext = %v", err)
		}
	}
}

// BenchmarkLoadSparseFile refuses a 3 GiB file; it reports the bytes
// allocated per load.
func BenchmarkLoadSparseFile(b *testing.B) {
	dir := b.TempDir()
	writeFiles(b, dir, map[string]string{"good.txt": goodText})
	f, err := os.Create(filepath.Join(dir, "huge.txt"))
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(3 << 30); err != nil {
		b.Skip(err)
	}
	f.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := corpus.LoadContext(context.Background(), dir, corpus.LoadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFrontMatterKeys parses front matter of 1,000 keys, the most
// allowed, and of 60,000, refused.
func BenchmarkFrontMatterKeys(b *testing.B) {
	for _, n := range []int{1000, 60000} {
		var fm strings.Builder
		fm.WriteString("---\n")
		for i := range n - 1 {
			fmt.Fprintf(&fm, "k%d: v\n", i)
		}
		fm.WriteString("title: T\n---\nSome text.\n")
		data := []byte(fm.String())
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				var bl corpus.Builder
				bl.Add("f.md", "f.md", data)
			}
		})
	}
}
