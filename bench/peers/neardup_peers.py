#!/usr/bin/env python3
"""Near-duplicate peers for bench/neardup.sh: datasketch and rensa.

One configuration per process, so that peak memory (ru_maxrss) belongs to it:

    python neardup_peers.py --system rensa --threshold 0.5 --bands default \
        --corpus target/neardup/corpus.jsonl --truth target/neardup/truth.jsonl

Shingles as Storyline's: lower-cased word 5-grams, words = maximal runs of
letters and digits (`[^\\W_]+`; Python's `\\w` includes `_`), a text shorter
than five words is one shingle of all its words. Timing covers text in memory
to the verified pair list: tokenising, signatures, LSH index, candidates and
verification (estimated Jaccard from the signatures, as these libraries do,
or exact Jaccard of the shingle sets with --verify exact).

--bands default: the library's own band choice for the threshold
(datasketch: MinHashLSH's optimiser; rensa: RMinHashDeduplicator's table).
--bands storyline: 42 bands x 3 rows over 126 permutations, as Storyline.
--bands BxR: any other split.
"""

import argparse
import json
import re
import resource
import sys
import time

WORD = re.compile(r"[^\W_]+")


def shingles(text):
    words = WORD.findall(text.lower())
    if not words:
        return set()
    if len(words) < 5:
        return {" ".join(words)}
    return set(map(" ".join, zip(words, words[1:], words[2:], words[3:], words[4:])))


def sketch_in_chunks(texts, sketch, keep_sets, chunk=1000):
    """Shingles and signatures chunk by chunk, so that the shingle sets of the
    whole corpus are held only when exact verification needs them."""
    t_tok = t_sig = 0.0
    sigs, sets = [], []
    for start in range(0, len(texts), chunk):
        t = time.perf_counter()
        part = [shingles(x) for x in texts[start : start + chunk]]
        t_tok += time.perf_counter() - t
        t = time.perf_counter()
        sigs.extend(sketch(part))
        t_sig += time.perf_counter() - t
        if keep_sets:
            sets.extend(part)
    return sigs, sets, {"shingles": t_tok, "signatures": t_sig}


def rensa_default_bands(threshold, num_perm):
    # RMinHashDeduplicator's table (rensa 0.5, src/inline_dedup/rminhash.rs).
    if threshold >= 0.9:
        b = 4
    elif threshold >= 0.8:
        b = 8
    elif threshold >= 0.7:
        b = 16
    elif threshold >= 0.5:
        b = 32
    else:
        b = max(num_perm // 2, 1)
    while num_perm % b:
        b -= 1
    return b


def exact_jaccard(a, b):
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def run_datasketch(texts, threshold, num_perm, params, verify):
    from datasketch import MinHash, MinHashLSH

    # MinHash.bulk hashes with sha1 and applies the permutations with numpy.
    def sketch(part):
        return MinHash.bulk([[s.encode("utf8") for s in st] for st in part], num_perm=num_perm)

    mhs, sets, phases = sketch_in_chunks(texts, sketch, verify == "exact")
    t = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=params)
    with lsh.insertion_session() as session:
        for i, m in enumerate(mhs):
            session.insert(i, m, check_duplication=False)
    phases["index"] = time.perf_counter() - t
    bands = f"{lsh.b}x{lsh.r}"
    t = time.perf_counter()
    cands = 0
    pairs = []
    for i, m in enumerate(mhs):
        for j in lsh.query(m):
            if j <= i:
                continue
            cands += 1
            if verify == "exact":
                sim = exact_jaccard(sets[i], sets[j])
            else:
                sim = m.jaccard(mhs[j])
            if sim >= threshold:
                pairs.append((i, j))
    phases["candidates + verification"] = time.perf_counter() - t
    return pairs, phases, bands, cands


def run_rensa(texts, threshold, num_perm, bands, verify):
    from rensa import RMinHash, RMinHashLSH

    def sketch(part):
        return RMinHash.from_token_sets(part, num_perm=num_perm, seed=42)

    mhs, sets, phases = sketch_in_chunks(texts, sketch, verify == "exact")
    t = time.perf_counter()
    lsh = RMinHashLSH(threshold, num_perm, bands)
    lsh.insert_many(mhs)
    phases["index"] = time.perf_counter() - t
    t = time.perf_counter()
    cands = 0
    pairs = []
    for i, found in enumerate(lsh.query_all(mhs)):
        m = mhs[i]
        for j in found:
            if j <= i:
                continue
            cands += 1
            if verify == "exact":
                sim = exact_jaccard(sets[i], sets[j])
            else:
                sim = m.jaccard(mhs[j])
            if sim >= threshold:
                pairs.append((i, j))
    phases["candidates + verification"] = time.perf_counter() - t
    return pairs, phases, f"{bands}x{num_perm // bands}", cands


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--system", choices=["datasketch", "rensa"], required=True)
    ap.add_argument("--corpus", default="target/neardup/corpus.jsonl")
    ap.add_argument("--truth", default="target/neardup/truth.jsonl")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--bands", default="default", help="default | storyline | BxR")
    ap.add_argument("--num-perm", type=int, default=None,
                    help="default 128 (126 with --bands storyline)")
    ap.add_argument("--verify", choices=["estimate", "exact"], default="estimate")
    args = ap.parse_args()

    texts = []
    with open(args.corpus, encoding="utf8") as f:
        for line in f:
            d = json.loads(line)
            assert d["id"] == len(texts)
            texts.append(d["text"])
    n = len(texts)

    if args.bands == "storyline":
        b, r = 42, 3
    elif args.bands == "default":
        b = r = None
    else:
        b, r = (int(x) for x in args.bands.lower().split("x"))
    num_perm = args.num_perm or (b * r if b else 128)
    threshold = args.threshold

    t0 = time.perf_counter()
    if args.system == "datasketch":
        params = (b, r) if b else None
        pairs, phases, bands, cands = run_datasketch(texts, threshold, num_perm, params, args.verify)
    else:
        bands_n = b if b else rensa_default_bands(threshold, num_perm)
        pairs, phases, bands, cands = run_rensa(texts, threshold, num_perm, bands_n, args.verify)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    truth = set()
    with open(args.truth, encoding="utf8") as f:
        for line in f:
            d = json.loads(line)
            if d["j"] >= threshold:
                truth.add((min(d["a"], d["b"]), max(d["a"], d["b"])))
    found = set(pairs)
    tp = len(found & truth)
    fp = len(found) - tp
    fn = len(truth) - tp
    print(json.dumps({
        "system": args.system,
        "threshold": threshold,
        "bands": bands + ("" if args.bands != "default" else " (default)"),
        "num_perm": num_perm,
        "verify": args.verify,
        "docs": n,
        "seconds": seconds,
        "docs_per_sec": n / seconds,
        "pairs": len(found),
        "candidates": cands,
        "tp": tp, "fp": fp, "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "peak_rss_mb": peak_mb,
        "phases": phases,
    }))


if __name__ == "__main__":
    sys.exit(main())
