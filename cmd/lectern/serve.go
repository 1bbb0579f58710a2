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
)

func (a *app) serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the Discord bot",
		Long: `serve connects to Discord and answers mentions, direct messages and the
slash commands /ask, /topics, /topic, /source and /help from the text, until
interrupted (SIGINT or SIGTERM), when it lets answers in flight finish and
disconnects.

The bot token comes from discord.token in lectern.yaml or, better, the
LECTERN_DISCORD_TOKEN environment variable. It is never logged or printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd, nil); err != nil {
				return err
			}
			if err := a.cfg.CheckToken(); err != nil {
				return usageError{err}
			}
			log := newLogger(a.stderr, a.cfg.Log.Level, a.cfg.Log.Format)
			core, err := a.core(cmd.Context(), log)
			if err != nil {
				return err
			}
			b, err := bot.New(core, bot.Options{
				Token:   a.cfg.Discord.Token,
				APIURL:  a.cfg.Discord.APIURL,
				GuildID: a.cfg.Discord.GuildID,
				Logger:  log,
			})
			if err != nil {
				return usageError{err}
			}
			err = b.Run(cmd.Context())
			if errors.Is(err, bot.ErrBadToken) || errors.Is(err, bot.ErrDisallowedIntent) {
				return usageError{err}
			}
			if err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			return nil
		},
	}
}

// core opens every book the bot answers from (see config.Books; the
// default book first) and builds the conversation core on them, with the
// routes of each.
func (a *app) core(ctx context.Context, log *slog.Logger) (*bot.Core, error) {
	var books []bot.Book
	routes := bot.Routes{Channels: map[string]string{}, Guilds: map[string]string{}}
	for _, b := range orderBooks(a.cfg.Books()) {
		o, err := a.open(ctx, b, engineOptions(a.cfg), false)
		if err != nil {
			return nil, err
		}
		c := o.Engine.Corpus()
		log.Info("text loaded", "book", b.Name, "documents", len(c.Documents()), "sentences", c.Len(), "bytes", c.Size(), "from_index", o.FromIndex)
		books = append(books, bot.Book{Name: b.Name, Answerer: o.Engine})
		for _, id := range b.Channels {
			routes.Channels[id] = b.Name
		}
		for _, id := range b.Guilds {
			routes.Guilds[id] = b.Name
		}
	}
	core, err := bot.NewCore(books, bot.CoreOptions{
		Results:           a.cfg.Discord.Results,
		CooldownQuestions: a.cfg.Discord.CooldownQuestions,
		CooldownWindow:    a.cfg.Discord.CooldownWindow,
		Channels:          a.cfg.Discord.Channels,
		Forums:            a.cfg.Discord.Forums,
		Routes:            routes,
		Logger:            log,
	})
	if err != nil {
		return nil, usageError{err}
	}
	return core, nil
}

// newLogger returns a structured logger writing to w.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	switch strings.ToLower(level) {
	case "debug":
		l = slog.LevelDebug
	case "warn", "warning":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: l}
	if strings.ToLower(format) == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
