#!/usr/bin/env python3
"""Scores the extraction benchmark's predictions and prints one table.

Usage (bench/extraction.sh calls it):
    python3 bench/extraction/report.py OUT_DIR SCRAPINGHUB_DIR WEB_DIR

OUT_DIR holds pred-<system>-<set>.jsonl and speed-<system>-<set>.json for
system in storyline, base (another commit's extractor), trafilatura and set in
scrapinghub, web. scrapinghub is
scored by its own score.py (shingle F1, macro). extraction_web is scored by
its score_snippets.py (snippet F1, micro) on three parts:

  tune    pages whose id is in the tuning part (see `part` below): the only
          pages whose errors anyone looks at while changing the rules
          (bench/extraction/errors.py shows nothing else);
  report  the other pages, scored but never inspected;
  all     the 792 pages together.

The project keeps 198 more pages outside the repository as a third check.
Writes OUT_DIR/results.json with every figure.
"""
import hashlib
import importlib.util
import json
import os
import pathlib
import subprocess
import sys

SYSTEMS = [
    ("storyline", "storyline"),
    # The extractor of another commit (bench/extraction.sh with BASE=<commit>).
    ("base", "storyline at " + (os.environ.get("BASE_LABEL") or "base")),
    ("trafilatura", "trafilatura (Python)"),
    # Text without the title, the form trafilatura's own evaluation scores.
    ("trafilatura-notitle", "trafilatura, no title"),
]


def part(page_id: str) -> str:
    """The split of extraction_web: the first 32 bits of SHA-256 of the id, even = tune."""
    h = int(hashlib.sha256(page_id.encode("utf-8")).hexdigest()[:8], 16)
    return "tune" if h % 2 == 0 else "report"


def load_snippet_scorer(web: pathlib.Path):
    spec = importlib.util.spec_from_file_location("score_snippets", web / "score_snippets.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score_web(scorer, gold, pred_path: pathlib.Path) -> dict:
    pred = {str(p["id"]): p.get("body") for p in scorer.read_jsonl(pred_path)}
    totals = {"tune": [0, 0, 0, 0], "report": [0, 0, 0, 0], "all": [0, 0, 0, 0]}
    pages = {"tune": 0, "report": 0, "all": 0}
    for g in gold:
        counts = scorer.count_item(g, pred.get(str(g["id"])))
        for name in (part(str(g["id"])), "all"):
            totals[name] = [a + b for a, b in zip(totals[name], counts)]
            pages[name] += 1
    out = {}
    for name, tot in totals.items():
        s = scorer.scores(*tot)
        s.update({"tp": tot[0], "fp": tot[1], "fn": tot[2], "tn": tot[3], "pages": pages[name]})
        out[name] = s
    return out


def score_scrapinghub(sh: pathlib.Path, pred_path: pathlib.Path) -> dict:
    run = subprocess.run(
        [sys.executable, str(sh / "score.py"), "--truth", str(sh / "truth.jsonl"),
         "--pred", str(pred_path)],
        check=True, capture_output=True, text=True)
    return json.loads(run.stdout)


def main() -> None:
    out, sh, web = (pathlib.Path(a) for a in sys.argv[1:4])
    scorer = load_snippet_scorer(web)
    gold = scorer.read_jsonl(web / "gold.jsonl")
    results = {"split": "extraction_web tune = sha256(id)[:8] as hex, even; report = odd"}
    rows = []
    for system, label in SYSTEMS:
        for dataset in ("scrapinghub", "web"):
            pred = out / f"pred-{system}-{dataset}.jsonl"
            speed_file = out / f"speed-{system}-{dataset}.json"
            if not pred.exists():
                continue
            speed_file = speed_file if speed_file.exists() else out / f"speed-{system.split('-')[0]}-{dataset}.json"
            speed = json.loads(speed_file.read_text()) if speed_file.exists() else {}
            pps = speed.get("pages_per_sec")
            if dataset == "scrapinghub":
                s = score_scrapinghub(sh, pred)
                results[f"{system}/scrapinghub"] = {"score": s, "speed": speed}
                rows.append((label, f"scrapinghub ({s['n']})", s, pps))
            else:
                s = score_web(scorer, gold, pred)
                results[f"{system}/web"] = {"score": s, "speed": speed}
                for name in ("tune", "report", "all"):
                    rows.append((label, f"web {name} ({s[name]['pages']})", s[name],
                                 pps if name == "all" else None))
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")

    print(f"{'system':<22} {'set':<20} {'F1':>6} {'prec':>6} {'recall':>6} {'pages/s':>8}")
    for label, dataset, s, pps in rows:
        speed = f"{pps:8.0f}" if pps else f"{'':>8}"
        print(f"{label:<22} {dataset:<20} {s['f1']:6.3f} {s['precision']:6.3f} "
              f"{s['recall']:6.3f} {speed}")
    print("scrapinghub: shingle F1 (score.py, macro); web: snippet F1 (score_snippets.py, micro);")
    print("pages/s: one thread, pages in memory, title included on web. Details: "
          f"{out / 'results.json'}")


if __name__ == "__main__":
    main()
