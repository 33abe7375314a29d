#!/usr/bin/env python3
"""Scores entity alias joining against bench/entities/gold.jsonl.

    python3 bench/entities/score.py GOLD PRED [--split corpus|heldout|all]

PRED lines: {"story", "entities": [{"name", "kind", "forms": [...]}]}, as
`cargo run --release -p storyline-bench --bin quotes -- entities` writes.

Forms are compared case-insensitively after dropping a leading "the " and a
trailing "'s". Within each story:
- name pairs: pairs of distinct gold name forms ("mentions") of one entity
  are the gold links; pairs of forms the system puts in one entity, among
  the forms both sides have, are the predicted links. Precision and recall
  of links, micro over stories. Forms only one side has do not count here;
  `coverage` says how many gold name forms the system found at all.
- role pairs: the same for (role phrase, name form) links, and metonym
  pairs for (capital-as-government, name form) links.
- kind accuracy: over gold entities whose fullest name the system found,
  how often the system's kind agrees.
Gold forms listed as ambiguous are left out.
"""
import argparse
import itertools
import json


def norm(s):
    s = s.strip().lower().replace("’", "'")
    if s.startswith("the "):
        s = s[4:]
    if s.endswith("'s"):
        s = s[:-2]
    return " ".join(s.split())


def pairs(groups):
    out = set()
    for g in groups:
        for a, b in itertools.combinations(sorted(g), 2):
            out.add((a, b))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("--split", default="all")
    a = ap.parse_args()
    gold = [json.loads(l) for l in open(a.gold) if l.strip()]
    pred = {r["story"]: r for r in map(json.loads, filter(str.strip, open(a.pred)))}
    tot = {k: [0, 0, 0] for k in ("name", "role", "metonym")}  # tp, pred, gold
    covered = total_forms = 0
    kind_ok = kind_n = 0
    for story in gold:
        if a.split != "all" and story["split"] != a.split:
            continue
        ambiguous = {norm(x["form"]) for x in story.get("ambiguous", [])}
        sys_entities = pred.get(story["story"], {"entities": []})["entities"]
        sys_of = {}
        for i, e in enumerate(sys_entities):
            for f in e["forms"]:
                sys_of.setdefault(norm(f), set()).add(i)
        for layer in ("name", "role", "metonym"):
            field = {"name": "mentions", "role": "roles", "metonym": "metonyms"}[layer]
            gold_links, forms = set(), set()
            for e in story["entities"]:
                names = {norm(m) for m in e["mentions"]} - ambiguous
                extra = names if layer == "name" else {norm(m) for m in e.get(field, [])} - ambiguous
                forms |= names | extra
                if layer == "name":
                    gold_links |= pairs([names])
                else:
                    gold_links |= {tuple(sorted((x, n))) for x in extra for n in names if x != n}
            shared = {f for f in forms if f in sys_of}
            gold_links = {p for p in gold_links if p[0] in shared and p[1] in shared}
            pred_links = set()
            for x, y in itertools.combinations(sorted(shared), 2):
                if sys_of[x] & sys_of[y]:
                    pred_links.add((x, y))
            if layer != "name":
                # Only links from a role/metonym form to a name form count.
                role_forms = set()
                for e in story["entities"]:
                    role_forms |= {norm(m) for m in e.get(field, [])}
                name_forms = set()
                for e in story["entities"]:
                    name_forms |= {norm(m) for m in e["mentions"]}
                pred_links = {p for p in pred_links
                              if (p[0] in role_forms and p[1] in name_forms) or (p[1] in role_forms and p[0] in name_forms)}
            else:
                all_roles = set()
                for e in story["entities"]:
                    all_roles |= {norm(m) for m in e.get("roles", []) + e.get("metonyms", [])}
                pred_links = {p for p in pred_links if p[0] not in all_roles and p[1] not in all_roles}
            tot[layer][0] += len(gold_links & pred_links)
            tot[layer][1] += len(pred_links)
            tot[layer][2] += len(gold_links)
            if layer == "name":
                total_forms += len(forms)
                covered += len(shared)
        for e in story["entities"]:
            n = norm(e["name"])
            if n in sys_of and n not in ambiguous:
                kind_n += 1
                kinds = {sys_entities[i]["kind"] for i in sys_of[n]}
                kind_ok += e["kind"] in kinds
    res = {"split": a.split}
    for k, (tp, p, g) in tot.items():
        prec = tp / p if p else 0.0
        rec = tp / g if g else 0.0
        res[k + "_pairs"] = {"precision": round(prec, 3), "recall": round(rec, 3),
                             "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0,
                             "tp": tp, "pred": p, "gold": g}
    res["coverage"] = {"found": covered, "gold_forms": total_forms,
                       "share": round(covered / total_forms, 3) if total_forms else 0.0}
    res["kind_accuracy"] = {"correct": kind_ok, "of": kind_n,
                            "share": round(kind_ok / kind_n, 3) if kind_n else 0.0}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
