package index

import "math/bits"

// closestLinear is closest as it was before findNear: a scan of every
// word of the language, ruling out by length in bytes and letter set,
// then comparing by osa. It is kept as the reference closest must agree
// with, word for word and tie for tie.
func (ix *Index) closestLinear(l int, word, term string) (found string, sim float64) {
	bestID, bestD, bestN := int32(-1), 0, 0
	consider := func(q string, n, d int, t int32) {
		better := bestID < 0 || float64(d)/float64(n) < float64(bestD)/float64(bestN)
		if !better && float64(d)/float64(n) == float64(bestD)/float64(bestN) {
			better = ix.df[t] > ix.df[bestID] || ix.df[t] == ix.df[bestID] && ix.terms.at(int(t)) < ix.terms.at(int(bestID))
		}
		if better {
			bestID, bestD, bestN = t, d, n
		}
	}
	try := func(q string, tab *strtab, id func(int) int32) {
		n := runeLen(q)
		if n < 4 || !hasLetter(q) {
			return
		}
		lo, hi := ix.wordsOf(l)
		maxd := maxEdits(n)
		qset := letterSet(q)
		a := []rune(q)
		var b []rune
		for i := lo; i < hi; i++ {
			c := tab.at(i)[1:] // after its language
			if d := len(c) - len(q); d > 2*maxd || d < -2*maxd {
				continue // no rune distance within maxd
			}
			if setDistance(qset, letterSet(c)) > 2*maxd {
				continue // one edit changes at most two letters of the set
			}
			b = append(b[:0], []rune(c)...)
			if d := Distance(a, b, maxd); d <= maxd {
				consider(q, n, d, id(i))
			}
		}
	}
	try(word, &ix.words, func(i int) int32 { return ix.wordTerm[i] })
	if bestID < 0 && term != "" {
		ix.closestTermLinear(l, term, consider)
	}
	if bestID < 0 {
		return "", 0
	}
	return ix.terms.at(int(bestID)), 1 - float64(bestD)/float64(bestN)
}

// closestTermLinear is closestTerm as it was, by a scan: it offers
// consider the terms of analyzer l's words within the edit distance
// closest allows of term.
func (ix *Index) closestTermLinear(l int, term string, consider func(q string, n, d int, t int32)) {
	n := runeLen(term)
	if n < minTermCorrect || !hasLetter(term) {
		return
	}
	maxd := maxEdits(n)
	qset := letterSet(term)
	a := []rune(term)
	var b []rune
	lo, hi := ix.wordsOf(l)
	last := int32(-1)
	for i := lo; i < hi; i++ {
		t := ix.wordTerm[i]
		if t == last {
			continue
		}
		last = t
		c := ix.terms.at(int(t))
		if d := len(c) - len(term); d > 2*maxd || d < -2*maxd {
			continue
		}
		if setDistance(qset, letterSet(c)) > 2*maxd {
			continue
		}
		b = append(b[:0], []rune(c)...)
		if d := Distance(a, b, maxd); d <= maxd {
			consider(term, n, d, t)
		}
	}
}

// letterSet is a bit set of the letters and digits in a word, for quickly
// ruling out words too different to be a typo of another: one edit changes
// at most two members of the set.
func letterSet(s string) uint64 {
	var set uint64
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			set |= 1 << (r - 'a')
		case r >= '0' && r <= '9':
			set |= 1 << (26 + r - '0')
		default:
			set |= 1 << (36 + uint(r)%28)
		}
	}
	return set
}

// setDistance counts the letters one set has and the other lacks; an edit
// distance of d allows at most 2d.
func setDistance(a, b uint64) int { return bits.OnesCount64(a ^ b) }
