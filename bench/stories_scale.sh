#!/usr/bin/env bash
# Scale benchmark for the online story clustering that runs inside `storyline ingest`.
# Run from anywhere:  bash bench/stories_scale.sh [SIZES]     (default "10000 50000 100000")
#
# For each size N:
#   1. a synthetic stream of N articles from the three story sets (bench/stories/scale_corpus.py:
#      the 2,052 articles repeated, each repetition with its own dates, ids, gold stories and
#      edited text) in target/stories-scale/corpus-N.jsonl
#   2. `storyline ingest` of the whole stream into a fresh db, under GNU time (wall, peak RSS)
#   3. the same stream split 90% / 10% into a second fresh db, the tail timed on its own: if the
#      clustering slows down as stories pile up, the tail's ms/article shows it
#   4. BCubed and pairwise F1 of the stories of step 2 against the gold stories
# Prints a markdown table and writes every figure to target/stories-scale/results.json.
# Environment: STORYLINE_SHARED (default ../shared beside the repository; bench/shared.sh), SHIFT_DAYS (days
# between repetitions of the pool, default 400), SCORE_MAX (score only sizes up to this, default
# all), QUIET_WAIT (seconds to wait in all for running compilers, default 300), WORKERS
# (parallel `story ID` reads, default 2), STORYLINE_BIN (measure this binary instead of building
# the working tree's, e.g. an older build to compare with), SCALE_OUT (results folder, default
# target/stories-scale; the corpora are generated there).
# The data sets have research licences: everything generated goes under target/ only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SIZES="${*:-10000 50000 100000}"
SCORE_MAX="${SCORE_MAX:-}"
WORKERS="${WORKERS:-2}"
SHIFT_DAYS="${SHIFT_DAYS:-400}"
# scale_corpus.py reads the data through bench/shared.py, which honours the STORYLINE_SHARED
# that shared.sh exports.
source "$ROOT/bench/shared.sh"
OUT="${SCALE_OUT:-$ROOT/target/stories-scale}"
RUNS="$OUT/runs"
mkdir -p "$OUT" "$RUNS"
rm -f "$RUNS"/*
START=$(date +%s)

source "$ROOT/bench/lib.sh"


# ---------------------------------------------------------------- build
wait_quiet
if [ -n "${STORYLINE_BIN:-}" ]; then
    cp "$STORYLINE_BIN" "$OUT/storyline"
else
    log "building storyline-cli (release)"
    cargo build --release -p storyline-cli >&2
    # Run a private copy: a concurrent `cargo build` must not swap the binary between two runs.
    cp "$ROOT/target/release/storyline" "$OUT/storyline"
fi
BIN="$OUT/storyline"

find_gnu_time


fresh_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# The corpus is ~3 KB an article, so 100k articles is ~300 MB: above ingest's default 64 MiB
# per-file limit, which guards against stray files, not against a deliberate stream.
INGEST=(ingest --json --max-file-size 4G)

# ---------------------------------------------------------------- per size
GEN_STAMP="$(md5sum "$ROOT/bench/stories/scale_corpus.py" | cut -c1-12) shift=$SHIFT_DAYS"
for N in $SIZES; do
    CORPUS="$OUT/corpus-$N.jsonl"
    # Regenerate only when the generator changed: 100k takes ~40 s.
    if [ ! -f "$CORPUS" ] || [ "$(cat "$CORPUS.stamp" 2>/dev/null)" != "$GEN_STAMP" ]; then
        log "generating $N articles in ${CORPUS#$ROOT/}"
        python3 "$ROOT/bench/stories/scale_corpus.py" "$N" "$CORPUS" --shift-days "$SHIFT_DAYS"
        echo "$GEN_STAMP" > "$CORPUS.stamp"
    fi
    HEAD_N=$((N * 9 / 10))
    head -n "$HEAD_N" "$CORPUS" > "$OUT/corpus-$N.head.jsonl"
    tail -n +"$((HEAD_N + 1))" "$CORPUS" > "$OUT/corpus-$N.tail.jsonl"

    log "N=$N: ingest of the whole stream, fresh db"
    DB="$OUT/$N.db"
    fresh_db "$DB"
    measure "full_$N" "$BIN" --db "$DB" "${INGEST[@]}" "$CORPUS"
    "$BIN" --db "$DB" stories --json > "$RUNS/stories_$N.json"

    log "N=$N: first 90% ($HEAD_N), then the last 10% timed on its own, fresh db"
    SPLIT_DB="$OUT/$N-split.db"
    fresh_db "$SPLIT_DB"
    measure "head_$N" "$BIN" --db "$SPLIT_DB" "${INGEST[@]}" "$OUT/corpus-$N.head.jsonl"
    measure "tail_$N" "$BIN" --db "$SPLIT_DB" "${INGEST[@]}" "$OUT/corpus-$N.tail.jsonl"
    "$BIN" --db "$SPLIT_DB" stories --json > "$RUNS/stories_split_$N.json"
done

# ---------------------------------------------------------------- scoring
for N in $SIZES; do
    if [ -n "$SCORE_MAX" ] && [ "$N" -gt "$SCORE_MAX" ]; then
        log "N=$N: not scored (SCORE_MAX=$SCORE_MAX)"
        continue
    fi
    log "N=$N: scoring stories against the gold labels"
    python3 - "$BIN" "$OUT/$N.db" "$OUT/corpus-$N.jsonl" "$RUNS/stories_$N.json" "$RUNS/full_$N.out" \
        "$RUNS/score_$N.json" "$WORKERS" <<'PY'
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
binary, db, corpus, stories_path, report_path, out, workers = sys.argv[1:8]
sys.path.insert(0, "bench/stories")
import metrics  # noqa: E402
from run_storyline import Storyline, refs_of  # noqa: E402

t0 = time.perf_counter()
ids, gold = [], []
with open(corpus, encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        ids.append(r["id"])
        gold.append(r["story"])
stories = json.loads(Path(stories_path).read_text())
report = json.loads(Path(report_path).read_text())
# A one-article story scores as a singleton whatever its id, so when every input id became its
# own article (added == records: no two texts were identical) its article need not be looked
# up.  That saves most `story` calls at 100k; otherwise every story is read.
every_id_own_article = report.get("added") == report.get("records") == len(ids)
to_read = [s for s in stories if s["articles"] >= 2] if every_id_own_article else stories
sl = Storyline(binary, db)
with ThreadPoolExecutor(int(workers)) as pool:
    members = list(pool.map(lambda s: (s["id"], sl.json("story", str(s["id"]))["articles"]), to_read))
ref_story = {}
for sid, arts in members:
    for a in arts:
        for ref in refs_of(a):
            ref_story[ref] = sid
pred = [("story", ref_story[i]) if i in ref_story else ("single", i) for i in ids]
unmapped = sum(1 for i in ids if i not in ref_story)
singles = sum(1 for s in stories if s["articles"] == 1)
s = metrics.score(pred, gold)
# The copies of a story share their vocabulary, so a clusterer may chain them into one story
# across repetitions.  Splitting every predicted story by repetition scores what is left: the
# grouping within each repetition (gold stories never span repetitions).
rep = [i.rsplit("#", 1)[1] for i in ids]
within = metrics.score(list(zip(pred, rep)), gold)
spanning, in_spanning = 0, 0
for sid, arts in members:
    reps = {ref.rsplit("#", 1)[1] for a in arts for ref in refs_of(a)}
    if len(reps) > 1:
        spanning += 1
        in_spanning += len(arts)
s.update({"within_repetition_bcubed_f1": within["bcubed_f1"], "within_repetition_pair_f1": within["pair_f1"],
          "stories_spanning_repetitions": spanning, "articles_in_spanning_stories": in_spanning})
s.update({"story_calls": len(to_read), "skipped_singleton_stories": every_id_own_article,
          "ids_not_in_read_stories": unmapped, "singleton_stories": singles,
          # With the shortcut these two must match: each unread id is one singleton story.
          "mapping_consistent": (unmapped == singles) if every_id_own_article else None,
          "score_seconds": time.perf_counter() - t0})
Path(out).write_text(json.dumps(s, indent=1) + "\n")
print(f"== B3 F1 {s['bcubed_f1']:.3f}  pairwise F1 {s['pair_f1']:.3f}  ({len(to_read)} story calls, "
      f"{s['score_seconds']:.0f} s)", file=sys.stderr)
PY
done

# ---------------------------------------------------------------- report
python3 - "$OUT" "$SIZES" "$(nproc)" "$(( $(date +%s) - START ))" "${SCORE_MAX:-}" "$SHIFT_DAYS" <<'PY'
import json, pathlib, platform, subprocess, sys
out = pathlib.Path(sys.argv[1]); sizes = [int(n) for n in sys.argv[2].split()]
cores, total_s, score_max, shift = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
runs = out / "runs"

sys.path.insert(0, "bench")
from timing import read_time  # noqa: E402  (shared with the other timing scripts)


def timing(name):
    return read_time(runs / f"{name}.time")

def run(name, articles):
    rep = json.loads((runs / f"{name}.out").read_text())
    t = timing(name)
    return {"articles": articles, **t, "articles_per_s": articles / t["wall_s"],
            "ms_per_article": 1000 * t["wall_s"] / articles,
            # The writer's time per stage (`ingest --json`), per article.
            "stage_ms_per_article": {k: 1000 * v / articles
                                     for k, v in (rep.get("stage_seconds") or {}).items()},
            "report": {k: rep.get(k) for k in ("records", "added", "unchanged", "updated", "seconds")},
            "errors": len(rep.get("errors") or []), "error_samples": (rep.get("errors") or [])[:5]}

def db_mb(path):
    return sum(p.stat().st_size for p in (path, pathlib.Path(f"{path}-wal")) if p.exists()) / 1e6

git = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True).stdout.strip()
res = {"cores": cores, "machine": platform.machine(), "commit": git("rev-parse", "--short", "HEAD"),
       # The binary is built from the working tree, which may hold uncommitted changes.
       "dirty_files_in_crates": len(git("status", "--porcelain", "crates").splitlines()),
       "total_seconds": total_s, "shift_days": shift, "score_max": int(score_max) if score_max else None, "sizes": {}}
rows, diag, contended = [], [], False
for n in sizes:
    head_n = n * 9 // 10
    full, head, tail = run(f"full_{n}", n), run(f"head_{n}", head_n), run(f"tail_{n}", n - head_n)
    stories = len(json.loads((runs / f"stories_{n}.json").read_text()))
    split_stories = len(json.loads((runs / f"stories_split_{n}.json").read_text()))
    score_path = runs / f"score_{n}.json"
    score = json.loads(score_path.read_text()) if score_path.exists() else None
    r = {"full": full, "head_90": head, "tail_10": tail, "stories": stories,
         "stories_split_db": split_stories, "db_mb": db_mb(out / f"{n}.db"), "score": score}
    res["sizes"][str(n)] = r
    contended |= any(x.get("contended") for x in (full, head, tail))
    f = lambda k: f"{score[k]:.3f}" if score else "not scored"
    stage = lambda run: f"{run['stage_ms_per_article'].get('stories', float('nan')):.2f}"
    rows.append([f"{n:,}", f"{full['wall_s']:.1f}", f"{full['articles_per_s']:.0f}",
                 f"{full['ms_per_article']:.2f}", f"{tail['ms_per_article']:.2f}",
                 stage(full), stage(tail),
                 f"{full.get('peak_rss_mb', 0):.0f}", f"{r['db_mb']:.0f}", f"{stories:,}",
                 f("bcubed_f1"), f("pair_f1")])
    if score:
        diag.append([f"{n:,}", f"{head['ms_per_article']:.2f}", f"{tail['ms_per_article']:.2f}",
                     f"{score['stories_spanning_repetitions']:,}", f"{score['articles_in_spanning_stories']:,}",
                     f"{score['within_repetition_bcubed_f1']:.3f}", f"{score['within_repetition_pair_f1']:.3f}"])
(out / "results.json").write_text(json.dumps(res, indent=1) + "\n")

head = ["N", "seconds", "art/s", "ms/article", "ms/article last 10%", "stories stage ms/article",
        "stories stage, last 10%", "peak RSS MB", "db MB",
        "stories", "B3 F1", "pairwise F1"]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for row in rows:
    print("| " + " | ".join(row) + " |")
if diag:
    print()
    dhead = ["N", "ms/article first 90%", "ms/article last 10%", "stories spanning repetitions",
             "their articles", "B3 F1 within repetitions", "pairwise F1 within repetitions"]
    print("| " + " | ".join(dhead) + " |")
    print("|" + "---|" * len(dhead))
    for row in diag:
        print("| " + " | ".join(row) + " |")
print()
print(f"Repetitions of the 2,052-article pool {shift} days apart. {cores} cores; ms/article last 10%: the final 10% ingested by a second process into a db "
      f"holding the first 90%.")
if score_max:
    print(f"Scored only sizes up to {int(score_max):,} (SCORE_MAX).")
if contended:
    print("Note: a cargo/rustc process ran during some runs (see busy_samples in results.json).")
print(f"Total runtime {total_s // 60} min {total_s % 60} s; figures in {out / 'results.json'}")
PY
