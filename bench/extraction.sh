#!/usr/bin/env bash
# HTML main-text extraction benchmark: storyline (Rust) vs Python trafilatura, side by side, on
# both extraction sets in one run.
# Run from the repository root:  bash bench/extraction.sh [SCRAPINGHUB_DIR [WEB_DIR]]
#   SCRAPINGHUB_DIR defaults to the shared data's extraction/ (see bench/shared.sh) (html/*.html.gz, truth.jsonl, score.py);
#   WEB_DIR to its extraction_web/ (html/*.html.gz, gold.jsonl, score_snippets.py).
# PEERS=0 skips trafilatura (its run takes minutes on 2 cores).
# BASE=<commit> (e.g. BASE=main) also scores the extractor of that commit, side by side: it is
# built from a temporary git worktree (this checkout's benchmark binary over that commit's
# library, see bench/base.sh) into this checkout's target dir.
# extraction_web is scored on a tuning part and a report part (bench/extraction/report.py:
# sha256 of the page id, even = tune): rules are changed by looking at tuning pages only
# (bench/extraction/errors.py), the report part is scored and never inspected.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source bench/shared.sh
SH="$(cd "${1:-$SHARED_DATA/extraction}" && pwd)"
WEB="$(cd "${2:-$SHARED_DATA/extraction_web}" && pwd)"
OUT="$ROOT/target/extraction-bench"
VENV="$ROOT/target/peers-venv"
PEERS="${PEERS:-1}"
BASE="${BASE:-}"
mkdir -p "$OUT"
rm -f "$OUT"/pred-*.jsonl "$OUT"/speed-*.json

if [ "$PEERS" != 0 ]; then
    # Python peer environment (trafilatura from PyPI).
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    if ! "$VENV/bin/python" -c "import trafilatura, lxml_html_clean" 2>/dev/null; then
        "$VENV/bin/pip" install --quiet --upgrade pip
        # lxml >= 5.2 moved lxml.html.clean (needed by justext) to lxml_html_clean.
        "$VENV/bin/pip" install --quiet trafilatura lxml_html_clean
    fi
fi

echo "== building storyline-bench (release)" >&2
cargo build --release -p storyline-bench --bin extraction >&2
# A copy: a BASE build below writes its own binary to the same place.
BIN="$OUT/extraction-storyline"
cp "$ROOT/target/release/extraction" "$BIN"

if [ -n "$BASE" ]; then
    source bench/base.sh
    build_base "$BASE" extraction "$OUT/extraction-base"
fi

echo "== storyline, scrapinghub" >&2
"$BIN" --data "$SH" --out "$OUT/pred-storyline-scrapinghub.jsonl" > "$OUT/speed-storyline-scrapinghub.json"
echo "== storyline, extraction_web" >&2
"$BIN" --data "$WEB" --with-title --out "$OUT/pred-storyline-web.jsonl" > "$OUT/speed-storyline-web.json"
if [ -n "$BASE" ]; then
    echo "== storyline at $BASE, both sets" >&2
    "$OUT/extraction-base" --data "$SH" --out "$OUT/pred-base-scrapinghub.jsonl" \
        > "$OUT/speed-base-scrapinghub.json"
    "$OUT/extraction-base" --data "$WEB" --with-title --out "$OUT/pred-base-web.jsonl" \
        > "$OUT/speed-base-web.json"
fi
if [ "$PEERS" != 0 ]; then
    PY="$VENV/bin/python"
    echo "== python trafilatura, scrapinghub" >&2
    "$PY" bench/peers/trafilatura_extract.py --data "$SH" --out "$OUT/pred-trafilatura-scrapinghub.jsonl" \
        > "$OUT/speed-trafilatura-scrapinghub.json"
    echo "== python trafilatura, extraction_web" >&2
    "$PY" bench/peers/trafilatura_extract.py --data "$WEB" --out "$OUT/pred-trafilatura-notitle-web.jsonl" \
        --out-title "$OUT/pred-trafilatura-web.jsonl" > "$OUT/speed-trafilatura-web.json"
fi
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows every figure)" >&2

BASE_LABEL="$BASE" python3 bench/extraction/report.py "$OUT" "$SH" "$WEB"
