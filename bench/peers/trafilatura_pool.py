#!/usr/bin/env python3
"""Python trafilatura peer for the ingest benchmark, on several processes.

Reads every page in DIR/*.html* (gzipped or not) into memory, then extracts
the main text of each with trafilatura (comments off, as in
trafilatura_extract.py) on a multiprocessing Pool of --procs workers
(forked, so the pages are not pickled; only the texts come back). With
--procs 1 it runs in this process, without a pool. Prints JSON with pages,
seconds, pages_per_sec, procs, empty (pages with no text) and text_bytes.
"""
import argparse
import gzip
import json
import multiprocessing as mp
import pathlib
import time

import trafilatura

PAGES: list = []


def load(directory: str) -> list:
    pages = []
    for path in sorted(pathlib.Path(directory).glob("*.html*")):
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        pages.append(raw.decode("utf-8", errors="replace"))
    return pages


def extract(i: int) -> str:
    return trafilatura.extract(PAGES[i], include_comments=False) or ""


def main() -> None:
    global PAGES
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", required=True, help="directory of *.html or *.html.gz pages")
    ap.add_argument("--procs", type=int, default=2)
    args = ap.parse_args()

    PAGES = load(args.dir)
    n = len(PAGES)
    start = time.perf_counter()
    if args.procs <= 1:
        bodies = [extract(i) for i in range(n)]
    else:
        ctx = mp.get_context("fork")
        with ctx.Pool(args.procs) as pool:
            bodies = pool.map(extract, range(n), chunksize=8)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "pages": n,
        "procs": args.procs,
        "seconds": seconds,
        "pages_per_sec": n / seconds,
        "empty": sum(1 for b in bodies if not b),
        "text_bytes": sum(len(b.encode("utf-8")) for b in bodies),
        "trafilatura": trafilatura.__version__,
    }, indent=2))


if __name__ == "__main__":
    main()
