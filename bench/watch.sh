#!/usr/bin/env bash
# Watching live sources: throughput of `storyline watch --once` against
# news-please (PyPI) crawling the same local site, freshness at --every 1m,
# and the conditional-GET hit rate. The one-hour memory soak is separate
# (SOAK=1, or `target/release/watch soak`).
#
# Run from the repository root:  bash bench/watch.sh
# HOSTS (200) x ITEMS (50) items on loopback; pages from ../shared/data
# (extraction and extraction_web), each served with its own canonical URL.
# FRESH_MINUTES (10), PEERS=0 skips news-please, SOAK=1 adds the soak
# (SOAK_MINUTES, default 60). NP_SECONDS (600) bounds news-please. PARTS picks what runs (default
# "storyline newsplease freshness conditional"); OUT where it goes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/target/watch-bench}"
PARTS="${PARTS:-storyline newsplease freshness conditional}"
wants() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
RUNS="$OUT/runs"
VENV="$ROOT/target/watch-venv"
HOSTS="${HOSTS:-200}"
ITEMS="${ITEMS:-50}"
FRESH_MINUTES="${FRESH_MINUTES:-10}"
DATA="${STORYLINE_SHARED:-$ROOT/../shared}/data"
mkdir -p "$OUT" "$RUNS"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
find_gnu_time

log "building storyline and the watch bench (release)"
cargo build --release -p storyline-cli -p storyline-bench --bin storyline --bin watch >&2
BIN="$ROOT/target/release"

# The site, in a process of its own, for both crawlers.
SITE="$OUT/site"
rm -rf "$SITE"
"$BIN/watch" --data "$DATA" site --hosts "$HOSTS" --items "$ITEMS" --out "$SITE" &
SITE_PID=$!
trap 'kill $SITE_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -f "$SITE/ready" ] && break; sleep 0.5; done
[ -f "$SITE/ready" ] || { log "the site did not start"; exit 1; }
log "site: $(cat "$SITE/ready")"

# storyline: every item's page fetched, extracted and stored with every
# stage, per-host delay 0 (for the benchmark only), robots.txt honoured.
DB="$OUT/watch.db"
STORED=""
if wants storyline; then
    rm -f "$DB" "$DB-wal" "$DB-shm"
    "$BIN/storyline" --db "$DB" sources import --every 10m "$SITE/sources.opml" > /dev/null
    measure storyline "$BIN/storyline" --db "$DB" watch --once --json --allow-private --delay 0 --concurrency 64
    STORED=$("$BIN/storyline" --db "$DB" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
fi

# news-please: its RSS crawler over the same hosts (front page -> feed ->
# articles), JSON files for storage, its defaults otherwise (5 crawlers in
# parallel, 16 requests at once, 4 per domain, no delay, robots.txt obeyed).
NP_STORED=""
if [ "${PEERS:-1}" != 0 ] && wants newsplease; then
    if [ ! -x "$VENV/bin/news-please" ]; then
        log "installing news-please into $VENV"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install --quiet news-please
    fi
    NP="$OUT/news-please"
    rm -rf "$NP"; mkdir -p "$NP/config" "$NP/repo"
    python3 - "$VENV" "$NP" "$SITE/fronts.txt" <<'PY'
import glob, json, re, sys, pathlib
venv, np, fronts = sys.argv[1:4]
cfg = pathlib.Path(glob.glob(f"{venv}/lib/python3*/site-packages/newsplease/config/config.cfg")[0]).read_text()
cfg = re.sub(r"(?m)^default = .*$", "default = RssCrawler", cfg)
cfg = re.sub(r"(?m)^working_path = .*$", f"working_path = {np}/repo/", cfg)
cfg = re.sub(r"(?m)^check_crawler_has_urls_to_scan = .*$", "check_crawler_has_urls_to_scan = False", cfg)
# Storage: JSON files only (no HTML copies, no database).
cfg = re.sub(r"ITEM_PIPELINES = \{[^}]*\}",
             "ITEM_PIPELINES = {'newsplease.pipeline.pipelines.ArticleMasterExtractor':100,\n"
             "                  'newsplease.pipeline.pipelines.JsonFileStorage':300\n                  }", cfg)
cfg = re.sub(r"(?m)^LOG_LEVEL = .*$", "LOG_LEVEL = WARNING", cfg)
pathlib.Path(f"{np}/config/config.cfg").write_text(cfg)
urls = [u.strip() for u in open(fronts) if u.strip()]
sites = {"base_urls": [{"url": u, "crawler": "RssCrawler"} for u in urls]}
pathlib.Path(f"{np}/config/sitelist.hjson").write_text(json.dumps(sites, indent=1))
PY
    # news-please manages about half an article a second here (each site in
    # a process of its own, and newspaper's image fetches, which fail with
    # no outside network): it gets NP_SECONDS (600), then is stopped, and
    # its rate is what it stored in that time.
    measure newsplease timeout -k 10 "${NP_SECONDS:-600}" "$VENV/bin/news-please" -c "$NP/config" -no-confirm || true
    NP_STORED=$(find "$NP/repo" -name '*.json' | wc -l)
fi

# Freshness at --every 1m, with the shipped politeness (1 s per host).
if wants freshness; then
    log "freshness: ${FRESH_MINUTES} minutes"
    "$BIN/watch" --data "$DATA" freshness --minutes "$FRESH_MINUTES" --every 60 > "$OUT/freshness.json"
fi
# Conditional GET on unchanged feeds (a third of the hosts send both
# validators, a third only an ETag, a third only Last-Modified).
if wants conditional; then
    "$BIN/watch" --data "$DATA" conditional --sources 500 --passes 5 > "$OUT/conditional.json"
fi
if [ "${SOAK:-0}" = 1 ]; then
    log "soak: ${SOAK_MINUTES:-60} minutes"
    nice -n 10 "$BIN/watch" --data "$DATA" soak --minutes "${SOAK_MINUTES:-60}" --storyline "$BIN/storyline" > "$OUT/soak.json"
fi

python3 - "$OUT" "$HOSTS" "$ITEMS" "$STORED" "$NP_STORED" <<'PY'
import json, sys, pathlib
sys.path.insert(0, "bench")
from timing import read_time
out, hosts, items, stored, np_stored = sys.argv[1:6]
out = pathlib.Path(out)
total = int(hosts) * int(items)
rows = []
if stored:
    rows.append(("storyline watch --once", int(stored), read_time(out / "runs" / "storyline.time")))
if np_stored:
    rows.append(("news-please (RssCrawler)", int(np_stored), read_time(out / "runs" / "newsplease.time")))
print(f"throughput, {hosts} hosts x {items} items = {total} items on loopback, 2 cores")
print(f"{'crawler':<26} {'stored':>7} {'wall s':>8} {'articles/s':>11} {'peak RSS MB':>12} {'load':>5}")
result = {"items": total, "runs": []}
for name, n, t in rows:
    rate = n / t["wall_s"] if t["wall_s"] else 0
    print(f"{name:<26} {n:>7} {t['wall_s']:>8.1f} {rate:>11.1f} {t.get('peak_rss_mb', 0):>12.0f} {t.get('loadavg_1min_before', 0):>5}")
    result["runs"].append({"crawler": name, "stored": n, "articles_per_second": rate, **t})
if len(result["runs"]) == 2 and result["runs"][1]["articles_per_second"]:
    ratio = result["runs"][0]["articles_per_second"] / result["runs"][1]["articles_per_second"]
    print(f"speed-up: {ratio:.1f}x news-please")
    result["speedup"] = ratio
if stored:
    pass_ = json.loads((out / "runs" / "storyline.out").read_text())
    result["storyline_pass"] = {k: pass_[k] for k in ("sources", "added", "pages", "page_errors", "requests", "seconds")}
if (out / "freshness.json").exists():
    f = result["freshness"] = json.loads((out / "freshness.json").read_text())
    print(f"freshness at --every {f['every_seconds']}s: p50 {f['p50_seconds']:.1f} s, p95 {f['p95_seconds']:.1f} s, max {f['max_seconds']:.1f} s over {f['items_seen']}/{f['items_appeared']} items (goal p95 < {f['goal_p95_under']} s)")
if (out / "conditional.json").exists():
    c = result["conditional"] = json.loads((out / "conditional.json").read_text())
    print(f"conditional GET on unchanged feeds: {c['hit_rate']:.3f} of {c['polled']} polls answered 304")
if (out / "soak.json").exists():
    result["soak"] = json.loads((out / "soak.json").read_text())
(out / "watch.json").write_text(json.dumps(result, indent=1))
PY
