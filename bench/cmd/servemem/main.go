// Command servemem measures lectern's memory while it serves: it opens a
// saved index file as lectern serve does (retrieval.Open with the file, and
// its corpus's files checked when they are still there), then answers the
// same questions round after round with Engine.Answer on all cores, as the
// bot asks them (top 3), and prints after each round the resident memory,
// split into the index file's mapped pages and the rest, and the Go heap.
// Memory that is flat after the first round is bounded by the index file
// and the heap in use; memory that keeps growing is a leak.
//
//	go run ./cmd/lectern index --corpus /root/.cache/lectern-bench/bigcorpus --out /tmp/big.idx
//	cd bench && go run ./cmd/servemem -index /tmp/big.idx -questions 2000 -rounds 10
//
// The questions are generated from the corpus's sentences as compare
// generates them (workload.Generate), or read from -questions-from.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"lectern/bench/internal/workload"
	"lectern/retrieval"
	"lectern/retrieval/index"
)

// config is the parsed command line.
type config struct {
	index         string
	numQuestions  int
	seed          uint64
	questionsFrom string
	rounds        int
	workers       int
	json          bool
}

// round is what one round measured; sizes are in bytes.
type round struct {
	Round      string  `json:"round"` // "loaded", "questions made", then "1", "2"…
	Seconds    float64 `json:"seconds"`
	QPS        float64 `json:"qps"`
	RSS        int64   `json:"rss"`
	RSSFile    int64   `json:"rss_file"`  // the mapped index file's resident pages (RssFile and RssShmem: the snapshot is on tmpfs when the file is)
	RSSAnon    int64   `json:"rss_anon"`  // the heap and the rest
	HWM        int64   `json:"rss_peak"`  // VmHWM so far
	HeapLive   uint64  `json:"heap_live"` // the Go heap marked live by the last collection
	HeapInUse  uint64  `json:"heap_in_use"`
	GoTotal    uint64  `json:"go_total"` // all memory the Go runtime has mapped and not released
	GCs        uint64  `json:"gcs"`
	Goroutines int     `json:"goroutines"`
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "servemem:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a bad command line: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

func parse(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("servemem", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.index, "index", "", "the saved index file to serve from (lectern index --out FILE)")
	fs.IntVar(&cfg.numQuestions, "questions", 2000, "number of questions to generate from the corpus")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the generated questions")
	fs.StringVar(&cfg.questionsFrom, "questions-from", "", "ask the questions in this file instead (one JSON string per line, as compare -save-questions writes)")
	fs.IntVar(&cfg.rounds, "rounds", 10, "how many times to ask all the questions")
	fs.IntVar(&cfg.workers, "workers", runtime.GOMAXPROCS(0), "questions asked at once")
	fs.BoolVar(&cfg.json, "json", false, "print one JSON object per round instead of a table")
	if err := fs.Parse(args); err != nil {
		return cfg, usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return cfg, usageError{fmt.Errorf("unexpected arguments %q", fs.Args())}
	case cfg.index == "":
		return cfg, usageError{errors.New("-index FILE is required")}
	case cfg.numQuestions <= 0 || cfg.rounds <= 0 || cfg.workers <= 0:
		return cfg, usageError{errors.New("-questions, -rounds and -workers must be positive")}
	}
	return cfg, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parse(args, stderr)
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := time.Now()
	o, err := retrieval.Open(ctx, retrieval.Source{Index: cfg.index, Note: func(msg string) { fmt.Fprintln(stderr, "servemem:", msg) }})
	if err != nil {
		return err
	}
	if !o.FromIndex {
		return fmt.Errorf("%s was not used as it is (see above): serve from an up-to-date index file", cfg.index)
	}
	e := o.Engine
	loaded := time.Since(start)
	report := newReporter(stdout, cfg.json)
	report.add(measure("loaded", 0, 0))
	var questions []string
	if cfg.questionsFrom != "" {
		questions, err = workload.ReadQuestions(cfg.questionsFrom)
	} else {
		c := e.Corpus()
		stop := append(append([]string(nil), index.DefaultStopWords...), index.LuceneStopWords...)
		questions, err = workload.Generate(c.Len(), c.Text, cfg.numQuestions, cfg.seed, stop)
	}
	if err != nil {
		return err
	}
	if len(questions) == 0 {
		return errors.New("no questions")
	}
	fmt.Fprintf(stderr, "servemem: loaded %s (%d sentences) in %.2f s; %d questions, %d rounds, %d at once\n",
		cfg.index, e.Corpus().Len(), loaded.Seconds(), len(questions), cfg.rounds, cfg.workers)
	// Making the questions reads the sentences they come from.
	report.add(measure("questions made", 0, 0))
	for r := 1; r <= cfg.rounds; r++ {
		t := time.Now()
		if err := ask(e, questions, cfg.workers); err != nil {
			return err
		}
		took := time.Since(t)
		report.add(measure(strconv.Itoa(r), took, len(questions)))
	}
	return report.close()
}

// ask answers every question once, on workers goroutines.
func ask(e *retrieval.Engine, questions []string, workers int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(questions) {
					return
				}
				if _, err := e.Answer(questions[i], retrieval.Request{Top: 3}); err != nil && !errors.Is(err, retrieval.ErrEmptyQuestion) {
					errs[w] = fmt.Errorf("question %q: %w", questions[i], err)
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// measure reads the process's memory after a round, without collecting
// garbage first: what serving holds as it runs.
func measure(r string, took time.Duration, asked int) round {
	s := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	metrics.Read(s)
	out := round{
		Round: r, Seconds: took.Seconds(),
		RSS: workload.ProcStatus("VmRSS"), RSSFile: workload.ProcStatus("RssFile") + workload.ProcStatus("RssShmem"), RSSAnon: workload.ProcStatus("RssAnon"), HWM: workload.ProcStatus("VmHWM"),
		HeapLive: s[0].Value.Uint64(), HeapInUse: s[1].Value.Uint64(),
		GoTotal: s[2].Value.Uint64() - s[3].Value.Uint64(), GCs: s[4].Value.Uint64(),
		Goroutines: runtime.NumGoroutine(),
	}
	if took > 0 {
		out.QPS = float64(asked) / took.Seconds()
	}
	return out
}

// reporter prints the rounds as a table, or as JSON lines.
type reporter struct {
	w    io.Writer
	json bool
	enc  *json.Encoder
	all  []round
}

func newReporter(w io.Writer, asJSON bool) *reporter {
	r := &reporter{w: w, json: asJSON, enc: json.NewEncoder(w)}
	if !asJSON {
		fmt.Fprintf(w, "| round | seconds | questions/s | RSS | file pages | heap and rest | peak RSS | Go heap live | Go heap in use | Go mapped | GCs | goroutines |\n")
		fmt.Fprintf(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	}
	return r
}

func (r *reporter) add(x round) {
	r.all = append(r.all, x)
	if r.json {
		r.enc.Encode(x)
		return
	}
	fmt.Fprintf(r.w, "| %s | %.2f | %.0f | %s | %s | %s | %s | %s | %s | %s | %d | %d |\n",
		x.Round, x.Seconds, x.QPS, mib(x.RSS), mib(x.RSSFile), mib(x.RSSAnon), mib(x.HWM), mib(int64(x.HeapLive)), mib(int64(x.HeapInUse)), mib(int64(x.GoTotal)), x.GCs, x.Goroutines)
}

// close prints how much memory grew from the end of the first round to
// the end of the last.
func (r *reporter) close() error {
	if r.json || len(r.all) < 4 {
		return nil
	}
	first, last := r.all[2], r.all[len(r.all)-1]
	fmt.Fprintf(r.w, "\nfrom round 1 to round %s: RSS %+.1f MiB (file pages %+.1f, heap and rest %+.1f), Go heap live %+.1f MiB\n\n",
		last.Round, dmib(last.RSS-first.RSS), dmib(last.RSSFile-first.RSSFile), dmib(last.RSSAnon-first.RSSAnon), dmib(int64(last.HeapLive)-int64(first.HeapLive)))
	return nil
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func dmib(b int64) float64 { return float64(b) / (1 << 20) }
