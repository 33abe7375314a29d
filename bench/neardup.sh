#!/usr/bin/env bash
# Near-duplicate detection benchmark: storyline::copies vs datasketch and rensa.
# Run from the repository root:  bash bench/neardup.sh [N]
# N (default 20000) documents: the shared story-set articles plus programmatic
# near-copies. Truth = exact Jaccard of word 5-gram shingle sets over all pairs.
# REPEAT=k (default 1) runs every configuration k times and keeps the fastest.
# DATA=dir overrides the shared data (bench/shared.sh). Everything is written under target/neardup
# (the corpus holds research-licensed text: never commit it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
N="${1:-20000}"
REPEAT="${REPEAT:-1}"
source bench/shared.sh
DATA="${DATA:-$SHARED_DATA}"
# SETS=crisis builds the corpus from the Spanish, French and Italian crisis
# texts (the multilingual run); PEERS=0 skips datasketch and rensa.
SETS="${SETS:-multinews,duc2004,ecbplus}"
PEERS="${PEERS:-1}"
OUT="${OUT:-$ROOT/target/neardup}"
# Own venv: target/peers-venv is shared with other benchmarks that reinstall into it.
VENV="${VENV:-$ROOT/target/neardup-venv}"
BIN="$ROOT/target/release/neardup"
mkdir -p "$OUT"

if [ "$PEERS" != 0 ] && ! "$VENV/bin/python" -c "import datasketch, rensa" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "datasketch>=2,<3" "rensa>=0.5,<0.6"
fi

echo "== building storyline-bench (release)" >&2
cargo build --release -p storyline-bench --bin neardup >&2

echo "== corpus ($N docs) and brute-force truth" >&2
"$BIN" make-corpus --data "$DATA" --sets "$SETS" --out "$OUT/corpus.jsonl" --n "$N" --seed 1 | tee "$OUT/corpus-stats.json" >&2
"$BIN" truth --corpus "$OUT/corpus.jsonl" --out "$OUT/truth.jsonl" | tee "$OUT/truth-stats.json" >&2

RUNS="$OUT/runs.jsonl"
: > "$RUNS"
# best_of CMD...: runs CMD REPEAT times, appends the fastest JSON line to $RUNS.
best_of() {
    local best="" line
    for _ in $(seq "$REPEAT"); do
        line="$("$@")"
        echo "$line" >&2
        best="$(printf '%s\n%s\n' "$best" "$line" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
print(json.dumps(max(rows, key=lambda r: r["docs_per_sec"])))')"
    done
    echo "$best" >> "$RUNS"
}

for T in 0.5 0.8; do
    for ENGINE in index batch; do
        echo "== storyline $ENGINE J>=$T" >&2
        best_of "$BIN" run --corpus "$OUT/corpus.jsonl" --truth "$OUT/truth.jsonl" --threshold "$T" --engine "$ENGINE"
    done
    [ "$PEERS" != 0 ] || continue
    for SYS in rensa datasketch; do
        for CFG in "default estimate" "storyline estimate" "storyline exact"; do
            set -- $CFG
            echo "== $SYS bands=$1 verify=$2 J>=$T" >&2
            best_of "$VENV/bin/python" "$ROOT/bench/peers/neardup_peers.py" --system "$SYS" \
                --corpus "$OUT/corpus.jsonl" --truth "$OUT/truth.jsonl" \
                --threshold "$T" --bands "$1" --verify "$2"
        done
    done
done

python3 - "$OUT" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
rows = [json.loads(l) for l in (out / "runs.jsonl").read_text().splitlines() if l.strip()]
truth = json.loads((out / "truth-stats.json").read_text())
corpus = json.loads((out / "corpus-stats.json").read_text())
ref = {r["threshold"]: r["docs_per_sec"] for r in rows
       if r["system"] == "rensa" and r["bands"].endswith("(default)")}
print(f"{truth['docs']} docs; true pairs J>=.5: {truth['pairs_ge_0.5']}, J>=.8: {truth['pairs_ge_0.8']}")
hdr = f"{'system':<20} {'J>=':>4} {'bands':<16} {'verify':<8} {'P':>6} {'R':>6} {'docs/s':>8} {'x rensa':>7} {'peak MB':>8}"
print(hdr)
print("-" * len(hdr))
for r in rows:
    verify = r.get("verify", "exact")
    x = r["docs_per_sec"] / ref[r["threshold"]] if r["threshold"] in ref else float("nan")
    print(f"{r['system']:<20} {r['threshold']:>4} {r['bands']:<16} {verify:<8} "
          f"{r['precision']:6.3f} {r['recall']:6.3f} {r['docs_per_sec']:8.0f} {x:7.2f} {r['peak_rss_mb']:8.0f}")
(out / "results.json").write_text(json.dumps({"corpus": corpus, "truth": truth, "runs": rows}, indent=1))
print(f"wrote {out / 'results.json'}", file=sys.stderr)
PY
