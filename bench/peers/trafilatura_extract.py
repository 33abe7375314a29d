#!/usr/bin/env python3
"""Python trafilatura peer for the extraction benchmark.

Extracts the main text of every page in DATA/html/*.html.gz with
trafilatura (comments off), writes {"id","body"} JSONL for score.py and
prints JSON with pages, seconds and pages_per_sec (one process, pages
already in memory).
"""
import argparse
import gzip
import json
import pathlib
import time

import trafilatura


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True, help="benchmark directory holding html/")
    ap.add_argument("--out", default="pred-trafilatura.jsonl")
    args = ap.parse_args()

    pages = []
    for path in sorted(pathlib.Path(args.data, "html").glob("*.html*")):
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        pid = path.name.split(".html")[0]
        pages.append((pid, raw.decode("utf-8", errors="replace")))

    start = time.perf_counter()
    bodies = []
    for _, html in pages:
        text = trafilatura.extract(html, include_comments=False) or ""
        bodies.append(text)
    seconds = time.perf_counter() - start

    with open(args.out, "w", encoding="utf-8") as f:
        for (pid, _), body in zip(pages, bodies):
            f.write(json.dumps({"id": pid, "body": body}, ensure_ascii=False) + "\n")
    print(json.dumps({
        "pages": len(pages),
        "seconds": seconds,
        "pages_per_sec": len(pages) / seconds,
        "trafilatura": trafilatura.__version__,
        "out": args.out,
    }, indent=2))


if __name__ == "__main__":
    main()
