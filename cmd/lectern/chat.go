package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"lectern/bot"
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

// chat is the terminal door of the bot's core: each line becomes a
// request, as a direct message or a slash command would on Discord, and
// each reply is printed as text. "/more" presses the More results (or
// Next ▶) button of the last reply.
func (a *app) chat(ctx context.Context, e *retrieval.Engine) error {
	out := a.stdout
	core, err := bot.NewCore([]bot.Book{{Answerer: e}}, bot.CoreOptions{
		Results: a.cfg.Discord.Results,
		// The operator is at the terminal: failures are told on standard
		// error, questions are not logged.
		Logger: slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		return err
	}
	in := readLines(ctx, a.stdin, retrieval.MaxQuestionBytes)
	docs := e.Corpus().Documents()
	title := docs[0].Meta.Title
	if len(docs) > 1 {
		title = fmt.Sprintf("%d documents", len(docs))
	}
	fmt.Fprintf(out, "lectern chat: ask about %s. /help for commands, /quit or Ctrl-D to leave.\n", title)
	var last bot.Reply // the last answer or list, whose buttons /more presses
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
			fmt.Fprintf(out, "The question is too long: ask in at most %d bytes.\n", retrieval.MaxQuestionBytes)
			continue
		}
		cmd, arg, _ := strings.Cut(line, " ")
		req := bot.Request{Door: bot.DoorTerminal, User: "terminal", Channel: "terminal", DM: true}
		switch {
		case cmd == "":
			continue
		case cmd == "/quit", cmd == "/exit":
			return nil
		case cmd == "/more":
			id := last.Next()
			if id == "" {
				fmt.Fprintln(out, "No more results.")
				continue
			}
			req.Kind, req.CustomID = bot.ComponentRequest, id
			if len(last.Embeds) > 0 {
				req.MessageTitle = last.Embeds[0].Title
			}
		case cmd == "/topic":
			req.Kind, req.Command, req.Options = bot.CommandRequest, "topic", map[string]string{"name": strings.TrimSpace(arg)}
		case strings.HasPrefix(cmd, "/"):
			req.Kind, req.Command = bot.CommandRequest, strings.TrimPrefix(cmd, "/")
		default:
			req.Kind, req.Text = bot.MessageRequest, line
		}
		resp := core.Handle(ctx, req).Finish(ctx)
		if resp.Action != bot.NewMessage && resp.Action != bot.UpdateMessage {
			continue
		}
		fmt.Fprintln(out, resp.Reply.Text())
		if len(resp.Reply.Embeds) > 0 && req.Command != "help" {
			last = resp.Reply
			if last.Next() != "" {
				fmt.Fprintln(out, "(/more for more)")
			}
		}
	}
}
