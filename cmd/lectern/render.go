package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"lectern/corpus"
	"lectern/retrieval"
)

// renderer prints answers for people: wrapped to the terminal's width, with
// matched words highlighted on a terminal and plain when piped.
type renderer struct {
	w       io.Writer
	color   bool
	width   int
	showDoc bool // name documents in citations
}

func newRenderer(w io.Writer, color bool) *renderer {
	width := 80
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 40 {
		width = n
	}
	return &renderer{w: w, color: color, width: min(width, 100)}
}

const (
	bold  = "\x1b[1m"
	hilit = "\x1b[1;33m"
	dim   = "\x1b[2m"
	reset = "\x1b[0m"
)

func (r *renderer) style(s, code string) string {
	if !r.color || s == "" {
		return s
	}
	return code + s + reset
}

func (r *renderer) quote(q string) string {
	return r.style("» "+q, bold)
}

// answer prints an answer: each excerpt with its citation, or why there is
// none.
func (r *renderer) answer(ans retrieval.Answer, explain bool) {
	if !ans.Answered {
		fmt.Fprintf(r.w, "Not found in the text: %s.\n", ans.Reason)
		fmt.Fprintln(r.w, "Try other words, or 'lectern topics' to see what the text covers.")
		return
	}
	for i, res := range ans.Results {
		if i > 0 {
			fmt.Fprintln(r.w)
		}
		prefix := fmt.Sprintf("%d. ", res.Rank)
		r.wrap(prefix, r.excerpt(res))
		r.wrap(strings.Repeat(" ", len(prefix)), r.style("("+r.citation(res.Citation)+")", dim))
		if explain {
			r.explain(len(prefix), res)
		}
	}
}

// excerpt returns the excerpt with matched words highlighted and the
// context around the matched sentence dimmed.
func (r *renderer) excerpt(res retrieval.Result) string {
	if !r.color {
		return res.Excerpt
	}
	var b strings.Builder
	text := res.Excerpt
	pos := 0
	emit := func(end int) {
		for pos < end {
			// Dim what lies outside the matched sentence.
			next := end
			in := pos >= res.SentenceSpan.Start && pos < res.SentenceSpan.End
			if in && res.SentenceSpan.End < next {
				next = res.SentenceSpan.End
			}
			if !in && pos < res.SentenceSpan.Start && res.SentenceSpan.Start < next {
				next = res.SentenceSpan.Start
			}
			if in {
				b.WriteString(text[pos:next])
			} else {
				b.WriteString(r.style(text[pos:next], dim))
			}
			pos = next
		}
	}
	for _, h := range res.Highlights {
		if h.Start < pos || h.End > len(text) {
			continue
		}
		emit(h.Start)
		b.WriteString(r.style(text[h.Start:h.End], hilit))
		pos = h.End
	}
	emit(len(text))
	return b.String()
}

func (r *renderer) explain(indent int, res retrieval.Result) {
	pad := strings.Repeat(" ", indent)
	fmt.Fprintf(r.w, "%sscore %.4f, coverage %.2f:\n", pad, res.Score, res.Coverage)
	for _, t := range res.Explain {
		fmt.Fprintf(r.w, "%s  %-16s tf=%d idf=%.3f weight=%.2f -> %.4f\n", pad, t.Term, t.TF, t.IDF, t.Weight, t.Score)
	}
}

// citation formats a citation, naming the document when the corpus has
// several.
func (r *renderer) citation(c corpus.Citation) string {
	s := c.String()
	if r.showDoc && c.Document != "" && c.Document != c.Title {
		s += " [" + c.Document + "]"
	}
	return s
}

// wrap prints text after prefix, wrapped at the renderer's width with later
// lines indented like the first. Escape sequences take no width.
func (r *renderer) wrap(prefix, text string) {
	indent := strings.Repeat(" ", utf8.RuneCountInString(prefix))
	line, lineLen := prefix, utf8.RuneCountInString(prefix)
	for _, word := range strings.Fields(text) {
		n := visibleLen(word)
		if lineLen > len(indent) && lineLen+1+n > r.width {
			fmt.Fprintln(r.w, line)
			line, lineLen = indent, len(indent)
		}
		if lineLen > len(indent) {
			line += " "
			lineLen++
		}
		line += word
		lineLen += n
	}
	fmt.Fprintln(r.w, line)
}

func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}
