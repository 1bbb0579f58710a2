package eval

import (
	"context"
	"runtime"
	"time"
)

// Ranker returns up to k document IDs for a query, best first.
type Ranker interface {
	Rank(query string, k int) []string
}

// Result is an evaluation's outcome.
type Result struct {
	Metrics
	// PerQuery holds each query's metrics, in the data set's order.
	PerQuery []Metrics `json:"-"`
	// QueryTime is the total time spent ranking, one query after another.
	QueryTime time.Duration `json:"-"`
	// QPS is queries per second on one goroutine.
	QPS float64 `json:"qps"`
}

// Run ranks every query of ds with r, one at a time, asking for the top 100,
// and averages the metrics. It stops with ctx's error when ctx is done.
func Run(ctx context.Context, ds *Dataset, r Ranker) (Result, error) {
	var res Result
	var sum Metrics
	// Collect what building left behind first, as testing.B does before
	// timing, so that its garbage is not collected on the queries' time.
	runtime.GC()
	start := time.Now()
	rankings := make([][]string, len(ds.Queries))
	for i, q := range ds.Queries {
		if i%64 == 0 && ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		rankings[i] = r.Rank(q.Text, 100)
	}
	res.QueryTime = time.Since(start)
	for i, q := range ds.Queries {
		m := Score(rankings[i], ds.Qrels[q.ID])
		res.PerQuery = append(res.PerQuery, m)
		sum.add(m)
	}
	res.Metrics = sum.mean()
	if res.QueryTime > 0 {
		res.QPS = float64(len(ds.Queries)) / res.QueryTime.Seconds()
	}
	return res, nil
}
