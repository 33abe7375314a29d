"""Runs `storyline summarize --json PATH --words N` on cluster files and reads its summaries.

Each cluster is a JSONL file of {"id","title","text","source","date"} rows.  The command is
timed as a whole process (start-up and reading included), since that is what a user pays.
"""
import json
import os
import subprocess
import time

FIELDS = ("id", "title", "text", "source", "date")


def write_cluster(articles, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps({k: a.get(k) for k in FIELDS}, ensure_ascii=False) + "\n")


def available(binary):
    """(True, "") if the binary has a `summarize` command, else (False, why)."""
    if not os.access(binary, os.X_OK):
        return False, f"{binary} not found"
    p = subprocess.run([str(binary), "summarize", "--help"], capture_output=True, text=True)
    if p.returncode != 0:
        first = (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[0]
        return False, f"no summarize command yet ({first})"
    return True, ""


def summarize(binary, path, words):
    """(sentences, n_cited, seconds, error).  On failure sentences is [] and error says why,
    so one bad cluster is scored as an empty summary instead of stopping the harness."""
    t = time.perf_counter()
    p = subprocess.run([str(binary), "summarize", "--json", str(path), "--words", str(words)],
                       capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        return [], 0, dt, f"exit {p.returncode}: {p.stderr.strip()[:300]}"
    try:
        out = json.loads(p.stdout)
        sents = [s["text"] for s in out["summary"]]
        cited = sum(1 for s in out["summary"] if s.get("citations"))
    except (ValueError, KeyError, TypeError) as e:
        return [], 0, dt, f"unreadable output ({e}): {p.stdout[:200]!r}"
    return sents, cited, dt, None
