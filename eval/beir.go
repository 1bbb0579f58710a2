// Package eval measures answer quality on data sets in the BEIR layout:
// corpus.jsonl, queries.jsonl and qrels/<split>.tsv. It loads them, runs a
// ranking function over the queries and computes nDCG@10, Recall@100,
// MRR@10 and P@1 as BEIR (pytrec_eval) does, along with throughput.
package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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
	if err := eachJSON(filepath.Join(dir, "corpus.jsonl"), func(line int, raw []byte) error {
		var d Doc
		if err := json.Unmarshal(raw, &d); err != nil {
			return err
		}
		if d.ID == "" {
			return errors.New(`no "_id"`)
		}
		ds.Docs = append(ds.Docs, d)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachJSON(filepath.Join(dir, "queries.jsonl"), func(line int, raw []byte) error {
		var q Query
		if err := json.Unmarshal(raw, &q); err != nil {
			return err
		}
		if _, ok := qrels[q.ID]; ok {
			ds.Queries = append(ds.Queries, q)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if len(ds.Docs) == 0 {
		return nil, fmt.Errorf("%s: the corpus is empty", filepath.Join(dir, "corpus.jsonl"))
	}
	if len(ds.Queries) == 0 {
		return nil, fmt.Errorf("%s: no query of queries.jsonl is judged in qrels/%s.tsv", dir, split)
	}
	return ds, nil
}

func eachJSON(path string, f func(line int, raw []byte) error) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 1<<20)
	for line := 1; ; line++ {
		raw, err := r.ReadBytes('\n')
		if len(strings.TrimSpace(string(raw))) > 0 {
			if ferr := f(line, raw); ferr != nil {
				return fmt.Errorf("%s:%d: %v", path, line, ferr)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
}

func loadQrels(path string) (map[string]map[string]int, error) {
	data, err := os.ReadFile(path)
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

// Judgments returns the number of relevance judgments of the split.
func (ds *Dataset) Judgments() int {
	n := 0
	for _, q := range ds.Queries {
		n += len(ds.Qrels[q.ID])
	}
	return n
}

// sortedIDs returns the keys of m sorted by grade, best first.
func sortedGrades(m map[string]int) []int {
	g := make([]int, 0, len(m))
	for _, v := range m {
		g = append(g, v)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(g)))
	return g
}
