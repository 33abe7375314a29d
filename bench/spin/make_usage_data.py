#!/usr/bin/env python3
"""Builds the detector's shipped usage data (crates/storyline/data/):

- thesaurus.txt.gz: WordNet 3.0 synonym groups, one per line, lemmas
  lower-cased and split into words like the detector's tokenizer
  ("Russia|Russian Federation"), names capitalised as WordNet has them. A group is a synset plus, for adjectives,
  the synsets it is similar to (one hop). Read from Debian's `wordnet-base`
  (apt-get install wordnet-base); WordNet's licence allows redistribution
  with its notice, which is shipped beside it (WORDNET-LICENSE).
- usage.txt.gz: document frequencies of words, word pairs and the
  thesaurus' multi-word names in licence-clean text: the ECB+ articles
  (CC BY 3.0, ../shared/data/ecbplus/articles.jsonl) and WordNet's own
  glosses and examples. Lines are "count<TAB>w1 w2 ...". Word pairs seen
  once are left out to keep the file small.

Never feed it DUC, Multi-News, PolNeAR, MSRP or crisis text: their
licences do not allow shipping statistics of them here.

    python3 bench/spin/make_usage_data.py [--shared ../shared] [--wordnet /usr/share/wordnet]
"""

import argparse
import collections
import gzip
import json
import os
import re

TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
POS_FILES = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
MAX_NAME_WORDS = 4


def words(text):
    """The detector's tokens: lower-cased runs of letters and digits,
    joined across inner apostrophes (copies/usage.rs does the same)."""
    return TOKEN.findall(text.lower().replace("\u2019", "'"))


def read_wordnet(root):
    synsets = {}  # (pos, offset) -> (lemmas, similar offsets, gloss)
    for name, pos in POS_FILES.items():
        with open(os.path.join(root, "data." + name), encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                body, _, gloss = line.partition(" | ")
                parts = body.split()
                offset, ss_type = parts[0], parts[2]
                n = int(parts[3], 16)
                lemmas = []
                for i in range(n):
                    lemma = re.sub(r"\(.*\)$", "", parts[4 + 2 * i])
                    # Case is kept: a capitalised lemma is a name.
                    lemmas.append(" ".join(TOKEN.findall(lemma.replace("_", " ").replace("\u2019", "'"))))
                at = 4 + 2 * n
                pointers = int(parts[at])
                similar = []
                for p in range(pointers):
                    sym, off, ppos = parts[at + 1 + 4 * p : at + 4 + 4 * p]
                    # A satellite adjective is joined to its head; a head
                    # is not joined to all its satellites (too broad).
                    if sym == "&" and ss_type == "s":
                        similar.append(("a" if ppos == "s" else ppos, off))
                key = ("a" if ss_type == "s" else pos, offset)
                synsets[key] = ([l for l in lemmas if l], similar, gloss)
    return synsets


def groups(synsets):
    seen = set()
    for key, (lemmas, similar, _) in synsets.items():
        group = list(dict.fromkeys(lemmas))
        for other in similar:
            if other in synsets:
                group += [l for l in synsets[other][0] if l not in group]
        group = [g for g in group if len(g.split()) <= MAX_NAME_WORDS]
        if len(group) < 2:
            continue
        line = "|".join(group)
        if line not in seen:
            seen.add(line)
            yield line


def count_documents(docs, names):
    counts = collections.Counter()
    for doc in docs:
        w = words(doc)
        keys = set(w)
        keys.update(" ".join(p) for p in zip(w, w[1:]))
        for n in range(3, MAX_NAME_WORDS + 1):
            for i in range(len(w) - n + 1):
                gram = " ".join(w[i : i + n])
                if gram in names:
                    keys.add(gram)
        counts.update(keys)
    return counts


def write_gz(path, text):
    # mtime 0: the same input gives the same bytes.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(text.encode("utf-8"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.environ.get("STORYLINE_SHARED", os.path.join(repo, "..", "shared")))
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    ap.add_argument("--out", default=os.path.join(repo, "crates", "storyline", "data"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    synsets = read_wordnet(args.wordnet)
    lines = sorted(groups(synsets))
    write_gz(os.path.join(args.out, "thesaurus.txt.gz"), "".join(line + "\n" for line in lines))
    names = {l.lower() for line in lines for l in line.split("|") if len(l.split()) >= 3}

    docs = []
    with open(os.path.join(args.shared, "data", "ecbplus", "articles.jsonl"), encoding="utf-8") as f:
        for line in f:
            docs.append(json.loads(line)["text"])
    articles = len(docs)
    for _, _, gloss in synsets.values():
        docs.append(gloss)
    counts = count_documents(docs, names)
    kept = sorted(
        ((k, n) for k, n in counts.items() if n >= 2 or " " not in k or k in names),
        key=lambda kv: (-kv[1], kv[0]),
    )
    body = f"{len(docs)}\t#documents\n" + "".join(f"{n}\t{k}\n" for k, n in kept)
    write_gz(os.path.join(args.out, "usage.txt.gz"), body)
    print(json.dumps({"groups": len(lines), "ecbplus_articles": articles, "documents": len(docs), "ngrams": len(kept)}))


if __name__ == "__main__":
    main()
