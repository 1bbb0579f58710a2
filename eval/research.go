package eval

import (
	"sort"

	"lectern/retrieval"
	"lectern/retrieval/index"
)

// Research features: measured on SciFact (see README, "Answer quality")
// and not used by the bot, so they live here, plugged into the Searcher's
// hooks (retrieval.SearchOptions.Expand and Bonus).

// RM3 is RM3 pseudo-relevance feedback: the Terms most probable terms of
// the Docs best texts of a first search are added to the query, making up
// Weight (0 to 1) of its weight, before searching again. The zero value is
// off.
type RM3 struct {
	Docs, Terms int
	Weight      float64
}

// on reports whether the feedback does anything.
func (r RM3) on() bool { return r.Docs > 0 && r.Terms > 0 && r.Weight > 0 }

// expand returns the Searcher hook that expands a query with RM3 over the
// texts of ix, text(d) being text d.
func (r RM3) expand(ix *index.Index, text func(int) string) func([]index.QueryTerm, []index.Hit) []index.QueryTerm {
	return func(q []index.QueryTerm, docs []index.Hit) []index.QueryTerm {
		total := 0.0
		for _, h := range docs {
			total += h.Score
		}
		if total <= 0 {
			return q
		}
		// Each hit weighted by its share of the hits' scores.
		rel := map[string]float64{}
		var toks []index.Token
		for _, h := range docs {
			toks = ix.AppendDocTokens(toks[:0], h.Doc, ix.AnalyzerOf(h.Doc), text(h.Doc))
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
			if ix.DF(t)*2 > ix.Len() {
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
		cand = cand[:min(len(cand), r.Terms)]
		fbTotal := 0.0
		for _, c := range cand {
			fbTotal += c.w
		}
		qTotal := 0.0
		for _, t := range q {
			qTotal += t.Weight
		}
		merged := map[string]float64{}
		var order []string
		for _, t := range q {
			if _, ok := merged[t.Term]; !ok {
				order = append(order, t.Term)
			}
			merged[t.Term] += (1 - r.Weight) * t.Weight / qTotal
		}
		for _, c := range cand {
			if _, ok := merged[c.term]; !ok {
				order = append(order, c.term)
			}
			merged[c.term] += r.Weight * c.w / fbTotal
		}
		out := make([]index.QueryTerm, 0, len(order))
		for _, t := range order {
			out = append(out, index.QueryTerm{Term: t, Weight: merged[t] * qTotal})
		}
		return out
	}
}

// proximityBonus returns the Searcher hook that adds weight times
// proximity (see proximity) to a candidate's score.
func proximityBonus(ix *index.Index, text func(int) string, weight float64) func(int, retrieval.Query) float64 {
	return func(d int, q retrieval.Query) float64 {
		toks := ix.AppendDocTokens(nil, d, ix.AnalyzerOf(d), text(d))
		return weight * proximity(toks, q.Terms)
	}
}

// proximity sums, over pairs of distinct question terms found in toks, the
// smaller of their weights over the least distance between them in words.
func proximity(toks []index.Token, terms []retrieval.SearchTerm) float64 {
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
			if d := minDistance(pos[a], pos[b]); d > 0 {
				sum += min(weight[a], weight[b]) / float64(d)
			}
		}
	}
	return sum
}

// minDistance returns the least non-zero |x - y| for x in a and y in b,
// both sorted; -1 when there is none.
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
