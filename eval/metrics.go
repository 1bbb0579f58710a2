package eval

import "math"

// Metrics are averages over a split's queries.
type Metrics struct {
	NDCG10    float64 `json:"ndcg@10"`
	Recall100 float64 `json:"recall@100"`
	MRR10     float64 `json:"mrr@10"`
	P1        float64 `json:"p@1"`
	Queries   int     `json:"queries"`
}

// Score computes the metrics of one query's ranking (document IDs, best
// first) against its judgments, as pytrec_eval does: nDCG with the grade as
// gain and log2(rank+1) as discount, cut at 10; recall cut at 100; the
// reciprocal rank of the first relevant document within 10; precision at 1.
func Score(ranking []string, rel map[string]int) Metrics {
	var m Metrics
	if len(rel) == 0 {
		return m
	}
	dcg := 0.0
	found := 0
	for i, id := range ranking {
		g, ok := rel[id]
		if !ok {
			continue
		}
		if i < 10 {
			dcg += float64(g) / math.Log2(float64(i)+2)
			if m.MRR10 == 0 {
				m.MRR10 = 1 / float64(i+1)
			}
		}
		if i < 100 {
			found++
		}
		if i == 0 {
			m.P1 = 1
		}
	}
	idcg := 0.0
	for i, g := range sortedGrades(rel) {
		if i == 10 {
			break
		}
		idcg += float64(g) / math.Log2(float64(i)+2)
	}
	if idcg > 0 {
		m.NDCG10 = dcg / idcg
	}
	m.Recall100 = float64(found) / float64(len(rel))
	m.Queries = 1
	return m
}

// add accumulates sums; mean divides them.
func (m *Metrics) add(o Metrics) {
	m.NDCG10 += o.NDCG10
	m.Recall100 += o.Recall100
	m.MRR10 += o.MRR10
	m.P1 += o.P1
	m.Queries += o.Queries
}

func (m Metrics) mean() Metrics {
	if m.Queries == 0 {
		return m
	}
	n := float64(m.Queries)
	return Metrics{NDCG10: m.NDCG10 / n, Recall100: m.Recall100 / n, MRR10: m.MRR10 / n, P1: m.P1 / n, Queries: m.Queries}
}
