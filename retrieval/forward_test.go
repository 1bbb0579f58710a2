package retrieval

import (
	"bufio"
	"encoding/json"
	"lectern/retrieval/index"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"lectern/corpus"
	"lectern/internal/testcorpus"
)

// rankReference is Rank as it was before the forward index: it analyses
// each candidate's text again for the exact-form bonus and reads term
// frequencies from the postings, for coverage and for the neighbours'
// scores. Rank must agree with it.
func (s *Searcher) rankReference(q Query, n int) []Candidate {
	bq := q.BM25()
	bq, hits := s.search(bq, n)
	cands := make([]Candidate, len(hits))
	var toks []index.Token
	for i, h := range hits {
		c := Candidate{Hit: h, BM25: h.Score}
		c.Coverage, c.Matched = s.coverageReference(h.Doc, q)
		bonus := 0.0
		if s.opts.Exact > 0 {
			toks = s.ix.AnalyzerOf(h.Doc).AppendTokens(toks[:0], s.text(h.Doc))
		}
		if s.opts.Exact > 0 {
			for _, t := range q.Terms {
				if t.Found == "" || t.Fuzzy != 1 {
					continue
				}
				for _, tok := range toks {
					if slices.Contains(t.words, tok.Word) {
						bonus += s.opts.Exact * t.Weight
						break
					}
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
				if nb >= 0 {
					best = max(best, s.ix.Score(bq, nb))
				}
			}
			bonus += s.opts.Context * best
		}
		base := h.Score * math.Pow(c.Coverage, s.opts.Coord*min(coverageShare(s.ix.DocLen(h.Doc)), coverageShare(int(s.ix.AvgLen()))))
		if s.opts.Clauses {
			var cs float64
			cs, toks = s.clauseScoreReference(h.Doc, q, bq, toks)
			base = max(base, cs)
		}
		c.Score = base + bonus
		if q.Kind != AnyKind && Fits(q.Kind, s.text(h.Doc), q.qwords) {
			c.Score *= 1 + s.opts.AnswerType
		}
		cands[i] = c
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Hit.Better(cands[j].Hit) })
	if len(cands) > n {
		cands = cands[:n]
	}
	return cands
}

func (s *Searcher) coverageReference(d int, q Query) (float64, []string) {
	if q.total == 0 {
		return 0, nil
	}
	got := 0.0
	var words []string
	for _, t := range q.Terms {
		held := t.Found != "" && s.ix.TF(t.Found, d) > 0
		for _, a := range t.Also {
			held = held || t.Found != "" && s.ix.TF(a, d) > 0
		}
		if held {
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

// compareRank checks that Rank and rankReference agree on each question.
func compareRank(t *testing.T, s *Searcher, questions []string, n int) {
	t.Helper()
	bad := 0
	for _, question := range questions {
		q := s.Parse(question)
		want, got := s.rankReference(q, n), s.Rank(q, n)
		if len(got) != len(want) {
			t.Errorf("%q: %d candidates, want %d", question, len(got), len(want))
			bad++
			continue
		}
		for i := range want {
			w, g := want[i], got[i]
			if g.Doc != w.Doc || !closeTo(g.Score, w.Score) || !closeTo(g.Coverage, w.Coverage) || g.BM25 != w.BM25 || !slices.Equal(g.Matched, w.Matched) {
				t.Errorf("%q #%d: got doc %d score %v coverage %v matched %q, want doc %d score %v coverage %v matched %q",
					question, i, g.Doc, g.Score, g.Coverage, g.Matched, w.Doc, w.Score, w.Coverage, w.Matched)
				bad++
				break
			}
		}
		if bad > 5 {
			t.Fatal("too many differences")
		}
	}
}

func closeTo(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*max(math.Abs(a), math.Abs(b))
}

// randomQuestions makes n questions of two to eight words drawn from the
// texts, some misspelt by a swapped letter, some in capitals.
func randomQuestions(rng *rand.Rand, n int, text func(int) string, texts int) []string {
	var out []string
	for range n {
		var words []string
		for range 2 + rng.IntN(7) {
			fields := strings.Fields(text(rng.IntN(texts)))
			if len(fields) == 0 {
				continue
			}
			w := fields[rng.IntN(len(fields))]
			switch rng.IntN(6) {
			case 0:
				if r := []rune(w); len(r) > 3 {
					i := 1 + rng.IntN(len(r)-2)
					r[i], r[i+1] = r[i+1], r[i]
					w = string(r)
				}
			case 1:
				w = strings.ToUpper(w)
			}
			words = append(words, w)
		}
		out = append(out, strings.Join(words, " ")+"?")
	}
	return out
}

func TestRankMatchesReferenceSeed(t *testing.T) {
	e := NewEngine(testCorpus(t), Options{})
	var questions []string
	for _, name := range []string{"testdata/seed_questions.tsv", "testdata/test_questions.tsv", "testdata/heldout_questions.tsv"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if parts := strings.Split(sc.Text(), "\t"); len(parts) == 3 && !strings.HasPrefix(parts[0], "#") {
				questions = append(questions, parts[1])
			}
		}
		f.Close()
	}
	if len(questions) < 50 {
		t.Fatalf("only %d questions read", len(questions))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	questions = append(questions, randomQuestions(rng, 300, e.c.Text, e.c.Len())...)
	loaded, _, err := LoadEngine(saveTest(t, e), Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		s    *Searcher
	}{
		{"built", e.s},
		{"loaded", loaded.s},
		{"synonyms and hooks", NewSearcher(e.ix, e.c.Text, SearchOptions{Coord: 2, Exact: 0.5, Fuzzy: true, Synonyms: 0.4, Context: 0.3, Neighbours: e.neighbours, AnswerType: 0.5,
			// A bonus by text and an expansion by the first hit's terms, as
			// eval's proximity and RM3 are.
			Bonus: func(d int, q Query) float64 { return float64(d%7) * 0.05 },
			Expand: func(q []index.QueryTerm, hits []index.Hit) []index.QueryTerm {
				ids, _ := e.ix.DocTerms(hits[0].Doc)
				if len(ids) > 0 {
					q = append(slices.Clone(q), index.QueryTerm{Term: e.ix.Term(int(ids[0])), Weight: 0.3})
				}
				return q
			},
			ExpandDepth: 3})},
		{"plain coverage", NewSearcher(e.ix, e.c.Text, SearchOptions{Coord: 1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{5, 30} {
				compareRank(t, tt.s, questions, n)
			}
		})
	}
}

// TestRankMatchesReferenceSciFact compares on a sample of SciFact's
// abstracts, as documents and as sentences, when ../shared/data holds it.
func TestRankMatchesReferenceSciFact(t *testing.T) {
	dir := ""
	wd, _ := os.Getwd()
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "shared", "data", "scifact", "corpus.jsonl")); err == nil {
			dir = filepath.Join(d, "shared", "data", "scifact")
			break
		}
	}
	if dir == "" {
		t.Skip("SciFact not found under shared/data")
	}
	read := func(name string, limit int) []map[string]string {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var out []map[string]string
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() && len(out) < limit {
			var m map[string]string
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
		return out
	}
	docs := read("corpus.jsonl", 1500)
	var questions []string
	for _, q := range read("queries.jsonl", 300) {
		questions = append(questions, q["text"])
	}
	var abstracts, sentences []string
	var group []int
	for i, d := range docs {
		abstracts = append(abstracts, d["title"]+"\n"+d["text"])
		sentences = append(sentences, d["title"])
		group = append(group, i)
		for _, sp := range corpus.SplitSentences(d["text"]) {
			sentences = append(sentences, d["text"][sp.Start:sp.End])
			group = append(group, i)
		}
	}
	neighbours := testcorpus.Neighbours(group)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, set := range []struct {
		name       string
		texts      []string
		neighbours func(int) (int, int)
	}{{"abstracts", abstracts, nil}, {"sentences", sentences, neighbours}} {
		t.Run(set.name, func(t *testing.T) {
			text := func(i int) string { return set.texts[i] }
			ix := index.Build(len(set.texts), text, index.NewAnalyzer(index.AnalyzerOptions{}), index.DefaultBM25())
			s := NewSearcher(ix, text, SearchOptions{Coord: 1, Exact: DefaultExact, Fuzzy: true, Depth: 100,
				Synonyms: DefaultSynonyms, Context: DefaultContext, Neighbours: set.neighbours, AnswerType: DefaultAnswerType, Clauses: true})
			qs := append(slices.Clone(questions), randomQuestions(rng, 100, text, len(set.texts))...)
			compareRank(t, s, qs, 100)
		})
	}
}

// highlightReference is Engine.highlight as it was: every word of the
// excerpt analysed again.
func (e *Engine) highlightReference(r *Result, terms []SearchTerm) {
	want := map[string]bool{}
	for _, t := range terms {
		if t.Found != "" {
			want[t.Found] = true
		}
		for _, a := range t.Also {
			want[a] = true
		}
		for _, syn := range t.Synonyms {
			want[syn] = true
		}
	}
	r.Highlights = nil
	for _, tok := range e.ix.AnalyzerOf(r.ID).Analyze(r.Excerpt) {
		if !want[tok.Term] {
			continue
		}
		if n := len(r.Highlights); n > 0 && r.Highlights[n-1].End >= tok.Start {
			r.Highlights[n-1].End = max(r.Highlights[n-1].End, tok.End)
			continue
		}
		r.Highlights = append(r.Highlights, corpus.Span{Start: tok.Start, End: tok.End})
	}
}

func TestHighlightMatchesReference(t *testing.T) {
	tests := []struct {
		name string
		e    *Engine
	}{
		{"English", NewEngine(testCorpus(t), Options{})},
		{"short excerpts", NewEngine(testCorpus(t), Options{ExcerptMin: 20, ExcerptMax: 60})},
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.e
			questions := randomQuestions(rng, 300, e.c.Text, e.c.Len())
			checked := 0
			for _, q := range questions {
				ans, err := e.Answer(q, Request{Top: 5})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range ans.Results {
					ref := r
					e.highlightReference(&ref, ans.Terms)
					if !slices.Equal(r.Highlights, ref.Highlights) {
						t.Fatalf("%q, result %d: highlights %v, want %v in %q", q, r.ID, r.Highlights, ref.Highlights, r.Excerpt)
					}
					checked += len(r.Highlights)
				}
			}
			if checked < 100 {
				t.Errorf("only %d highlights checked", checked)
			}
		})
	}
}

// clauseScoreReference is clauseScore as it was before clauses were read
// by term number and kept: it returns the best rescored score among the clauses of
// candidate d (without bonuses), or 0 when its text has no semicolon or
// is a passage. bq
// is the query as searched and toks a buffer for the analysis.
func (s *Searcher) clauseScoreReference(d int, q Query, bq []index.QueryTerm, toks []index.Token) (float64, []index.Token) {
	if s.ix.DocLen(d) >= coverageNone || s.ix.AvgLen() >= coverageNone || q.total == 0 {
		return 0, toks
	}
	text := s.text(d)
	if !strings.Contains(text, ";") {
		return 0, toks
	}
	an := s.ix.AnalyzerOf(d)
	p := s.ix.Params()
	best := 0.0
	for clause := range strings.SplitSeq(text, ";") {
		toks = s.ix.AppendDocTokens(toks[:0], d, an, clause)
		if len(toks) == 0 {
			continue
		}
		n := float64(len(toks))
		bm25 := 0.0
		for _, qt := range bq {
			tf := 0
			for _, t := range toks {
				if t.Term == qt.Term {
					tf++
				}
			}
			if tf > 0 {
				bm25 += qt.Weight * s.ix.IDF(qt.Term) * p.TF(float64(tf), n, s.ix.AvgLen())
			}
		}
		if bm25 == 0 {
			continue
		}
		got := 0.0
		for _, t := range q.Terms {
			if t.Found != "" && clauseHoldsReference(toks, t) {
				got += t.Weight * t.Fuzzy
			}
		}
		score := bm25 * math.Pow(got/q.total, s.coord(len(toks)))
		best = max(best, score)
	}
	return best, toks
}

// clauseHoldsReference reports whether a clause's tokens hold a term found for t.
func clauseHoldsReference(toks []index.Token, t SearchTerm) bool {
	for _, tok := range toks {
		if tok.Term == t.Found {
			return true
		}
		for _, a := range t.Also {
			if tok.Term == a {
				return true
			}
		}
	}
	return false
}
