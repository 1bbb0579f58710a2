package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"lectern/retrieval/index"
	"path/filepath"

	"lectern/corpus"
	"lectern/internal/atomicfile"
	"lectern/internal/binfile"
)

// Source names what to answer from: a corpus, a saved index file, or both.
type Source struct {
	// Corpus is the file or folder to answer from. "" means the corpus the
	// index file was built from or, without an index file, the embedded
	// page.
	Corpus string
	// Index is a saved index file (see SaveEngine); "" for none.
	Index string
	// Force builds from the corpus and writes the index file whatever it
	// holds, as "lectern index" does; without Corpus, the corpus is the one
	// the index file says it was built from, if it says so, or else the
	// embedded page. Failing to write is then an error.
	Force bool
	// Options configure the engine.
	Options Options
	// Load limits reading the corpus and reports its progress.
	Load corpus.LoadOptions
	// Indexing, if not nil, is called from time to time while the corpus's
	// sentences are indexed, with how many of total are done.
	Indexing func(done, total int)
	// Loaded, if not nil, is called with a corpus read from its files,
	// before it is indexed, so that its skipped files can be reported.
	Loaded func(*corpus.Corpus)
	// Note, if not nil, receives each thing Open did that a user should
	// know, as one sentence: why an index file was rebuilt, or why it was
	// not used or not written.
	Note func(string)
}

// Opened is what Open did.
type Opened struct {
	Engine *Engine
	// Corpus is the corpus answered from, as an absolute path, or "" for
	// the embedded page.
	Corpus string
	// FromIndex says the engine was loaded from the index file rather
	// than built from the corpus.
	FromIndex bool
	// Wrote is the size of the index file Open wrote, 0 if it wrote none.
	Wrote int64
}

// SaveError is an index file that could not be written when the caller
// asked for it to be (Source.Force).
type SaveError struct {
	Path string
	Err  error
}

// Error says which index file could not be saved, and why.
func (e *SaveError) Error() string { return "save index " + e.Path + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *SaveError) Unwrap() error { return e.Err }

// ErrNoCorpus is returned by Open when the index file cannot be used and
// nothing says which corpus to build instead.
var ErrNoCorpus = errors.New("no corpus to answer from")

// Open returns an engine for src, using its index file when that file
// belongs to the corpus and is up to date, and otherwise building from the
// corpus. The rules, each reported through src.Note:
//
//   - No index file: build from the corpus (the embedded page if none).
//   - Up to date: the file records the corpus it was built from, with each
//     file's size and modification time; when they still hold, it is
//     loaded. Without src.Corpus the file's own corpus is used; if that
//     corpus is no longer on disk, the file is used as it is.
//   - The same corpus, changed, or the file damaged, built by another
//     version or with other analysis: rebuild and write the file again.
//   - Missing: build and write it.
//   - Built from another corpus than src.Corpus, not an index file at all,
//     unreadable, or not a regular file: build from src.Corpus and leave
//     the file alone, saying what to run to save an index for it.
//   - Cannot be written: answer anyway and say why.
//
// Without src.Corpus, an index file that cannot be used is an error
// wrapping ErrNoCorpus. Reading the corpus fails as corpus.LoadContext
// does; when ctx is done, Open stops and returns ctx's error.
func Open(ctx context.Context, src Source) (*Opened, error) {
	o := opener{src: src}
	if src.Corpus != "" {
		abs, err := filepath.Abs(src.Corpus)
		if err != nil {
			return nil, err
		}
		o.corpus = abs
	}
	switch {
	case src.Index == "":
		return o.build(ctx, o.corpus, false)
	case src.Force:
		if src.Corpus == "" {
			if saved, err := peekSaved(src.Index); err == nil && !saved.Created.IsZero() && saved.Corpus != "" {
				o.corpus = saved.Corpus
				o.note("rebuilding index %s from %s, the corpus it was built from", src.Index, saved.Corpus)
			}
		}
		return o.build(ctx, o.corpus, true)
	}
	return o.withIndex(ctx)
}

type opener struct {
	src    Source
	corpus string // absolute; "" when not given
}

func (o *opener) note(format string, args ...any) {
	if o.src.Note != nil {
		o.src.Note(fmt.Sprintf(format, args...))
	}
}

func (o *opener) withIndex(ctx context.Context) (*Opened, error) {
	index := o.src.Index
	e, saved, err := LoadEngine(index, o.src.Options)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	given := o.src.Corpus != ""
	switch {
	case err == nil:
		if given && saved.Corpus != o.corpus {
			return o.other(ctx, saved.Corpus)
		}
		return o.check(ctx, e, saved)
	case errors.Is(err, fs.ErrNotExist):
		if !given {
			return nil, fmt.Errorf("index %s does not exist and no corpus is named: build it with 'lectern index --corpus PATH --out %s', or name the corpus with --corpus: %w", index, index, ErrNoCorpus)
		}
		o.note("index %s does not exist yet; building it from %s", index, o.corpus)
		return o.build(ctx, o.corpus, true)
	case errors.Is(err, binfile.ErrNotIndex):
		return o.leave(ctx, err, "it is not a lectern index file")
	case errors.Is(err, ErrStale) || errors.Is(err, binfile.ErrVersion):
		why := "was built with other analysis settings"
		if errors.Is(err, binfile.ErrVersion) {
			why = "was written by another version of lectern"
			saved, _ = peekSaved(index)
		}
		known := !saved.Created.IsZero() // the file says which corpus it holds
		switch {
		case given && known && saved.Corpus != o.corpus:
			return o.other(ctx, saved.Corpus)
		case !given && !known:
			return nil, fmt.Errorf("index %s %s and does not say which corpus it was built from: name the corpus with --corpus to rebuild it: %w", index, why, ErrNoCorpus)
		case !given:
			o.corpus = saved.Corpus
		}
		o.note("index %s %s; rebuilding it from %s", index, why, o.what())
		return o.build(ctx, o.corpus, true)
	case errors.Is(err, binfile.ErrCorrupt) || errors.Is(err, binfile.ErrTruncated):
		if !given {
			return nil, fmt.Errorf("index %s is damaged (%v) and no corpus is named to rebuild it from: name the corpus with --corpus: %w", index, err, ErrNoCorpus)
		}
		o.note("index %s is damaged (%v); rebuilding it from %s", index, err, o.what())
		return o.build(ctx, o.corpus, true)
	default: // unreadable, a folder, a FIFO, an I/O error
		return o.leave(ctx, err, "it cannot be read")
	}
}

// check uses a loaded engine if its corpus has not changed since, and
// rebuilds it otherwise.
func (o *opener) check(ctx context.Context, e *Engine, saved Saved) (*Opened, error) {
	o.corpus = saved.Corpus
	if saved.Corpus == "" {
		return &Opened{Engine: e, FromIndex: true}, nil
	}
	now, err := corpus.Stamps(saved.Corpus)
	if err != nil {
		if o.src.Corpus == "" && errors.Is(err, fs.ErrNotExist) {
			o.note("the corpus index %s was built from, %s, is not there: answering from the index as it was built on %s", o.src.Index, saved.Corpus, saved.Created.Format("2006-01-02 15:04 MST"))
			return &Opened{Engine: e, Corpus: saved.Corpus, FromIndex: true}, nil
		}
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	why := changed(saved.Files, now)
	if file, total := o.src.Load.Limits(); why == "" && saved.Limits != [2]int64{file, total} {
		why = fmt.Sprintf("the size limits were %d and %d bytes, now %d and %d", saved.Limits[0], saved.Limits[1], file, total)
	}
	if why != "" {
		o.note("index %s is older than the corpus (%s); rebuilding it", o.src.Index, why)
		return o.build(ctx, saved.Corpus, true)
	}
	return &Opened{Engine: e, Corpus: saved.Corpus, FromIndex: true}, nil
}

// other builds from the given corpus when the index file belongs to
// another, leaving the file alone.
func (o *opener) other(ctx context.Context, from string) (*Opened, error) {
	if from == "" {
		from = "the embedded page"
	}
	out, err := o.build(ctx, o.corpus, false)
	if err != nil {
		return nil, err
	}
	o.note("index %s was built from %s, not %s: it is left as it is, and lectern answers from %s without saving an index (to save one, run 'lectern index --corpus %s --out FILE' and use that file)",
		o.src.Index, from, o.corpus, o.corpus, o.src.Corpus)
	return out, nil
}

// leave builds from the given corpus when the index file cannot be used
// and must not be replaced.
func (o *opener) leave(ctx context.Context, err error, why string) (*Opened, error) {
	if o.src.Corpus == "" {
		return nil, fmt.Errorf("index %s cannot be used (%v) and no corpus is named: %w", o.src.Index, err, ErrNoCorpus)
	}
	out, berr := o.build(ctx, o.corpus, false)
	if berr != nil {
		return nil, berr
	}
	o.note("index %s is not used (%s: %v); it is left as it is, and lectern answers from %s without saving an index", o.src.Index, why, err, o.corpus)
	return out, nil
}

// what names the corpus for notes.
func (o *opener) what() string {
	if o.corpus == "" {
		return "the embedded page"
	}
	return o.corpus
}

// build loads the corpus at path ("" for the embedded page), indexes it
// and, if save, writes the index file.
func (o *opener) build(ctx context.Context, path string, save bool) (*Opened, error) {
	var c *corpus.Corpus
	saved := Saved{Corpus: path}
	if path == "" {
		c = corpus.Default()
	} else {
		stamps, err := corpus.Stamps(path)
		if err != nil {
			return nil, fmt.Errorf("load corpus: %w", err)
		}
		saved.Files = stamps
		saved.Limits[0], saved.Limits[1] = o.src.Load.Limits()
		if save && o.src.Force {
			// Fail before the work, not after it.
			if err := atomicfile.Check(o.src.Index, saveOptions(saved)); err != nil {
				return nil, &SaveError{Path: o.src.Index, Err: err}
			}
		}
		if c, err = corpus.LoadContext(ctx, path, o.src.Load); err != nil {
			return nil, err
		}
		if o.src.Loaded != nil {
			o.src.Loaded(c)
		}
	}
	var progress func(int)
	if o.src.Indexing != nil {
		total := c.Len()
		progress = func(done int) { o.src.Indexing(done, total) }
	}
	e, err := NewEngineContext(ctx, c, o.src.Options, progress)
	if err != nil {
		return nil, err
	}
	out := &Opened{Engine: e, Corpus: path}
	if !save {
		return out, nil
	}
	n, err := SaveEngineContext(ctx, o.src.Index, e, saved)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if o.src.Force {
			return nil, &SaveError{Path: o.src.Index, Err: err}
		}
		o.note("could not save the index to %s (%v); answering without it", o.src.Index, err)
		return out, nil
	}
	if !o.src.Force {
		o.note("saved the index to %s", o.src.Index)
	}
	out.Wrote = n
	return out, nil
}

// changed says how a corpus's files differ from when an index was built,
// or "" if they do not.
func changed(then, now []corpus.FileStamp) string {
	old := map[string]corpus.FileStamp{}
	for _, f := range then {
		old[f.Path] = f
	}
	for _, f := range now {
		o, ok := old[f.Path]
		switch {
		case !ok:
			return f.Path + " is new"
		case o.Size != f.Size || o.ModTime != f.ModTime:
			return f.Path + " changed"
		}
		delete(old, f.Path)
	}
	for p := range old {
		return p + " is gone"
	}
	return ""
}

// peekSaved reads what an index file says it was built from without
// checking the rest of it: for files of another version, whose layout of
// sections is the same.
func peekSaved(path string) (Saved, error) {
	m, err := binfile.Map(path, index.FileMagic)
	if err != nil {
		return Saved{}, err
	}
	data := m.Bytes()
	for _, s := range binfile.Layout(data) {
		if s.Tag == "i.meta" {
			var meta fileMeta
			if err := json.Unmarshal(data[s.Offset:s.Offset+s.Len], &meta); err != nil {
				return Saved{}, err
			}
			return meta.Saved, nil
		}
	}
	return Saved{}, binfile.ErrCorrupt
}

// protected are the files an index file must never replace: the corpus's
// own.
func protected(saved Saved) []string {
	out := make([]string, 0, len(saved.Files)+1)
	if saved.Corpus != "" {
		out = append(out, saved.Corpus)
	}
	for _, f := range saved.Files {
		out = append(out, f.Path)
	}
	return out
}
