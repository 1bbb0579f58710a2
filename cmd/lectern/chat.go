package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"lectern/retrieval"
)

func (a *app) chatCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "chat",
		Short: "Ask questions interactively",
		Long: `chat asks questions at a prompt and answers them as the Discord bot does:
the best excerpt first, "/more" for the next ones. Other commands:
/topics, /topic NAME, /source, /help, /quit.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("chat takes no arguments; ask at its prompt")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd, nil); err != nil {
				return err
			}
			e, err := a.engine(cmd.Context())
			if err != nil {
				return err
			}
			return a.chat(cmd.Context(), e)
		},
	}
}

// chatPage is how many excerpts chat shows at a time, like the bot.
const chatPage = 1

func (a *app) chat(ctx context.Context, e *retrieval.Engine) error {
	out := a.stdout
	r := newRenderer(out, isTerminal(out))
	r.showDoc = len(e.Corpus().Documents()) > 1
	in := readLines(ctx, a.stdin, retrieval.MaxQuestionBytes)
	docs := e.Corpus().Documents()
	title := docs[0].Meta.Title
	if len(docs) > 1 {
		title = fmt.Sprintf("%d documents", len(docs))
	}
	fmt.Fprintf(out, "lectern chat: ask about %s. /help for commands, /quit or Ctrl-D to leave.\n", title)
	var last string
	offset := 0
	for {
		fmt.Fprint(out, "> ")
		line, tooLong, err := in.next()
		if ctx.Err() != nil {
			fmt.Fprintln(out)
			return ctx.Err()
		}
		if errors.Is(err, io.EOF) && line == "" {
			fmt.Fprintln(out)
			return nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read: %w", err)
		}
		line = strings.TrimSpace(line)
		if tooLong {
			fmt.Fprintln(out, retrieval.ErrQuestionTooLong)
			continue
		}
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "":
			continue
		case "/quit", "/exit":
			return nil
		case "/help":
			fmt.Fprintln(out, "Ask a question, or: /more (next excerpts), /topics, /topic NAME, /source, /quit")
			continue
		case "/topics":
			a.printTopics(r, e)
			continue
		case "/source":
			a.printSource(e)
			continue
		case "/topic":
			ans, err := e.TopicAnswer(strings.TrimSpace(arg), retrieval.Request{Top: a.cfg.Retrieval.Top})
			if err != nil {
				fmt.Fprintln(out, err)
				continue
			}
			r.answer(ans, false)
			continue
		case "/more":
			if last == "" {
				fmt.Fprintln(out, "Ask a question first.")
				continue
			}
			offset += chatPage
		default:
			if strings.HasPrefix(cmd, "/") {
				fmt.Fprintf(out, "Unknown command %s; /help lists them.\n", cmd)
				continue
			}
			last, offset = line, 0
		}
		ans, err := e.Answer(last, retrieval.Request{Top: chatPage, Offset: offset})
		if err != nil {
			fmt.Fprintln(out, err)
			last = ""
			continue
		}
		if offset > 0 && len(ans.Results) == 0 && ans.Answered {
			fmt.Fprintln(out, "No more excerpts.")
			continue
		}
		r.answer(ans, false)
		if ans.More {
			fmt.Fprintln(out, r.style("(/more for the next excerpt)", dim))
		}
	}
}
