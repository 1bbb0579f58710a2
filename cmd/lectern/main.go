// Command lectern answers questions about a text with the best-matching
// excerpts and exact citations, on the command line and as a Discord bot.
//
// Usage:
//
//	lectern ask "Where was Stalin buried?"   the best excerpts, cited
//	lectern ask --json - < questions.txt     one JSON answer per line
//	lectern chat                             ask interactively
//	lectern topics [NAME]                    what the text is about
//	lectern config                           the effective configuration
//	lectern version
//
// Without --corpus (or corpus in lectern.yaml, or LECTERN_CORPUS) lectern
// answers from its embedded default text, page 388 of the Encyclopedia of
// Russian History, article "De-Stalinization".
//
// Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"lectern/config"
	"lectern/retrieval"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError marks a mistake in how lectern was called or configured: exit
// code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// app holds what the commands share.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configFile     string
	cfg            *config.Config
}

// run executes lectern with args and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "lectern: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		if strings.HasPrefix(err.Error(), "unknown") {
			fmt.Fprintln(stderr, "Run 'lectern --help' for usage.")
		}
		return 2
	}
	return 1
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "lectern",
		Short: "Answer questions about a text with cited excerpts",
		Long: `lectern answers questions about a text with the best-matching excerpts and
exact citations (title, source, page). It never makes things up: every answer
is a passage of the text, and when the text does not answer, it says so.

Without a corpus it answers from its embedded page: the Encyclopedia of
Russian History, p. 388, article "De-Stalinization".`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%v (see 'lectern %s --help')", err, c.Name())}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "configuration file (default: lectern.yaml in ., $XDG_CONFIG_HOME/lectern, /etc/lectern)")
	pf.String("corpus", "", "text file or folder of .txt/.md files to answer from (default: the embedded page)")
	pf.String("index", "", "saved index file to use when up to date with the corpus (see 'lectern index')")
	root.AddCommand(a.askCmd(), a.chatCmd(), a.topicsCmd(), a.serveCmd(), a.evalCmd(), a.indexCmd(), a.configCmd(), versionCmd())
	return root
}

// load reads the configuration, with cmd's flags mapped to their keys.
func (a *app) load(cmd *cobra.Command, flagKeys map[string]string) error {
	keys := map[string]string{"corpus": "corpus", "index": "index"}
	for k, v := range flagKeys {
		keys[k] = v
	}
	cfg, err := config.Load(config.Options{File: a.configFile, Flags: cmd.Flags(), FlagKeys: keys})
	if err != nil {
		return usageError{err}
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(a.stderr, "lectern: warning: %s\n", w)
	}
	a.cfg = cfg
	return nil
}

// engine loads the configured corpus and indexes it.
func (a *app) engine() (*retrieval.Engine, error) {
	return a.engineWith(nil)
}

// engineWith is engine with the options adjusted by adjust. With an index
// file configured, it loads it if it is up to date with the corpus, and
// otherwise rebuilds it, says why, and saves it again.
func (a *app) engineWith(adjust func(*retrieval.Options)) (*retrieval.Engine, error) {
	opts := engineOptions(a.cfg)
	if adjust != nil {
		adjust(&opts)
	}
	if a.cfg.Index == "" {
		e, _, err := a.build(opts)
		return e, err
	}
	e, err := a.loadIndex(opts)
	if err == nil {
		return e, nil
	}
	var stale errStale
	if !errors.As(err, &stale) {
		return nil, err
	}
	fmt.Fprintf(a.stderr, "lectern: index %s %s; rebuilding it\n", a.cfg.Index, stale.why)
	e, saved, err := a.build(opts)
	if err != nil {
		return nil, err
	}
	if _, err := retrieval.SaveEngine(a.cfg.Index, e, saved); err != nil {
		fmt.Fprintf(a.stderr, "lectern: warning: could not save the index: %v\n", err)
	} else {
		fmt.Fprintf(a.stderr, "lectern: saved the index to %s\n", a.cfg.Index)
	}
	return e, nil
}

func engineOptions(cfg *config.Config) retrieval.Options {
	return retrieval.Options{
		BM25:        retrieval.BM25{K1: cfg.Retrieval.K1, B: cfg.Retrieval.B},
		MinCoverage: cfg.Retrieval.MinCoverage,
		ExcerptMax:  cfg.Retrieval.ExcerptMax,
		NoFuzzy:     !cfg.Retrieval.Fuzzy,
	}
}

// isTerminal reports whether w is a terminal that takes colour.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
