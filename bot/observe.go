package bot

import (
	"time"

	"lectern/corpus"
)

// Observer is told what the core does: metrics count it, and the
// operator's feedback file keeps votes and questions the text could not
// answer. Its methods are called on the request's goroutine, before the
// reply is delivered: they must be quick and safe for concurrent use.
type Observer interface {
	// Asked reports a question (a mention, a direct message, /ask, /topic,
	// More results) and how it ended.
	Asked(Asked)
	// CooledDown reports a request refused by a cooldown: what is
	// "question" or "button click".
	CooledDown(door, what string)
	// Voted reports a 👍 or 👎 on an answer; a user's repeated vote on the
	// same answer is reported once.
	Voted(Vote)
}

// How a question ended, for Asked.Outcome.
const (
	OutcomeAnswered = "answered"  // the text answered it
	OutcomeNotFound = "not_found" // the text does not answer it
	OutcomeRefused  = "refused"   // it could not be asked: empty, too long, not UTF-8
	OutcomeFailed   = "failed"    // something went wrong
)

// Asked is one question and how it ended.
type Asked struct {
	Time time.Time
	// Door is how it came (DoorGateway, DoorHTTP, DoorTerminal); Via how it
	// was asked ("mention", "dm", "ask", "topic", "more", ...).
	Door, Via string
	// Book is the book that answered ("" when there is one book).
	Book     string
	Question string
	Outcome  string
	// Latency is how long the core took to answer (delivery not
	// included).
	Latency time.Duration
	// Guild, Channel and User are Discord IDs ("" at the terminal).
	Guild, Channel, User string
}

// Vote is one 👍 or 👎 on an answer.
type Vote struct {
	Time       time.Time
	Door, Book string
	Up         bool
	// Question is the question the answer was for, as its message shows
	// it; Sentence the voted sentence's ID in its book, with its Citation
	// and Text (empty when the book no longer holds it).
	Question string
	Sentence int
	Citation corpus.Citation
	Text     string
	// Guild, Channel and User are Discord IDs.
	Guild, Channel, User string
}

// observe calls f on every observer.
func (c *Core) observe(f func(Observer)) {
	for _, o := range c.observers {
		f(o)
	}
}
