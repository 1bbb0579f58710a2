// Package eval measures answer quality on data sets in the BEIR layout:
// corpus.jsonl, queries.jsonl and qrels/<split>.tsv. It loads them, runs a
// ranking function over the queries and computes nDCG@10, Recall@100,
// MRR@10 and P@1 as BEIR (pytrec_eval) does, along with throughput.
package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"lectern/internal/regular"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Doc is one document of a BEIR corpus.
type Doc struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Query is one query of a BEIR data set.
type Query struct {
	ID   string `json:"_id"`
	Text string `json:"text"`
}

// Dataset is a BEIR data set: its corpus, and the queries of one split with
// their relevance judgments.
type Dataset struct {
	Name    string
	Split   string
	Docs    []Doc
	Queries []Query // only those judged in Split, in file order
	// Qrels maps a query ID to the relevant document IDs and their grades.
	Qrels map[string]map[string]int
}

// Load reads the data set in dir for split ("test", "train", "dev"). Lines
// that are not valid JSON, or qrels that are not "query<TAB>doc<TAB>score",
// are errors naming the file and line.
func Load(dir, split string) (*Dataset, error) {
	ds := &Dataset{Name: filepath.Base(filepath.Clean(dir)), Split: split}
	qrels, err := loadQrels(filepath.Join(dir, "qrels", split+".tsv"))
	if err != nil {
		return nil, err
	}
	ds.Qrels = qrels
	hasID := func(id string) error {
		if id == "" {
			return errors.New(`no "_id"`)
		}
		return nil
	}
	ds.Docs, err = ReadJSONL(filepath.Join(dir, "corpus.jsonl"), func(d Doc) error { return hasID(d.ID) })
	if err != nil {
		return nil, err
	}
	queries, err := ReadJSONL(filepath.Join(dir, "queries.jsonl"), func(q Query) error { return hasID(q.ID) })
	if err != nil {
		return nil, err
	}
	for _, q := range queries {
		if _, ok := qrels[q.ID]; ok {
			ds.Queries = append(ds.Queries, q)
		}
	}
	if len(ds.Docs) == 0 {
		return nil, fmt.Errorf("%s: the corpus is empty", filepath.Join(dir, "corpus.jsonl"))
	}
	if len(ds.Queries) == 0 {
		return nil, fmt.Errorf("%s: no query of queries.jsonl is judged in qrels/%s.tsv", dir, split)
	}
	return ds, nil
}

// ReadJSONL reads a JSON Lines file, such as a BEIR corpus.jsonl or
// queries.jsonl: one JSON value per line, blank lines skipped. If check is
// not nil it is called with every value. An error decoding or checking a
// line names the file and line.
func ReadJSONL[T any](path string, check func(T) error) ([]T, error) {
	file, err := regular.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var out []T
	r := bufio.NewReaderSize(file, 1<<20)
	for line := 1; ; line++ {
		raw, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(raw)) > 0 {
			var v T
			if jerr := json.Unmarshal(raw, &v); jerr != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, jerr)
			}
			if check != nil {
				if cerr := check(v); cerr != nil {
					return nil, fmt.Errorf("%s:%d: %w", path, line, cerr)
				}
			}
			out = append(out, v)
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
}

// maxQrelsBytes is the largest relevance judgments file Load reads.
const maxQrelsBytes = 1 << 30

func loadQrels(path string) (map[string]map[string]int, error) {
	data, err := regular.ReadFile(path, maxQrelsBytes)
	if err != nil {
		return nil, err
	}
	qrels := map[string]map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("%s:%d: want query-id<TAB>corpus-id<TAB>score", path, i+1)
		}
		score, err := strconv.Atoi(strings.TrimSpace(f[2]))
		if err != nil {
			if i == 0 {
				continue // the header
			}
			return nil, fmt.Errorf("%s:%d: score %q is not a whole number", path, i+1, f[2])
		}
		if score <= 0 {
			continue
		}
		if qrels[f[0]] == nil {
			qrels[f[0]] = map[string]int{}
		}
		qrels[f[0]][f[1]] = score
	}
	if len(qrels) == 0 {
		return nil, fmt.Errorf("%s: no judgments", path)
	}
	return qrels, nil
}

// sortedGrades returns the grades in m, best first.
func sortedGrades(m map[string]int) []int {
	g := make([]int, 0, len(m))
	for _, v := range m {
		g = append(g, v)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(g)))
	return g
}
