#!/usr/bin/env python3
"""Score Storyline's spin and stitch verdicts against the labels of make_spin_set.py.

Verdicts come from `storyline --db DB copies --json` (one entry per stored article, with
"ref", "spin": {"spun", "score"} and "stitch": {"stitched", "score"}); any labelled article
missing there is looked up with `storyline --db DB article REF --json`. An article with no
verdict at all counts as predicted negative and is reported under "missing".

Settings: A = sources + derived in one db, B = derived only (source-free).
Metrics, per setting and for each of `spun` and `stitched`: precision / recall / F1 over the
generated derived articles (the two seeds are reported on their own), ROC AUC of the score,
the positive rate per kind (recall for positive kinds, false-positive rate for negative
ones), the same P/R/F1 per data set, and in setting A the false-positive rate on sources.
Stdlib only.
"""

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

KINDS = ["clean-copy", "clean-rewrite", "spun", "stitched", "spun-stitched", "seed"]
TASKS = [("spun", "spin", "spun"), ("stitched", "stitch", "stitched")]  # label, section, flag


# the replacements named in the task brief (DSpin's examples); reported apart because a
# detector written from the same brief may know them
BRIEF_PAIRS = {("Russia", "Russian Federation"), ("international", "worldwide"),
               ("International", "Worldwide"), ("last year", "previous year"),
               ("Last year", "Previous year"), ("NATO", "North Atlantic Treaty Organisation"),
               ("US", "USA"), ("U.S.", "USA")}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def verdict_of(entry):
    """{'spun': (bool, score), 'stitched': (bool, score)} from a copies/article entry."""
    out = {}
    for label, section, flag in TASKS:
        sec = entry.get(section)
        if isinstance(sec, dict) and flag in sec:
            sc = sec.get("score")
            out[label] = (bool(sec[flag]), float(sc) if isinstance(sc, (int, float)) else None)
    return out


def load_verdicts(copies_path, refs, bin_path, db):
    got, how = {}, {"copies": 0, "article": 0, "missing": 0}
    if copies_path and os.path.exists(copies_path) and os.path.getsize(copies_path) > 0:
        try:
            data = json.load(open(copies_path, encoding="utf-8"))
        except json.JSONDecodeError:
            data = {}
        for e in (data.get("articles") or []) if isinstance(data, dict) else []:
            v = verdict_of(e)
            if not v:
                continue
            names = [e.get("ref")] + list(e.get("refs") or [])
            for r in names:
                if isinstance(r, str):
                    got[r] = v
    for r in refs:
        if r in got:
            how["copies"] += 1
            continue
        v = {}
        if bin_path and db:
            try:
                p = subprocess.run([bin_path, "--db", db, "article", "ref:" + r, "--json"],
                                   capture_output=True, text=True, timeout=60)
                if p.returncode == 0:
                    v = verdict_of(json.loads(p.stdout))
            except (OSError, subprocess.SubprocessError, json.JSONDecodeError):
                v = {}
        if v:
            got[r] = v
            how["article"] += 1
        else:
            how["missing"] += 1
    return got, how


def prf(pairs):
    """pairs: [(gold bool, pred bool)] -> dict."""
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if not g and p)
    fn = sum(1 for g, p in pairs if g and not p)
    tn = sum(1 for g, p in pairs if not g and not p)
    pr = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return {"n": len(pairs), "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": round(pr, 4),
            "recall": round(rc, 4), "f1": round(f1, 4), "fpr": round(fpr, 4)}


def auc(scored):
    """scored: [(gold bool, score)] -> ROC AUC (ties count half), None if undefined."""
    pos = [s for g, s in scored if g and s is not None]
    neg = [s for g, s in scored if not g and s is not None]
    if not pos or not neg:
        return None
    allv = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    # rank-sum with average ranks for ties
    ranks, i = {}, 0
    rank_sum = 0.0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        avg = (i + j + 1) / 2.0
        rank_sum += avg * sum(1 for k in range(i, j) if allv[k][1] == 1)
        i = j
    u = rank_sum - len(pos) * (len(pos) + 1) / 2.0
    return round(u / (len(pos) * len(neg)), 4)


def score_setting(labels, verdicts, source_ids=None):
    res = {}
    gen = [l for l in labels if l["kind"] != "seed"]
    for label, _, _ in TASKS:
        def pred(l):
            v = verdicts.get(l["id"], {}).get(label)
            return (v[0], v[1]) if v else (False, None)

        pairs = [(l[label], pred(l)[0]) for l in gen]
        r = prf(pairs)
        r["auc"] = auc([(l[label], pred(l)[1]) for l in gen])
        per_kind = {}
        for k in KINDS:
            ls = [l for l in labels if l["kind"] == k]
            if not ls:
                continue
            pos = sum(1 for l in ls if pred(l)[0])
            per_kind[k] = {"n": len(ls), "gold": ls[0][label], "predicted_positive": pos,
                           "rate": round(pos / len(ls), 4)}
        r["per_kind"] = per_kind
        per_set = defaultdict(list)
        for l in gen:
            per_set[l["set"]].append((l[label], pred(l)[0]))
        r["per_set"] = {s: prf(p) for s, p in sorted(per_set.items())}
        if label == "spun":
            # reliance on the brief's DSpin examples, which a detector may also know
            def brief(l):
                return any((o, r) in BRIEF_PAIRS for o, r in l.get("spin_log", []))
            a = [l for l in gen if l["spun"] and brief(l)]
            b = [l for l in gen if l["spun"] and not brief(l)]
            r["recall_with_brief_examples"] = round(sum(pred(l)[0] for l in a) / len(a), 4) if a else None
            r["recall_without_brief_examples"] = round(sum(pred(l)[0] for l in b) / len(b), 4) if b else None
            r["n_with_brief_examples"] = len(a)
        if label == "stitched":
            with_art = [l for l in gen if l["stitched"] and l.get("artifacts")]
            without = [l for l in gen if l["stitched"] and not l.get("artifacts")]
            r["recall_with_artifacts"] = round(sum(pred(l)[0] for l in with_art) / len(with_art), 4) if with_art else None
            r["recall_without_artifacts"] = round(sum(pred(l)[0] for l in without) / len(without), 4) if without else None
            r["n_without_artifacts"] = len(without)
        if source_ids is not None:
            flagged = sum(1 for s in source_ids if verdicts.get(s, {}).get(label, (False,))[0])
            have = sum(1 for s in source_ids if label in verdicts.get(s, {}))
            r["sources"] = {"n": len(source_ids), "with_verdict": have, "flagged": flagged,
                            "fpr": round(flagged / len(source_ids), 4) if source_ids else None}
        r["seeds"] = {l["id"]: pred(l)[0] for l in labels if l["kind"] == "seed"}
        res[label] = r
    return res


def table(scores):
    lines = []
    for setting, s in scores["settings"].items():
        if s is None:
            continue
        lines.append(f"\n== setting {setting}  (verdicts: {s['lookup']})")
        lines.append(f"{'':18} {'spun: P':>8} {'R':>6} {'F1':>6} {'AUC':>6}   {'stitched: P':>11} {'R':>6} {'F1':>6} {'AUC':>6}")
        a, b = s["spun"], s["stitched"]
        fa = lambda x: "  -   " if x is None else f"{x:6.3f}"
        lines.append(f"{'all derived':18} {a['precision']:8.3f} {a['recall']:6.3f} {a['f1']:6.3f} {fa(a['auc'])}   "
                     f"{b['precision']:11.3f} {b['recall']:6.3f} {b['f1']:6.3f} {fa(b['auc'])}")
        for st in a["per_set"]:
            x, y = a["per_set"][st], b["per_set"][st]
            lines.append(f"{'  ' + st:18} {x['precision']:8.3f} {x['recall']:6.3f} {x['f1']:6.3f} {'':6}   "
                         f"{y['precision']:11.3f} {y['recall']:6.3f} {y['f1']:6.3f}")
        lines.append(f"{'kind':18} {'n':>5} {'spun?':>6} {'flagged':>8} {'':4} {'stitched?':>10} {'flagged':>8}")
        for k, x in a["per_kind"].items():
            y = b["per_kind"][k]
            lines.append(f"{k:18} {x['n']:5d} {str(x['gold']):>6} {x['rate']:8.3f} {'':4} {str(y['gold']):>10} {y['rate']:8.3f}")
        if "sources" in a:
            lines.append(f"{'sources (clean)':18} {a['sources']['n']:5d} {'False':>6} {a['sources']['fpr']:8.3f} {'':4} "
                         f"{'False':>10} {b['sources']['fpr']:8.3f}")
        lines.append(f"spun recall when a brief example (Russia->Russian Federation, international->worldwide, "
                     f"last year->previous year, NATO->..., US->USA) was used ({a['n_with_brief_examples']} articles) "
                     f"{a['recall_with_brief_examples']}, otherwise {a['recall_without_brief_examples']}")
        lines.append(f"stitched recall with intrinsic artifacts {b['recall_with_artifacts']}, "
                     f"without ({b['n_without_artifacts']} articles) {b['recall_without_artifacts']}")
    lines.append("(flagged = share predicted positive: recall where the kind's gold is True, "
                 "false-positive rate where it is False)")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="target/spin-set")
    ap.add_argument("--bin", default="target/release/storyline")
    ap.add_argument("--db-a")
    ap.add_argument("--db-b")
    ap.add_argument("--copies-a")
    ap.add_argument("--copies-b")
    ap.add_argument("--out", default=None, help="scores JSON (default SET/scores.json)")
    args = ap.parse_args()
    labels = read_jsonl(os.path.join(args.set, "labels.jsonl"))
    src_ids = [s["id"] for s in read_jsonl(os.path.join(args.set, "sources.jsonl"))]
    der_ids = [l["id"] for l in labels]
    scores = {"set": os.path.abspath(args.set),
              "counts": {k: sum(1 for l in labels if l["kind"] == k) for k in KINDS},
              "sources": len(src_ids), "settings": {}}
    for name, db, cp, with_src in [("A", args.db_a, args.copies_a, True), ("B", args.db_b, args.copies_b, False)]:
        if not db and not cp:
            scores["settings"][name] = None
            continue
        refs = der_ids + (src_ids if with_src else [])
        verdicts, how = load_verdicts(cp, refs, args.bin, db)
        s = score_setting(labels, verdicts, src_ids if with_src else None)
        s["lookup"] = how
        ing = (db or "") + ".ingest.json"
        if db and os.path.exists(ing):
            try:
                d = json.load(open(ing))
                s["ingest"] = {k: (len(d[k]) if k == "errors" else d[k])
                               for k in ("added", "unchanged", "updated", "errors", "seconds") if k in d}
            except (json.JSONDecodeError, OSError):
                pass
        scores["settings"][name] = s
    out = args.out or os.path.join(args.set, "scores.json")
    with open(out, "w") as f:
        json.dump(scores, f, indent=1)
    print(table(scores))
    print(f"\nscores written to {out}")
    missing = sum(s["lookup"]["missing"] for s in scores["settings"].values() if s)
    if missing:
        sys.stdout.flush()
        print(f"WARNING: {missing} articles had no spin/stitch verdict (counted as negative)", file=sys.stderr)
    if all(s is None or s["lookup"]["copies"] + s["lookup"]["article"] == 0 for s in scores["settings"].values()):
        print("ERROR: no verdicts at all: does this storyline have `copies --json` with spin/stitch?",
              file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
