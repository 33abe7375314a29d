#!/usr/bin/env bash
# HTML main-text extraction benchmark: storyline (Rust) vs Python trafilatura.
# Run from the repository root:  bash bench/extraction.sh [DATA_DIR]
# DATA_DIR defaults to the shared extraction set (html/*.html.gz, truth.jsonl, score.py; see
# bench/shared.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/shared.sh
DATA="$(cd "${1:-$SHARED_DATA/extraction}" && pwd)"
OUT="$ROOT/target/extraction-bench"
VENV="$ROOT/target/peers-venv"
mkdir -p "$OUT"

# Python peer environment (trafilatura from PyPI).
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import trafilatura, lxml_html_clean" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet --upgrade pip
    # lxml >= 5.2 moved lxml.html.clean (needed by justext) to lxml_html_clean.
    "$VENV/bin/pip" install --quiet trafilatura lxml_html_clean
fi

echo "== building storyline-bench (release)" >&2
cargo build --release -p storyline-bench --bin extraction >&2

echo "== storyline" >&2
"$ROOT/target/release/extraction" --data "$DATA" --out "$OUT/pred-storyline.jsonl" | tee "$OUT/speed-storyline.json" >&2
echo "== python trafilatura" >&2
"$VENV/bin/python" "$ROOT/bench/peers/trafilatura_extract.py" --data "$DATA" --out "$OUT/pred-trafilatura.jsonl" | tee "$OUT/speed-trafilatura.json" >&2

python3 "$DATA/score.py" --truth "$DATA/truth.jsonl" --pred "$OUT/pred-storyline.jsonl" > "$OUT/score-storyline.json"
python3 "$DATA/score.py" --truth "$DATA/truth.jsonl" --pred "$OUT/pred-trafilatura.jsonl" > "$OUT/score-trafilatura.json"

python3 - "$OUT" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
rows = []
for name, label in [("storyline", "storyline (Rust)"), ("trafilatura", "trafilatura (Python)")]:
    score = json.loads((out / f"score-{name}.json").read_text())
    speed = json.loads((out / f"speed-{name}.json").read_text())
    par = speed.get("pages_per_sec_parallel")
    rows.append((label, score["f1"], score["precision"], score["recall"], score["accuracy"],
                 speed["pages_per_sec"], f"{par:.0f}" if par else "-"))
print(f"{'system':<22} {'F1':>6} {'prec':>6} {'recall':>6} {'exact':>6} {'pages/s':>8} {'pages/s all cores':>18}")
for r in rows:
    print(f"{r[0]:<22} {r[1]:6.4f} {r[2]:6.4f} {r[3]:6.4f} {r[4]:6.3f} {r[5]:8.0f} {r[6]:>18}")
base = rows[1][5]
if base:
    print(f"speed-up (single thread): {rows[0][5] / base:.1f}x")
PY
