package retrieval

import (
	"container/heap"
	"math"
	"sort"
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
// the bot, abstracts for evaluation), scored with BM25. Build it once; it is
// then safe for concurrent searches.
type Index struct {
	an     *Analyzer
	params BM25
	n      int
	avgLen float64

	dict  map[string]int32
	terms []string
	// Postings of term t: docs[start[t]:start[t+1]] with freqs alongside.
	start []uint32
	docs  []uint32
	freqs []uint16
	idf   []float32
	lens  []uint32
	norms []float32 // K1·(1 − B + B·|d|/avgdl), per document
	// words are the distinct folded words of the texts, sorted, with the
	// term each one indexes as: for fuzzy matching of misspelt words.
	words    []string
	wordTerm []int32

	pool sync.Pool // *accumulator
}

// BuildIndex analyzes n texts, text(0) to text(n-1), and indexes them.
func BuildIndex(n int, text func(i int) string, an *Analyzer, params BM25) *Index {
	ix := &Index{an: an, params: params, n: n, dict: map[string]int32{}}
	type plist struct {
		docs  []uint32
		freqs []uint16
	}
	var lists []plist
	ix.lens = make([]uint32, n)
	counts := map[int32]uint16{}
	var order []int32
	var total uint64
	var toks []Token
	words := map[string]int32{}
	for d := 0; d < n; d++ {
		toks = an.AppendTokens(toks[:0], text(d))
		ix.lens[d] = uint32(len(toks))
		total += uint64(len(toks))
		order = order[:0]
		for _, t := range toks {
			id, ok := ix.dict[t.Term]
			if !ok {
				id = int32(len(ix.terms))
				ix.dict[t.Term] = id
				ix.terms = append(ix.terms, t.Term)
				lists = append(lists, plist{})
			}
			if _, ok := words[t.Word]; !ok {
				words[t.Word] = id
			}
			if counts[id] == 0 {
				order = append(order, id)
			}
			if counts[id] < math.MaxUint16 {
				counts[id]++
			}
		}
		for _, id := range order {
			lists[id].docs = append(lists[id].docs, uint32(d))
			lists[id].freqs = append(lists[id].freqs, counts[id])
			delete(counts, id)
		}
	}
	if n > 0 {
		ix.avgLen = float64(total) / float64(n)
	}
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	ix.start = make([]uint32, len(lists)+1)
	var size uint32
	for i, l := range lists {
		ix.start[i] = size
		size += uint32(len(l.docs))
	}
	ix.start[len(lists)] = size
	ix.docs = make([]uint32, 0, size)
	ix.freqs = make([]uint16, 0, size)
	ix.idf = make([]float32, len(lists))
	for i, l := range lists {
		ix.docs = append(ix.docs, l.docs...)
		ix.freqs = append(ix.freqs, l.freqs...)
		ix.idf[i] = float32(IDF(len(l.docs), n))
	}
	ix.words = make([]string, 0, len(words))
	for w := range words {
		ix.words = append(ix.words, w)
	}
	sort.Strings(ix.words)
	ix.wordTerm = make([]int32, len(ix.words))
	for i, w := range ix.words {
		ix.wordTerm[i] = words[w]
	}
	ix.norms = make([]float32, n)
	for d := range ix.norms {
		ix.norms[d] = float32(params.K1 * (1 - params.B + params.B*float64(ix.lens[d])/ix.avgLen))
	}
	return ix
}

// Len returns the number of indexed documents.
func (ix *Index) Len() int { return ix.n }

// Params returns the BM25 parameters the index scores with.
func (ix *Index) Params() BM25 { return ix.params }

// Analyzer returns the analyzer the index was built with.
func (ix *Index) Analyzer() *Analyzer { return ix.an }

// AvgLen returns the average document length in terms.
func (ix *Index) AvgLen() float64 { return ix.avgLen }

// DocLen returns the length in terms of document d.
func (ix *Index) DocLen(d int) int { return int(ix.lens[d]) }

// NumTerms returns the size of the vocabulary.
func (ix *Index) NumTerms() int { return len(ix.terms) }

// DF returns the number of documents holding term, 0 if none.
func (ix *Index) DF(term string) int {
	id, ok := ix.dict[term]
	if !ok {
		return 0
	}
	return int(ix.start[id+1] - ix.start[id])
}

// IDF returns the term's inverse document frequency in this index; a term
// the index does not hold gets the IDF of a term in no document.
func (ix *Index) IDF(term string) float64 {
	return IDF(ix.DF(term), ix.n)
}

// TF returns how often term occurs in document d.
func (ix *Index) TF(term string, d int) int {
	id, ok := ix.dict[term]
	if !ok {
		return 0
	}
	docs := ix.docs[ix.start[id]:ix.start[id+1]]
	i := sort.Search(len(docs), func(i int) bool { return docs[i] >= uint32(d) })
	if i < len(docs) && docs[i] == uint32(d) {
		return int(ix.freqs[int(ix.start[id])+i])
	}
	return 0
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

// Search returns the k best documents for the query, best first; ties go to
// the lower document number.
func (ix *Index) Search(q []QueryTerm, k int) []Hit {
	if k <= 0 || ix.n == 0 {
		return nil
	}
	acc := ix.getAcc()
	defer ix.pool.Put(acc)
	for _, qt := range q {
		id, ok := ix.dict[qt.Term]
		if !ok || qt.Weight == 0 {
			continue
		}
		lo, hi := ix.start[id], ix.start[id+1]
		docs, freqs := ix.docs[lo:hi], ix.freqs[lo:hi]
		switch ix.params.Variant {
		case VariantLucene:
			w := float32(qt.Weight) * ix.idf[id] * float32(ix.params.K1+1)
			for i, d := range docs {
				tf := float32(freqs[i])
				if acc.score[d] == 0 {
					acc.touched = append(acc.touched, d)
				}
				acc.score[d] += w * tf / (tf + ix.norms[d])
			}
		default:
			w := qt.Weight * float64(ix.idf[id])
			for i, d := range docs {
				if acc.score[d] == 0 {
					acc.touched = append(acc.touched, d)
				}
				acc.score[d] += float32(w * ix.params.TF(float64(freqs[i]), float64(ix.lens[d]), ix.avgLen))
			}
		}
	}
	h := make(hitHeap, 0, k+1)
	for _, d := range acc.touched {
		s := float64(acc.score[d])
		acc.score[d] = 0
		if len(h) < k {
			heap.Push(&h, Hit{int(d), s})
		} else if better(Hit{int(d), s}, h[0]) {
			h[0] = Hit{int(d), s}
			heap.Fix(&h, 0)
		}
	}
	acc.touched = acc.touched[:0]
	out := make([]Hit, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&h).(Hit)
	}
	return out
}

// Score returns document d's BM25 score for the query, computed directly.
func (ix *Index) Score(q []QueryTerm, d int) float64 {
	s := 0.0
	for _, e := range ix.Explain(q, d) {
		s += e.Score
	}
	return s
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

type accumulator struct {
	score   []float32
	touched []uint32
}

func (ix *Index) getAcc() *accumulator {
	if a, ok := ix.pool.Get().(*accumulator); ok {
		return a
	}
	return &accumulator{score: make([]float32, ix.n)}
}

// better orders hits: higher score first, then lower document number.
func better(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Doc < b.Doc
}

// hitHeap is a min-heap: its root is the worst hit kept.
type hitHeap []Hit

func (h hitHeap) Len() int           { return len(h) }
func (h hitHeap) Less(i, j int) bool { return better(h[j], h[i]) }
func (h hitHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)        { *h = append(*h, x.(Hit)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
