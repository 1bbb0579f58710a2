package index

import "sync"

// Word forms by posting. An English text holding a word holds its term,
// the word's stem, and the forms of a term are few ("print", "prints",
// "printed", "printing"). A byte per posting, a bit per form, tells which forms of
// the term the posting's document holds, so that a search walking every
// posting of a term (term at a time) tells at no extra reading which of
// its documents hold the forms a question asked for: the exact-form
// bonus of ranking then needs no look at the candidates' words in the
// forward index, which on SciFact's abstracts (a hundred words or more)
// cost a quarter of the ranking's time.
//
// The table is made from the forward index when first needed, for an
// index of English texts small enough to be searched term at a time
// (taatMaxDocs); other indexes have none, and their searches report no
// forms.

// formTable is an index's forms by posting.
type formTable struct {
	once  sync.Once
	place []uint8  // per word: its bit among its term's forms, 0 past the eighth
	bits  []uint8  // per posting, term after term: the forms its document holds
	start []uint32 // per term, and one more: where its postings' bytes begin in bits
}

// maxForms is how many forms of a term a posting's byte tells.
const maxForms = 8

// forms returns the index's form table, made at its first use, or nil when
// the index has none (see formTable).
func (ix *Index) forms() *formTable {
	if len(ix.ans) != 1 || !ix.ans[0].English() || ix.n > taatMaxDocs {
		return nil
	}
	f := &ix.formTab
	f.once.Do(func() { ix.makeForms(f) })
	return f
}

// makeForms fills f from the forward index. A document's posting of a term
// is its place among the term's documents, which come in order of number.
func (ix *Index) makeForms(f *formTable) {
	nt := ix.terms.len()
	count := make([]uint8, nt) // forms seen per term, up to maxForms
	f.place = make([]uint8, ix.words.len())
	for w, t := range ix.wordTerm {
		if count[t] < maxForms {
			f.place[w] = 1 << count[t]
			count[t]++
		}
	}
	f.start = make([]uint32, nt+1)
	for t, df := range ix.df {
		f.start[t+1] = f.start[t] + df
	}
	f.bits = make([]uint8, f.start[nt])
	seen := make([]uint32, nt) // postings of each term before the document
	for d := range ix.n {
		ids, _, words := ix.docTerms(d)
		for _, w := range words {
			t := ix.wordTerm[w]
			if f.place[w] == 0 {
				continue
			}
			if i := SearchIDs(ids, uint32(t)); i == len(ids) || ids[i] != uint32(t) {
				continue // an English text holds its words' terms
			}
			if seen[t] >= ix.df[t] {
				continue // more documents hold the term than its postings (not in a verified index)
			}
			f.bits[f.start[t]+seen[t]] |= f.place[w]
		}
		for _, t := range ids {
			seen[t]++
		}
	}
}

// FormBit returns word w's bit among the forms of its term that SearchNear
// reports (see TermIDs.WantForms), 0 when it reports none for the word:
// the index is not one of English texts searched term at a time, or the
// word's term has more than eight forms and w comes after the eighth.
func (ix *Index) FormBit(w uint32) uint8 {
	f := ix.forms()
	if f == nil || int(w) >= len(f.place) {
		return 0
	}
	return f.place[w]
}

// WantForms asks a search with these terms to report the documents
// holding the i-th term in one of the forms of forms, by their bits
// (FormBit).
func (t TermIDs) WantForms(i int, forms uint8) { t[i].forms = forms }
