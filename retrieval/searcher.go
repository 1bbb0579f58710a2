package retrieval

import (
	"lectern/retrieval/index"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"lectern/corpus/lang"
	"lectern/retrieval/lexicon"
)

// SearchOptions configure a Searcher. The zero value is plain BM25 with
// no rescoring and no fuzzy matching.
type SearchOptions struct {
	// Coord is the exponent of a candidate's coverage in its score: 0
	// ignores coverage, 1 multiplies the BM25 score by it.
	Coord float64
	// Exact is the bonus, per unit of IDF, for a question word found in
	// exactly the question's form.
	Exact float64
	// Fuzzy matches question words missing from the texts to the closest
	// indexed word ("burried" to "buried").
	Fuzzy bool
	// Depth is how many BM25 candidates are rescored; 0 means 30.
	Depth int
	// Synonyms, if above 0, also searches each question word's common
	// synonyms (WordNet's, found in the texts) at this weight, and counts a
	// word found only through a synonym at this share of its weight.
	Synonyms float64
	// Expand, when set with ExpandDepth above 0, is given the query as
	// searched and the ExpandDepth best hits of a first search, and returns
	// the query to search again with (query expansion, such as eval's RM3
	// pseudo-relevance feedback). The bot uses none.
	Expand      func(q []index.QueryTerm, hits []index.Hit) []index.QueryTerm
	ExpandDepth int
	// Bonus, when set, is added to each candidate's rescored score (a
	// research feature, such as eval's proximity bonus). The bot uses none.
	Bonus func(d int, q Query) float64
	// Context adds to each candidate's score this share of the best BM25
	// score among its neighbours, as Neighbours gives them.
	Context float64
	// Neighbours returns the texts next to d (-1 for none): the sentences
	// before and after it in its paragraph.
	Neighbours func(d int) (prev, next int)
	// AnswerType multiplies by 1+AnswerType the score of a candidate that
	// holds the kind of answer an English question asks for (see KindOf
	// and Fits): a year for "when", a number for "how many", a name for
	// "who", a place for "where".
	AnswerType float64
	// Clauses also scores a candidate holding semicolons clause by clause,
	// each clause as a text of its own, and keeps its best score (see
	// clauseScore).
	Clauses bool
}

// DefaultExact is the exact-form bonus lectern answers with.
const DefaultExact = 0.3

// Searcher ranks the texts of an Index for questions: BM25 finds
// candidates, then coverage and exact forms rescore them. It is safe for
// concurrent use.
type Searcher struct {
	ix   *index.Index
	text func(int) string
	opts SearchOptions

	clauses    clauseCache   // texts' clauses, for clauseScore
	semicolons semicolonBits // which texts hold semicolons, for clausesOf
	forms      formsCache    // the index's English words of a single form, for the exact-form bonus
	scratch    sync.Pool     // *rankScratch
	// indexShare is coverageShare of the index's average text: 0 for an
	// index of passages, which coverage and clauses do not judge.
	indexShare float64
}

// NewSearcher returns a Searcher over ix, whose document d has the text
// text(d).
func NewSearcher(ix *index.Index, text func(int) string, opts SearchOptions) *Searcher {
	if opts.Depth <= 0 {
		opts.Depth = 30
	}
	s := &Searcher{ix: ix, text: text, opts: opts, indexShare: coverageShare(int(ix.AvgLen()))}
	if opts.Clauses {
		s.semicolons = newSemicolonBits(ix.Len())
	}
	return s
}

// coord is the exponent of coverage in the score of a text of n terms
// (see coverageShare).
func (s *Searcher) coord(n int) float64 {
	return s.opts.Coord * min(coverageShare(n), s.indexShare)
}

// Prepare loads now what answering would otherwise load at the first
// question that needs it, so that no question waits for it: English's
// word list and, when the Searcher uses them, its synonyms (WordNet's,
// tens of milliseconds to unpack), the filler words of the index's
// languages, with Fuzzy, the vocabulary indexes of fuzzy matching (tens
// of milliseconds on a million sentences), and, with Exact, which English
// words are their term's only form (see singleForms) and, for an index of
// English passages, the forms of its postings (see wantForms); and the
// tables that find the index's terms and each language's words (256 KiB
// each).
// Calling it again, or while questions are answered, is safe and does
// nothing more.
func (s *Searcher) Prepare() {
	english := false
	for _, an := range s.ix.Analyzers() {
		english = english || an.English()
		fillerWords(an.Language())
	}
	if english {
		lexicon.IsWord("")
		if s.opts.Synonyms > 0 {
			lexicon.Synonyms("")
		}
	}
	if s.opts.Fuzzy {
		s.ix.PrepareFuzzy()
	}
	if s.opts.Exact > 0 {
		s.singleForms()
		if s.indexShare == 0 {
			s.ix.FormBit(0) // the forms of an index of passages (see wantForms)
		}
	}
	s.ix.TermID("") // the table that finds terms
	for l := range s.ix.Analyzers() {
		s.ix.WordTerm(l, "") // the tables that find each language's words
	}
}

// Query is an analyzed question.
type Query struct {
	// Terms are the question's terms, de-duplicated, with their weights.
	Terms []SearchTerm
	// Languages are the languages the question was analyzed for: the
	// index's language, or, in an index of several, the question's when
	// it is clear (lang.DetectAmong), else all of them.
	Languages []string
	// Kind is the kind of answer the question asks for (English
	// questions only; AnyKind otherwise).
	Kind     AnswerKind
	qwords   map[string]bool // the question's words, lower case, for Fits
	total    float64
	synonyms float64 // the weight of synonyms
}

// Parse analyzes a question into weighted, de-duplicated terms, with fuzzy
// replacements for words the texts do not hold.
//
// A question is analyzed for the languages of the texts: with their
// analyzer when the index has one language, or when the question is
// clearly in one of the index's languages; otherwise with each of them,
// a word being searched as every term they make of it (a term two of them
// make being searched once), and dropped when any of them takes it for a
// stop word. Misspelt words are matched only among the words of the
// question's language, and WordNet's synonyms only for English questions:
// neither step turns a word of one language into a word of another, and
// neither is taken when the question's language is unclear.
func (s *Searcher) Parse(question string) Query {
	ls, strict := s.languagesFor(question)
	q := Query{synonyms: s.opts.Synonyms}
	for _, l := range ls {
		q.Languages = append(q.Languages, s.ix.Analyzers()[l].Language())
	}
	english := strict && s.ix.Analyzers()[ls[0]].English()
	if english && s.opts.AnswerType > 0 {
		if q.Kind = KindOf(question); q.Kind != AnyKind {
			q.qwords = map[string]bool{}
			for _, w := range strings.FieldsFunc(strings.ToLower(question), func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
			}) {
				q.qwords[w] = true
			}
		}
	}
	words := s.analyzeQuestion(question, ls)
	terms := make([]SearchTerm, 0, len(words))
	var seen map[string]int    // for a long question; a short one is searched
	dfs := newDFCache(s.ix.DF) // each term's DF, looked up once
	df := dfs.df
	idf := func(term string) float64 { return index.IDF(df(term), s.ix.Len()) }
	for _, toks := range words {
		tok := toks[0]
		if i := termIndex(terms, seen, tok.Term); i >= 0 {
			terms[i].count++
			continue
		}
		if len(terms) == shortQuestion {
			seen = make(map[string]int, 2*shortQuestion)
			for i, t := range terms {
				seen[t.Term] = i
			}
		}
		if seen != nil {
			seen[tok.Term] = len(terms)
		}
		st := SearchTerm{Term: tok.Term, Word: tok.Word, count: 1}
		for k, t := range toks {
			st.filler = st.filler || fillerWords(s.ix.Analyzers()[ls[k]].Language())[t.Term]
			if !slices.Contains(st.words, t.Word) {
				st.words = append(st.words, t.Word)
			}
		}
		// What the texts hold of the word: its term in each language, or
		// the term the same word, accents aside, indexes as.
		var found []string
		for k, t := range toks {
			term := t.Term
			if df(term) == 0 {
				if wt := s.ix.WordTerm(ls[k], t.Word); wt != "" {
					term = wt
				}
			}
			if df(term) > 0 && !slices.Contains(found, term) {
				found = append(found, term)
			}
		}
		if len(found) == 0 && english {
			// "rebury", "reelected": the text may hold the verb without
			// its prefix of repetition ("buried", "elected").
			if rest, ok := strings.CutPrefix(tok.Word, "re"); ok && len(rest) >= 4 {
				if t := s.ix.Analyzers()[ls[0]].Terms(rest); len(t) == 1 && df(t[0]) > 0 {
					found = append(found, t[0])
				}
			}
		}
		// By DF, highest first, keeping ties in order (an insertion sort:
		// a word has a term or two).
		for i := 1; i < len(found); i++ {
			for j := i; j > 0 && df(found[j]) > df(found[j-1]); j-- {
				found[j], found[j-1] = found[j-1], found[j]
			}
		}
		an := s.ix.Analyzers()[ls[0]]
		switch {
		case len(found) > 0:
			st.Found, st.Fuzzy, st.Also = found[0], 1, found[1:]
		case strict && s.opts.Fuzzy && !st.filler && s.mayCorrect(an, tok.Word):
			stem := ""
			if !an.English() && an.Stems() {
				stem = tok.Term // for languages of many endings, see closest
			}
			if f, sim := s.ix.Closest(ls[0], tok.Word, stem); f != "" {
				st.Found, st.Fuzzy = f, sim
			}
		}
		switch {
		case st.Found == "" && st.filler:
			st.Weight = 0 // "explain", "tell": only count when the text has them
		case st.Found == "" && nameLike(question, tok, english):
			// A name, number or term the text never mentions ("Beria",
			// "Hungary", "1964") is the surest sign it is not about this.
			st.Weight = absentNameWeight * idf(tok.Term)
		case st.Found == "":
			st.Weight = idf(tok.Term)
		default:
			st.Weight = idf(st.Found)
		}
		if st.filler {
			st.Weight *= fillerWeight
		}
		if st.Found == "" && english && s.opts.Synonyms > 0 && !st.filler {
			st.Synonyms = s.synonyms(an, tok)
		}
		terms = append(terms, st)
	}
	q.Terms = terms
	for _, t := range terms {
		q.total += t.Weight
	}
	return q
}

// mayCorrect reports whether a question word the texts lack may be
// matched to a similar word of theirs: not a real English word (for
// English), and of at least minCorrect letters in languages without a
// word list to tell real words from misspelt ones.
func (s *Searcher) mayCorrect(an *index.Analyzer, word string) bool {
	if an.English() {
		return !lexicon.IsWord(word)
	}
	return utf8.RuneCountInString(word) >= minCorrect
}

// minCorrect is the shortest word of a language other than English that
// fuzzy matching corrects.
const minCorrect = 5

// languagesFor returns the analyzers (indexes into the index's) to analyze
// a question with, and whether the question's language is clear: the
// index has one language, or the question is surely in one of them.
func (s *Searcher) languagesFor(question string) ([]int, bool) {
	if len(s.ix.Analyzers()) == 1 {
		return []int{0}, true
	}
	codes := make([]string, len(s.ix.Analyzers()))
	for i, an := range s.ix.Analyzers() {
		codes[i] = an.Language()
	}
	if g := lang.DetectAmong(question, codes); g.IsSure() {
		if i := slices.Index(codes, g.Language); i >= 0 {
			return []int{i}, true
		}
	}
	all := make([]int, len(codes))
	for i := range all {
		all[i] = i
	}
	return all, false
}

// analyzeQuestion returns the words of a question as each of the
// analyzers ls makes them, one token per analyzer, in the first's order:
// only the words none of them takes for a stop word.
func (s *Searcher) analyzeQuestion(question string, ls []int) [][]index.Token {
	if len(ls) == 1 {
		// One analyzer: every word it keeps, in its order, with no map.
		an := s.ix.Analyzers()[ls[0]]
		var toks []index.Token
		an.EachWord(question, func(key, word string, start, end, pos, _ int) {
			toks = append(toks, index.Token{Term: an.Stem(key), Word: word, Start: start, End: end, Pos: pos})
		})
		out := make([][]index.Token, len(toks))
		for i := range toks {
			out[i] = toks[i : i+1 : i+1]
		}
		return out
	}
	// Each word's tokens sit together in flat, one per analyzer, in the
	// first analyzer's order; count tells how many analyzers kept it.
	type at struct{ pos, part int }
	n := len(ls)
	var order []at
	var count []int
	var flat []index.Token
	for k, l := range ls {
		an := s.ix.Analyzers()[l]
		j := 0 // where the last word was found: words come in order
		an.EachWord(question, func(key, word string, start, end, pos, part int) {
			p := at{pos, part}
			if k == 0 {
				order, count = append(order, p), append(count, 0)
				flat = append(flat, make([]index.Token, n)...)
				j = len(order) - 1
			} else if j < len(order) && order[j] == p || j+1 < len(order) && order[j+1] == p {
				if order[j] != p {
					j++
				}
			} else if j = slices.Index(order, p); j < 0 {
				j = 0
				return // the first analyzer dropped it
			}
			if count[j] != k {
				return // another analyzer dropped it
			}
			flat[j*n+k] = index.Token{Term: an.Stem(key), Word: word, Start: start, End: end, Pos: pos}
			count[j]++
		})
	}
	out := make([][]index.Token, 0, len(order))
	for j, c := range count {
		if c == n {
			out = append(out, flat[j*n:(j+1)*n:(j+1)*n])
		}
	}
	return out
}

// synonyms returns the terms of an English word's synonyms that the texts
// hold, looking the word up as it is and as its dictionary forms
// ("printed" is looked up as "print").
func (s *Searcher) synonyms(an *index.Analyzer, tok index.Token) []string {
	var out []string
	for _, lemma := range lemmas(tok.Word) {
		for _, w := range lexicon.Synonyms(lemma) {
			for _, t := range an.Terms(w) {
				if t != tok.Term && s.ix.DF(t) > 0 && !slices.Contains(out, t) {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// lemmas returns the word and the dictionary forms it may be inflected
// from: irregular ("held" -> "hold") or by a regular ending ("printed",
// "papers", "buried", "struggling").
func lemmas(w string) []string {
	out := []string{w}
	if b, ok := lexicon.Base(w); ok {
		out = append(out, b)
	}
	for _, e := range []struct{ suffix, repl string }{
		{"ies", "y"}, {"ied", "y"}, {"es", ""}, {"s", ""}, {"ed", ""}, {"ed", "e"}, {"ing", ""}, {"ing", "e"},
	} {
		if stem, ok := strings.CutSuffix(w, e.suffix); ok && len(stem) > 2 {
			for _, c := range []string{stem + e.repl, undouble(stem) + e.repl} {
				if lexicon.IsWord(c) && !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// undouble drops a doubled last consonant: "stopp" -> "stop".
func undouble(s string) string {
	if n := len(s); n >= 2 && s[n-1] == s[n-2] && !strings.ContainsRune("aeiou", rune(s[n-1])) {
		return s[:n-1]
	}
	return s
}

// absentNameWeight scales the weight of a name-like question word that the
// text does not hold.
const absentNameWeight = 2

// nameLike reports whether a question's token looks like a name, number or
// technical term: capitalised inside the question, made of digits, or, in
// an English question, not an English word at all.
func nameLike(question string, tok index.Token, english bool) bool {
	if r, _ := utf8.DecodeRuneInString(tok.Word); r >= '0' && r <= '9' {
		return true
	}
	if tok.Start > 0 {
		if r, _ := utf8.DecodeRuneInString(question[tok.Start:]); unicode.IsUpper(r) {
			return true
		}
	}
	return english && !lexicon.IsWord(tok.Word) && !strings.Contains(tok.Word, "-")
}

// fillerWords returns, for a language, the stems of words questions are
// phrased with rather than words they ask about ("explain", "tell",
// "happen"). They count when the text holds them and are ignored
// otherwise. Each language's are found on first use, since analyzing them
// loads the lexicon.
func fillerWords(code string) map[string]bool {
	if f, ok := fillerSets()[code]; ok {
		return f()
	}
	return nil
}

var fillerSets = sync.OnceValue(func() map[string]func() map[string]bool {
	m := map[string]func() map[string]bool{}
	for code, words := range fillerLists {
		m[code] = sync.OnceValue(func() map[string]bool {
			set := map[string]bool{}
			for _, t := range index.NewAnalyzer(engineAnalyzerFor(code)).Terms(words) {
				set[t] = true
			}
			return set
		})
	}
	return m
})

// fillerWeight scales filler words the text does hold ("come", "back").
const fillerWeight = 0.25

// BM25 returns the query's terms as searched, with their weights.
func (q Query) BM25() []index.QueryTerm {
	var out []index.QueryTerm
	for _, t := range q.Terms {
		if t.Found == "" {
			continue
		}
		w := float64(t.count) * t.Fuzzy
		if t.filler {
			w *= fillerWeight
		}
		out = append(out, index.QueryTerm{Term: t.Found, Weight: w})
		for _, a := range t.Also {
			out = append(out, index.QueryTerm{Term: a, Weight: w})
		}
	}
	for _, t := range q.Terms {
		for _, syn := range t.Synonyms {
			out = append(out, index.QueryTerm{Term: syn, Weight: q.synonyms * float64(t.count)})
		}
	}
	return out
}

// Candidate is a text found for a question, rescored.
type Candidate struct {
	index.Hit
	// BM25 is the candidate's BM25 score before rescoring.
	BM25 float64
	// Coverage is the share of the question's information it holds.
	Coverage float64
	// Matched are the question's words it holds.
	Matched []string
}

// Rank returns the n best texts for the query. BM25 finds the candidates;
// each is then rescored: its BM25 score times its coverage (the share of the
// question's information it holds) raised to Coord (less for a text longer
// than a sentence: see coverageShare), or its best clause's score if higher
// (Clauses), plus Exact times the IDF of each question word it holds in
// exactly the question's form, so that "Stalinization" prefers
// "de-Stalinization" to "Stalin", and Context times its best neighbour's
// score; the whole times 1+AnswerType when it holds the kind of answer
// asked for.
func (s *Searcher) Rank(q Query, n int) []Candidate {
	n = max(n, 0)
	sc, _ := s.scratch.Get().(*rankScratch)
	if sc == nil {
		sc = &rankScratch{}
	}
	defer s.scratch.Put(sc)
	bq := q.BM25()
	bq, ids, hits, masks := s.searchMasks(sc, &q, bq, n)
	r := s.rescorer(q, bq, ids, masks != nil)
	if r.masked && sc.exactWords != nil {
		r.exactWords[0], r.gated[0] = sc.exactWords, true // as exactWordsOf would make them
	}
	words := (len(q.Terms) + 63) / 64 // per candidate in sc.matched
	cands := slices.Grow(sc.cands[:0], len(hits))[:len(hits)]
	sc.matched = slices.Grow(sc.matched[:0], len(hits)*words)[:len(hits)*words]
	clear(sc.matched)
	if s.opts.Exact > 0 && !sc.formsOK {
		// The candidates' words are searched below one candidate at a
		// time, among much other work; reading their cache lines here
		// first, in a loop of independent loads, lets the misses overlap.
		// (Reading only the middle line, exactIn's share of the CPU on
		// SciFact's abstracts was 16%; reading them all, 12%.)
		var sum uint32
		for _, h := range hits {
			_, words := s.ix.DocTerms(h.Doc)
			// Every line of a list of up to 256 words; 16 lines spread
			// over a longer one.
			step := max(16, len(words)/16)
			for j := 0; j < len(words); j += step {
				sum += words[j]
			}
		}
		sc.touched = sum
	}
	for i, h := range hits {
		c := Candidate{Hit: h, BM25: h.Score}
		var mask uint64
		var found, syn bitset
		if r.masked {
			mask = masks[i]
		} else {
			ids, _ := s.ix.DocTerms(h.Doc)
			found, syn = r.terms.match(ids, r.found, r.syn)
		}
		var exact bitset
		if s.opts.Exact > 0 {
			var forms uint64 // none when the search asked for none
			if len(sc.forms) == len(hits) {
				forms = sc.forms[i]
			}
			exact = r.exactIn(s, &q, h.Doc, mask, forms, sc.formsOK)
		}
		matched := bitset(sc.matched[i*words : (i+1)*words])
		got := 0.0
		bonus := 0.0
		for k := range q.Terms {
			switch {
			case r.masked && mask&r.placeFound[k] != 0, !r.masked && found.has(k):
				got += r.foundW[k]
				matched.set(k)
			case r.masked && mask&r.placeSyn[k] != 0, !r.masked && syn.has(k):
				got += r.synW[k]
				matched.set(k)
			}
		}
		if q.total != 0 {
			c.Coverage = got / q.total
		} else {
			clear(matched) // no words matched without information
		}
		if s.opts.Exact > 0 {
			for k, w := range r.exactW {
				if w.ok && exact.has(k) {
					bonus += w.bonus
				}
			}
		}
		if s.opts.Bonus != nil {
			bonus += s.opts.Bonus(h.Doc, q)
		}
		if s.opts.Context > 0 && s.opts.Neighbours != nil {
			prev, next := s.opts.Neighbours(h.Doc)
			best := 0.0
			for _, nb := range []int{prev, next} {
				switch {
				case nb < 0 || nb >= s.ix.Len():
				case len(sc.near) == 2*len(hits) && nb == h.Doc-1:
					best = max(best, float64(sc.near[2*i]))
				case len(sc.near) == 2*len(hits) && nb == h.Doc+1:
					best = max(best, float64(sc.near[2*i+1]))
				default:
					best = max(best, r.scorer(s).Score(nb))
				}
			}
			bonus += s.opts.Context * best
		}
		base := h.Score * math.Pow(c.Coverage, s.coord(s.ix.DocLen(h.Doc)))
		if s.opts.Clauses {
			base = max(base, s.clauseScore(h.Doc, q, r))
		}
		c.Score = base + bonus
		if q.Kind != AnyKind && Fits(q.Kind, s.text(h.Doc), q.qwords) {
			c.Score *= 1 + s.opts.AnswerType
		}
		cands[i] = c
	}
	sc.cands = cands
	return bestCandidates(q, cands, sc.matched, words, n)
}

// Coverage judges sentences, not passages: it counts in full in the score
// of a text up to coverageFull terms long, less in a longer one, and not at
// all from coverageNone terms on, nor in an index whose texts are that long
// on average (abstracts, articles). A sentence that answers must hold the
// question's words, while a passage of several sentences is judged better
// by BM25 alone, which already rewards holding more of them. Set on
// SciFact's training claims: full coverage ranked abstracts below plain
// BM25 (nDCG@10 0.6875 against 0.6961) and this above it (0.6993), with
// sentences as good as before (0.5299 against 0.5314).
const (
	coverageFull = 40
	coverageNone = 80
)

// coverageShare is the share of Coord applied to a text of n terms.
func coverageShare(n int) float64 {
	switch {
	case n <= coverageFull:
		return 1
	case n >= coverageNone:
		return 0
	}
	return float64(coverageNone-n) / (coverageNone - coverageFull)
}

// rescorer holds what a query matches by number in the index, for
// rescoring candidates from the forward index.
type rescorer struct {
	terms     idSet            // the terms of each Query.Terms (found) and of its synonyms (syn); not masked only
	termIDs   [][]int32        // per Query.Terms, the numbers of its Found and Also terms
	ids       index.TermIDs    // the terms of the query as searched, by number
	bqIDF     []float64        // the IDF of each term of the query as searched, by its place
	bqWeights []float64        // the weight of each term of the query as searched
	bq        *index.DocScorer // the query as searched, made when first needed (see scorer)

	// masked tells that candidates are matched by their search masks:
	// placeFound and placeSyn are, per Query.Terms, the places in the query as searched of
	// its own terms and of its synonyms (see placesOf).
	masked               bool
	placeFound, placeSyn []uint64
	// Per Query.Terms, what it adds to a candidate's coverage found and
	// as a synonym, and its exact-form bonus.
	foundW, synW []float64
	exactW       []exactBonus
	exactWords   [][]exactWord // per analyzer, made when first needed (see exactWordsOf)
	look         []exactWord   // exactIn's scratch
	gated        []bool

	found, syn, exact bitset // a candidate's matches
}

// rescorer looks up q's terms and words in the index once, so that each
// candidate is rescored from numbers alone. ids are bq's terms by number;
// masks tells that the search reported the terms each hit holds.
func (s *Searcher) rescorer(q Query, bq []index.QueryTerm, ids index.TermIDs, masks bool) *rescorer {
	r := &rescorer{termIDs: make([][]int32, len(q.Terms)),
		exactWords: make([][]exactWord, len(s.ix.Analyzers())), gated: make([]bool, len(s.ix.Analyzers()))}
	r.ids = ids
	r.bqIDF = make([]float64, len(bq))
	r.bqWeights = make([]float64, len(bq))
	for i := range ids {
		r.bqIDF[i] = s.ix.IDFOf(ids.ID(i)) // s.ix.IDF(bq[i].Term)
		r.bqWeights[i] = bq[i].Weight
	}
	r.placesOf(q, bq, ids, masks)
	r.weights(s, q)
	// A term's number: from its place in bq when it is there, as it is
	// when the places are right.
	p := 0
	find := func(term string) int {
		if p < len(bq) && bq[p].Term == term {
			p++
			return int(ids.ID(p - 1))
		}
		p = len(bq) // out of step: look every term up
		return s.ix.TermID(term)
	}
	r.terms.init(len(q.Terms))
	for k, t := range q.Terms {
		if t.Found != "" {
			for j := -1; j < len(t.Also); j++ {
				term := t.Found
				if j >= 0 {
					term = t.Also[j]
				}
				if i := find(term); i >= 0 {
					if !r.masked {
						r.terms.add(uint32(i), k, false)
					}
					r.termIDs[k] = append(r.termIDs[k], int32(i))
				}
			}
		}
	}
	for k, t := range q.Terms {
		for _, term := range t.Synonyms {
			if i := find(term); i >= 0 && !r.masked {
				r.terms.add(uint32(i), k, true)
			}
		}
	}
	r.terms.finish()
	words := (len(q.Terms) + 63) / 64
	r.found, r.syn, r.exact = make(bitset, words), make(bitset, words), make(bitset, words)
	return r
}

// scorer returns the query as searched, to score a candidate's
// neighbours that the search did not (see Rank).
func (r *rescorer) scorer(s *Searcher) *index.DocScorer {
	if r.bq == nil {
		r.bq = s.ix.NewDocScorer(r.ids)
	}
	return r.bq
}

// search finds the candidates for the query as searched, bq: the best
// max(n, Depth) hits, after expanding bq with Expand when it is set. It
// returns the query searched last.
func (s *Searcher) search(bq []index.QueryTerm, n int) ([]index.QueryTerm, []index.Hit) {
	hits := s.ix.Search(bq, max(n, s.opts.Depth, s.opts.ExpandDepth))
	if s.opts.Expand != nil && s.opts.ExpandDepth > 0 && len(hits) > 0 {
		bq = s.opts.Expand(bq, hits[:min(len(hits), s.opts.ExpandDepth)])
		hits = s.ix.Search(bq, max(n, s.opts.Depth))
	}
	return bq, hits
}
