package main

import (
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
			e, err := a.engine(cmd.Context())
			if err != nil {
				return err
			}
			c := e.Corpus()
			log.Info("text loaded", "documents", len(c.Documents()), "sentences", c.Len(), "bytes", c.Size())
			b, err := bot.New(e, bot.Options{
				Token:             a.cfg.Discord.Token,
				APIURL:            a.cfg.Discord.APIURL,
				GuildID:           a.cfg.Discord.GuildID,
				Channels:          a.cfg.Discord.Channels,
				CooldownQuestions: a.cfg.Discord.CooldownQuestions,
				CooldownWindow:    a.cfg.Discord.CooldownWindow,
				Top:               1,
				Logger:            log,
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
