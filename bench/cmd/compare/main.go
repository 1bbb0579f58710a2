// Command compare runs lectern's retrieval engine and bleve on the same
// corpus and the same questions and prints how they compare: index build
// time, index size on disk, peak resident memory, per-question latency,
// questions per second on one goroutine and on all cores, and how far their
// top-10 lists agree.
//
//	cd bench && go run ./cmd/compare -corpus scifact
//	cd bench && go run ./cmd/compare -corpus ~/books
//
// Each engine runs in its own child process (this program, re-executed with
// the hidden flag -engine), so that its peak memory is its own. See
// bench/README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

// config is the parsed command line.
type config struct {
	corpus        string // "scifact" or a folder (or file) for corpus.Load
	dataDir       string // the folder holding scifact/
	numQuestions  int
	seed          uint64
	questionsFrom string
	saveQuestions string
	engines       []string
	minTime       time.Duration
	runs          int
	bleveBatch    int
	bleveMerge    bool
	json          bool
	keep          bool

	// Set by the parent for a child process.
	engine        string
	questionsFile string
	hitsFile      string
	workDir       string
	engineFile    string // lectern's saved engine: written by the lectern child, read by lectern-served

	args []string // the command line, for the report
}

// hiddenFlags are the flags the parent passes to its children; -help does
// not list them.
var hiddenFlags = map[string]bool{"engine": true, "questions-file": true, "hits": true, "workdir": true, "engine-file": true}

// usageError is a bad command line or configuration: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := config{args: args}
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.corpus, "corpus", scifact, `"scifact" (BEIR SciFact under -data), or a folder of .txt/.md files whose sentences are indexed`)
	fs.StringVar(&cfg.dataDir, "data", "../shared/data", "the folder holding scifact/; a relative path is tried from the working directory, then from the lectern repository root")
	fs.IntVar(&cfg.numQuestions, "questions", 1000, "number of questions to generate from a folder corpus")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the generated questions")
	fs.StringVar(&cfg.questionsFrom, "questions-from", "", "ask the questions in this file instead (one per line, or as written by -save-questions)")
	fs.StringVar(&cfg.saveQuestions, "save-questions", "", "also write the questions to this file, one JSON string per line")
	engines := fs.String("engines", "lectern,lectern-ranked,bleve", "the engines to run, in order, comma-separated: lectern (plain BM25), lectern-ranked (as the bot ranks), bleve")
	fs.DurationVar(&cfg.minTime, "min-time", 2*time.Second, "minimum duration of each throughput measurement")
	fs.IntVar(&cfg.runs, "runs", 3, "timed passes for latency (pooled) and measurements per throughput figure (median)")
	fs.IntVar(&cfg.bleveBatch, "bleve-batch", 5000, "documents per bleve batch")
	fs.BoolVar(&cfg.bleveMerge, "bleve-merge", true, "force-merge bleve's index into one segment after indexing (counted in its build time)")
	fs.BoolVar(&cfg.json, "json", false, "print the results as JSON instead of Markdown")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the work folder (questions, top-10 lists, indexes) and print its path")
	fs.StringVar(&cfg.engine, "engine", "", "run one engine as a child process and print its results as JSON")
	fs.StringVar(&cfg.questionsFile, "questions-file", "", "the child's questions")
	fs.StringVar(&cfg.hitsFile, "hits", "", "where the child writes its top-10 lists")
	fs.StringVar(&cfg.workDir, "workdir", "", "the child's index folder")
	fs.StringVar(&cfg.engineFile, "engine-file", "", "lectern's saved engine file")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: compare [-corpus scifact|DIR] [flags]\n\nRuns lectern's engine and bleve on the same corpus and questions and prints a Markdown table.\n\n")
		fs.VisitAll(func(f *flag.Flag) {
			if hiddenFlags[f.Name] {
				return
			}
			fmt.Fprintf(stderr, "  -%s\n    \t%s", f.Name, f.Usage)
			if f.DefValue != "" && f.DefValue != "false" {
				fmt.Fprintf(stderr, " (default %s)", f.DefValue)
			}
			fmt.Fprintln(stderr)
		})
	}
	if err := fs.Parse(args); err != nil {
		return cfg, usageError{err}
	}
	if fs.NArg() > 0 {
		return cfg, usageError{fmt.Errorf("unexpected argument %q; give the corpus with -corpus", fs.Arg(0))}
	}
	for _, e := range strings.Split(*engines, ",") {
		switch e = strings.TrimSpace(e); e {
		case "lectern", "lectern-ranked", "bleve":
			cfg.engines = append(cfg.engines, e)
		case "":
		default:
			return cfg, usageError{fmt.Errorf("-engines: unknown engine %q; want lectern, lectern-ranked and/or bleve", e)}
		}
	}
	if len(cfg.engines) == 0 {
		return cfg, usageError{errors.New("-engines: name at least one of lectern, lectern-ranked, bleve")}
	}
	if cfg.numQuestions <= 0 || cfg.bleveBatch <= 0 || cfg.minTime <= 0 || cfg.runs <= 0 {
		return cfg, usageError{errors.New("-questions, -runs, -bleve-batch and -min-time must be positive")}
	}
	if cfg.engine != "" && (cfg.questionsFile == "" || cfg.hitsFile == "" || cfg.workDir == "") {
		return cfg, usageError{errors.New("-engine needs -questions-file, -hits and -workdir")}
	}
	var err error
	if cfg.corpus == scifact {
		cfg.dataDir, err = resolveDataDir(cfg.dataDir)
	} else {
		cfg.corpus, err = filepath.Abs(cfg.corpus)
		if err == nil {
			_, err = os.Stat(cfg.corpus)
		}
	}
	if err != nil {
		return cfg, usageError{err}
	}
	return cfg, nil
}

// resolveDataDir finds the folder holding scifact/: dir itself if absolute,
// else dir from the working directory or, failing that, from the root of
// the lectern repository (the nearest folder up whose go.mod declares
// module lectern), so that the default works from the repository root and
// from bench/.
func resolveDataDir(dir string) (string, error) {
	has := func(d string) bool {
		_, err := os.Stat(filepath.Join(d, scifact, "corpus.jsonl"))
		return err == nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if has(abs) || filepath.IsAbs(dir) {
		if !has(abs) {
			return "", fmt.Errorf("no %s/corpus.jsonl in %s; pass -data with the folder that holds scifact/", scifact, abs)
		}
		return abs, nil
	}
	tried := []string{abs}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		if mod, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && moduleName(mod) == "lectern" {
			cand := filepath.Join(d, dir)
			if has(cand) {
				return cand, nil
			}
			tried = append(tried, cand)
			break
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	return "", fmt.Errorf("no %s/corpus.jsonl in %s; pass -data with the folder that holds scifact/", scifact, strings.Join(tried, " or "))
}

// moduleName returns the module path a go.mod declares.
func moduleName(gomod []byte) string {
	for line := range strings.Lines(string(gomod)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(exitCode(mainErr(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

func mainErr(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cfg.engine != "" {
		return runChild(ctx, cfg, stdout, stderr)
	}
	return run(ctx, cfg, stdout, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "compare:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
