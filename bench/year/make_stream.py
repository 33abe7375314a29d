#!/usr/bin/env python3
"""A year of news as one stream, for the scale benchmark (stdlib only, deterministic).

  python3 bench/year/make_stream.py N OUT.jsonl.gz TRUTH.jsonl.gz [--seed S]

Builds N articles dated over one year (2025), in arrival order, from the three story sets in
$STORYLINE_SHARED/data/{ecbplus,duc2004,multinews} (2,041 distinct articles; loaded and split
into sentences by bench/spin/make_spin_set.py, whose spinner and stitcher, kept apart from the
detector, make the rewrites):

- 60% new text: the pool repeated, repetition k with every word that is not a function word
  suffixed per repetition ("missiles" -> "missilesqb", as bench/stories/scale_corpus.py does),
  so each repetition is a new set of events with its own names and vocabulary. Each story of
  each repetition starts on a random day of the year; its articles keep their own spacing
  (at most 14 days).
- 5% new text as above, but with no date.
- 25% reprints of an earlier new article: 40% verbatim, 60% lightly edited (one or two of: a
  sentence or two dropped, a credit line added, the tail cut, a dateline added, a few words
  changed), under another source and URL.
- 10% rewrites: 50% spun (spinner at a high rate, and every sentence it left alone reworded
  lightly, so few sentences stay verbatim), 30% stitched from 2 to 4 articles of one story,
  20% stitched and spun.

A reprint or rewrite arrives some time after its source: 50% within 2 days, 20% within 3 to
30 days, 30% 31 to 270 days later ("some months older"). Every article has its own id and URL.

OUT holds {"id", "url", "title", "text", "source", "date"} per line (no "date" for undated
articles), in arrival order; TRUTH holds {"id", "kind", "story", "sources", "age_days"} per line
in the same order (`sources`: the new articles a reprint or rewrite copies, [] for new text).
Both are gzipped. The texts have research licences: write under target/ or another scratch
folder, never into the repository.
"""

import argparse
import datetime as dt
import gzip
import json
import os
import random
import re
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "spin"))
sys.path.insert(0, os.path.join(HERE, "..", "stories"))
import make_spin_set as spin  # noqa: E402  (loading, spinner and stitcher)
from scale_corpus import rename  # noqa: E402  (the per-repetition vocabulary)

YEAR_START = dt.date(2025, 1, 1)
DAYS = 365
MAX_SPREAD = 14
# Shares of the stream, in order: new dated, new undated, reprints, rewrites.
SHARES = {"new": 0.60, "undated": 0.05, "reprint": 0.25, "rewrite": 0.10}
REWORD_ADVERBS = ["also", "reportedly", "now", "officially", "again"]
SAID = {"said": "stated", "says": "states", "told": "informed", "announced": "declared"}


def age_days(rng):
    r = rng.random()
    if r < 0.5:
        return rng.randint(0, 2)
    if r < 0.7:
        return rng.randint(3, 30)
    return rng.randint(31, 270)


def story_offsets(docs, rng):
    """Days after the story's first article, from the articles' own dates where known."""
    dated = [d for d in docs if d.get("date")]
    first = min((dt.date.fromisoformat(d["date"][:10]) for d in dated), default=None)
    out = {}
    for d in docs:
        if d.get("date") and first:
            days = (dt.date.fromisoformat(d["date"][:10]) - first).days
            out[d["id"]] = max(0, min(MAX_SPREAD, days))
        else:
            out[d["id"]] = rng.randint(0, 2)
    return out


def reword(sentence, rng):
    """A light rewording that keeps the sentence's content: a reporting verb changed, an
    adverb added after the subject's first word, or a short word dropped."""
    words = sentence.split(" ")
    if len(words) < 6:
        return sentence
    choice = rng.random()
    for i, w in enumerate(words):
        if choice < 0.4 and w in SAID:
            words[i] = SAID[w]
            return " ".join(words)
    if choice < 0.75:
        i = rng.randint(1, min(4, len(words) - 2))
        return " ".join(words[:i] + [rng.choice(REWORD_ADVERBS)] + words[i:])
    droppable = [i for i, w in enumerate(words[1:-1], 1) if w.lower() in ("the", "a", "an", "that", "very", "just")]
    if droppable:
        del words[rng.choice(droppable)]
        return " ".join(words)
    return " ".join(words[:2] + [rng.choice(REWORD_ADVERBS)] + words[2:])


def light_edit(doc, rng):
    """Units of a reprint with one or two light edits."""
    paras = [[dict(u) for u in p] for p in spin.units_of(doc)]
    ops = rng.sample(["drop", "credit", "cut", "dateline", "words"], rng.choice([1, 1, 2]))
    if "drop" in ops:
        flat = [(pi, ui) for pi, p in enumerate(paras) for ui in range(len(p)) if (pi, ui) != (0, 0)]
        for pi, ui in sorted(rng.sample(flat, min(len(flat), rng.choice([1, 2]))), reverse=True):
            del paras[pi][ui]
        paras = [p for p in paras if p]
    if "cut" in ops and len(paras) > 3:
        paras = paras[: max(2, int(len(paras) * rng.uniform(0.6, 0.9)))]
    if "dateline" in ops:
        u = paras[0][0]
        u["text"] = rng.choice(["WASHINGTON (Wire) - ", "LONDON (Wire) - ", "NEW YORK (Wire) - "]) + u["text"]
    if "words" in ops:
        flat = [u for p in paras for u in p]
        for u in rng.sample(flat, min(len(flat), rng.randint(2, 4))):
            u["text"] = reword(u["text"], rng)
    if "credit" in ops:
        paras.append([{"text": rng.choice(spin.CREDITS).format(src=doc.get("source") or "the wire"),
                       "src": None, "glue": False, "mod": "credit"}])
    return paras


def spin_hard(paras, title, rng):
    """Spun at a high rate; sentences the spinner left alone are reworded lightly."""
    sp, paras, title = spin.spin_paras(rng, rng.uniform(0.6, 0.9), paras, title)
    for p in paras:
        for u in p:
            if rng.random() < 0.8:
                u["text"] = reword(u["text"], rng)
    return paras, title


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("truth")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--shared", default=os.environ.get("STORYLINE_SHARED",
                                                       os.path.join(HERE, "..", "..", "..", "shared")))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = [a for a in spin.load(args.shared, rng) if a["paras"]]
    by_story = defaultdict(list)
    for i, a in enumerate(pool):
        by_story[(a["set"], a["story"])].append(i)
    stories = sorted(by_story)

    n = args.n
    counts = {k: int(round(n * v)) for k, v in SHARES.items()}
    counts["new"] = n - counts["undated"] - counts["reprint"] - counts["rewrite"]
    new_total = counts["new"] + counts["undated"]

    # New text: whole repetitions of the pool, story by story, each story on its own day.
    items = []  # (day, pool index, repetition)
    k = 0
    while len(items) < new_total:
        for s in stories:
            docs = [pool[i] for i in by_story[s]]
            srng = random.Random(f"{args.seed}-{k}-{s}")
            start = srng.randrange(DAYS)
            off = story_offsets(docs, srng)
            for i in by_story[s]:
                items.append((min(DAYS - 1, start + off[pool[i]["id"]]), i, k))
        k += 1
    rng.shuffle(items)
    items = items[:new_total]
    undated = set(rng.sample(range(new_total), counts["undated"]))
    by_day = defaultdict(list)
    story_days = defaultdict(list)  # (story, repetition) -> [(day, item)]
    for j, (day, i, rep) in enumerate(items):
        by_day[day].append(j)
        story_days[(pool[i]["set"], pool[i]["story"], rep)].append((day, j))

    # Reprints and rewrites: an arrival day, an age, a source of that age.
    derived = []  # (day, kind, [item indices])
    def pick_source(day, drng):
        for _ in range(50):
            src_day = day - age_days(drng)
            if src_day >= 0 and by_day[src_day]:
                return drng.choice(by_day[src_day])
        return None
    kinds = ["reprint"] * counts["reprint"] + ["rewrite"] * counts["rewrite"]
    for d, kind in enumerate(kinds):
        drng = random.Random(f"{args.seed}-d{d}")
        day = drng.randrange(DAYS)
        src = pick_source(day, drng)
        while src is None:
            day = drng.randrange(DAYS)
            src = pick_source(day, drng)
        if kind == "reprint":
            kind = "verbatim" if drng.random() < 0.4 else "edited"
            derived.append((day, kind, [src]))
            continue
        r = drng.random()
        kind = "spun" if r < 0.5 else ("stitched" if r < 0.8 else "spun-stitched")
        srcs = [src]
        if kind != "spun":
            _, i, rep = items[src]
            mates = [j for (dday, j) in story_days[(pool[i]["set"], pool[i]["story"], rep)]
                     if j != src and dday <= day and j not in undated]
            drng.shuffle(mates)
            srcs += mates[: drng.choice([1, 2, 2, 3])]
            if len(srcs) < 2:
                kind = "spun"
                srcs = [src]
        derived.append((day, kind, srcs))

    # Arrival order: by day; within a day, in a random order.
    stream = [(day, rng.random(), "new", j) for j, (day, _, _) in enumerate(items)]
    stream += [(day, rng.random(), "derived", d) for d, (day, _, _) in enumerate(derived)]
    stream.sort()

    def item_id(j):
        _, i, rep = items[j]
        return f"{pool[i]['id']}#{rep}"

    def item_date(j):
        return (YEAR_START + dt.timedelta(days=items[j][0])).isoformat()

    with gzip.open(args.out + ".tmp", "wt", encoding="utf-8", compresslevel=3) as out, \
            gzip.open(args.truth + ".tmp", "wt", encoding="utf-8", compresslevel=3) as truth:
        for day, _, what, j in stream:
            date = (YEAR_START + dt.timedelta(days=day)).isoformat()
            if what == "new":
                _, i, rep = items[j]
                a = pool[i]
                aid = item_id(j)
                rec = {"id": aid, "url": f"https://news{i % 500}.example/{rep}/{i}",
                       "title": rename(spin.title_of(a), rep), "text": rename(a["text"], rep),
                       "source": a.get("source") or f"news{i % 500}.example"}
                if j not in undated:
                    rec["date"] = date
                lab = {"id": aid, "kind": "new" if j not in undated else "undated",
                       "story": f"{a['set']}:{a['story']}#{rep}", "sources": [], "age_days": []}
            else:
                _, kind, srcs = derived[j]
                drng = random.Random(f"{args.seed}-text{j}")
                _, i0, rep = items[srcs[0]]
                docs = [pool[items[s][1]] for s in srcs]
                title = spin.title_of(docs[0])
                if kind == "verbatim":
                    paras = spin.units_of(docs[0])
                elif kind == "edited":
                    paras = light_edit(docs[0], drng)
                    if drng.random() < 0.5:
                        title += drng.choice([" | Latest", " - World News", " (update)"])
                elif kind == "spun":
                    paras, title = spin_hard(spin.units_of(docs[0]), title, drng)
                else:
                    paras, _ = spin.stitch(docs, drng)
                    if kind == "spun-stitched":
                        paras, title = spin_hard(paras, title, drng)
                aid = f"d{j}"
                farm = drng.randrange(200)
                rec = {"id": aid, "url": f"https://reprint{farm}.example/{day}/{aid}",
                       "title": rename(title, rep), "text": rename(spin.render(paras), rep),
                       "source": f"reprint{farm}.example", "date": date}
                lab = {"id": aid, "kind": kind,
                       "story": f"{pool[i0]['set']}:{pool[i0]['story']}#{rep}",
                       "sources": [item_id(s) for s in srcs],
                       "age_days": [day - items[s][0] for s in srcs]}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            truth.write(json.dumps(lab) + "\n")
    os.replace(args.out + ".tmp", args.out)
    os.replace(args.truth + ".tmp", args.truth)
    print(json.dumps({"articles": len(stream), "new_text_repetitions": k,
                      "counts": {"new": counts["new"], "undated": counts["undated"],
                                 "reprint": counts["reprint"], "rewrite": counts["rewrite"]}}))


if __name__ == "__main__":
    main()
