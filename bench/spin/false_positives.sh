#!/usr/bin/env bash
# False alarms of the spin and stitch verdicts on real, unspun news: the share of the
# shared corpora's articles (DUC 2004, Multi-News, ECB+) flagged spun or stitched,
#   - alone: each article judged as if alone in a fresh store (no sources, the shipped
#     usage counts only), by `cargo run --release --example spin_alone`;
#   - with story-mates: each corpus ingested whole into a fresh store (its stories' other
#     articles there as possible sources), read back with `storyline copies --json`.
# Run from the repository root:  bash bench/spin/false_positives.sh
# Environment: STORYLINE_SHARED (see bench/shared.sh), FP_OUT (default target/spin-fp),
# SPIN_BUILD=0 skips the cargo builds. Prints one JSON object; everything stays in target/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
source bench/shared.sh
OUT="${FP_OUT:-target/spin-fp}"
BIN="$ROOT/target/release/storyline"
mkdir -p "$OUT"
if [ "${SPIN_BUILD:-1}" != 0 ]; then
    cargo build --release -p storyline-cli >&2
    cargo build --release -p storyline --example spin_alone >&2
fi
SETS=(duc2004 multinews ecbplus)
FILES=()
for s in "${SETS[@]}"; do FILES+=("$SHARED_DATA/$s/articles.jsonl"); done
"$ROOT/target/release/examples/spin_alone" "${FILES[@]}" >"$OUT/alone.json"
for s in "${SETS[@]}"; do
    db="$OUT/$s.db"
    rm -f "$db" "$db-wal" "$db-shm"
    "$BIN" --db "$db" ingest "$SHARED_DATA/$s/articles.jsonl" --json >"$OUT/$s.ingest.json"
    "$BIN" --db "$db" copies --json >"$OUT/$s.copies.json"
done
python3 - "$OUT" "${SETS[@]}" <<'PY'
import json, sys
out, sets = sys.argv[1], sys.argv[2:]
alone = json.load(open(f"{out}/alone.json"))
report = {}
for s in sets:
    a = next(v for k, v in alone.items() if f"/{s}/" in k)
    arts = json.load(open(f"{out}/{s}.copies.json"))["articles"]
    n = len(arts)
    spun = sum(1 for e in arts if (e.get("spin") or {}).get("spun"))
    stitched = sum(1 for e in arts if (e.get("stitch") or {}).get("stitched"))
    report[s] = {
        "alone": {"articles": a["articles"], "spun": a["spun"], "stitched": a["stitched"],
                  "spun_rate": round(a["spun_rate"], 4), "stitched_rate": round(a["stitched_rate"], 4)},
        "with_story_mates": {"articles": n, "spun": spun, "stitched": stitched,
                             "spun_rate": round(spun / max(n, 1), 4),
                             "stitched_rate": round(stitched / max(n, 1), 4)},
    }
print(json.dumps(report, indent=1))
PY
