package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"

	"lectern/bench/internal/workload"
)

// report is everything one comparison found; -json prints it as is.
type report struct {
	Corpus         string              `json:"corpus"`
	Docs           int                 `json:"docs"`
	Questions      int                 `json:"questions"`
	QuestionSource string              `json:"question_source"`
	K              int                 `json:"k"`
	Command        string              `json:"command"`
	Machine        machine             `json:"machine"`
	Engines        []engineResult      `json:"engines"`
	Agreement      *workload.Agreement `json:"agreement,omitempty"`
	// AgreementByText counts identical texts as the same document.
	AgreementByText *workload.Agreement `json:"agreement_by_text,omitempty"`
	// Ratios are lectern's value over bleve's, by metric.
	Ratios map[string]float64 `json:"ratios_lectern_over_bleve,omitempty"`
	// Served is lectern serving from its saved engine file (folder corpora).
	Served *servedResult `json:"lectern_served,omitempty"`
}

// run is the parent: it makes the questions, runs each engine in a child
// process, one after the other, compares their top-k lists and prints the
// report.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this program to run the engines: %w", err)
	}
	work, err := os.MkdirTemp("", "lectern-compare-")
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Fprintf(stderr, "work folder: %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}

	t, err := loadTexts(cfg)
	if err != nil {
		return err
	}
	questions, how, err := loadQuestions(cfg, t)
	if err != nil {
		return err
	}
	canon := workload.Canonical(t.n, t.text)
	t = texts{} // let the children have the memory
	if len(questions) == 0 {
		return fmt.Errorf("no questions (%s)", how)
	}
	fmt.Fprintf(stderr, "questions: %s\n", how)
	qpath := filepath.Join(work, "questions.jsonl")
	if err := workload.WriteQuestions(qpath, questions); err != nil {
		return err
	}
	if cfg.saveQuestions != "" {
		if err := workload.WriteQuestions(cfg.saveQuestions, questions); err != nil {
			return err
		}
	}

	rep := report{
		Corpus:         cfg.corpus,
		Questions:      len(questions),
		QuestionSource: how,
		K:              topK,
		Command:        commandLine(cfg.args),
		Machine:        describeMachine(),
	}
	hits := map[string][][]int{}
	for _, name := range cfg.engines {
		dir := filepath.Join(work, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		hpath := filepath.Join(work, name+".hits.jsonl")
		res, err := runEngine(ctx, exe, cfg, name, qpath, hpath, dir, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if !cfg.keep {
			os.RemoveAll(dir)
		}
		if hits[name], err = readHits(hpath); err != nil {
			return err
		}
		if len(hits[name]) != len(questions) {
			return fmt.Errorf("%s answered %d of %d questions", name, len(hits[name]), len(questions))
		}
		rep.Docs = res.Docs
		rep.Engines = append(rep.Engines, res)
	}
	if enginePath := filepath.Join(work, "lectern-engine.idx"); fileExists(enginePath) {
		fmt.Fprintf(stderr, "lectern-served: loading the saved engine and answering\n")
		s, err := runServedChild(ctx, exe, cfg, qpath, work, enginePath, stderr)
		if err != nil {
			return fmt.Errorf("lectern-served: %w", err)
		}
		rep.Served = &s
	}
	if l, b := hits["lectern"], hits["bleve"]; l != nil && b != nil {
		ag, err := workload.Compare(l, b)
		if err != nil {
			return err
		}
		rep.Agreement = &ag
		byText, err := workload.Compare(workload.Canonicalize(l, canon), workload.Canonicalize(b, canon))
		if err != nil {
			return err
		}
		rep.AgreementByText = &byText
		rep.Ratios = ratios(rep.Engines)
	}

	if cfg.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeMarkdown(stdout, rep)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// runServedChild runs this program again to measure lectern serving from
// its saved engine file.
func runServedChild(ctx context.Context, exe string, cfg config, qpath, work, enginePath string, stderr io.Writer) (servedResult, error) {
	cmd := exec.CommandContext(ctx, exe, "-engine", "lectern-served", "-corpus", cfg.corpus, "-data", cfg.dataDir,
		"-questions-file", qpath, "-hits", filepath.Join(work, "served.hits"), "-workdir", work,
		"-engine-file", enginePath, "-min-time", cfg.minTime.String(), "-runs", strconv.Itoa(cfg.runs))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	var res servedResult
	if err := cmd.Run(); err != nil {
		return res, err
	}
	err := json.Unmarshal(out.Bytes(), &res)
	return res, err
}

// runEngine runs this program again as a child that measures one engine,
// and returns what it printed, with its peak memory as the kernel saw it.
func runEngine(ctx context.Context, exe string, cfg config, name, qpath, hpath, dir string, stderr io.Writer) (engineResult, error) {
	args := []string{
		"-engine", name,
		"-corpus", cfg.corpus,
		"-data", cfg.dataDir,
		"-questions-file", qpath,
		"-hits", hpath,
		"-workdir", dir,
		"-min-time", cfg.minTime.String(),
		"-runs", strconv.Itoa(cfg.runs),
		"-bleve-batch", strconv.Itoa(cfg.bleveBatch),
		"-bleve-merge=" + strconv.FormatBool(cfg.bleveMerge),
		"-engine-file", filepath.Join(filepath.Dir(dir), "lectern-engine.idx"),
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return engineResult{}, err
	}
	var res engineResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return res, fmt.Errorf("read the child's results %q: %w", out.String(), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.RusageMaxRSS = ru.Maxrss << 10 // kB on Linux
	}
	if res.PeakRSS == 0 { // no /proc: fall back on getrusage
		res.PeakRSS = res.RusageMaxRSS
	}
	return res, nil
}

// ratios divides lectern's measurements by bleve's.
func ratios(engines []engineResult) map[string]float64 {
	var l, b, ranked *engineResult
	for i := range engines {
		switch engines[i].Engine {
		case "lectern":
			l = &engines[i]
		case "lectern-ranked":
			ranked = &engines[i]
		case "bleve":
			b = &engines[i]
		}
	}
	r := map[string]float64{}
	div := func(key string, x, y float64) {
		if x > 0 && y > 0 {
			r[key] = x / y
		}
	}
	div("build_time", l.BuildSeconds, b.BuildSeconds)
	div("index_bytes", float64(l.IndexBytes), float64(b.IndexBytes))
	div("peak_rss", float64(l.PeakRSS), float64(b.PeakRSS))
	div("built_rss", float64(l.BuiltRSS), float64(b.BuiltRSS))
	div("latency_p50", l.P50Micros, b.P50Micros)
	div("latency_p99", l.P99Micros, b.P99Micros)
	div("qps_1", l.QPS1, b.QPS1)
	div("qps_n", l.QPSN, b.QPSN)
	if ranked != nil {
		div("ranked_latency_p50", ranked.P50Micros, b.P50Micros)
		div("ranked_qps_1", ranked.QPS1, b.QPS1)
		div("ranked_qps_n", ranked.QPSN, b.QPSN)
	}
	return r
}
