#!/usr/bin/env bash
# MSRP paraphrase benchmark for storyline::copies::paraphrase.
# Run from the repository root:
#   bash bench/msrp.sh [--train] [DATA_DIR]
# DATA_DIR defaults to the shared paraphrase set (msrp_train.jsonl, msrp_test.jsonl; see
# bench/shared.sh).
# --train refits the model on train (5-fold CV picks L2 and threshold), writes it
# into crates/storyline/src/copies/paraphrase.rs, and rebuilds before evaluating.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/shared.sh
TRAIN=0
DATA="$SHARED_DATA/paraphrase"
for arg in "$@"; do
    case "$arg" in
        --train) TRAIN=1 ;;
        *) DATA="$arg" ;;
    esac
done
OUT="$ROOT/target/msrp-bench"
mkdir -p "$OUT"

echo "== building storyline-bench (release)" >&2
cargo build --release -p storyline-bench --bin msrp >&2
if [ "$TRAIN" = 1 ]; then
    echo "== training on $DATA/msrp_train.jsonl" >&2
    "$ROOT/target/release/msrp" --data "$DATA" train --write crates/storyline/src/copies/paraphrase.rs
    cargo build --release -p storyline-bench --bin msrp >&2
fi
echo "== evaluating on $DATA/msrp_test.jsonl" >&2
"$ROOT/target/release/msrp" --data "$DATA" eval | tee "$OUT/eval.json"
