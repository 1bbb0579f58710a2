package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"unsafe"

	"lectern/internal/binfile"
)

// An index file holds a whole engine: the corpus's sections (package
// corpus), then the index's, written by WriteSections. Its format is
// versioned and checksummed (package binfile); FileVersion changes whenever
// the layout of either does.
const (
	FileMagic   = "LECTERNINDEX"
	FileVersion = 4
)

// ErrStale is returned by ReadSections for an index built with another
// analyzer than the one asked for.
var ErrStale = errors.New("index file was built with other analysis settings")

// Header is the index's part of the header section of an index file
// ("i.meta", a JSON object): the file's owner may add fields of its own
// beside these. Version 2 of the file replaced version 1's "analyzer" with
// "analyzers", one per language (each naming its language), and added the
// sections i.textlang and, in i.words, each word's language. Version 3
// added the forward index, i.fwd and i.fwdoff.
type Header struct {
	N         int               `json:"n"`
	AvgLen    float64           `json:"avg_len"`
	Params    BM25              `json:"params"`
	Analyzers []AnalyzerOptions `json:"analyzers"`
}

// Header returns the index's header, for WriteSections.
func (ix *Index) Header() Header {
	ans := make([]AnalyzerOptions, len(ix.ans))
	for i, an := range ix.ans {
		ans[i] = an.opts
		ans[i].Language = an.lang
	}
	return Header{N: ix.n, AvgLen: ix.avgLen, Params: ix.params, Analyzers: ans}
}

// WriteTo writes the index alone, without a corpus, in the index file
// format: its size is the index's size on disk. (A whole engine is saved with
// retrieval.SaveEngine, corpus and all.)
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	meta, err := json.Marshal(ix.Header())
	if err != nil {
		return 0, err
	}
	bw := binfile.NewStream(w, FileMagic, FileVersion)
	ix.WriteSections(bw, meta)
	return bw.Close()
}

// WriteSections writes the index's sections to w, with meta, a JSON object
// holding at least ix.Header()'s fields, as its header section. Errors
// are w's, reported when it is closed.
func (ix *Index) WriteSections(w *binfile.Writer, meta []byte) {
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
	w.Uint16s("i.lens", ix.lens)
	w.String("i.words", ix.words.blob)
	w.Uint32s("i.wordoff", ix.words.off)
	w.Int32s("i.wordterm", ix.wordTerm)
	w.Uint32s("i.fwd", ix.fwd)
	w.Uint32s("i.fwdoff", ix.fwdOff)
}

// ReadHeader reads the header section of an index file into meta, a
// pointer to a Header or to a struct embedding one.
func ReadHeader(r *binfile.Reader, meta any) error {
	raw, err := r.Bytes("i.meta")
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, meta); err != nil {
		return fmt.Errorf("%w: index: meta: %v", binfile.ErrCorrupt, err)
	}
	return nil
}

// ReadSections reads and checks the index whose header, read by
// ReadHeader, is meta, and whose analysis of each language must be want's
// (ErrStale otherwise), to be searched with BM25 parameters params. Every
// length, offset and posting is verified, so that no later search can index
// out of range. The index reads r's data in place; with parameters other
// than the file's, it copies the blocks whose score bounds change.
func ReadSections(r *binfile.Reader, meta Header, want func(code string) AnalyzerOptions, params BM25) (*Index, error) {
	bad := func(format string, args ...any) (*Index, error) {
		return nil, fmt.Errorf("%w: index: %s", binfile.ErrCorrupt, fmt.Sprintf(format, args...))
	}
	if len(meta.Analyzers) == 0 || len(meta.Analyzers) > MaxAnalyzers {
		return bad("%d analyzers", len(meta.Analyzers))
	}
	ix := &Index{params: meta.Params, n: meta.N, avgLen: meta.AvgLen}
	for _, o := range meta.Analyzers {
		code := analyzerLanguage(o.Language)
		if !reflect.DeepEqual(normalAnalyzer(o), normalAnalyzer(want(code))) {
			return nil, ErrStale
		}
		ix.ans = append(ix.ans, NewAnalyzer(o))
	}
	var blocks []uint32
	var e [15]error
	ix.terms.blob, e[0] = r.String("i.terms")
	ix.terms.off, e[1] = r.Uint32s("i.termoff")
	ix.df, e[2] = r.Uint32s("i.df")
	ix.postOff, e[3] = r.Uint32s("i.postoff")
	ix.post, e[4] = r.Bytes("i.post")
	ix.blkOff, e[5] = r.Uint32s("i.blkoff")
	blocks, e[6] = r.Uint32s("i.blocks")
	ix.idf, e[7] = r.Float32s("i.idf")
	ix.lens, e[8] = r.Uint16s("i.lens")
	ix.words.blob, e[9] = r.String("i.words")
	ix.words.off, e[10] = r.Uint32s("i.wordoff")
	ix.wordTerm, e[11] = r.Int32s("i.wordterm")
	ix.textLang, e[12] = r.Bytes("i.textlang")
	ix.fwd, e[13] = r.Uint32s("i.fwd")
	ix.fwdOff, e[14] = r.Uint32s("i.fwdoff")
	if err := errors.Join(e[:]...); err != nil {
		return nil, err
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
		len(ix.idf) != nt || len(blocks)%3 != 0 || len(ix.lens) != ix.n ||
		len(ix.words.off) != len(ix.wordTerm)+1 {
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
	// With BM25 parameters other than the file's, the blocks' largest tf
	// parts change: they are computed as the postings are verified, in a
	// copy of the blocks (the file's may be mapped read-only).
	remax := ix.params != params
	if remax {
		ix.params = params
		ix.blocks = slices.Clone(ix.blocks)
	}
	ix.setNorms()
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
			if remax {
				bmax := float32(0)
				for i := range cnt {
					bmax = max(bmax, ix.tfPart(freqs[i], docs[i]))
				}
				ix.blocks[b].max = bmax
			}
		}
	}
	if err := ix.checkForward(); err != nil {
		return bad("%v", err)
	}
	return ix, nil
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

// blocks are read in place from the file's three uint32s each: the block
// struct must stay 12 bytes (these fail to compile otherwise).
var (
	_ [12 - unsafe.Sizeof(block{})]struct{}
	_ [unsafe.Sizeof(block{}) - 12]struct{}
)
