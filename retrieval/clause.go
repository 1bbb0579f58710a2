package retrieval

import (
	"math"
	"slices"
	"strings"
	"sync"
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
// is a passage. r holds the query's terms by number.
func (s *Searcher) clauseScore(d int, q Query, r *rescorer) float64 {
	if s.ix.DocLen(d) >= coverageNone || s.indexShare == 0 || q.total == 0 {
		return 0
	}
	dc, ok := s.clausesOf(d)
	if !ok {
		return 0
	}
	p, avgLen := s.ix.Params(), s.ix.AvgLen()
	best := 0.0
	start := 0
	for _, end := range dc.ends {
		ids := dc.terms[start:end]
		start = int(end)
		if len(ids) == 0 {
			continue
		}
		n := float64(len(ids))
		bm25 := 0.0
		for j := range r.ids {
			qid := r.ids.ID(j)
			if qid < 0 || r.bqWeights[j] == 0 {
				continue
			}
			tf := 0
			for _, id := range ids {
				if id == qid {
					tf++
				}
			}
			if tf > 0 {
				bm25 += r.bqWeights[j] * r.bqIDF[j] * p.TF(float64(tf), n, avgLen)
			}
		}
		if bm25 == 0 {
			continue
		}
		got := 0.0
		for k, t := range q.Terms {
			if t.Found != "" && holdsAny(ids, r.termIDs[k]) {
				got += t.Weight * t.Fuzzy
			}
		}
		score := bm25 * math.Pow(got/q.total, s.coord(len(ids)))
		best = max(best, score)
	}
	return best
}

// holdsAny reports whether a clause's terms hold any of ids.
func holdsAny(terms, ids []int32) bool {
	for _, t := range terms {
		if slices.Contains(ids, t) {
			return true
		}
	}
	return false
}

// docClauses are a text's clauses, split at its semicolons, as the term
// numbers of their tokens (-1 for a term the index lacks, which matches
// nothing searched: every term searched is in the index).
type docClauses struct {
	terms []int32 // clause after clause
	ends  []int32 // where each clause's terms end in terms
}

// clausesCached is how many texts' clauses a Searcher keeps.
const clausesCached = 8192

// clauseCache keeps texts' clauses, by text.
type clauseCache struct {
	mu sync.Mutex
	m  map[int]docClauses
}

// clausesOf returns text d's clauses, false if it has no semicolon. Those
// of a text with semicolons are kept (up to clausesCached texts, then forgotten all at once): the
// same sentences come up again for questions alike.
func (s *Searcher) clausesOf(d int) (docClauses, bool) {
	if !s.semicolons.has(d, s.text) {
		return docClauses{}, false
	}
	text := s.text(d)
	c := &s.clauses
	c.mu.Lock()
	dc, ok := c.m[d]
	c.mu.Unlock()
	if ok {
		return dc, true
	}
	an := s.ix.AnalyzerOf(d)
	for clause := range strings.SplitSeq(text, ";") {
		dc.terms = s.ix.AppendDocTermIDs(dc.terms, d, an, clause)
		dc.ends = append(dc.ends, int32(len(dc.terms)))
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= clausesCached {
		c.m = make(map[int]docClauses)
	}
	c.m[d] = dc
	c.mu.Unlock()
	return dc, true
}
