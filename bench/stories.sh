#!/usr/bin/env bash
# Story clustering benchmark: Storyline's online clustering against scikit-learn TF-IDF
# peers (batch agglomerative and online single pass), BCubed and pairwise P/R/F1 on
# ecbplus, duc2004, multinews and the three pooled, plus order sensitivity (5 random
# arrival orders of the pooled set).  Run from anywhere:  bash bench/stories.sh
# Environment:
#   STORYLINE_SHARED  shared folder (default ../shared beside the repo; see bench/shared.sh)
#   BUILD=0           do not build target/release/storyline first
#   TUNE_ON=set       set the peers' threshold is tuned on (default ecbplus)
#   DROP_DUC_DUPS=1   drop the 22 duc2004 DOCNO@cluster rows (default: keep them)
#   VENV=dir          Python venv for the peers (default target/stories-venv)
#   BASE="<commit> ..."  also cluster with the storyline CLI of each commit (one or several,
#                     e.g. BASE=main; built once per commit by bench/base.sh), in the same table
#   PEERS=0           reuse target/stories/peers.json from an earlier run instead of running the peers
#   ORDERS=0          skip the 5 random arrival orders of the pooled set (every side)
# Everything is written under target/stories (the data are research-licensed: never
# commit it).  Results: target/stories/results.json; the table goes to stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/shared.sh
OUT="$ROOT/target/stories"
VENV="${VENV:-$ROOT/target/stories-venv}"
TUNE_ON="${TUNE_ON:-ecbplus}"
EXTRA=()
[[ "${DROP_DUC_DUPS:-0}" == 1 ]] && EXTRA+=(--drop-duc-duplicates)
SL_EXTRA=("${EXTRA[@]}")
[[ "${ORDERS:-1}" == 0 ]] && SL_EXTRA+=(--no-orders)
BASE="${BASE:-}"
mkdir -p "$OUT"

if ! "$VENV/bin/python" -c "import sklearn, numpy, scipy" 2>/dev/null; then
    echo "== creating $VENV (scikit-learn, numpy, scipy)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "scikit-learn>=1.3" numpy scipy
fi

echo "== metric unit checks" >&2
python3 -m unittest discover -s bench/stories >&2

if [[ "${PEERS:-1}" == 0 && -s "$OUT/peers.json" ]]; then
    echo "== peers: reusing $OUT/peers.json" >&2
else
    echo "== peers (TF-IDF batch agglomerative and online single pass)" >&2
    "$VENV/bin/python" bench/stories/peers.py --tune-on "$TUNE_ON" --out "$OUT/peers.json" "${EXTRA[@]}"
fi

if [[ "${BUILD:-1}" == 1 ]]; then
    echo "== building storyline (release)" >&2
    cargo build --release -p storyline-cli --bin storyline >&2
fi
echo "== storyline" >&2
python3 bench/stories/run_storyline.py --out "$OUT/storyline.json" "${SL_EXTRA[@]}"

BASES=()
if [ -n "$BASE" ]; then
    source bench/base.sh
    for commit in $BASE; do
        bin="$(base_storyline "$commit")"
        echo "== storyline at $commit" >&2
        python3 bench/stories/run_storyline.py --bin "$bin" --out "$OUT/storyline-base-$commit.json" "${SL_EXTRA[@]}"
        BASES+=(--base "$commit")
    done
fi

python3 bench/stories/report.py --dir "$OUT" ${BASES[@]+"${BASES[@]}"}
