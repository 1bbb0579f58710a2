package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"lectern/corpus"
	"lectern/retrieval"
)

func (a *app) indexCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "index [--corpus PATH] --out FILE",
		Short: "Build the corpus's index and save it to a file",
		Long: `index loads the corpus, indexes it and saves both in one versioned,
checksummed file. ask, chat, topics and serve use that file (--index FILE,
index: in lectern.yaml, or LECTERN_INDEX) when it is up to date with the
corpus, so that even a million sentences start in well under a second; when
the corpus has changed, or the file is damaged or from another version, they
rebuild it, say so, and save it again.`,
		Example: `  lectern index --corpus ./books --out books.idx
  lectern ask --corpus ./books --index books.idx "What does chapter two say about taxes?"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.load(cmd, nil); err != nil {
				return err
			}
			if out != "" {
				a.cfg.Index = out
			}
			path := a.cfg.Index
			if path == "" {
				return usagef("index needs --out FILE (or index: in lectern.yaml)")
			}
			start := time.Now()
			e, saved, err := a.build(engineOptions(a.cfg))
			if err != nil {
				return err
			}
			n, err := retrieval.SaveEngine(path, e, saved)
			if err != nil {
				return fmt.Errorf("save index %s: %w", path, err)
			}
			c, ix := e.Corpus(), e.Index()
			fmt.Fprintf(a.stdout, "indexed %d documents, %d sentences, %d terms, %d postings in %.1fs; wrote %s (%.1f MB)\n",
				len(c.Documents()), c.Len(), ix.NumTerms(), ix.NumPostings(), time.Since(start).Seconds(), path, float64(n)/1e6)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "the index file to write")
	return cmd
}

// build loads the configured corpus and indexes it, with a progress bar on
// a terminal, and returns what a saved index should record of its source.
func (a *app) build(opts retrieval.Options) (*retrieval.Engine, retrieval.Saved, error) {
	bar := newProgress(a.stderr)
	var c *corpus.Corpus
	saved := retrieval.Saved{Corpus: a.corpusPath()}
	if a.cfg.Corpus == "" {
		c = corpus.Default()
	} else {
		stamps, err := corpus.Stamps(a.cfg.Corpus)
		if err != nil {
			return nil, saved, usageError{fmt.Errorf("load corpus: %w", err)}
		}
		saved.Files = stamps
		c, err = corpus.LoadProgress(a.cfg.Corpus, bar.loading)
		bar.finish()
		if err != nil {
			return nil, saved, usageError{err}
		}
	}
	for _, s := range c.Skipped() {
		fmt.Fprintf(a.stderr, "lectern: skipped %v\n", s)
	}
	for _, w := range c.Warnings() {
		fmt.Fprintf(a.stderr, "lectern: warning: %s\n", w)
	}
	bar.total = c.Len()
	e := retrieval.NewEngineProgress(c, opts, bar.indexing)
	bar.finish()
	return e, saved, nil
}

// corpusPath is the corpus as recorded in an index file: an absolute path,
// or "" for the embedded page.
func (a *app) corpusPath() string {
	if a.cfg.Corpus == "" {
		return ""
	}
	if abs, err := filepath.Abs(a.cfg.Corpus); err == nil {
		return abs
	}
	return a.cfg.Corpus
}

// errStale says why a saved index cannot be used.
type errStale struct{ why string }

func (e errStale) Error() string { return e.why }

// loadIndex loads the configured index file if it is up to date with the
// corpus.
func (a *app) loadIndex(opts retrieval.Options) (*retrieval.Engine, error) {
	e, saved, err := retrieval.LoadEngine(a.cfg.Index, opts)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errStale{"does not exist yet"}
	}
	if err != nil {
		return nil, errStale{"cannot be used (" + err.Error() + ")"}
	}
	if saved.Corpus != a.corpusPath() {
		what := saved.Corpus
		if what == "" {
			what = "the embedded page"
		}
		return nil, errStale{"was built from another corpus (" + what + ")"}
	}
	if a.cfg.Corpus != "" {
		now, err := corpus.Stamps(a.cfg.Corpus)
		if err != nil {
			return nil, usageError{fmt.Errorf("load corpus: %w", err)}
		}
		if why := changed(saved.Files, now); why != "" {
			return nil, errStale{"is older than the corpus (" + why + ")"}
		}
	}
	return e, nil
}

// changed says how a corpus's files differ from when an index was built,
// or "" if they do not.
func changed(then, now []corpus.FileStamp) string {
	old := map[string]corpus.FileStamp{}
	for _, f := range then {
		old[f.Path] = f
	}
	for _, f := range now {
		o, ok := old[f.Path]
		switch {
		case !ok:
			return f.Path + " is new"
		case o.Size != f.Size || o.ModTime != f.ModTime:
			return f.Path + " changed"
		}
		delete(old, f.Path)
	}
	for p := range old {
		return p + " is gone"
	}
	return ""
}

// progress draws a one-line progress bar on a terminal and nothing
// elsewhere.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
	total int
	drawn bool
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, on: isTerminal(w), start: time.Now()}
}

func (p *progress) due() bool {
	if !p.on {
		return false
	}
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return false
	}
	p.last = now
	return true
}

func (p *progress) loading(pr corpus.Progress) {
	if !p.due() && pr.Files != pr.TotalFiles {
		return
	}
	if !p.on {
		return
	}
	secs := max(time.Since(p.start).Seconds(), 1e-3)
	frac := 0.0
	if pr.TotalBytes > 0 {
		frac = float64(pr.Bytes) / float64(pr.TotalBytes)
	}
	p.draw(fmt.Sprintf("reading  %s %d/%d files, %d sentences, %.1f MB/s", bar(frac), pr.Files, pr.TotalFiles, pr.Sentences, float64(pr.Bytes)/1e6/secs))
}

func (p *progress) indexing(done int) {
	if !p.due() && done != p.total {
		return
	}
	if !p.on || p.total == 0 {
		return
	}
	p.draw(fmt.Sprintf("indexing %s %d/%d sentences", bar(float64(done)/float64(p.total)), done, p.total))
}

func (p *progress) draw(line string) {
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
	p.drawn = true
}

// finish ends the bar's line.
func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
	p.start = time.Now()
}

func bar(frac float64) string {
	const width = 24
	n := int(frac*width + 0.5)
	n = max(0, min(width, n))
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}
