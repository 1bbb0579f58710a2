package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Buttons carry their state in their custom_id, at most 100 characters, so
// that they still work after the bot restarts. Every ID starts with
// idPrefix and a kind letter:
//
//	lc1:m:OFFSET:FP:QUESTION   more results after OFFSET for QUESTION
//	lc1:M:OFFSET:FP            the same, the question too long to carry:
//	                           it is read back from the message's embed
//	lc1:c:SENTENCE:FP          show the context of a sentence
//	lc1:f:u|d:SENTENCE:FP      feedback, up or down, on a sentence
//	lc1:t:PAGE:FP              a page of /topics
//	lc1:s:PAGE:FP              a page of /source
//
// FP fingerprints the corpus, so that a button made for another version of
// the text says so instead of showing the wrong sentence, and so that a
// bot with several books knows which one a button belongs to. Page buttons
// made before they carried FP ("lc1:t:PAGE") belong to the first book.
const idPrefix = "lc1:"

// maxCustomID is Discord's limit on a custom_id.
const maxCustomID = 100

var errBadID = errors.New("not a lectern button")

type moreID struct {
	Offset   int
	FP       string
	Question string // "" when it did not fit
}

func (m moreID) String() string {
	head := fmt.Sprintf("%sm:%d:%s:", idPrefix, m.Offset, m.FP)
	if q := oneLine(m.Question); q != "" && len(head)+len(q) <= maxCustomID {
		return head + q
	}
	return fmt.Sprintf("%sM:%d:%s", idPrefix, m.Offset, m.FP)
}

type contextID struct {
	Sentence int
	FP       string
}

func (c contextID) String() string { return fmt.Sprintf("%sc:%d:%s", idPrefix, c.Sentence, c.FP) }

type feedbackID struct {
	Up       bool
	Sentence int
	FP       string
}

func (f feedbackID) String() string {
	v := "d"
	if f.Up {
		v = "u"
	}
	return fmt.Sprintf("%sf:%s:%d:%s", idPrefix, v, f.Sentence, f.FP)
}

type topicsID struct {
	Page int
	FP   string // "" on buttons made before page buttons carried it
}

func (t topicsID) String() string { return pageID('t', t.Page, t.FP) }

type sourceID struct {
	Page int
	FP   string // as in topicsID
}

func (s sourceID) String() string { return pageID('s', s.Page, s.FP) }

func pageID(kind byte, page int, fp string) string {
	if fp == "" {
		return fmt.Sprintf("%s%c:%d", idPrefix, kind, page)
	}
	return fmt.Sprintf("%s%c:%d:%s", idPrefix, kind, page, fp)
}

// parseID decodes a custom_id into a moreID, contextID, feedbackID,
// topicsID or sourceID. Anything else, including IDs cut short or with numbers out of
// range, is errBadID.
func parseID(id string) (any, error) {
	if len(id) > maxCustomID || !utf8.ValidString(id) {
		return nil, errBadID
	}
	rest, ok := strings.CutPrefix(id, idPrefix)
	if !ok || len(rest) < 2 || rest[1] != ':' {
		return nil, errBadID
	}
	kind, rest := rest[0], rest[2:]
	switch kind {
	case 'm', 'M':
		n := 3
		if kind == 'M' {
			n = 2
		}
		parts := strings.SplitN(rest, ":", n)
		if len(parts) != n || !isFP(parts[1]) {
			return nil, errBadID
		}
		off, err := number(parts[0])
		if err != nil {
			return nil, errBadID
		}
		m := moreID{Offset: off, FP: parts[1]}
		if kind == 'm' {
			if strings.TrimSpace(parts[2]) == "" {
				return nil, errBadID
			}
			m.Question = parts[2]
		}
		return m, nil
	case 'c':
		parts := strings.Split(rest, ":")
		if len(parts) != 2 || !isFP(parts[1]) {
			return nil, errBadID
		}
		s, err := number(parts[0])
		if err != nil {
			return nil, errBadID
		}
		return contextID{Sentence: s, FP: parts[1]}, nil
	case 'f':
		parts := strings.Split(rest, ":")
		if len(parts) != 3 || (parts[0] != "u" && parts[0] != "d") || !isFP(parts[2]) {
			return nil, errBadID
		}
		s, err := number(parts[1])
		if err != nil {
			return nil, errBadID
		}
		return feedbackID{Up: parts[0] == "u", Sentence: s, FP: parts[2]}, nil
	case 't', 's':
		page, fp, hasFP := strings.Cut(rest, ":")
		if hasFP && !isFP(fp) {
			return nil, errBadID
		}
		p, err := number(page)
		if err != nil {
			return nil, errBadID
		}
		if kind == 's' {
			return sourceID{Page: p, FP: fp}, nil
		}
		return topicsID{Page: p, FP: fp}, nil
	}
	return nil, errBadID
}

// number parses a non-negative decimal of at most 9 digits.
func number(s string) (int, error) {
	if s == "" || len(s) > 9 {
		return 0, errBadID
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errBadID
		}
	}
	return strconv.Atoi(s)
}

// isFP accepts a corpus fingerprint: 8 lower-case hex digits.
func isFP(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}
