// Command lectern answers questions about a text with the best-matching
// excerpts and exact citations, on the command line and as a Discord bot.
//
// Usage:
//
//	lectern ask "Where was Stalin buried?"   the best excerpts, cited
//	lectern ask --json - < questions.txt     one JSON answer per line
//	lectern chat                             ask interactively
//	lectern topics [NAME]                    what the text is about
//	lectern serve                            run the Discord bot
//	lectern invite                           the URL that adds the bot to a server
//	lectern config                           the effective configuration
//	lectern completion bash|zsh|fish         shell completion
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
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"lectern/config"
	"lectern/corpus"
	"lectern/retrieval"
	"lectern/retrieval/index"
)

func main() {
	ctx, stopped := stopOnSignal(context.Background(), os.Stderr, os.Exit)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if sig := stopped(); sig != nil {
		code = signalCode(sig)
	}
	os.Exit(code)
}

// stopGrace is how long lectern may take to stop after SIGINT or SIGTERM
// before it exits regardless: every stage checks for the signal far more
// often, so this is a safety net only.
const stopGrace = 3 * time.Second

// stopOnSignal returns a context cancelled by the first SIGINT or SIGTERM,
// and a func that returns that signal (nil if none came). A second signal,
// or stopGrace after the first, makes lectern exit at once through exit
// with the conventional code: 130 for SIGINT, 143 for SIGTERM.
func stopOnSignal(parent context.Context, stderr io.Writer, exit func(int)) (context.Context, func() os.Signal) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var got atomic.Pointer[os.Signal]
	go func() {
		sig := <-sigs
		got.Store(&sig)
		cancel()
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "lectern: stopping now")
		case <-time.After(stopGrace):
			fmt.Fprintf(stderr, "lectern: did not stop within %v; exiting now\n", stopGrace)
		}
		exit(signalCode(sig))
	}()
	return ctx, func() os.Signal {
		if p := got.Load(); p != nil {
			return *p
		}
		return nil
	}
}

// signalCode is the exit code of a process stopped by sig: 128 plus its
// number, as shells report it.
func signalCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
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
	bookName       string // --book
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
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		a.reportError(cmd, errors.New("interrupted"))
		return 130
	}
	a.reportError(cmd, err)
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
		Version:       currentVersion().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("lectern {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%v (see '%s --help')", err, c.CommandPath())}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "configuration file (default: lectern.yaml in ., $XDG_CONFIG_HOME/lectern, /etc/lectern)")
	pf.String("corpus", "", "file or folder to answer from: text, Markdown, PDF, EPUB, HTML (default: the embedded page)")
	pf.String("index", "", "saved index file to use when up to date with the corpus (see 'lectern index')")
	pf.StringVar(&a.bookName, "book", "", "which book to use, by name, when lectern.yaml lists several under corpora (default: the first without routes)")
	_ = root.RegisterFlagCompletionFunc("book", a.completeBooks) // only fails for a flag that does not exist
	root.AddCommand(a.askCmd(), a.chatCmd(), a.topicsCmd(), a.serveCmd(), a.evalCmd(), a.indexCmd(), a.configCmd(), versionCmd(), a.inviteCmd(), a.healthcheckCmd(), a.feedbackCmd())
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

// engine loads the book chosen with --book (the default book without it:
// see config.Books) and indexes it, or loads its saved index (see
// retrieval.Open).
func (a *app) engine(ctx context.Context) (*retrieval.Engine, error) {
	return a.engineWith(ctx, nil)
}

// engineWith is engine with the options adjusted by adjust.
func (a *app) engineWith(ctx context.Context, adjust func(*retrieval.Options)) (*retrieval.Engine, error) {
	opts := engineOptions(a.cfg)
	if adjust != nil {
		adjust(&opts)
	}
	b, err := a.book()
	if err != nil {
		return nil, err
	}
	o, err := a.open(ctx, b, opts, false)
	if err != nil {
		return nil, err
	}
	return o.Engine, nil
}

// book returns the book --book names, or the default book.
func (a *app) book() (config.Book, error) {
	books := orderBooks(a.cfg.Books())
	if a.bookName == "" {
		return books[0], nil
	}
	var names []string
	for _, b := range books {
		if strings.EqualFold(b.Name, a.bookName) {
			return b, nil
		}
		names = append(names, b.Name)
	}
	if len(books) == 1 && books[0].Name == "" {
		return config.Book{}, usagef("--book %q: there is only one book (list several under corpora: in lectern.yaml)", a.bookName)
	}
	return config.Book{}, usagef("--book %q: no such book; the books are %s", a.bookName, strings.Join(names, ", "))
}

// orderBooks puts the default book first: the first without routes, else
// the first.
func orderBooks(books []config.Book) []config.Book {
	for i, b := range books {
		if len(b.Channels) == 0 && len(b.Guilds) == 0 {
			out := append([]config.Book{b}, books[:i]...)
			return append(out, books[i+1:]...)
		}
	}
	return books
}

// open runs retrieval.Open on a book (force: rebuild it and write its
// index file), with a progress bar on a terminal and each note on standard
// error, prefixed with the book's name when it has one.
func (a *app) open(ctx context.Context, b config.Book, opts retrieval.Options, force bool) (*retrieval.Opened, error) {
	bar := newProgress(a.stderr)
	prefix := "lectern: "
	if b.Name != "" {
		prefix = "lectern: " + b.Name + ": "
	}
	opts.Language = b.Language
	src := retrieval.Source{
		Corpus:  b.Corpus,
		Index:   b.Index,
		Force:   force,
		Options: opts,
		Load: corpus.LoadOptions{
			MaxFileBytes:  a.cfg.Limits.MaxFileBytes,
			MaxTotalBytes: a.cfg.Limits.MaxCorpusBytes,
			Progress:      bar.loading,
		},
		Indexing: bar.indexing,
		Loaded: func(c *corpus.Corpus) {
			bar.finish()
			a.reportLoad(prefix, c)
		},
		Note: func(msg string) {
			bar.finish()
			fmt.Fprintf(a.stderr, "%s%s\n", prefix, msg)
		},
	}
	o, err := retrieval.Open(ctx, src)
	bar.finish()
	switch {
	case err == nil:
		return o, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	var se *retrieval.SaveError
	if errors.As(err, &se) && (errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EIO) || errors.Is(err, syscall.EDQUOT)) {
		return nil, err // the disk, not the configuration
	}
	if b.Name != "" {
		err = fmt.Errorf("book %s: %w", b.Name, err)
	}
	return nil, usageError{err}
}

// maxListed is how many skipped files and warnings are listed one by one.
const maxListed = 20

// reportLoad lists what loading the corpus skipped (files of unsupported
// types are only counted) and warned of, and its summary line.
func (a *app) reportLoad(prefix string, c *corpus.Corpus) {
	listed := 0
	for _, s := range c.Skipped() {
		if s.Reason == corpus.ReasonUnsupported {
			continue
		}
		if listed++; listed > maxListed {
			continue
		}
		fmt.Fprintf(a.stderr, "%sskipped %v\n", prefix, s)
	}
	if listed > maxListed {
		fmt.Fprintf(a.stderr, "%s... and %d more skipped\n", prefix, listed-maxListed)
	}
	for i, w := range c.Warnings() {
		if i == maxListed {
			fmt.Fprintf(a.stderr, "%s... and %d more warnings\n", prefix, len(c.Warnings())-maxListed)
			break
		}
		fmt.Fprintf(a.stderr, "%swarning: %s\n", prefix, w)
	}
	fmt.Fprintf(a.stderr, "%s%s\n", prefix, c.Summary())
}

func engineOptions(cfg *config.Config) retrieval.Options {
	return retrieval.Options{
		BM25:        index.BM25{K1: cfg.Retrieval.K1, B: cfg.Retrieval.B},
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
