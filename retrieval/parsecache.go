package retrieval

// shortQuestion is how many distinct terms Parse looks through one by one
// before it keeps them in a map.
const shortQuestion = 16

// termIndex returns the place in terms of the one whose Term is term, -1
// for none: by seen when there is a map, else by looking.
func termIndex(terms []SearchTerm, seen map[string]int, term string) int {
	if seen != nil {
		if i, ok := seen[term]; ok {
			return i
		}
		return -1
	}
	for i := range terms {
		if terms[i].Term == term {
			return i
		}
	}
	return -1
}

// dfCache keeps the DFs of the terms a question looks up, each looked up
// in the index once: in a short list, then, past shortQuestion*2 terms, in
// a map.
type dfCache struct {
	find  func(term string) int // the DF of a term in the index
	terms []string
	dfs   []int
	m     map[string]int
}

func newDFCache(find func(term string) int) *dfCache {
	return &dfCache{find: find, terms: make([]string, 0, 8), dfs: make([]int, 0, 8)}
}

// df returns term's DF.
func (c *dfCache) df(term string) int {
	if c.m != nil {
		n, ok := c.m[term]
		if !ok {
			n = c.find(term)
			c.m[term] = n
		}
		return n
	}
	for i, t := range c.terms {
		if t == term {
			return c.dfs[i]
		}
	}
	n := c.find(term)
	if len(c.terms) == 2*shortQuestion {
		c.m = make(map[string]int, 4*shortQuestion)
		for i, t := range c.terms {
			c.m[t] = c.dfs[i]
		}
		c.m[term] = n
		return n
	}
	c.terms = append(c.terms, term)
	c.dfs = append(c.dfs, n)
	return n
}
