"""Why the pooled stream's score moves with the arrival order: reads the databases that
`run_storyline.py` left for the 5 random orders (`target/stories/pooled-order*.db`) and prints,
per order, the F1 of each set within the pooled stream and the largest stories with how many
gold stories each mixes. A story that chained (joined article by article across events) shows
as a large story mixing many gold stories.

    python3 bench/stories/orders.py [--dir target/stories] [--bin target/release/storyline]
"""
import argparse
from collections import Counter
from pathlib import Path

import common
import metrics
from run_storyline import Storyline, read_pred


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default=str(common.OUT))
    ap.add_argument("--bin", default=str(common.ROOT / "target" / "release" / "storyline"))
    ap.add_argument("--top", type=int, default=3, help="largest stories shown per order")
    args = ap.parse_args()
    out = Path(args.dir)
    pooled = dict(common.runs())["pooled"]
    for seed in common.ORDER_SEEDS:
        name = f"pooled-order{seed}"
        if not (out / f"{name}.db").exists():
            continue
        rows = common.random_order(pooled, seed)
        pred, _ = read_pred(Storyline(args.bin, out / f"{name}.db"), rows, 2)
        gold = [r["story"] for r in rows]
        sets = [r["set"] for r in rows]
        s = metrics.score(pred, gold)
        line = [f"order {seed}: all {s['bcubed_f1']:.3f}/{s['pair_f1']:.3f}"]
        for x in common.SETS:
            t = metrics.score(*metrics.subset(pred, gold, [y == x for y in sets]))
            line.append(f"{x} {t['bcubed_f1']:.3f}/{t['pair_f1']:.3f}")
        members, set_of = {}, {}
        for p, g, x in zip(pred, gold, sets):
            members.setdefault(p, []).append(g)
            set_of.setdefault(p, Counter())[x] += 1
        mixed = sum(len(m) for m in members.values() if len(set(m)) > 1)
        line.append(f"articles in mixed stories {mixed}")
        print("  ".join(line))
        for p, m in sorted(members.items(), key=lambda kv: -len(kv[1]))[: args.top]:
            c = Counter(m)
            from_sets = ", ".join(f"{x} {n}" for x, n in set_of[p].most_common())
            print(f"    story of {len(m)}: {len(c)} gold stories, largest share {c.most_common(1)[0][1]} "
                  f"({from_sets})")


if __name__ == "__main__":
    main()
