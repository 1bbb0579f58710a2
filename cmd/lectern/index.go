package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"lectern/config"
	"lectern/corpus"
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
  lectern ask --index books.idx "What does chapter two say about taxes?"
  lectern index                 # every book of corpora: in lectern.yaml that has an index
  lectern index --book history  # one of them`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			defer indexGC(os.LookupEnv)()
			if err := a.load(cmd, nil); err != nil {
				return err
			}
			var books []config.Book
			switch all := a.cfg.Books(); {
			case out != "":
				b, err := a.book()
				if err != nil {
					return err
				}
				b.Index = out
				books = []config.Book{b}
			case a.bookName != "" || len(all) == 1:
				b, err := a.book()
				if err != nil {
					return err
				}
				books = []config.Book{b}
			default:
				for _, b := range all {
					if b.Index != "" {
						books = append(books, b)
					}
				}
				if len(books) == 0 {
					return usagef("index needs --out FILE, or books with index: under corpora in lectern.yaml")
				}
			}
			for _, b := range books {
				if b.Index == "" {
					if b.Name != "" {
						return usagef("book %s has no index: give it index: FILE under corpora in lectern.yaml, or use --out FILE", b.Name)
					}
					return usagef("index needs --out FILE (or index: in lectern.yaml)")
				}
				start := time.Now()
				o, err := a.open(cmd.Context(), b, engineOptions(a.cfg), true)
				if err != nil {
					return err
				}
				c, ix := o.Engine.Corpus(), o.Engine.Index()
				name := ""
				if b.Name != "" {
					name = b.Name + ": "
				}
				fmt.Fprintf(a.stdout, "%sindexed %d documents, %d sentences, %d terms, %d postings in %.1fs; wrote %s (%.1f MB)\n",
					name, len(c.Documents()), c.Len(), ix.NumTerms(), ix.NumPostings(), time.Since(start).Seconds(), b.Index, float64(o.Wrote)/1e6)
				if l := languagesLine(c); l != "" {
					fmt.Fprintf(a.stdout, "%s%s\n", name, l)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "the index file to write")
	return cmd
}

// indexGCPercent is the garbage collector's GOGC while lectern index
// runs. Building an index keeps a few hundred MB alive that it makes in
// large, pointer-free slices, cheap to mark: collecting at 25% growth
// instead of Go's 100% (about 48 collections instead of 15 on 1.16 M
// sentences) costs no time that can be measured on a 2-core machine and
// keeps the peak memory a little lower: 346 MiB instead of 360 MiB (medians
// of 5 runs). Most of what it once saved is now saved by the build
// itself, which returns what each of its stages lets go of to the system.
const indexGCPercent = 25

// indexGC sets the garbage collector's GOGC to indexGCPercent, unless the
// GOGC environment variable (read through lookup) says otherwise, and
// returns what puts it back.
func indexGC(lookup func(string) (string, bool)) (restore func()) {
	if _, set := lookup("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(indexGCPercent)
	return func() { debug.SetGCPercent(old) }
}

// progress draws a one-line progress bar on a terminal and nothing
// elsewhere.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
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

// stageHook, set only by tests, is told of each step of loading
// ("loading", after each file) and of indexing ("indexing", every few
// thousand sentences), as the progress bar is.
var stageHook func(stage string)

func (p *progress) loading(pr corpus.Progress) {
	if stageHook != nil {
		stageHook("loading")
	}
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

func (p *progress) indexing(done, total int) {
	if stageHook != nil {
		stageHook("indexing")
	}
	if !p.due() && done != total {
		return
	}
	if !p.on || total == 0 {
		return
	}
	p.draw(fmt.Sprintf("indexing %s %d/%d sentences", bar(float64(done)/float64(total)), done, total))
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
