package retrieval

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"

	"lectern/retrieval/index"
)

// Rescoring from the search's masks. A search reports, with each hit, the
// places in the query as searched (Query.BM25) of the terms the document
// holds; a candidate's coverage is then read from its mask, by the places
// of each question term's own terms (Found and Also) and of its synonyms,
// without matching the candidate's terms in the forward index. A question
// word's exact form is looked up among the candidate's words only when
// the candidate holds the term the word is indexed as.

// exactWord is a word of a question term, in the question's form, that
// earns the exact-form bonus: its number in the index, the term's place
// in Query.Terms, and gate, the places in the query as searched of the
// term the word is indexed as (0 when unknown: the word is always looked
// up).
type exactWord struct {
	id   uint32
	k    int
	gate uint64
}

// searchMasks is search also returning bq's terms by number and, when it
// can, each hit's mask: the places in bq of the terms the document holds.
// It returns no masks (nil) when bq is expanded (Expand) or too long for
// a mask.
//
// It also leaves in sc.near, when the search scored every document, the
// scores of each hit's neighbours by number (index.Index.SearchNear), and
// empties it otherwise; and sets sc.formsOK when the search told, in
// sc.forms, all exactIn needs of each hit (see wantForms): the places in
// bq of the terms it holds in one of the forms q's words have.
func (s *Searcher) searchMasks(sc *rankScratch, q *Query, bq []index.QueryTerm, n int) ([]index.QueryTerm, index.TermIDs, []index.Hit, []uint64) {
	sc.near, sc.forms, sc.formsOK, sc.exactWords = sc.near[:0], sc.forms[:0], false, nil
	if s.opts.Expand != nil && s.opts.ExpandDepth > 0 {
		bq, hits := s.search(bq, n)
		return bq, s.ix.TermIDs(bq), hits, nil
	}
	ids := s.ix.TermIDs(bq)
	asked, wanted := false, false
	if s.opts.Exact > 0 {
		sc.exactWords, asked, wanted = s.wantForms(q, ids)
	}
	sc.hits, sc.masks, sc.near, sc.forms = s.ix.SearchNear(sc.hits[:0], sc.masks[:0], sc.near, sc.forms, bq, ids, max(n, s.opts.Depth))
	if len(sc.masks) != len(sc.hits) {
		return bq, ids, sc.hits, nil // a query too long for masks
	}
	sc.formsOK = asked && (len(sc.forms) == len(sc.hits) || !wanted)
	return bq, ids, sc.hits, sc.masks
}

// wantForms asks the search with ids, the terms of q.BM25 by number, to
// report which candidates hold the words of q's terms that may earn the
// exact-form bonus in the question's forms (index.TermIDs.WantForms), so
// that exactIn need not look for them among each candidate's words. It
// returns those words with their gates as exactWordsOf makes them for the
// index's one language, when masked (nil when it asked for none); and
// whether it could ask for every word exactIn would otherwise look for
// (ok; in an index of English texts only, whose words' forms the index
// tells, index.Index.FormBit; each word's term searched; no term's forms
// asked for two question terms), and whether there was any (the others
// are their terms' only forms).
//
// It asks only in an index of passages (texts of coverageNone terms or
// more on average): a sentence's words fill a cache line or two, cheaper
// to search than the search's walk through every posting's forms. On
// SciFact's sentences plain/rank was 0.543-0.550 with forms against
// 0.550-0.562 without; on its abstracts, 0.543-0.550 against 0.506-0.515
// (BenchmarkRatioSciFact*, three runs each).
func (s *Searcher) wantForms(q *Query, ids index.TermIDs) (ws []exactWord, ok, any bool) {
	if s.indexShare > 0 || len(s.ix.Analyzers()) != 1 || !s.ix.Analyzers()[0].English() || len(ids) > index.MaxFormTerms {
		return nil, false, false
	}
	ws, gated := s.exactWords(q, 0, ids, true)
	if !gated {
		return nil, false, false // exactIn looks for every word, in every candidate
	}
	var want [index.MaxFormTerms]uint8
	var owner [index.MaxFormTerms]int // 1 + the question term whose forms the place's are
	single := s.singleForms()
	for _, w := range ws {
		if single[w.id/64]&(1<<(w.id%64)) != 0 {
			continue // a candidate holding the term holds the word
		}
		fb := s.ix.FormBit(w.id)
		if fb == 0 {
			return ws, false, false
		}
		for g := w.gate; g != 0; g &= g - 1 {
			p := bits.TrailingZeros64(g)
			if owner[p] != 0 && owner[p] != w.k+1 {
				return ws, false, false
			}
			owner[p], want[p] = w.k+1, want[p]|fb
		}
	}
	for p := range ids {
		if want[p] != 0 {
			ids.WantForms(p, want[p])
			any = true
		}
	}
	return ws, true, any
}

// placesOf sets r.placeFound and r.placeSyn, the places in bq of each of
// q's terms' own terms and synonyms, as Query.BM25 lays them out, and
// r.masked, whether a hit's mask tells every term of bq the index holds:
// bq is q.BM25() (and not an expansion of it), it fits in a mask, and
// each of its terms the index holds was searched (of a weight above 0).
// ids are bq's terms by number.
func (r *rescorer) placesOf(q Query, bq []index.QueryTerm, ids index.TermIDs, masks bool) {
	r.placeFound, r.placeSyn = make([]uint64, len(q.Terms)), make([]uint64, len(q.Terms))
	r.masked = masks && len(bq) <= index.MaxMaskTerms
	p := 0
	place := func(term string) uint64 {
		if p >= len(bq) || bq[p].Term != term {
			r.masked = false
			return 0
		}
		p++
		return 1 << ((p - 1) & 63)
	}
	for k, t := range q.Terms {
		if t.Found == "" {
			continue
		}
		r.placeFound[k] |= place(t.Found)
		for _, a := range t.Also {
			r.placeFound[k] |= place(a)
		}
	}
	for k, t := range q.Terms {
		for _, syn := range t.Synonyms {
			r.placeSyn[k] |= place(syn)
		}
	}
	if p != len(bq) {
		r.masked = false
	}
	for i, qt := range bq {
		if ids.ID(i) >= 0 && qt.Weight <= 0 {
			r.masked = false
		}
	}
}

// exactWordsOf returns the words, in text language l, of each of q's terms
// that may earn the exact-form bonus, in the forms the question has them,
// with their gates (see exactWord), and whether every word has a gate. A
// word is gated only in an English text, where each word is indexed as
// its stem alone (its folded form is the form stemmed), so that a text
// holding the word holds its term (index.Index.Word).
func (r *rescorer) exactWordsOf(s *Searcher, q *Query, l int) ([]exactWord, bool) {
	if r.exactWords[l] == nil {
		r.exactWords[l], r.gated[l] = s.exactWords(q, l, r.ids, r.masked && s.ix.Analyzers()[l].English())
	}
	return r.exactWords[l], r.gated[l]
}

// exactWords is exactWordsOf for a query searched as ids, gating or not.
func (s *Searcher) exactWords(q *Query, l int, ids index.TermIDs, gating bool) ([]exactWord, bool) {
	out := []exactWord{}
	gated := gating
	for k, t := range q.Terms {
		if t.Found == "" || t.Fuzzy != 1 {
			continue
		}
		for _, w := range s.ix.WordIDs(l, t.words) {
			var gate uint64
			if gating {
				_, term := s.ix.Word(w)
				for p := range ids {
					if ids.ID(p) == term {
						gate |= 1 << (p & 63)
					}
				}
			}
			gated = gated && gate != 0
			out = append(out, exactWord{id: w, k: k, gate: gate})
		}
	}
	// In order of number, as exactIn searches a candidate's words.
	slices.SortStableFunc(out, func(a, b exactWord) int { return cmp.Compare(a.id, b.id) })
	return out, gated
}

// exactIn returns in r.exact the question terms whose words in the
// question's forms candidate d holds, d holding the terms of mask (when
// the rescorer is masked). With haveForms, forms are the places of the
// terms d holds in the question's forms, as the search told them (see
// searchMasks): then d's words are not read.
func (r *rescorer) exactIn(s *Searcher, q *Query, d int, mask, forms uint64, haveForms bool) bitset {
	ws, gated := r.exactWordsOf(s, q, s.ix.LanguageOf(d))
	clear(r.exact)
	// The words to look for among the candidate's, by number: all of them,
	// or, when gated, those whose terms the candidate holds.
	look := ws
	if gated {
		single := s.singleForms()
		look = r.look[:0]
		for _, w := range ws {
			if mask&w.gate == 0 {
				continue
			}
			if single[w.id/64]&(1<<(w.id%64)) != 0 {
				// The candidate holds the word's term, which no other
				// word of its language is indexed as.
				r.exact.set(w.k)
				continue
			}
			if haveForms {
				// The search asked for the word's form, and for forms of
				// its term for no other question term.
				if forms&w.gate != 0 {
					r.exact.set(w.k)
				}
				continue
			}
			look = append(look, w)
		}
		r.look = look
	}
	if len(look) == 0 {
		return r.exact
	}
	// Each word is found by a binary search of the candidate's words (in
	// order of number), from the place of the one before: the words to
	// look for are in that order too. Rank has read the list's cache
	// lines ahead.
	_, words := s.ix.DocTerms(d)
	at := 0
	for _, w := range look {
		at += index.SearchIDs(words[at:], w.id)
		if at == len(words) {
			break
		}
		if words[at] == w.id {
			r.exact.set(w.k)
		}
	}
	return r.exact
}

// singleForms returns, for the index's English words, a bit per word set
// when it is the only word of its language indexed as its term: a text of
// that language holding the term holds the word. It is made at its first
// use (or by Prepare).
func (s *Searcher) singleForms() []uint64 {
	s.forms.once.Do(func() {
		s.forms.single = s.ix.SingleForms(func(an *index.Analyzer) bool { return an.English() })
	})
	return s.forms.single
}

// formsCache holds Searcher.singleForms.
type formsCache struct {
	once   sync.Once
	single []uint64
}

// candKey is a candidate's place in the order of candidates.
type candKey struct {
	score float64
	doc   int
	i     int
}

// rankScratch is Rank's scratch space, pooled.
type rankScratch struct {
	hits    []index.Hit
	masks   []uint64
	cands   []Candidate
	matched []uint64  // per candidate, a bitset of the question terms it holds
	near    []float32 // per hit, its neighbours' scores by number, when the search gave them
	forms   []uint64  // per hit, the places in the query as searched of the terms it holds in a form asked for (see searchMasks)
	formsOK bool      // forms tell exactIn all it needs
	// exactWords are exactWordsOf's for the index's one language, when
	// masked, made for wantForms (nil when it made none).
	exactWords []exactWord
	touched    uint32 // what Rank read of the candidates' forward entries, to load them
}

// bestCandidates returns the n best of cands, best first (higher score,
// then lower document number), in a new slice, each with the words of the
// question terms it holds by matched (words uint64s per candidate).
func bestCandidates(q Query, cands []Candidate, matched []uint64, words, n int) []Candidate {
	var buf [128]candKey
	keys := buf[:0]
	if len(cands) > len(buf) {
		keys = make([]candKey, 0, len(cands))
	}
	for i, c := range cands {
		keys = append(keys, candKey{c.Score, c.Doc, i})
	}
	slices.SortFunc(keys, func(a, b candKey) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return cmp.Compare(a.doc, b.doc)
	})
	out := make([]Candidate, min(n, len(cands)))
	total := 0
	for j := range out {
		for _, m := range matched[keys[j].i*words : (keys[j].i+1)*words] {
			total += bits.OnesCount64(m)
		}
	}
	all := make([]string, 0, total)
	for j := range out {
		i := keys[j].i
		out[j] = cands[i]
		start := len(all)
		for w, m := range matched[i*words : (i+1)*words] {
			for ; m != 0; m &= m - 1 {
				all = append(all, q.Terms[w*64+bits.TrailingZeros64(m)].Word)
			}
		}
		if len(all) > start {
			out[j].Matched = all[start:len(all):len(all)]
		}
	}
	return out
}

// exactBonus is a question term's exact-form bonus, when it may earn one.
type exactBonus struct {
	ok    bool
	bonus float64
}

// weights sets r.foundW, r.synW and r.exactW for q: the products Rank
// adds up for each candidate, made once.
func (r *rescorer) weights(s *Searcher, q Query) {
	r.foundW, r.synW, r.exactW = make([]float64, len(q.Terms)), make([]float64, len(q.Terms)), make([]exactBonus, len(q.Terms))
	for k := range q.Terms {
		t := &q.Terms[k]
		r.foundW[k] = t.Weight * t.Fuzzy
		r.synW[k] = t.Weight * q.synonyms
		r.exactW[k] = exactBonus{ok: t.Found != "" && t.Fuzzy == 1, bonus: s.opts.Exact * t.Weight}
	}
}
