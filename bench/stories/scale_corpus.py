"""Synthetic story stream of N articles for the scale benchmark (stdlib only).

  python3 bench/stories/scale_corpus.py N OUT.jsonl [--shift-days 400]

Pools the three story sets (ecbplus, duc2004, multinews: 2,052 articles) and repeats
the pool until N articles are reached; the last repetition may be partial.  Repetition k
must look like a *different* set of events, not a re-crawl of the same ones, or the
clusterer would rightly fold the copies into one story and the gold labels would be
wrong.  So repetition k gets:

- ids `ID#k` and gold story `STORY#k`;
- dates shifted by k*SHIFT days (default 400): a story and its copy never share the
  clusterer's "same days" window, while copies of different sets still overlap in time
  (the stream interleaves many repetitions, as a real archive would);
- undated articles a synthetic date, 2000-01-01 + k*SHIFT days + their position in their
  set scaled into 0..29 days: they stay in file order (multinews keeps each story's
  articles together) but are spread out instead of all landing on one day;
- words renamed per repetition: from repetition 1 on, every word that is not a common
  function word gets a suffix naming the repetition ("Tillerson" -> "Tillersonqb",
  "missiles" -> "missilesqb"), in the title and the text.  Each repetition is then a
  stream of events with its own names and vocabulary, unrelated to the others' as far as
  the copies stage and the clusterer can tell (no shared word 5-grams, no paraphrases, no
  shared names), while keeping the real structure of news: how many articles a story has,
  how they overlap, when they arrive.  An earlier version replaced 1 word in 8 with another
  word of the same article instead; every repetition then stayed a paraphrase of the
  others, the copies stage linked all of them (12.6 million reused-sentence rows at 50k
  articles) and the clusterer rightly folded the 25 copies of each event into one story,
  which measured a degenerate archive rather than a growing one.

Output: JSONL {"id","title","text","source","date","story"}, stably sorted by date.
"""
import argparse
import datetime
import json
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402  (data location and set names, shared with the story benchmark)

SHIFT_DAYS = 400
UNDATED_BASE = datetime.date(2000, 1, 1)
UNDATED_SPREAD_DAYS = 30

# A sentence ends at . ! or ? (optionally followed by closing quotes or brackets) before
# whitespace; good enough to spread the edits evenly through the text.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def load_pool():
    """All articles of the three sets, in set order then file order, with `pos`, `set_size`."""
    pool = []
    for name in common.SETS:
        rows = common.load_set(name)
        for r in rows:
            r["set_size"] = len(rows)
        pool.extend(rows)
    return pool


# Function words keep their form in every repetition, so text stays English to the text
# stage (stop words, sentence splitting).
FUNCTION_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
said says say told according mr mrs ms
""".split())


def suffix(k):
    """A letter tag for repetition k (1 -> 'qb', 2 -> 'qc', 27 -> 'qbb'...)."""
    letters = ""
    while True:
        letters += "abcdefghijklmnopqrstuvwxyz"[k % 26]
        k //= 26
        if k == 0:
            return "q" + letters


def rename(text, k):
    if k == 0 or not text:
        return text
    tag = suffix(k)
    return WORD.sub(lambda m: m.group() if m.group().lower() in FUNCTION_WORDS else m.group() + tag, text)


def synth_date(r, k, shift_days):
    if r["date"]:
        d = datetime.date.fromisoformat(r["date"])
    else:
        d = UNDATED_BASE + datetime.timedelta(days=r["pos"] * UNDATED_SPREAD_DAYS // r["set_size"])
    return (d + datetime.timedelta(days=k * shift_days)).isoformat()


def generate(n, shift_days=SHIFT_DAYS):
    pool = load_pool()
    rows = []
    for k in range(math.ceil(n / len(pool))):
        for r in pool[: n - len(rows)]:
            rows.append({
                "id": f"{r['id']}#{k}",
                "title": rename(r["title"], k),
                "text": rename(r["text"], k),
                "source": r["source"],
                "date": synth_date(r, k, shift_days),
                "story": f"{r['story']}#{k}",
            })
    rows.sort(key=lambda r: r["date"])  # stable: same-day articles keep pool order
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--shift-days", type=int, default=SHIFT_DAYS)
    args = ap.parse_args()
    n, out = args.n, args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for r in generate(n, args.shift_days):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(out)  # a killed run must not leave a truncated corpus that looks finished


if __name__ == "__main__":
    main()
