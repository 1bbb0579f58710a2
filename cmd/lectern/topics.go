package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"lectern/corpus"
	"lectern/corpus/lang"
	"lectern/retrieval"
)

func (a *app) topicsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "topics [NAME]",
		Short: "List the text's topics, or show what it says about one",
		Long: `topics lists the text's topics: its section headings, or, in text without
headings, the names, phrases and key terms found in it. With a NAME it shows
the excerpts that best cover that topic.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd, nil); err != nil {
				return err
			}
			e, err := a.engine(cmd.Context())
			if err != nil {
				return err
			}
			out := bufio.NewWriter(a.stdout)
			defer out.Flush()
			r := newRenderer(out, isTerminal(a.stdout))
			r.showDoc = len(e.Corpus().Documents()) > 1
			if len(args) > 0 {
				ans, err := e.TopicAnswer(strings.Join(args, " "), retrieval.Request{Top: a.cfg.Retrieval.Top})
				if err != nil {
					return usageError{err}
				}
				if asJSON {
					return writeJSON(out, jsonAnswer(ans, ""))
				}
				r.answer(ans, false)
				return nil
			}
			if asJSON {
				return writeJSON(out, topicsJSON(e))
			}
			a.printTopics(r, e)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.ValidArgsFunction = a.completeTopics
	return cmd
}

type topicSentence struct {
	ID       int             `json:"id"`
	Sentence string          `json:"sentence"`
	Citation corpus.Citation `json:"citation"`
}

type topicJSON struct {
	Name      string          `json:"name"`
	Kind      string          `json:"kind"`
	Count     int             `json:"count"`
	Sentences []topicSentence `json:"sentences"`
}

func topicsJSON(e *retrieval.Engine) []topicJSON {
	c := e.Corpus()
	out := []topicJSON{}
	for _, t := range e.Topics() {
		tj := topicJSON{Name: t.Name, Kind: t.Kind, Count: t.Count, Sentences: []topicSentence{}}
		for _, id := range t.Sentences {
			tj.Sentences = append(tj.Sentences, topicSentence{ID: id, Sentence: c.Text(id), Citation: c.Citation(id)})
		}
		out = append(out, tj)
	}
	return out
}

func (a *app) printTopics(r *renderer, e *retrieval.Engine) {
	if docs := e.Corpus().Documents(); corpus.ShowLanguages(docs) {
		a.printSource(e)
		fmt.Fprintln(r.w)
	}
	topics := e.Topics()
	if len(topics) == 0 {
		fmt.Fprintln(r.w, "No topics found.")
		return
	}
	fmt.Fprintf(r.w, "%d topics (lectern topics NAME shows one):\n", len(topics))
	for _, t := range topics {
		fmt.Fprintf(r.w, "  %s %s\n", r.style(t.Name, bold), r.style(fmt.Sprintf("(%s, %d sentences)", t.Kind, t.Count), dim))
	}
}

// printSource describes the loaded text, like the bot's /source: its
// documents, each with its language when the corpus is not all English,
// the first maxListed of them one by one and the rest counted by language.
func (a *app) printSource(e *retrieval.Engine) {
	c := e.Corpus()
	docs := c.Documents()
	showLang := corpus.ShowLanguages(docs)
	fmt.Fprintf(a.stdout, "%d documents, %d sentences:\n", len(docs), c.Len())
	for _, d := range docs[:min(len(docs), maxListed)] {
		s := describeDoc(d)
		if showLang {
			s += ", " + lang.Name(d.Language)
		}
		fmt.Fprintf(a.stdout, "  %s\n", s)
	}
	if len(docs) > maxListed {
		fmt.Fprintf(a.stdout, "  ... and %d more%s\n", len(docs)-maxListed, languageCounts(docs[maxListed:], showLang))
	}
}

// languageCounts says how many of docs are in each language, as
// " (Russian: 3, English: 1)", or "" when languages are not shown.
func languageCounts(docs []corpus.Document, show bool) string {
	if !show {
		return ""
	}
	n := map[string]int{}
	var order []string
	for _, d := range docs {
		if n[d.Language] == 0 {
			order = append(order, d.Language)
		}
		n[d.Language]++
	}
	parts := make([]string, len(order))
	for i, code := range order {
		parts[i] = fmt.Sprintf("%s: %d", lang.Name(code), n[code])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// languagesLine says which languages a corpus's documents are in, as
// "languages: Russian (2 documents), English (1 document)", or "" for a
// corpus all in English.
func languagesLine(c *corpus.Corpus) string {
	docs := c.Documents()
	if !corpus.ShowLanguages(docs) {
		return ""
	}
	n := map[string]int{}
	for _, d := range docs {
		n[d.Language]++
	}
	var parts []string
	for _, code := range c.Languages() {
		unit := "documents"
		if n[code] == 1 {
			unit = "document"
		}
		parts = append(parts, fmt.Sprintf("%s (%d %s)", lang.Name(code), n[code], unit))
	}
	return "languages: " + strings.Join(parts, ", ")
}

func describeDoc(d corpus.Document) string {
	s := d.Meta.Title
	if d.Meta.Source != "" {
		s += " — " + d.Meta.Source
	}
	switch n := len(d.Pages); {
	case n == 1:
		s += ", p. " + d.Pages[0]
	case n > 1:
		s += ", pp. " + corpus.Pages{First: d.Pages[0], Last: d.Pages[n-1]}.String()
	}
	return fmt.Sprintf("%s [%s], %d sentences", s, d.Name, d.End-d.First)
}
