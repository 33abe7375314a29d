#!/usr/bin/env python3
"""Validate bench/entities/gold.jsonl and print its counts (stdlib only).

Usage: python3 bench/entities/check_gold.py [--gold PATH] [--articles PATH]

Checks, per story:
  * `articles` is exactly the set of ECB+ article ids of that story;
  * every entity has a valid kind and list-typed mentions/roles/metonyms without duplicates;
  * every string in mentions/roles/metonyms (and every ambiguous form) occurs verbatim in at
    least one article of the story (article = title + text);
  * every per_article form occurs verbatim in that article and is one of the entity's own forms
    or a declared ambiguous form; per_article/articles keys are articles of the story;
  * no surface form (after normalisation, see norm()) is listed as a mention or role of two
    different entities, or as a metonym of two entities, and no ambiguous form is listed under
    any entity. A metonym may coincide with another entity's mention by design
    ("Moscow said" vs "in Moscow"); such overlaps are reported, not rejected.
Exit status is 1 if any check fails.
"""
import argparse, collections, itertools, json, os, sys

KINDS = ("person", "organization", "place")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from shared import shared_data  # noqa: E402  (one place says where the data are)


def norm(s):
    """Surface-form normalisation used by the proposed metric."""
    s = s.strip().casefold()
    if s.startswith("the "):
        s = s[4:]
    for suf in ("'s", "\u2019s"):
        if s.endswith(suf):
            s = s[: -len(suf)]
    return s.strip()


def article_text(a):
    title, text = a.get("title") or "", a.get("text") or ""
    return text if text.startswith(title.strip()) else title + "\n\n" + text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=os.path.join(HERE, "gold.jsonl"))
    ap.add_argument("--articles", default=str(shared_data() / "ecbplus" / "articles.jsonl"))
    args = ap.parse_args()

    arts, by_story = {}, collections.defaultdict(set)
    with open(args.articles, encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            arts[a["id"]] = a
            by_story[a["story"]].add(a["id"])

    errors, warnings = [], []
    stories = [json.loads(l) for l in open(args.gold, encoding="utf-8") if l.strip()]
    tot = collections.Counter()
    per_split = collections.defaultdict(collections.Counter)
    kinds = collections.Counter()
    seen_story = set()

    for s in stories:
        sid, split = s.get("story"), s.get("split")
        E = lambda msg: errors.append(f"{sid}: {msg}")
        if sid in seen_story:
            E("duplicate story line")
        seen_story.add(sid)
        if split not in ("corpus", "heldout"):
            E(f"bad split {split!r}")
        aids = s.get("articles", [])
        if set(aids) != by_story.get(sid, set()) or len(aids) != len(set(aids)):
            E(f"articles {sorted(aids)} != ECB+ ids {sorted(by_story.get(sid, []))}")
        texts = {a: article_text(arts[a]) for a in aids if a in arts}
        in_story = lambda form: any(form in t for t in texts.values())

        amb = s.get("ambiguous", [])
        amb_forms = set()
        for x in amb:
            form = x.get("form", "")
            amb_forms.add(form)
            if not in_story(form):
                E(f"ambiguous form {form!r} not found in any article")
        amb_norm = {norm(f) for f in amb_forms}

        owner = {}   # norm form -> entity index (mentions + roles)
        met_owner = {}
        mention_norm = {}
        sc = collections.Counter()
        for i, e in enumerate(s.get("entities", [])):
            tag = f"entity {e.get('name')!r}"
            if e.get("kind") not in KINDS:
                E(f"{tag}: bad kind {e.get('kind')!r}")
            kinds[e.get("kind")] += 1
            sc["entities"] += 1
            lists = {}
            for fld in ("mentions", "roles", "metonyms"):
                L = e.get(fld, [])
                if not isinstance(L, list) or not all(isinstance(x, str) and x.strip() for x in L):
                    E(f"{tag}: {fld} must be a list of non-empty strings")
                    L = []
                if len(L) != len(set(L)):
                    E(f"{tag}: duplicate strings in {fld}")
                for form in L:
                    if not in_story(form):
                        E(f"{tag}: {fld[:-1]} {form!r} not found verbatim in any article")
                    n = norm(form)
                    if n in amb_norm:
                        E(f"{tag}: {form!r} is declared ambiguous but listed under the entity")
                    if fld == "metonyms":
                        if met_owner.setdefault(n, i) != i:
                            E(f"{tag}: metonym {form!r} also a metonym of another entity")
                    else:
                        if owner.setdefault(n, i) != i:
                            other = s["entities"][owner[n]]["name"]
                            E(f"{tag}: {form!r} also listed under {other!r}")
                        if fld == "mentions":
                            mention_norm[n] = i
                lists[fld] = L
            own = set(lists["mentions"]) | set(lists["roles"]) | set(lists["metonyms"])
            for aid, forms in (e.get("per_article") or {}).items():
                if aid not in texts:
                    E(f"{tag}: per_article key {aid} not an article of the story")
                    continue
                for form in forms:
                    if form not in texts[aid]:
                        E(f"{tag}: per_article {aid}: {form!r} not in that article")
                    if form not in own and form not in amb_forms:
                        E(f"{tag}: per_article {aid}: {form!r} not among the entity's forms")
            for aid, n in (e.get("articles") or {}).items():
                if aid not in texts:
                    E(f"{tag}: articles key {aid} not an article of the story")
                if not isinstance(n, int) or n < 0:
                    E(f"{tag}: articles count for {aid} must be a non-negative int")
            sc["name_mentions_counted"] += sum((e.get("articles") or {}).values())
            M = {norm(x) for x in lists["mentions"]}
            R = {norm(x) for x in lists["roles"]} - M
            T = {norm(x) for x in lists["metonyms"]}
            sc["mentions"] += len(lists["mentions"])
            sc["mention_forms_norm"] += len(M)
            sc["roles"] += len(lists["roles"])
            sc["metonyms"] += len(lists["metonyms"])
            sc["entities_with_>=2_name_forms"] += len(M) >= 2
            sc["pairs_names"] += len(M) * (len(M) - 1) // 2
            MR = M | R
            sc["pairs_names+roles"] += len(MR) * (len(MR) - 1) // 2
            sc["pairs_role_to_name"] += len(R) * len(M)
            sc["pairs_metonym_to_name"] += len(T - M) * len(M)
        for n, i in met_owner.items():
            if n in mention_norm and mention_norm[n] != i:
                warnings.append(f"{sid}: metonym {n!r} of {s['entities'][i]['name']!r} is also a mention of "
                                f"{s['entities'][mention_norm[n]]['name']!r} (allowed)")
        sc["stories"] += 1
        sc["articles"] += len(aids)
        sc["ambiguous_forms"] += len(amb)
        tot.update(sc)
        per_split[split].update(sc)

    order = ["stories", "articles", "entities", "mentions", "mention_forms_norm", "roles", "metonyms",
             "ambiguous_forms", "name_mentions_counted", "entities_with_>=2_name_forms", "pairs_names",
             "pairs_role_to_name", "pairs_metonym_to_name", "pairs_names+roles"]
    print(f"gold: {args.gold}")
    for sp in sorted(per_split):
        ids = [s["story"] for s in stories if s.get("split") == sp]
        print(f"split {sp}: {' '.join(ids)}")
    print(f"{'':30s} {'total':>7s} " + " ".join(f"{sp:>8s}" for sp in sorted(per_split)))
    for k in order:
        print(f"{k:30s} {tot[k]:7d} " + " ".join(f"{per_split[sp][k]:8d}" for sp in sorted(per_split)))
    print("entities by kind: " + ", ".join(f"{k}={kinds[k]}" for k in KINDS))
    for w in warnings:
        print("note:", w)
    if errors:
        for e in errors:
            print("ERROR:", e)
        print(f"{len(errors)} error(s)")
        return 1
    print("OK: no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
