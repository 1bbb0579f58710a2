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
	secDocs     = "c.docs"
	secText     = "c.text"
	secTextOff  = "c.textoff"
	secParas    = "c.paras"
	secSents    = "c.sents"
	secProblems = "c.problems"
)

// sentenceInts is how many int32s a sentence is stored as.
const sentenceInts = int(unsafe.Sizeof(sentence{}) / 4)

type savedProblems struct {
	Skipped  []savedError `json:"skipped"`
	Warnings []string     `json:"warnings"`
	Bytes    int64        `json:"bytes"`
}

type savedError struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// WriteSections adds the corpus to a saved index file.
func (c *Corpus) WriteSections(w *binfile.Writer) error {
	docs, err := json.Marshal(c.docs)
	if err != nil {
		return err
	}
	w.Bytes(secDocs, docs)
	var text []byte
	off := make([]uint64, 0, len(c.paras)+1)
	meta := make([]int32, 0, 4*len(c.paras))
	for _, p := range c.paras {
		off = append(off, uint64(len(text)))
		text = append(text, p.text...)
		meta = append(meta, p.doc, p.section, p.first, p.end)
	}
	off = append(off, uint64(len(text)))
	w.Bytes(secText, text)
	w.Uint64s(secTextOff, off)
	w.Int32s(secParas, meta)
	var sents []int32
	if len(c.sents) > 0 {
		sents = unsafe.Slice((*int32)(unsafe.Pointer(&c.sents[0])), len(c.sents)*sentenceInts)
	}
	w.Int32s(secSents, sents)
	pr := savedProblems{Warnings: c.warnings, Bytes: c.bytes}
	for _, s := range c.skipped {
		pr.Skipped = append(pr.Skipped, savedError{Path: s.Path, Error: s.Err.Error()})
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
	text, err := r.String(secText)
	if err != nil {
		return nil, err
	}
	off, err := r.Uint64s(secTextOff)
	if err != nil {
		return nil, err
	}
	meta, err := r.Int32s(secParas)
	if err != nil {
		return nil, err
	}
	ints, err := r.Int32s(secSents)
	if err != nil {
		return nil, err
	}
	if len(meta)%4 != 0 || len(off) != len(meta)/4+1 || len(ints)%sentenceInts != 0 {
		return nil, bad("section sizes disagree")
	}
	nparas, nsents := len(meta)/4, len(ints)/sentenceInts
	if nsents > 0 {
		c.sents = unsafe.Slice((*sentence)(unsafe.Pointer(&ints[0])), nsents)
	}
	c.paras = make([]paragraph, nparas)
	for i := range c.paras {
		a, b := off[i], off[i+1]
		if a > b || b > uint64(len(text)) {
			return nil, bad("paragraph %d text out of range", i)
		}
		p := paragraph{doc: meta[4*i], section: meta[4*i+1], first: meta[4*i+2], end: meta[4*i+3], text: text[a:b]}
		if p.doc < 0 || int(p.doc) >= len(c.docs) || p.section < -1 || int(p.section) >= len(c.docs[p.doc].Sections) ||
			p.first < 0 || p.first > p.end || int(p.end) > nsents {
			return nil, bad("paragraph %d out of range", i)
		}
		c.paras[i] = p
	}
	for i, s := range c.sents {
		if s.para < 0 || int(s.para) >= nparas {
			return nil, bad("sentence %d: paragraph out of range", i)
		}
		p := &c.paras[s.para]
		pages := len(c.docs[p.doc].Pages)
		if int32(i) < p.first || int32(i) >= p.end || s.start < 0 || s.start > s.end || int(s.end) > len(p.text) ||
			s.srcStart < 0 || s.srcStart > s.srcEnd || s.firstPage < -1 || s.lastPage < -1 ||
			int(s.firstPage) >= pages || int(s.lastPage) >= pages {
			return nil, bad("sentence %d out of range", i)
		}
	}
	for i, d := range c.docs {
		if d.ID != i || d.First < 0 || d.First > d.End || d.End > nsents {
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
		c.skipped = append(c.skipped, &FileError{Path: s.Path, Err: errors.New(s.Error)})
	}
	if len(c.sents) == 0 {
		return nil, bad("no sentences")
	}
	return c, nil
}
