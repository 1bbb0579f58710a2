package feedback

import (
	"bufio"
	"bytes"
	"container/heap"
	"errors"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"lectern/corpus"
)

// Limits of Summarize, which reads files of any size in bounded memory.
const (
	// MaxLine is the longest line read; longer ones count as malformed.
	MaxLine = 1 << 20
	// maxBooks is how many books are counted apart; votes for books past
	// that many count under OtherBooks.
	maxBooks = 1000
	// minTracked is how many distinct questions each list counts exactly
	// at least (more for a large top).
	minTracked = 10000
	// maxKept is the most bytes of a question, or of a sentence's text,
	// kept for a list: questions alike in their first maxKept bytes count
	// as one.
	maxKept = 1024
)

// OtherBooks names, in Summary.Books, the votes for books past the
// thousandth.
const OtherBooks = "(other books)"

// Summary is what a feedback file holds, in brief.
type Summary struct {
	// Entries is how many entries were read; Malformed how many lines
	// were skipped as not being entries.
	Entries   int `json:"entries"`
	Malformed int `json:"malformed"`
	// From and To are the times of the earliest and the latest entry.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Up and Down count the votes.
	Up   int `json:"up"`
	Down int `json:"down"`
	// Books counts the votes per book, by name ("" for a bot with one
	// book), sorted by name.
	Books []BookVotes `json:"books"`
	// VotedDown are the questions most often voted down, most first.
	VotedDown []Question `json:"voted_down"`
	// NotFound are the questions the text most often did not answer, most
	// first; NotFoundTotal counts them all.
	NotFound      []Question `json:"not_found"`
	NotFoundTotal int        `json:"not_found_total"`
	// Approximate says there were too many different questions to count
	// each exactly: the counts of the lists are then upper bounds, though
	// any question asked often enough is listed.
	Approximate bool `json:"approximate,omitempty"`
}

// BookVotes are the votes for one book.
type BookVotes struct {
	Book string `json:"book"`
	Up   int    `json:"up"`
	Down int    `json:"down"`
}

// Question is one question, as last asked, with how often it came (its
// case and spacing aside, see Normalize).
type Question struct {
	Question string `json:"question"`
	Count    int    `json:"count"`
	// Book is the book of its last entry.
	Book string `json:"book,omitempty"`
	// Citation and Text are, for a question voted down, the sentence last
	// voted down.
	Citation *corpus.Citation `json:"citation,omitempty"`
	Text     string           `json:"text,omitempty"`
	// Last is when it last came.
	Last time.Time `json:"last"`
}

// Normalize returns the form questions are counted by: lower case, runs
// of spaces as one, and no spaces or ?!. around it.
func Normalize(q string) string {
	q = strings.Join(strings.Fields(strings.ToLower(q)), " ")
	return strings.TrimRightFunc(q, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("?!.…？！。", r) })
}

// Summarize reads a feedback file from r and sums it up, listing the top
// questions of each list (top <= 0: 10). It reads any size of file in
// bounded memory; only a read error stops it.
func Summarize(r io.Reader, top int) (*Summary, error) {
	if top <= 0 {
		top = 10
	}
	s := &Summary{Books: []BookVotes{}, VotedDown: []Question{}, NotFound: []Question{}}
	down, notFound := newCounter(max(minTracked, 50*top)), newCounter(max(minTracked, 50*top))
	books := map[string]*BookVotes{}
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := readLine(br)
		if len(bytes.TrimSpace(line)) > 0 {
			e, perr := ParseLine(line)
			if perr != nil {
				s.Malformed++
			} else {
				s.add(e, books, down, notFound)
			}
		} else if errors.Is(err, errTooLong) {
			s.Malformed++
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, errTooLong) {
			return nil, err
		}
	}
	for _, b := range books {
		s.Books = append(s.Books, *b)
	}
	sort.Slice(s.Books, func(i, j int) bool { return s.Books[i].Book < s.Books[j].Book })
	s.VotedDown, s.NotFound = down.top(top), notFound.top(top)
	s.Approximate = down.evicted || notFound.evicted
	return s, nil
}

func (s *Summary) add(e Entry, books map[string]*BookVotes, down, notFound *counter) {
	s.Entries++
	if s.From.IsZero() || e.Time.Before(s.From) {
		s.From = e.Time
	}
	if e.Time.After(s.To) {
		s.To = e.Time
	}
	key := clip(Normalize(e.Question), maxKept)
	switch e.Type {
	case TypeNotFound:
		s.NotFoundTotal++
		if key != "" {
			notFound.add(key, e)
		}
	case TypeVote:
		name := clip(e.Book, maxKept)
		b := books[name]
		if b == nil {
			if len(books) >= maxBooks {
				name = OtherBooks
			}
			if b = books[name]; b == nil {
				b = &BookVotes{Book: name}
				books[name] = b
			}
		}
		if e.Vote == VoteUp {
			s.Up++
			b.Up++
			return
		}
		s.Down++
		b.Down++
		if key != "" {
			down.add(key, e)
		}
	}
}

var errTooLong = errors.New("line too long")

// readLine returns the next line without its newline; a line over MaxLine
// is read through and returned empty with errTooLong.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > MaxLine+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			if err == nil {
				err = errTooLong
			} else if errors.Is(err, io.EOF) {
				err = errors.Join(errTooLong, io.EOF)
			}
			return nil, err
		}
		return bytes.TrimSuffix(line, []byte("\n")), err
	}
}

// counter finds the most frequent keys in bounded memory: it counts up to
// capacity keys exactly and, when full, gives a new key the place of the
// least counted one with that one's count plus one (the Space-Saving
// algorithm of Metwally, Agrawal and El Abbadi), so that counts become
// upper bounds and frequent keys are never lost.
type counter struct {
	capacity int
	byKey    map[string]*counted
	h        countHeap
	evicted  bool
	seq      int
}

type counted struct {
	key   string
	q     Question
	seq   int // when last counted, to break ties: the latest first
	index int // in the heap
}

func newCounter(capacity int) *counter {
	return &counter{capacity: capacity, byKey: map[string]*counted{}}
}

func (c *counter) add(key string, e Entry) {
	c.seq++
	x := c.byKey[key]
	switch {
	case x != nil:
	case len(c.h) < c.capacity:
		x = &counted{key: key}
		c.byKey[key] = x
		heap.Push(&c.h, x)
	default:
		x = c.h[0]
		delete(c.byKey, x.key)
		x.key = key
		x.q = Question{Count: x.q.Count}
		c.byKey[key] = x
		c.evicted = true
	}
	x.q.Count++
	x.q.Question = clip(strings.TrimSpace(e.Question), maxKept)
	x.q.Book = clip(e.Book, maxKept)
	x.q.Citation, x.q.Text = nil, clip(e.Text, maxKept)
	if c := e.Citation; c != nil {
		x.q.Citation = &corpus.Citation{Document: clip(c.Document, maxKept), Title: clip(c.Title, maxKept),
			Source: clip(c.Source, maxKept), Page: clip(c.Page, maxKept), Section: clip(c.Section, maxKept)}
	}
	if e.Time.After(x.q.Last) {
		x.q.Last = e.Time
	}
	x.seq = c.seq
	heap.Fix(&c.h, x.index)
}

// top returns the n most counted, most first (then the latest first).
func (c *counter) top(n int) []Question {
	all := append([]*counted(nil), c.h...)
	sort.Slice(all, func(i, j int) bool {
		if all[i].q.Count != all[j].q.Count {
			return all[i].q.Count > all[j].q.Count
		}
		return all[i].seq > all[j].seq
	})
	out := []Question{}
	for _, x := range all[:min(n, len(all))] {
		out = append(out, x.q)
	}
	return out
}

// countHeap is a min-heap of counts.
type countHeap []*counted

func (h countHeap) Len() int { return len(h) }
func (h countHeap) Less(i, j int) bool {
	if h[i].q.Count != h[j].q.Count {
		return h[i].q.Count < h[j].q.Count
	}
	return h[i].seq < h[j].seq
}
func (h countHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *countHeap) Push(x any) {
	c := x.(*counted)
	c.index = len(*h)
	*h = append(*h, c)
}
func (h *countHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// clip cuts s to at most n bytes, at a character's start.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
