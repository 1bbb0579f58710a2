package main

import (
	"fmt"
	"math"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"lectern/eval"
	"lectern/retrieval"
	"lectern/retrieval/index"
)

func (a *app) evalCmd() *cobra.Command {
	var (
		dir, split, unit, analyzer, variant string
		k1, b, coord, exact, delta          float64
		prox, fbWeight, context, passage    float64
		unstemmed, bigrams, synonyms        float64
		fbDocs, fbTerms, titleWeight, depth int
		plain, fuzzy, asJSON                bool
		questions                           []string
	)
	cmd := &cobra.Command{
		Use:   "eval --beir DIR [flags]",
		Short: "Measure answer quality on a BEIR data set",
		Long: `eval reads a data set in BEIR layout (corpus.jsonl, queries.jsonl,
qrels/SPLIT.tsv), indexes its corpus, ranks the documents for every judged
query of the split and reports nDCG@10, Recall@100, MRR@10 and P@1, the
number of queries, the index build time and queries per second on one
goroutine. Data is read from disk, never downloaded.

By default it ranks as the bot does (lectern's analyzer, BM25, coverage and
exact-form rescoring, fuzzy matching). --plain ranks by BM25 alone, and
--analyzer lucene uses Lucene's English stop words without lectern's
irregular-form mapping: together they reproduce the published baselines.

--questions answers question sets about the corpus (--corpus) as the bot
would, and reports by kind how often the first sentence is right: files of
kind<TAB>question<TAB>expected sentence lines, or SQuAD questions in JSON
Lines (a .jsonl file of {"question", "answers": [spans]}), right when the
first sentence holds an answer span, grouped by the kind of answer asked
for (when, who, where, how many, ...).`,
		Example: `  lectern eval --beir ../shared/data/scifact --plain --analyzer lucene --k1 0.9 --b 0.4
  lectern eval --beir ../shared/data/scifact-sentences --split train --json
  lectern eval --questions retrieval/testdata/heldout_questions.tsv
  lectern eval --questions ../shared/data/squad/questions.jsonl --corpus ../shared/data/squad/corpus`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(questions) > 0 {
				return a.evalQuestions(cmd, questions, asJSON)
			}
			if dir == "" {
				return usagef("eval needs --beir DIR, a folder holding corpus.jsonl, queries.jsonl and qrels/, or --questions FILE")
			}
			u, ok := eval.ParseUnit(unit)
			if !ok {
				return usagef("--unit %q: use document or sentence", unit)
			}
			if k1 <= 0 || b < 0 || b > 1 {
				return usagef("--k1 must be above 0 and --b from 0 to 1")
			}
			switch variant {
			case "bm25", "lucene":
				variant = index.VariantLucene
			case index.VariantPlus, index.VariantL:
			default:
				return usagef("--variant %q: use bm25, bm25+ or bm25l", variant)
			}
			cfg := eval.Config{Unit: u, BM25: index.BM25{K1: k1, B: b, Variant: variant, Delta: delta}, Plain: plain,
				TitleWeight: titleWeight, Passage: passage, Unstemmed: unstemmed, Bigrams: bigrams,
				Proximity: prox, RM3: eval.RM3{Docs: fbDocs, Terms: fbTerms, Weight: fbWeight},
				Search: retrieval.SearchOptions{Coord: coord, Exact: exact, Fuzzy: fuzzy, Context: context, Depth: depth, Synonyms: synonyms,
					AnswerType: retrieval.DefaultAnswerType, Clauses: true}}
			switch analyzer {
			case "lectern":
				cfg.Analyzer = index.AnalyzerOptions{Irregular: true}
			case "lucene":
				cfg.Analyzer = index.AnalyzerOptions{StopWords: index.LuceneStopWords, HyphenPartsOnly: true}
			default:
				return usagef("--analyzer %q: use lectern or lucene", analyzer)
			}
			ds, err := eval.Load(dir, split)
			if err != nil {
				return usageError{fmt.Errorf("load data set: %w", err)}
			}
			e, err := eval.Build(cmd.Context(), ds, cfg)
			if err != nil {
				return err
			}
			res, err := eval.Run(cmd.Context(), ds, e)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, map[string]any{
					"dataset": ds.Name, "split": split, "unit": u, "analyzer": analyzer,
					"k1": k1, "b": b, "variant": variant, "delta": delta, "plain": plain, "coord": coord,
					"exact": exact, "fuzzy": fuzzy, "proximity": prox, "feedback_docs": fbDocs,
					"feedback_terms": fbTerms, "feedback_weight": fbWeight, "context": context,
					"title_weight": titleWeight, "depth": depth, "passage": passage, "unstemmed": unstemmed, "bigrams": bigrams, "synonyms": synonyms,
					"ndcg@10": round4(res.NDCG10), "recall@100": round4(res.Recall100),
					"mrr@10": round4(res.MRR10), "p@1": round4(res.P1), "queries": res.Queries,
					"documents": len(ds.Docs), "units": e.Units(),
					"build_seconds": round4(e.BuildTime.Seconds()), "qps": round4(res.QPS),
				})
			}
			w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintf(w, "data set\t%s (%s split, %d documents, %d %ss indexed)\n", ds.Name, split, len(ds.Docs), e.Units(), u)
			mode := "lectern ranking (coverage %.2f, exact %.2f, fuzzy %v)"
			if plain {
				fmt.Fprintf(w, "ranking\tplain BM25, k1=%g b=%g, %s analyzer\n", k1, b, analyzer)
			} else {
				fmt.Fprintf(w, "ranking\t"+mode+", k1=%g b=%g, %s analyzer\n", coord, exact, fuzzy, k1, b, analyzer)
			}
			fmt.Fprintf(w, "nDCG@10\t%.4f\n", res.NDCG10)
			fmt.Fprintf(w, "Recall@100\t%.4f\n", res.Recall100)
			fmt.Fprintf(w, "MRR@10\t%.4f\n", res.MRR10)
			fmt.Fprintf(w, "P@1\t%.4f\n", res.P1)
			fmt.Fprintf(w, "queries\t%d\n", res.Queries)
			fmt.Fprintf(w, "index build\t%.2fs\n", e.BuildTime.Seconds())
			fmt.Fprintf(w, "queries/s\t%.0f (one goroutine)\n", res.QPS)
			return w.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "beir", "", "data set folder in BEIR layout")
	f.StringSliceVar(&questions, "questions", nil, "question set(s) about the corpus (kind<TAB>question<TAB>expected, or SQuAD .jsonl): quality and the not-found threshold")
	f.StringVar(&split, "split", "test", "qrels split: test, train or dev")
	f.StringVar(&unit, "unit", "document", "what to index: document or sentence")
	f.StringVar(&analyzer, "analyzer", "lectern", "lectern, or lucene (Lucene's stop words, no irregular forms)")
	f.Float64Var(&k1, "k1", index.DefaultK1, "BM25 k1")
	f.Float64Var(&b, "b", index.DefaultB, "BM25 b")
	f.BoolVar(&plain, "plain", false, "rank by BM25 alone")
	f.Float64Var(&coord, "coord", retrieval.DefaultCoord, "exponent of coverage in the score (0: off)")
	f.Float64Var(&exact, "exact", retrieval.DefaultExact, "bonus per IDF for a word in its exact form (0: off)")
	f.BoolVar(&fuzzy, "fuzzy", true, "match misspelt words")
	f.StringVar(&variant, "variant", "bm25", "bm25 (Lucene), bm25+ or bm25l")
	f.Float64Var(&delta, "delta", 0, "delta of bm25+ and bm25l")
	f.IntVar(&titleWeight, "title-weight", 1, "how many times a document's title counts")
	f.Float64Var(&prox, "proximity", 0, "bonus for question words close together (0: off)")
	f.IntVar(&fbDocs, "rm3-docs", 0, "RM3 feedback: how many top texts to learn from (0: off)")
	f.IntVar(&fbTerms, "rm3-terms", 10, "RM3 feedback: how many terms to add")
	f.Float64Var(&fbWeight, "rm3-weight", 0.5, "RM3 feedback: the added terms' share of the query")
	f.Float64Var(&context, "context", retrieval.DefaultContext, "share of the best neighbouring text's score added (0: off)")
	f.IntVar(&depth, "depth", 30, "how many BM25 candidates are rescored")
	f.Float64Var(&synonyms, "synonyms", retrieval.DefaultSynonyms, "weight of WordNet synonyms of question words the text lacks (0: off)")
	f.Float64Var(&bigrams, "bigrams", 0, "--plain: share of the score on adjacent word pairs added (0: off)")
	f.Float64Var(&unstemmed, "unstemmed", 0, "--plain: share of the score on unstemmed words added (0: off)")
	f.Float64Var(&passage, "passage", 0, "document level, --plain: share of the best sentence's score added (0: off)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func round4(x float64) float64 { return float64(int64(x*1e4+0.5)) / 1e4 }

// evalQuestions answers question sets about the configured corpus and
// reports, by kind, how often the right sentence comes first, and how the
// "not found" threshold trades answering against refusing.
func (a *app) evalQuestions(cmd *cobra.Command, files []string, asJSON bool) error {
	if err := a.load(cmd, nil); err != nil {
		return err
	}
	var qs []eval.Question
	for _, f := range files {
		q, err := eval.LoadQuestions(f)
		if err != nil {
			return usageError{err}
		}
		qs = append(qs, q...)
	}
	e, err := a.engineWith(cmd.Context(), func(o *retrieval.Options) { o.MinCoverage = 1e-9 })
	if err != nil {
		return err
	}
	outcomes, err := eval.AskAll(cmd.Context(), e, qs)
	if err != nil {
		return err
	}
	th := a.cfg.Retrieval.MinCoverage
	var thresholds []float64
	for t := 0.05; t < 0.751; t += 0.05 {
		thresholds = append(thresholds, math.Round(t*100)/100)
	}
	if asJSON {
		var sweep []map[string]any
		for _, t := range thresholds {
			tl := eval.At(outcomes, t)
			sweep = append(sweep, map[string]any{"threshold": t, "right_first": tl.RightFirst, "answerable": tl.Answerable,
				"not_found": tl.NotFound, "unanswerable": tl.Unanswerable, "not_found_precision": round4(tl.NotFoundPrecision()),
				"not_found_recall": round4(tl.NotFoundRecall()), "accuracy": round4(tl.Accuracy())})
		}
		kinds := map[string]any{}
		for _, k := range eval.Kinds(outcomes) {
			tl := eval.At(eval.OfKind(outcomes, k), th)
			kinds[k] = map[string]any{"questions": tl.Answerable + tl.Unanswerable, "right_first": tl.RightFirst,
				"in_top3": tl.InTop3, "not_found": tl.NotFound + tl.MissedAnswerable}
		}
		return writeJSON(a.stdout, map[string]any{"threshold": th, "kinds": kinds, "sweep": sweep})
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "At min_coverage %.2f:\n", th)
	fmt.Fprintln(w, "kind\tquestions\tright first\tin top 3\tnot found")
	for _, k := range eval.Kinds(outcomes) {
		tl := eval.At(eval.OfKind(outcomes, k), th)
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\n", k, tl.Answerable+tl.Unanswerable, tl.RightFirst, tl.InTop3, tl.NotFound+tl.MissedAnswerable)
	}
	all := eval.At(outcomes, th)
	fmt.Fprintf(w, "all\t%d\t%d\t%d\t%d\n\n", all.Answerable+all.Unanswerable, all.RightFirst, all.InTop3, all.NotFound+all.MissedAnswerable)
	fmt.Fprintln(w, "threshold\tanswerable: right first\tunanswerable: not found\tnot found: precision\trecall\taccuracy")
	for _, t := range thresholds {
		tl := eval.At(outcomes, t)
		mark := ""
		if math.Abs(t-th) < 1e-9 {
			mark = "  <- configured"
		}
		fmt.Fprintf(w, "%.2f\t%d/%d\t%d/%d\t%.3f\t%.3f\t%.3f%s\n", t, tl.RightFirst, tl.Answerable, tl.NotFound, tl.Unanswerable,
			tl.NotFoundPrecision(), tl.NotFoundRecall(), tl.Accuracy(), mark)
	}
	best := eval.BestThreshold(outcomes, thresholds)
	fmt.Fprintf(w, "\nmost accurate threshold on these questions: %.2f (accuracy %.3f)\n", best.Threshold, best.Accuracy())
	return w.Flush()
}
