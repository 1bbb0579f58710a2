package index

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"
	"golang.org/x/text/unicode/norm"

	"lectern/corpus/lang"
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

// Analyzer turns text into terms for one language: it splits Unicode text
// into words, folds case, diacritics and typographic quotes, strips
// English possessives and French and Italian elisions ("l'", "d'"), drops
// the language's stop words and stems with its Snowball stemmer (English,
// Spanish, French, Russian, Swedish, Norwegian, Hungarian). A language
// without a stemmer is matched word for word, never through another
// language's stemmer. A hyphenated word gives its whole and its parts, so
// that "Stalinization" finds "de-Stalinization". The same Analyzer must
// analyze a language's texts and the questions asked about them.
//
// An Analyzer is safe for concurrent use.
type Analyzer struct {
	opts      AnalyzerOptions
	lang      string
	stop      map[string]bool
	stemmer   func(string) string // nil: no stemming
	irregular bool
	partsOnly bool
	// english folds before stemming, as lectern always has for English;
	// other languages are stemmed with their letters as written, then
	// folded, since their stemmers read accents.
	english bool
	elision bool            // strip "l'", "d'", "qu'"...
	keep    func(rune) bool // letters folding leaves alone (Spanish ñ), nil for none
	// stems remembers recent stems, a word to a slot: a fixed size, so
	// that memory stays flat however many words are analysed.
	stems *[stemSlots]atomic.Pointer[stemmed]
}

// stemSeed hashes words to the stem cache's slots.
var stemSeed = maphash.MakeSeed()

// stemSlots is the size of an Analyzer's stem cache.
const stemSlots = 1 << 12

// stemmed is a word as stemmed (key) and its term.
type stemmed struct{ key, term string }

// AnalyzerOptions configure an Analyzer. The zero value is lectern's
// default analyzer (English) but for Irregular.
type AnalyzerOptions struct {
	// Language is the language analyzed, a code as lang.Normalize returns
	// it ("en", "es", "ru"); "" means English.
	Language string `json:"language,omitempty"`
	// StopWords are dropped (lower case, as written or folded). nil means
	// the language's list: DefaultStopWords for English, lang.StopWords for
	// the others; an empty non-nil list keeps every word.
	StopWords []string `json:"stop_words"`
	// NoStem turns stemming off.
	NoStem bool `json:"no_stem"`
	// Irregular maps English irregular verb and noun forms to their base
	// form before stemming, so that "held" finds "hold" and "gave" finds
	// "give". Other languages ignore it.
	Irregular bool `json:"irregular"`
	// HyphenPartsOnly indexes a hyphenated word by its parts alone, as
	// Lucene's StandardTokenizer does, not also as a whole.
	HyphenPartsOnly bool `json:"hyphen_parts_only"`
}

// maxTokenBytes is the longest word indexed; longer runs (base64, hashes)
// are skipped.
const maxTokenBytes = 64

// NewAnalyzer returns an Analyzer with the given options. A language
// lang.Normalize does not recognise is analyzed as one without a stemmer or
// stop words.
func NewAnalyzer(o AnalyzerOptions) *Analyzer {
	code := analyzerLanguage(o.Language)
	a := &Analyzer{opts: o, lang: code, partsOnly: o.HyphenPartsOnly, english: code == lang.English,
		stems: new([stemSlots]atomic.Pointer[stemmed])}
	a.irregular = o.Irregular && a.english
	if !o.NoStem {
		a.stemmer = stemmers[code]
	}
	switch code {
	case "fr", "it", "ca":
		a.elision = true
	}
	a.keep = keptLetters[code]
	stopWords := o.StopWords
	if stopWords == nil {
		stopWords = defaultStopWords(code)
	}
	a.stop = make(map[string]bool, 2*len(stopWords))
	for _, w := range stopWords {
		key, word := a.Normalize(w)
		a.stop[key] = true
		a.stop[word] = true
		a.stop[w] = true
	}
	return a
}

// analyzerLanguage returns the code an Analyzer is for: English for "".
func analyzerLanguage(s string) string {
	if s == "" {
		return lang.English
	}
	if code := lang.Normalize(s); code != "" {
		return code
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// defaultStopWords returns a language's stop words: DefaultStopWords for
// English.
func defaultStopWords(code string) []string {
	if code == lang.English {
		return DefaultStopWords
	}
	return lang.StopWords(code)
}

// Language returns the language the Analyzer is for, as a code ("en").
func (a *Analyzer) Language() string { return a.lang }

// Options returns the options the Analyzer was made with.
func (a *Analyzer) Options() AnalyzerOptions { return a.opts }

// English reports whether the analyzer is English's, which folds words
// before stemming and has a word list (package lexicon).
func (a *Analyzer) English() bool { return a.english }

// Stems reports whether the Analyzer stems its words.
func (a *Analyzer) Stems() bool { return a.stemmer != nil }

// stemmers are the Snowball stemmers, by language.
var stemmers = map[string]func(string) string{
	"en": func(w string) string { return english.Stem(w, true) },
	"es": func(w string) string { return spanish.Stem(w, true) },
	"fr": func(w string) string { return french.Stem(w, true) },
	"ru": func(w string) string { return russian.Stem(w, true) },
	"sv": func(w string) string { return swedish.Stem(w, true) },
	"no": func(w string) string { return norwegian.Stem(w, true) },
	"hu": func(w string) string { return hungarian.Stem(w, true) },
}

// keptLetters are, by language, the letters with diacritics that folding
// leaves as they are because the language counts them as letters of their
// own: Spanish ñ ("año" is not "ano"), the Scandinavian å, ä, ö, æ, ø,
// and all of Hungarian's. Cyrillic letters are never folded (й is not и);
// ё is read as е.
var keptLetters = map[string]func(rune) bool{
	"es": func(r rune) bool { return r == 'ñ' },
	"sv": func(r rune) bool { return r == 'å' || r == 'ä' || r == 'ö' },
	"fi": func(r rune) bool { return r == 'å' || r == 'ä' || r == 'ö' },
	"no": func(r rune) bool { return r == 'å' || r == 'æ' || r == 'ø' },
	"da": func(r rune) bool { return r == 'å' || r == 'æ' || r == 'ø' },
	"hu": func(r rune) bool { return strings.ContainsRune("áéíóöőúüű", r) },
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
	a.EachWord(text, func(key, word string, start, end, pos, _ int) {
		f(Token{Term: a.Stem(key), Word: word, Start: start, End: end, Pos: pos})
	})
}

// EachWord calls f for every indexable word of text: key is the word as
// it is stemmed (lower case; for English also folded), word its folded
// form, part 0 for a word or the whole of a hyphenated one and 1, 2... for
// its parts. A hyphenated word gives its whole and its parts, stop words
// none.
func (a *Analyzer) EachWord(text string, f func(key, word string, start, end, pos, part int)) {
	pos := 0
	Tokenize(text, func(start, end int) {
		key, word := a.Normalize(text[start:end])
		if word == "" {
			return
		}
		if len(key) > maxTokenBytes {
			pos++
			return
		}
		if strings.IndexByte(key, '-') < 0 {
			if !a.Stopped(key, word) {
				f(key, word, start, end, pos, 0)
			}
			pos++
			return
		}
		var keys, words [8]string
		ks, ws := split(keys[:0], key), split(words[:0], word)
		if len(ks) != len(ws) {
			// Folding took a part away (one of combining marks alone):
			// fold the parts one by one.
			ws = ws[:0]
			for _, k := range ks {
				ws = append(ws, a.fold(k))
			}
		}
		if !a.english && numberEnding(ks) {
			// "22-м", "1950-х": a number with a grammatical ending.
			f(ks[0], ws[0], start, end, pos, 0)
			pos++
			return
		}
		if len(ks) > 1 && !a.partsOnly {
			if wk, ww := strings.Join(ks, ""), strings.Join(ws, ""); ww != "" && !a.Stopped(wk, ww) {
				f(wk, ww, start, end, pos, 0)
			}
		}
		for i := range ks {
			if ws[i] != "" && !a.Stopped(ks[i], ws[i]) {
				f(ks[i], ws[i], start, end, pos, i+1)
			}
		}
		pos++
	})
}

// numberEnding reports whether the parts of a hyphenated word are a number
// and an ending of at most three letters, as Russian writes ordinals and
// decades ("22-м", "1950-х").
func numberEnding(parts []string) bool {
	if len(parts) != 2 || !isNumber(parts[0]) || runeLen(parts[1]) > 3 {
		return false
	}
	for _, r := range parts[1] {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// split appends the non-empty hyphen-separated parts of s to dst.
func split(dst []string, s string) []string {
	for p := range strings.SplitSeq(s, "-") {
		if p != "" {
			dst = append(dst, p)
		}
	}
	return dst
}

// Stopped reports whether a word is a stop word, as written or folded.
func (a *Analyzer) Stopped(key, word string) bool {
	if key == word {
		return a.stop[key]
	}
	return a.stop[key] || a.stop[word]
}

// Stem returns the term of a word as EachWord gives its key: its Snowball
// stem, folded; numbers are kept.
func (a *Analyzer) Stem(key string) string {
	if a.stemmer == nil || len(key) <= 2 {
		return a.fold(key)
	}
	if c := key[0]; c >= '0' && c <= '9' {
		return a.fold(key)
	}
	slot := &a.stems[maphash.String(stemSeed, key)%stemSlots]
	if e := slot.Load(); e != nil && e.key == key {
		return e.term
	}
	var s string
	if a.english {
		base := key
		if a.irregular {
			base, _ = lexicon.Base(key)
		}
		s = a.stemmer(base)
	} else if utf8.RuneCountInString(key) <= 2 {
		s = a.fold(key)
	} else if s = a.fold(a.stemmer(key)); s == "" {
		s = a.fold(key)
	}
	slot.Store(&stemmed{key: strings.Clone(key), term: s})
	return s
}

// Normalize returns a word of text as it is stemmed (key) and folded
// (word). English words are folded first (fold); other languages' are put
// in lower case with their accents (Cyrillic stress marks dropped, ё read
// as е), stripped of elisions and apostrophes, then folded.
func (a *Analyzer) Normalize(w string) (key, word string) {
	if a.english {
		f := Fold(w)
		return f, f
	}
	key = a.lower(w)
	return key, a.fold(key)
}

// elisions are the articles, pronouns and prepositions French, Italian and
// Catalan join to the next word with an apostrophe.
var elisions = map[string]bool{
	"l": true, "d": true, "j": true, "m": true, "n": true, "s": true, "t": true, "c": true,
	"qu": true, "jusqu": true, "lorsqu": true, "puisqu": true, "quoiqu": true,
	"un": true, "dell": true, "nell": true, "all": true, "dall": true, "sull": true,
	"coll": true, "quest": true, "quell": true, "tutt": true, "nessun": true,
}

// lower puts a word of a language other than English in lower case, with
// its accents, for stemming.
func (a *Analyzer) lower(w string) string {
	if asciiPlain(w) {
		return strings.ToLower(w) // w itself when it is in lower case
	}
	return a.lowerRunes(w)
}

// lowerRunes is lower for any word, rune by rune.
func (a *Analyzer) lowerRunes(w string) string {
	var b strings.Builder
	prevCyrillic := false
	for _, r := range norm.NFC.String(w) {
		switch {
		case r == '’' || r == 'ʼ' || r == '‘':
			r = '\''
		case r == '‐' || r == '‑':
			r = '-'
		case unicode.Is(unicode.Mn, r) && prevCyrillic:
			continue // a stress mark: за́мок
		}
		r = unicode.ToLower(r)
		switch r {
		case 'ё':
			r = 'е'
		}
		prevCyrillic = r >= 0x400 && r <= 0x52F
		b.WriteRune(r)
	}
	s := b.String()
	if !strings.ContainsAny(s, "'.") {
		return s
	}
	if a.elision {
		if i := strings.IndexByte(s, '\''); i > 0 && elisions[s[:i]] {
			s = s[i+1:]
		}
	}
	if isNumber(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\'' || r == '.' {
			return -1
		}
		return r
	}, s)
}

// asciiPlain reports whether w is ASCII with no apostrophe or full stop:
// a word lower only puts in lower case.
func asciiPlain(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= utf8.RuneSelf || c == '\'' || c == '.' {
			return false
		}
	}
	return true
}

// fold removes the diacritics of a lower-case word of a language other than
// English, but for the letters the language keeps (keptLetters) and
// Cyrillic letters; ß becomes ss.
func (a *Analyzer) fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii || a.english {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0x400 && r <= 0x52F, a.keep != nil && a.keep(r):
			b.WriteRune(r)
			continue
		case r == 'ß':
			b.WriteString("ss")
			continue
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
			continue
		}
		for _, d := range norm.NFKD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				b.WriteRune(unicode.ToLower(d))
			}
		}
	}
	return b.String()
}

// Tokenize calls f with the byte range of every word of text. A word is a
// run of letters, digits and combining marks, joined across an apostrophe or
// hyphen between letters or digits ("Khrushchev’s", "de-Stalinization"), a
// full stop inside a number ("3.14") or in an initialism ("U.S.S.R."). Each
// Han, Hiragana, Katakana or Hangul character is a word of its own.
func Tokenize(text string, f func(start, end int)) {
	start := -1
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			// ASCII, most of most texts: a letter or digit, or not.
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				if start < 0 {
					start = i
				}
				i++
				continue
			}
			if start >= 0 && isJoiner(text, start, i, rune(c), 1) {
				i++
				continue
			}
			if start >= 0 {
				f(start, i)
				start = -1
			}
			i++
			continue
		}
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
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
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

// Fold lower-cases an English word, removes diacritics, folds typographic
// apostrophes and hyphens, strips a possessive "'s" and drops the remaining
// apostrophes and the full stops of initialisms.
func Fold(w string) string {
	ascii, upper, marks := true, false, false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= utf8.RuneSelf:
			ascii = false
		case 'A' <= c && c <= 'Z':
			upper = true
		case c == '\'' || c == '.':
			marks = true
		}
	}
	if ascii && !marks {
		// Most words: no apostrophe, full stop or diacritic.
		if upper {
			return strings.ToLower(w)
		}
		return w
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
