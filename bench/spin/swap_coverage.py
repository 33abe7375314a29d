#!/usr/bin/env python3
"""How much of a spin set's spinning the detector's thesaurus could know.

Reads a set's labels (make_spin_set.py's `spin_log`: every [original,
replacement] pair) and the shipped thesaurus (crates/storyline/data/
thesaurus.txt.gz) and reports how many swaps join two words WordNet puts in
one synonym group, each word taken as written or as a lemma of it (WordNet's
own exception lists, *.exc, and regular -s/-ed/-ing/-er/-est endings), and
per spun article how many such swaps it has. Bench use only: the detector
never reads the generator's labels or word lists.

    python3 bench/spin/swap_coverage.py [--set target/spin-set] [--wordnet /usr/share/wordnet]

The WordNet directory is Debian's `wordnet-base` (as make_usage_data.py).
"""
import argparse
import collections
import gzip
import json
import os

RULES = [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
         ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
         ("ing", ""), ("er", ""), ("est", ""), ("er", "e"), ("est", "e"), ("ied", "y")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="target/spin-set")
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    ap.add_argument("--data", default="crates/storyline/data")
    a = ap.parse_args()
    groups_of = collections.defaultdict(set)
    with gzip.open(os.path.join(a.data, "thesaurus.txt.gz"), "rt") as f:
        for g, line in enumerate(f):
            for m in line.rstrip("\n").split("|"):
                groups_of[m.lower()].add(g)
    exc = collections.defaultdict(set)
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(a.wordnet, pos + ".exc")) as f:
            for line in f:
                form, *lemmas = line.split()
                exc[form.replace("_", " ")].update(x.replace("_", " ") for x in lemmas)

    def lemmas(w):
        w = w.lower().replace("-", " ")
        out = {w} if w in groups_of else set()
        out |= {x for x in exc.get(w, ()) if x in groups_of}
        for suf, rep in RULES:
            if w.endswith(suf) and len(w) > len(suf) + 2 and w[: -len(suf)] + rep in groups_of:
                out.add(w[: -len(suf)] + rep)
        return out

    def known(x, y):
        return any(groups_of[p] & groups_of[q] for p in lemmas(x) for q in lemmas(y))

    kinds = ("spun", "spun-stitched")
    n_known = n_all = 0
    per_article = []
    unknown = collections.Counter()
    with open(os.path.join(a.set, "labels.jsonl")) as f:
        for line in f:
            l = json.loads(line)
            if l["kind"] not in kinds:
                continue
            k = 0
            for x, y in l["spin_log"]:
                n_all += 1
                if known(x, y):
                    k += 1
                else:
                    unknown[(x, y)] += 1
            n_known += k
            per_article.append(k)
    per_article.sort()
    q = lambda p: per_article[int(p * (len(per_article) - 1))]
    print(json.dumps({
        "swaps": n_all, "known_to_thesaurus": n_known,
        "articles": len(per_article),
        "known_swaps_per_article_p10_p25_p50_p75_p90": [q(p) for p in (0.1, 0.25, 0.5, 0.75, 0.9)],
        "most_common_unknown": [[f"{x} -> {y}", n] for (x, y), n in unknown.most_common(10)],
    }, indent=1))


if __name__ == "__main__":
    main()
