#!/usr/bin/env python3
"""Shows extraction errors on the tuning part of extraction_web, and only there.

Usage:
    python3 bench/extraction/errors.py PRED.jsonl [--web DIR] [--id ID] [--limit N]

For each tuning page with a miss, prints the "with" snippets missing from
the prediction and the "without" snippets found in it, each with a little of
the predicted text around it. Pages of the report part are never shown: that
part is scored by report.py and nobody looks at it while tuning.
"""
import argparse
import gzip
import json
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from report import load_snippet_scorer, part  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pred")
    ap.add_argument("--web", default=str(pathlib.Path(__file__).parents[2] / "../shared/data/extraction_web"))
    ap.add_argument("--id", help="one tuning page only")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--html", action="store_true", help="also show where each snippet sits in the page source")
    args = ap.parse_args()

    web = pathlib.Path(args.web)
    scorer = load_snippet_scorer(web)
    gold = scorer.read_jsonl(web / "gold.jsonl")
    pred = {str(p["id"]): p.get("body") or "" for p in scorer.read_jsonl(args.pred)}
    shown = 0
    for g in gold:
        pid = str(g["id"])
        if part(pid) != "tune" or (args.id and pid != args.id):
            continue
        body = scorer.norm(pred.get(pid, ""))
        missed = [w for w in g["with"] if scorer.norm(w) not in body]
        leaked = [w for w in g["without"] if scorer.norm(w) in body]
        if not missed and not leaked:
            continue
        shown += 1
        if shown > args.limit:
            break
        print(f"=== {pid}  missed {len(missed)}/{len(g['with'])}  leaked {len(leaked)}/{len(g['without'])}"
              f"  body {len(body)} chars")
        for w in missed:
            print(f"  MISS  {w!r}")
            if args.html:
                print(f"        html: {html_context(web, pid, w)}")
        for w in leaked:
            i = body.find(scorer.norm(w))
            print(f"  LEAK  {w!r}\n        ...{body[max(0, i - 80):i + len(w) + 80]}...")
            if args.html:
                print(f"        html: {html_context(web, pid, w)}")
    print(f"{shown} tuning pages with errors")


def html_context(web: pathlib.Path, pid: str, snippet: str) -> str:
    raw = gzip.decompress((web / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8", "replace")
    flat = re.sub(r"\s+", " ", raw)
    words = snippet.split()
    i = flat.find(words[0]) if words else -1
    return flat[max(0, i - 300):i + 200] if i >= 0 else "(not found verbatim)"


if __name__ == "__main__":
    main()
