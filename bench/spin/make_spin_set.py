#!/usr/bin/env python3
"""Build the labelled spin/stitch evaluation set for Storyline (stdlib only, deterministic).

Reads the story sets in $STORYLINE_SHARED/data/{ecbplus,duc2004,multinews}/articles.jsonl
and the seed articles in $STORYLINE_SHARED/seeds/, and writes to --out (default
target/spin-set/, never a tracked folder: the texts have research licences):

  sources.jsonl  original articles (clean), ids src-<original id>
  derived.jsonl  articles derived from them, in five kinds (+ the two seeds)
  labels.jsonl   {"id", "kind", "spun", "stitched", "sources", "sentence_sources", ...}
  manifest.json  counts and parameters

Kinds: clean-copy, clean-rewrite, spun, stitched, spun-stitched (see README.md).
The spinner dictionary is this benchmark's own (spin_lexicon.py).
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spin_lexicon import ENTITY, PHRASE  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from shared import shared  # noqa: E402  (one place says where the data are)

KINDS = ["clean-copy", "clean-rewrite", "spun", "stitched", "spun-stitched"]
SETS = ["ecbplus", "duc2004", "multinews"]
# stories per kind and set (DUC has only 50 stories)
PER_SET = {"ecbplus": 50, "duc2004": 40, "multinews": 60}
FALLBACK_DATE = "2020-01-01"

# --------------------------------------------------------------------------- sentences

ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "st", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "no", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "rev", "adm",
    "cmdr", "maj", "pres", "supt", "det", "insp", "gens", "reps", "sens", "messrs", "ave",
    "blvd", "rd", "approx", "dept", "univ", "assn", "bros", "calif", "fla", "ill", "mass",
    "mich", "minn", "penn", "tenn", "tex", "wash", "wis", "ariz", "colo", "conn", "ga", "ky",
    "la", "md", "mo", "nev", "okla", "ore", "pa", "va", "vt", "no", "nos", "fig", "e.g", "i.e",
}
STARTERS = {
    "The", "He", "She", "It", "They", "We", "I", "But", "In", "A", "An", "This", "That",
    "There", "His", "Her", "Their", "On", "At", "And", "As", "After", "When", "If", "Its",
    "Officials", "Police", "Some", "Many", "One", "Two", "Mr.", "Mrs.", "Ms.", "Dr.",
}
_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+)")


def split_sentences(par):
    """A small rule-based splitter: split after . ! ? (plus closing quotes) followed by space
    and a capital, digit or opening quote, except after abbreviations and initials."""
    out, start = [], 0
    for m in _END.finditer(par):
        end = m.end()
        rest = par[end:].lstrip()
        if not rest:
            continue
        nxt = rest[0]
        if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'\u201c\u2018(["):
            continue
        if m.group(0)[0] == ".":
            before = par[start:m.start()]
            tok = before.split()[-1] if before.split() else ""
            tok_l = tok.lower().lstrip("(\"'\u201c")
            if tok_l in ABBREV:
                continue
            if re.fullmatch(r"[A-Za-z]", tok_l):  # initial "J."
                continue
            if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", tok_l):  # "U.S." "a.m."
                nw = rest.split()[0] if rest.split() else ""
                if nw not in STARTERS:
                    continue
        out.append(par[start:end].strip())
        start = end
    tail = par[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def words(s):
    return re.findall(r"\w+", s.lower())


def shingles(text, n=5):
    w = words(text)
    return {tuple(w[i:i + n]) for i in range(max(0, len(w) - n + 1))}


def containment(a, b):
    """share of a's 5-gram shingles found in b (sets)."""
    if not a:
        return 0.0
    return len(a & b) / len(a)


# --------------------------------------------------------------------------- loading

BOILER = re.compile(
    r"Alexa Internet|Wayback Machine|Tweet with a location|404|javascript|cookies|"
    r"Sign up for|Subscribe|page you requested|log in|All rights reserved",
    re.I,
)


def load(shared, rng):
    arts = []
    seen = set()
    for name in SETS:
        path = os.path.join(shared, "data", name, "articles.jsonl")
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                key = hashlib.sha1(r["text"].encode()).hexdigest()
                if key in seen:  # DUC: 11 documents sit in two clusters
                    continue
                seen.add(key)
                r["set"] = name
                paras = [p.strip() for p in r["text"].split("\n\n") if p.strip()]
                if name == "duc2004":
                    # one paragraph per document: regroup its sentences in 2-3s
                    sents = [s for p in paras for s in split_sentences(p)]
                    arng = random.Random("duc-paras-" + r["id"])
                    paras, i = [], 0
                    while i < len(sents):
                        k = arng.choice([2, 2, 3])
                        paras.append(" ".join(sents[i:i + k]))
                        i += k
                r["paras"] = [split_sentences(p) for p in paras]
                r["paras"] = [p for p in r["paras"] if p]
                r["text"] = "\n\n".join(" ".join(p) for p in r["paras"])
                nsent = sum(len(p) for p in r["paras"])
                nw = len(r["text"].split())
                r["usable"] = nw >= 100 and nsent >= 5 and not BOILER.search(r["text"][:3000])
                r["shingles"] = shingles(r["text"])
                arts.append(r)
    return arts


def title_of(r):
    if r.get("title"):
        return r["title"]
    first = r["paras"][0][0]
    w = first.split()
    t = " ".join(w[:12]).rstrip(".,;:\"'\u201d")
    return t


# --------------------------------------------------------------------------- spinning

def _key_regex(keys):
    keys = sorted(keys, key=len, reverse=True)
    alt = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys)
    return alt


_ENTITY_ALT = _key_regex(ENTITY)
_PHRASE_ALT = _key_regex(PHRASE)
SPIN_RE = re.compile(
    r"(?:(?P<art>\b[Aa]n?)(?P<sp>\s+))?"
    r"(?:(?<![\w\-.])(?P<ent>" + _ENTITY_ALT + r")(?![\w\-])"
    r"|(?<![\w\-])(?P<phr>(?i:" + _PHRASE_ALT + r"))(?![\w\-]))"
)
_ENT_LOOKUP = {re.sub(r"\s+", " ", k): v for k, v in ENTITY.items()}
_PHR_LOOKUP = {re.sub(r"\s+", " ", k): v for k, v in PHRASE.items()}


def _vowel_sound(w):
    wl = w.lower()
    if re.match(r"(uni|use|usa|eu|one|once|u\.)", wl):
        return False
    if re.match(r"(hour|honest|honou?r|heir)", wl):
        return True
    return wl[:1] in "aeiou"


def _at_sentence_start(s, pos):
    before = s[:pos].rstrip()
    return before == "" or before[-1] in ".!?\"\u201c\u201d:"


def spin_candidates(text):
    """Number of replaceable occurrences (what the spin rate refers to)."""
    n = 0
    for m in SPIN_RE.finditer(text):
        if m.group("ent") is not None:
            n += 1
        else:
            w = m.group("phr")
            if w[0].isupper() and not (w[0].upper() + w[1:].lower() == w and _at_sentence_start(text, m.start("phr"))):
                continue
            n += 1
    return n


class Spinner:
    def __init__(self, rng, rate, p_fix_article=0.35):
        self.rng = rng
        self.rate = rate
        self.p_fix = p_fix_article
        self.log = []  # (original, replacement)
        self.candidates = 0
        self.broken_articles = 0

    def _sub(self, m):
        s = m.string
        art, sp = m.group("art"), m.group("sp") or ""
        if m.group("ent") is not None:
            orig = m.group("ent")
            key = re.sub(r"\s+", " ", orig)
            choices = _ENT_LOOKUP[key]
            cap = None
        else:
            orig = m.group("phr")
            key = re.sub(r"\s+", " ", orig.lower())
            choices = _PHR_LOOKUP[key]
            if orig[0].isupper():
                # capitalised: only at a sentence start and in plain Capitalised form
                plain = orig[0] + orig[1:].lower() == orig
                if not (plain and _at_sentence_start(s, m.start("phr"))):
                    return m.group(0)
                cap = True
            else:
                cap = False
        self.candidates += 1
        if self.rng.random() >= self.rate:
            return m.group(0)
        rep = self.rng.choice(choices)
        if cap:
            rep = rep[0].upper() + rep[1:]
        self.log.append((orig, rep))
        if art is None:
            return rep
        want_an = _vowel_sound(rep)
        has_an = art.lower() == "an"
        if want_an != has_an:
            if self.rng.random() < self.p_fix:
                new = "an" if want_an else "a"
                art = new[0].upper() + new[1:] if art[0].isupper() else new
            else:
                self.broken_articles += 1  # "an global", as spinners leave it
        return art + sp + rep

    def spin(self, text):
        return SPIN_RE.sub(self._sub, text)


# --------------------------------------------------------------------------- stitching

CONNECTIVES = ["But", "However,", "Rather,", "Still,", "Instead,", "Meanwhile,", "Yet",
               "Even so,", "In contrast,", "That said,", "Nevertheless,", "Also,"]
CONNECTIVE_RE = re.compile(
    r"^(But|However|Rather|Still|Instead|Meanwhile|Yet|Even so|In contrast|That said|"
    r"Nevertheless|Also|And|So|Moreover|Besides|Otherwise|Indeed|Thus|Therefore|Nonetheless|"
    r"On the other hand|By contrast|In addition|Then again)\b"
)
LOWERABLE = {"The", "A", "An", "This", "That", "These", "Those", "It", "He", "She", "They",
             "We", "In", "On", "At", "For", "Some", "Many", "Most", "There", "His", "Her",
             "Their", "Its", "One", "Two", "After", "When", "While", "As", "If"}


def prepend_connective(sent, rng):
    c = rng.choice(CONNECTIVES)
    w = sent.split(" ", 1)
    first = w[0]
    if first in LOWERABLE:
        first = first.lower()
    return c + " " + first + (" " + w[1] if len(w) > 1 else "")


def make_fragment(sent, rng):
    """Cut a sentence: keep the tail after a comma / hyphen / mid-clause word, or the head
    up to a comma. Returns (fragment, how) or None if the sentence is too short."""
    w = sent.split()
    if len(w) < 10:
        return None
    opts = []
    commas = [m.start() for m in re.finditer(r", ", sent) if 15 < m.start() < len(sent) - 25]
    hyph = [m.start() for m in re.finditer(r"(?<=[A-Za-z.])-(?=[A-Z])", sent) if m.start() < len(sent) - 25]
    if commas:
        opts += ["tail-comma", "head-comma"]
    if hyph:
        opts.append("tail-hyphen")
    opts.append("tail-mid")
    how = rng.choice(opts)
    if how == "tail-comma":
        c = rng.choice(commas)
        return sent[c + 2:], how
    if how == "head-comma":
        c = rng.choice(commas)
        return sent[:c] + ".", how
    if how == "tail-hyphen":
        h = rng.choice(hyph)
        return sent[h:], how  # "-Russian relations to ..."
    k = rng.randint(max(3, len(w) // 3), max(3, (2 * len(w)) // 3))
    return " ".join(w[k:]), how


MIN_REPLACEMENTS = 3


def spin_paras(rng, rate, paras, title):
    """Spin every unit and the title at `rate`; redraw (same rate) until at least
    MIN_REPLACEMENTS were made, up to 8 tries, so that every spun article is spun."""
    best = None
    for _ in range(8):
        sp = Spinner(rng, rate)
        new = [[dict(u, text=sp.spin(u["text"])) for u in p] for p in paras]
        t = sp.spin(title)
        if best is None or len(sp.log) > len(best[0].log):
            best = (sp, new, t)
        if len(sp.log) >= MIN_REPLACEMENTS:
            break
    return best


def stitch(docs, rng):
    """docs: list of source article dicts (2-4, same story). Returns (paragraphs, artifacts)
    where paragraphs is a list of lists of units {"text", "src", "glue"} and artifacts
    counts what was injected."""
    pools = []
    for d in docs:
        units = []
        for pi, p in enumerate(d["paras"]):
            for si, s in enumerate(p):
                units.append((pi, si, s))
        pools.append(units)
    n_par = rng.randint(7, 14)
    # each source contributes at least 2 paragraphs; order of sources interleaved
    order = []
    for i in range(len(docs)):
        order += [i, i]
    while len(order) < n_par:
        order.append(rng.randrange(len(docs)))
    rng.shuffle(order)
    # per source, walk forward through its sentences from a random start, as a farm
    # skimming several reports would
    cursor = [rng.randrange(max(1, len(p) // 3)) for p in pools]
    used = [set() for _ in pools]
    seen = set()  # normalised sentences already in the article

    def fresh(t):
        k = " ".join(words(t))
        if k in seen:
            return False
        seen.add(k)
        return True

    paras = []
    for si in order:
        pool = pools[si]
        k = rng.choice([1, 1, 2, 2, 3])
        par = []
        for _ in range(k):
            if cursor[si] >= len(pool):
                free = [j for j in range(len(pool)) if j not in used[si]]
                if not free:
                    break
                cursor[si] = rng.choice(free)
            j = cursor[si]
            used[si].add(j)
            cursor[si] = j + 1 + (rng.random() < 0.35) * rng.randint(1, 3)
            if not fresh(pool[j][2]):
                continue
            par.append({"text": pool[j][2], "src": docs[si]["id"], "glue": False, "mod": None})
        if par:
            if rng.random() < 0.2 and paras:
                # mix: a sentence from another source inside this paragraph
                o = rng.randrange(len(docs))
                if o != si and pools[o]:
                    j = rng.randrange(len(pools[o]))
                    used[o].add(j)
                    if fresh(pools[o][j][2]):
                            par.insert(rng.randrange(len(par) + 1),
                                   {"text": pools[o][j][2], "src": docs[o]["id"], "glue": False, "mod": None})
            paras.append(par)
    artifacts = Counter()
    # artifacts: each type present with some probability; some articles get none
    want_frag = rng.random() < 0.6
    want_conn = rng.random() < 0.6
    want_glue = rng.random() < 0.5
    if want_frag:
        for _ in range(rng.choice([1, 1, 2])):
            pi = rng.randrange(len(paras))
            ui = rng.randrange(len(paras[pi]))
            u = paras[pi][ui]
            fr = make_fragment(u["text"], rng)
            if fr:
                u["text"], u["mod"] = fr[0], "fragment-" + fr[1]
                artifacts["fragment"] += 1
    if want_conn and len(paras) > 1:
        # prefer a real source sentence that opens with a connective, moved to open a
        # paragraph; else prepend one
        done = False
        for d_i, pool in enumerate(pools):
            cands = [j for j in range(len(pool))
                     if CONNECTIVE_RE.match(pool[j][2]) and (pool[j][0] > 0 or pool[j][1] > 0)
                     and " ".join(words(pool[j][2])) not in seen]
            if cands and rng.random() < 0.7:
                j = rng.choice(cands)
                fresh(pool[j][2])
                pi = rng.randrange(1, len(paras))
                paras[pi].insert(0, {"text": pool[j][2], "src": docs[d_i]["id"], "glue": False,
                                     "mod": "connective-moved"})
                artifacts["connective"] += 1
                done = True
                break
        if not done:
            pi = rng.randrange(1, len(paras))
            u = paras[pi][0]
            if not CONNECTIVE_RE.match(u["text"]):
                u["text"], u["mod"] = prepend_connective(u["text"], rng), "connective-added"
                artifacts["connective"] += 1
    if want_glue:
        multi = [p for p in paras if len(p) > 1]
        for _ in range(rng.choice([1, 1, 2])):
            if not multi:
                break
            p = rng.choice(multi)
            ui = rng.randrange(1, len(p))
            if p[ui - 1]["text"].rstrip()[-1:] in ".!?" and not p[ui]["glue"]:
                p[ui]["glue"] = True
                artifacts["glued"] += 1
    return paras, artifacts


def render(paras):
    out = []
    for p in paras:
        s = ""
        for u in p:
            if s and not u["glue"]:
                s += " "
            s += u["text"]
        out.append(s)
    return "\n\n".join(out)


def units_of(doc):
    return [[{"text": s, "src": doc["id"], "glue": False, "mod": None} for s in p] for p in doc["paras"]]


# --------------------------------------------------------------------------- building

def add_days(date, n):
    d = dt.date.fromisoformat(date)
    return (d + dt.timedelta(days=n)).isoformat()


FOOTERS = ["Follow us for more updates.", "Share this article with your friends.",
           "Stay tuned for more news.", "Read more stories like this on our homepage."]
CREDITS = ["This story was first published by {src}.", "This article originally appeared on {src}.",
           "Originally published by {src}. Republished with permission."]


def slug(title):
    s = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return "-".join(s.split("-")[:8]) or "story"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="target/spin-set")
    ap.add_argument("--shared", default=str(shared()))
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--per-kind", type=int, default=150,
                    help="derived articles per kind (stories per set scaled from 50/40/60)")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    arts = load(args.shared, rng)
    by_id = {a["id"]: a for a in arts}
    stories = defaultdict(list)
    for a in arts:
        if a["usable"]:
            stories[(a["set"], a["story"])].append(a["id"])
    scale = args.per_kind / 150.0
    per_set = {k: max(1, round(v * scale)) for k, v in PER_SET.items()}

    usage = Counter()        # times an article has been used as a source
    reserved = set()         # articles published as clean rewrites: never sources
    sources = {}             # id -> article
    derived, labels = [], []
    farm_counter = Counter()

    def story_pick(kind, need):
        """stories for a kind: per set, those with >= need unreserved usable articles,
        shuffled; yields until the set's quota of successes (the caller sends True) is met."""
        for name in SETS:
            cands = sorted(k for k in stories if k[0] == name
                           and sum(1 for i in stories[k] if i not in reserved) >= need)
            krng = random.Random(f"{args.seed}-{kind}-{name}")
            krng.shuffle(cands)
            done = 0
            for c in cands:
                if done >= per_set[name]:
                    break
                n0 = len(derived)
                yield c
                done += len(derived) > n0

    def pick_docs(story, n, krng, exclude=()):
        """n least-used, mutually dissimilar, unreserved articles of a story."""
        rw = [j for j in stories[story] if j in reserved]
        ids = [i for i in stories[story] if i not in reserved and i not in exclude
               and all(containment(by_id[i]["shingles"], by_id[j]["shingles"]) < 0.5 and
                       containment(by_id[j]["shingles"], by_id[i]["shingles"]) < 0.5 for j in rw)]
        krng.shuffle(ids)
        ids.sort(key=lambda i: usage[i])
        out = []
        for i in ids:
            if all(containment(by_id[i]["shingles"], by_id[j]["shingles"]) < 0.5 and
                   containment(by_id[j]["shingles"], by_id[i]["shingles"]) < 0.5 for j in out):
                out.append(i)
            if len(out) == n:
                break
        return out

    def emit(kind, krng, src_ids, title, paras, spun, stitched, extra):
        for i in src_ids:
            usage[i] += 1
            sources[i] = by_id[i]
        src_dates = [by_id[i].get("date") or FALLBACK_DATE for i in src_ids]
        date = add_days(max(src_dates), krng.randint(1, 14))
        n = len(derived)
        farm = krng.randint(1, 24)
        farm_counter[farm] += 1
        did = "d-" + hashlib.sha1(f"{args.seed}-{kind}-{n}-{'+'.join(src_ids)}".encode()).hexdigest()[:12]
        text = render(paras)
        if krng.random() < 0.25:
            text += "\n\n" + krng.choice(FOOTERS)
        ss, idx = [], 0
        for p in paras:
            for u in p:
                if u["src"] is not None:
                    ss.append([idx, "src-" + u["src"]])
                idx += 1
        derived.append({
            "id": did, "title": title, "text": text, "source": f"contentfarm{farm}.example",
            "date": date, "url": f"https://contentfarm{farm}.example/{date[:4]}/{slug(title)}-{did[2:8]}",
        })
        lab = {"id": did, "kind": kind, "spun": spun, "stitched": stitched,
               "sources": ["src-" + i for i in src_ids], "set": by_id[src_ids[0]]["set"],
               "story": by_id[src_ids[0]]["story"], "sentence_sources": ss}
        lab.update(extra)
        labels.append(lab)
        return derived[-1]

    # --- clean-rewrite first, so that the rewrites are reserved before sources are chosen
    for story in story_pick("clean-rewrite", 2):
        krng = random.Random(f"{args.seed}-rw-{story}")
        ids = [i for i in stories[story] if i not in reserved and usage[i] == 0]
        if len(ids) < 2:
            continue
        krng.shuffle(ids)
        # the least similar pair: a different report, not a write-through of the same one
        best = None
        for a in ids:
            for b in ids:
                if a == b:
                    continue
                c = max(containment(by_id[b]["shingles"], by_id[a]["shingles"]),
                        containment(by_id[a]["shingles"], by_id[b]["shingles"]))
                if best is None or c < best[0]:
                    best = (c, a, b)
        c, a, b = best
        if c > 0.5:
            continue
        reserved.add(b)
        doc = by_id[b]
        emit("clean-rewrite", krng, [a], title_of(doc), units_of(doc), False, False,
             {"rewrite_of": "orig:" + b, "overlap_with_source": round(c, 3)})
        # the rewrite's sentences are its own, not the source's
        labels[-1]["sentence_sources"] = []

    # --- clean-copy
    for story in story_pick("clean-copy", 1):
        krng = random.Random(f"{args.seed}-cc-{story}")
        got = pick_docs(story, 1, krng)
        if not got:
            continue
        doc = by_id[got[0]]
        paras = units_of(doc)
        t = title_of(doc)
        r = krng.random()
        title = t if r < 0.4 else (t + " | " + krng.choice(["World News", "Latest", "Breaking"]) if r < 0.7
                                   else title_of({"title": None, "paras": doc["paras"]}))
        credit = None
        if krng.random() < 0.5:
            credit = krng.choice(CREDITS).format(src=doc.get("source") or "wire.example")
            paras = paras + [[{"text": credit, "src": None, "glue": False, "mod": "credit"}]]
        emit("clean-copy", krng, got, title, paras, False, False, {"credit_line": credit is not None})

    # --- spun
    spin_stats = []
    for story in story_pick("spun", 1):
        krng = random.Random(f"{args.seed}-sp-{story}")
        cands = pick_docs(story, 3, krng)
        cands = sorted(cands, key=lambda i: spin_candidates(by_id[i]["text"]) < 20)
        if not cands:
            continue
        doc = by_id[cands[0]]
        rate = round(krng.uniform(0.10, 0.40), 3)
        sp, paras, title = spin_paras(krng, rate, units_of(doc), title_of(doc))
        emit("spun", krng, [doc["id"]], title, paras, True, False,
             {"spin_rate": rate, "spin_candidates": sp.candidates, "spin_replacements": len(sp.log),
              "broken_articles": sp.broken_articles, "spin_log": sp.log})
        spin_stats.append(len(sp.log))

    # --- stitched and spun-stitched
    for kind in ["stitched", "spun-stitched"]:
        for story in story_pick(kind, 2):
            krng = random.Random(f"{args.seed}-{kind}-{story}")
            n = min(len(stories[story]), krng.choice([2, 3, 3, 4]))
            got = pick_docs(story, n, krng)
            if len(got) < 2:
                continue
            docs = [by_id[i] for i in got]
            paras, artifacts = stitch(docs, krng)
            title = title_of(docs[krng.randrange(len(docs))])
            extra = {"artifacts": dict(artifacts),
                     "stitch_mods": [[i, u["mod"]] for i, u in enumerate(x for p in paras for x in p) if u["mod"]]}
            spun = kind == "spun-stitched"
            if spun:
                rate = round(krng.uniform(0.10, 0.40), 3)
                sp, paras, title = spin_paras(krng, rate, paras, title)
                extra.update({"spin_rate": rate, "spin_candidates": sp.candidates,
                              "spin_replacements": len(sp.log), "broken_articles": sp.broken_articles,
                              "spin_log": sp.log})
            used_src = sorted({u["src"] for p in paras for u in p})
            emit(kind, krng, used_src, title, paras, spun, True, extra)

    # --- the two seeds: spun and stitched, sources unknown
    seed_dir = os.path.join(args.shared, "seeds")
    for fn in sorted(os.listdir(seed_dir)):
        raw = open(os.path.join(seed_dir, fn), encoding="utf-8").read()
        lines = raw.strip("\n").split("\n")
        title = lines[0].strip()
        body = "\n".join(lines[1:]).strip()
        author = None
        m = re.search(r"\n\s*\u2022\s*(.+)\s*$", body)
        if m:
            author = m.group(1).strip()
            body = body[:m.start()].rstrip()
        paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        sid = "seed-" + os.path.splitext(fn)[0]
        rec = {"id": sid, "title": title, "text": "\n\n".join(paras), "source": "seedfarm.example",
               "date": "2017-04-14", "url": f"https://seedfarm.example/{slug(title)}"}
        if author:
            rec["author"] = author
        derived.append(rec)
        labels.append({"id": sid, "kind": "seed", "spun": True, "stitched": True, "sources": [],
                       "set": "seed", "story": "seed-tillerson-moscow-2017", "sentence_sources": []})

    # --- write, in a shuffled order so kinds interleave
    order = list(range(len(derived)))
    random.Random(f"{args.seed}-order").shuffle(order)
    derived = [derived[i] for i in order]
    labels = [labels[i] for i in order]
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "sources.jsonl"), "w", encoding="utf-8") as f:
        for i in sorted(sources):
            a = sources[i]
            f.write(json.dumps({"id": "src-" + i, "title": title_of(a), "text": a["text"],
                                "source": a.get("source") or "wire.example",
                                "date": a.get("date") or FALLBACK_DATE,
                                "url": f"https://wire.example/src-{i}"}, ensure_ascii=False) + "\n")
    with open(os.path.join(args.out, "derived.jsonl"), "w", encoding="utf-8") as f:
        for d in derived:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    with open(os.path.join(args.out, "labels.jsonl"), "w", encoding="utf-8") as f:
        for lab in labels:
            f.write(json.dumps(lab, ensure_ascii=False) + "\n")
    kinds = Counter(l["kind"] for l in labels)
    by_set = Counter((l["kind"], l["set"]) for l in labels)
    manifest = {
        "seed": args.seed, "sources": len(sources), "derived": len(derived),
        "kinds": dict(kinds),
        "kinds_by_set": {f"{k}/{s}": n for (k, s), n in sorted(by_set.items())},
        "spin_replacements_median": sorted(spin_stats)[len(spin_stats) // 2] if spin_stats else 0,
        "artifacts": dict(sum((Counter(l.get("artifacts", {})) for l in labels), Counter())),
        "stitched_without_artifacts": sum(1 for l in labels if l.get("stitched") and l["kind"] != "seed"
                                          and not l.get("artifacts")),
        "lexicon": {"entity": len(ENTITY), "phrase": len(PHRASE)},
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
