package retrieval

import (
	"math"
	"strings"
)

// Clause-level evidence. A long sentence that lists many things separated
// by semicolons ("Among the most important were the reaffirmation of
// collective leadership; the elimination of terror as a means of rule;
// the return of many prisoners; ...") answers a question about one of
// them with one clause. Scored whole, its length dilutes that clause's
// BM25 score and its coverage exponent, and a short sentence sharing one
// word with the question wins. So a candidate whose text has a semicolon
// is also scored clause by clause, each clause as a text of its own
// length, and keeps the best of its whole and clause scores. Only
// sentences are: a text of coverageNone terms or more is a passage, whose
// semicolons do not make it a list.

// clauseScore returns the best rescored score among the clauses of
// candidate d (without bonuses), or 0 when its text has no semicolon or
// is a passage. bq
// is the query as searched and toks a buffer for the analysis.
func (s *Searcher) clauseScore(d int, q Query, bq []QueryTerm, toks []Token) (float64, []Token) {
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
		toks = s.ix.appendDocTokens(toks[:0], d, an, clause)
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
			if t.Found != "" && clauseHolds(toks, t) {
				got += t.Weight * t.Fuzzy
			}
		}
		score := bm25 * math.Pow(got/q.total, s.opts.Coord*coverageShare(len(toks)))
		best = max(best, score)
	}
	return best, toks
}

// clauseHolds reports whether a clause's tokens hold a term found for t.
func clauseHolds(toks []Token, t SearchTerm) bool {
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
