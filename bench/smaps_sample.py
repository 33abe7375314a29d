#!/usr/bin/env python3
"""Where a running watcher's resident memory is, mapping by mapping, sampled
over a soak (no debugger, no preload: it only reads /proc):

    python3 bench/smaps_sample.py sample OUT.jsonl [SECONDS] [PATTERN]
    python3 bench/smaps_sample.py report OUT.jsonl

`sample` finds the processes whose command line matches PATTERN (a regex,
default `--db .* watch --json`) every SECONDS (default 90) and appends one JSON
line per process: the totals of /proc/PID/status (VmRSS, RssAnon, RssFile,
RssShmem, Threads) and /proc/PID/smaps_rollup, and the resident kB of every
mapping of /proc/PID/smaps, grouped:

- `file:NAME`: file-backed mappings by file (the binary, libc, the store's
  `-shm` index if SQLite maps it, the store itself if it maps it);
- `stack:main` and `stack:THREADNAME`: thread stacks, found by the stack
  pointer each blocked thread reports in /proc/PID/task/TID/syscall (a thread
  running at that instant is counted under `stack:?`, found as an anonymous
  mapping with a guard page just below it);
- `glibc-arena`: anonymous mappings with an inaccessible reserve just above
  them (glibc malloc's per-thread heaps), and `[heap]` (brk);
- `anon`: every other anonymous mapping (jemalloc's extents, and any other
  mmap);
together with the sizes of the store's files (`--db PATH`, `-wal`, `-shm`).

`report` prints each group's resident MB at every 10th minute and its
least-squares slope (MB an hour) from minute 10 and from minute 30 to the end.
"""
import json
import os
import re
import sys
import time

from soak_memory import per_hour  # the same least squares as the soak report


def threads(pid):
    """Stack pointer -> thread name, for threads blocked in a system call."""
    sps = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            sc = open(f"/proc/{pid}/task/{tid}/syscall").read().split()
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        except OSError:
            continue
        if len(sc) >= 8 and sc[0] != "running":
            sps.append((int(sc[-2], 16), re.sub(r"\d+$", "N", name)))
    return sps


def mappings(pid):
    maps, cur = [], None
    for line in open(f"/proc/{pid}/smaps"):
        f = line.split()
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            cur = {"lo": lo, "hi": hi, "perms": f[1], "inode": f[4],
                   "path": " ".join(f[5:]) if len(f) > 5 else "", "kb": {}}
            maps.append(cur)
        elif cur is not None and len(f) >= 2 and f[0].endswith(":") and f[1].isdigit():
            cur["kb"][f[0][:-1]] = int(f[1])
    return maps


def sample(pid, db):
    status = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM", "Threads"):
            status[k] = int(v.split()[0])
    rollup = {}
    for line in open(f"/proc/{pid}/smaps_rollup").readlines()[1:]:
        f = line.split()
        if len(f) >= 2 and f[1].isdigit():
            rollup[f[0][:-1]] = int(f[1])
    sps = threads(pid)
    maps = mappings(pid)
    groups, stacks, big = {}, {}, []
    for i, m in enumerate(maps):
        rss = m["kb"].get("Rss", 0)
        if m["path"] == "[stack]":
            g = "stack:main"
        elif m["path"].startswith("/") or m["inode"] != "0":
            g = "file:" + os.path.basename(m["path"].replace(" (deleted)", ""))
        elif m["path"]:
            g = m["path"]
        else:
            names = [n for sp, n in sps if m["lo"] <= sp < m["hi"]]
            below = maps[i - 1] if i else None
            above = maps[i + 1] if i + 1 < len(maps) else None
            guard_below = below and below["perms"] == "---p" and below["hi"] == m["lo"]
            reserve_above = above and above["perms"] == "---p" and above["lo"] == m["hi"]
            if names:
                g = "stack:" + names[0]
            elif m["perms"] == "---p":
                g = "reserved"
            elif reserve_above and not guard_below:
                g = "glibc-arena"
            elif guard_below and m["hi"] - m["lo"] <= (8 << 20) + 4096:
                g = "stack:?"
            else:
                g = "anon"
        if g.startswith("stack:"):
            stacks[g] = stacks.get(g, 0) + 1
        groups[g] = groups.get(g, 0) + rss
        if g == "anon" and m["kb"].get("Size", 0) >= 1024:
            big.append([hex(m["lo"]), m["kb"]["Size"], rss])
    files = {}
    if db:
        for suffix in ("", "-wal", "-shm"):
            try:
                files["db" + suffix] = os.path.getsize(db + suffix)
            except OSError:
                pass
    return {"t": time.time(), "pid": pid, "status_kb": status, "rollup_kb": rollup,
            "rss_kb": {k: v for k, v in sorted(groups.items()) if v},
            "stacks": stacks, "files": files, "anon_maps": big}


def find(pattern):
    me = os.getpid()
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == me:
            continue
        try:
            argv = open(f"/proc/{p}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        argv = [a.decode(errors="replace") for a in argv if a]
        if re.search(pattern, " ".join(argv)) and "smaps_sample" not in " ".join(argv):
            db = argv[argv.index("--db") + 1] if "--db" in argv[:-1] else None
            yield int(p), db


def run(out, every, pattern):
    while True:
        for pid, db in find(pattern):
            try:
                s = sample(pid, db)
            except OSError:
                continue
            with open(out, "a") as f:
                f.write(json.dumps(s) + "\n")
        time.sleep(every)




def report(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    for pid in sorted({r["pid"] for r in rows}):
        rs = [r for r in rows if r["pid"] == pid]
        t0 = rs[0]["t"]
        for r in rs:
            r["min"] = (r["t"] - t0) / 60
            r["rss_kb"]["status:VmRSS"] = r["status_kb"]["VmRSS"]
            r["rss_kb"]["status:RssAnon"] = r["status_kb"]["RssAnon"]
            r["rss_kb"]["status:RssFile"] = r["status_kb"]["RssFile"]
            r["rss_kb"]["status:Threads"] = r["status_kb"]["Threads"] * 1e6 / 1024
            for k, v in r["files"].items():
                r["rss_kb"]["size:" + k] = v / 1024
        end = rs[-1]["min"]
        marks = list(range(0, int(end) + 1, 10))
        at = [min(rs, key=lambda r: abs(r["min"] - m)) for m in marks]
        keys = sorted({k for r in rs for k in r["rss_kb"]})
        print(f"== pid {pid}: {len(rs)} samples over {end:.1f} min (MB; Threads as a count;"
              " size: the store's files)")
        print(f"{'group':28}" + "".join(f"{r['min']:7.1f}" for r in at)
              + "  slope 10-end  30-end (MB/h)")
        for k in keys:
            v = lambda r: r["rss_kb"].get(k, 0) * 1024 / 1e6
            s10 = per_hour([(r["min"], v(r)) for r in rs if r["min"] >= 10])
            s30 = per_hour([(r["min"], v(r)) for r in rs if r["min"] >= 30])
            print(f"{k[:28]:28}" + "".join(f"{v(r):7.1f}" for r in at)
                  + f"  {s10:+8.2f} {s30:+8.2f}")


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        run(sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 90,
            sys.argv[4] if len(sys.argv) > 4 else r"--db .* watch --json")
    else:
        report(sys.argv[2])
