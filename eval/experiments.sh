#!/usr/bin/env bash
# Reproduces the quality table in README.md: every row is one `lectern eval`
# command run on the train and the test split. Parameters were chosen on
# train; test is reported, never tuned on.
#   eval/experiments.sh [DATA_DIR]      (default: ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
bin=$(mktemp -d)/lectern
go build -o "$bin" ./cmd/lectern

row() { # data set, label, flags...
	local ds=$1 label=$2
	shift 2
	local cells=""
	for split in train test; do
		cells+=$("$bin" eval --beir "$data/$ds" --split "$split" --json "$@" |
			python3 -c 'import json,sys; d=json.load(sys.stdin); print("| %.4f | %.4f | %.3f " % (d["ndcg@10"], d["recall@100"], d["p@1"]), end="")')
	done
	echo "| $label | \`$*\` $cells|"
}

echo "| attempt | flags | train nDCG@10 | train R@100 | train P@1 | test nDCG@10 | test R@100 | test P@1 |"
echo "|---|---|---|---|---|---|---|---|"
echo "| **SciFact, document level** | | | | | | | |"
row scifact "Anserini baseline reproduced (k1 0.9, b 0.4)" --plain --analyzer lucene --k1 0.9 --b 0.4
row scifact "bm25s baseline (k1 1.2, b 0.75)" --plain --analyzer lucene --k1 1.2 --b 0.75
row scifact "bm25s Elasticsearch variant (k1 1.5, b 0.75)" --plain --analyzer lucene --k1 1.5 --b 0.75
row scifact "lectern's analyzer (more stop words, irregular forms, hyphenated words whole and in parts)" --plain --k1 0.9 --b 0.4
row scifact "k1 and b chosen on train" --plain --k1 1.2 --b 0.75
row scifact "title counted twice" --plain --k1 1.2 --b 0.75 --title-weight 2
row scifact "title counted three times" --plain --k1 1.2 --b 0.75 --title-weight 3
row scifact "BM25+ (delta 0.5)" --plain --k1 1.2 --b 0.75 --title-weight 3 --variant bm25+ --delta 0.5
row scifact "BM25L (delta 0.5)" --plain --k1 1.2 --b 0.75 --title-weight 3 --variant bm25l --delta 0.5
row scifact "coverage rescoring (exponent 0.25; faded out for passages, so no effect)" --k1 1.2 --b 0.75 --title-weight 3 --coord 0.25 --exact 0 --fuzzy=false
row scifact "coverage rescoring (exponent 1; faded out for passages, so no effect)" --k1 1.2 --b 0.75 --title-weight 3 --coord 1 --exact 0 --fuzzy=false
row scifact "exact-form bonus 0.1" --k1 1.2 --b 0.75 --title-weight 3 --coord 0 --exact 0.1 --fuzzy=false
row scifact "proximity bonus 0.1" --k1 1.2 --b 0.75 --title-weight 3 --coord 0 --exact 0 --proximity 0.1 --fuzzy=false
row scifact "RM3 (10 docs, 10 terms, weight 0.3)" --k1 1.2 --b 0.75 --title-weight 3 --coord 0 --exact 0 --fuzzy=false --rm3-docs 10 --rm3-terms 10 --rm3-weight 0.3
row scifact "best sentence's score added (0.25)" --plain --k1 1.2 --b 0.75 --title-weight 3 --passage 0.25
row scifact "unstemmed words' score added (0.25)" --plain --k1 1.2 --b 0.75 --title-weight 3 --unstemmed 0.25
row scifact "adjacent word pairs' score added (0.1)" --plain --k1 1.2 --b 0.75 --title-weight 3 --bigrams 0.1
row scifact "lectern's default ranking (as the bot ranks sentences)" --k1 0.9 --b 0.4
row scifact "best on train of a 72-run grid (Lucene analyzer)" --analyzer lucene --k1 1.5 --b 0.9 --title-weight 4 --proximity 0.1 --coord 0.25 --exact 0 --fuzzy=false
echo "| **SciFact sentences (the bot's task)** | | | | | | | |"
row scifact-sentences "plain BM25 baseline (k1 0.9, b 0.4)" --plain --analyzer lucene --k1 0.9 --b 0.4
row scifact-sentences "lectern's analyzer" --plain --k1 0.9 --b 0.4
row scifact-sentences "k1 0.6, b 0.3" --plain --k1 0.6 --b 0.3
row scifact-sentences "adjacent word pairs' score added (0.1)" --plain --k1 0.9 --b 0.4 --bigrams 0.1
row scifact-sentences "coverage rescoring (exponent 1)" --k1 0.9 --b 0.4 --coord 1 --exact 0 --fuzzy=false --context 0
row scifact-sentences "proximity bonus 0.2" --k1 0.9 --b 0.4 --coord 0 --exact 0 --proximity 0.2 --fuzzy=false --context 0
row scifact-sentences "neighbouring sentences' context (0.35)" --k1 0.9 --b 0.4 --coord 0 --exact 0 --context 0.35 --fuzzy=false
row scifact-sentences "context 0.35 and coverage 1" --k1 0.9 --b 0.4 --coord 1 --exact 0 --context 0.35 --fuzzy=false
row scifact-sentences "… and RM3 (10, 10, 0.3)" --k1 0.9 --b 0.4 --coord 1 --exact 0 --context 0.35 --fuzzy=false --rm3-docs 10 --rm3-terms 10 --rm3-weight 0.3
row scifact-sentences "**lectern's default** (context 0.35, coverage 1, exact 0.3, fuzzy, clauses, answer types)" --k1 0.9 --b 0.4
