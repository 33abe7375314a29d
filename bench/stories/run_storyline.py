"""Score Storyline's online story clustering against the gold stories.

  python3 bench/stories/run_storyline.py [--bin target/release/storyline] [--out FILE]

For each set and the pooled stream (order: see common.py) it writes
target/stories/<run>.jsonl ({"id","title","text","source","date"}; `date` as given,
null when unknown), ingests it into a fresh target/stories/<run>.db with
`storyline --db DB ingest FILE --json`, reads `stories --json` and `story ID --json`,
maps every input id to its story (an article ingested twice with identical text is one
article with several refs; ids not found among the stories' articles are looked up with
`article ref:ID --json`; an article in no story counts as a singleton), and scores it
with metrics.py.  Then the pooled articles in 5 seeded random orders (order sensitivity).
If the binary has no `stories` command yet it says so and exits 0.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import metrics  # noqa: E402


class Storyline:
    def __init__(self, binary, db):
        self.binary, self.db = binary, db

    def run(self, *args, check=True):
        p = subprocess.run([self.binary, "--db", str(self.db), *args], capture_output=True, text=True)
        if check and p.returncode != 0:
            raise RuntimeError(f"storyline {' '.join(args)} exited {p.returncode}: {p.stderr.strip()[:500]}")
        return p

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)


def has_stories_command(binary):
    if not os.access(binary, os.X_OK):
        return False, f"{binary} not found (build it: cargo build --release -p storyline-cli)"
    p = subprocess.run([binary, "stories", "--help"], capture_output=True, text=True)
    if p.returncode != 0:
        return False, f"{binary} has no `stories` command yet ({p.stderr.strip().splitlines()[0] if p.stderr.strip() else 'exit ' + str(p.returncode)})"
    return True, ""


def write_jsonl(rows, path):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({k: r[k] for k in ("id", "title", "text", "source", "date")},
                               ensure_ascii=False) + "\n")


def refs_of(article):
    refs = article.get("refs")
    if refs:
        return list(refs)
    return [article["ref"]] if article.get("ref") is not None else []


def read_pred(sl, rows, workers):
    """Story of every input id, as the db now has it, plus how it was read."""
    t0 = time.perf_counter()
    stories = sl.json("stories")

    def members(st):
        if isinstance(st.get("articles"), list):
            return st["id"], st["articles"]
        return st["id"], sl.json("story", str(st["id"]))["articles"]

    with ThreadPoolExecutor(workers) as pool:
        story_members = list(pool.map(members, stories))
    read_s = time.perf_counter() - t0

    ref_story, article_story = {}, {}
    for sid, arts in story_members:
        for a in arts:
            article_story[a["id"]] = sid
            for ref in refs_of(a):
                ref_story[ref] = sid
    unmapped = [r["id"] for r in rows if r["id"] not in ref_story]
    not_found, in_no_story = [], 0
    for rid in unmapped:
        p = sl.run("article", f"ref:{rid}", "--json", check=False)
        if p.returncode != 0:
            not_found.append(rid)
            continue
        a = json.loads(p.stdout)
        sid = article_story.get(a["id"])
        if sid is None:
            in_no_story += 1
        else:
            ref_story[rid] = sid
    pred = [("story", ref_story[r["id"]]) if r["id"] in ref_story else ("single", r["id"]) for r in rows]
    return pred, {"read_seconds": read_s, "stories": len(stories),
                  "ids_looked_up_with_article": len(unmapped), "ids_in_no_story": in_no_story,
                  "ids_not_found": len(not_found), "not_found_sample": not_found[:10]}


def cluster_run(binary, name, rows, workers):
    """Ingest rows in the given order into a fresh db; return (pred labels, info)."""
    common.OUT.mkdir(parents=True, exist_ok=True)
    path, db = common.OUT / f"{name}.jsonl", common.OUT / f"{name}.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    write_jsonl(rows, path)
    sl = Storyline(binary, db)
    t0 = time.perf_counter()
    report = sl.json("ingest", str(path))
    ingest_s = time.perf_counter() - t0

    pred, extra = read_pred(sl, rows, workers)
    info = {"ingest_seconds": ingest_s, "articles_per_s": len(rows) / ingest_s, **extra,
            "ingest_report": {k: report.get(k) for k in ("added", "unchanged", "updated", "records")},
            "ingest_errors": len(report.get("errors") or [])}
    return pred, info


def score_run(binary, name, rows, workers, recluster=False):
    pred, info = cluster_run(binary, name, rows, workers)
    gold = [r["story"] for r in rows]
    s = metrics.score(pred, gold)
    s.update(info)
    if recluster:
        # The same db rebuilt from scratch (IDF with hindsight, oldest first).
        sl = Storyline(binary, common.OUT / f"{name}.db")
        t0 = time.perf_counter()
        report = sl.json("recluster")
        rpred, _ = read_pred(sl, rows, workers)
        s["recluster"] = metrics.score(rpred, gold)
        s["recluster"].update({"seconds": time.perf_counter() - t0, "report": report})
    if name.startswith("pooled"):
        sets = [r["set"] for r in rows]
        s["by_set"] = {x: metrics.score(*metrics.subset(pred, gold, [y == x for y in sets]))
                       for x in common.SETS}
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=str(common.ROOT / "target" / "release" / "storyline"))
    ap.add_argument("--out", default=str(common.OUT / "storyline.json"))
    ap.add_argument("--drop-duc-duplicates", action="store_true")
    ap.add_argument("--no-orders", action="store_true", help="skip the 5 random arrival orders")
    ap.add_argument("--workers", type=int, default=2, help="parallel `story ID` reads")
    args = ap.parse_args()
    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)

    ok, why = has_stories_command(args.bin)
    if not ok:
        print(f"[storyline] SKIPPED: {why}. The story clustering has not landed; "
              f"nothing to score.", file=sys.stderr)
        out_path.write_text(json.dumps({"skipped": why}, indent=1))
        return 0

    version = subprocess.run([args.bin, "--version"], capture_output=True, text=True).stdout.strip()
    out = {"binary": args.bin, "version": version, "drop_duc_duplicates": args.drop_duc_duplicates,
           "results": {}, "order_sensitivity": {}}
    runs = common.runs(args.drop_duc_duplicates)
    for name, rows in runs:
        s = score_run(args.bin, name, rows, args.workers, recluster=True)
        out["results"][name] = s
        print(f"[storyline] {name:<9} B3 P/R/F1 {s['bcubed_p']:.3f}/{s['bcubed_r']:.3f}/{s['bcubed_f1']:.3f}  "
              f"pair P/R/F1 {s['pair_p']:.3f}/{s['pair_r']:.3f}/{s['pair_f1']:.3f}  "
              f"{s['stories']} stories  {s['articles_per_s']:.0f} art/s", file=sys.stderr)
        r = s["recluster"]
        print(f"[storyline] {name:<9} recluster B3 F1 {r['bcubed_f1']:.3f}  pair P/R/F1 "
              f"{r['pair_p']:.3f}/{r['pair_r']:.3f}/{r['pair_f1']:.3f}", file=sys.stderr)
    if not args.no_orders:
        pooled = dict(runs)["pooled"]
        per = []
        for seed in common.ORDER_SEEDS:
            s = score_run(args.bin, f"pooled-order{seed}", common.random_order(pooled, seed), args.workers)
            per.append({"seed": seed, "bcubed_f1": s["bcubed_f1"], "pair_f1": s["pair_f1"],
                        "clusters": s["clusters"], "articles_per_s": s["articles_per_s"]})
            print(f"[storyline] order seed {seed}: B3 F1 {s['bcubed_f1']:.3f}  pair F1 {s['pair_f1']:.3f}",
                  file=sys.stderr)
        o = {"runs": per}
        for k in ("bcubed_f1", "pair_f1"):
            v = [p[k] for p in per]
            o.update({k + "_mean": sum(v) / len(v), k + "_spread": max(v) - min(v),
                      k + "_min": min(v), k + "_max": max(v)})
        out["order_sensitivity"]["storyline"] = o
    out_path.write_text(json.dumps(out, indent=1))
    print(f"[storyline] wrote {out_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
