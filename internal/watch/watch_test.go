package watch_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lectern/internal/watch"
)

const quiet = 100 * time.Millisecond

// changes is a watcher's reports.
type changes chan string

// start watches paths, ignoring ignore, with a short quiet time.
func start(t *testing.T, max time.Duration, paths, ignore []string) (*watch.Watcher, changes) {
	t.Helper()
	c := make(changes, 100)
	w, err := watch.New(func(why string) { c <- why }, watch.Options{Quiet: quiet, Max: max})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.Set(paths, ignore); err != nil {
		t.Fatal(err)
	}
	return w, c
}

// one waits for a report, and checks that no other follows.
func (c changes) one(t *testing.T, want string) {
	t.Helper()
	select {
	case why := <-c:
		if !strings.Contains(why, want) {
			t.Errorf("change %q; want it to say %q", why, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no change reported; want one saying %q", want)
	}
	c.none(t)
}

// none checks that nothing is reported for a while.
func (c changes) none(t *testing.T) {
	t.Helper()
	select {
	case why := <-c:
		t.Errorf("change reported: %q; want none", why)
	case <-time.After(4 * quiet):
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBurst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	books := filepath.Join(dir, "books")
	os.MkdirAll(filepath.Join(books, "old", "deep"), 0o755)
	_, c := start(t, time.Minute, []string{books}, nil)
	for i := range 5 {
		write(t, filepath.Join(books, "a"+string(rune('0'+i))+".txt"), "Text.")
	}
	write(t, filepath.Join(books, "old", "deep", "b.md"), "Deep text.")
	c.one(t, "and 5 more files or folders changed")

	write(t, filepath.Join(books, "old", "deep", "b.md"), "Changed.")
	c.one(t, filepath.Join(books, "old", "deep", "b.md")+" was written")
	os.Remove(filepath.Join(books, "a0.txt"))
	c.one(t, "a0.txt was removed")
}

func TestIgnored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	books := filepath.Join(dir, "books")
	os.MkdirAll(filepath.Join(books, ".git"), 0o755)
	index := filepath.Join(books, "books.idx")
	_, c := start(t, time.Minute, []string{books}, []string{index})
	write(t, filepath.Join(books, ".hidden.txt"), "x")
	write(t, filepath.Join(books, ".git", "HEAD.txt"), "x")
	write(t, filepath.Join(books, ".books.idx.tmp-123abc"), "x")
	write(t, index, "x")
	write(t, filepath.Join(books, "notes.docx"), "x")
	write(t, filepath.Join(books, "draft.txt~"), "x")
	os.Mkdir(filepath.Join(books, ".cache"), 0o755)
	write(t, filepath.Join(books, ".cache", "c.txt"), "x")
	write(t, filepath.Join(dir, "beside.txt"), "x") // beside the corpus, not in it
	c.none(t)
}

// TestNewFolder: a folder made in a corpus is watched too.
func TestNewFolder(t *testing.T) {
	t.Parallel()
	books := filepath.Join(t.TempDir(), "books")
	os.Mkdir(books, 0o755)
	_, c := start(t, time.Minute, []string{books}, nil)
	sub := filepath.Join(books, "new", "deeper")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	c.one(t, "new was added")
	write(t, filepath.Join(sub, "x.txt"), "x")
	c.one(t, "x.txt was added")
	os.RemoveAll(filepath.Join(books, "new"))
	c.one(t, "was removed")
}

// TestFile: a corpus that is one file is watched through its folder.
func TestFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	book := filepath.Join(dir, "book.txt")
	write(t, book, "Text.")
	_, c := start(t, time.Minute, []string{book}, nil)
	write(t, filepath.Join(dir, "other.txt"), "x")
	c.none(t)
	write(t, book, "New text.")
	c.one(t, "book.txt was written")
	// Saved as editors do: written beside, renamed over it.
	write(t, filepath.Join(dir, "book.txt.new"), "Newer.")
	os.Rename(filepath.Join(dir, "book.txt.new"), book)
	c.one(t, "book.txt was added")
}

// TestReplaced: a corpus folder moved away and made again, or a symbolic
// link to it re-pointed, is watched anew.
func TestReplaced(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	books := filepath.Join(dir, "books")
	os.Mkdir(books, 0o755)
	_, c := start(t, time.Minute, []string{books}, nil)
	os.Rename(books, filepath.Join(dir, "books.old"))
	os.Mkdir(books, 0o755)
	c.one(t, "books")
	write(t, filepath.Join(books, "a.txt"), "x")
	c.one(t, "a.txt was added")
	write(t, filepath.Join(dir, "books.old", "b.txt"), "x")
	c.none(t)

	v1, v2 := filepath.Join(dir, "v1"), filepath.Join(dir, "v2")
	os.Mkdir(v1, 0o755)
	os.Mkdir(v2, 0o755)
	link := filepath.Join(dir, "current")
	os.Symlink(v1, link)
	_, lc := start(t, time.Minute, []string{link}, nil)
	write(t, filepath.Join(v1, "a.txt"), "x")
	lc.one(t, "a.txt was added")
	os.Symlink(v2, link+".new")
	os.Rename(link+".new", link)
	lc.one(t, "current")
	write(t, filepath.Join(v2, "b.txt"), "x")
	lc.one(t, filepath.Join(link, "b.txt"))
}

// TestMax: changes that never stop are still reported, every Max.
func TestMax(t *testing.T) {
	t.Parallel()
	books := t.TempDir()
	_, c := start(t, 5*quiet, []string{books}, nil)
	stop := time.Now().Add(15 * quiet)
	for time.Now().Before(stop) {
		write(t, filepath.Join(books, "a.txt"), time.Now().String())
		time.Sleep(quiet / 3)
	}
	if n := len(c); n < 2 {
		t.Errorf("%d changes reported during %v of changes with Max %v; want at least 2", n, 15*quiet, 5*quiet)
	}
}

// TestSet: Set replaces what is watched; Close stops reports.
func TestSet(t *testing.T) {
	t.Parallel()
	a, b := t.TempDir(), t.TempDir()
	w, c := start(t, time.Minute, []string{a}, nil)
	if err := w.Set([]string{b}, nil); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(a, "x.txt"), "x")
	c.none(t)
	write(t, filepath.Join(b, "x.txt"), "x")
	c.one(t, "x.txt")
	write(t, filepath.Join(b, "y.txt"), "x")
	w.Close()
	c.none(t)
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}
