package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"lectern/corpus"
	"lectern/retrieval"
	"lectern/retrieval/index"
)

// Both engines score with Okapi BM25 with these parameters; they are
// bleve's, which it does not let a caller change (search.BM25_k1, _b).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// An engine indexes a list of texts and answers questions with the numbers
// of its best texts.
type engine interface {
	// build indexes text(0) … text(n-1); dir is an empty folder the engine
	// may keep files in.
	build(n int, text func(i int) string, dir string) error
	// diskSize returns the size in bytes of the index as saved on disk, or
	// ok false and why not.
	diskSize() (size int64, ok bool, why string, err error)
	// search returns the numbers of the k best texts for question, best
	// first. It is safe for concurrent use.
	search(question string, k int) ([]int, error)
	close() error
}

// engineFileSize builds a retrieval.Engine over c, saves it with
// retrieval.SaveEngine in dir and returns the size of the file and of its
// index sections. The file's container (package lectern/internal/binfile)
// is a 16-byte header, then sections of a 16-byte tag, a little-endian
// uint64 length and the bytes padded to 8, then a 16-byte trailer; the
// index's sections are tagged "i.". If the file does not parse so, the index
// size is -1.
func engineFileSize(c *corpus.Corpus, path string) (total, index int64, err error) {
	// As lectern index saves it: lectern's defaults, the corpus's files.
	e := retrieval.NewEngine(c, retrieval.Options{})
	saved := retrieval.Saved{Corpus: "bench"}
	for _, d := range c.Documents() {
		saved.Files = append(saved.Files, corpus.FileStamp{Path: d.Path, Size: int64(d.Size)})
	}
	if _, err := retrieval.SaveEngine(path, e, saved); err != nil {
		return 0, 0, fmt.Errorf("save lectern engine: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	const header, trailer, tagLen = 16, 16, 16
	off := header
	for off+tagLen+8 <= len(data)-trailer {
		tag := strings.TrimRight(string(data[off:off+tagLen]), "\x00")
		n := int(binary.LittleEndian.Uint64(data[off+tagLen:]))
		size := tagLen + 8 + n + (8-n%8)%8
		if n < 0 || size > len(data)-trailer-off {
			return int64(len(data)), -1, nil
		}
		if strings.HasPrefix(tag, "i.") {
			index += int64(size)
		}
		off += size
	}
	if off != len(data)-trailer {
		return int64(len(data)), -1, nil
	}
	return int64(len(data)), index, nil
}

// lecternEngine is lectern's index.Index with Lucene's stop words and
// BM25(1.2, 0.75), queried with one term per analyzed word of the question.
type lecternEngine struct {
	an  *index.Analyzer
	ix  *index.Index
	dir string
}

func (e *lecternEngine) build(n int, text func(int) string, dir string) error {
	e.dir = dir
	e.an = index.NewAnalyzer(index.AnalyzerOptions{StopWords: index.LuceneStopWords})
	e.ix = index.Build(n, text, e.an, index.BM25{K1: bm25K1, B: bm25B})
	return nil
}

// diskSize saves the index alone (Index.WriteTo, the index file format
// without the corpus) and measures it.
func (e *lecternEngine) diskSize() (int64, bool, string, error) {
	w, ok := any(e.ix).(io.WriterTo)
	if !ok {
		return 0, false, "retrieval cannot save a bare Index (in memory only)", nil
	}
	path := filepath.Join(e.dir, "lectern.idx")
	f, err := os.Create(path)
	if err != nil {
		return 0, false, "", err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if _, err := w.WriteTo(bw); err != nil {
		f.Close()
		return 0, false, "", fmt.Errorf("save lectern index: %w", err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return 0, false, "", fmt.Errorf("save lectern index: %w", err)
	}
	if err := f.Close(); err != nil {
		return 0, false, "", fmt.Errorf("save lectern index: %w", err)
	}
	size, err := treeSize(path)
	return size, err == nil, "", err
}

func (e *lecternEngine) search(question string, k int) ([]int, error) {
	terms := e.an.Terms(question)
	q := make([]index.QueryTerm, len(terms))
	for i, t := range terms {
		q[i] = index.QueryTerm{Term: t, Weight: 1}
	}
	hits := e.ix.Search(q, k)
	docs := make([]int, len(hits))
	for i, h := range hits {
		docs[i] = h.Doc
	}
	return docs, nil
}

func (e *lecternEngine) close() error { return nil }

// lecternRankedEngine is lectern as the bot ranks: its own analyzer and
// BM25 defaults, then a retrieval.Searcher rescoring the BM25 candidates
// for coverage, exact word forms, misspellings and synonyms with the
// engine's defaults (retrieval.Engine's, but for neighbouring sentences,
// which a list of texts does not have).
type lecternRankedEngine struct {
	lecternEngine
	s *retrieval.Searcher
}

func (e *lecternRankedEngine) build(n int, text func(int) string, dir string) error {
	e.dir = dir
	e.an = index.NewAnalyzer(index.AnalyzerOptions{Irregular: true})
	e.ix = index.Build(n, text, e.an, index.DefaultBM25())
	e.s = retrieval.NewSearcher(e.ix, text, rankedOptions)
	return nil
}

// rankedOptions are the bot's rescoring options (retrieval.Engine's
// defaults).
var rankedOptions = retrieval.SearchOptions{Coord: retrieval.DefaultCoord, Exact: retrieval.DefaultExact,
	Fuzzy: true, Synonyms: retrieval.DefaultSynonyms}

func (e *lecternRankedEngine) search(question string, k int) ([]int, error) {
	cands := e.s.Rank(e.s.Parse(question), k)
	docs := make([]int, len(cands))
	for i, c := range cands {
		docs[i] = c.Doc
	}
	return docs, nil
}

// bleveOptions configure the bleve engine.
type bleveOptions struct {
	// BatchSize is the number of documents per index.Batch.
	BatchSize int
	// Merge force-merges the index into one segment after the last batch
	// (counted in the build time).
	Merge bool
}

// bleveEngine is a bleve v2 scorch index on disk with one text field,
// scored with bleve's BM25, queried with a MatchQuery (OR of the terms).
type bleveEngine struct {
	opts bleveOptions
	idx  bleve.Index
	path string
}

const (
	bleveField    = "text"
	bleveAnalyzer = "lectern_en"
	bleveStopMap  = "lucene_stop"
	bleveStop     = "stop_lucene"
)

// bleveMapping returns the index mapping: BM25 scoring, and one indexed,
// unstored text field without term vectors or doc values (nothing a plain
// top-k search needs), analyzed like lectern's engine: unicode tokenizer,
// English possessive filter, lower case, Lucene's English stop words (the
// same list lectern is given) and the Snowball English stemmer.
func bleveMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = bleveindex.BM25Scoring
	tokens := make([]any, len(index.LuceneStopWords))
	for i, w := range index.LuceneStopWords {
		tokens[i] = w
	}
	if err := im.AddCustomTokenMap(bleveStopMap, map[string]any{
		"type":   tokenmap.Name,
		"tokens": tokens,
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomTokenFilter(bleveStop, map[string]any{
		"type":           stop.Name,
		"stop_token_map": bleveStopMap,
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomAnalyzer(bleveAnalyzer, map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []any{
			en.PossessiveName,
			lowercase.Name,
			bleveStop,
			en.SnowballStemmerName,
		},
	}); err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = bleveAnalyzer
	im.DefaultField = bleveField
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	field := mapping.NewTextFieldMapping()
	field.Analyzer = bleveAnalyzer
	field.Store = false
	field.IncludeTermVectors = false
	field.IncludeInAll = false
	field.DocValues = false

	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(bleveField, field)
	im.DefaultMapping = doc
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}

// build creates the index, indexes the texts in batches, force-merges it
// into one segment if asked, closes it (everything is then on disk) and
// opens it again for searching.
func (e *bleveEngine) build(n int, text func(int) string, dir string) error {
	im, err := bleveMapping()
	if err != nil {
		return fmt.Errorf("bleve mapping: %w", err)
	}
	e.path = filepath.Join(dir, "bleve.idx")
	idx, err := bleve.NewUsing(e.path, im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return fmt.Errorf("create bleve index: %w", err)
	}
	batch := idx.NewBatch()
	for i := range n {
		if err := batch.Index(strconv.Itoa(i), map[string]any{bleveField: text(i)}); err != nil {
			idx.Close()
			return fmt.Errorf("bleve: index document %d: %w", i, err)
		}
		if batch.Size() >= e.opts.BatchSize || i == n-1 {
			if err := idx.Batch(batch); err != nil {
				idx.Close()
				return fmt.Errorf("bleve: batch ending at document %d: %w", i, err)
			}
			batch.Reset()
		}
	}
	if e.opts.Merge {
		adv, err := idx.Advanced()
		if err != nil {
			idx.Close()
			return err
		}
		sc, ok := adv.(*scorch.Scorch)
		if !ok {
			idx.Close()
			return fmt.Errorf("bleve: index is %T, not scorch", adv)
		}
		if err := sc.ForceMerge(context.Background(), nil); err != nil {
			idx.Close()
			return fmt.Errorf("bleve: force merge: %w", err)
		}
	}
	if err := idx.Close(); err != nil {
		return fmt.Errorf("close bleve index: %w", err)
	}
	// Opening removes the segment files no snapshot uses any more.
	if e.idx, err = bleve.Open(e.path); err != nil {
		return fmt.Errorf("open bleve index: %w", err)
	}
	count, err := e.idx.DocCount()
	if err != nil {
		return err
	}
	if count != uint64(n) {
		return fmt.Errorf("bleve index holds %d documents; want %d", count, n)
	}
	return nil
}

// diskSize copies the index's current snapshot to a new folder and returns
// the size of the copy: the folder the index was built in may still hold
// the segments of a snapshot scorch keeps for rollback.
func (e *bleveEngine) diskSize() (int64, bool, string, error) {
	dir, err := treeSize(e.path)
	if err != nil {
		return 0, false, "", err
	}
	cp, ok := e.idx.(bleve.IndexCopyable)
	if !ok {
		return dir, true, "the index folder (cannot copy the live snapshot)", nil
	}
	dst := e.path + ".copy"
	defer os.RemoveAll(dst)
	if err := cp.CopyTo(bleve.FileSystemDirectory(dst)); err != nil {
		return 0, false, "", fmt.Errorf("copy bleve index: %w", err)
	}
	size, err := treeSize(dst)
	if err != nil {
		return 0, false, "", err
	}
	return size, true, fmt.Sprintf("a copy of the live snapshot (the index folder: %s)", mib(dir)), nil
}

func (e *bleveEngine) search(question string, k int) ([]int, error) {
	q := bleve.NewMatchQuery(question)
	q.SetField(bleveField)
	req := bleve.NewSearchRequestOptions(q, k, 0, false)
	res, err := e.idx.Search(req)
	if err != nil {
		return nil, err
	}
	docs := make([]int, len(res.Hits))
	for i, h := range res.Hits {
		if docs[i], err = strconv.Atoi(h.ID); err != nil {
			return nil, fmt.Errorf("bleve hit id %q: %w", h.ID, err)
		}
	}
	return docs, nil
}

func (e *bleveEngine) close() error {
	if e.idx == nil {
		return nil
	}
	idx := e.idx
	e.idx = nil
	return idx.Close()
}

// treeSize returns the total size of the regular files at or under path.
func treeSize(path string) (int64, error) {
	var size int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			size += info.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", path, err)
	}
	return size, nil
}
