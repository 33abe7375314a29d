#!/usr/bin/env bash
# Who-said-what benchmark: attribution extraction on PolNeAR (Citron's metrics, the data's own
# scorer), entity alias joining on the hand-annotated ECB+ gold (bench/entities), and extraction
# throughput.  Run from anywhere:  bash bench/quotes.sh
# Environment:
#   STORYLINE_SHARED  shared folder (default ../shared beside the repo; see bench/shared.sh)
#   BUILD=0           do not build the bench binary first
#   SPLIT=dev         PolNeAR split to score (dev by default; rules were tuned on train only)
#   BASE=<commit>     also score that commit's extractor on PolNeAR, side by side (e.g. BASE=main;
#                     built by bench/base.sh: this checkout's harness over that commit's library)
#   POLNEAR_ONLY=1    stop after PolNeAR (skip the entity joining and speed parts)
# Everything derived from the (research-licensed) PolNeAR data goes under target/quotes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/shared.sh
DATA="$SHARED_DATA"
OUT="$ROOT/target/quotes"
SPLIT="${SPLIT:-dev}"
mkdir -p "$OUT"
BIN="$ROOT/target/release/quotes"
if [ "${BUILD:-1}" != 0 ]; then
    cargo build --release -q -p storyline-bench --bin quotes
fi

# A copy: a BASE build below writes its own binary to the same place.
cp "$BIN" "$OUT/quotes-storyline"
BIN="$OUT/quotes-storyline"
sides="storyline"
if [ -n "${BASE:-}" ]; then
    source bench/base.sh
    build_base "$BASE" quotes "$OUT/quotes-base"
    sides="storyline base"
fi

for side in $sides; do
    tag=""; [ "$side" = base ] && tag=".base"
    for mode in head phrase; do
        flag=""; [ "$mode" = phrase ] && flag="--phrase"
        "$OUT/quotes-$side" predict "$DATA/quotes/$SPLIT.jsonl" "$OUT/$SPLIT.$mode$tag.pred" $flag
        python3 "$DATA/quotes/score_quotes.py" --gold "$DATA/quotes/$SPLIT.jsonl" \
            --pred "$OUT/$SPLIT.$mode$tag.pred" > "$OUT/$SPLIT.$mode$tag.json"
    done
    [ "$side" = base ] && echo && echo "At BASE=$BASE:"
    python3 bench/quotes/report.py "$OUT/$SPLIT.head$tag.json" "$OUT/$SPLIT.phrase$tag.json"
done
if [ "${POLNEAR_ONLY:-0}" = 1 ]; then
    exit 0
fi

"$BIN" entities bench/entities/gold.jsonl "$DATA/ecbplus/articles.jsonl" "$OUT/entities.pred"
for split in corpus heldout all; do
    python3 bench/entities/score.py bench/entities/gold.jsonl "$OUT/entities.pred" --split "$split"
done | tee "$OUT/entities.json"

"$BIN" speed "$DATA/quotes/train.jsonl" | tee "$OUT/speed.json"
