#!/usr/bin/env python3
"""Python trafilatura peer for the extraction benchmark.

Extracts the main text of every page in DATA/html/*.html[.gz] with
trafilatura (comments off), writes {"id","body"} JSONL for the scorers and
prints JSON with pages, seconds and pages_per_sec (one process, pages
already in memory).

Pages are handed over as bytes, so trafilatura detects their encoding
itself (extraction_web has pages in legacy encodings). With --out-title a
second file gets the title (trafilatura's metadata) on the first line of
each body, the form the extraction_web gold expects; the timed call is
then bare_extraction with metadata, whose text is what extract() returns.
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
    ap.add_argument("--out-title", help="also write title + text bodies here")
    args = ap.parse_args()

    pages = []
    for path in sorted(pathlib.Path(args.data, "html").glob("*.html*")):
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        pid = path.name.split(".html")[0]
        pages.append((pid, raw))

    start = time.perf_counter()
    bodies, titled = [], []
    for _, html in pages:
        if args.out_title:
            doc = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
            text = (doc.text if doc else "") or ""
            title = (doc.title if doc else "") or ""
            bodies.append(text)
            titled.append(f"{title}\n\n{text}" if title else text)
        else:
            bodies.append(trafilatura.extract(html, include_comments=False) or "")
    seconds = time.perf_counter() - start

    outputs = [(args.out, bodies)] + ([(args.out_title, titled)] if args.out_title else [])
    for out, texts in outputs:
        with open(out, "w", encoding="utf-8") as f:
            for (pid, _), body in zip(pages, texts):
                f.write(json.dumps({"id": pid, "body": body}, ensure_ascii=False) + "\n")
    print(json.dumps({
        "pages": len(pages),
        "empty": sum(1 for b in bodies if not b),
        "seconds": seconds,
        "pages_per_sec": len(pages) / seconds,
        "trafilatura": trafilatura.__version__,
        "out": args.out,
    }, indent=2))


if __name__ == "__main__":
    main()
