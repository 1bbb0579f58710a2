package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"lectern/retrieval"
)

func (a *app) askCmd() *cobra.Command {
	var asJSON, explain bool
	cmd := &cobra.Command{
		Use:   "ask [flags] QUESTION | -",
		Short: "Answer a question with the text's best excerpts",
		Long: `ask answers a question with the best excerpts of the text, each with its
citation. With "-" it reads questions from standard input, one per line, and
answers each in turn, loading the text once.

With --json it prints one JSON object per question:
  {"question": "...", "answered": true, "results": [{"rank": 1, "score": 7.31,
   "sentence": "...", "excerpt": "...", "citation": {"document": "...",
   "title": "...", "source": "...", "page": "388", "section": ""}}]}
When the text does not answer, "answered" is false and "results" is empty.`,
		Example: `  lectern ask "Where was Stalin buried?"
  lectern ask --top 5 --corpus ./books "camp literature"
  lectern ask --json - < questions.txt > answers.jsonl`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("ask needs a question, or - to read questions from standard input (see 'lectern ask --help')")
			}
			if err := a.load(cmd, map[string]string{"top": "retrieval.top"}); err != nil {
				return err
			}
			e, err := a.engine(cmd.Context())
			if err != nil {
				return err
			}
			req := retrieval.Request{Top: a.cfg.Retrieval.Top, Explain: explain}
			out := bufio.NewWriter(a.stdout)
			defer out.Flush()
			r := newRenderer(out, isTerminal(a.stdout))
			r.showDoc = len(e.Corpus().Documents()) > 1
			if len(args) == 1 && args[0] == "-" {
				return a.askLines(cmd.Context(), e, req, asJSON, r, out)
			}
			q := strings.Join(args, " ")
			ans, err := e.Answer(q, req)
			if err != nil {
				return usageError{err}
			}
			if asJSON {
				return writeJSON(out, jsonAnswer(ans, ""))
			}
			r.answer(ans, explain)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntP("top", "n", 3, "how many excerpts to show")
	f.BoolVar(&asJSON, "json", false, "print JSON, one object per question")
	f.BoolVar(&explain, "explain", false, "show each term's part of each score")
	return cmd
}

// askLines answers one question per line of standard input, in order.
func (a *app) askLines(ctx context.Context, e *retrieval.Engine, req retrieval.Request, asJSON bool, r *renderer, out *bufio.Writer) error {
	in := readLines(ctx, a.stdin, retrieval.MaxQuestionBytes)
	for n := 1; ; n++ {
		line, tooLong, err := in.next()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, io.EOF) && line == "" && !tooLong {
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read questions: %w", err)
		}
		var ans retrieval.Answer
		var qerr error
		if tooLong {
			ans = retrieval.Answer{Question: line, Results: []retrieval.Result{}}
			qerr = fmt.Errorf("%w (line %d)", retrieval.ErrQuestionTooLong, n)
		} else {
			ans, qerr = e.Answer(line, req)
		}
		if asJSON {
			msg := ""
			if qerr != nil {
				msg = qerr.Error()
			}
			if err := writeJSON(out, jsonAnswer(ans, msg)); err != nil {
				return err
			}
		} else if qerr != nil {
			fmt.Fprintf(out, "%s\n  %v\n\n", r.quote(line), qerr)
		} else {
			fmt.Fprintf(out, "%s\n", r.quote(line))
			r.answer(ans, req.Explain)
			fmt.Fprintln(out)
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
}

// readLine reads one line without its end. A line longer than max is read
// to its end but cut, and reported too long, so that one bad line cannot
// stop a batch.
func readLine(in *bufio.Reader, max int) (line string, tooLong bool, err error) {
	var b []byte
	for {
		chunk, err := in.ReadSlice('\n')
		if len(b)+len(chunk) <= max+2 {
			b = append(b, chunk...)
		} else {
			tooLong = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		s := strings.TrimRight(string(b), "\r\n")
		if tooLong && len(s) > 80 {
			s = s[:80]
		}
		return s, tooLong, err
	}
}

// answerJSON is the `ask --json` contract.
type answerJSON struct {
	Question string             `json:"question"`
	Answered bool               `json:"answered"`
	Results  []retrieval.Result `json:"results"`
	Reason   string             `json:"reason,omitempty"`
	Error    string             `json:"error,omitempty"`
}

func jsonAnswer(ans retrieval.Answer, errMsg string) answerJSON {
	res := make([]retrieval.Result, len(ans.Results))
	for i, r := range ans.Results {
		r.Score = math.Round(r.Score*1e4) / 1e4
		for j := range r.Explain {
			r.Explain[j].Score = math.Round(r.Explain[j].Score*1e4) / 1e4
			r.Explain[j].IDF = math.Round(r.Explain[j].IDF*1e4) / 1e4
		}
		res[i] = r
	}
	return answerJSON{Question: ans.Question, Answered: ans.Answered, Results: res, Reason: ans.Reason, Error: errMsg}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
