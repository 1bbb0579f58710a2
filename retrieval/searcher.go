package retrieval

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
	// Proximity is the bonus for two question words close together in a
	// candidate: for each pair, Proximity times the smaller of their IDFs
	// divided by their distance in words.
	Proximity float64
	// FeedbackDocs, FeedbackTerms and FeedbackWeight turn on RM3
	// pseudo-relevance feedback: the FeedbackTerms most likely terms of the
	// FeedbackDocs best texts of a first search are added to the question,
	// making up FeedbackWeight (0 to 1) of its weight, before searching
	// again.
	FeedbackDocs   int
	FeedbackTerms  int
	FeedbackWeight float64
	// Context adds to each candidate's score this share of the best BM25
	// score among its neighbours, as Neighbours gives them.
	Context float64
	// Neighbours returns the texts next to d (-1 for none): the sentences
	// before and after it in its paragraph.
	Neighbours func(d int) (prev, next int)
}

// DefaultExact is the exact-form bonus lectern answers with.
const DefaultExact = 0.3

// Searcher ranks the texts of an Index for questions: BM25 finds
// candidates, then coverage and exact forms rescore them. It is safe for
// concurrent use.
type Searcher struct {
	ix   *Index
	text func(int) string
	opts SearchOptions
}

// NewSearcher returns a Searcher over ix, whose document d has the text
// text(d).
func NewSearcher(ix *Index, text func(int) string, opts SearchOptions) *Searcher {
	if opts.Depth <= 0 {
		opts.Depth = 30
	}
	return &Searcher{ix: ix, text: text, opts: opts}
}

// Query is an analyzed question.
type Query struct {
	// Terms are the question's terms, de-duplicated, with their weights.
	Terms    []SearchTerm
	total    float64
	synonyms float64 // the weight of synonyms
}

// Parse analyzes a question into weighted, de-duplicated terms, with fuzzy
// replacements for words the texts do not hold.
func (s *Searcher) Parse(question string) Query {
	var terms []SearchTerm
	seen := map[string]int{}
	for _, tok := range s.ix.an.Analyze(question) {
		if i, ok := seen[tok.Term]; ok {
			terms[i].count++
			continue
		}
		seen[tok.Term] = len(terms)
		st := SearchTerm{Term: tok.Term, Word: tok.Word, count: 1}
		filler := fillerWords()[tok.Term]
		if s.ix.DF(tok.Term) > 0 {
			st.Found, st.Fuzzy = tok.Term, 1
		} else if s.opts.Fuzzy && !filler && !lexicon.IsWord(tok.Word) {
			if f, sim := s.ix.closest(tok.Word); f != "" {
				st.Found, st.Fuzzy = f, sim
			}
		}
		switch {
		case st.Found == "" && filler:
			st.Weight = 0 // "explain", "tell": only count when the text has them
		case st.Found == "" && nameLike(question, tok):
			// A name, number or term the text never mentions ("Beria",
			// "Hungary", "1964") is the surest sign it is not about this.
			st.Weight = absentNameWeight * s.ix.IDF(tok.Term)
		case st.Found == "":
			st.Weight = s.ix.IDF(tok.Term)
		default:
			st.Weight = s.ix.IDF(st.Found)
		}
		if filler {
			st.Weight *= fillerWeight
		}
		if st.Found == "" && s.opts.Synonyms > 0 && !filler {
			st.Synonyms = s.synonyms(tok)
		}
		terms = append(terms, st)
	}
	q := Query{Terms: terms, synonyms: s.opts.Synonyms}
	for _, t := range terms {
		q.total += t.Weight
	}
	return q
}

// synonyms returns the terms of a word's synonyms that the texts hold,
// looking the word up as it is and as its dictionary forms ("printed" is
// looked up as "print").
func (s *Searcher) synonyms(tok Token) []string {
	var out []string
	for _, lemma := range lemmas(tok.Word) {
		for _, w := range lexicon.Synonyms(lemma) {
			for _, t := range s.ix.an.Terms(w) {
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
// technical term: capitalised inside the question, made of digits, or not an
// English word at all.
func nameLike(question string, tok Token) bool {
	if fillerWords()[tok.Term] {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(tok.Word); r >= '0' && r <= '9' {
		return true
	}
	if tok.Start > 0 {
		if r, _ := utf8.DecodeRuneInString(question[tok.Start:]); unicode.IsUpper(r) {
			return true
		}
	}
	return !lexicon.IsWord(tok.Word) && !strings.Contains(tok.Word, "-")
}

// fillerWords are stems of words questions are phrased with rather than
// words they ask about. They count when the text holds them and are ignored
// otherwise. They are found on first use, since analyzing them loads the
// lexicon.
var fillerWords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	an := NewAnalyzer(AnalyzerOptions{Irregular: true})
	for _, t := range an.Terms(`explain explanation describe description tell
	say happen happened mean meaning please know think talk information info
	detail details learn anything something everything nothing thing things
	stuff example give show list summary summarize summarise overview question
	answer text book page article read find want need like kind sort type way
	ways get got getting go goes going gone went come came make made take
	took put use used try tried trying keep kept really actually just right
	away still ever else much lot lots big deal whole guy guys basically
	exactly completely anyway okay ok yeah hey hi hello thanks thank please
	sure maybe perhaps probably again back also even quite bit`) {
		m[t] = true
	}
	return m
})

// fillerWeight scales filler words the text does hold ("come", "back").
const fillerWeight = 0.25

// BM25 returns the query's terms as searched, with their weights.
func (q Query) BM25() []QueryTerm {
	var out []QueryTerm
	for _, t := range q.Terms {
		if t.Found == "" {
			continue
		}
		w := float64(t.count) * t.Fuzzy
		if fillerWords()[t.Term] {
			w *= fillerWeight
		}
		out = append(out, QueryTerm{Term: t.Found, Weight: w})
	}
	for _, t := range q.Terms {
		for _, syn := range t.Synonyms {
			out = append(out, QueryTerm{Term: syn, Weight: q.synonyms * float64(t.count)})
		}
	}
	return out
}

// Candidate is a text found for a question, rescored.
type Candidate struct {
	Hit
	// BM25 is the candidate's BM25 score before rescoring.
	BM25 float64
	// Coverage is the share of the question's information it holds.
	Coverage float64
	// Matched are the question's words it holds.
	Matched []string
}

// Rank returns the n best texts for the query. BM25 finds the candidates;
// each is then rescored: its BM25 score times its coverage (the share of the
// question's information it holds) raised to Coord, plus Exact times the
// IDF of each question word it holds in exactly the question's form, so
// that "Stalinization" prefers "de-Stalinization" to "Stalin".
func (s *Searcher) Rank(q Query, n int) []Candidate {
	bq := q.BM25()
	hits := s.ix.Search(bq, max(n, s.opts.Depth, s.opts.FeedbackDocs))
	if s.opts.FeedbackDocs > 0 && s.opts.FeedbackTerms > 0 && s.opts.FeedbackWeight > 0 && len(hits) > 0 {
		bq = s.feedback(bq, hits)
		hits = s.ix.Search(bq, max(n, s.opts.Depth))
	}
	cands := make([]Candidate, len(hits))
	var toks []Token
	for i, h := range hits {
		c := Candidate{Hit: h, BM25: h.Score}
		c.Coverage, c.Matched = s.coverage(h.Doc, q)
		bonus := 0.0
		if s.opts.Exact > 0 || s.opts.Proximity > 0 {
			toks = s.ix.an.AppendTokens(toks[:0], s.text(h.Doc))
		}
		if s.opts.Exact > 0 {
			for _, t := range q.Terms {
				if t.Found != t.Term {
					continue
				}
				for _, tok := range toks {
					if tok.Word == t.Word {
						bonus += s.opts.Exact * t.Weight
						break
					}
				}
			}
		}
		if s.opts.Proximity > 0 {
			bonus += s.opts.Proximity * proximity(toks, q.Terms)
		}
		if s.opts.Context > 0 && s.opts.Neighbours != nil {
			prev, next := s.opts.Neighbours(h.Doc)
			best := 0.0
			for _, nb := range []int{prev, next} {
				if nb >= 0 {
					best = max(best, s.ix.Score(bq, nb))
				}
			}
			bonus += s.opts.Context * best
		}
		c.Score = h.Score*math.Pow(c.Coverage, s.opts.Coord) + bonus
		cands[i] = c
	}
	sort.SliceStable(cands, func(i, j int) bool { return better(cands[i].Hit, cands[j].Hit) })
	if len(cands) > n {
		cands = cands[:n]
	}
	return cands
}

// coverage returns the share of the query's weight that text d matches,
// and the query's words it matches.
func (s *Searcher) coverage(d int, q Query) (float64, []string) {
	if q.total == 0 {
		return 0, nil
	}
	got := 0.0
	var words []string
	for _, t := range q.Terms {
		if t.Found != "" && s.ix.TF(t.Found, d) > 0 {
			got += t.Weight * t.Fuzzy
			words = append(words, t.Word)
			continue
		}
		for _, syn := range t.Synonyms {
			if s.ix.TF(syn, d) > 0 {
				got += t.Weight * q.synonyms
				words = append(words, t.Word)
				break
			}
		}
	}
	return got / q.total, words
}

// proximity sums, over pairs of distinct question terms found in toks, the
// smaller of their weights over the least distance between them in words.
func proximity(toks []Token, terms []SearchTerm) float64 {
	pos := map[string][]int{}
	weight := map[string]float64{}
	for _, t := range terms {
		if t.Found != "" {
			weight[t.Found] = max(weight[t.Found], t.Weight*t.Fuzzy)
		}
	}
	for _, tok := range toks {
		if _, ok := weight[tok.Term]; ok {
			pos[tok.Term] = append(pos[tok.Term], tok.Pos)
		}
	}
	found := make([]string, 0, len(pos))
	for t := range pos {
		found = append(found, t)
	}
	sort.Strings(found)
	sum := 0.0
	for i, a := range found {
		for _, b := range found[i+1:] {
			d := minDistance(pos[a], pos[b])
			if d > 0 {
				sum += min(weight[a], weight[b]) / float64(d)
			}
		}
	}
	return sum
}

// minDistance returns the least |x - y| for x in a and y in b, both sorted.
func minDistance(a, b []int) int {
	best := -1
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		d := a[i] - b[j]
		if d < 0 {
			d = -d
		}
		if d > 0 && (best < 0 || d < best) {
			best = d
		}
		if a[i] < b[j] {
			i++
		} else {
			j++
		}
	}
	return best
}

// feedback expands q with RM3: the terms most probable in the best hits,
// each hit weighted by its share of their scores.
func (s *Searcher) feedback(q []QueryTerm, hits []Hit) []QueryTerm {
	docs := hits[:min(len(hits), s.opts.FeedbackDocs)]
	total := 0.0
	for _, h := range docs {
		total += h.Score
	}
	if total <= 0 {
		return q
	}
	rel := map[string]float64{}
	var toks []Token
	for _, h := range docs {
		toks = s.ix.an.AppendTokens(toks[:0], s.text(h.Doc))
		if len(toks) == 0 {
			continue
		}
		w := h.Score / total / float64(len(toks))
		for _, t := range toks {
			rel[t.Term] += w
		}
	}
	type tw struct {
		term string
		w    float64
	}
	var cand []tw
	for t, w := range rel {
		// Terms in most texts carry no signal.
		if s.ix.DF(t)*2 > s.ix.Len() {
			continue
		}
		cand = append(cand, tw{t, w})
	}
	sort.Slice(cand, func(i, j int) bool {
		if cand[i].w != cand[j].w {
			return cand[i].w > cand[j].w
		}
		return cand[i].term < cand[j].term
	})
	cand = cand[:min(len(cand), s.opts.FeedbackTerms)]
	fbTotal := 0.0
	for _, c := range cand {
		fbTotal += c.w
	}
	qTotal := 0.0
	for _, t := range q {
		qTotal += t.Weight
	}
	lambda := s.opts.FeedbackWeight
	merged := map[string]float64{}
	var order []string
	for _, t := range q {
		if _, ok := merged[t.Term]; !ok {
			order = append(order, t.Term)
		}
		merged[t.Term] += (1 - lambda) * t.Weight / qTotal
	}
	for _, c := range cand {
		if _, ok := merged[c.term]; !ok {
			order = append(order, c.term)
		}
		merged[c.term] += lambda * c.w / fbTotal
	}
	out := make([]QueryTerm, 0, len(order))
	for _, t := range order {
		out = append(out, QueryTerm{Term: t, Weight: merged[t] * qTotal})
	}
	return out
}
