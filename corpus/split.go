package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a half-open byte range [Start, End) of a text.
type Span struct {
	Start, End int
}

// MaxSentenceBytes is the longest sentence SplitSentences returns. Text
// without sentence punctuation (tables, lists run together, code) is cut at
// the last space before this length so that one "sentence" cannot swallow a
// whole document.
const MaxSentenceBytes = 1000

// SplitSentences returns the sentences of text as byte spans, in order. The
// spans do not overlap, never start or end with white space, and everything
// between them is white space, so they rebuild the text exactly.
//
// A sentence ends at '.', '!', '?' or an ellipsis ("..." or "…"), together
// with any closing quotes and brackets that follow, when white space and a
// word that does not start in lower case come next. It does not end after
// initials ("J. V. Stalin"), titles and other abbreviations ("Dr.", "e.g.",
// "No. 5"), dotted acronyms unless a common sentence opener follows ("the
// U.S. Army" but "in the U.S. The"), or inside numbers ("3.14").
// Semicolons and colons never end a sentence. Empty or all-space text has no
// sentences. SplitSentences never panics, whatever the bytes.
func SplitSentences(text string) []Span { return splitSentences(nil, text, nil) }

// splitSentences is SplitSentences appending to spans, and stopping, with
// what it has, once in is cancelled.
func splitSentences(in *interrupt, text string, spans []Span) []Span {
	start := skipSpace(text, 0)
	check := start + 1<<16 // where to look at the context next
	for i := start; i < len(text); {
		if i >= check {
			if in.now() != nil {
				return spans
			}
			check = i + 1<<16
		}
		if c := text[i]; c < utf8.RuneSelf {
			if c != '.' && c != '!' && c != '?' {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(text[i:]); !isTerminator(r) {
			i += size
			continue
		}
		end, next, ok := boundaryAt(text, i)
		if !ok {
			// No later terminator of this run ("?!", "....") ends the
			// sentence either: skip the run rather than rescan it, which
			// takes quadratic time on a long run.
			for i < len(text) {
				r, size := utf8.DecodeRuneInString(text[i:])
				if !isTerminator(r) {
					break
				}
				i += size
			}
			continue
		}
		if end > start {
			spans = appendCapped(in, spans, text, start, end)
		}
		start = next
		i = next
	}
	if start < len(text) {
		end := trimRightSpace(text, len(text))
		if end > start {
			spans = appendCapped(in, spans, text, start, end)
		}
	}
	return spans
}

// boundaryAt reports whether the terminator at i ends a sentence. end is
// where the sentence ends (after closing punctuation) and next is where the
// following one starts.
func boundaryAt(text string, i int) (end, next int, ok bool) {
	j := i
	dots := 0
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !isTerminator(r) {
			break
		}
		if r == '.' {
			dots++
		}
		j += size
	}
	single := dots == 1 && j == i+1
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !isCloser(r) {
			break
		}
		j += size
	}
	if j == len(text) {
		return j, j, true
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	if !unicode.IsSpace(r) {
		return 0, 0, false
	}
	k := skipSpace(text, j)
	if k == len(text) {
		return j, k, true
	}
	word := nextWord(text, k)
	first, _ := utf8.DecodeRuneInString(word)
	if first == utf8.RuneError || unicode.IsLower(first) || strings.ContainsRune(",;:)]}", first) {
		return 0, 0, false
	}
	if single && !periodEnds(wordBefore(text, i), word) {
		return 0, 0, false
	}
	return j, k, true
}

// periodEnds decides whether a full stop after prev, followed by next (which
// does not start in lower case), ends a sentence.
func periodEnds(prev, next string) bool {
	if prev == "" {
		return true
	}
	lower := strings.ToLower(prev)
	if utf8.RuneCountInString(prev) == 1 {
		r, _ := utf8.DecodeRuneInString(prev)
		return !unicode.IsLetter(r) // initials: "J. V. Stalin"
	}
	if strings.Contains(prev, ".") {
		if neverEnds[lower] {
			return false
		}
		return isOpener(next) // "U.S. Army" vs "the U.S. The"
	}
	switch {
	case neverEnds[lower]:
		return false
	case beforeNumber[lower]:
		r, _ := utf8.DecodeRuneInString(next)
		return !unicode.IsDigit(r) && !isRoman(next)
	case mayEnd[lower]:
		return isOpener(next)
	}
	return true
}

// neverEnds are abbreviations that a full stop after them never closes a
// sentence: titles before names and Latin abbreviations before more text.
var neverEnds = setOf("mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt",
	"sgt", "capt", "cmdr", "adm", "rev", "gov", "sen", "rep", "hon", "pres",
	"mt", "ft", "vs", "cf", "viz", "approx", "ca", "e.g", "i.e", "mme", "mlle",
	"messrs", "fr")

// beforeNumber are abbreviations that do not close a sentence when a number
// follows: "No. 5", "p. 388", "Jan. 12".
var beforeNumber = setOf("no", "nos", "p", "pp", "vol", "vols", "fig", "figs",
	"ch", "chap", "sec", "art", "eq", "eqs", "ref", "refs", "op", "para", "jan",
	"feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")

// mayEnd are abbreviations that often end a sentence too: they do only when
// a common sentence opener follows.
var mayEnd = setOf("inc", "ltd", "co", "corp", "al", "ed", "eds", "trans",
	"dept", "est", "univ", "assn", "bros", "jr", "sr")

// openers are words that commonly start a sentence; after an ambiguous
// abbreviation they tip the balance towards a sentence break.
var openers = setOf("the", "a", "an", "this", "that", "these", "those", "it",
	"its", "he", "she", "they", "we", "i", "you", "in", "on", "at", "but",
	"and", "however", "there", "his", "her", "their", "our", "as", "for",
	"after", "when", "while", "if", "although", "since", "then", "thus", "so",
	"yet", "many", "some", "most", "all", "one", "such", "by", "from", "to",
	"with", "during", "before", "what", "who", "why", "how", "where", "both",
	"each", "other", "another", "no", "not", "nor", "or", "also", "even",
	"here", "today", "now", "later", "finally", "first", "second", "third")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func isOpener(word string) bool {
	return openers[strings.ToLower(strings.TrimRightFunc(word, func(r rune) bool {
		return !unicode.IsLetter(r)
	}))]
}

// isRoman reports whether word starts with a Roman numeral token ("IV",
// "xii"), as in "Vol. IV".
func isRoman(word string) bool {
	end := 0
	for end < len(word) && strings.IndexByte("ivxlcdmIVXLCDM", word[end]) >= 0 {
		end++
	}
	if end == 0 || end > 8 {
		return false
	}
	if end < len(word) {
		r, _ := utf8.DecodeRuneInString(word[end:])
		if unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// wordBefore returns the word that ends just before the terminator at i,
// without opening punctuation ("(U.S" -> "U.S").
func wordBefore(text string, i int) string {
	j := i
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) || isOpenerPunct(r) || r == '/' || r == '—' || r == '–' {
			break
		}
		j -= size
	}
	return text[j:i]
}

// nextWord returns the word starting at k, without opening punctuation.
func nextWord(text string, k int) string {
	for k < len(text) {
		r, size := utf8.DecodeRuneInString(text[k:])
		if !isOpenerPunct(r) {
			break
		}
		k += size
	}
	end := k
	for end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if unicode.IsSpace(r) {
			break
		}
		end += size
	}
	return text[k:end]
}

func isTerminator(r rune) bool {
	return r == '.' || r == '!' || r == '?' || r == '…' || r == '‽'
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '}', '»', '›', '*', '_':
		return true
	}
	return false
}

func isOpenerPunct(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '(', '[', '{', '«', '‹', '*', '_', '¿', '¡':
		return true
	}
	return false
}

func skipSpace(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

func trimRightSpace(text string, end int) int {
	for end > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return end
}

// appendCapped appends [start, end) to spans, cut into pieces of at most
// MaxSentenceBytes at white space (or, failing that, at a rune boundary). It
// stops once in is cancelled.
func appendCapped(in *interrupt, spans []Span, text string, start, end int) []Span {
	for end-start > MaxSentenceBytes && !in.step() {
		cut := start + MaxSentenceBytes
		for cut > start && !utf8.RuneStart(text[cut]) {
			cut--
		}
		if cut == start {
			cut = start + MaxSentenceBytes // no rune starts here: not UTF-8
		}
		if sp := strings.LastIndexFunc(text[start:cut], unicode.IsSpace); sp > MaxSentenceBytes/2 {
			cut = start + sp
		}
		pieceEnd := trimRightSpace(text, cut)
		if pieceEnd > start {
			spans = append(spans, Span{start, pieceEnd})
		}
		start = skipSpace(text, cut)
	}
	if end > start {
		spans = append(spans, Span{start, end})
	}
	return spans
}
