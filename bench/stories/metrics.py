"""Clustering scores against gold stories (stdlib only).

Both measures are over items (input rows).  `pred` and `gold` are equal-length sequences
of hashable cluster labels, one per item.

- BCubed (Bagga & Baldwin 1998; Amigo et al. 2009): for item i with predicted cluster C(i)
  and gold story G(i), precision_i = |C(i) & G(i)| / |C(i)| and recall_i =
  |C(i) & G(i)| / |G(i)|.  P and R are the means over items; F1 = 2PR / (P + R) of those
  means (as in the data README's trivial baselines).
- Pairwise: over all unordered item pairs, a pair is predicted-positive when both items
  share a predicted cluster and gold-positive when they share a gold story.  Computed
  from the contingency table n_ij: tp = sum C(n_ij, 2), predicted = sum C(a_i, 2),
  gold = sum C(b_j, 2).  With no predicted pair (all singletons) precision is 0 by
  convention, and F1 is then 0.
"""
from collections import Counter


def _check(pred, gold):
    if len(pred) != len(gold):
        raise ValueError(f"pred has {len(pred)} items, gold {len(gold)}")
    if not gold:
        raise ValueError("no items")


def _f1(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _c2(n):
    return n * (n - 1) // 2


def bcubed(pred, gold):
    _check(pred, gold)
    cells = Counter(zip(pred, gold))
    csize, gsize = Counter(pred), Counter(gold)
    n = len(gold)
    # every item of cell (c, g) has precision n_cg/|c| and recall n_cg/|g|
    p = sum(k * k / csize[c] for (c, _), k in cells.items()) / n
    r = sum(k * k / gsize[g] for (_, g), k in cells.items()) / n
    return {"p": p, "r": r, "f1": _f1(p, r)}


def pairwise(pred, gold):
    _check(pred, gold)
    tp = sum(_c2(k) for k in Counter(zip(pred, gold)).values())
    pp = sum(_c2(k) for k in Counter(pred).values())
    gp = sum(_c2(k) for k in Counter(gold).values())
    p = tp / pp if pp else 0.0
    r = tp / gp if gp else 0.0
    return {"p": p, "r": r, "f1": _f1(p, r), "tp": tp, "pred_pairs": pp, "gold_pairs": gp}


def score(pred, gold):
    """Flat dict: bcubed_p/r/f1, pair_p/r/f1, n items, predicted and gold cluster counts."""
    b, w = bcubed(pred, gold), pairwise(pred, gold)
    return {
        "bcubed_p": b["p"], "bcubed_r": b["r"], "bcubed_f1": b["f1"],
        "pair_p": w["p"], "pair_r": w["r"], "pair_f1": w["f1"],
        "n": len(gold), "clusters": len(set(pred)), "gold_stories": len(set(gold)),
    }


def subset(pred, gold, keep):
    """pred/gold restricted to the items where keep[i] is true."""
    idx = [i for i, k in enumerate(keep) if k]
    return [pred[i] for i in idx], [gold[i] for i in idx]
