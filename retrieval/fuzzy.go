package retrieval

import "unicode/utf8"

// closest returns the indexed term for the word nearest to a question
// word the text does not hold, by edit distance (insertions, deletions,
// substitutions and swaps of neighbouring letters): "burried" finds "buried",
// "rehabilitaton" finds "rehabilitation". Both the folded words and their
// stems are compared, and the closer pair wins. One edit is allowed for words
// of four to seven letters and two from eight; shorter words and numbers are
// not matched. On a tie the more frequent term wins. sim is 1 minus the edits
// over the word's length.
func (ix *Index) closest(word, term string) (found string, sim float64) {
	bestID, bestD, bestN := int32(-1), 0, 0
	try := func(q string, cands []string, id func(int) int32) {
		n := utf8.RuneCountInString(q)
		if n < 4 || !hasLetter(q) {
			return
		}
		maxd := 1
		if n >= 8 {
			maxd = 2
		}
		a := []rune(q)
		var b []rune
		for i, c := range cands {
			if d := len(c) - len(q); d > 2*maxd || d < -2*maxd {
				continue // no rune distance within maxd
			}
			b = append(b[:0], []rune(c)...)
			d := osa(a, b, maxd)
			if d > maxd {
				continue
			}
			t := id(i)
			better := bestID < 0 || float64(d)/float64(n) < float64(bestD)/float64(bestN)
			if !better && float64(d)/float64(n) == float64(bestD)/float64(bestN) {
				better = ix.df(t) > ix.df(bestID) || ix.df(t) == ix.df(bestID) && ix.terms[t] < ix.terms[bestID]
			}
			if better {
				bestID, bestD, bestN = t, d, n
			}
		}
	}
	try(word, ix.words, func(i int) int32 { return ix.wordTerm[i] })
	try(term, ix.terms, func(i int) int32 { return int32(i) })
	if bestID < 0 {
		return "", 0
	}
	return ix.terms[bestID], 1 - float64(bestD)/float64(bestN)
}

func (ix *Index) df(id int32) int { return int(ix.start[id+1] - ix.start[id]) }

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
