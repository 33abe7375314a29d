#!/usr/bin/env bash
# A year of news on one machine: the whole pipeline on a big stream, at growing sizes.
# Run from anywhere:  bash bench/year.sh [SIZES]     (default "10000 100000")
#
# For each size N:
#   1. bench/year/make_stream.py builds a stream of N + APPEND articles from the shared corpora
#      (60% new text, 5% undated, 25% reprints and light edits, 10% spun or stitched rewrites,
#      sources up to 270 days older) with its truth;
#   2. `storyline ingest` of the first N articles into a fresh store, one process, under GNU
#      time: articles/s, ms/article per stage (the ingest's own stage_seconds), peak RSS, and
#      the process's memory at the end (anonymous memory apart from SQLite's mapped pages);
#   3. the next APPEND articles in a new process (the append a running monitor does): the same
#      figures, which show whether an arrival costs more in a bigger store;
#   4. the store's bytes per article by table (SQLite's dbstat), beyond the articles' own text;
#   5. copies recall on the planted reprints and rewrites, by kind and by the source's age
#      (bench/year/score_copies.py);
#   6. at the largest size, `storyline compact` (bytes saved) and serve_load against the store:
#      reads under a running ingest, p50/p99.
# Prints a markdown table and writes every figure to $YEAR_OUT/results-LABEL.json.
# Environment: STORYLINE_BIN (measure this binary, e.g. main's build, instead of building the
# working tree's), LABEL (names the results, default "tree"), APPEND (default 10000), CACHE_MB
# (passed as --cache-mb when set), STREAM_N (use the stream of this many articles, made before, for
# every size), SERVE_SECONDS (default 30; 0 skips serve_load),
# SERVE_ARTICLES (default 2000), YEAR_OUT (default target/year), KEEP_DB (1 keeps the stores),
# STORYLINE_SHARED (bench/shared.sh), QUIET_WAIT (bench/lib.sh).
# The data sets have research licences: the streams are written under $YEAR_OUT only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SIZES="${*:-10000 100000}"
APPEND="${APPEND:-10000}"
LABEL="${LABEL:-tree}"
SERVE_SECONDS="${SERVE_SECONDS:-30}"
SERVE_ARTICLES="${SERVE_ARTICLES:-2000}"
source "$ROOT/bench/shared.sh"
OUT="${YEAR_OUT:-$ROOT/target/year}"
RUNS="$OUT/runs-$LABEL"
mkdir -p "$OUT" "$RUNS"
rm -f "$RUNS"/*
source "$ROOT/bench/lib.sh"

wait_quiet
if [ -n "${STORYLINE_BIN:-}" ]; then
    cp "$STORYLINE_BIN" "$RUNS/storyline"
else
    log "building storyline-cli and serve_load (release)"
    # Two builds: `--bin serve_load` would restrict the first package to that bin too.
    cargo build --release -p storyline-cli >&2
    cargo build --release -p storyline-bench --bin serve_load >&2
    cp "$ROOT/target/release/storyline" "$RUNS/storyline"
fi
BIN="$RUNS/storyline"
find_gnu_time
CACHE=()
[ -n "${CACHE_MB:-}" ] && CACHE=(--cache-mb "$CACHE_MB")
INGEST=(ingest --json --max-file-size 8G)
fresh_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

LARGEST=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -1)
GEN_STAMP="$(md5sum "$ROOT/bench/year/make_stream.py" | cut -c1-12)"
for N in $SIZES; do
    # STREAM_N: read the first N + APPEND articles of a longer stream already made.
    TOTAL="${STREAM_N:-$((N + APPEND))}"
    STREAM="$OUT/stream-$TOTAL.jsonl.gz"
    TRUTH="$OUT/truth-$TOTAL.jsonl.gz"
    if [ ! -f "$STREAM" ] || [ "$(cat "$STREAM.stamp" 2>/dev/null)" != "$GEN_STAMP" ]; then
        log "generating a stream of $TOTAL articles"
        python3 "$ROOT/bench/year/make_stream.py" "$TOTAL" "$STREAM" "$TRUTH"
        echo "$GEN_STAMP" > "$STREAM.stamp"
    fi
    python3 - "$STREAM" "$N" "$APPEND" "$RUNS" <<'EOF'
import gzip, itertools, sys
stream, n, append, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with gzip.open(stream, "rt", encoding="utf-8") as f:
    with open(f"{runs}/head.jsonl", "w", encoding="utf-8") as head:
        head.writelines(itertools.islice(f, n))
    with open(f"{runs}/tail.jsonl", "w", encoding="utf-8") as tail:
        tail.writelines(itertools.islice(f, append))
EOF
    DB="$OUT/year-$LABEL-$N.db"
    fresh_db "$DB"
    log "N=$N: ingest of $N articles into a fresh store"
    measure "ingest_$N" nice -n 10 "$BIN" --db "$DB" "${CACHE[@]}" "${INGEST[@]}" "$RUNS/head.jsonl"
    log "N=$N: $APPEND more in a new process"
    measure "append_$N" nice -n 10 "$BIN" --db "$DB" "${CACHE[@]}" "${INGEST[@]}" "$RUNS/tail.jsonl"
    rm -f "$RUNS/head.jsonl" "$RUNS/tail.jsonl"
    python3 - "$DB" > "$RUNS/size_$N.json" <<'EOF'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
page = c.execute("PRAGMA page_size").fetchone()[0]
tables = {}
for name, tbl, size in c.execute(
        "SELECT d.name, coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d "
        "LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY d.name"):
    tables[tbl] = tables.get(tbl, 0) + size
n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
text = c.execute("SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM articles").fetchone()[0]
total = c.execute("PRAGMA page_count").fetchone()[0] * page
free = c.execute("PRAGMA freelist_count").fetchone()[0] * page
print(json.dumps({"articles": n, "bytes": total, "free_bytes": free, "text_bytes": text,
                  "bytes_per_article": round(total / max(n, 1)),
                  "bytes_per_article_beyond_text": round((total - text) / max(n, 1)),
                  "tables": dict(sorted(tables.items(), key=lambda kv: -kv[1]))}))
EOF
    python3 "$ROOT/bench/year/score_copies.py" "$DB" "$TRUTH" > "$RUNS/recall_$N.json"
    if [ "$N" = "$LARGEST" ]; then
        if [ "$SERVE_SECONDS" != 0 ] && [ -z "${STORYLINE_BIN:-}" ]; then
            log "N=$N: serve_load against the store ($SERVE_SECONDS s, $SERVE_ARTICLES articles posted)"
            cp "$DB" "$OUT/serve.db"
            measure "serve_$N" nice -n 10 "$ROOT/target/release/serve_load" --db "$OUT/serve.db" \
                --seconds "$SERVE_SECONDS" --articles "$SERVE_ARTICLES"
            rm -f "$OUT/serve.db" "$OUT/serve.db-wal" "$OUT/serve.db-shm"
        fi
        if "$BIN" --help | grep -q compact; then
            log "N=$N: compact"
            measure "compact_$N" "$BIN" --db "$DB" compact --json
        fi
    fi
    [ "${KEEP_DB:-0}" = 1 ] || fresh_db "$DB"
done

python3 - "$RUNS" "$OUT/results-$LABEL.json" "$SIZES" "$APPEND" <<'EOF'
import json, os, re, sys
runs, out, sizes, append = sys.argv[1], sys.argv[2], sys.argv[3].split(), int(sys.argv[4])

def timing(name):
    t = {}
    with open(os.path.join(runs, name + ".time")) as f:
        for line in f:
            if line.startswith("wall "):
                t["wall"] = float(line.split()[1])
            elif line.startswith("load "):
                t["load"] = float(line.split()[1])
            elif "Maximum resident set size" in line:
                t["peak_rss_mb"] = round(int(line.rsplit(":", 1)[1]) / 1024)
    return t

def run(name, n):
    t = timing(name)
    with open(os.path.join(runs, name + ".out")) as f:
        r = json.load(f)
    per_stage = {k: round(1000 * v / n, 3) for k, v in r.get("stage_seconds", {}).items()}
    return {"articles": n, "wall_seconds": round(t["wall"], 1),
            "articles_per_second": round(n / t["wall"], 1),
            "ms_per_article": round(1000 * t["wall"] / n, 3),
            "ms_per_article_by_stage": per_stage, "peak_rss_mb": t.get("peak_rss_mb"),
            "load_average": t.get("load"), "memory_at_end": r.get("memory")}

res = {}
for n in sizes:
    N = int(n)
    row = {"ingest": run(f"ingest_{n}", N), "append": run(f"append_{n}", append)}
    with open(os.path.join(runs, f"size_{n}.json")) as f:
        row["size"] = json.load(f)
    with open(os.path.join(runs, f"recall_{n}.json")) as f:
        row["copies_recall"] = json.load(f)
    for extra in ("serve", "compact"):
        p = os.path.join(runs, f"{extra}_{n}.out")
        if os.path.exists(p) and os.path.getsize(p):
            with open(p) as f:
                row[extra] = json.load(f)
    res[n] = row
with open(out, "w") as f:
    json.dump(res, f, indent=1)
print("| size | ingest art/s | ms/art (copies, stories, store) | append ms/art (copies) | KB/art beyond text | peak RSS MB | copies recall (91-270 d) |")
print("|---|---|---|---|---|---|---|")
for n, r in res.items():
    i, a, s, c = r["ingest"], r["append"], r["size"], r["copies_recall"]
    st = i["ms_per_article_by_stage"]
    print(f"| {n} | {i['articles_per_second']} | {i['ms_per_article']} ({st.get('copies')}, {st.get('stories')}, {st.get('store')}) "
          f"| {a['ms_per_article']} ({a['ms_per_article_by_stage'].get('copies')}) | {s['bytes_per_article_beyond_text'] / 1000:.1f} "
          f"| {max(i['peak_rss_mb'] or 0, a['peak_rss_mb'] or 0)} | {c['all']['recall']} ({c['by_age']['91-270 days']['recall']}) |")
EOF
