package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"lectern/retrieval/index"
	"os"
	"strconv"
	"time"

	"lectern/corpus"
	"lectern/internal/atomicfile"
	"lectern/internal/binfile"
)

// An index file holds a whole Engine: the corpus's documents, paragraphs
// and sentences (corpus.WriteSections), and the index over them
// (index.WriteSections), so that starting from it needs no parsing or
// analysis; see index.FileVersion.

// ErrStale is returned by LoadEngine for an index file built with other
// analysis settings than the ones asked for.
var ErrStale = index.ErrStale

// Saved describes what an index file was built from.
type Saved struct {
	// Corpus is the corpus path as given when it was built ("" for the
	// embedded page).
	Corpus string `json:"corpus"`
	// Files are the corpus's files as they were then.
	Files []corpus.FileStamp `json:"files"`
	// Created is when the file was written.
	Created time.Time `json:"created"`
	// Limits are the per-file and total size limits the corpus was read
	// with (corpus.LoadOptions.Limits): other limits may read other files.
	Limits [2]int64 `json:"limits,omitzero"`
}

// fileMeta is an index file's header: the index's, and the engine's
// beside it. Version 2 of the file added "language".
type fileMeta struct {
	index.Header
	// Language is the language the engine was asked to give documents
	// whose source states none (Options.Language, normalised): "" for
	// detection.
	Language string `json:"language"`
	Saved    Saved  `json:"saved"`
}

// createdNow returns the time an index file records as its making: now,
// or the time SOURCE_DATE_EPOCH gives in seconds since 1970 when it is set,
// as reproducible builds do, so that building the same corpus twice writes
// the same bytes (the index itself does not depend on timing or the order
// of concurrent work).
func createdNow() (time.Time, error) {
	v, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok || v == "" {
		return time.Now().UTC(), nil
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if err != nil || secs < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", v)
	}
	return time.Unix(secs, 0).UTC(), nil
}

// SaveEngine writes e to path, through a temporary file renamed into place
// so that a reader never sees half a file; see SaveEngineContext.
func SaveEngine(path string, e *Engine, saved Saved) (int64, error) {
	return SaveEngineContext(context.Background(), path, e, saved)
}

// SaveEngineContext writes e to path as atomicfile.Write does: a symbolic
// link's target is replaced and the link kept, an existing file keeps its
// permissions, a new one gets 0666 less the umask, and folders, FIFOs,
// devices, the corpus's own files (saved.Corpus and saved.Files) and any
// other file that is not empty and not a lectern index file are refused
// (ErrNotIndexFile), so that a mistyped path cannot destroy a document. When ctx is done or writing fails, path is left as it was and no
// temporary file remains. A zero saved.Created is taken as now, or as
// SOURCE_DATE_EPOCH when that is set: the same engine saved with the same
// Saved gives the same bytes.
func SaveEngineContext(ctx context.Context, path string, e *Engine, saved Saved) (int64, error) {
	if saved.Created.IsZero() {
		created, err := createdNow()
		if err != nil {
			return 0, err
		}
		saved.Created = created
	}
	// The file is written as it is made, section by section, never held
	// in memory whole.
	var size int64
	err := atomicfile.WriteFunc(ctx, path, func(out io.Writer) error {
		w := binfile.NewStream(out, index.FileMagic, index.FileVersion)
		if err := e.c.WriteSections(w); err != nil {
			return err
		}
		meta, err := json.Marshal(fileMeta{Header: e.ix.Header(), Language: configuredLanguage(e.opts.Language), Saved: saved})
		if err != nil {
			return err
		}
		e.ix.WriteSections(w, meta)
		size, err = w.Close()
		return err
	}, saveOptions(saved))
	if err != nil {
		return 0, err
	}
	return size, nil
}

// ErrNotIndexFile is returned by SaveEngine for a path that holds a file
// other than a lectern index: it replaces only its own files.
var ErrNotIndexFile = errors.New("exists and is not a lectern index file")

// saveOptions are what SaveEngine must not replace.
func saveOptions(saved Saved) atomicfile.Options {
	// No sync: an index file is checksummed and rebuilt when damaged, and
	// syncing 150 MB would hold up an interrupt for seconds.
	return atomicfile.Options{Protect: protected(saved), Replaceable: replaceable, NoSync: true}
}

// replaceable accepts an empty file or an index file: SaveEngine replaces
// nothing else.
func replaceable(f *os.File) error {
	head := make([]byte, len(index.FileMagic))
	n, err := io.ReadFull(f, head)
	if n == 0 || (err == nil && string(head) == index.FileMagic) {
		return nil
	}
	return fmt.Errorf("%s %w: lectern replaces only its own index files; name another file, or remove this one first", f.Name(), ErrNotIndexFile)
}

// LoadEngine reads an index file written by SaveEngine. opts must ask for
// the analysis the file was built with (ErrStale otherwise): the same
// Options.Language, and lectern's analysis of each language the file
// holds; other options, BM25's parameters included, apply as given. A file that is truncated,
// corrupt, of another version or not an index at all is an error wrapping
// one of binfile's, never a crash.
//
// The engine works from a private snapshot of the file (binfile.Map), so
// that nothing done to the file while it runs (rewriting it in place,
// truncating it, replacing it) can change its answers or crash it. On Linux
// the snapshot is a mapped, nameless copy whose pages are released once
// checked and come back as searches touch them, so the resident memory is
// the working set; elsewhere the file is read into memory.
func LoadEngine(path string, opts Options) (*Engine, Saved, error) {
	m, err := binfile.Map(path, index.FileMagic)
	if err != nil {
		return nil, Saved{}, err
	}
	r, err := m.Open(index.FileMagic, index.FileVersion)
	if err != nil {
		return nil, Saved{}, err
	}
	e, saved, err := readEngine(r, opts)
	if err == nil {
		m.Release()
	}
	return e, saved, err
}

func readEngine(r *binfile.Reader, opts Options) (*Engine, Saved, error) {
	opts = opts.withDefaults()
	c, err := corpus.ReadSections(r)
	if err != nil {
		return nil, Saved{}, err
	}
	var meta fileMeta
	if err := index.ReadHeader(r, &meta); err != nil {
		return nil, Saved{}, err
	}
	if meta.Language != configuredLanguage(opts.Language) {
		return nil, meta.Saved, ErrStale
	}
	ix, err := index.ReadSections(r, meta.Header, engineAnalyzerFor, opts.BM25)
	if err != nil {
		return nil, meta.Saved, err
	}
	if ix.Len() != c.Len() {
		return nil, meta.Saved, fmt.Errorf("%w: index of %d texts for %d sentences", binfile.ErrCorrupt, ix.Len(), c.Len())
	}
	if err := checkLanguages(c, ix); err != nil {
		return nil, meta.Saved, err
	}
	return newEngine(c, ix, opts), meta.Saved, nil
}

// configuredLanguage normalises Options.Language: "" for detection.
func configuredLanguage(s string) string {
	return corpus.LanguageOptions{Language: s}.Configured()
}

// checkLanguages verifies that an index's analyzers are its corpus's
// languages, each sentence analyzed with its document's.
func checkLanguages(c *corpus.Corpus, ix *index.Index) error {
	bad := fmt.Errorf("%w: index: analyzers disagree with the documents' languages", binfile.ErrCorrupt)
	for _, d := range c.Documents() {
		for id := d.First; id < d.End; id++ {
			if an := ix.AnalyzerOf(id); an.Language() != d.Language && an.Language() != sharedLanguage {
				return bad
			}
		}
	}
	return nil
}
