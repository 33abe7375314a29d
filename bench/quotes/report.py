#!/usr/bin/env python3
"""Prints the PolNeAR results of bench/quotes.sh as a Markdown table.

    python3 bench/quotes/report.py HEAD.json PHRASE.json

HEAD scores the speaker's head (the name, pronoun or role phrase, what
Storyline shows); PHRASE scores the whole speaker phrase with appositives
(PolNeAR's source convention). Cue and content are the same in both.
"""
import json
import sys

head = json.load(open(sys.argv[1]))
phrase = json.load(open(sys.argv[2]))


def f(x, k):
    return "%.1f" % (100 * x[k]["f1"])


print("| type | gold | pred | source exact F1 (head / phrase) | source P / R (phrase) | cue exact F1 | content exact F1 | content overlap F1 |")
print("|---|---|---|---|---|---|---|---|")
rows = [("all", head, phrase)] + [(t, head["by_quote_type"][t], phrase["by_quote_type"][t])
                                  for t in ("direct", "mixed", "indirect", "quoted")]
for name, h, p in rows:
    print("| %s | %d | %d | %s / %s | %.1f / %.1f | %s | %s | %s |" % (
        name, p["n_gold"], p["n_pred"], f(h, "source_exact"), f(p, "source_exact"),
        100 * p["source_exact"]["precision"], 100 * p["source_exact"]["recall"],
        f(p, "cue_exact"), f(p, "content_exact"), f(p, "content_overlap")))
