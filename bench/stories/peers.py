"""Batch and online TF-IDF peers for story clustering, scored like Storyline.

  target/stories-venv/bin/python bench/stories/peers.py [--tune-on ecbplus] [--out FILE]

- batch: scikit-learn TfidfVectorizer(sublinear_tf=True, stop_words="english") on
  title + text, then AgglomerativeClustering(linkage="average", cosine distance,
  distance_threshold=t).  Cosine distances are passed precomputed (1 - X X^T on the
  L2-normalised TF-IDF rows): the same clustering as metric="cosine", without densifying
  the TF-IDF matrix.
- online: single pass in arrival order; each article joins the cluster whose centroid
  (mean of its members' TF-IDF rows) is most cosine-similar if the cosine distance is
  below t, else it starts a new cluster.  For reference only: its IDF is fitted on the
  whole set (so it sees the future), which favours it over a true online system.
- t is tuned by grid search on one set (default ecbplus, maximising BCubed F1) and then
  applied unchanged to every set and to the pooled stream.  Each set is vectorised on its
  own; the pooled run fits one vectoriser on all three.
- Order sensitivity: both peers on the pooled articles in 5 seeded random orders.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import metrics  # noqa: E402

GRID = [round(0.30 + 0.01 * i, 2) for i in range(70)]  # 0.30 .. 0.99


def gram(rows):
    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32)
    x = vec.fit_transform([common.doc_text(r) for r in rows])
    return np.asarray((x @ x.T).todense(), dtype=np.float64)


def batch_labels(g, t):
    d = np.clip(1.0 - g, 0.0, 2.0)
    np.fill_diagonal(d, 0.0)
    d = (d + d.T) / 2
    if len(g) < 2:
        return np.zeros(len(g), dtype=int)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=t)
    return model.fit_predict(d)


def online_labels(g, t):
    """Single pass with centroid cosine, from the Gram matrix of L2-normalised rows:
    x.S_c = sum of G[x, members]; |S_c|^2 kept incrementally."""
    n = len(g)
    labels = np.empty(n, dtype=np.int64)
    norm2 = []  # |sum of member vectors|^2 per cluster
    for i in range(n):
        k = len(norm2)
        if k:
            dots = np.bincount(labels[:i], weights=g[i, :i], minlength=k)
            sims = dots / np.sqrt(np.maximum(norm2, 1e-12))
            best = int(np.argmax(sims))
            if 1.0 - sims[best] < t:
                labels[i] = best
                norm2[best] += 2 * dots[best] + g[i, i]
                continue
        labels[i] = k
        norm2.append(g[i, i])
    return labels


SYSTEMS = {"batch": batch_labels, "online": online_labels}


def run_system(system, rows, t, g=None):
    """Cluster rows with one system at threshold t; the timing covers vectorising too."""
    t0 = time.perf_counter()
    if g is None:
        g = gram(rows)
    labels = SYSTEMS[system](g, t)
    secs = time.perf_counter() - t0
    gold = [r["story"] for r in rows]
    s = metrics.score([int(x) for x in labels], gold)
    s.update(seconds=secs, articles_per_s=len(rows) / secs, threshold=t)
    return s, labels


def tune(system, rows, key):
    g = gram(rows)
    gold = [r["story"] for r in rows]
    curve = []
    for t in GRID:
        s = metrics.score([int(x) for x in SYSTEMS[system](g, t)], gold)
        curve.append({"threshold": t, "bcubed_f1": s["bcubed_f1"], "pair_f1": s["pair_f1"]})
    best = max(curve, key=lambda c: (c[key], -c["threshold"]))
    return best, curve


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tune-on", default="ecbplus", choices=common.SETS)
    ap.add_argument("--tune-metric", default="bcubed_f1", choices=["bcubed_f1", "pair_f1"])
    ap.add_argument("--drop-duc-duplicates", action="store_true",
                    help="drop the 22 duc2004 DOCNO@cluster rows (default: keep and score them)")
    ap.add_argument("--out", default=str(common.OUT / "peers.json"))
    args = ap.parse_args()

    runs = common.runs(args.drop_duc_duplicates)
    by_name = dict(runs)
    out = {"tuned_on": args.tune_on, "tune_metric": args.tune_metric,
           "drop_duc_duplicates": args.drop_duc_duplicates, "thresholds": {}, "tuning": {},
           "results": {}, "per_set_best": {}, "trivial": {}, "order_sensitivity": {}}

    for system in SYSTEMS:
        best, curve = tune(system, by_name[args.tune_on], args.tune_metric)
        out["thresholds"][system] = best["threshold"]
        out["tuning"][system] = curve
        print(f"[peers] {system}: t={best['threshold']:.2f} on {args.tune_on} "
              f"(BCubed F1 {best['bcubed_f1']:.3f}, pairwise F1 {best['pair_f1']:.3f})", file=sys.stderr)

    for name, rows in runs:
        gold = [r["story"] for r in rows]
        n = len(rows)
        out["trivial"][name] = {"singletons": metrics.score(list(range(n)), gold),
                                "one_cluster": metrics.score([0] * n, gold)}
        g = gram(rows)  # for the per-set-best diagnostic; timed runs vectorise themselves
        out["results"][name], out["per_set_best"][name] = {}, {}
        for system in SYSTEMS:
            s, labels = run_system(system, rows, out["thresholds"][system])
            if name == "pooled":
                sets = [r["set"] for r in rows]
                s["by_set"] = {x: metrics.score(*metrics.subset([int(l) for l in labels], gold,
                                                                [y == x for y in sets]))
                               for x in common.SETS}
            out["results"][name][system] = s
            best = max((dict(metrics.score([int(v) for v in SYSTEMS[system](g, t)], gold), threshold=t)
                        for t in GRID), key=lambda c: c["bcubed_f1"])
            out["per_set_best"][name][system] = {k: best[k] for k in ("threshold", "bcubed_f1", "pair_f1")}
            print(f"[peers] {name:<9} {system:<6} B3 P/R/F1 {s['bcubed_p']:.3f}/{s['bcubed_r']:.3f}/"
                  f"{s['bcubed_f1']:.3f}  pair P/R/F1 {s['pair_p']:.3f}/{s['pair_r']:.3f}/{s['pair_f1']:.3f}  "
                  f"{s['articles_per_s']:.0f} art/s", file=sys.stderr)

    pooled = by_name["pooled"]
    for system in SYSTEMS:
        per = []
        for seed in common.ORDER_SEEDS:
            rows = common.random_order(pooled, seed)
            s, _ = run_system(system, rows, out["thresholds"][system])
            per.append({"seed": seed, **{k: s[k] for k in ("bcubed_f1", "pair_f1", "clusters")}})
        out["order_sensitivity"][system] = summarize_orders(per)
        o = out["order_sensitivity"][system]
        print(f"[peers] orders {system:<6} B3 F1 {o['bcubed_f1_mean']:.3f} (spread {o['bcubed_f1_spread']:.3f})  "
              f"pair F1 {o['pair_f1_mean']:.3f} (spread {o['pair_f1_spread']:.3f})", file=sys.stderr)

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))
    print(f"[peers] wrote {args.out}", file=sys.stderr)


def summarize_orders(per):
    o = {"runs": per}
    for k in ("bcubed_f1", "pair_f1"):
        v = [p[k] for p in per]
        o[k + "_mean"] = sum(v) / len(v)
        o[k + "_spread"] = max(v) - min(v)
        o[k + "_min"], o[k + "_max"] = min(v), max(v)
    return o


if __name__ == "__main__":
    main()
