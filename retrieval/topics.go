package retrieval

import (
	"lectern/retrieval/index"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Topic is something the corpus talks about: a section heading, or, in text
// without headings, a name ("Solzhenitsyn"), a phrase ("camp literature") or
// a key term found in it.
type Topic struct {
	Name string `json:"name"`
	// Kind is "section", "name", "phrase" or "term".
	Kind string `json:"kind"`
	// Count is how many sentences mention the topic (for a section: how many
	// it has).
	Count int `json:"count"`
	// Sentences are the IDs of the sentences that best cover the topic, best
	// first.
	Sentences []int `json:"sentences"`
	score     float64
}

// MaxTopics is the most topics Topics returns for a text without headings;
// MaxSectionTopics the most headings it lists (the first ones).
const (
	MaxTopics        = 60
	MaxSectionTopics = 500
)

// topicSample is how many sentences, spread evenly over the corpus, key
// topics are found in: enough for any text's main names and phrases,
// bounded for a million sentences.
const topicSample = 40000

// topicSentences is how many sentences each topic keeps.
const topicSentences = 3

// Topics returns the corpus's topics, most prominent first: its section
// headings if it has any, otherwise the names, phrases and key terms found
// in its sentences. The result is computed once and must not be modified.
func (e *Engine) Topics() []Topic {
	e.topicsOnce.Do(func() {
		if ts := e.sectionTopics(); len(ts) > 0 {
			e.topics = ts
		} else {
			e.topics = e.keyTopics()
		}
	})
	return e.topics
}

// sectionTopics makes a topic of every distinct heading.
func (e *Engine) sectionTopics() []Topic {
	type sec struct {
		name  string
		sents []int
	}
	var secs []*sec
	byName := map[string]*sec{}
	for i := 0; i < e.c.Len(); i++ {
		s := e.c.Sentence(i)
		if s.Section == "" {
			continue
		}
		key := strings.ToLower(s.Section)
		t, ok := byName[key]
		if !ok {
			t = &sec{name: s.Section}
			byName[key] = t
			secs = append(secs, t)
		}
		t.sents = append(t.sents, i)
	}
	var out []Topic
	for _, s := range secs[:min(len(secs), MaxSectionTopics)] {
		t := Topic{Name: s.name, Kind: "section", Count: len(s.sents)}
		// The section's sentences that match its heading best, else its
		// first ones (among its first hundred: a long section starts with
		// what it is about).
		q := queryTerms(e.ix.AnalyzerOf(s.sents[0]).Terms(s.name))
		type scored struct {
			id    int
			score float64
		}
		var ranked []scored
		for _, id := range s.sents[:min(len(s.sents), 100)] {
			ranked = append(ranked, scored{id, e.ix.Score(q, id)})
		}
		sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].score > ranked[j].score })
		for _, r := range ranked[:min(topicSentences, len(ranked))] {
			t.Sentences = append(t.Sentences, r.id)
		}
		out = append(out, t)
	}
	return out
}

func queryTerms(terms []string) []index.QueryTerm {
	var q []index.QueryTerm
	seen := map[string]bool{}
	for _, t := range terms {
		if !seen[t] {
			seen[t] = true
			q = append(q, index.QueryTerm{Term: t, Weight: 1})
		}
	}
	return q
}

// word is a word of a sentence, for finding names and phrases.
type word struct {
	surface string // as printed, possessive stripped
	folded  string
	english bool // of an English sentence
	cap     bool // starts with a capital letter
	stop    bool
	first   bool // first word of its sentence
	joined  bool // only spaces separate it from the word before
	poss    bool // ends in a possessive "'s"
}

// topicCandidate is a name, phrase or term found in the text.
type topicCandidate struct {
	kind     string
	an       *index.Analyzer // of the sentence it was first found in
	terms    []string
	surfaces map[string]int
	sents    map[int]bool
}

func (c *topicCandidate) name() string {
	best, n := "", 0
	for s, k := range c.surfaces {
		if k > n || k == n && s < best {
			best, n = s, k
		}
	}
	return best
}

// keyTopics finds the names, phrases and key terms of a corpus without
// headings. Names are runs of capitalised words (a capital that only starts
// a sentence does not count); phrases are the last two words of a run of
// lower-case content words, where English puts the noun a phrase is about
// ("collective leadership", "camp literature"); key terms are content words
// found in several sentences.
func (e *Engine) keyTopics() []Topic {
	lower := map[string]bool{}  // words seen in lower case
	midCap := map[string]bool{} // words capitalised inside a sentence
	step := max(1, (e.c.Len()+topicSample-1)/topicSample)
	for i := 0; i < e.c.Len(); i += step {
		for _, w := range e.words(e.ix.AnalyzerOf(i), e.c.Text(i)) {
			switch {
			case !w.cap:
				lower[w.folded] = true
			case !w.first:
				midCap[w.folded] = true
			}
		}
	}
	cands := map[string]*topicCandidate{}
	add := func(kind string, an *index.Analyzer, ws []word, sent int) {
		var terms, surf []string
		for _, w := range ws {
			terms = append(terms, an.Terms(w.surface)...)
			surf = append(surf, w.surface)
		}
		if len(terms) == 0 {
			return
		}
		key := kind + ":" + strings.Join(terms, " ")
		c, ok := cands[key]
		if !ok {
			c = &topicCandidate{kind: kind, an: an, terms: terms, surfaces: map[string]int{}, sents: map[int]bool{}}
			cands[key] = c
		}
		c.surfaces[strings.Join(surf, " ")]++
		c.sents[sent] = true
	}
	for sent := 0; sent < e.c.Len(); sent += step {
		an := e.ix.AnalyzerOf(sent)
		ws := e.words(an, e.c.Text(sent))
		for i := 0; i < len(ws); {
			// A run of capitalised words, ended by a possessive.
			j := i
			for j < len(ws) && ws[j].cap && !ws[j].stop && (j == i || ws[j].joined && !ws[j-1].poss) {
				j++
			}
			if j == i {
				i++
				continue
			}
			run := ws[i:j]
			if f := run[0]; f.first && (lower[f.folded] || openers[f.folded] || !midCap[f.folded] && !isAcronym(f.surface)) {
				run = run[1:]
			}
			if len(run) > 0 && len(run) <= 4 && !(len(run) == 1 && utf8.RuneCountInString(run[0].folded) < 3) {
				add("name", an, run, sent)
			}
			i = j
		}
		for i := 0; i < len(ws); {
			j := i
			for j < len(ws) && phraseWord(ws[j]) && (j == i || ws[j].joined) {
				j++
			}
			if j-i >= 2 {
				add("phrase", an, ws[j-2:j], sent)
			}
			for _, w := range ws[i:j] {
				if utf8.RuneCountInString(w.folded) > 3 {
					add("term", an, []word{w}, sent)
				}
			}
			i = max(j, i+1)
		}
	}

	termCount := func(t string) int {
		if c := cands["term:"+t]; c != nil {
			return len(c.sents)
		}
		return 0
	}
	inPhrase := map[string]int{} // term -> sentences of its most frequent phrase
	for _, c := range cands {
		if c.kind == "phrase" {
			for _, t := range c.terms {
				inPhrase[t] = max(inPhrase[t], len(c.sents))
			}
		}
	}
	var topics []Topic
	analyzerOf := map[string]*index.Analyzer{} // topic name -> its analyzer
	for _, c := range cands {
		n := len(c.sents)
		t := Topic{Name: c.name(), Kind: c.kind, Count: n}
		if _, ok := analyzerOf[t.Name]; !ok {
			analyzerOf[t.Name] = c.an
		}
		switch c.kind {
		case "name":
			t.score = 2*float64(n) + float64(len(c.terms)-1)
		case "phrase":
			t.score = 1.5 * float64(n)
			for _, term := range c.terms {
				t.score += 0.25 * float64(min(termCount(term), 5))
			}
		case "term":
			// A term mostly seen inside a phrase that is a topic itself
			// ("camps" in "labor camps") is left to the phrase.
			if n < 3 || 2*inPhrase[c.terms[0]] >= n || c.an.English() && verbLike(t.Name) {
				continue
			}
			t.score = 0.75 * float64(n)
		}
		if c.kind == "phrase" && c.an.English() && verbLike(t.Name[strings.LastIndexByte(t.Name, ' ')+1:]) {
			continue // "policies embarked": a verb ends it, no noun
		}
		topics = append(topics, t)
	}
	sort.Slice(topics, func(i, j int) bool {
		if topics[i].score != topics[j].score {
			return topics[i].score > topics[j].score
		}
		return topics[i].Name < topics[j].Name
	})
	if len(topics) > MaxTopics {
		topics = topics[:MaxTopics]
	}
	for i := range topics {
		for _, h := range e.ix.Search(queryTerms(analyzerOf[topics[i].Name].Terms(topics[i].Name)), topicSentences) {
			topics[i].Sentences = append(topics[i].Sentences, h.Doc)
		}
	}
	return topics
}

// verbLike reports whether a word looks like a verb form ("removed",
// "freeing"), which makes a poor topic.
func verbLike(w string) bool {
	w = strings.ToLower(w)
	return len(w) > 5 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing"))
}

// words splits a sentence, analyzed by an, into words with their case and
// punctuation.
func (e *Engine) words(an *index.Analyzer, text string) []word {
	var ws []word
	prevEnd := 0
	index.Tokenize(text, func(start, end int) {
		s := text[start:end]
		if strings.HasSuffix(s, "’s") || strings.HasSuffix(s, "'s") {
			s = s[:strings.LastIndexAny(s, "’'")]
		}
		poss := len(s) < end-start
		r, _ := utf8.DecodeRuneInString(s)
		key, f := an.Normalize(s)
		w := word{
			poss:    poss,
			surface: s,
			folded:  f,
			english: an.English(),
			cap:     unicode.IsUpper(r),
			stop:    an.Stopped(key, f) || unicode.IsDigit(r),
			first:   len(ws) == 0,
			joined:  strings.TrimSpace(text[prevEnd:start]) == "",
		}
		ws = append(ws, w)
		prevEnd = end
	})
	return ws
}

func isAcronym(s string) bool {
	return utf8.RuneCountInString(s) >= 2 && strings.ToUpper(s) == s && strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// phraseWord reports whether w can be part of a key phrase: a lower-case
// content word that is not a vague modifier.
func phraseWord(w word) bool {
	if w.cap || w.stop || len(w.folded) < 3 || w.english && strings.HasSuffix(w.folded, "ly") {
		return false
	}
	return !vague[w.folded]
}

var vague = setOf("important", "particular", "many", "main", "general",
	"major", "new", "own", "whole", "great", "greater", "much", "certain",
	"various", "similar", "different", "key", "current", "first", "second",
	"third", "fourth", "last", "next", "several", "significant", "less",
	"least", "good", "better", "best", "large", "small", "little", "high",
	"low", "long", "short", "old", "able", "even", "ever", "every", "one",
	"two", "three", "made", "make", "makes", "sought", "became", "become",
	"used", "use", "using", "based", "given", "like", "well", "far", "way",
	"part", "time", "times", "also", "still", "often", "upon", "whether",
	"so-called", "back", "following", "including", "without", "within",
	"throughout", "toward", "towards", "across", "behind", "beneath", "beyond",
	"despite", "except", "via", "among", "around", "along", "rather", "thing",
	"things", "something", "anything", "everything", "nothing")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// openers are capitalised words that start sentences without being names.
var openers = setOf("the", "a", "an", "this", "that", "these", "those", "in",
	"on", "at", "for", "from", "among", "while", "although", "when", "after",
	"before", "since", "during", "many", "some", "such", "so", "and", "but",
	"it", "he", "she", "they", "his", "her", "their", "its", "there", "here",
	"first", "second", "third", "fourth", "similar", "everyone", "particularly")

// FindTopics returns up to limit topics whose names match query, best match
// first: the same name, then names starting with query, then names with a
// word starting with it, then names containing it, then names within a
// small edit distance of it (typos). Case and diacritics are ignored. An
// empty query returns the first topics.
func (e *Engine) FindTopics(query string, limit int) []Topic {
	topics := e.Topics()
	q := foldPhrase(query)
	if limit <= 0 {
		return nil
	}
	if q == "" {
		return topics[:min(limit, len(topics))]
	}
	type match struct {
		rank, i int
	}
	var ms []match
	for i, t := range topics {
		name := foldPhrase(t.Name)
		rank := -1
		switch {
		case name == q:
			rank = 0
		case strings.HasPrefix(name, q):
			rank = 1
		case strings.Contains(" "+name, " "+q):
			rank = 2
		case strings.Contains(name, q):
			rank = 3
		case fuzzyWordMatch(name, q):
			rank = 4
		}
		if rank >= 0 {
			ms = append(ms, match{rank, i})
		}
	}
	sort.SliceStable(ms, func(a, b int) bool { return ms[a].rank < ms[b].rank })
	var out []Topic
	for _, m := range ms[:min(limit, len(ms))] {
		out = append(out, topics[m.i])
	}
	return out
}

// foldPhrase folds case, diacritics and typographic quotes, and collapses
// spaces and hyphens, for comparing topic names.
func foldPhrase(s string) string {
	var words []string
	index.Tokenize(s, func(start, end int) { words = append(words, index.Fold(s[start:end])) })
	return strings.ReplaceAll(strings.Join(words, " "), "-", " ")
}

// fuzzyWordMatch reports whether every word of q is within one or two edits
// of the start of some word of name ("solzhenitsin" ~ "solzhenitsyn").
func fuzzyWordMatch(name, q string) bool {
	nameWords := strings.Fields(name)
	for _, qw := range strings.Fields(q) {
		a := []rune(qw)
		maxd := 1
		if len(a) >= 8 {
			maxd = 2
		}
		if len(a) < 4 {
			return false
		}
		ok := false
		for _, nw := range nameWords {
			b := []rune(nw)
			if len(b) > len(a)+maxd {
				b = b[:len(a)+maxd]
			}
			if index.Distance(a, b, maxd) <= maxd || len(b) > len(a) && index.Distance(a, b[:len(a)], maxd) <= maxd {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// TopicAnswer returns what the text says about a topic: the best sentences
// of the topic whose name matches name best (see FindTopics), as an answered
// Answer. A name that matches no topic is asked as a question instead.
func (e *Engine) TopicAnswer(name string, req Request) (Answer, error) {
	if err := CheckQuestion(name); err != nil {
		return Answer{Question: name, Results: []Result{}}, err
	}
	found := e.FindTopics(name, 1)
	if len(found) == 0 || len(found[0].Sentences) == 0 {
		return e.Answer(name, req)
	}
	t := found[0]
	ans, err := e.Answer(t.Name, Request{Top: len(t.Sentences), Offset: req.Offset, Explain: req.Explain})
	if err != nil || !ans.Answered || len(ans.Results) == 0 {
		return e.Answer(name, req)
	}
	ans.Question = t.Name
	if req.Top > 0 && len(ans.Results) > req.Top {
		ans.Results = ans.Results[:req.Top]
		ans.More = true
	}
	return ans, nil
}
