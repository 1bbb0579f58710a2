package eval

import (
	"context"
	"sort"
	"strings"
	"time"

	"lectern/corpus"
	"lectern/retrieval"
	"lectern/retrieval/index"
)

// Config says how to index and search a data set.
type Config struct {
	// Unit is what is indexed: "document" (title and text as one field) or
	// "sentence" (each sentence on its own, documents ranked by their best
	// sentence, as the bot answers).
	Unit     string
	BM25     index.BM25
	Analyzer index.AnalyzerOptions
	// Plain ranks by BM25 alone; otherwise Search rescoring applies.
	Plain  bool
	Search retrieval.SearchOptions
	// TitleWeight repeats a document's title that many times in the indexed
	// text (0 or 1: once), weighting the title field.
	TitleWeight int
	// Unstemmed adds this share of the BM25 score on an unstemmed copy of
	// the index (exact word forms); 0: off. Plain ranking only.
	Unstemmed float64
	// Bigrams adds this share of the BM25 score on adjacent pairs of terms
	// (a sequential-dependence model in its simplest form); 0: off. Plain
	// ranking only.
	Bigrams float64
	// Passage adds, at document level, this share of the document's best
	// sentence's BM25 score to its own (passage evidence); 0: off.
	Passage float64
	// Proximity adds, for each pair of question words in a candidate, this
	// share of the smaller of their IDFs over their distance in words;
	// 0: off.
	Proximity float64
	// RM3 expands questions by pseudo-relevance feedback; zero: off.
	RM3 RM3
}

// Engine is a data set's corpus indexed by lectern's retrieval package.
type Engine struct {
	cfg   Config
	ix    *index.Index
	s     *retrieval.Searcher
	an    *index.Analyzer
	texts []string
	docOf []int // unit -> document index
	group []int // unit -> group of neighbouring units
	ids   []string
	// BuildTime is how long analysis and indexing took.
	BuildTime time.Duration

	// The index of adjacent term pairs, for Bigrams.
	pairIx *index.Index
	pairAn *index.Analyzer

	// The unstemmed copy, for Unstemmed.
	exactIx *index.Index
	exactAn *index.Analyzer

	// Sentences of each document, for Passage.
	sentIx    *index.Index
	sentTexts []string
	sentsOf   [][]int
}

// Build indexes ds's documents as cfg says. It stops with ctx's error when
// ctx is done.
func Build(ctx context.Context, ds *Dataset, cfg Config) (*Engine, error) {
	start := time.Now()
	e := &Engine{cfg: cfg, ids: make([]string, len(ds.Docs))}
	groups := map[string]int{}
	for i, d := range ds.Docs {
		e.ids[i] = d.ID
		text := d.Text
		if d.Title != "" {
			text = strings.Repeat(d.Title+"\n", max(1, cfg.TitleWeight)) + d.Text
		}
		if cfg.Unit != "sentence" {
			e.texts = append(e.texts, text)
			e.docOf = append(e.docOf, i)
			e.group = append(e.group, groupOf(groups, d.ID, i))
			continue
		}
		if d.Title != "" {
			e.texts = append(e.texts, d.Title)
			e.docOf = append(e.docOf, i)
			e.group = append(e.group, i)
		}
		for _, sp := range corpus.SplitSentences(d.Text) {
			e.texts = append(e.texts, d.Text[sp.Start:sp.End])
			e.docOf = append(e.docOf, i)
			e.group = append(e.group, i)
		}
	}
	cfg.Search.Neighbours = e.neighbours
	if cfg.Passage > 0 && cfg.Unit != "sentence" {
		e.sentsOf = make([][]int, len(ds.Docs))
		for i, d := range ds.Docs {
			for _, sp := range corpus.SplitSentences(d.Text) {
				e.sentsOf[i] = append(e.sentsOf[i], len(e.sentTexts))
				e.sentTexts = append(e.sentTexts, d.Text[sp.Start:sp.End])
			}
		}
	}
	var err error
	text := func(i int) string { return e.texts[i] }
	e.an = index.NewAnalyzer(cfg.Analyzer)
	e.ix, err = index.BuildContext(ctx, len(e.texts), text, e.an, cfg.BM25, nil)
	if err != nil {
		return nil, err
	}
	if cfg.Proximity > 0 {
		cfg.Search.Bonus = proximityBonus(e.ix, text, cfg.Proximity)
	}
	if cfg.RM3.on() {
		cfg.Search.Expand, cfg.Search.ExpandDepth = cfg.RM3.expand(e.ix, text), cfg.RM3.Docs
	}
	e.s = retrieval.NewSearcher(e.ix, text, cfg.Search)
	if !cfg.Plain {
		// Part of building: the first queries would otherwise pay for it.
		e.s.Prepare()
	}
	if cfg.Bigrams > 0 {
		// Pairs are written as single words "stem0stem" and indexed as they are.
		e.pairAn = index.NewAnalyzer(index.AnalyzerOptions{StopWords: []string{}, NoStem: true})
		e.pairIx, err = index.BuildContext(ctx, len(e.texts), func(i int) string { return e.pairs(e.texts[i]) }, e.pairAn, cfg.BM25, nil)
		if err != nil {
			return nil, err
		}
	}
	if cfg.Unstemmed > 0 {
		ao := cfg.Analyzer
		ao.NoStem = true
		e.exactAn = index.NewAnalyzer(ao)
		e.exactIx, err = index.BuildContext(ctx, len(e.texts), text, e.exactAn, cfg.BM25, nil)
		if err != nil {
			return nil, err
		}
	}
	if e.sentsOf != nil {
		e.sentIx, err = index.BuildContext(ctx, len(e.sentTexts), func(i int) string { return e.sentTexts[i] }, e.an, cfg.BM25, nil)
		if err != nil {
			return nil, err
		}
	}
	e.BuildTime = time.Since(start)
	return e, nil
}

// Units returns the number of indexed units.
func (e *Engine) Units() int { return len(e.texts) }

// Index returns the index.
func (e *Engine) Index() *index.Index { return e.ix }

// Rank returns the IDs of the k best documents for query.
func (e *Engine) Rank(query string, k int) []string {
	depth := k
	if e.cfg.Unit == "sentence" {
		depth = k * 10
	}
	var units []int
	if e.cfg.Plain {
		var q []index.QueryTerm
		for _, t := range e.an.Terms(query) {
			q = append(q, index.QueryTerm{Term: t, Weight: 1})
		}
		hits := e.ix.Search(q, depth)
		if e.pairIx != nil || e.exactIx != nil {
			// Other fields rescore the BM25 field's best 1,000.
			hits = e.ix.Search(q, max(depth, 1000))
			e.addField(hits, e.pairIx, e.pairAn, e.pairs(query), e.cfg.Bigrams)
			e.addField(hits, e.exactIx, e.exactAn, query, e.cfg.Unstemmed)
			sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
			hits = hits[:min(len(hits), depth)]
		}
		if e.sentIx != nil {
			for i := range hits {
				best := 0.0
				for _, s := range e.sentsOf[e.docOf[hits[i].Doc]] {
					best = max(best, e.sentIx.Score(q, s))
				}
				hits[i].Score += e.cfg.Passage * best
			}
			sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
		}
		for _, h := range hits {
			units = append(units, h.Doc)
		}
	} else {
		for _, c := range e.s.Rank(e.s.Parse(query), depth) {
			units = append(units, c.Doc)
		}
	}
	out := make([]string, 0, k)
	seen := map[int]bool{}
	for _, u := range units {
		d := e.docOf[u]
		if seen[d] {
			continue
		}
		seen[d] = true
		out = append(out, e.ids[d])
		if len(out) == k {
			break
		}
	}
	return out
}

// ParseUnit checks a --unit value.
func ParseUnit(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "document", "doc", "documents":
		return "document", true
	case "sentence", "sentences":
		return "sentence", true
	}
	return "", false
}

// groupOf groups the units of a sentence-level BEIR corpus, whose IDs are
// "<document>#<sentence>", by document; other units stand alone.
func groupOf(groups map[string]int, id string, i int) int {
	doc, _, ok := strings.Cut(id, "#")
	if !ok {
		return -1 - i
	}
	g, seen := groups[doc]
	if !seen {
		g = len(groups)
		groups[doc] = g
	}
	return g
}

// neighbours returns the units before and after u in its group.
func (e *Engine) neighbours(u int) (prev, next int) {
	prev, next = -1, -1
	if u > 0 && e.group[u-1] == e.group[u] {
		prev = u - 1
	}
	if u+1 < len(e.group) && e.group[u+1] == e.group[u] {
		next = u + 1
	}
	return prev, next
}

// pairs rewrites text as its adjacent term pairs, each one word.
func (e *Engine) pairs(text string) string {
	terms := e.an.Terms(text)
	var b strings.Builder
	for i := 1; i < len(terms); i++ {
		b.WriteString(terms[i-1])
		b.WriteByte('0')
		b.WriteString(terms[i])
		b.WriteByte(' ')
	}
	return b.String()
}

// addField adds weight times each hit's BM25 score for text in another
// index of the same units (none if ix is nil).
func (e *Engine) addField(hits []index.Hit, ix *index.Index, an *index.Analyzer, text string, weight float64) {
	if ix == nil {
		return
	}
	var q []index.QueryTerm
	for _, t := range an.Terms(text) {
		q = append(q, index.QueryTerm{Term: t, Weight: 1})
	}
	for i := range hits {
		hits[i].Score += weight * ix.Score(q, hits[i].Doc)
	}
}
