// Package watch tells when the files of corpora change. It watches
// folders recursively (fsnotify watches one folder at a time), adding
// folders as they appear; it ignores hidden files and folders (as corpus
// loading does), files of types lectern does not read, and files it is
// told to ignore (index files); and it reports a burst of changes once,
// when they have stopped for a moment.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"lectern/corpus"
)

// Default timings of a Watcher.
const (
	// DefaultQuiet is how long no change must come before a burst of
	// changes is reported.
	DefaultQuiet = 2 * time.Second
	// DefaultMax is the longest a burst is held back, however long it
	// goes on.
	DefaultMax = 30 * time.Second
)

// maxCounted bounds the paths a burst counts, for its report.
const maxCounted = 10000

// Options configure a Watcher.
type Options struct {
	// Quiet and Max time the report of a burst of changes: once no change
	// has come for Quiet, or Max after the first; zero values mean
	// DefaultQuiet and DefaultMax.
	Quiet, Max time.Duration
	// Logger receives problems watching (nil: slog.Default()).
	Logger *slog.Logger
}

// Watcher watches corpora: files, or folders with everything in them. It
// calls its changed func once per burst of changes, from its own
// goroutine.
type Watcher struct {
	fs      *fsnotify.Watcher
	changed func(why string)
	quiet   time.Duration
	maxWait time.Duration
	log     *slog.Logger

	mu      sync.Mutex
	roots   []root
	ignore  map[string]bool
	watched map[string]bool // folders watched: the roots' parents, the folders in them

	closing chan struct{}
	done    chan struct{}
}

// root is one corpus.
type root struct {
	path string // absolute, clean
	dir  bool
}

// New starts a watcher with nothing to watch yet (see Set). changed is
// called with why, such as "/srv/books/a.txt was written (and 3 more files or
// folders changed)", after each burst of changes.
func New(changed func(why string), opts Options) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w := &Watcher{fs: fw, changed: changed, quiet: opts.Quiet, maxWait: opts.Max, log: opts.Logger,
		ignore: map[string]bool{}, watched: map[string]bool{}, closing: make(chan struct{}), done: make(chan struct{})}
	if w.quiet <= 0 {
		w.quiet = DefaultQuiet
	}
	if w.maxWait <= 0 {
		w.maxWait = DefaultMax
	}
	if w.log == nil {
		w.log = slog.Default()
	}
	go w.loop()
	return w, nil
}

// Set watches the corpora at paths from now on, and no others, ignoring
// changes to the files ignore names. A corpus may be a file (its folder is
// watched for it) or a folder, watched with everything in it; its parent
// folder is watched too, so that a corpus removed, replaced or re-pointed
// (a symbolic link) is noticed. Folders that cannot be watched are
// logged and skipped; the error is the first of them.
func (w *Watcher) Set(paths, ignore []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.roots = w.roots[:0]
	w.ignore = map[string]bool{}
	for _, p := range ignore {
		if abs, err := filepath.Abs(p); err == nil {
			w.ignore[abs] = true
		}
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		fi, err := os.Stat(abs)
		w.roots = append(w.roots, root{path: abs, dir: err == nil && fi.IsDir()})
	}
	old := w.watched
	w.watched = map[string]bool{}
	var first error
	for _, r := range w.roots {
		if err := w.addRootLocked(r); err != nil && first == nil {
			first = err
		}
	}
	for p := range old {
		if !w.watched[p] {
			_ = w.fs.Remove(p) // gone already, as often as not
		}
	}
	return first
}

// addRootLocked watches a root's parent and, for a folder, the folders in
// it.
func (w *Watcher) addRootLocked(r root) error {
	err := w.addLocked(filepath.Dir(r.path))
	if r.dir {
		if err2 := w.addTreeLocked(r.path); err == nil {
			err = err2
		}
	}
	return err
}

// addLocked watches one folder.
func (w *Watcher) addLocked(dir string) error {
	if w.watched[dir] {
		return nil
	}
	if err := w.fs.Add(dir); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.log.Warn("corpus.watch: cannot watch a folder: changes in it are not noticed (send SIGHUP to reload)", "folder", dir, "error", err)
		}
		return err
	}
	w.watched[dir] = true
	return nil
}

// addTreeLocked watches dir and every folder in it that is not hidden,
// without following symbolic links (as corpus loading does not).
func (w *Watcher) addTreeLocked(dir string) error {
	err := w.addLocked(dir)
	if err != nil {
		return err
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			if err2 := w.addTreeLocked(filepath.Join(dir, e.Name())); err == nil && !errors.Is(err2, fs.ErrNotExist) {
				err = err2
			}
		}
	}
	return err
}

// forgetLocked drops the folders at and under path, which are gone (the
// system removes their watches itself).
func (w *Watcher) forgetLocked(path string) {
	for p := range w.watched {
		if p == path || strings.HasPrefix(p, path+string(filepath.Separator)) {
			delete(w.watched, p)
			_ = w.fs.Remove(p)
		}
	}
}

// Close stops watching. The changed func is not called after Close
// returns.
func (w *Watcher) Close() error {
	select {
	case <-w.closing:
		return nil
	default:
	}
	close(w.closing)
	err := w.fs.Close()
	<-w.done
	return err
}

// loop gathers events into bursts and reports each.
func (w *Watcher) loop() {
	defer close(w.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var (
		first, last time.Time
		paths       = map[string]bool{} // changed in this burst
		why         string
	)
	note := func(path, what string) {
		now := time.Now()
		if len(paths) == 0 {
			first, why = now, what
		}
		if len(paths) < maxCounted {
			paths[path] = true
		}
		last = now
		due := last.Add(w.quiet)
		if limit := first.Add(w.maxWait); limit.Before(due) {
			due = limit
		}
		timer.Reset(due.Sub(now))
	}
	for {
		select {
		case <-w.closing:
			timer.Stop()
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if what, ok := w.relevant(ev); ok {
				note(filepath.Clean(ev.Name), what)
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: look again at everything.
				w.rescan()
				note("", "too many changes at once to follow each")
				continue
			}
			w.log.Warn("corpus.watch", "error", err)
		case <-timer.C:
			if len(paths) == 0 {
				continue
			}
			switch n := len(paths) - 1; {
			case n == 1:
				why += " (and 1 more file or folder changed)"
			case n >= maxCounted-1:
				why += fmt.Sprintf(" (and over %d more files or folders changed)", n)
			case n > 1:
				why += fmt.Sprintf(" (and %d more files or folders changed)", n)
			}
			clear(paths)
			select {
			case <-w.closing:
				return
			default:
				w.changed(why)
			}
		}
	}
}

// rescan watches the roots again, with the folders that appeared unseen.
func (w *Watcher) rescan() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range w.roots {
		_ = w.addRootLocked(r)
	}
}

// relevant says whether ev changes a corpus, and how, for the log; it
// watches a folder that appeared in a corpus.
func (w *Watcher) relevant(ev fsnotify.Event) (string, bool) {
	name := filepath.Clean(ev.Name)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ignore[name] {
		return "", false
	}
	what := name + " " + verb(ev.Op)
	for i, r := range w.roots {
		switch {
		case name == r.path:
			// The corpus itself: created, replaced, removed.
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				w.forgetLocked(name)
			}
			if ev.Has(fsnotify.Create) {
				w.forgetLocked(name) // a folder replaced: its old watches are stale
				fi, err := os.Stat(name)
				w.roots[i].dir = err == nil && fi.IsDir()
				_ = w.addRootLocked(w.roots[i])
			}
			return what, true
		case !r.dir || !strings.HasPrefix(name, r.path+string(filepath.Separator)):
			continue
		}
		rel := name[len(r.path)+1:]
		if slices.ContainsFunc(strings.Split(rel, string(filepath.Separator)), func(s string) bool { return strings.HasPrefix(s, ".") }) {
			return "", false
		}
		switch {
		case ev.Has(fsnotify.Create):
			if fi, err := os.Lstat(name); err == nil && fi.IsDir() {
				_ = w.addTreeLocked(name)
				return what, true
			}
		case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
			if w.watched[name] {
				w.forgetLocked(name)
				return what, true
			}
		}
		return what, readable(name)
	}
	return "", false
}

// readable says whether corpus loading reads a file by its name.
func readable(name string) bool {
	return slices.Contains(corpus.Extensions, strings.ToLower(filepath.Ext(name)))
}

// verb says what happened, for the log.
func verb(op fsnotify.Op) string {
	switch {
	case op.Has(fsnotify.Create):
		return "was added"
	case op.Has(fsnotify.Remove):
		return "was removed"
	case op.Has(fsnotify.Rename):
		return "was moved away"
	case op.Has(fsnotify.Write):
		return "was written"
	}
	return "changed"
}
