package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"lectern/bench/internal/workload"
	"lectern/retrieval/index"
)

// topK is the number of documents each question asks for.
const topK = 10

// engineResult is what a child process measures of one engine and prints as
// JSON on its standard output.
type engineResult struct {
	Engine       string  `json:"engine"`
	Docs         int     `json:"docs"`
	Questions    int     `json:"questions"`
	BuildSeconds float64 `json:"build_seconds"`
	IndexBytes   int64   `json:"index_bytes"` // -1 when the engine cannot save its index
	IndexNote    string  `json:"index_note,omitempty"`
	// EngineFileBytes is the size of the file retrieval.SaveEngine writes
	// for a retrieval.Engine over the same folder corpus (its sentences,
	// paragraphs and documents, and an index built with the engine's own
	// analyzer); EngineFileIndexBytes the part of it that is the index
	// (its "i." sections), -1 if the file's layout is not understood.
	EngineFileBytes      int64     `json:"engine_file_bytes,omitempty"`
	EngineFileIndexBytes int64     `json:"engine_file_index_bytes,omitempty"`
	BaselineRSS          int64     `json:"baseline_rss_bytes"` // after loading the corpus, before building
	PeakRSS              int64     `json:"peak_rss_bytes"`     // VmHWM at the end
	BuiltRSS             int64     `json:"built_rss_bytes"`    // after building and a garbage collection
	RusageMaxRSS         int64     `json:"rusage_maxrss_bytes,omitempty"`
	P50Micros            float64   `json:"latency_p50_us"`
	P99Micros            float64   `json:"latency_p99_us"`
	MeanMicros           float64   `json:"latency_mean_us"`
	QPS1                 float64   `json:"qps_1"`
	QPSN                 float64   `json:"qps_n"`
	QPS1Runs             []float64 `json:"qps_1_runs"`
	QPSNRuns             []float64 `json:"qps_n_runs"`
	LoadAvg              string    `json:"loadavg_before"` // /proc/loadavg when the child started
	Goroutines           int       `json:"goroutines"`
	EmptyAnswers         int       `json:"empty_answers"` // questions with no hit at all
	Config               string    `json:"config"`
	ThroughputMin        float64   `json:"throughput_min_seconds"`
}

// runChild measures one engine: it loads the corpus and the questions,
// builds the index, asks every question once to warm up (keeping each top-k
// for the overlap), once more timing each question, then measures
// throughput with one goroutine and with GOMAXPROCS goroutines. It writes
// the top-k lists to cfg.hitsFile and the result to stdout.
func runChild(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	if cfg.engine == "lectern-served" {
		return runServed(ctx, cfg, stdout)
	}
	var e engine
	var conf string
	switch cfg.engine {
	case "lectern":
		e = &lecternEngine{}
		conf = fmt.Sprintf("index.Build, LuceneStopWords, BM25{K1: %g, B: %g}", bm25K1, bm25B)
	case "lectern-ranked":
		e = &lecternRankedEngine{}
		o := rankedOptions
		conf = fmt.Sprintf("index.Build, lectern's analyzer, BM25{K1: %g, B: %g}, then retrieval.Searcher as the bot ranks (coverage exponent %g, exact-form bonus %g, fuzzy %v, synonyms %g, %d candidates rescored)",
			index.DefaultK1, index.DefaultB, o.Coord, o.Exact, o.Fuzzy, o.Synonyms, 30)
	case "bleve":
		e = &bleveEngine{opts: bleveOptions{BatchSize: cfg.bleveBatch, Merge: cfg.bleveMerge}}
		conf = fmt.Sprintf("bleve v2 scorch, bm25, batch %d, force-merge %v", cfg.bleveBatch, cfg.bleveMerge)
	default:
		return usageError{fmt.Errorf("unknown engine %q: want lectern, lectern-ranked or bleve", cfg.engine)}
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, "%s: "+format+"\n", append([]any{cfg.engine}, args...)...)
	}

	texts, err := loadTexts(cfg)
	if err != nil {
		return err
	}
	questions, err := workload.ReadQuestions(cfg.questionsFile)
	if err != nil {
		return err
	}
	if len(questions) == 0 {
		return fmt.Errorf("%s: no questions", cfg.questionsFile)
	}
	runtime.GC()
	debug.FreeOSMemory()
	res := engineResult{
		Engine:        cfg.engine,
		Docs:          texts.n,
		Questions:     len(questions),
		BaselineRSS:   workload.ProcStatus("VmRSS"),
		Goroutines:    runtime.GOMAXPROCS(0),
		Config:        conf,
		ThroughputMin: cfg.minTime.Seconds(),
		LoadAvg:       loadAvg(),
	}

	logf("indexing %d texts", texts.n)
	start := time.Now()
	if err := e.build(texts.n, texts.text, cfg.workDir); err != nil {
		return err
	}
	res.BuildSeconds = time.Since(start).Seconds()
	defer e.close()
	size, ok, why, err := e.diskSize()
	if err != nil {
		return err
	}
	res.IndexBytes, res.IndexNote = size, why
	if !ok {
		res.IndexBytes = -1
	}
	runtime.GC()
	debug.FreeOSMemory()
	res.BuiltRSS = workload.ProcStatus("VmRSS")
	logf("built in %.2fs; asking %d questions", res.BuildSeconds, len(questions))

	// Warm up, keeping the answers.
	hits := make([][]int, len(questions))
	for i, q := range questions {
		if hits[i], err = e.search(q, topK); err != nil {
			return fmt.Errorf("question %d %q: %w", i+1, q, err)
		}
		if len(hits[i]) == 0 {
			res.EmptyAnswers++
		}
	}
	if err := writeHits(cfg.hitsFile, hits); err != nil {
		return err
	}

	// Latency: cfg.runs timed passes, pooled.
	lat := make([]time.Duration, 0, cfg.runs*len(questions))
	for range cfg.runs {
		for i, q := range questions {
			t := time.Now()
			if _, err := e.search(q, topK); err != nil {
				return fmt.Errorf("question %d %q: %w", i+1, q, err)
			}
			lat = append(lat, time.Since(t))
		}
	}
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	res.P50Micros = micros(workload.Percentile(lat, 50))
	res.P99Micros = micros(workload.Percentile(lat, 99))
	res.MeanMicros = micros(sum / time.Duration(len(lat)))

	// Throughput: the median of cfg.runs measurements.
	for _, workers := range []int{1, res.Goroutines} {
		var runs []float64
		for range cfg.runs {
			qps, err := throughput(ctx, e, questions, workers, cfg.minTime)
			if err != nil {
				return err
			}
			runs = append(runs, qps)
		}
		logf("questions/s on %d goroutine(s): %.0f", workers, runs)
		if workers == 1 {
			res.QPS1, res.QPS1Runs = median(runs), runs
		} else {
			res.QPSN, res.QPSNRuns = median(runs), runs
		}
	}

	if err := e.close(); err != nil {
		return err
	}
	res.PeakRSS = workload.ProcStatus("VmHWM")

	// Not measured above, so after the peak is read: the size of lectern's
	// saved index file for this corpus.
	if cfg.engine == "lectern" && texts.c != nil {
		logf("saving a retrieval.Engine over the corpus with SaveEngine")
		if res.EngineFileBytes, res.EngineFileIndexBytes, err = engineFileSize(texts.c, cfg.engineFile); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(stdout)
	return enc.Encode(res)
}

// median returns the median of x (the mean of the middle two for an even
// count), sorting x.
func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	slices.Sort(x)
	if n := len(x); n%2 == 0 {
		return (x[n/2-1] + x[n/2]) / 2
	}
	return x[len(x)/2]
}

// loadAvg returns the first three fields of /proc/loadavg (the load
// averages over 1, 5 and 15 minutes), or "".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// throughput asks the questions round-robin from workers goroutines until
// every question has been asked at least once and minTime has passed, and
// returns the questions answered per second.
func throughput(ctx context.Context, e engine, questions []string, workers int, minTime time.Duration) (float64, error) {
	var next, done atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(minTime)
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(len(questions)) && time.Now().After(deadline) {
					return
				}
				if _, err := e.search(questions[i%int64(len(questions))], topK); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return 0, firstErr
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return float64(done.Load()) / elapsed.Seconds(), nil
}

// writeHits writes one JSON array of document numbers per line.
func writeHits(path string, hits [][]int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, h := range hits {
		if h == nil {
			h = []int{}
		}
		if err := enc.Encode(h); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readHits reads a file written by writeHits.
func readHits(path string) ([][]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var hits [][]int
	dec := json.NewDecoder(bufio.NewReader(f))
	for {
		var h []int
		err := dec.Decode(&h)
		if errors.Is(err, io.EOF) {
			return hits, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		hits = append(hits, h)
	}
}
