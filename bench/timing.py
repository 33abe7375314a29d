"""Reads the `.time` files that `measure` (bench/lib.sh) writes, for the benchmark reports."""


def read_time(path):
    """Wall seconds, exit status, load, compiler contention and GNU time's figures of one run."""
    t = {}
    for line in open(path, encoding="utf-8").read().splitlines():
        line = line.strip()
        if line.startswith("wall "): t["wall_s"] = float(line.split()[1])
        elif line.startswith("rc "): t["exit"] = int(line.split()[1])
        elif line.startswith("load "): t["loadavg_1min_before"] = float(line.split()[1])
        elif line.startswith("compilers "):
            b, total = line.split()[1].split("/")
            t["busy_samples"] = f"{b}/{total}"  # half-second samples with cargo/rustc running alongside
            t["contended"] = int(b) > 0
        elif line.startswith("Maximum resident set size"): t["peak_rss_mb"] = int(line.rsplit(":", 1)[1]) / 1024
        elif line.startswith("User time"): t["user_s"] = float(line.rsplit(":", 1)[1])
        elif line.startswith("System time"): t["sys_s"] = float(line.rsplit(":", 1)[1])
        elif line.startswith("Percent of CPU"): t["cpu_percent"] = int(line.rsplit(":", 1)[1].strip().rstrip("%") or 0)
    return t
