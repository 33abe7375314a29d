#!/usr/bin/env bash
# Spin/stitch detection benchmark for the `storyline` CLI.
# Run from the repository root:  bash bench/spin/score_spin.sh
#
#   1. generates the labelled set (bench/spin/make_spin_set.py) in target/spin-set/
#   2. builds target/release/storyline
#   3. setting A (with sources): fresh db, ingest sources.jsonl + derived.jsonl
#      setting B (source-free):  fresh db, ingest derived.jsonl only
#   4. reads the verdicts with `storyline copies --json` (per-article `article REF --json`
#      for anything missing) and scores them (bench/spin/score_spin.py): table on stdout,
#      JSON in target/spin-set/scores.json
#
# Environment: STORYLINE_SHARED (default ../shared beside the repo; see bench/shared.sh),
# SPIN_OUT (default target/spin-set), SPIN_SEED (generator seed), SPIN_GENERATOR (default
# bench/spin/make_spin_set.py; bench/spin/make_spin_set_alt.py is the second generator, with
# its own spinner dictionary and stitching rules), SPIN_BUILD=0 skips the
# cargo build and uses the existing target/release/storyline. BASE="<commit> ..." also runs
# settings A and B with the storyline CLI of each commit (one or several, e.g. BASE=main; built
# once per commit by bench/base.sh) on the same set, each scored in its own table after this
# checkout's (JSON in SPIN_OUT/base-<commit>/scores.json).
# The data sets have research licences: everything generated stays under target/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${SPIN_OUT:-target/spin-set}"
source bench/shared.sh
BIN="$ROOT/target/release/storyline"
log() { echo "== $*" >&2; }

log "generating the set in $OUT"
SEED_ARGS=()
[ -n "${SPIN_SEED:-}" ] && SEED_ARGS=(--seed "$SPIN_SEED")
mkdir -p "$OUT"
python3 "${SPIN_GENERATOR:-bench/spin/make_spin_set.py}" --out "$OUT" --shared "$SHARED" ${SEED_ARGS[@]+"${SEED_ARGS[@]}"} \
    >"$OUT/generate.log" 2>&1 || { cat "$OUT/generate.log" >&2; exit 1; }

if [ "${SPIN_BUILD:-1}" != 0 ]; then
    log "building storyline-cli (release)"
    cargo build --release -p storyline-cli >&2
fi
# With BASE and SPIN_BUILD=0, a checkout not built scores the BASE commits alone.
[ -x "$BIN" ] || [ -n "${BASE:-}" ] || { echo "no $BIN" >&2; exit 1; }

ingest() {  # db files...
    local db="$1"; shift
    rm -f "$db" "$db-wal" "$db-shm"
    local rc=0
    "$BIN" --db "$db" ingest "$@" --json >"$db.ingest.json" || rc=$?
    if [ "$rc" = 1 ]; then
        echo "ingest into $db failed:" >&2; cat "$db.ingest.json" >&2; exit 1
    fi
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("   added", d.get("added"), "unchanged", d.get("unchanged"), "errors", len(d.get("errors") or []))' "$db.ingest.json" >&2
}

copies() {  # db out
    if ! "$BIN" --db "$1" copies --json >"$2" 2>"$2.err"; then
        log "\`storyline copies --json\` failed (see $2.err); falling back to \`article REF --json\`"
        : >"$2"
    fi
}

# run_settings BIN DIR: settings A and B with BIN, databases and copies in DIR, scored.
run_settings() {
    local BIN="$1" dir="$2"
    mkdir -p "$dir"
    log "setting A: sources + derived"
    ingest "$dir/A.db" "$OUT/sources.jsonl" "$OUT/derived.jsonl"
    log "setting A: copies"
    copies "$dir/A.db" "$dir/copies-A.json"

    log "setting B: derived only (source-free)"
    ingest "$dir/B.db" "$OUT/derived.jsonl"
    log "setting B: copies"
    copies "$dir/B.db" "$dir/copies-B.json"

    log "scoring"
    python3 bench/spin/score_spin.py --set "$OUT" --bin "$BIN" \
        --db-a "$dir/A.db" --copies-a "$dir/copies-A.json" \
        --db-b "$dir/B.db" --copies-b "$dir/copies-B.json" \
        --out "$dir/scores.json"
}

if [ -x "$BIN" ]; then
    run_settings "$BIN" "$OUT"
else
    log "no $BIN: scoring the BASE commits only"
fi
if [ -n "${BASE:-}" ]; then
    source bench/base.sh
    for commit in $BASE; do
        base_bin="$(base_storyline "$commit")"
        log "storyline at $commit"
        echo
        echo "At BASE=$commit:"
        run_settings "$base_bin" "$OUT/base-$commit"
    done
fi
