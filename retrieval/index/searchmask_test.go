package index

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSearchHitsMasks checks that each hit's mask holds exactly the
// query's terms (by place) that the document holds, by either strategy,
// and that the hits are Search's; a query of more terms than a mask holds
// gets no masks.
func TestSearchHitsMasks(t *testing.T) {
	ix := corpusIndex(t, testCorpus(t))
	rng := rand.New(rand.NewPCG(5, 6))
	var queries [][]QueryTerm
	for range 200 {
		queries = append(queries, randomQuery(rng, ix, 9))
	}
	for _, taat := range []bool{true, false} {
		ix.SetStrategy(map[bool]Strategy{true: TermAtATime, false: MaxScore}[taat])
		for _, q := range queries {
			for _, k := range []int{1, 10, 100} {
				want := ix.Search(q, k)
				hits, masks := ix.searchHits(nil, nil, nil, q, nil, k, true)
				if !slices.Equal(hits, want) {
					t.Fatalf("taat %v, %v, k %d: hits %v, want %v", taat, q, k, hits, want)
				}
				if len(masks) != len(hits) {
					t.Fatalf("taat %v, %v: %d masks for %d hits", taat, q, len(masks), len(hits))
				}
				for i, h := range hits {
					var m uint64
					for p, qt := range q {
						if ix.TF(qt.Term, h.Doc) > 0 {
							m |= 1 << p
						}
					}
					if masks[i] != m {
						t.Fatalf("taat %v, %v: doc %d mask %b, want %b", taat, q, h.Doc, masks[i], m)
					}
				}
			}
		}
		// Queries longer than a mask: the same hits as scoring every
		// document (the search adds and clears every part, not a mask's).
		for trial := range 20 {
			var q []QueryTerm
			for _, qq := range queries[trial*5 : trial*5+20] {
				q = append(q, qq...)
			}
			if len(q) <= MaxMaskTerms {
				q = append(q, slices.Repeat(q, MaxMaskTerms/len(q)+1)...)
			}
			for _, k := range []int{1, 10, 100} {
				if got, want := ix.Search(q, k), ix.searchExhaustive(q, k); !slices.Equal(got, want) {
					t.Fatalf("taat %v, %d terms, k %d: hits %v, want %v", taat, len(q), k, got, want)
				}
			}
		}
		long := slices.Repeat(queries[0][:1], MaxMaskTerms+1)
		if hits, masks := ix.searchHits(nil, nil, nil, long, nil, 10, true); len(hits) == 0 || masks != nil {
			t.Errorf("taat %v: a query of %d terms gives %d hits and masks %v, want hits and no masks", taat, len(long), len(hits), masks)
		}
	}
}

// TestSearchNear checks that SearchNear gives, when it searches term at a
// time, each hit's neighbours' scores exactly as a DocScorer does, and the
// terms it holds in the forms asked for as its words in the forward index
// tell, after the same hits and masks as SearchMasks, and nothing when it
// searches by MaxScore; and that the searches after it start from clean
// arrays.
func TestSearchNear(t *testing.T) {
	ix := corpusIndex(t, testCorpus(t))
	rng := rand.New(rand.NewPCG(7, 8))
	reported := 0
	defer func() {
		if reported < 50 {
			t.Errorf("%d terms held in forms asked for; the test asks too little", reported)
		}
	}()
	for _, strategy := range []Strategy{TermAtATime, MaxScore, Split} {
		ix.SetStrategy(strategy)
		for range 200 {
			q := randomQuery(rng, ix, 8)
			ids := ix.TermIDs(q)
			k := []int{1, 10, 100}[rng.IntN(3)]
			wantHits, wantMasks := ix.SearchMasks(nil, nil, q, ids, k)
			for i := range ids {
				switch rng.IntN(3) {
				case 0:
					ids.WantForms(i, 0xff) // all
				case 1:
					ids.WantForms(i, uint8(rng.UintN(256)))
				}
			}
			near := []float32{-1} // appended to, never replaced
			hits, masks, near, forms := ix.SearchNear(nil, nil, near, []uint64{7}, q, ids, k)
			if !slices.Equal(hits, wantHits) || !slices.Equal(masks, wantMasks) {
				t.Fatalf("strategy %d, %v: hits %v masks %v; SearchMasks %v %v", strategy, q, hits, masks, wantHits, wantMasks)
			}
			if strategy != TermAtATime {
				if len(near) != 1 || len(forms) != 1 {
					t.Fatalf("MaxScore, %v: near %v, forms %v, want nothing appended", q, near, forms)
				}
				continue
			}
			if len(near) != 1+2*len(hits) {
				t.Fatalf("%v: %d near scores for %d hits", q, len(near)-1, len(hits))
			}
			ds := ix.NewDocScorer(ids)
			for i, h := range hits {
				for j, d := range []int{h.Doc - 1, h.Doc + 1} {
					want := float32(0)
					if d >= 0 && d < ix.n {
						want = float32(ds.Score(d))
					}
					if got := near[1+2*i+j]; got != want {
						t.Fatalf("%v: hit %d, document %d scores %v; DocScorer %v", q, h.Doc, d, got, want)
					}
				}
			}
			asked := false
			for qi, qt := range q {
				asked = asked || ids[qi].id >= 0 && qt.Weight > 0 && ids[qi].forms != 0
			}
			if !asked {
				if len(forms) != 1 {
					t.Fatalf("%v: forms %v when none were asked for", q, forms)
				}
				continue
			}
			if len(forms) != 1+len(hits) {
				t.Fatalf("%v: forms of %d hits for %d", q, len(forms)-1, len(hits))
			}
			for i, h := range hits {
				var want uint64
				_, _, words := ix.docTerms(h.Doc)
				for qi, qt := range q {
					for _, w := range words {
						if ids[qi].id >= 0 && qt.Weight > 0 && ix.wordTerm[w] == ids[qi].id && ix.FormBit(w)&ids[qi].forms != 0 {
							want |= 1 << qi
						}
					}
				}
				if forms[1+i] != want {
					t.Fatalf("%v: hit %d holds forms of terms %b, want %b", q, h.Doc, forms[1+i], want)
				}
				reported += bits.OnesCount64(want)
			}
		}
	}
}

// randomQuery returns a query of 1 to most terms of random texts of ix,
// of weights from 0.5 to 1.5, now and then with the same term twice or a
// term the index lacks.
func randomQuery(rng *rand.Rand, ix *Index, most int) []QueryTerm {
	var q []QueryTerm
	for range 1 + rng.IntN(most) {
		ids, _, _ := ix.docTerms(rng.IntN(ix.n))
		if len(ids) == 0 {
			continue
		}
		term := ix.terms.at(int(ids[rng.IntN(len(ids))]))
		switch rng.IntN(8) {
		case 0:
			term = "zzqx"
		case 1:
			if len(q) > 0 {
				term = q[0].Term
			}
		}
		q = append(q, QueryTerm{Term: term, Weight: 0.5 + rng.Float64()})
	}
	return q
}
