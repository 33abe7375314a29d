"""Multi-document summary benchmark: calibration, peers and Storyline under official ROUGE-1.5.5.

    python bench/summaries/run.py --data ../shared/data --rouge-data target/summaries/rouge-data \
        [--bin target/release/storyline] [--out target/summaries] [--base LABEL=BIN ...] [--no-peers]

Each --base scores another storyline binary (another commit's, see bench/summaries.sh BASE=) as
the system "storyline @LABEL" beside the others; --no-peers leaves out sumy and the speed runs.

Run it through bench/summaries.sh, which prepares the venv, perl and the WordNet DB.  Prints the
tables to stdout (progress to stderr), writes <out>/results.json, and exits 1 when the
calibration against the published DUC 2004 figures fails (the other numbers are then suspect).
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402
import rouge  # noqa: E402
import storyline  # noqa: E402

# Hong et al. 2014 (sumrepo), ROUGE-1/-2 recall at 100 words, as quoted in the data README.
PUBLISHED = {
    "LexRank": (35.95, 7.47), "Centroid": (36.41, 7.97), "GreedyKL": (37.98, 8.53),
    "Submodular": (39.18, 9.35), "DPP": (39.79, 9.62), "ICSISumm": (38.41, 9.78),
}
TOLERANCE = 0.1

# DUC papers quote recall, the Multi-News paper F1; each set is reported the way its
# literature does so the figures can be laid beside published ones.
SETS = {
    "duc2004": {"words": 100, "measure": "r"},
    "multinews": {"words": 300, "measure": "f"},
}
MEASURE_NAME = {"r": "recall", "f": "F1"}
SPEED_STORIES = 10  # DUC clusters pooled into the large speed story


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_set(data, name):
    clusters = {}
    for a in read_jsonl(data / name / "articles.jsonl"):
        clusters.setdefault(a["story"], []).append(a)  # file order = article order
    refs = {}
    for r in read_jsonl(data / name / "refs.jsonl"):
        # DUC references are one sentence per line already; Multi-News ones are prose.
        sents = ([s for s in r["summary"].split("\n") if s.strip()] if name == "duc2004"
                 else peers.split_sentences(r["summary"]))
        refs.setdefault(r["story"], []).append(sents)
    missing = sorted(set(clusters) ^ set(refs))
    if missing:
        raise SystemExit(f"{name}: stories without both articles and references: {missing[:5]}")
    return clusters, refs


def mean_words(summaries):
    return round(statistics.mean(peers.n_words(s) for s in summaries.values()), 1)


# --- calibration ------------------------------------------------------------------------------

def calibrate(data, rouge_data, out):
    systems = {}
    for r in read_jsonl(data / "duc2004" / "systems.jsonl"):
        systems.setdefault(r["system"], {})[r["story"]] = r["summary"].split("\n")
    _, refs = load_set(data, "duc2004")
    log(f"== calibration: {len(systems)} published DUC 2004 systems")
    scores = rouge.score(systems, refs, out / "rouge" / "calibration", 100, rouge_data)
    rows, ok = [], True
    for name in sorted(systems, key=lambda n: -scores[n]["rouge-2"]["r"]):
        r1, r2 = scores[name]["rouge-1"]["r"], scores[name]["rouge-2"]["r"]
        row = {"system": name, "r1": r1, "r2": r2}
        if name in PUBLISHED:
            p1, p2 = PUBLISHED[name]
            row.update(pub_r1=p1, pub_r2=p2, d_r1=round(r1 - p1, 2), d_r2=round(r2 - p2, 2))
            # Rounded before comparing: 0.1 itself must pass despite float noise.
            row["ok"] = abs(row["d_r1"]) <= TOLERANCE and abs(row["d_r2"]) <= TOLERANCE
            ok &= row["ok"]
        rows.append(row)
    return {"ok": ok, "tolerance": TOLERANCE, "rows": rows, "scores": scores}


# --- peers ------------------------------------------------------------------------------------

def run_peers(clusters, words):
    """{name: (summaries, seconds or None)}.  Each timing covers the whole in-memory pipeline
    per cluster, sentence splitting included, in this one process."""
    out = {}
    peers._cached_split.cache_clear()  # so First-3's timing includes its sentence splitting
    t = time.perf_counter()
    out["First-3"] = ({k: peers.first_k(v, words) for k, v in clusters.items()}, time.perf_counter() - t)
    newest = {k: peers.newest_lead(v, words) for k, v in clusters.items()}
    if all(s is not None for s in newest.values()):
        out["newest lead"] = (newest, None)  # reuses First-3's cached splits: not timed
    for name in peers.SUMY_NAMES:
        log(f"   sumy {name} on {len(clusters)} clusters")
        summ = peers.make_sumy(name)
        t = time.perf_counter()
        out[f"sumy {name}"] = ({k: peers.sumy_summary(summ, v, words) for k, v in clusters.items()},
                               time.perf_counter() - t)
    return out


def is_storyline(name):
    return name == "storyline" or name.startswith("storyline @")


def run_storyline(binary, clusters, set_name, words, out):
    summaries, times, cited, errors = {}, [], 0, []
    for story, arts in clusters.items():
        path = out / "clusters" / set_name / f"{story}.jsonl"
        sents, n_cited, dt, err = storyline.summarize(binary, path, words)
        summaries[story] = sents
        times.append(dt)
        cited += n_cited
        if err:
            errors.append(f"{story}: {err}")
    n_sent = sum(len(s) for s in summaries.values())
    return summaries, sum(times), {"cited_sentences": cited, "sentences": n_sent,
                                   "errors": len(errors), "first_errors": errors[:5]}


# --- speed on one 10-article and one 100-article story -----------------------------------------

def timed(fn, min_seconds, min_runs):
    runs, total = 0, 0.0
    while runs < min_runs or total < min_seconds:
        t = time.perf_counter()
        fn()
        total += time.perf_counter() - t
        runs += 1
    return {"runs": runs, "seconds": round(total, 3), "per_s": round(runs / total, 3)}


def speed_stories(duc_clusters, out):
    names = sorted(duc_clusters)
    stories = {
        "10 articles (DUC d30001t)": duc_clusters[names[0]],
        f"100 articles ({SPEED_STORIES} DUC clusters pooled)":
            [a for n in names[:SPEED_STORIES] for a in duc_clusters[n]],
    }
    paths = {}
    for label, arts in stories.items():
        paths[label] = out / "clusters" / "speed" / f"duc-{len(arts)}.jsonl"
        storyline.write_cluster(arts, paths[label])
    return stories, paths


def speed_lexrank(stories):
    res = {}
    summ = peers.make_sumy("LexRank")
    for label, arts in stories.items():
        log(f"   sumy LexRank speed: {label}")
        big = len(arts) > 20
        # LexRank is quadratic in sentences (~40 s for 100 articles here): one run is plenty.
        res[label] = timed(lambda: peers.sumy_summary(summ, arts, 100),
                           min_seconds=0 if big else 3, min_runs=1 if big else 3)
        res[label]["articles"] = len(arts)
    return res


def speed_storyline(binary, paths):
    res = {}
    for label, path in paths.items():
        def once():
            _, _, _, err = storyline.summarize(binary, path, 100)
            if err:
                raise RuntimeError(err)
        try:
            res[label] = timed(once, min_seconds=3, min_runs=3)
        except RuntimeError as e:
            res[label] = {"error": str(e)}
    return res


# --- report -----------------------------------------------------------------------------------

def fmt(x, nd=2):
    return "-" if x is None else f"{x:.{nd}f}"


def print_tables(results):
    cal = results["calibration"]
    print(f"\nCalibration: published DUC 2004 systems, ROUGE-1.5.5 recall at 100 words "
          f"(pass = within {cal['tolerance']} of Hong et al. 2014 on R-1 and R-2)")
    print(f"{'system':<12} {'R-1':>6} {'pub':>6} {'delta':>6}   {'R-2':>6} {'pub':>6} {'delta':>6}  check")
    for r in cal["rows"]:
        if "pub_r1" not in r:
            continue
        print(f"{r['system']:<12} {r['r1']:6.2f} {r['pub_r1']:6.2f} {r['d_r1']:+6.2f}   "
              f"{r['r2']:6.2f} {r['pub_r2']:6.2f} {r['d_r2']:+6.2f}  {'ok' if r['ok'] else 'FAIL'}")
    print(f"calibration: {'PASSED' if cal['ok'] else 'FAILED'}")

    print("\nSummaries (ROUGE-1.5.5 -n 4 -m -a -x -c 95 -r 1000 -f A -p 0.5 -t 0 -2 4 -u, "
          "WordNet exceptions DB; speed = clusters/s, one process, sentence splitting included)")
    head = f"{'set':<24} {'system':<20} {'R-1':>6} {'R-2':>6} {'R-SU4':>6} {'words':>6}  speed"
    for set_name, s in results["sets"].items():
        print()
        print(head)
        label = f"{set_name} ({MEASURE_NAME[s['measure']]}, {s['words']}w)"
        for name, row in s["systems"].items():
            speed = row.get("clusters_per_s")
            sp = "-" if speed is None else f"{speed:.2f} cl/s" + (" (process)" if is_storyline(name) else "")
            print(f"{label:<24} {name:<20} {fmt(row['r1']):>6} {fmt(row['r2']):>6} "
                  f"{fmt(row['rsu4']):>6} {row['words']:>6.1f}  {sp}")
        if s.get("storyline_skipped"):
            print(f"{label:<24} storyline: SKIPPED ({s['storyline_skipped']})")
        for name, st in s["systems"].items():
            if is_storyline(name):
                print(f"{label:<24} {name}: {st['cited_sentences']} of {st['sentences']} summary "
                      f"sentences carry citations; {st['errors']} cluster(s) failed {st['first_errors'] or ''}")

    print("\nSpeed on single stories (summaries/s, 100-word summaries)")
    for who, res in results["speed"].items():
        if not isinstance(res, dict):
            print(f"{who:<16} {res}")
            continue
        for label, r in res.items():
            val = r.get("error") or f"{r['per_s']:.3f}/s  ({r['runs']} run(s), {r['seconds']:.1f} s)"
            print(f"{who:<16} {label:<36} {val}")
    la = results["loadavg_start_end"]
    print(f"\ntotal runtime {results['runtime_s']:.0f} s (1-min load average {la[0]} at start, "
          f"{la[1]} at end, on {os.cpu_count()} cores); results in {results['results_path']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--rouge-data", type=Path, required=True)
    ap.add_argument("--bin", type=Path, default=Path("target/release/storyline"))
    ap.add_argument("--out", type=Path, default=Path("target/summaries"))
    ap.add_argument("--base", action="append", default=[], metavar="LABEL=BIN",
                    help="also score this binary as the system 'storyline @LABEL'")
    ap.add_argument("--no-peers", action="store_true", help="skip sumy and the speed runs")
    args = ap.parse_args()
    bases = [(f"storyline @{b.split('=', 1)[0]}", Path(b.split("=", 1)[1])) for b in args.base]
    t0 = time.perf_counter()
    out = args.out.resolve()
    load_before = os.getloadavg()

    calibration = calibrate(args.data, args.rouge_data, out)
    has_storyline, why = storyline.available(args.bin)
    if not has_storyline:
        print(f"storyline: SKIPPED ({why})", flush=True)

    results = {
        "date": datetime.date.today().isoformat(),
        "rouge_flags": " ".join(rouge.BASE_FLAGS + rouge.SU4_FLAGS) + " -l <words> -e <rouge-data>",
        "tokenizer": "sentences: pysbd 'en' clean=False per paragraph; words: regex "
                     + peers._WORD.pattern + "; stemmer: sumy Stemmer('english') (NLTK Snowball)",
        "calibration": {k: v for k, v in calibration.items() if k != "scores"},
        "sets": {}, "speed": {},
    }
    clusters_by_set = {}
    for set_name, cfg in SETS.items():
        words = cfg["words"]
        clusters, refs = load_set(args.data, set_name)
        clusters_by_set[set_name] = clusters
        for story, arts in clusters.items():
            storyline.write_cluster(arts, out / "clusters" / set_name / f"{story}.jsonl")
        log(f"== {set_name}: {len(clusters)} clusters, {words} words")
        runs = {} if args.no_peers else run_peers(clusters, words)
        extra = {}
        if has_storyline:
            log(f"   storyline summarize on {len(clusters)} clusters")
            summ, secs, extra["storyline"] = run_storyline(args.bin, clusters, set_name, words, out)
            runs["storyline"] = (summ, secs)
        for name, binary in bases:
            log(f"   {name} summarize on {len(clusters)} clusters")
            summ, secs, extra[name] = run_storyline(binary, clusters, set_name, words, out)
            runs[name] = (summ, secs)
        scores = rouge.score({n: s for n, (s, _) in runs.items()}, refs,
                             out / "rouge" / set_name, words, args.rouge_data)
        m = cfg["measure"]
        rows = {}
        if set_name == "duc2004":  # the published systems, scored on the same footing
            for r in calibration["rows"]:
                sc = calibration["scores"][r["system"]]
                rows[r["system"]] = {"r1": sc["rouge-1"][m], "r2": sc["rouge-2"][m],
                                     "rsu4": sc["rouge-su4"][m], "words": None, "published": True}
        for name, (summ, secs) in runs.items():
            sc = scores[name]
            rows[name] = {"r1": sc["rouge-1"][m], "r2": sc["rouge-2"][m], "rsu4": sc["rouge-su4"][m],
                          "words": mean_words(summ),
                          "clusters_per_s": None if secs is None else round(len(clusters) / secs, 2),
                          "rouge": sc}
            if is_storyline(name):
                rows[name].update(extra[name])
        results["sets"][set_name] = {"words": words, "measure": m, "clusters": len(clusters),
                                     "systems": rows}
        if not has_storyline:
            results["sets"][set_name]["storyline_skipped"] = why
    # Published systems carry no length of their own here; fill in their mean for the table.
    sys_words = {}
    for r in read_jsonl(args.data / "duc2004" / "systems.jsonl"):
        sys_words.setdefault(r["system"], []).append(len(r["summary"].split()))
    for name, row in results["sets"]["duc2004"]["systems"].items():
        if row.get("published"):
            row["words"] = round(statistics.mean(sys_words[name]), 1)

    if args.no_peers:
        results["speed"] = {"skipped": "--no-peers"}
    else:
        run_speed(args, has_storyline, why, clusters_by_set, out, results)
    finish(args, results, t0, load_before, calibration, has_storyline)


def run_speed(args, has_storyline, why, clusters_by_set, out, results):
    log("== speed")
    stories, paths = speed_stories(clusters_by_set["duc2004"], out)
    # pysbd alone, to show how much of sumy's time is sentence splitting.
    t = time.perf_counter()
    for arts in clusters_by_set["duc2004"].values():
        peers.split_sentences(peers.cluster_text(arts))
    dt = time.perf_counter() - t
    n = len(clusters_by_set["duc2004"])
    results["speed"]["pysbd split only"] = {
        f"DUC 2004, all {n} clusters": {"runs": n, "seconds": round(dt, 3), "per_s": round(n / dt, 3)}}
    results["speed"]["sumy LexRank"] = speed_lexrank(stories)
    results["speed"]["storyline"] = (speed_storyline(args.bin, paths) if has_storyline
                                     else f"SKIPPED ({why})")


def finish(args, results, t0, load_before, calibration, has_storyline):
    out = args.out.resolve()
    results["runtime_s"] = round(time.perf_counter() - t0, 1)
    # The machine has 2 cores and is shared: a busy one slows every speed figure down.
    results["loadavg_start_end"] = [round(x, 2) for x in (load_before[0], os.getloadavg()[0])]
    if has_storyline:
        p = subprocess.run([str(args.bin), "--version"], capture_output=True, text=True)
        results["storyline_version"] = p.stdout.strip()
    results["results_path"] = str(out / "results.json")
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_tables(results)
    if not calibration["ok"]:
        print("calibration FAILED: ROUGE set-up differs from the published one "
              "(check the WordNet DB and the flags)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
