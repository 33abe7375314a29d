"""Merge peers.json and storyline.json into results.json and print one side-by-side table.

  python3 bench/stories/report.py [--dir target/stories] [--base COMMIT ...]

Each --base adds the rows of storyline-base-COMMIT.json (the storyline CLI of that commit, see
bench/stories.sh) under the checkout's own.
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

LABEL = {"batch": "tfidf-agglo (batch)", "online": "tfidf-1pass (online)", "storyline": "storyline (online)",
         "recluster": "storyline recluster"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=str(common.OUT))
    ap.add_argument("--base", action="append", default=[], help="a commit scored by stories.sh BASE=")
    args = ap.parse_args()
    d = Path(args.dir)
    peers = json.loads((d / "peers.json").read_text())
    sl_path = d / "storyline.json"
    sl = json.loads(sl_path.read_text()) if sl_path.exists() else {"skipped": "not run"}
    # Every storyline side: this checkout's, then each BASE commit's.
    sides = [("", sl)] + [(f" @{c}", json.loads((d / f"storyline-base-{c}.json").read_text()))
                          for c in args.base]

    rows = []
    for name in (*common.SETS, "pooled"):
        tr = peers["trivial"][name]
        for kind in ("singletons", "one_cluster"):
            rows.append((name, kind, None, tr[kind], None))
        for system in ("batch", "online"):
            rows.append((name, LABEL[system], peers["thresholds"][system], peers["results"][name][system],
                         peers["results"][name][system]["articles_per_s"]))
        for tag, side in sides:
            if "results" not in side:
                continue
            s = side["results"][name]
            rows.append((name, LABEL["storyline"] + tag, None, s, s["articles_per_s"]))
            if "recluster" in s:
                rows.append((name, LABEL["recluster"] + tag, None, s["recluster"], None))

    print(f"Thresholds tuned on {peers['tuned_on']} ({peers['tune_metric']}): "
          f"batch {peers['thresholds']['batch']:.2f}, online {peers['thresholds']['online']:.2f} (cosine distance). "
          f"duc2004 DOCNO@cluster rows {'dropped' if peers['drop_duc_duplicates'] else 'kept'}.")
    hdr = (f"{'set':<10} {'system':<30} {'t':>4} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} "
           f"{'pw P':>6} {'pw R':>6} {'pw F1':>6} {'clust':>6} {'art/s':>7}")
    print(hdr)
    print("-" * len(hdr))
    last = None
    for name, system, t, s, aps in rows:
        if last and name != last:
            print()
        last = name
        print(f"{name:<10} {system:<30} {'' if t is None else f'{t:.2f}':>4} {s['bcubed_p']:6.3f} {s['bcubed_r']:6.3f} "
              f"{s['bcubed_f1']:6.3f} {s['pair_p']:6.3f} {s['pair_r']:6.3f} {s['pair_f1']:6.3f} "
              f"{s['clusters']:6d} {'' if aps is None else f'{aps:.0f}':>7}")
    print()
    print("Order sensitivity, pooled set, 5 seeded random arrival orders (F1 mean, spread = max-min):")
    orders = {LABEL[k]: o for k, o in peers["order_sensitivity"].items()}
    for tag, side in sides:
        orders.update({LABEL[k] + tag: o for k, o in side.get("order_sensitivity", {}).items()})
    for system, o in orders.items():
        print(f"  {system:<30} BCubed F1 {o['bcubed_f1_mean']:.3f} (spread {o['bcubed_f1_spread']:.3f})  "
              f"pairwise F1 {o['pair_f1_mean']:.3f} (spread {o['pair_f1_spread']:.3f})")
    if "skipped" in sl:
        print(f"\nstoryline: SKIPPED ({sl['skipped']})")
    results = {"peers": peers, "storyline": sl}
    if args.base:
        results["base"] = {c: side for c, (_, side) in zip(args.base, sides[1:])}
    (d / "results.json").write_text(json.dumps(results, indent=1))
    print(f"\nwrote {d / 'results.json'}")


if __name__ == "__main__":
    main()
