// Package feedback keeps what a bot's users tell its operator: each 👍 or
// 👎 on an answer and each question the text could not answer, appended
// to a JSON Lines file with the users' and servers' Discord IDs replaced
// by keyed hashes (Store), and reads such a file back into a summary of
// what the text lacks (Summarize).
package feedback

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lectern/corpus"
)

// Entry types, for Entry.Type.
const (
	TypeVote     = "vote"      // a 👍 or 👎 on an answer
	TypeNotFound = "not_found" // a question the text did not answer
)

// Votes, for Entry.Vote.
const (
	VoteUp   = "up"
	VoteDown = "down"
)

// Entry is one line of a feedback file: a JSON object.
type Entry struct {
	Time time.Time `json:"time"`
	// Type is TypeVote or TypeNotFound.
	Type string `json:"type"`
	// Vote is VoteUp or VoteDown for a vote, "" otherwise.
	Vote string `json:"vote,omitempty"`
	// Question is the question as it was asked (for a vote, as the
	// answer's message shows it, which may be shortened).
	Question string `json:"question"`
	// Book is the book that answered, "" when the bot has one book.
	Book string `json:"book,omitempty"`
	// Citation and Text are the voted sentence's, and Sentence its ID in
	// its book: absent when the book no longer holds it.
	Citation *corpus.Citation `json:"citation,omitempty"`
	Text     string           `json:"text,omitempty"`
	Sentence *int             `json:"sentence,omitempty"`
	// Via is how a question that found nothing was asked ("mention",
	// "dm", "ask", "topic", ...).
	Via string `json:"via,omitempty"`
	// User and Server are keyed hashes of the Discord user and server
	// (guild) IDs, 16 hex digits each; never the IDs themselves. Server is
	// absent for a direct message.
	User   string `json:"user,omitempty"`
	Server string `json:"server,omitempty"`
	// Door is how the request came: "gateway", "http" or "terminal".
	Door string `json:"door,omitempty"`
}

// ErrMalformed is what ParseLine returns, wrapped, for a line that is not
// a feedback entry.
var ErrMalformed = errors.New("not a feedback entry")

// ParseLine parses one line of a feedback file (without its newline). A
// line that is not a JSON object, has no time, an unknown type, or a vote
// that is neither up nor down is an error wrapping ErrMalformed. Unknown
// fields are ignored, so that older versions read newer files.
func ParseLine(line []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(line, &e); err != nil {
		return Entry{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	switch {
	case e.Time.IsZero():
		return Entry{}, fmt.Errorf("%w: no time", ErrMalformed)
	case e.Type == TypeVote && e.Vote != VoteUp && e.Vote != VoteDown:
		return Entry{}, fmt.Errorf("%w: vote %q is neither %q nor %q", ErrMalformed, e.Vote, VoteUp, VoteDown)
	case e.Type == TypeNotFound && e.Vote != "":
		return Entry{}, fmt.Errorf("%w: a question that found nothing has a vote", ErrMalformed)
	case e.Type != TypeVote && e.Type != TypeNotFound:
		return Entry{}, fmt.Errorf("%w: unknown type %q", ErrMalformed, e.Type)
	}
	return e, nil
}
