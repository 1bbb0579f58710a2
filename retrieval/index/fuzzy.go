package index

import "sync"

// Closest returns the indexed term for the word of analyzer l's texts
// nearest to a question word the text does not hold, by edit distance
// (insertions, deletions, substitutions and swaps of neighbouring letters):
// "burried" finds "buried", "rehabilitaton" finds "rehabilitation". One
// edit is allowed for words of four to seven letters and two from eight;
// shorter words and numbers are not matched. On a tie the more frequent
// term wins, then the term first in byte order. sim is 1 minus the edits
// over the word's length. Words more than two bytes per allowed edit
// longer or shorter than the question word are not matched.
//
// When no word is near and term is not "", the question word's term is
// compared with the terms of the language's words in the same way: in a
// language of many endings a misspelt word seldom has the ending of the
// text's ("радина" for "родины": "радин" is one edit from "родин").
//
// The words are found by a walk of the sorted vocabulary and a lookup by
// their endings (findNear), not by comparing the question word with each.
//
// Answers are kept (up to closestCached of them, then forgotten all at
// once): a question is often asked again, and the words a question set
// lacks recur.
func (ix *Index) Closest(l int, word, term string) (found string, sim float64) {
	key := closestKey{l, word, term}
	c := &ix.fuzzy.cache
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v.found, v.sim
	}
	found, sim = ix.findClosest(l, word, term)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= closestCached {
		c.m = make(map[closestKey]closestAnswer)
	}
	c.m[key] = closestAnswer{found, sim}
	c.mu.Unlock()
	return found, sim
}

// closestCached is how many answers of closest an index keeps.
const closestCached = 4096

// closestCache keeps closest's answers, by its arguments.
type closestCache struct {
	mu sync.Mutex
	m  map[closestKey]closestAnswer
}

type closestKey struct {
	l          int
	word, term string
}

type closestAnswer struct {
	found string
	sim   float64
}

// findClosest is closest without its cache.
func (ix *Index) findClosest(l int, word, term string) (found string, sim float64) {
	bestID, bestD, bestN := int32(-1), 0, 0
	consider := func(n, d int, t int32) {
		better := bestID < 0 || float64(d)/float64(n) < float64(bestD)/float64(bestN)
		if !better && float64(d)/float64(n) == float64(bestD)/float64(bestN) {
			better = ix.df[t] > ix.df[bestID] || ix.df[t] == ix.df[bestID] && ix.terms.at(int(t)) < ix.terms.at(int(bestID))
		}
		if better {
			bestID, bestD, bestN = t, d, n
		}
	}
	if n := runeLen(word); n >= 4 && hasLetter(word) {
		lo, hi := ix.wordsOf(l)
		findNear(&ix.words, ix.wordIndex(), lo, hi, 1, word, maxEdits(n), func(i, d int) {
			consider(n, d, ix.wordTerm[i])
		})
	}
	if bestID < 0 && term != "" {
		ix.closestTerm(l, term, consider)
	}
	if bestID < 0 {
		return "", 0
	}
	return ix.terms.at(int(bestID)), 1 - float64(bestD)/float64(bestN)
}

// maxEdits is the edit distance closest allows for a word of n letters.
func maxEdits(n int) int {
	if n >= 8 {
		return 2
	}
	return 1
}

// minTermCorrect is the shortest term closestTerm corrects: shorter stems
// have too many neighbours one edit away ("уход" and "ход").
const minTermCorrect = 5

// closestTerm offers consider the terms of analyzer l's words within the
// edit distance closest allows of term, with that distance and term's
// length in letters.
func (ix *Index) closestTerm(l int, term string, consider func(n, d int, t int32)) {
	n := runeLen(term)
	if n < minTermCorrect || !hasLetter(term) {
		return
	}
	vx, of := ix.termIndex(l)
	findNear(&ix.terms, vx, 0, ix.terms.len(), 0, term, maxEdits(n), func(t, d int) {
		if of[t/64]&(1<<(t%64)) != 0 {
			consider(n, d, int32(t))
		}
	})
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

// Distance returns the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and swaps of neighbours, no
// substring edited twice), or maxd+1 as soon as it must exceed maxd.
func Distance(a, b []rune, maxd int) int {
	var rows []int
	return osaRows(&rows, a, b, maxd)
}

// osaRows is osa with its three rows kept in *rows, grown as needed, so
// that a caller that measures many words allocates once.
func osaRows(rows *[]int, a, b []rune, maxd int) int {
	la, lb := len(a), len(b)
	if abs(la-lb) > maxd {
		return maxd + 1
	}
	*rows = grow(*rows, 3*(lb+1))
	prev2, prev, cur := (*rows)[:lb+1], (*rows)[lb+1:2*(lb+1)], (*rows)[2*(lb+1):3*(lb+1)]
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
