package corpus

import (
	"runtime"
	"sort"
	"strings"
	"sync"

	"lectern/corpus/lang"
)

// LanguageOptions say how WithLanguages gives documents their languages.
type LanguageOptions struct {
	// Language is the language of every document whose source states none,
	// as a code or a name lang.Normalize reads ("ru", "Russian"); "" or
	// "auto" detects each document's language from its text instead.
	Language string
}

// Configured returns the language the options configure, as a code, or ""
// when they ask for detection (or name no language lang knows).
func (o LanguageOptions) Configured() string {
	if strings.EqualFold(strings.TrimSpace(o.Language), "auto") {
		return ""
	}
	return lang.Normalize(o.Language)
}

// detectSample is how much of a document's text detection reads: sentences
// from all over it, up to this many bytes.
const detectSample = 8 << 10

// WithLanguages returns the corpus with each document's Language set, in
// this order of precedence: the language its source states (Meta.Language:
// front matter's language:, an EPUB's dc:language...) when lang.Normalize
// knows it; else the language o configures; else the language detected in
// its text, when detection is sure of it (lang.Sure). A document too short
// or too mixed to tell gets the corpus's language: the configured one, else
// the one most of the other documents are in (ties go to the one with more
// sentences), else English; unless its script shows it is in another
// language, which it then gets (a page of Russian in an English corpus is
// Russian however short).
//
// The corpus itself is left unchanged: the result shares all but its
// documents with it.
func (c *Corpus) WithLanguages(o LanguageOptions) *Corpus {
	configured := o.Configured()
	codes := make([]string, len(c.docs))
	guesses := make([]lang.Guess, len(c.docs))
	var detect []int
	for i := range c.docs {
		switch code := lang.Normalize(c.docs[i].Meta.Language); {
		case code != "":
			codes[i] = code
		case configured != "":
			codes[i] = configured
		default:
			detect = append(detect, i)
		}
	}
	c.detectAll(detect, guesses)
	for _, i := range detect {
		if guesses[i].IsSure() {
			codes[i] = guesses[i].Language
		}
	}
	fallback := configured
	if fallback == "" {
		fallback = c.majority(codes)
	}
	for _, i := range detect {
		if codes[i] != "" {
			continue
		}
		codes[i] = fallback
		if g := guesses[i]; g.Language != "" && g.Script != lang.Script(fallback) {
			codes[i] = g.Language
		}
	}
	out := *c
	out.docs = make([]Document, len(c.docs))
	copy(out.docs, c.docs)
	for i := range out.docs {
		out.docs[i].Language = codes[i]
	}
	return &out
}

// detectAll detects the language of the documents listed, on all cores.
func (c *Corpus) detectAll(docs []int, out []lang.Guess) {
	workers := min(runtime.GOMAXPROCS(0), max(1, len(docs)/8))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := w; k < len(docs); k += workers {
				out[docs[k]] = lang.Detect(c.sample(&c.docs[docs[k]]))
			}
		}(w)
	}
	wg.Wait()
}

// sample returns up to detectSample bytes of a document's sentences, taken
// evenly from all over it.
func (c *Corpus) sample(d *Document) string {
	n := d.End - d.First
	stride := 1
	if total := c.docBytes(d); total > detectSample {
		fit := max(1, n*detectSample/total) // about as many sentences as fit
		stride = max(1, n/fit)
	}
	var b strings.Builder
	for id := d.First; id < d.End && b.Len() < detectSample; id += stride {
		b.WriteString(c.Text(id))
		b.WriteByte('\n')
	}
	return b.String()
}

// docBytes returns the length of a document's sentences' text.
func (c *Corpus) docBytes(d *Document) int {
	if d.First >= d.End {
		return 0
	}
	return int(c.sents[d.End-1].end - c.sents[d.First].start)
}

// majority returns the language most documents in codes are in, ties going
// to the one with more sentences, then to the first alphabetically; English
// when codes holds none.
func (c *Corpus) majority(codes []string) string {
	docs, sents := map[string]int{}, map[string]int{}
	for i, code := range codes {
		if code != "" {
			docs[code]++
			sents[code] += c.docs[i].End - c.docs[i].First
		}
	}
	best := ""
	for code := range docs {
		if best == "" || docs[code] > docs[best] ||
			docs[code] == docs[best] && (sents[code] > sents[best] || sents[code] == sents[best] && code < best) {
			best = code
		}
	}
	if best == "" {
		return lang.English
	}
	return best
}

// Languages returns the languages of the corpus's documents (as
// WithLanguages set them), those with the most sentences first, ties in
// alphabetical order; empty before WithLanguages.
func (c *Corpus) Languages() []string {
	sents := map[string]int{}
	for _, d := range c.docs {
		if d.Language != "" {
			sents[d.Language] += d.End - d.First
		}
	}
	out := make([]string, 0, len(sents))
	for code := range sents {
		out = append(out, code)
	}
	sort.Slice(out, func(i, j int) bool {
		if sents[out[i]] != sents[out[j]] {
			return sents[out[i]] > sents[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

// ShowLanguages reports whether the languages of docs are worth showing
// people: the documents are in more than one language, or in one other
// than English.
func ShowLanguages(docs []Document) bool {
	first := ""
	for _, d := range docs {
		switch {
		case d.Language == "":
		case first == "":
			first = d.Language
		case d.Language != first:
			return true
		}
	}
	return first != "" && first != lang.English
}
