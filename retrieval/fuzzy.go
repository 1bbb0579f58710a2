package retrieval

// closest returns the indexed term for the word of analyzer l's texts
// nearest to a question word the text does not hold, by edit distance
// (insertions, deletions, substitutions and swaps of neighbouring letters):
// "burried" finds "buried", "rehabilitaton" finds "rehabilitation". One
// edit is allowed for words of four to seven letters and two from eight;
// shorter words and numbers are not matched. On a tie the more frequent
// term wins. sim is 1 minus the edits over the word's length. Words whose
// length or set of letters differ too much are ruled out before the edit
// distance is computed.
//
// When no word is near and term is not "", the question word's term is
// compared with the terms of the language's words in the same way: in a
// language of many endings a misspelt word seldom has the ending of the
// text's ("радина" for "родины": "радин" is one edit from "родин").
func (ix *Index) closest(l int, word, term string) (found string, sim float64) {
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
	try := func(q string, tab *strtab, sets []uint64, id func(int) int32) {
		n := runeLen(q)
		if n < 4 || !hasLetter(q) {
			return
		}
		lo, hi := ix.wordsOf(l)
		maxd := 1
		if n >= 8 {
			maxd = 2
		}
		qset := letterSet(q)
		a := []rune(q)
		var b []rune
		for i := lo; i < hi; i++ {
			c := tab.at(i)[1:] // after its language
			if d := len(c) - len(q); d > 2*maxd || d < -2*maxd {
				continue // no rune distance within maxd
			}
			if setDistance(qset, sets[i]) > 2*maxd {
				continue // one edit changes at most two letters of the set
			}
			b = append(b[:0], []rune(c)...)
			if d := osa(a, b, maxd); d <= maxd {
				consider(q, n, d, id(i))
			}
		}
	}
	try(word, &ix.words, ix.wordSet, func(i int) int32 { return ix.wordTerm[i] })
	if bestID < 0 && term != "" {
		ix.closestTerm(l, term, consider)
	}
	if bestID < 0 {
		return "", 0
	}
	return ix.terms.at(int(bestID)), 1 - float64(bestD)/float64(bestN)
}

// minTermCorrect is the shortest term closestTerm corrects: shorter stems
// have too many neighbours one edit away ("уход" and "ход").
const minTermCorrect = 5

// closestTerm offers consider the terms of analyzer l's words within the
// edit distance closest allows of term.
func (ix *Index) closestTerm(l int, term string, consider func(q string, n, d int, t int32)) {
	n := runeLen(term)
	if n < minTermCorrect || !hasLetter(term) {
		return
	}
	maxd := 1
	if n >= 8 {
		maxd = 2
	}
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
		if d := osa(a, b, maxd); d <= maxd {
			consider(term, n, d, t)
		}
	}
}

func hasLetter(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return true
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// osa returns the optimal-string-alignment distance between a and b, or
// maxd+1 as soon as it must exceed maxd.
func osa(a, b []rune, maxd int) int {
	la, lb := len(a), len(b)
	if abs(la-lb) > maxd {
		return maxd + 1
	}
	prev2 := make([]int, lb+1)
	prev := make([]int, lb+1)
	cur := make([]int, lb+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > maxd {
			return maxd + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}
