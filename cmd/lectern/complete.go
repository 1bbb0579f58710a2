package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// Shell completion. Cobra provides `lectern completion bash|zsh|fish|
// powershell`, which prints a script that calls the hidden `lectern
// __complete ARGS...` for every Tab; the functions here give it topic and
// book names.

// completionTimeout bounds loading the text to complete a topic: the
// shell waits for it. A saved, up-to-date index loads in a fraction of a
// second; a large corpus without one gets no completions.
const completionTimeout = 5 * time.Second

// quiet returns a copy of the app that writes nothing to standard error,
// with its configuration loaded from cmd's flags as typed so far: the
// shell shows completions only.
func (a *app) quiet(cmd *cobra.Command) (*app, bool) {
	q := *a
	q.stderr = io.Discard
	if err := q.load(cmd, nil); err != nil {
		return nil, false
	}
	return &q, true
}

// completeTopics completes `lectern topics NAME` with the names of the
// text's topics (of the book, corpus, index and configuration that the
// flags typed so far name), with their kind and size as descriptions.
// A topic's name may have several words, which the topics command joins:
// after "camp " it completes "literature".
func (a *app) completeTopics(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	q, ok := a.quiet(cmd)
	if !ok {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	e, err := q.engine(ctx)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	typed := strings.ToLower(strings.Join(append(append([]string{}, args...), toComplete), " "))
	var out []cobra.Completion
	for _, t := range e.Topics() {
		words := strings.Fields(t.Name)
		name := strings.Join(words, " ")
		if len(words) <= len(args) || !strings.HasPrefix(strings.ToLower(name), typed) {
			continue
		}
		unit := "sentences"
		if t.Count == 1 {
			unit = "sentence"
		}
		out = append(out, cobra.CompletionWithDesc(strings.Join(words[len(args):], " "), fmt.Sprintf("%s, %d %s", t.Kind, t.Count, unit)))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeBooks completes --book with the names of the books lectern.yaml
// lists under corpora.
func (a *app) completeBooks(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	q, ok := a.quiet(cmd)
	if !ok {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, b := range orderBooks(q.cfg.Books()) {
		if b.Name != "" && strings.HasPrefix(strings.ToLower(b.Name), strings.ToLower(toComplete)) {
			out = append(out, cobra.CompletionWithDesc(b.Name, b.Corpus))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
