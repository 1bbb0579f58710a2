package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Default BM25 parameters. k1 sets how quickly repeated terms stop adding to
// a score; b how much longer texts are penalised. Sentences are short and
// rarely repeat a word, so lectern's defaults favour a low b.
const (
	DefaultK1 = 0.9
	DefaultB  = 0.4
)

// BM25 holds the parameters of the Okapi BM25 ranking function:
//
//	score(q, d) = Σ_t∈q  IDF(t) · tf(t,d)·(K1+1) / (tf(t,d) + K1·(1 − B + B·|d|/avgdl))
//	IDF(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
//
// The IDF is Lucene's: never negative, even for a term in every document.
// Variant selects a published refinement for short or long texts:
//
//	"bm25+": IDF · (tf·(K1+1)/(tf + K1·L) + Delta)                 (Lv & Zhai 2011)
//	"bm25l": IDF · (K1+1)·(c+Delta)/(K1 + c + Delta), c = tf/L       (Lv & Zhai 2011)
//
// where L = 1 − B + B·|d|/avgdl, for terms the text holds.
type BM25 struct {
	K1      float64
	B       float64
	Variant string
	Delta   float64
}

// Variants of BM25.
const (
	VariantLucene = ""
	VariantPlus   = "bm25+"
	VariantL      = "bm25l"
)

// DefaultBM25 returns the default parameters.
func DefaultBM25() BM25 { return BM25{K1: DefaultK1, B: DefaultB} }

// IDF returns the inverse document frequency of a term found in df of n
// documents.
func IDF(df, n int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// TF returns the term-frequency part of a BM25 score: the weight of a term
// found tf times in a document of length dl, when documents average avgdl.
func (p BM25) TF(tf, dl, avgdl float64) float64 {
	if tf <= 0 {
		return 0
	}
	l := 1 - p.B + p.B*dl/avgdl
	switch p.Variant {
	case VariantPlus:
		return tf*(p.K1+1)/(tf+p.K1*l) + p.Delta
	case VariantL:
		c := tf / l
		return (p.K1 + 1) * (c + p.Delta) / (p.K1 + c + p.Delta)
	}
	return tf * (p.K1 + 1) / (tf + p.K1*l)
}

// Index is an inverted index over a set of texts ("documents": sentences for
// the bot, abstracts for evaluation), scored with BM25. Its postings are
// compressed in blocks of 128 (delta-coded document numbers and frequencies
// as varints) with each block's largest possible score, so that a search
// skips what cannot reach the top k. Build it once; it is then safe for
// concurrent searches.
type Index struct {
	strategy Strategy    // how searches run (Auto but in tests and benchmarks)
	finder   termFinder  // TermID's table, made at its first use
	wordFind wordFinders // findWord's tables, made at their first use
	formTab  formTable   // forms' table, made at its first use
	ans      []*Analyzer // one per language, the first the default
	textLang []uint8     // per text: its analyzer in ans; nil when there is one
	params   BM25
	n        int
	avgLen   float64

	terms   strtab    // the vocabulary, sorted
	df      []uint32  // per term
	postOff []uint32  // per term, and one more: where its postings start in post
	post    []byte    // all postings, block after block
	blkOff  []uint32  // per term, and one more: its first block in blocks
	blocks  []block   // per block of 128 postings
	idf     []float32 // per term
	lens    []uint16  // per document: its length in terms, at most 65,535
	// K1·(1 − B + B·|d|/avgdl) = normA + normC·|d|, the length norm.
	normA, normC float32

	// The distinct folded words of the texts, each after a byte that is
	// its analyzer's number plus one, sorted, with the term each indexes
	// as: for exact forms, and for matching misspelt words among the words
	// of one language.
	words    strtab
	wordTerm []int32

	// The forward index: per document, its terms with their frequencies
	// and the words it holds, as numbers into terms and words, so that
	// rescoring a candidate reads a few bytes instead of analysing its
	// text or searching the postings (see forward.go). Document d's are
	// fwd[fwdOff[d]:fwdOff[d+1]].
	fwd    []uint32
	fwdOff []uint32

	pool sync.Pool // *searchState

	fuzzy fuzzyState // what fuzzy matching builds from the words at its first use
}

// block is a run of up to blockSize postings of one term.
type block struct {
	last uint32  // its last document
	off  uint32  // where it starts, relative to the term's postings; onesFlag if every frequency is 1
	max  float32 // its largest tf part
}

// onesFlag marks, in block.off, a block whose frequencies are all 1 and
// so are not stored: most words occur once in a sentence.
const onesFlag = 1 << 31

func (b block) offset() uint32 { return b.off &^ onesFlag }

func (b block) ones() bool { return b.off&onesFlag != 0 }

const blockSize = 128

// Build analyzes n texts, text(0) to text(n-1), and indexes them. It
// analyzes on all cores; text must be safe for concurrent calls.
func Build(n int, text func(i int) string, an *Analyzer, params BM25) *Index {
	ix, _ := BuildContext(context.Background(), n, text, an, params, nil)
	return ix
}

// BuildContext is Build calling progress(done) from time to time with the
// number of texts analyzed so far (from one goroutine at a time; nil for
// none), and stopping early, with ctx's error,
// when ctx is done: it checks every few thousand texts and terms, so that
// an interrupt takes effect at once even on millions of sentences.
func BuildContext(ctx context.Context, n int, text func(i int) string, an *Analyzer, params BM25, progress func(done int)) (*Index, error) {
	return BuildLanguages(ctx, n, text, []*Analyzer{an}, nil, params, progress)
}

// MaxAnalyzers is the most analyzers (languages) one index holds.
const MaxAnalyzers = 64

// BuildLanguages is BuildContext for texts in several languages:
// text i is analyzed with ans[lang(i)] (with ans[0] when lang is nil). ans
// must hold between 1 and MaxAnalyzers analyzers, and lang return an index
// into it; it panics otherwise.
func BuildLanguages(ctx context.Context, n int, text func(i int) string, ans []*Analyzer, lang func(i int) int, params BM25, progress func(done int)) (*Index, error) {
	if len(ans) == 0 || len(ans) > MaxAnalyzers {
		panic(fmt.Sprintf("index: %d analyzers; an index takes 1 to %d", len(ans), MaxAnalyzers))
	}
	var textLang []uint8
	if len(ans) > 1 && lang != nil {
		textLang = make([]uint8, n)
		for i := range textLang {
			l := lang(i)
			if l < 0 || l >= len(ans) {
				panic(fmt.Sprintf("index: text %d's analyzer %d out of range", i, l))
			}
			textLang[i] = uint8(l)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, n/2000))
	chunks := make([]*partial, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func(w, lo, hi int) {
			defer wg.Done()
			chunks[w] = analyzeRange(ctx, lo, hi, text, ans, textLang, func(k int) {
				if progress == nil {
					return
				}
				mu.Lock()
				done += k
				progress(done)
				mu.Unlock()
			})
		}(w, lo, hi)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The partials' maps are let go of: their memory, in pieces too
	// small for what merging makes, goes back to the system.
	releaseMemory(n)
	ix, err := merge(ctx, chunks, n, ans[0], params)
	if ix != nil {
		ix.ans, ix.textLang = ans, textLang
	}
	return ix, err
}

// partial is the analysis of a contiguous range of documents, with
// numbers of its own: its terms and words, and each document's forward
// entry, from which merging makes the postings.
type partial struct {
	lo, hi int
	dict   map[string]int32
	terms  []string
	df     []uint32 // per local term: how many of the partial's documents hold it
	lens   []uint16
	langs  []langWords // per analyzer
	// The partial's words: each one's analyzer's number plus one, then
	// the folded word; and its local term.
	wordNames []string
	wordTerms []int32
	// Per document, its local terms with their frequencies and its local
	// words (forward.go's appendLocal), in chunks of about fwdChunk bytes
	// that each hold whole entries (so that they never grow by copying,
	// and are freed one by one as merging reads them); and the size of
	// their global entries in uint32s.
	fwd     [][]byte
	fwdSize int
}

// langWords are one analyzer's words in a partial index.
type langWords struct {
	words map[string]int32 // folded word -> local word
	keys  map[string]int32 // word as stemmed, when not its folded form -> local term
}

func analyzeRange(ctx context.Context, lo, hi int, text func(int) string, ans []*Analyzer, textLang []uint8, progress func(int)) *partial {
	p := &partial{lo: lo, hi: hi, dict: map[string]int32{}, lens: make([]uint16, hi-lo), langs: make([]langWords, len(ans))}
	for i := range p.langs {
		p.langs[i] = langWords{words: map[string]int32{}, keys: map[string]int32{}}
	}
	var entry []byte
	var counts []uint32 // per local term: its count in the document being analysed
	var order []int32
	var docWords []int32
	var wordSeen []int32 // per local word: the last document holding it, plus one
	intern := func(term string) int32 {
		id, ok := p.dict[term]
		if !ok {
			id = int32(len(p.terms))
			p.dict[term] = id
			p.terms = append(p.terms, term)
			p.df = append(p.df, 0)
			counts = append(counts, 0)
		}
		return id
	}
	addWord := func(lw *langWords, l int, word string, term int32) int32 {
		wid := int32(len(p.wordNames))
		name := string(rune(l+1)) + word
		lw.words[name[1:]] = wid
		p.wordNames = append(p.wordNames, name)
		p.wordTerms = append(p.wordTerms, term)
		wordSeen = append(wordSeen, 0)
		return wid
	}
	for d := lo; d < hi; d++ {
		n := 0
		order, docWords = order[:0], docWords[:0]
		l := 0
		if textLang != nil {
			l = int(textLang[d])
		}
		an, lw := ans[l], &p.langs[l]
		an.EachWord(text(d), func(key, word string, _, _, _, _ int) {
			n++
			// One lookup per word: the word's term, stemmed once.
			var id int32
			wid, known := lw.words[word]
			if key == word {
				if known {
					id = p.wordTerms[wid]
				} else {
					id = intern(an.Stem(key))
					wid = addWord(lw, l, word, id)
				}
			} else {
				var ok bool
				if id, ok = lw.keys[key]; !ok {
					id = intern(an.Stem(key))
					lw.keys[strings.Clone(key)] = id
				}
				if !known {
					wid = addWord(lw, l, word, id)
				}
			}
			if wordSeen[wid] != int32(d-lo+1) {
				wordSeen[wid] = int32(d - lo + 1)
				docWords = append(docWords, wid)
			}
			if counts[id] == 0 {
				order = append(order, id)
			}
			counts[id]++
		})
		p.lens[d-lo] = uint16(min(n, math.MaxUint16))
		entry = appendLocal(entry[:0], order, counts, docWords)
		p.fwd = appendChunk(p.fwd, entry)
		p.fwdSize += fwdEntrySize(order, counts, docWords)
		// The postings are not kept here: merging makes them from the
		// forward entries (invert), in one block of memory rather than a
		// small list per term.
		for _, id := range order {
			p.df[id]++
			counts[id] = 0
		}
		if (d-lo+1)%4096 == 0 {
			progress(4096)
			if ctx.Err() != nil {
				return p
			}
		}
	}
	progress((hi - lo) % 4096)
	// The maps found each word's term; merging needs only the lists.
	p.dict, p.langs = nil, nil
	return p
}

// merge joins the partial indexes of consecutive document ranges, walking
// their vocabularies in sorted order together, then makes the forward
// index with global numbers, freeing the partials' entries as it goes,
// and the postings from it (invert).
func merge(ctx context.Context, parts []*partial, n int, an *Analyzer, params BM25) (*Index, error) {
	ix := &Index{ans: []*Analyzer{an}, params: params, n: n, lens: make([]uint16, n)}
	var total uint64
	for _, p := range parts {
		copy(ix.lens[p.lo:p.hi], p.lens)
		for _, l := range p.lens {
			total += uint64(l)
		}
		p.lens = nil
	}
	// Each partial's terms and words, sorted, on all cores; global term
	// IDs for its local ones.
	orders := make([][]int32, len(parts))
	wordOrders := make([][]int32, len(parts))
	global := make([][]int32, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		global[i] = make([]int32, len(p.terms))
		wg.Go(func() { orders[i] = sortedOrder(p.terms) })
		wg.Go(func() { wordOrders[i] = sortedOrder(p.wordNames) })
	}
	wg.Wait()
	// The terms and the words are merged side by side: a word's term is
	// known as a partial's local term until the terms are numbered.
	var termErr error
	var words []string
	var wordFrom []wordSource
	wordNums := make([][]uint32, len(parts)) // each partial's words by their numbers
	wg.Go(func() { termErr = ix.mergeTerms(ctx, parts, orders, global) })
	wg.Go(func() { words, wordFrom = mergeWords(parts, wordOrders, wordNums) })
	wg.Wait()
	if termErr != nil {
		return nil, termErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ix.words = newStrtab(words)
	ix.wordTerm = make([]int32, len(words))
	for k := range words {
		ix.wordTerm[k] = global[wordFrom[k].part][wordFrom[k].term]
	}
	words, wordFrom = nil, nil
	// The names and lists are let go of before the forward index is made.
	for _, p := range parts {
		p.langs, p.dict, p.df, p.terms, p.wordTerms, p.wordNames = nil, nil, nil, nil, nil, nil
	}
	if n > 0 {
		ix.avgLen = float64(total) / float64(n)
	}
	ix.setNorms()
	if err := ix.buildForward(ctx, parts, global, wordNums); err != nil {
		return nil, err
	}
	// So do the partials' forward entries, before the postings are made.
	releaseMemory(n)
	if err := ix.invert(ctx, invertRun); err != nil {
		return nil, err
	}
	// And inverting's lists, before the index is used or saved.
	releaseMemory(n)
	return ix, ctx.Err()
}

// wordSource is where a merged word's term comes from: a partial and its
// local term.
type wordSource struct{ part, term int32 }

// mergeTerms merges the partials' terms, each partial's in the sorted
// order orders gives, into ix's vocabulary with their document
// frequencies, and sets global, each partial's local terms' numbers in it.
func (ix *Index) mergeTerms(ctx context.Context, parts []*partial, orders [][]int32, global [][]int32) error {
	names := make([][]string, len(parts))
	most := 0 // at most every partial's terms: room made once, not by doubling
	for i, p := range parts {
		names[i] = p.terms
		most += len(p.terms)
	}
	terms := make([]string, 0, most)
	ix.df = make([]uint32, 0, most)
	err := mergeSorted(names, orders, func(t string, holders []holder) error {
		if len(terms)%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		id := int32(len(terms))
		terms = append(terms, t)
		df := uint32(0)
		for _, h := range holders {
			df += parts[h.part].df[h.local]
			global[h.part][h.local] = id
		}
		ix.df = append(ix.df, df)
		return nil
	})
	if err != nil {
		return err
	}
	ix.terms = newStrtab(terms)
	return nil
}

// mergeWords merges the partials' words, each partial's in the sorted
// order orders gives: it returns them, each with the partial and local
// term of the first partial holding it, and sets nums, each partial's
// local words' numbers among them.
func mergeWords(parts []*partial, orders [][]int32, nums [][]uint32) ([]string, []wordSource) {
	names := make([][]string, len(parts))
	most := 0
	for i, p := range parts {
		names[i] = p.wordNames
		nums[i] = make([]uint32, len(p.wordNames))
		most += len(p.wordNames)
	}
	words := make([]string, 0, most)
	from := make([]wordSource, 0, most)
	mergeSorted(names, orders, func(w string, holders []holder) error {
		num := uint32(len(words))
		words = append(words, w)
		first := holders[0]
		from = append(from, wordSource{first.part, parts[first.part].wordTerms[first.local]})
		for _, h := range holders {
			nums[h.part][h.local] = num
		}
		return nil
	})
	return words, from
}

// holder is a partial holding a name, and the name's local number there.
type holder struct{ part, local int32 }

// mergeSorted walks the partials' names, names[i] in the sorted order
// orders[i] gives, in merged order: for each distinct name, least first,
// it calls visit with the partials holding it, in partial order. It stops
// at visit's first error and returns it.
func mergeSorted(names [][]string, orders [][]int32, visit func(name string, holders []holder) error) error {
	pos := make([]int, len(names))
	var holders []holder
	for {
		// The least name not yet merged.
		x, ok := "", false
		for i := range names {
			if pos[i] < len(orders[i]) {
				if y := names[i][orders[i][pos[i]]]; !ok || y < x {
					x, ok = y, true
				}
			}
		}
		if !ok {
			return nil
		}
		holders = holders[:0]
		for i := range names {
			if pos[i] < len(orders[i]) && names[i][orders[i][pos[i]]] == x {
				holders = append(holders, holder{int32(i), orders[i][pos[i]]})
				pos[i]++
			}
		}
		if err := visit(x, holders); err != nil {
			return err
		}
	}
}

// sortedOrder returns the numbers of names, 0 to len(names)-1, in the
// order of the names they number.
func sortedOrder(names []string) []int32 {
	o := make([]int32, len(names))
	for j := range o {
		o[j] = int32(j)
	}
	slices.SortFunc(o, func(a, b int32) int { return strings.Compare(names[a], names[b]) })
	return o
}

// encode appends a term's postings to enc in blocks of blockSize, and the
// blocks, each with its largest tf part, to blocks; it returns both.
func (ix *Index) encode(enc []byte, blocks []block, docs, freqs []uint32) ([]byte, []block) {
	start := len(enc)
	prev := uint32(0)
	for b := 0; b < len(docs); b += blockSize {
		e := min(b+blockSize, len(docs))
		blk := block{last: docs[e-1], off: uint32(len(enc) - start)}
		for _, d := range docs[b:e] {
			enc = binary.AppendUvarint(enc, uint64(d-prev))
			prev = d
		}
		ones := true
		for i, f := range freqs[b:e] {
			ones = ones && f == 1
			blk.max = max(blk.max, ix.tfPart(f, docs[b+i]))
		}
		if ones {
			blk.off |= onesFlag
		} else {
			for _, f := range freqs[b:e] {
				enc = binary.AppendUvarint(enc, uint64(f))
			}
		}
		blocks = append(blocks, blk)
	}
	return enc, blocks
}

// setNorms sets the length norm's coefficients from the parameters.
func (ix *Index) setNorms() {
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	p := ix.params
	ix.normA = float32(p.K1 * (1 - p.B))
	ix.normC = float32(p.K1 * p.B / ix.avgLen)
}

// tfPart is a term's BM25 weight in document d before its IDF and query
// weight, computed the same way everywhere so that scores compare exactly.
func (ix *Index) tfPart(tf, d uint32) float32 {
	f := float32(tf)
	k1 := float32(ix.params.K1)
	norm := ix.normA + ix.normC*float32(ix.lens[d])
	switch ix.params.Variant {
	case VariantPlus:
		return f*(k1+1)/(f+norm) + float32(ix.params.Delta)
	case VariantL:
		c := f * k1 / norm
		delta := float32(ix.params.Delta)
		return (k1 + 1) * (c + delta) / (k1 + c + delta)
	}
	return f * (k1 + 1) / (f + norm)
}

// decodeBlock decodes len(docs) postings from data, document numbers
// following prev; with ones, every frequency is 1 and none is stored. It
// returns the bytes read, or -1 for corrupt data.
func decodeBlock(data []byte, ones bool, prev uint32, docs, freqs []uint32) int {
	pos := 0
	for i := range docs {
		// Most gaps and frequencies fit in one byte.
		if pos < len(data) && data[pos] < 0x80 {
			prev += uint32(data[pos])
			pos++
		} else {
			v, k := binary.Uvarint(data[pos:])
			if k <= 0 {
				return -1
			}
			prev += uint32(v)
			pos += k
		}
		docs[i] = prev
	}
	if ones {
		for i := range freqs {
			freqs[i] = 1
		}
		return pos
	}
	for i := range freqs {
		if pos < len(data) && data[pos] < 0x80 {
			freqs[i] = uint32(data[pos])
			pos++
			continue
		}
		v, k := binary.Uvarint(data[pos:])
		if k <= 0 {
			return -1
		}
		freqs[i] = uint32(v)
		pos += k
	}
	return pos
}

// Len returns the number of indexed documents.
func (ix *Index) Len() int { return ix.n }

// Params returns the BM25 parameters the index scores with.
func (ix *Index) Params() BM25 { return ix.params }

// Analyzer returns the analyzer the index was built with: the first of
// Analyzers, when it was built with several.
func (ix *Index) Analyzer() *Analyzer { return ix.ans[0] }

// Analyzers returns the analyzers the index was built with, one per
// language. The slice must not be modified.
func (ix *Index) Analyzers() []*Analyzer { return ix.ans }

// AnalyzerOf returns the analyzer text d was analyzed with.
func (ix *Index) AnalyzerOf(d int) *Analyzer {
	if ix.textLang == nil {
		return ix.ans[0]
	}
	return ix.ans[ix.textLang[d]]
}

// wordsOf returns the range of ix.words holding analyzer l's words.
func (ix *Index) wordsOf(l int) (lo, hi int) {
	n := ix.words.len()
	lo = sort.Search(n, func(i int) bool { return ix.words.at(i) >= string(rune(l+1)) })
	hi = sort.Search(n, func(i int) bool { return ix.words.at(i) >= string(rune(l+2)) })
	return lo, hi
}

// WordTerm returns the term analyzer l's folded word indexes as, "" if
// no text of that language holds it.
func (ix *Index) WordTerm(l int, word string) string {
	i := ix.findWord(l, word)
	if i < 0 {
		return ""
	}
	return ix.terms.at(int(ix.wordTerm[i]))
}

// TermID returns the number of an indexed term, -1 for a term no
// document holds.
func (ix *Index) TermID(term string) int { return ix.finder.find(&ix.terms, term) }

// IDFOf returns the IDF of the term numbered id (TermID's), that of a term
// no text holds for -1: IDF's for the term's DF.
func (ix *Index) IDFOf(id int32) float64 {
	df := 0
	if id >= 0 {
		df = int(ix.df[id])
	}
	return IDF(df, ix.n)
}

// Term returns the term numbered id (TermID's, DocTerms').
func (ix *Index) Term(id int) string { return ix.terms.at(id) }

// LanguageOf returns the place among Analyzers of the analyzer document d
// was analyzed with.
func (ix *Index) LanguageOf(d int) int {
	if ix.textLang == nil {
		return 0
	}
	return int(ix.textLang[d])
}

// Word returns the word numbered id (DocTerms' words, WordIDs'), folded
// as the analyzer folds it, and the number of the term it is indexed as.
func (ix *Index) Word(id uint32) (word string, term int32) {
	return ix.words.at(int(id))[1:], ix.wordTerm[id]
}

// AvgLen returns the average document length in terms.
func (ix *Index) AvgLen() float64 { return ix.avgLen }

// DocLen returns the length in terms of document d.
func (ix *Index) DocLen(d int) int { return int(ix.lens[d]) }

// NumTerms returns the size of the vocabulary.
func (ix *Index) NumTerms() int { return ix.terms.len() }

// NumPostings returns the number of (term, document) pairs indexed.
func (ix *Index) NumPostings() int {
	n := 0
	for _, df := range ix.df {
		n += int(df)
	}
	return n
}

// DF returns the number of documents holding term, 0 if none.
func (ix *Index) DF(term string) int {
	t := ix.TermID(term)
	if t < 0 {
		return 0
	}
	return int(ix.df[t])
}

// IDF returns the term's inverse document frequency in this index; a term
// the index does not hold gets the IDF of a term in no document.
func (ix *Index) IDF(term string) float64 {
	return IDF(ix.DF(term), ix.n)
}

// TF returns how often term occurs in document d.
func (ix *Index) TF(term string, d int) int {
	t := ix.TermID(term)
	if t < 0 || d < 0 || d >= ix.n {
		return 0
	}
	ids, tfs, _ := ix.docTerms(d)
	return int(tfIn(ids, tfs, int32(t)))
}

// QueryTerm is one term of a query with its weight: how many times the
// question holds it, scaled down for a fuzzy match.
type QueryTerm struct {
	Term   string
	Weight float64
}

// Hit is a scored document.
type Hit struct {
	Doc   int
	Score float64
}

// Score returns document d's BM25 score for the query, computed directly,
// as Search computes it.
func (ix *Index) Score(q []QueryTerm, d int) float64 {
	if d < 0 || d >= ix.n {
		return 0
	}
	return ix.scoreIDs(ix.termIDs(q), d)
}

// TermScore is one query term's part of a document's score.
type TermScore struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"`
	TF     int     `json:"tf"`
	IDF    float64 `json:"idf"`
	Score  float64 `json:"score"`
}

// Explain returns each query term's contribution to document d's score.
// Terms the document lacks are listed with a zero score.
func (ix *Index) Explain(q []QueryTerm, d int) []TermScore {
	out := make([]TermScore, 0, len(q))
	for _, qt := range q {
		tf := ix.TF(qt.Term, d)
		idf := ix.IDF(qt.Term)
		s := 0.0
		if tf > 0 {
			s = qt.Weight * idf * ix.params.TF(float64(tf), float64(ix.lens[d]), ix.avgLen)
		}
		out = append(out, TermScore{Term: qt.Term, Weight: qt.Weight, TF: tf, IDF: idf, Score: s})
	}
	return out
}
