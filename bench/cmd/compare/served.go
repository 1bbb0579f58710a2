package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"lectern/bench/internal/workload"
	"lectern/retrieval"
)

// servedResult measures lectern as the bot runs it: a fresh process loads
// the engine file lectern index writes (corpus and index) and answers with
// Engine.Answer, the whole path of a question: search, rescoring, excerpts
// and citations.
type servedResult struct {
	FileBytes   int64   `json:"file_bytes"`
	RawBytes    int64   `json:"raw_text_bytes"` // the corpus's files
	LoadSeconds float64 `json:"load_seconds"`
	LoadedRSS   int64   `json:"loaded_rss_bytes"`   // after loading
	LoadPeak    int64   `json:"load_peak_bytes"`    // VmHWM after loading
	PeakRSS     int64   `json:"peak_rss_bytes"`     // VmHWM at the end
	EndFile     int64   `json:"end_rss_file_bytes"` // at the end: mapped file pages resident
	EndAnon     int64   `json:"end_rss_anon_bytes"` // at the end: the heap and the rest
	P50Micros   float64 `json:"latency_p50_us"`
	P99Micros   float64 `json:"latency_p99_us"`
	QPS1        float64 `json:"qps_1"`
	QPSN        float64 `json:"qps_n"`
	Goroutines  int     `json:"goroutines"`
}

// answerEngine asks questions through Engine.Answer, for throughput.
type answerEngine struct{ e *retrieval.Engine }

func (a answerEngine) build(int, func(int) string, string) error { return nil }
func (a answerEngine) diskSize() (int64, bool, string, error)    { return 0, false, "", nil }
func (a answerEngine) close() error                              { return nil }
func (a answerEngine) search(q string, k int) ([]int, error) {
	ans, err := a.e.Answer(q, retrieval.Request{Top: 3})
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(ans.Results))
	for i, r := range ans.Results {
		ids[i] = r.ID
	}
	return ids, nil
}

// runServed is the child that measures the saved engine at cfg.engineFile.
func runServed(ctx context.Context, cfg config, stdout io.Writer) error {
	questions, err := workload.ReadQuestions(cfg.questionsFile)
	if err != nil {
		return err
	}
	info, err := os.Stat(cfg.engineFile)
	if err != nil {
		return err
	}
	res := servedResult{FileBytes: info.Size(), Goroutines: runtime.GOMAXPROCS(0)}
	start := time.Now()
	e, saved, err := retrieval.LoadEngine(cfg.engineFile, retrieval.Options{})
	if err != nil {
		return fmt.Errorf("load %s: %w", cfg.engineFile, err)
	}
	res.LoadSeconds = time.Since(start).Seconds()
	for _, f := range saved.Files {
		res.RawBytes += f.Size
	}
	runtime.GC()
	debug.FreeOSMemory()
	res.LoadedRSS = workload.ProcStatus("VmRSS")
	res.LoadPeak = workload.ProcStatus("VmHWM")
	a := answerEngine{e}
	for _, q := range questions { // warm up
		if _, err := a.search(q, topK); err != nil {
			return err
		}
	}
	var lat []time.Duration
	for range cfg.runs {
		for _, q := range questions {
			t := time.Now()
			a.search(q, topK)
			lat = append(lat, time.Since(t))
		}
	}
	slices.Sort(lat)
	res.P50Micros = micros(workload.Percentile(lat, 50))
	res.P99Micros = micros(workload.Percentile(lat, 99))
	if res.QPS1, err = throughput(ctx, a, questions, 1, cfg.minTime); err != nil {
		return err
	}
	if res.QPSN, err = throughput(ctx, a, questions, res.Goroutines, cfg.minTime); err != nil {
		return err
	}
	res.PeakRSS = workload.ProcStatus("VmHWM")
	res.EndFile, res.EndAnon = workload.ProcStatus("RssFile"), workload.ProcStatus("RssAnon")
	return json.NewEncoder(stdout).Encode(res)
}

func writeServed(w io.Writer, s *servedResult) {
	mib := func(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
	fmt.Fprintf(w, "### lectern serving from its saved index file\n\n")
	fmt.Fprintf(w, "A fresh process loads the file `lectern index` writes (corpus and index, lectern's own analyzer) and answers each question with `Engine.Answer`, as the bot does: search, rescoring, excerpts and citations, top 3.\n\n")
	fmt.Fprintf(w, "| | |\n|---|---:|\n")
	fmt.Fprintf(w, "| index file | %s |\n", mib(s.FileBytes))
	fmt.Fprintf(w, "| raw text of the corpus | %s |\n", mib(s.RawBytes))
	fmt.Fprintf(w, "| load time | %.2f s |\n", s.LoadSeconds)
	ratio := ""
	if s.RawBytes > 0 {
		ratio = fmt.Sprintf(" (%.2f× the raw text)", float64(s.LoadedRSS)/float64(s.RawBytes))
	}
	fmt.Fprintf(w, "| resident after loading | %s%s |\n", mib(s.LoadedRSS), ratio)
	fmt.Fprintf(w, "| peak memory while loading (VmHWM) | %s |\n", mib(s.LoadPeak))
	if s.RawBytes > 0 {
		ratio = fmt.Sprintf(" (%.2f× the raw text)", float64(s.PeakRSS)/float64(s.RawBytes))
	}
	fmt.Fprintf(w, "| peak memory while answering (VmHWM) | %s%s |\n", mib(s.PeakRSS), ratio)
	fmt.Fprintf(w, "| resident at the end: file pages / heap and the rest | %s / %s |\n", mib(s.EndFile), mib(s.EndAnon))
	fmt.Fprintf(w, "| latency p50 / p99 | %.0f µs / %.2f ms |\n", s.P50Micros, s.P99Micros/1000)
	fmt.Fprintf(w, "| questions/s, 1 goroutine / %d | %.0f / %.0f |\n\n", s.Goroutines, s.QPS1, s.QPSN)
}
