#!/usr/bin/env python3
"""Memory over a watcher's soak, from the pass lines `watch --json` wrote
(`target/release/watch soak --passes DIR/passes.jsonl`):

    python3 bench/soak_memory.py DIR [DIR...]

For each DIR: RSS and the `memory` keys after the pass nearest each 10th minute, the
least-squares slopes (MB an hour) over 10 to the end and 30 to the end, then per 10-minute
window the lowest and median RSS, heap and held memory, and the heap beside the bounded
caches (heap in use minus SQLite's heap, the recent tier and the stem cache).

Two derived figures: `alloc_res`, what the allocator counts as resident (heap in use plus
held: jemalloc's `stats.resident`), and `unwritten`, that minus the resident anonymous
memory. jemalloc counts every page of an allocation as resident from the moment it is
handed out, the kernel only once it is written, so `unwritten` is memory allocated (and
counted in the heap) whose pages nothing has written yet: a vector's spare capacity, a
buffer reserved ahead. When RSS grows while `alloc_res` is flat and `unwritten` falls,
the growth is the program writing into memory it already held, not new memory."""
import datetime
import json
import statistics as st
import sys

KEYS = ["rss_bytes", "rss_anon_bytes", "rss_file_bytes", "heap_bytes", "heap_held_bytes",
        "sqlite_heap_bytes", "recent_tier_bytes", "stem_cache_bytes", "alloc_res_bytes",
        "unwritten_bytes"]


def derive(mem):
    """Adds `alloc_res_bytes` and `unwritten_bytes` (see above) when the heap is known."""
    if mem.get("heap_bytes") is not None and mem.get("heap_held_bytes") is not None:
        mem["alloc_res_bytes"] = mem["heap_bytes"] + mem["heap_held_bytes"]
        mem["unwritten_bytes"] = mem["alloc_res_bytes"] - (mem.get("rss_anon_bytes") or 0)
    return mem


def when(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def per_hour(xs):
    """Least-squares slope of (minute, MB) points, in MB an hour."""
    if len(xs) < 2:
        return float("nan")
    mx = sum(x for x, _ in xs) / len(xs)
    my = sum(y for _, y in xs) / len(xs)
    return 60 * sum((x - mx) * (y - my) for x, y in xs) / sum((x - mx) ** 2 for x, _ in xs)


def slope(pts, lo, hi, key):
    return per_hour([(m, mem[key] / 1e6) for m, mem in pts
                     if lo <= m <= hi and mem.get(key) is not None])


def report(d):
    passes = [json.loads(line) for line in open(f"{d}/passes.jsonl") if line.strip()]
    t0 = when(passes[0]["started_at"])
    pts = [((when(p["started_at"]) + p["seconds"] - t0) / 60, derive(p["memory"]))
           for p in passes if p.get("memory")]
    end = pts[-1][0]
    print(f"== {d}: {len(passes)} passes, {sum(p['added'] for p in passes)} added, "
          f"last at {end:.1f} min")
    print("min   " + " ".join(f"{k[:-6]:>10}" for k in KEYS) + "  stem_words")
    marks = list(range(10, int(end) + 1, 10))
    for m in marks + ([end] if end - marks[-1] > 0.5 else []) if marks else [end]:
        at, mem = min(pts, key=lambda x: abs(x[0] - m))
        print(f"{at:5.1f} " + " ".join(f"{(mem.get(k) or 0) / 1e6:10.1f}" for k in KEYS)
              + f"  {mem.get('stem_cache_words')}")
    for lo in (10, 30):
        print(f"slope {lo}-{end:.0f} min (MB/h): " + ", ".join(
            f"{k[:-6]} {slope(pts, lo, end, k):+.1f}" for k in KEYS))
    for lo in range(10, int(end), 10):
        w = [mem for x, mem in pts if lo <= x < lo + 10]
        if not w:
            continue
        lowmed = lambda k: (min(m[k] for m in w) / 1e6, st.median(m[k] for m in w) / 1e6)
        beside = [(m["heap_bytes"] - m["sqlite_heap_bytes"] - m["recent_tier_bytes"]
                   - m["stem_cache_bytes"]) / 1e6 for m in w]
        print(f"{lo}-{lo + 10} min ({len(w)} passes): rss min/median "
              "%.1f/%.1f, anon %.1f/%.1f, file %.1f/%.1f, heap %.1f/%.1f, held %.1f/%.1f, "
              "unwritten %.1f/%.1f, heap beside the bounded caches %.1f/%.1f"
              % (*lowmed("rss_bytes"), *lowmed("rss_anon_bytes"), *lowmed("rss_file_bytes"),
                 *lowmed("heap_bytes"), *lowmed("heap_held_bytes"), *lowmed("unwritten_bytes"),
                 min(beside), st.median(beside)))


if __name__ == "__main__":
    for d in sys.argv[1:]:
        report(d)
