package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// AnswerKind is the kind of answer an English question asks for, from its
// question words: a time, a number, a person or a place. Other questions
// ("what", "why", "how") ask for no kind that a sentence's surface shows.
type AnswerKind uint8

// The answer kinds.
const (
	AnyKind   AnswerKind = iota // no particular kind
	WhenKind                    // a date, a year, a century: "when", "what year"
	CountKind                   // a number or quantity: "how many", "how much"
	WhoKind                     // a person or group, by name: "who", "whose"
	WhereKind                   // a place, by name: "where"
)

// String names the kind: "any", "when", "how many", "who" or "where".
func (k AnswerKind) String() string {
	return [...]string{"any", "when", "how many", "who", "where"}[k]
}

// KindOf returns the kind of answer an English question asks for: its
// first question word decides ("when", "who", "where", "how many", "what
// year"...); a question without one asks for AnyKind. A text that neither
// starts with a question word (perhaps after a preposition: "from what
// year") nor ends with a question mark is a statement ("patients who
// smoke..."), whose question words ask nothing.
func KindOf(question string) AnswerKind {
	words := strings.FieldsFunc(strings.ToLower(question), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	asks := strings.HasSuffix(strings.TrimSpace(question), "?")
	for i, w := range words {
		// Without a question mark, the question word must come first, or
		// after a first preposition ("from what year", "in which city").
		if !asks && (i > 1 || i == 1 && !leadPrepositions[words[0]]) {
			break
		}
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		switch w {
		case "when":
			return WhenKind
		case "who", "whom", "whose":
			return WhoKind
		case "where":
			return WhereKind
		case "how":
			switch next {
			case "many", "much", "long", "old", "large", "big", "far", "often", "tall", "high", "few":
				return CountKind
			}
			return AnyKind
		case "what", "which":
			switch next {
			case "year", "years", "date", "day", "month", "century", "decade", "time", "era", "period":
				return WhenKind
			case "percentage", "percent", "number", "amount", "proportion", "fraction":
				return CountKind
			}
			return AnyKind
		case "why":
			return AnyKind
		}
	}
	return AnyKind
}

// leadPrepositions may come before a question word: "from what year",
// "in which city", "to whom".
var leadPrepositions = map[string]bool{
	"from": true, "in": true, "at": true, "on": true, "by": true, "since": true, "until": true, "to": true,
	"for": true, "during": true, "of": true, "with": true, "after": true, "before": true,
}

// months and other words that date a sentence.
var timeWords = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"century": true, "centuries": true, "decade": true, "decades": true, "bc": true, "bce": true, "ad": true,
}

// countWords are numbers and quantities written in words.
var countWords = map[string]bool{
	"two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true,
	"nine": true, "ten": true, "eleven": true, "twelve": true, "twenty": true, "thirty": true, "forty": true,
	"fifty": true, "hundred": true, "hundreds": true, "thousand": true, "thousands": true, "million": true,
	"millions": true, "billion": true, "billions": true, "trillion": true, "dozen": true, "dozens": true,
	"percent": true, "half": true, "twice": true,
}

// placePrepositions come before a place's name: "in Paris", "at Santa Clara".
var placePrepositions = map[string]bool{
	"in": true, "at": true, "near": true, "from": true, "to": true, "across": true, "throughout": true,
	"into": true, "outside": true, "inside": true, "between": true, "around": true,
}

// Fits reports whether text holds an answer of kind k that the question
// does not already hold: for WhenKind a year, a month or a century; for
// CountKind a number or a quantity word; for WhoKind a capitalised name
// inside the sentence; for WhereKind a capitalised name after a place
// preposition ("in", "at", "near"...). qwords are the question's words,
// lower case. AnyKind fits every text.
func Fits(k AnswerKind, text string, qwords map[string]bool) bool {
	if k == AnyKind {
		return true
	}
	prev := ""
	first := true
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if r == '.' || r == ';' || r == ':' || r == '!' || r == '?' {
				first = true
			}
			i += n
			continue
		}
		j := i
		for j < len(text) {
			r2, n2 := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r2) && !unicode.IsDigit(r2) && r2 != '\'' && r2 != '’' {
				break
			}
			j += n2
		}
		word := text[i:j]
		lower := strings.ToLower(word)
		if !qwords[lower] && fitsWord(k, word, lower, prev, first) {
			return true
		}
		prev, first = lower, false
		i = j
	}
	return false
}

// fitsWord reports whether one word of a sentence is an answer of kind k;
// prev is the word before it, lower case, and first tells whether it
// starts a sentence or clause.
func fitsWord(k AnswerKind, word, lower, prev string, first bool) bool {
	r, _ := utf8.DecodeRuneInString(word)
	digits := unicode.IsDigit(r)
	switch k {
	case WhenKind:
		return timeWords[lower] || digits && isYear(lower)
	case CountKind:
		return digits || countWords[lower]
	case WhoKind:
		return !first && unicode.IsUpper(r) && utf8.RuneCountInString(word) > 1 && !timeWords[lower] && !placePrepositions[lower]
	case WhereKind:
		return placePrepositions[prev] && unicode.IsUpper(r) && !timeWords[lower]
	}
	return false
}

// isYear reports whether a word is a year (1000 to 2099) or a decade
// ("1960s").
func isYear(w string) bool {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "s"), "'")
	if len(w) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w[0] == '1' || w[0] == '2' && w[1] == '0'
}
