package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// machine describes the computer the comparison ran on.
type machine struct {
	CPU        string `json:"cpu"`
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	RAMBytes   int64  `json:"ram_bytes"`
	Go         string `json:"go"`
	OS         string `json:"os"`
	Kernel     string `json:"kernel,omitempty"`
}

func describeMachine() machine {
	m := machine{
		CPU:        "unknown",
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Go:         runtime.Version(),
		OS:         runtime.GOOS + "/" + runtime.GOARCH,
	}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" { // "24576000 kB"
		if f := strings.Fields(v); len(f) == 2 && f[1] == "kB" {
			kb, _ := strconv.ParseInt(f[0], 10, 64)
			m.RAMBytes = kb << 10
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// procField returns the value of the first "name : value" line of a /proc
// file, or "".
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// commandLine returns the command that reproduces this run: "go run
// ./cmd/compare …" when run with go run (from bench/), else the program's
// path.
func commandLine(args []string) string {
	prog := os.Args[0]
	if strings.Contains(prog, "go-build") {
		prog = "go run ./cmd/compare"
	}
	parts := []string{prog}
	for _, a := range args {
		parts = append(parts, shellQuote(a))
	}
	cmd := strings.Join(parts, " ")
	if wd, err := os.Getwd(); err == nil {
		cmd = "cd " + shellQuote(wd) + " && " + cmd
	}
	return cmd
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_=./,:+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeMarkdown prints the report: a table with a column per engine and a
// lectern/bleve column, the agreement of their top-k lists, the machine and
// the command.
func writeMarkdown(w io.Writer, r report) error {
	bw := bufio.NewWriter(w)
	name := r.Corpus
	if name != scifact {
		name = "folder " + filepath.Base(r.Corpus)
	}
	fmt.Fprintf(bw, "## lectern vs bleve: %s\n\n", name)
	fmt.Fprintf(bw, "%s texts indexed; %s questions (%s); top %d.\n\n", group(int64(r.Docs)), group(int64(r.Questions)), r.QuestionSource, r.K)

	header := "| |"
	rule := "|---|"
	for _, e := range r.Engines {
		header += " " + e.Engine + " |"
		rule += "---:|"
	}
	if r.Ratios != nil {
		header += " lectern/bleve |"
		rule += "---:|"
	}
	fmt.Fprintln(bw, header)
	fmt.Fprintln(bw, rule)
	row := func(label, ratioKey string, cell func(e engineResult) string) {
		line := "| " + label + " |"
		for _, e := range r.Engines {
			line += " " + cell(e) + " |"
		}
		if r.Ratios != nil {
			v, ok := r.Ratios[ratioKey]
			if ok {
				line += fmt.Sprintf(" %.2f× |", v)
			} else {
				line += " |"
			}
		}
		fmt.Fprintln(bw, line)
	}
	row("index build time", "build_time", func(e engineResult) string { return fmt.Sprintf("%.2f s", e.BuildSeconds) })
	row("index size on disk", "index_bytes", func(e engineResult) string {
		if e.IndexBytes < 0 {
			return "n/a"
		}
		return mib(e.IndexBytes)
	})
	for _, e := range r.Engines {
		if e.EngineFileBytes > 0 {
			row("lectern index file (SaveEngine, with the corpus)¹", "", func(x engineResult) string {
				if x.EngineFileBytes <= 0 {
					return "—"
				}
				if x.EngineFileIndexBytes < 0 {
					return mib(x.EngineFileBytes)
				}
				return fmt.Sprintf("%s (index %s)", mib(x.EngineFileBytes), mib(x.EngineFileIndexBytes))
			})
		}
	}
	row("peak memory (VmHWM)", "peak_rss", func(e engineResult) string { return mib(e.PeakRSS) })
	row("resident after loading the corpus", "", func(e engineResult) string { return mib(e.BaselineRSS) })
	row("resident after building", "built_rss", func(e engineResult) string { return mib(e.BuiltRSS) })
	row("latency p50", "latency_p50", func(e engineResult) string { return micro(e.P50Micros) })
	row("latency p99", "latency_p99", func(e engineResult) string { return micro(e.P99Micros) })
	row("questions/s, 1 goroutine", "qps_1", func(e engineResult) string { return group(int64(e.QPS1 + 0.5)) })
	row(fmt.Sprintf("questions/s, %d goroutines", r.Machine.GOMAXPROCS), "qps_n", func(e engineResult) string { return group(int64(e.QPSN + 0.5)) })
	row("questions with no hit", "", func(e engineResult) string { return strconv.Itoa(e.EmptyAnswers) })
	fmt.Fprintln(bw)
	if q1, ok := r.Ratios["ranked_qps_1"]; ok {
		fmt.Fprintf(bw, "lectern-ranked/bleve: questions/s %.2f× on 1 goroutine, %.2f× on %d; latency p50 %.2f×.\n\n",
			q1, r.Ratios["ranked_qps_n"], r.Machine.GOMAXPROCS, r.Ratios["ranked_latency_p50"])
	}

	if a, t := r.Agreement, r.AgreementByText; a != nil && t != nil {
		fmt.Fprintf(bw, "Top-%d overlap over %s questions: mean |A∩B|/%d = %.3f; top-1 agree on %.1f%% of questions. "+
			"Counting identical texts as one document: %.3f and %.1f%%.\n\n",
			r.K, group(int64(a.Questions)), r.K, a.MeanOverlap, 100*a.Top1, t.MeanOverlap, 100*t.Top1)
	}
	for _, e := range r.Engines {
		fmt.Fprintf(bw, "- %s: %s", e.Engine, e.Config)
		if e.IndexNote != "" {
			fmt.Fprintf(bw, "; index size: %s", e.IndexNote)
		}
		if e.LoadAvg != "" {
			fmt.Fprintf(bw, "; load average %s when it started", e.LoadAvg)
		}
		fmt.Fprintln(bw)
	}
	for _, e := range r.Engines {
		if e.EngineFileBytes > 0 {
			fmt.Fprintf(bw, "\n¹ The file `lectern index` writes for this folder: a retrieval.Engine (lectern's own analyzer and defaults) with the corpus's documents, paragraphs and sentences; \"index\" is its index sections alone. The index size above is Index.WriteTo of the index measured here, with Lucene's stop words.\n")
		}
	}
	if r.Served != nil {
		fmt.Fprintln(bw)
		writeServed(bw, r.Served)
	}
	m := r.Machine
	fmt.Fprintf(bw, "\nMachine: %s, %d cores (GOMAXPROCS %d), %s RAM, %s, %s", m.CPU, m.Cores, m.GOMAXPROCS, gib(m.RAMBytes), m.Go, m.OS)
	if m.Kernel != "" {
		fmt.Fprintf(bw, " (Linux %s)", m.Kernel)
	}
	fmt.Fprintf(bw, ".\n\nCommand: `%s`\n", r.Command)
	return bw.Flush()
}

func mib(b int64) string {
	if b <= 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

func gib(b int64) string {
	if b <= 0 {
		return "? GiB"
	}
	return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
}

func micro(us float64) string {
	if us >= 1000 {
		return fmt.Sprintf("%.2f ms", us/1000)
	}
	return fmt.Sprintf("%.0f µs", us)
}

// group writes n with thin thousands separators: 12,345.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
