#!/usr/bin/env python3
"""Copies recall on the year stream's planted reprints and rewrites (stdlib only).

  python3 bench/year/score_copies.py DB TRUTH.jsonl.gz [--out FILE]

Reads the store with Python's sqlite3 (read-only) and the truth written by make_stream.py.
A planted copy (a reprint, an edited reprint, a spun or a stitched rewrite) of source S is
found when the store links it to S, or to a reprint of S (verbatim or edited), by a
near-duplicate pair or by at least one reused sentence, in either direction. Recall is over
(copy, source) pairs, by kind and by the source's age when the copy arrived. As a check on
the other side, it counts links between articles of different repetitions of the pool, which
share no vocabulary and so can only be false.
"""
import argparse
import gzip
import json
import sqlite3
import sys
from collections import Counter, defaultdict


def age_bucket(days):
    if days <= 2:
        return "0-2 days"
    if days <= 30:
        return "3-30 days"
    if days <= 90:
        return "31-90 days"
    return "91-270 days"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("truth")
    ap.add_argument("--out")
    args = ap.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    id_of = dict(conn.execute("SELECT ref_id, article_id FROM article_refs"))
    links = defaultdict(set)
    pairs = conn.execute("SELECT a, b FROM near_duplicates").fetchall()
    pairs += conn.execute("SELECT DISTINCT article_id, other_id FROM sentence_reuse").fetchall()
    # Since schema 14 the reused sentences are packed a row a pair of articles (the rows of
    # sentence_reuse are those an older program wrote, until `compact` moves them).
    if conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'reuse_packed'").fetchone():
        pairs += conn.execute("SELECT article_id, other_id FROM reuse_packed").fetchall()
    for a, b in pairs:
        links[a].add(b)
        links[b].add(a)

    truth = []
    with gzip.open(args.truth, "rt", encoding="utf-8") as f:
        for line in f:
            truth.append(json.loads(line))
    # Reprints of each source: linking a rewrite to a reprint of its source finds the source.
    family = defaultdict(set)
    for t in truth:
        if t["kind"] in ("verbatim", "edited"):
            family[t["sources"][0]].add(t["id"])

    found, total = Counter(), Counter()
    missing_ids = 0
    for t in truth:
        if not t["sources"]:
            continue
        me = id_of.get(t["id"])
        for src, age in zip(t["sources"], t["age_days"]):
            key = (t["kind"], age_bucket(age))
            ids = {id_of.get(x) for x in {src} | family[src]} - {None}
            if me is None or not ids:
                missing_ids += 1
                continue
            total[key] += 1
            if links[me] & ids:
                found[key] += 1

    rep = {}
    for t in truth:
        me = id_of.get(t["id"])
        if me is not None:
            rep[me] = t["story"].rsplit("#", 1)[1]
    cross = sum(1 for a, bs in links.items() for b in bs if a < b and rep.get(a) != rep.get(b))

    def ratio(keys):
        t = sum(total[k] for k in keys)
        return {"found": sum(found[k] for k in keys), "pairs": t,
                "recall": round(sum(found[k] for k in keys) / t, 4) if t else None}

    kinds = sorted({k for k, _ in total})
    ages = ["0-2 days", "3-30 days", "31-90 days", "91-270 days"]
    out = {
        "all": ratio(list(total)),
        "by_kind": {k: ratio([x for x in total if x[0] == k]) for k in kinds},
        "by_age": {a: ratio([x for x in total if x[1] == a]) for a in ages},
        "by_kind_and_age": {f"{k} / {a}": ratio([(k, a)]) for k in kinds for a in ages if total[(k, a)]},
        "pairs_without_stored_article": missing_ids,
        "links_across_repetitions": cross,
        "linked_pairs": sum(len(b) for b in links.values()) // 2,
    }
    text = json.dumps(out, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
