#!/usr/bin/env bash
# Ingest throughput benchmark for the `storyline` CLI (meant for 2 cores).
# Run from the repository root:  bash bench/ingest.sh [N]      (N JSONL articles, default 100000)
#
#   1. builds target/release/storyline
#   2. JSONL: N synthetic articles (texts of multinews, duc2004 and ecbplus repeated, each copy with
#      its own id, url and a final sentence naming the copy) in target/bench/jsonl/, ingested into a
#      fresh db, then ingested again into the same db (all unchanged)
#   3. HTML: the 181 extraction-benchmark pages, repeated to ~2,000 with a distinct
#      <link rel=canonical> per copy, in target/bench/html/, ingested into a fresh db
#   4. Python trafilatura on the same pages: 181 distinct pages in one process, and the ~2,000 on a
#      Pool(2), next to storyline
#   5. JSONL scaling at N/10 and N/2 articles (skip with SCALING=0)
#
# Prints a table and writes every figure to target/bench/ingest.json. Environment: STORYLINE_SHARED
# (default ../shared beside the repository), HTML_PAGES (default 2000), SCALING (default 1),
# PEERS=0 skips trafilatura.
# The data sets have research licences: everything generated goes under target/ only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
N="${1:-100000}"
HTML_PAGES="${HTML_PAGES:-2000}"
SCALING="${SCALING:-1}"
PEERS="${PEERS:-1}"
source "$ROOT/bench/shared.sh"
OUT="$ROOT/target/bench"
RUNS="$OUT/runs"
VENV="$ROOT/target/peers-venv"
mkdir -p "$OUT" "$RUNS"
rm -f "$RUNS"/*

source "$ROOT/bench/lib.sh"

# ---------------------------------------------------------------- 1. build
log "building storyline-cli (release)"
cargo build --release -p storyline-cli >&2
# Run a private copy: a concurrent `cargo build` must not swap the binary between two runs.
cp "$ROOT/target/release/storyline" "$OUT/storyline"
BIN="$OUT/storyline"

find_gnu_time



fresh_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# ---------------------------------------------------------------- 2. JSONL
# gen_jsonl DIR COUNT: deterministic synthetic articles, files of at most ~48 MB.
gen_jsonl() {
    local dir="$1" count="$2"
    local stamp="jsonl v1 count=$count"
    if [ -f "$dir/.bench-stamp" ] && [ "$(cat "$dir/.bench-stamp")" = "$stamp" ]; then
        return 0
    fi
    log "generating $count JSONL articles in ${dir#$ROOT/}"
    rm -rf "$dir"; mkdir -p "$dir"
    python3 - "$SHARED_DATA" "$dir" "$count" <<'PY'
import json, os, sys
data, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = []
for name in ("multinews", "duc2004", "ecbplus"):
    with open(os.path.join(data, name, "articles.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if (r.get("text") or "").strip():
                base.append(r)
LIMIT = 48_000_000
part, size, fh = 0, 0, None
for i in range(count):
    src = base[i % len(base)]
    copy = i // len(base)
    rec = {
        "id": f"bench-{i:07d}",
        "url": f"https://bench.example/{i}",
        "title": src.get("title"),
        "text": src["text"].rstrip() + f"\n\nThis is benchmark copy number {copy}.",
        "source": src.get("source"),
        "date": src.get("date"),
        "author": src.get("author"),
    }
    line = (json.dumps({k: v for k, v in rec.items() if v is not None}, ensure_ascii=False) + "\n").encode()
    if fh is None or size + len(line) > LIMIT:
        if fh:
            fh.close()
        fh = open(os.path.join(out, f"part-{part:03d}.jsonl"), "wb")
        part, size = part + 1, 0
    fh.write(line)
    size += len(line)
if fh:
    fh.close()
PY
    echo "$stamp" > "$dir/.bench-stamp"
}

gen_jsonl "$OUT/jsonl" "$N"
log "JSONL ingest, $N articles, fresh db"
fresh_db "$OUT/jsonl.db"
measure jsonl "$BIN" --db "$OUT/jsonl.db" ingest --json "$OUT/jsonl"
log "JSONL re-ingest (all unchanged)"
measure jsonl_again "$BIN" --db "$OUT/jsonl.db" ingest --json "$OUT/jsonl"

SCALES=()
if [ "$SCALING" != 0 ]; then
    for k in $((N / 10)) $((N / 2)); do
        [ "$k" -ge 1 ] || continue
        gen_jsonl "$OUT/scale/jsonl-$k" "$k"
        log "JSONL scaling: $k articles, fresh db"
        fresh_db "$OUT/scale/jsonl-$k.db"
        measure "scale_$k" "$BIN" --db "$OUT/scale/jsonl-$k.db" ingest --json "$OUT/scale/jsonl-$k"
        SCALES+=("$k")
    done
fi

# ---------------------------------------------------------------- 3. HTML
html_stamp="html v2 pages=$HTML_PAGES"
if ! { [ -f "$OUT/html/.bench-stamp" ] && [ "$(cat "$OUT/html/.bench-stamp")" = "$html_stamp" ]; }; then
    log "generating ~$HTML_PAGES HTML pages in target/bench/html"
    rm -rf "$OUT/html"; mkdir -p "$OUT/html"
    python3 - "$SHARED_DATA/extraction/html" "$OUT/html" "$HTML_PAGES" <<'PY'
import gzip, math, pathlib, re, sys
src, out, want = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
pages = []
for p in sorted(src.glob("*.html*")):
    raw = p.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    pages.append((p.name.split(".html")[0], raw))
head = re.compile(rb"<head(?:\s[^>]*)?>", re.I)
html = re.compile(rb"<html(?:\s[^>]*)?>", re.I)
copies = max(1, round(want / len(pages)))
for c in range(copies):
    for pid, raw in pages:
        if c:
            # Our canonical link goes first in <head>, so it wins over the page's own.
            link = b'<link rel="canonical" href="https://bench.example/page/%d/%s">' % (c, pid.encode())
            m = head.search(raw) or html.search(raw)
            raw = raw[: m.end()] + link + raw[m.end():] if m else link + raw
        (out / f"{pid}-{c:02d}.html").write_bytes(raw)
PY
    echo "$html_stamp" > "$OUT/html/.bench-stamp"
fi

log "HTML ingest, $(ls "$OUT/html" | wc -l) pages, fresh db"
fresh_db "$OUT/html.db"
measure html "$BIN" --db "$OUT/html.db" ingest --json "$OUT/html"
log "HTML ingest, same pages, one rayon thread, fresh db"
fresh_db "$OUT/html1.db"
measure html_1thread env RAYON_NUM_THREADS=1 "$BIN" --db "$OUT/html1.db" ingest --json "$OUT/html"
log "HTML ingest, the 181 distinct pages (gzipped, as shipped), fresh db"
fresh_db "$OUT/html181.db"
measure html_181 "$BIN" --db "$OUT/html181.db" ingest --json "$SHARED_DATA/extraction/html"

# ---------------------------------------------------------------- 4. trafilatura
if [ "$PEERS" != 0 ]; then
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    if ! "$VENV/bin/python" -c "import trafilatura, lxml_html_clean" 2>/dev/null; then
        "$VENV/bin/pip" install --quiet --upgrade pip >&2
        # lxml >= 5.2 moved lxml.html.clean (needed by justext) to lxml_html_clean.
        "$VENV/bin/pip" install --quiet trafilatura lxml_html_clean >&2
    fi
    log "trafilatura: 181 distinct pages, one process"
    measure traf_181 "$VENV/bin/python" "$ROOT/bench/peers/trafilatura_extract.py" \
        --data "$SHARED_DATA/extraction" --out "$OUT/pred-trafilatura.jsonl"
    log "trafilatura: the same pages as storyline, Pool(2)"
    measure traf_pool2 "$VENV/bin/python" "$ROOT/bench/peers/trafilatura_pool.py" --dir "$OUT/html" --procs 2
fi

# ---------------------------------------------------------------- report
python3 - "$OUT" "$N" "$(nproc)" "${SCALES[*]:-}" <<'PY'
import json, os, pathlib, platform, re, subprocess, sys
out = pathlib.Path(sys.argv[1]); n = int(sys.argv[2]); cores = int(sys.argv[3])
scales = [int(s) for s in sys.argv[4].split()] if sys.argv[4].strip() else []
runs = out / "runs"

def dir_bytes(p):
    p = pathlib.Path(p)
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))

sys.path.insert(0, "bench")
from timing import read_time  # noqa: E402  (shared with the other timing scripts)


def timing(name):
    return read_time(runs / f"{name}.time")

def storyline(name, input_dir, unit):
    rep = json.loads((runs / f"{name}.out").read_text())
    t = timing(name)
    mb = dir_bytes(input_dir) / 1e6
    count = rep["records"]
    r = {
        "input": str(input_dir), "input_mb": round(mb, 2), unit: count,
        "added": rep["added"], "unchanged": rep["unchanged"], "updated": rep["updated"],
        "errors": len(rep["errors"]), "files": rep["files"], "ingest_seconds": rep["seconds"],
        **t,
    }
    r[f"{unit}_per_sec"] = count / t["wall_s"]
    r["mb_per_sec"] = mb / t["wall_s"]
    r["error_samples"] = rep["errors"][:5]
    return r

res = {"n": n, "cores": cores, "machine": platform.machine(),
       "storyline": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()}
res["jsonl"] = storyline("jsonl", out / "jsonl", "articles")
res["jsonl_reingest"] = storyline("jsonl_again", out / "jsonl", "articles")
res["jsonl_scaling"] = [storyline(f"scale_{k}", out / "scale" / f"jsonl-{k}", "articles") for k in scales] + [res["jsonl"]]
res["html"] = storyline("html", out / "html", "pages")
res["html_1thread"] = storyline("html_1thread", out / "html", "pages")
# The 181 pages are read gzipped from shared/; their decompressed size is that of the copies -00.
h181 = json.loads((runs / "html_181.out").read_text()); t181 = timing("html_181")
mb181 = sum(f.stat().st_size for f in (out / "html").glob("*-00.html")) / 1e6
res["html_181"] = {"pages": h181["records"], "added": h181["added"], "errors": len(h181["errors"]),
                   "input_mb_decompressed": round(mb181, 2), "ingest_seconds": h181["seconds"], **t181,
                   "pages_per_sec": h181["records"] / t181["wall_s"]}
peers = {}
if (runs / "traf_181.out").exists():
    for key, name in (("single_181", "traf_181"), ("pool2", "traf_pool2")):
        j = json.loads((runs / f"{name}.out").read_text())
        peers[key] = {**j, "process": timing(name)}
    s = res["html"]["pages_per_sec"]
    res["ratios"] = {
        "storyline_vs_trafilatura_single": s / peers["single_181"]["pages_per_sec"],
        "storyline_vs_trafilatura_pool2": s / peers["pool2"]["pages_per_sec"],
        "storyline_1thread_vs_trafilatura_single": res["html_1thread"]["pages_per_sec"] / peers["single_181"]["pages_per_sec"],
    }
res["trafilatura"] = peers
(out / "ingest.json").write_text(json.dumps(res, indent=2) + "\n")

rows = []
def row(label, count, unit, r, rate, mb=None):
    rows.append((label, f"{count:,} {unit}", f"{r['wall_s']:.2f}", f"{rate:,.0f}",
                 f"{mb:.1f}" if mb is not None else "-", f"{r.get('peak_rss_mb', 0):.0f}",
                 f"{r.get('cpu_percent', 0)}%" if "cpu_percent" in r else "-"))
j = res["jsonl"]; row("JSONL ingest (fresh db)", j["articles"], "art", j, j["articles_per_sec"], j["mb_per_sec"])
j = res["jsonl_reingest"]; row("JSONL re-ingest (unchanged)", j["articles"], "art", j, j["articles_per_sec"], j["mb_per_sec"])
for j in res["jsonl_scaling"][:-1]:
    row(f"JSONL scaling {j['articles']:,}", j["articles"], "art", j, j["articles_per_sec"], j["mb_per_sec"])
h = res["html"]; row("HTML ingest", h["pages"], "pages", h, h["pages_per_sec"], h["mb_per_sec"])
h = res["html_1thread"]; row("HTML ingest, 1 rayon thread", h["pages"], "pages", h, h["pages_per_sec"], h["mb_per_sec"])
h = res["html_181"]; row("HTML ingest, 181 distinct .gz", h["pages"], "pages", h, h["pages_per_sec"], h["input_mb_decompressed"] / h["wall_s"])
if peers:
    p = peers["single_181"]; row("trafilatura, 1 process", p["pages"], "pages", {**p["process"], "wall_s": p["seconds"]}, p["pages_per_sec"])
    p = peers["pool2"]; row("trafilatura, Pool(2)", p["pages"], "pages", {**p["process"], "wall_s": p["seconds"]}, p["pages_per_sec"])
hdr = ("run", "input", "wall s", "items/s", "MB/s", "RSS MB", "CPU")
w = [max(len(str(x[i])) for x in rows + [hdr]) for i in range(len(hdr))]
fmt = lambda r: "  ".join(str(c).ljust(w[0]) if i == 0 else str(c).rjust(w[i]) for i, c in enumerate(r))
print(f"storyline ingest benchmark ({cores} cores, storyline {res['storyline']})")
print(fmt(hdr)); print("  ".join("-" * x for x in w))
for r in rows: print(fmt(r))
print("(storyline wall = whole process incl. start-up and db open; trafilatura wall = extraction only, pages in memory;"
      " RSS/CPU of trafilatura = its whole process; MB/s = input bytes, decompressed for HTML)")
if res["jsonl"]["added"] != res["jsonl"]["articles"]:
    print(f"note: JSONL added {res['jsonl']['added']} of {res['jsonl']['articles']} records")
if res["jsonl_reingest"]["unchanged"] != res["jsonl_reingest"]["articles"]:
    print(f"note: JSONL re-ingest found {res['jsonl_reingest']['unchanged']} unchanged of {res['jsonl_reingest']['articles']}")
if res["html"]["added"] != res["html"]["pages"]:
    print(f"note: HTML added {res['html']['added']} of {res['html']['pages']} pages ({res['html']['errors']} skipped)")
busy = [f"{p.stem} ({timing(p.stem)['busy_samples']} samples)" for p in sorted(runs.glob("*.time")) if timing(p.stem).get("contended")]
if busy:
    print(f"warning: cargo or a compiler ran alongside: {', '.join(busy)}; those figures are low, run again on a quiet machine")
if "ratios" in res:
    r = res["ratios"]
    print(f"storyline HTML pages/s / trafilatura 1 process: {r['storyline_vs_trafilatura_single']:.1f}x;"
          f" / trafilatura Pool(2): {r['storyline_vs_trafilatura_pool2']:.1f}x;"
          f" storyline 1 rayon thread / trafilatura 1 process: {r['storyline_1thread_vs_trafilatura_single']:.1f}x")
print(f"all figures: {out / 'ingest.json'}")
PY
