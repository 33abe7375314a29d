#!/usr/bin/env python3
"""A second spin/stitch generator, written apart from make_spin_set.py's word
lists and stitching rules, so the figures do not only measure agreement with
one spinner (issue 20).

It keeps make_spin_set.py's sampling of stories, kinds, dates and labels (same
command line, same output files) and replaces the two things a detector could
learn by heart:

- the spinner's dictionary: ALT_ENTITY and ALT_PHRASE below, written for this
  generator from what article spinners are known to do (long official names,
  thesaurus swaps of everyday news words, idioms broken word by word). It
  imports neither bench/spin/spin_lexicon.py nor the detector's lists;
- the stitching: paragraphs are runs of whole sentences from two to four
  reports of the story, alternated, with no cut sentences, no glued
  sentences and no connectives added. What remains to see is what stitching
  really leaves: people named before they are introduced, quotations far from
  their speaker, subjects that jump. None of make_spin_set.py's artifacts.

    python3 bench/spin/make_spin_set_alt.py --out target/spin-set-alt [--seed N]
    SPIN_GENERATOR=bench/spin/make_spin_set_alt.py bash bench/spin/score_spin.sh
"""

import os
import re
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_spin_set as base  # noqa: E402

ALT_ENTITY = {
    "UK": ["United Kingdom of Great Britain and Northern Ireland"],
    "Britain": ["Great Britain and Northern Ireland", "the British Isles"],
    "China": ["People's Republic of China", "Middle Kingdom"],
    "Iran": ["Islamic Republic of Iran", "Persia"],
    "Israel": ["State of Israel"],
    "Germany": ["Federal Republic of Germany"],
    "France": ["French Republic"],
    "Japan": ["Land of the Rising Sun", "State of Japan"],
    "India": ["Republic of India"],
    "UN": ["United Nations Organization"],
    "EU": ["European Community"],
    "CIA": ["Central Intelligence Agency"],
    "Pentagon": ["Department of Defense headquarters"],
    "Congress": ["United States Congress"],
    "Microsoft": ["Microsoft Corporation"],
    "Apple": ["Apple Incorporated"],
    "Los Angeles": ["City of Angels"],
    "New York": ["Big Apple"],
    "Indonesia": ["Republic of Indonesia"],
    "Pakistan": ["Islamic Republic of Pakistan"],
}

ALT_PHRASE = {
    "people": ["individuals", "persons", "folks"],
    "killed": ["slain", "murdered"],
    "died": ["perished", "passed away"],
    "police": ["law enforcement", "cops"],
    "president": ["head of state", "chief executive"],
    "attack": ["assault", "onslaught"],
    "attacks": ["assaults", "onslaughts"],
    "officials": ["authorities", "functionaries"],
    "country": ["nation", "land"],
    "city": ["metropolis", "municipality"],
    "company": ["firm", "enterprise"],
    "children": ["youngsters", "kids"],
    "house": ["residence", "dwelling"],
    "home": ["residence", "abode"],
    "reported": ["documented", "conveyed"],
    "announced": ["proclaimed", "declared"],
    "arrested": ["apprehended", "detained"],
    "election": ["poll", "vote"],
    "court": ["tribunal"],
    "hospital": ["infirmary", "medical facility"],
    "fire": ["blaze", "inferno"],
    "earthquake": ["tremor", "quake"],
    "troops": ["soldiers", "forces"],
    "wife": ["spouse"],
    "husband": ["spouse"],
    "team": ["squad", "side"],
    "game": ["match", "contest"],
    "victory": ["triumph"],
    "car": ["automobile", "vehicle"],
    "money": ["funds", "cash"],
    "help": ["aid", "assist"],
    "big": ["large", "huge"],
    "small": ["little", "tiny"],
    "important": ["crucial", "vital"],
    "hard": ["difficult", "tough"],
    "quickly": ["rapidly", "swiftly"],
    "began": ["commenced", "started"],
    "start": ["commence", "begin"],
    "end": ["conclusion", "finish"],
    "show": ["exhibit", "display"],
    "leader": ["chief", "head"],
    "government": ["administration", "regime"],
    "statement": ["declaration", "pronouncement"],
    "spokesman": ["representative", "mouthpiece"],
    "spokeswoman": ["representative"],
    "injured": ["wounded", "harmed"],
    "crash": ["collision", "smash"],
    "deal": ["agreement", "bargain"],
    "talks": ["negotiations", "discussions"],
    "tuesday": ["tuesday"],
    "at least": ["at the very least", "no less than"],
    "on the other hand": ["on the flip side"],
    "in the end": ["ultimately", "finally"],
    "prime minister": ["premier", "first minister"],
    "health care": ["healthcare services", "medical care"],
    "stock market": ["share market", "equity market"],
    "heart attack": ["cardiac arrest", "coronary"],
    "death toll": ["fatality count", "loss of life tally"],
    "rescue workers": ["rescuers", "relief workers"],
    "news conference": ["media briefing", "press briefing"],
    "top": ["leading", "foremost"],
    "record": ["document", "file"],
    "major": ["significant", "key"],
    "several": ["numerous", "various"],
    "many": ["numerous", "plenty of"],
}
ALT_PHRASE.pop("tuesday")

base.ENTITY, base.PHRASE = ALT_ENTITY, ALT_PHRASE
base._ENTITY_ALT = base._key_regex(ALT_ENTITY)
base._PHRASE_ALT = base._key_regex(ALT_PHRASE)
base.SPIN_RE = re.compile(
    r"(?:(?P<art>\b[Aa]n?)(?P<sp>\s+))?"
    r"(?:(?<![\w\-.])(?P<ent>" + base._ENTITY_ALT + r")(?![\w\-])"
    r"|(?<![\w\-])(?P<phr>(?i:" + base._PHRASE_ALT + r"))(?![\w\-]))"
)
base._ENT_LOOKUP = {re.sub(r"\s+", " ", k): v for k, v in ALT_ENTITY.items()}
base._PHR_LOOKUP = {re.sub(r"\s+", " ", k): v for k, v in ALT_PHRASE.items()}


def stitch_plain(docs, rng):
    """Runs of two to four whole sentences from each report in turn, one or two
    sentences to a paragraph, no repeats; nothing cut, glued or added."""
    pools = [[s for p in d["paras"] for s in p] for d in docs]
    cursor = [rng.randrange(max(1, len(p) // 4)) for p in pools]
    seen = set()
    paras, turn, budget = [], 0, rng.randint(10, 22)
    stalls = 0
    while budget > 0 and stalls < len(docs) * 2:
        si = turn % len(docs)
        turn += 1
        run = rng.randint(2, 4)
        taken = []
        while run > 0 and cursor[si] < len(pools[si]):
            s = pools[si][cursor[si]]
            cursor[si] += 1
            k = " ".join(base.words(s))
            if k in seen:
                continue
            seen.add(k)
            taken.append({"text": s, "src": docs[si]["id"], "glue": False, "mod": None})
            run -= 1
        if not taken:
            stalls += 1
            continue
        budget -= len(taken)
        while taken:
            n = rng.choice([1, 2, 2])
            paras.append(taken[:n])
            taken = taken[n:]
    return paras, Counter()


base.stitch = stitch_plain

if __name__ == "__main__":
    base.main()
