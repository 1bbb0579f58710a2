package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) configCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration, secrets masked",
		Long: `config prints every setting with its value and where it came from: a flag,
a LECTERN_* environment variable, the configuration file or the default.
The Discord token is never shown.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd, nil); err != nil {
				return err
			}
			fmt.Fprint(a.stdout, a.cfg.Dump())
			return nil
		},
	}
}
