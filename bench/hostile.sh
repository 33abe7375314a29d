#!/usr/bin/env bash
# The ten hostile cases of issue 13, with an old binary and the new one side by side in one
# run: peak memory (GNU time's maximum RSS, or the server's VmHWM) and wall time of each, and
# what happened. Then peak memory per input byte for one large JSONL, HTML and WARC record.
# Run from the repository root (loopback only; every run has a time and a memory cap):
#
#   bash bench/hostile.sh                      # old binary built from BEFORE_REV
#   BEFORE=/path/to/old/storyline bash bench/hostile.sh
#
# Environment: BEFORE_REV (default e300976, main before this work), SCALE (sizes of cases 3-5
# relative to the issue's 1 GB / 1 GB / 200 MB, default 0.1 so the old binary stays within a
# few GB), CAP_GB (address-space cap per run, default 8), TIMEOUT (seconds per run, default
# 120). Everything goes under target/bench/hostile/; the summary is printed and written to
# target/bench/hostile/results.md and results.json.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/bench/hostile"
IN="$OUT/inputs"
RUNS="$OUT/runs"
SCALE="${SCALE:-0.1}"
CAP_GB="${CAP_GB:-8}"
TIMEOUT="${TIMEOUT:-120}"
BEFORE_REV="${BEFORE_REV:-e300976}"
mkdir -p "$OUT" "$RUNS"
rm -f "$RUNS"/*
log() { echo "== $*" >&2; }

log "building storyline and the input generator (release)"
# Two builds: `--bin hostile` would otherwise filter out the storyline binary too.
cargo build --release -q -p storyline-cli >&2 || exit 1
cargo build --release -q -p storyline-bench --bin hostile >&2 || exit 1
cp target/release/storyline "$OUT/after"
cp target/release/hostile "$OUT/hostile"
if [ -n "${BEFORE:-}" ]; then
    cp "$BEFORE" "$OUT/before"
elif [ ! -x "$OUT/before" ] || [ "$(cat "$OUT/before.rev" 2>/dev/null)" != "$BEFORE_REV" ]; then
    log "building the old binary from $BEFORE_REV"
    rm -rf "$OUT/before-src"
    git worktree add -f --detach "$OUT/before-src" "$BEFORE_REV" >&2 || exit 1
    (cd "$OUT/before-src" && cargo build --release -q -p storyline-cli --target-dir "$OUT/before-target") >&2 || exit 1
    cp "$OUT/before-target/release/storyline" "$OUT/before"
    echo "$BEFORE_REV" > "$OUT/before.rev"
    git worktree remove --force "$OUT/before-src" >&2
fi
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null 2>&1 || true; }

log "generating inputs (scale $SCALE)"
"$OUT/hostile" gen "$IN" --scale "$SCALE" >/dev/null || exit 1

RESULTS="$OUT/results.tsv"
: > "$RESULTS"
# run NAME WHICH ARGS...: runs WHICH (before|after) with a cap; records wall, peak RSS, exit.
run() {
    local name="$1" which="$2"; shift 2
    local db="$OUT/$name-$which.db"
    rm -f "$db" "$db-wal" "$db-shm"
    ( ulimit -v $((CAP_GB * 1024 * 1024)); exec timeout -s KILL "$TIMEOUT" /usr/bin/time -f "%e %M %x" -o "$RUNS/$name-$which.time" \
        "$OUT/$which" --db "$db" "$@" ) > "$RUNS/$name-$which.out" 2> "$RUNS/$name-$which.err" < "${STDIN:-/dev/null}"
    local rc=$?
    local t
    t=$(tail -1 "$RUNS/$name-$which.time" 2>/dev/null)
    case "$t" in *" "*" "*) ;; *) t="$TIMEOUT+ 0 $rc" ;; esac
    [ "$rc" = 137 ] && t="$TIMEOUT+ $(echo "$t" | cut -d' ' -f2) killed"
    local note
    note=$(python3 - "$RUNS/$name-$which.out" "$RUNS/$name-$which.err" <<'PY'
import json, sys
out, err = open(sys.argv[1], errors="replace").read(), open(sys.argv[2], errors="replace").read()
try:
    r = json.loads(out)
    msgs = "; ".join(sorted({e["message"][:70] for e in r.get("errors", [])}))
    print(f"added {r.get('added')}" + (f"; {msgs}" if msgs else ""))
except Exception:
    lines = [l for l in err.strip().splitlines() if l.strip()]
    print((lines[-1] if lines else out.strip()[:80]).replace("\t", " ")[:110])
PY
)
    printf "%s\t%s\t%s\t%s\n" "$name" "$which" "$t" "$note" >> "$RESULTS"
}

both() { local name="$1"; shift; for w in before after; do run "$name" "$w" "$@"; done; }

log "case 1: 30,000 and 80,000 nested divs in a record's html (the CLI)"
both c1-nest30k ingest --json "$IN/nest30000.json"
both c1-nest80k ingest --json "$IN/nest80000.json"
log "case 2: extraction time against nesting depth"
for n in 5000 10000 20000; do both "c2-depth$n" ingest --json "$IN/depth$n.html"; done
run c2-depth1M before ingest --json "$IN/depth1000000.html"
run c2-depth1M after ingest --json --max-record-size 16M "$IN/depth1000000.html"
log "case 3: a .jsonl.gz line inflating to $(python3 -c "print(int(1000*$SCALE))") MB"
both c3-gzip-line ingest --json --max-file-size 2G "$IN/bomb.jsonl.gz"
log "case 4: a WARC gzip body inflating to $(python3 -c "print(int(1000*$SCALE))") MB"
both c4-warc-gzip ingest --json "$IN/bomb.warc"
log "case 5: one $(python3 -c "print(int(200*$SCALE))") MB line on standard input"
STDIN="$IN/stdin-line.jsonl" both c5-stdin ingest --json -
log "case 7: a Content-Length past the end of the archive"
both c7-warc-length ingest --json "$IN/overlong.warc"
log "case 10: a stray NUL byte; a pipe; the over-limit message"
both c10-nul ingest --json "$IN/nul.jsonl"
cp "$IN/tiny.jsonl" "$OUT/pipe-src.jsonl"
for w in before after; do
    rm -f "$OUT/c10-pipe-$w.db"*
    bash -c "'$OUT/$w' --db '$OUT/c10-pipe-$w.db' ingest --json <(cat '$OUT/pipe-src.jsonl')" > "$RUNS/c10-pipe-$w.out" 2>&1
    printf "c10-pipe\t%s\t-\t%s\n" "$w" "$(python3 -c "import json,sys;r=json.load(open(sys.argv[1]));print('added',r['added'],[e['message'] for e in r['errors']])" "$RUNS/c10-pipe-$w.out" 2>/dev/null || tail -1 "$RUNS/c10-pipe-$w.out")" >> "$RESULTS"
done
both c10-limit-message ingest --json --max-file-size 1K "$IN/nul.jsonl"

log "case 9: a database another user owns (stats as nobody)"
rm -f "$OUT/ro.db"*
"$OUT/after" --db "$OUT/ro.db" ingest "$IN/tiny.jsonl" >/dev/null 2>&1
chmod 755 "$OUT" 2>/dev/null; chmod 644 "$OUT/ro.db"
for w in before after; do
    if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
        note=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$OUT/$w" --db "$OUT/ro.db" stats 2>&1 | head -1)
    else
        note=$("$OUT/$w" --db "$OUT/ro.db" stats 2>&1 | head -1)
    fi
    printf "c9-read-only\t%s\t-\t%s\n" "$w" "$note" >> "$RESULTS"
done

log "case 10: damage in the middle of the database"
for w in before after; do
    rm -f "$OUT/bad-$w.db"*
    "$OUT/$w" --db "$OUT/bad-$w.db" ingest "$IN/nul.jsonl" "$ROOT/corpus/seeds" >/dev/null 2>&1
    python3 -c "
import os,sys
p=sys.argv[1]; n=os.path.getsize(p)
f=open(p,'r+b'); f.seek(n//2); f.write(b'garbage!'*2048); f.close()" "$OUT/bad-$w.db"
    note=$("$OUT/$w" --db "$OUT/bad-$w.db" ingest "$IN/tiny.jsonl" 2>&1 | tail -1)
    printf "c10-damage\t%s\t-\t%s\n" "$w" "$note" >> "$RESULTS"
done

# serve WHICH PORT: a server on loopback; its pid in SERVER_PID.
serve() {
    local which="$1" port="$2"
    rm -f "$OUT/serve-$which.db"*
    "$OUT/$which" --db "$OUT/serve-$which.db" ingest "$ROOT/corpus/seeds" >/dev/null 2>&1
    ( ulimit -n 1024; exec env STORYLINE_TOKEN=t "$OUT/$which" --db "$OUT/serve-$which.db" serve --addr "127.0.0.1:$port" ) > "$RUNS/serve-$which-$port.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/api/stats" >/dev/null && return 0; sleep 0.1; done
}
hwm() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

log "server cases: 1 (nested POST), 6 (slow clients), 8 (unauthenticated writes), 10 (HTTP-layer errors)"
port=18436
for w in before after; do
    port=$((port + 1)); serve "$w" "$port"
    t0=$(date +%s.%N)
    code=$(curl -s -o "$RUNS/c1-post-$w.body" -w "%{http_code}" -m "$TIMEOUT" -X POST -H 'Authorization: Bearer t' \
        -H 'Content-Type: application/json' --data-binary "@$IN/nest30000.json" "http://127.0.0.1:$port/api/articles")
    t1=$(date +%s.%N)
    alive=$(kill -0 "$SERVER_PID" 2>/dev/null && curl -s -o /dev/null -w "%{http_code}" -m 10 "http://127.0.0.1:$port/api/stats" || echo dead)
    printf "c1-serve-post\t%s\t%s %s -\tPOST answered %s; then GET /api/stats: %s\n" "$w" \
        "$(python3 -c "print(round($t1-$t0,2))")" "$(hwm "$SERVER_PID")" "$code" "$alive" >> "$RESULTS"
    if [ "$alive" = dead ]; then serve "$w" "$port"; fi
    slow=$("$OUT/hostile" slow "127.0.0.1:$port" --clients 1100 --seconds 60 2>&1 | tail -1)
    printf "c6-slow-clients\t%s\t- %s -\t%s\n" "$w" "$(hwm "$SERVER_PID")" "$slow" >> "$RESULTS"
    stop "$SERVER_PID"; serve "$w" "$port"
    rate=$("$OUT/hostile" rate "127.0.0.1:$port" --token t 2>&1 | tail -1)
    printf "c8-rate\t%s\t-\t%s\n" "$w" "$rate" >> "$RESULTS"
    errs=""
    for req in "uri=$(python3 -c "print('a'*70000)")" "hdr"; do
        if [ "$req" = hdr ]; then
            python3 -c "print('X-Big: ' + 'b'*500000)" > "$OUT/big-header.txt"
            out=$(curl -s -i -m 10 -H "@$OUT/big-header.txt" "http://127.0.0.1:$port/api/stats")
        else
            out=$(curl -s -i -m 10 "http://127.0.0.1:$port/api/search?q=${req#uri=}")
        fi
        status=$(echo "$out" | head -1 | awk '{print $2}')
        json=$(echo "$out" | grep -c '"error"')
        nosniff=$(echo "$out" | grep -ci 'x-content-type-options')
        errs="$errs ${status:-none} (json $json, nosniff $nosniff);"
    done
    bad=$(printf 'NOT HTTP\r\n\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; cat >&3; cat <&3" | head -1 | tr -d '\r')
    printf "c10-http-errors\t%s\t-\t%s malformed: %s\n" "$w" "$errs" "${bad:-no answer}" >> "$RESULTS"
    for q in "offset=9223372036854775807" "until=9999-12-31T23:59:59-23:59" "since=2018-01-01&until=2017-01-01"; do
        out=$(curl -s -m 10 "http://127.0.0.1:$port/api/stories?$q" | head -c 100)
        printf "c10-params\t%s\t-\t%s -> %s\n" "$w" "$q" "$out" >> "$RESULTS"
    done
    stop "$SERVER_PID"
done

log "peak memory per input byte"
for w in before after; do
    run per-byte-base "$w" ingest --json "$IN/tiny.jsonl"
    for f in record1m.jsonl record4m.jsonl record8m.jsonl record1m.html record4m.html record8m.html record1m.warc record4m.warc record8m.warc; do
        if [ "$w" = after ]; then
            run "per-byte-$f" after ingest --json --max-record-size 16M --max-text-size 16M "$IN/$f"
        else
            run "per-byte-$f" before ingest --json "$IN/$f"
        fi
    done
done

python3 - "$RESULTS" "$IN" "$OUT" <<'PY'
import json, os, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
out = []
def fmt(t):
    p = t.split()
    if len(p) >= 2 and p[1].isdigit() and p[1] != "0":
        return p[0], f"{int(p[1]) / 1024:.0f} MB"
    return (p[0] if p else "-"), "-"
lines = ["| case | binary | wall s | peak RSS | outcome |", "|---|---|---|---|---|"]
for name, which, t, note in rows:
    if name.startswith("per-byte"):
        continue
    wall, rss = fmt(t)
    lines.append(f"| {name} | {which} | {wall} | {rss} | {note.replace('|', '/')} |")
    out.append({"case": name, "binary": which, "time": t, "outcome": note})
base = {w: int(t.split()[1]) for n, w, t, _ in rows if n == "per-byte-base" and len(t.split()) > 1}
lines += ["", "| record | binary | bytes | peak RSS | (peak - baseline) / bytes | outcome |", "|---|---|---|---|---|---|"]
for name, which, t, note in rows:
    if not name.startswith("per-byte-record"):
        continue
    f = name[len("per-byte-"):]
    size = os.path.getsize(os.path.join(sys.argv[2], f))
    p = t.split()
    rss = int(p[1]) if len(p) > 1 and p[1].isdigit() else 0
    ratio = (rss - base.get(which, 0)) * 1024 / size if rss else float("nan")
    lines.append(f"| {f} | {which} | {size} | {rss/1024:.0f} MB | {ratio:.1f}x | {note[:60]} |")
    out.append({"record": f, "binary": which, "bytes": size, "peak_rss_kb": rss, "per_byte": ratio, "outcome": note})
text = "\n".join(lines)
print(text)
open(os.path.join(sys.argv[3], "results.md"), "w").write(text + "\n")
json.dump(out, open(os.path.join(sys.argv[3], "results.json"), "w"), indent=1)
PY
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
