package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// reportError writes the error lectern exits with, on standard error.
// serve, once it has read its configuration, writes it as it writes every
// line before it: a log line at error level in log.format (json or text),
// so that a log collector reads the last line too. Every other case
// writes "lectern: " and the error.
func (a *app) reportError(cmd *cobra.Command, err error) {
	if cmd != nil && cmd.Name() == "serve" && a.cfg != nil {
		newLogger(a.stderr, a.cfg.Log.Level, a.cfg.Log.Format).Error("lectern exiting", "error", err.Error())
		return
	}
	fmt.Fprintf(a.stderr, "lectern: %v\n", err)
}
