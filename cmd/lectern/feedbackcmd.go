package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"lectern/feedback"
	"lectern/internal/regular"
)

func (a *app) feedbackCmd() *cobra.Command {
	var (
		asJSON bool
		top    int
	)
	cmd := &cobra.Command{
		Use:   "feedback",
		Short: "Summarise the votes and unanswered questions serve kept",
		Long: `feedback reads the file lectern serve appends each 👍/👎 and each question
the text did not answer to (feedback.path, or --file), and summarises it:
the votes, in all and per book; the questions most often voted down, with
the sentence last voted down; the questions the text did not answer, most
frequent first; and the period covered. Questions are counted together
when they differ only in case, spacing and closing punctuation. Lines that
are not feedback entries are skipped and counted. Files of any size are
read in bounded memory: with very many different questions, the counts
are marked approximate.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd, map[string]string{"file": "feedback.path"}); err != nil {
				return err
			}
			if top < 1 {
				return usagef("--top %d: list at least 1 question", top)
			}
			path := a.cfg.Feedback.Path
			if path == "" {
				return usagef("no feedback file: set feedback.path in lectern.yaml (or LECTERN_FEEDBACK_PATH) as lectern serve has it, or name the file with --file")
			}
			f, err := regular.Open(path)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("feedback file %s does not exist yet: lectern serve creates it at the first vote or unanswered question, when feedback.path names it (%s)", path, a.cfg.Source("feedback.path"))
			case err != nil:
				return fmt.Errorf("feedback file: %w", err)
			}
			defer f.Close()
			s, err := feedback.Summarize(f, top)
			if err != nil {
				return fmt.Errorf("read feedback file %s: %w", path, err)
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					File string `json:"file"`
					*feedback.Summary
				}{path, s})
			}
			writeFeedback(a.stdout, path, s)
			return nil
		},
	}
	cmd.Flags().String("file", "", "feedback file to read (default: feedback.path)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as one JSON object")
	cmd.Flags().IntVar(&top, "top", 10, "how many questions each list shows")
	return cmd
}

// feedbackTime formats the period a feedback file covers.
const feedbackTime = "2006-01-02 15:04 MST"

// writeFeedback writes a feedback summary for people.
func writeFeedback(w io.Writer, path string, s *feedback.Summary) {
	if s.Entries == 0 {
		fmt.Fprintf(w, "Feedback in %s: nothing yet.\n", path)
		writeMalformed(w, s)
		return
	}
	fmt.Fprintf(w, "Feedback in %s, %s to %s: %d %s.\n", path,
		s.From.UTC().Format(feedbackTime), s.To.UTC().Format(feedbackTime), s.Entries, countNoun(s.Entries, "entry", "entries"))

	books := len(s.Books) > 1 || len(s.Books) == 1 && s.Books[0].Book != ""
	fmt.Fprintf(w, "\nVotes: %d (%d up, %d down)\n", s.Up+s.Down, s.Up, s.Down)
	if books {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, b := range s.Books {
			name := b.Book
			if name == "" {
				name = "(no book)"
			}
			fmt.Fprintf(tw, "  %s\t%d up, %d down\n", name, b.Up, b.Down)
		}
		tw.Flush()
	}

	if len(s.VotedDown) > 0 {
		fmt.Fprintln(w, "\nQuestions most often voted down:")
		for _, q := range s.VotedDown {
			writeQuestion(w, q, books)
			if q.Citation != nil {
				fmt.Fprintf(w, "        last voted down: %s: %q\n", q.Citation, shortQuestion(q.Text, 100))
			}
		}
	}

	fmt.Fprintf(w, "\nQuestions the text did not answer: %d", s.NotFoundTotal)
	if len(s.NotFound) > 0 {
		fmt.Fprint(w, ", most frequent first:")
	}
	fmt.Fprintln(w)
	for _, q := range s.NotFound {
		writeQuestion(w, q, books)
	}
	if s.Approximate {
		fmt.Fprintln(w, "\nThe counts are approximate: there are more different questions than lectern counts one by one (frequent ones are never missed).")
	}
	writeMalformed(w, s)
}

// writeQuestion writes one line of a list of questions.
func writeQuestion(w io.Writer, q feedback.Question, books bool) {
	line := fmt.Sprintf("  %5d  %s", q.Count, shortQuestion(q.Question, 100))
	if books && q.Book != "" {
		line += " [" + q.Book + "]"
	}
	if !q.Last.IsZero() {
		line += "  (last " + q.Last.UTC().Format(time.DateOnly) + ")"
	}
	fmt.Fprintln(w, line)
}

func writeMalformed(w io.Writer, s *feedback.Summary) {
	if s.Malformed > 0 {
		fmt.Fprintf(w, "\n%d %s skipped: not feedback entries.\n", s.Malformed, countNoun(s.Malformed, "line", "lines"))
	}
}

// shortQuestion puts s on one line of at most n characters.
func shortQuestion(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// countNoun returns one or many, as n asks.
func countNoun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
