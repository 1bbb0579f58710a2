package retrieval

import (
	"context"
	"errors"
	"fmt"
	"lectern/retrieval/index"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"lectern/corpus"
	"lectern/corpus/lang"
)

// Options configure an Engine. The zero value means the defaults.
type Options struct {
	// BM25 holds k1 and b; a zero K1 means DefaultBM25 (b may be 0).
	BM25 index.BM25
	// MinCoverage is the share of a question's information (the IDF-weighted
	// share of its terms) the best sentence must match for the question to
	// count as answered by the text. Zero means DefaultMinCoverage.
	MinCoverage float64
	// ExcerptMin and ExcerptMax bound an excerpt's length in bytes:
	// neighbouring sentences are added until it has ExcerptMin bytes, never
	// beyond ExcerptMax. Zero means the defaults.
	ExcerptMin, ExcerptMax int
	// Coord is the exponent of a sentence's coverage in its score (see
	// Engine.Answer); 0 means DefaultCoord, a negative value none.
	Coord float64
	// Context is the share of the best neighbouring sentence's score (in
	// the same paragraph) added to a sentence's; 0 means DefaultContext, a
	// negative value none.
	Context float64
	// Synonyms is the weight of a question word's synonyms when the text
	// lacks the word; 0 means DefaultSynonyms, a negative value none.
	Synonyms float64
	// AnswerType is the share by which a sentence holding the kind of
	// answer an English question asks for is preferred (see
	// SearchOptions.AnswerType); 0 means DefaultAnswerType, a negative
	// value none.
	AnswerType float64
	// NoFuzzy turns off the fuzzy match of question words that are not in
	// the text ("burried" for "buried").
	NoFuzzy bool
	// Language is the language of the corpus's documents whose source
	// states none, as a code or name lang.Normalize reads ("ru",
	// "Russian"); "" or "auto" detects each document's language from its
	// text (see corpus.Corpus.WithLanguages).
	Language string
}

// Defaults for Options.
const (
	DefaultMinCoverage = 0.3
	DefaultCoord       = 1.0
	DefaultContext     = 0.35
	DefaultSynonyms    = 0.3
	DefaultAnswerType  = 0.25
	DefaultExcerptMin  = 100
	DefaultExcerptMax  = 700
	// MaxQuestionBytes is the longest question Answer accepts.
	MaxQuestionBytes = 4096
	// MaxTop is the most results one Answer returns.
	MaxTop = 50
)

func (o Options) withDefaults() Options {
	if o.BM25.K1 == 0 {
		o.BM25 = index.DefaultBM25()
	}
	if o.Coord == 0 {
		o.Coord = DefaultCoord
	} else if o.Coord < 0 {
		o.Coord = 0
	}
	if o.Context == 0 {
		o.Context = DefaultContext
	} else if o.Context < 0 {
		o.Context = 0
	}
	if o.Synonyms == 0 {
		o.Synonyms = DefaultSynonyms
	} else if o.Synonyms < 0 {
		o.Synonyms = 0
	}
	if o.AnswerType == 0 {
		o.AnswerType = DefaultAnswerType
	} else if o.AnswerType < 0 {
		o.AnswerType = 0
	}
	if o.MinCoverage == 0 {
		o.MinCoverage = DefaultMinCoverage
	}
	if o.ExcerptMin == 0 {
		o.ExcerptMin = DefaultExcerptMin
	}
	if o.ExcerptMax == 0 {
		o.ExcerptMax = DefaultExcerptMax
	}
	if o.ExcerptMax < o.ExcerptMin {
		o.ExcerptMax = o.ExcerptMin
	}
	return o
}

// Engine answers questions about a corpus with its best sentences, each with
// an excerpt and a citation. It is safe for concurrent use.
type Engine struct {
	c    *corpus.Corpus
	ix   *index.Index
	s    *Searcher
	opts Options

	topicsOnce sync.Once
	topics     []Topic
}

// NewEngine indexes the corpus's sentences, each with its document's
// language, which it first sets as opts.Language says (see
// corpus.Corpus.WithLanguages). Engine.Corpus returns the corpus with the
// languages set.
func NewEngine(c *corpus.Corpus, opts Options) *Engine {
	e, _ := NewEngineContext(context.Background(), c, opts, nil)
	return e
}

// NewEngineContext is NewEngine reporting indexing progress as
// index.BuildContext does (progress may be nil), and stopping early, with
// ctx's error, when ctx is done.
func NewEngineContext(ctx context.Context, c *corpus.Corpus, opts Options, progress func(done int)) (*Engine, error) {
	opts = opts.withDefaults()
	c = c.WithLanguages(corpus.LanguageOptions{Language: opts.Language})
	ans, textLang := engineAnalyzers(c)
	ix, err := index.BuildLanguages(ctx, c.Len(), c.Text, ans, textLang, opts.BM25, progress)
	if err != nil {
		return nil, err
	}
	return newEngine(c, ix, opts), nil
}

// sharedLanguage is the language of the analyzer the least used languages
// of a corpus of over MaxAnalyzers share: "und", undetermined, which is
// neither stemmed nor has stop words.
const sharedLanguage = "und"

// engineAnalyzers returns an analyzer for each of the corpus's languages,
// the one with most sentences first, and the analyzer of each sentence
// (nil for a corpus of one language). Past MaxAnalyzers languages, the
// least used share an analyzer that neither stems nor drops stop words.
func engineAnalyzers(c *corpus.Corpus) ([]*index.Analyzer, func(int) int) {
	codes := c.Languages()
	if len(codes) == 0 {
		codes = []string{lang.English}
	}
	place := map[string]int{}
	var ans []*index.Analyzer
	for i, code := range codes {
		if i == index.MaxAnalyzers-1 && len(codes) > index.MaxAnalyzers {
			ans = append(ans, index.NewAnalyzer(engineAnalyzerFor(sharedLanguage)))
			for _, rest := range codes[i:] {
				place[rest] = i
			}
			break
		}
		place[code] = i
		ans = append(ans, index.NewAnalyzer(engineAnalyzerFor(code)))
	}
	if len(ans) == 1 {
		return ans, nil
	}
	sentLang := make([]uint8, c.Len())
	for _, d := range c.Documents() {
		for id := d.First; id < d.End; id++ {
			sentLang[id] = uint8(place[d.Language])
		}
	}
	return ans, func(i int) int { return int(sentLang[i]) }
}

// newEngine assembles an engine from a corpus and its index.
func newEngine(c *corpus.Corpus, ix *index.Index, opts Options) *Engine {
	e := &Engine{c: c, ix: ix, opts: opts}
	e.s = NewSearcher(ix, c.Text, SearchOptions{Coord: opts.Coord, Exact: DefaultExact, Fuzzy: !opts.NoFuzzy,
		Context: opts.Context, Neighbours: e.neighbours, Synonyms: opts.Synonyms, AnswerType: opts.AnswerType,
		Clauses: true})
	// In the background, so that loading is not slowed.
	go e.s.Prepare()
	return e
}

// neighbours returns the sentences before and after id in its paragraph.
func (e *Engine) neighbours(id int) (prev, next int) {
	prev, next = -1, -1
	if !e.c.StartsParagraph(id) {
		prev = id - 1
	}
	if id+1 < e.c.Len() && !e.c.StartsParagraph(id+1) {
		next = id + 1
	}
	return prev, next
}

// Corpus returns the engine's corpus.
func (e *Engine) Corpus() *corpus.Corpus { return e.c }

// Index returns the engine's sentence index.
func (e *Engine) Index() *index.Index { return e.ix }

// Options returns the options in effect, defaults filled in.
func (e *Engine) Options() Options { return e.opts }

// Errors for questions that cannot be asked. Their messages are meant for
// the person who asked.
var (
	ErrEmptyQuestion   = errors.New("the question is empty: ask something about the text")
	ErrQuestionTooLong = fmt.Errorf("the question is too long: ask in at most %d bytes", MaxQuestionBytes)
	ErrQuestionUTF8    = errors.New("the question is not valid UTF-8 text")
)

// Answer is the reply to a question. Its JSON names are part of the
// `lectern ask --json` contract.
type Answer struct {
	Question string `json:"question"`
	// Answered is false when the text does not answer the question; Results
	// may then hold weak matches, or nothing.
	Answered bool     `json:"answered"`
	Results  []Result `json:"results"`
	// Reason says why the question was not answered.
	Reason string `json:"reason,omitempty"`
	// Terms are the question's terms as searched, with fuzzy replacements.
	Terms []SearchTerm `json:"-"`
	// More reports whether further results exist beyond these.
	More bool `json:"-"`
}

// Result is one excerpt answering a question.
type Result struct {
	Rank  int     `json:"rank"`
	Score float64 `json:"score"`
	// Sentence is the best-matching sentence, reflowed.
	Sentence string `json:"sentence"`
	// Excerpt is Sentence with enough of its paragraph around it to stand
	// alone.
	Excerpt  string          `json:"excerpt"`
	Citation corpus.Citation `json:"citation"`
	// ID is the sentence's ID in the corpus.
	ID int `json:"id"`
	// First and Last are the IDs of the excerpt's first and last sentences.
	First int `json:"-"`
	Last  int `json:"-"`
	// Matched lists the question's words the excerpt holds.
	Matched []string `json:"matched,omitempty"`
	// Highlights are the byte ranges of matched words in Excerpt.
	Highlights []corpus.Span `json:"-"`
	// SentenceSpan is Sentence's byte range in Excerpt.
	SentenceSpan corpus.Span `json:"-"`
	// Coverage is the share of the question's information Sentence matches.
	Coverage float64 `json:"-"`
	// Explain, filled on request, is each term's part of Score.
	Explain []index.TermScore `json:"explain,omitempty"`
}

// SearchTerm is a term of a question as it was searched.
type SearchTerm struct {
	// Term is the question's term; Found is what was searched for it (a
	// fuzzy replacement, or "" when nothing in the text is close).
	Term, Found string
	// Word is the question's word the term comes from.
	Word string
	// Weight is the term's share of the question's information (its IDF).
	Weight float64
	// Fuzzy is the similarity of Found to Term, 1 for an exact match.
	Fuzzy float64
	// Synonyms are the terms of the word's synonyms searched for it, when
	// the text does not hold the word itself.
	Synonyms []string
	// Also are the other terms searched for the word, when the question is
	// analyzed for several languages and they make different terms of it.
	Also   []string
	words  []string // the word as each language folds it
	filler bool     // a word questions are phrased with (fillerWords)
	count  int
}

// Request says what to return for a question.
type Request struct {
	// Top is how many results to return; 0 means 3.
	Top int
	// Offset skips that many results first, for "more results".
	Offset int
	// Explain fills Result.Explain.
	Explain bool
}

// CheckQuestion reports why a question cannot be asked, or nil.
func CheckQuestion(q string) error {
	switch {
	case !utf8.ValidString(q):
		return ErrQuestionUTF8
	case len(q) > MaxQuestionBytes:
		return fmt.Errorf("%w (this one has %d)", ErrQuestionTooLong, len(q))
	case strings.TrimSpace(q) == "":
		return ErrEmptyQuestion
	}
	return nil
}

// Answer finds the sentences that best answer question. It fails only for a
// question that cannot be asked (see CheckQuestion); a question the text does
// not answer gives an Answer with Answered false and a Reason.
func (e *Engine) Answer(question string, req Request) (Answer, error) {
	if err := CheckQuestion(question); err != nil {
		return Answer{Question: question, Results: []Result{}}, err
	}
	if req.Top <= 0 {
		req.Top = 3
	}
	req.Top = min(req.Top, MaxTop)
	req.Offset = max(0, min(req.Offset, MaxTop*4))
	ans := Answer{Question: question, Results: []Result{}}
	query := e.s.Parse(question)
	terms := query.Terms
	ans.Terms = terms
	if len(terms) == 0 {
		ans.Reason = "the question has no words to look up; ask about something in the text"
		return ans, nil
	}
	q := query.BM25()
	if len(q) == 0 {
		ans.Reason = "none of the question's words are in the text"
		return ans, nil
	}
	want := req.Offset + req.Top
	hits := e.s.Rank(query, want*3+8)
	if len(hits) == 0 {
		ans.Reason = "none of the question's words are in the text"
		return ans, nil
	}
	results := e.results(hits, want+1)
	hw := e.highlightTerms(terms)
	for i := range results {
		e.highlight(&results[i], hw)
	}
	if len(results) == 0 {
		ans.Reason = "nothing in the text matches enough of the question"
		return ans, nil
	}
	ans.Answered = results[0].Coverage >= e.opts.MinCoverage
	if !ans.Answered {
		ans.Reason = "the text does not seem to answer this: the best passage matches too little of the question"
		return ans, nil
	}
	if len(results) > want {
		ans.More = true
		results = results[:want]
	}
	if req.Offset >= len(results) {
		return ans, nil
	}
	results = results[req.Offset:]
	for i := range results {
		results[i].Rank = req.Offset + i + 1
		if req.Explain {
			results[i].Explain = e.ix.Explain(q, results[i].ID)
		}
	}
	ans.Results = results
	return ans, nil
}

// results turns ranked candidates into at most n excerpts, merging
// candidates whose excerpts overlap.
func (e *Engine) results(hits []Candidate, n int) []Result {
	var out []Result
	var paras []int // the paragraph of each of out
	for _, h := range hits {
		if len(out) >= n {
			break
		}
		cov, matched := h.Coverage, h.Matched
		weak := cov < e.opts.MinCoverage && len(out) > 0 // too weak to show beside a good answer
		// A hit inside an excerpt already chosen is shown there; one next to
		// an excerpt is added to it. (A hit shown by one excerpt must not be
		// added to the excerpt next to it too: no sentence is shown twice.)
		merged := false
		hp := e.c.ParagraphOf(h.Doc)
		for i := range out {
			r := &out[i]
			if hp == paras[i] && h.Doc >= r.First && h.Doc <= r.Last {
				merged = true
				break
			}
		}
		for i := 0; i < len(out) && !merged; i++ {
			r := &out[i]
			if hp == paras[i] && h.Doc >= r.First-1 && h.Doc <= r.Last+1 {
				if !weak {
					e.extend(r, min(h.Doc, r.First), max(h.Doc, r.Last))
				}
				merged = true
			}
		}
		if merged || weak {
			continue
		}
		r := Result{ID: h.Doc, Score: h.Score, Coverage: cov, Matched: matched}
		first, last := e.context(h.Doc)
		// Do not repeat sentences another excerpt shows.
		for i, o := range out {
			if paras[i] != hp {
				continue
			}
			if o.Last >= first && o.Last < h.Doc {
				first = o.Last + 1
			}
			if o.First <= last && o.First > h.Doc {
				last = o.First - 1
			}
		}
		e.fill(&r, first, last)
		out = append(out, r)
		paras = append(paras, hp)
	}
	return out
}

// context returns the sentence range of d's excerpt: d itself, the sentence
// before when d leans on it ("This", "He", "In addition"), then neighbours
// until the excerpt is long enough.
func (e *Engine) context(d int) (first, last int) {
	p := e.c.Paragraph(e.c.ParagraphOf(d))
	first, last = d, d
	size := func(a, b int) int { return e.c.Sentence(b).End - e.c.Sentence(a).Start }
	if d > p.First && leansBack(e.c.Text(d)) && size(d-1, d) <= e.opts.ExcerptMax {
		first = d - 1
	}
	for size(first, last) < e.opts.ExcerptMin {
		switch {
		case last+1 < p.End && size(first, last+1) <= e.opts.ExcerptMax:
			last++
		case first > p.First && size(first-1, last) <= e.opts.ExcerptMax:
			first--
		default:
			return first, last
		}
	}
	return first, last
}

// extend widens r's excerpt to sentences first..last if it stays within
// ExcerptMax.
func (e *Engine) extend(r *Result, first, last int) {
	if e.c.Sentence(last).End-e.c.Sentence(first).Start > e.opts.ExcerptMax {
		return
	}
	e.fill(r, first, last)
}

// fill sets r's excerpt to sentences first..last of r.ID's paragraph.
func (e *Engine) fill(r *Result, first, last int) {
	p := e.c.Paragraph(e.c.ParagraphOf(r.ID))
	a, b, s := e.c.Sentence(first), e.c.Sentence(last), e.c.Sentence(r.ID)
	r.First, r.Last = first, last
	r.Sentence = s.Text
	r.Excerpt = p.Text[a.Start:b.End]
	r.SentenceSpan = corpus.Span{Start: s.Start - a.Start, End: s.End - a.Start}
	if len(r.Excerpt) > e.opts.ExcerptMax && first == last {
		r.Excerpt = truncate(r.Excerpt, e.opts.ExcerptMax)
		r.SentenceSpan.End = min(r.SentenceSpan.End, len(r.Excerpt))
	}
	r.Citation = e.c.CitationSpan(first, last)
}

// highlightSet is what highlighting looks for: the terms searched for a
// question, as strings and by their numbers in the index.
type highlightSet struct {
	want    map[string]bool
	wantIDs []int32
}

// highlightTerms returns the terms searched for a question's terms.
func (e *Engine) highlightTerms(terms []SearchTerm) *highlightSet {
	hw := &highlightSet{want: map[string]bool{}}
	add := func(t string) {
		if hw.want[t] {
			return
		}
		hw.want[t] = true
		if i := e.ix.TermID(t); i >= 0 {
			hw.wantIDs = append(hw.wantIDs, int32(i))
		}
	}
	for _, t := range terms {
		if t.Found != "" {
			add(t.Found)
		}
		for _, a := range t.Also {
			add(a)
		}
		for _, syn := range t.Synonyms {
			add(syn)
		}
	}
	return hw
}

// highlight marks in r's excerpt the words of the question's terms, hw.
func (e *Engine) highlight(r *Result, hw *highlightSet) {
	want := hw.want
	r.Highlights = r.Highlights[:0]
	an := e.ix.AnalyzerOf(r.ID)
	mark := func(start, end int) {
		if n := len(r.Highlights); n > 0 && r.Highlights[n-1].End >= start {
			r.Highlights[n-1].End = max(r.Highlights[n-1].End, end)
			return
		}
		r.Highlights = append(r.Highlights, corpus.Span{Start: start, End: end})
	}
	if !an.English() {
		for _, tok := range an.Analyze(r.Excerpt) {
			if want[tok.Term] {
				mark(tok.Start, tok.End)
			}
		}
	} else {
		// An English word is indexed as its stem: the excerpt's words are
		// its sentences' words, whose terms the index holds, so that none
		// needs stemming again but a word cut short.
		wantIDs := hw.wantIDs
		var ids []uint32
		for id := r.First; id <= r.Last; id++ {
			_, words := e.ix.DocTerms(id)
			ids = append(ids, words...)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		an.EachWord(r.Excerpt, func(key, word string, start, end, _, _ int) {
			i, ok := slices.BinarySearchFunc(ids, word, func(id uint32, w string) int {
				iw, _ := e.ix.Word(id)
				return strings.Compare(iw, w)
			})
			if ok {
				_, term := e.ix.Word(ids[i])
				ok = slices.Contains(wantIDs, term)
			} else {
				ok = want[an.Stem(key)]
			}
			if ok {
				mark(start, end)
			}
		})
	}
	seen := map[string]bool{}
	r.Matched = r.Matched[:0]
	for _, h := range r.Highlights {
		w := r.Excerpt[h.Start:h.End]
		if k := strings.ToLower(w); !seen[k] {
			seen[k] = true
			r.Matched = append(r.Matched, w)
		}
	}
}

// leansBack reports whether a sentence refers to the one before it: it
// starts with a word such as "This", "He" or "However", or points back with
// "this", "these", "such", "the former" and the like.
func leansBack(s string) bool {
	w := strings.ToLower(strings.TrimRight(nextWordOf(s), ",;:"))
	if anaphora[w] {
		return true
	}
	for _, f := range strings.Fields(strings.ToLower(s)) {
		if pointers[strings.Trim(f, ",;:.()")] {
			return true
		}
	}
	return false
}

// pointers are words that refer back anywhere in a sentence.
var pointers = map[string]bool{"this": true, "these": true, "those": true,
	"such": true, "former": true, "latter": true, "here": true}

var anaphora = map[string]bool{
	"this": true, "these": true, "that": true, "those": true, "it": true,
	"its": true, "he": true, "she": true, "they": true, "his": true, "her": true,
	"their": true, "such": true, "so": true, "and": true, "but": true,
	"however": true, "also": true, "thus": true, "therefore": true,
	"there": true, "here": true, "then": true, "both": true, "another": true,
	"similarly": true, "likewise": true, "instead": true, "yet": true,
	"moreover": true, "furthermore": true, "nevertheless": true,
}

func nextWordOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// truncate cuts s to at most n bytes at a word boundary and adds "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexAny(s[:cut], " \t\n"); sp > n/2 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}

// Context returns the whole paragraph around sentence id, cut to max bytes
// around the sentence, with its citation.
func (e *Engine) Context(id, maxBytes int) (string, corpus.Citation, error) {
	if id < 0 || id >= e.c.Len() {
		return "", corpus.Citation{}, fmt.Errorf("no sentence %d in the text (it has %d)", id, e.c.Len())
	}
	p := e.c.Paragraph(e.c.ParagraphOf(id))
	first, last := p.First, p.End-1
	size := func(a, b int) int { return e.c.Sentence(b).End - e.c.Sentence(a).Start }
	for size(first, last) > maxBytes && first < last {
		// Drop the sentence farthest from id.
		if id-first > last-id {
			first++
		} else {
			last--
		}
	}
	text := p.Text[e.c.Sentence(first).Start:e.c.Sentence(last).End]
	if len(text) > maxBytes {
		text = truncate(text, maxBytes)
	}
	return text, e.c.CitationSpan(first, last), nil
}
