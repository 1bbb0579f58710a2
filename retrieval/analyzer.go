package retrieval

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"

	"lectern/retrieval/lexicon"
)

// Token is one indexable term of a text, with where it came from.
type Token struct {
	// Term is the indexed form: folded, possessive stripped, stemmed.
	Term string
	// Word is the folded form before stemming ("khrushchev", "buried").
	Word string
	// Start and End are the byte offsets in the analyzed text of the word
	// the term comes from. The parts of a hyphenated word share their
	// whole's offsets.
	Start, End int
	// Pos is the word's position among the text's words, from 0. The parts
	// of a hyphenated word share their whole's position.
	Pos int
}

// Analyzer turns text into terms: it splits Unicode text into words, folds
// case, diacritics and typographic quotes, strips possessives, drops stop
// words and stems with the Snowball English stemmer. A hyphenated word gives
// its whole and its parts, so that "Stalinization" finds "de-Stalinization".
// The same Analyzer must analyze the corpus and the questions.
//
// An Analyzer is safe for concurrent use.
type Analyzer struct {
	opts      AnalyzerOptions
	stop      map[string]bool
	noStem    bool
	irregular bool
	partsOnly bool
	cache     sync.Map // folded word -> stem
	cached    atomic.Int64
}

// AnalyzerOptions configure an Analyzer. The zero value is lectern's
// default analyzer but for Irregular.
type AnalyzerOptions struct {
	// StopWords are dropped (folded, unstemmed). nil means DefaultStopWords;
	// an empty non-nil list keeps every word.
	StopWords []string `json:"stop_words"`
	// NoStem turns stemming off.
	NoStem bool `json:"no_stem"`
	// Irregular maps irregular verb and noun forms to their base form before
	// stemming, so that "held" finds "hold" and "gave" finds "give".
	Irregular bool `json:"irregular"`
	// HyphenPartsOnly indexes a hyphenated word by its parts alone, as
	// Lucene's StandardTokenizer does, not also as a whole.
	HyphenPartsOnly bool `json:"hyphen_parts_only"`
}

// maxCached bounds the stem cache.
const maxCached = 1 << 20

// maxTokenBytes is the longest word indexed; longer runs (base64, hashes)
// are skipped.
const maxTokenBytes = 64

// NewAnalyzer returns an Analyzer with the given options.
func NewAnalyzer(o AnalyzerOptions) *Analyzer {
	stopWords := o.StopWords
	if stopWords == nil {
		stopWords = DefaultStopWords
	}
	a := &Analyzer{opts: o, stop: make(map[string]bool, len(stopWords)), noStem: o.NoStem, irregular: o.Irregular, partsOnly: o.HyphenPartsOnly}
	for _, w := range stopWords {
		a.stop[w] = true
	}
	return a
}

// DefaultStopWords is the Snowball English stop list with a few modal verbs
// added: the words a question is built from rather than what it asks about.
var DefaultStopWords = append(strings.Fields(`a about above after again
against all am an and any are as at be because been before being below
between both but by can did do does doing don down during each few for from
further had has have having he her here hers herself him himself his how i
if in into is it its itself just me more most my myself no nor not now of
off on once only or other our ours ourselves out over own s same she should
so some such t than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when
where which while who whom why will with you your yours yourself yourselves`),
	"would", "could", "might", "must", "shall", "may", "also", "us", "let")

// LuceneStopWords is the stop list of Lucene's EnglishAnalyzer, which
// Anserini's published BM25 baselines use.
var LuceneStopWords = strings.Fields(`a an and are as at be but by for if in
into is it no not of on or such that the their then there these they this to
was will with`)

// Analyze returns the terms of text in order.
func (a *Analyzer) Analyze(text string) []Token {
	return a.AppendTokens(nil, text)
}

// Terms returns just the terms of text, in order.
func (a *Analyzer) Terms(text string) []string {
	var terms []string
	a.each(text, func(t Token) { terms = append(terms, t.Term) })
	return terms
}

// AppendTokens appends the tokens of text to dst and returns it.
func (a *Analyzer) AppendTokens(dst []Token, text string) []Token {
	a.each(text, func(t Token) { dst = append(dst, t) })
	return dst
}

// each calls f for every token of text.
func (a *Analyzer) each(text string, f func(Token)) {
	a.eachWord(text, func(word string, start, end, pos int) {
		f(Token{Term: a.stem(word), Word: word, Start: start, End: end, Pos: pos})
	})
}

// eachWord calls f for every indexable word of text, folded but not yet
// stemmed: a hyphenated word gives its whole and its parts, stop words none.
func (a *Analyzer) eachWord(text string, f func(word string, start, end, pos int)) {
	pos := 0
	tokenize(text, func(start, end int) {
		word := fold(text[start:end])
		if word == "" {
			return
		}
		if len(word) > maxTokenBytes {
			pos++
			return
		}
		if strings.IndexByte(word, '-') < 0 {
			if !a.stop[word] {
				f(word, start, end, pos)
			}
			pos++
			return
		}
		var parts [8]string
		ps := parts[:0]
		for p := range strings.SplitSeq(word, "-") {
			if p != "" {
				ps = append(ps, p)
			}
		}
		if len(ps) > 1 && !a.partsOnly {
			if whole := strings.Join(ps, ""); !a.stop[whole] {
				f(whole, start, end, pos)
			}
		}
		for _, p := range ps {
			if !a.stop[p] {
				f(p, start, end, pos)
			}
		}
		pos++
	})
}

// stem returns the Snowball stem of a folded word; numbers are kept.
func (a *Analyzer) stem(word string) string {
	if a.noStem || len(word) <= 2 {
		return word
	}
	if c := word[0]; c >= '0' && c <= '9' {
		return word
	}
	if s, ok := a.cache.Load(word); ok {
		return s.(string)
	}
	base := word
	if a.irregular {
		base, _ = lexicon.Base(word)
	}
	s := english.Stem(base, true)
	if a.cached.Load() < maxCached {
		if _, loaded := a.cache.LoadOrStore(word, s); !loaded {
			a.cached.Add(1)
		}
	}
	return s
}

// tokenize calls f with the byte range of every word of text. A word is a
// run of letters, digits and combining marks, joined across an apostrophe or
// hyphen between letters or digits ("Khrushchev’s", "de-Stalinization"), a
// full stop inside a number ("3.14") or in an initialism ("U.S.S.R."). Each
// Han, Hiragana, Katakana or Hangul character is a word of its own.
func tokenize(text string, f func(start, end int)) {
	start := -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isIdeograph(r) {
			if start >= 0 {
				f(start, i)
				start = -1
			}
			f(i, i+size)
			i += size
			continue
		}
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			i += size
			continue
		}
		if start >= 0 && isJoiner(text, start, i, r, size) {
			i += size
			continue
		}
		if start >= 0 {
			f(start, i)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		f(start, len(text))
	}
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isIdeograph(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r))
}

// isJoiner reports whether the punctuation r at i, inside the word that began
// at start, joins the word to what follows.
func isJoiner(text string, start, i int, r rune, size int) bool {
	if i+size >= len(text) {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(text[:i])
	next, nsize := utf8.DecodeRuneInString(text[i+size:])
	switch r {
	case '\'', '’', 'ʼ', '-', '‐', '‑':
		return isWordRune(prev) && isWordRune(next) && !isIdeograph(next)
	case '.':
		if unicode.IsDigit(prev) && unicode.IsDigit(next) {
			return true
		}
		// U.S.S.R.: single letters each followed by a full stop.
		if !unicode.IsLetter(prev) || !unicode.IsLetter(next) {
			return false
		}
		segStart := strings.LastIndexByte(text[start:i], '.') + 1 + start
		if utf8.RuneCountInString(text[segStart:i]) != 1 {
			return false
		}
		after := i + size + nsize
		return after < len(text) && text[after] == '.'
	}
	return false
}

// fold lower-cases a word, removes diacritics, folds typographic apostrophes
// and hyphens, strips a possessive "'s" and drops the remaining apostrophes
// and the full stops of initialisms.
func fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	var s string
	if ascii {
		s = strings.ToLower(w)
	} else {
		var b strings.Builder
		for _, r := range norm.NFKD.String(w) {
			switch {
			case unicode.Is(unicode.Mn, r):
				continue
			case r == '’' || r == 'ʼ' || r == '‘':
				r = '\''
			case r == '‐' || r == '‑':
				r = '-'
			}
			b.WriteRune(unicode.ToLower(r))
		}
		s = b.String()
	}
	if strings.HasSuffix(s, "'s") {
		s = s[:len(s)-2]
	} else if strings.HasSuffix(s, "s'") {
		s = s[:len(s)-1]
	}
	if strings.ContainsAny(s, "'.") {
		if !isNumber(s) {
			s = strings.Map(func(r rune) rune {
				if r == '\'' || r == '.' {
					return -1
				}
				return r
			}, s)
		}
	}
	return s
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' {
			return false
		}
	}
	return s != ""
}
