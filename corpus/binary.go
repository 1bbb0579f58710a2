package corpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"unsafe"

	"lectern/internal/binfile"
)

// The corpus's sections in a saved index file.
const (
	secDocs      = "c.docs"
	secText      = "c.text"
	secParaOff   = "c.paraoff"
	secParaDoc   = "c.paradoc"
	secParaSec   = "c.parasec"
	secParaFirst = "c.parafirst"
	secSents     = "c.sents"
	secProblems  = "c.problems"
)

// sentenceInts is how many 32-bit numbers a sentence is stored as.
const sentenceInts = int(unsafe.Sizeof(sentence{}) / 4)

type savedProblems struct {
	Skipped  []savedError `json:"skipped"`
	Warnings []string     `json:"warnings"`
	Bytes    int64        `json:"bytes"`
}

// savedError is a skipped file. Reason was added after the format's first
// version; readers that predate it ignore it, and it is "" (ReasonOther) in
// files written before it.
type savedError struct {
	Path   string `json:"path"`
	Error  string `json:"error"`
	Reason Reason `json:"reason,omitempty"`
}

// WriteSections adds the corpus to a saved index file.
func (c *Corpus) WriteSections(w *binfile.Writer) error {
	docs, err := json.Marshal(c.docs)
	if err != nil {
		return err
	}
	w.Bytes(secDocs, docs)
	w.String(secText, c.text)
	w.Uint32s(secParaOff, c.paraOff)
	w.Int32s(secParaDoc, c.paraDoc)
	w.Int32s(secParaSec, c.paraSec)
	w.Int32s(secParaFirst, c.paraFirst)
	var sents []uint32
	if len(c.sents) > 0 {
		sents = unsafe.Slice((*uint32)(unsafe.Pointer(&c.sents[0])), len(c.sents)*sentenceInts)
	}
	w.Uint32s(secSents, sents)
	pr := savedProblems{Warnings: c.warnings, Bytes: c.bytes}
	for _, s := range c.skipped {
		pr.Skipped = append(pr.Skipped, savedError{Path: s.Path, Error: s.Err.Error(), Reason: s.kind()})
	}
	probs, err := json.Marshal(pr)
	if err != nil {
		return err
	}
	w.Bytes(secProblems, probs)
	return nil
}

// ReadSections reads a corpus from a saved index file, checking that every
// number in it is in range. The corpus shares the file's bytes.
func ReadSections(r *binfile.Reader) (*Corpus, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: corpus: %s", binfile.ErrCorrupt, fmt.Sprintf(format, args...))
	}
	c := &Corpus{}
	raw, err := r.Bytes(secDocs)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &c.docs); err != nil {
		return nil, bad("documents: %v", err)
	}
	var e [6]error
	var ints []uint32
	c.text, e[0] = r.String(secText)
	c.paraOff, e[1] = r.Uint32s(secParaOff)
	c.paraDoc, e[2] = r.Int32s(secParaDoc)
	c.paraSec, e[3] = r.Int32s(secParaSec)
	c.paraFirst, e[4] = r.Int32s(secParaFirst)
	ints, e[5] = r.Uint32s(secSents)
	if err := errors.Join(e[:]...); err != nil {
		return nil, err
	}
	np := len(c.paraDoc)
	if len(c.paraSec) != np || len(c.paraOff) != np+1 || len(c.paraFirst) != np+1 || len(ints)%sentenceInts != 0 {
		return nil, bad("section sizes disagree")
	}
	ns := len(ints) / sentenceInts
	if ns == 0 || np == 0 {
		return nil, bad("no sentences")
	}
	c.sents = unsafe.Slice((*sentence)(unsafe.Pointer(&ints[0])), ns)
	if c.paraOff[0] != 0 || int(c.paraOff[np]) != len(c.text) || c.paraFirst[0] != 0 || int(c.paraFirst[np]) != ns {
		return nil, bad("paragraphs do not add up")
	}
	for p := 0; p < np; p++ {
		lo, hi := c.paraOff[p], c.paraOff[p+1]
		first, end := c.paraFirst[p], c.paraFirst[p+1]
		d := c.paraDoc[p]
		if lo > hi || uint64(hi) > uint64(len(c.text)) || first >= end || int64(end) > int64(ns) || d < 0 || int(d) >= len(c.docs) || c.paraSec[p] < -1 || int(c.paraSec[p]) >= len(c.docs[d].Sections) {
			return nil, bad("paragraph %d out of range", p)
		}
		pages := int32(len(c.docs[d].Pages))
		prevEnd := lo
		for i := first; i < end; i++ {
			s := c.sents[i]
			if s.start < prevEnd || s.start > s.end || s.end > hi || s.srcStart < 0 ||
				s.firstPage < -1 || s.firstPage >= pages || s.lastPage() >= pages {
				return nil, bad("sentence %d out of range", i)
			}
			prevEnd = s.end
		}
	}
	for i, d := range c.docs {
		if d.ID != i || d.First < 0 || d.First > d.End || d.End > ns {
			return nil, bad("document %d out of range", i)
		}
	}
	raw, err = r.Bytes(secProblems)
	if err != nil {
		return nil, err
	}
	var pr savedProblems
	if err := json.Unmarshal(raw, &pr); err != nil {
		return nil, bad("problems: %v", err)
	}
	c.warnings, c.bytes = pr.Warnings, pr.Bytes
	for _, s := range pr.Skipped {
		r := s.Reason
		if r == "" {
			r = ReasonOther
		}
		c.skipped = append(c.skipped, &FileError{Path: s.Path, Reason: r, Err: errors.New(s.Error)})
	}
	c.markStarts()
	return c, nil
}
