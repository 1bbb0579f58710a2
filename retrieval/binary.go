package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unsafe"

	"lectern/corpus"
	"lectern/internal/atomicfile"
	"lectern/internal/binfile"
)

// An index file holds a whole Engine: the corpus's documents, paragraphs
// and sentences, and the index over them, so that starting from it needs no
// parsing or analysis. Its format is versioned and checksummed (package
// binfile); FileVersion changes whenever the layout does.
const (
	fileMagic   = "LECTERNINDEX"
	FileVersion = 3
)

// ErrStale is returned by LoadEngine for an index built with another
// analyzer than the one asked for.
var ErrStale = errors.New("index file was built with other analysis settings")

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

// indexMeta is an index file's header. Version 2 replaced version 1's
// "analyzer" with "analyzers", one per language (each naming its
// language), and added "language" (Options.Language) and the sections
// i.textlang and, in i.words, each word's language. Version 3 added the
// forward index, i.fwd and i.fwdoff.
type indexMeta struct {
	N         int               `json:"n"`
	AvgLen    float64           `json:"avg_len"`
	Params    BM25              `json:"params"`
	Analyzers []AnalyzerOptions `json:"analyzers"`
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
		w := binfile.NewStream(out, fileMagic, FileVersion)
		if err := e.c.WriteSections(w); err != nil {
			return err
		}
		if err := e.ix.writeSections(w, saved, configuredLanguage(e.opts.Language)); err != nil {
			return err
		}
		var err error
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
	head := make([]byte, len(fileMagic))
	n, err := io.ReadFull(f, head)
	if n == 0 || (err == nil && string(head) == fileMagic) {
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
	m, err := binfile.Map(path, fileMagic)
	if err != nil {
		return nil, Saved{}, err
	}
	r, err := m.Open(fileMagic, FileVersion)
	if err != nil {
		return nil, Saved{}, err
	}
	e, saved, err := readEngine(r, opts)
	if err == nil {
		m.Release()
	}
	return e, saved, err
}

func decodeEngine(data []byte, opts Options) (*Engine, Saved, error) {
	r, err := binfile.Open(data, fileMagic, FileVersion)
	if err != nil {
		return nil, Saved{}, err
	}
	return readEngine(r, opts)
}

func readEngine(r *binfile.Reader, opts Options) (*Engine, Saved, error) {
	opts = opts.withDefaults()
	c, err := corpus.ReadSections(r)
	if err != nil {
		return nil, Saved{}, err
	}
	ix, meta, err := readIndexSections(r, engineAnalyzerFor)
	if err != nil {
		return nil, meta.Saved, err
	}
	if meta.Language != configuredLanguage(opts.Language) {
		return nil, meta.Saved, ErrStale
	}
	if err := checkLanguages(c, ix); err != nil {
		return nil, meta.Saved, err
	}
	if ix.n != c.Len() {
		return nil, meta.Saved, fmt.Errorf("%w: index of %d texts for %d sentences", binfile.ErrCorrupt, ix.n, c.Len())
	}
	if ix.params != opts.BM25 {
		// New maxima for other parameters: the file's blocks may be
		// mapped read-only, so they are copied first.
		ix.params = opts.BM25
		ix.blocks = slices.Clone(ix.blocks)
		ix.prepare()
	} else {
		ix.setNorms()
	}
	return newEngine(c, ix, opts), meta.Saved, nil
}

// WriteTo writes the index alone, without a corpus, in the index file
// format: its size is the index's size on disk. (An Engine is saved with
// SaveEngine, corpus and all.)
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	bw := binfile.NewStream(w, fileMagic, FileVersion)
	if err := ix.writeSections(bw, Saved{}, ""); err != nil {
		return 0, err
	}
	return bw.Close()
}

func (ix *Index) writeSections(w *binfile.Writer, saved Saved, language string) error {
	ans := make([]AnalyzerOptions, len(ix.ans))
	for i, an := range ix.ans {
		ans[i] = an.opts
		ans[i].Language = an.lang
	}
	meta, err := json.Marshal(indexMeta{N: ix.n, AvgLen: ix.avgLen, Params: ix.params, Analyzers: ans, Language: language, Saved: saved})
	if err != nil {
		return err
	}
	w.Bytes("i.textlang", ix.textLang)
	w.Bytes("i.meta", meta)
	w.String("i.terms", ix.terms.blob)
	w.Uint32s("i.termoff", ix.terms.off)
	w.Uint32s("i.df", ix.df)
	w.Uint32s("i.postoff", ix.postOff)
	w.Bytes("i.post", ix.post)
	w.Uint32s("i.blkoff", ix.blkOff)
	var blocks []uint32
	if len(ix.blocks) > 0 {
		blocks = unsafe.Slice((*uint32)(unsafe.Pointer(&ix.blocks[0])), 3*len(ix.blocks))
	}
	w.Uint32s("i.blocks", blocks)
	w.Float32s("i.idf", ix.idf)
	w.Float32s("i.termmax", ix.termMax)
	w.Uint16s("i.lens", ix.lens)
	w.String("i.words", ix.words.blob)
	w.Uint32s("i.wordoff", ix.words.off)
	w.Int32s("i.wordterm", ix.wordTerm)
	w.Uint64s("i.wordset", ix.wordSet)
	w.Uint32s("i.fwd", ix.fwd)
	w.Uint32s("i.fwdoff", ix.fwdOff)
	return nil
}

// readIndexSections reads and checks an index, whose analysis of each
// language must be want's (ErrStale otherwise). Every length, offset and
// posting is verified, so that no later search can index out of range.
func readIndexSections(r *binfile.Reader, want func(code string) AnalyzerOptions) (*Index, indexMeta, error) {
	var meta indexMeta
	bad := func(format string, args ...any) (*Index, indexMeta, error) {
		return nil, meta, fmt.Errorf("%w: index: %s", binfile.ErrCorrupt, fmt.Sprintf(format, args...))
	}
	raw, err := r.Bytes("i.meta")
	if err != nil {
		return nil, meta, err
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return bad("meta: %v", err)
	}
	if len(meta.Analyzers) == 0 || len(meta.Analyzers) > MaxAnalyzers {
		return bad("%d analyzers", len(meta.Analyzers))
	}
	ix := &Index{params: meta.Params, n: meta.N, avgLen: meta.AvgLen}
	for _, o := range meta.Analyzers {
		code := analyzerLanguage(o.Language)
		if !reflect.DeepEqual(normalAnalyzer(o), normalAnalyzer(want(code))) {
			return nil, meta, ErrStale
		}
		ix.ans = append(ix.ans, NewAnalyzer(o))
	}
	var blocks []uint32
	var e [17]error
	ix.terms.blob, e[0] = r.String("i.terms")
	ix.terms.off, e[1] = r.Uint32s("i.termoff")
	ix.df, e[2] = r.Uint32s("i.df")
	ix.postOff, e[3] = r.Uint32s("i.postoff")
	ix.post, e[4] = r.Bytes("i.post")
	ix.blkOff, e[5] = r.Uint32s("i.blkoff")
	blocks, e[6] = r.Uint32s("i.blocks")
	ix.idf, e[7] = r.Float32s("i.idf")
	ix.termMax, e[8] = r.Float32s("i.termmax")
	ix.lens, e[9] = r.Uint16s("i.lens")
	ix.words.blob, e[10] = r.String("i.words")
	ix.words.off, e[11] = r.Uint32s("i.wordoff")
	ix.wordTerm, e[12] = r.Int32s("i.wordterm")
	ix.wordSet, e[13] = r.Uint64s("i.wordset")
	ix.textLang, e[14] = r.Bytes("i.textlang")
	ix.fwd, e[15] = r.Uint32s("i.fwd")
	ix.fwdOff, e[16] = r.Uint32s("i.fwdoff")
	if err := errors.Join(e[:]...); err != nil {
		return nil, meta, err
	}
	if len(ix.textLang) == 0 {
		ix.textLang = nil
	}
	if ix.textLang != nil && (len(ix.ans) == 1 || len(ix.textLang) != ix.n) || ix.textLang == nil && len(ix.ans) > 1 && ix.n > 0 {
		return bad("text languages disagree")
	}
	for _, l := range ix.textLang {
		if int(l) >= len(ix.ans) {
			return bad("text language out of range")
		}
	}
	if ix.n < 0 || ix.avgLen < 0 || math.IsNaN(ix.avgLen) || ix.params.K1 <= 0 {
		return bad("header out of range")
	}
	nt := len(ix.df)
	if len(ix.terms.off) != nt+1 || len(ix.postOff) != nt+1 || len(ix.blkOff) != nt+1 ||
		len(ix.idf) != nt || len(ix.termMax) != nt || len(blocks)%3 != 0 ||
		len(ix.lens) != ix.n ||
		len(ix.words.off) != len(ix.wordTerm)+1 || len(ix.wordSet) != len(ix.wordTerm) {
		return bad("section sizes disagree")
	}
	if err := checkStrtab(&ix.terms); err != nil {
		return bad("terms: %v", err)
	}
	if err := checkStrtab(&ix.words); err != nil {
		return bad("words: %v", err)
	}
	for i := 0; i < ix.words.len(); i++ {
		if w := ix.words.at(i); len(w) < 2 || int(w[0]) < 1 || int(w[0]) > len(ix.ans) {
			return bad("word %d's language out of range", i)
		}
	}
	for _, t := range ix.wordTerm {
		if t < 0 || int(t) >= nt {
			return bad("word's term out of range")
		}
	}
	if len(blocks) > 0 {
		ix.blocks = unsafe.Slice((*block)(unsafe.Pointer(&blocks[0])), len(blocks)/3)
	}
	if ix.postOff[0] != 0 || ix.blkOff[0] != 0 || int(ix.postOff[nt]) != len(ix.post) || int(ix.blkOff[nt]) != len(ix.blocks) {
		return bad("postings do not add up")
	}
	var docs, freqs [blockSize]uint32
	for t := 0; t < nt; t++ {
		lo, hi := ix.postOff[t], ix.postOff[t+1]
		b0, b1 := ix.blkOff[t], ix.blkOff[t+1]
		df := int(ix.df[t])
		if lo > hi || b0 > b1 || uint64(hi) > uint64(len(ix.post)) || uint64(b1) > uint64(len(ix.blocks)) ||
			df == 0 || df > ix.n || int(b1-b0) != (df+blockSize-1)/blockSize {
			return bad("term %d's postings out of range", t)
		}
		data := ix.post[lo:hi]
		prev, left, first := uint32(0), df, true
		for b := b0; b < b1; b++ {
			cnt := min(left, blockSize)
			left -= cnt
			blk := ix.blocks[b]
			if uint64(blk.offset()) >= uint64(len(data)) {
				return bad("term %d: block offset out of range", t)
			}
			if decodeBlock(data[blk.offset():], blk.ones(), prev, docs[:cnt], freqs[:cnt]) < 0 {
				return bad("term %d: postings cut short", t)
			}
			for i := 0; i < cnt; i++ {
				if docs[i] >= uint32(ix.n) || (!first && docs[i] <= prev) || freqs[i] == 0 ||
					freqs[i] > uint32(ix.lens[docs[i]]) && ix.lens[docs[i]] != math.MaxUint16 {
					return bad("term %d: posting out of range", t)
				}
				prev, first = docs[i], false
			}
			if blk.last != prev {
				return bad("term %d: block end disagrees", t)
			}
		}
	}
	if err := ix.checkForward(); err != nil {
		return bad("%v", err)
	}
	return ix, meta, nil
}

// checkStrtab verifies a string table's offsets and order.
func checkStrtab(t *strtab) error {
	if len(t.off) == 0 || t.off[0] != 0 || int(t.off[len(t.off)-1]) != len(t.blob) {
		return errors.New("offsets out of range")
	}
	for i := 1; i < len(t.off); i++ {
		if t.off[i] < t.off[i-1] {
			return errors.New("offsets out of order")
		}
	}
	for i := 1; i < t.len(); i++ {
		if t.at(i-1) >= t.at(i) {
			return errors.New("strings out of order")
		}
	}
	return nil
}

// normalAnalyzer makes analyzer options comparable: "" means English, nil
// stop words the language's list, and Irregular counts for English only.
func normalAnalyzer(o AnalyzerOptions) AnalyzerOptions {
	o.Language = analyzerLanguage(o.Language)
	if o.StopWords == nil {
		o.StopWords = defaultStopWords(o.Language)
	}
	if o.StopWords == nil {
		o.StopWords = []string{}
	}
	o.Irregular = o.Irregular && o.Language == "en"
	return o
}

// configuredLanguage normalises Options.Language: "" for detection.
func configuredLanguage(s string) string {
	return corpus.LanguageOptions{Language: s}.Configured()
}

// checkLanguages verifies that an index's analyzers are its corpus's
// languages, each sentence analyzed with its document's.
func checkLanguages(c *corpus.Corpus, ix *Index) error {
	bad := fmt.Errorf("%w: index: analyzers disagree with the documents' languages", binfile.ErrCorrupt)
	for _, d := range c.Documents() {
		for id := d.First; id < d.End; id++ {
			if an := ix.AnalyzerOf(id); an.lang != d.Language && an.lang != sharedLanguage {
				return bad
			}
		}
	}
	return nil
}

// blocks are read in place from the file's three uint32s each: the block
// struct must stay 12 bytes (these fail to compile otherwise).
var (
	_ [12 - unsafe.Sizeof(block{})]struct{}
	_ [unsafe.Sizeof(block{}) - 12]struct{}
)
