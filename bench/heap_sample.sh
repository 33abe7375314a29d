#!/usr/bin/env bash
# Where a running storyline process's memory is, sampled until it exits: anonymous and file-backed
# RSS from /proc, glibc's heap (mallinfo2: bytes in use, bytes free but held in its arenas) and
# SQLite's own heap (sqlite3_memory_used), read by attaching gdb for a moment.
# Usage:  bash bench/heap_sample.sh PATTERN OUT [SECONDS]
#   PATTERN  pgrep -f pattern naming the process (e.g. "storyline.*watch")
#   OUT      file the lines are appended to
#   SECONDS  between samples (default 180)
# Needs gdb (Debian package `gdb`) and a storyline build with symbols (the release profile keeps
# line tables; the SQLite and glibc symbols are exported).
# Example, beside a soak:  target/release/watch --data ../shared/data soak --minutes 60 &
#                          bash bench/heap_sample.sh "storyline.*watch --json" target/soak-heap.txt
set -uo pipefail
PATTERN="$1"
OUT="$2"
EVERY="${3:-180}"
command -v gdb >/dev/null || { echo "heap_sample.sh: gdb is needed (apt-get install gdb)" >&2; exit 1; }
# The process itself, not a shell or this script whose command line names the pattern too.
find_pid() {
    for p in $(pgrep -f -- "$PATTERN"); do
        case "$(cat "/proc/$p/comm" 2>/dev/null)" in
            bash | sh | timeout | gdb | "") ;;
            *) echo "$p"; return ;;
        esac
    done
}
until P=$(find_pid); [ -n "$P" ]; do sleep 1; done
while [ -d "/proc/$P" ]; do
    RSS=$(grep -E '^(RssAnon|RssFile)' "/proc/$P/status" 2>/dev/null | tr -s ' \t' ' ' | tr '\n' ' ')
    HEAP=$(timeout 60 gdb -p "$P" -batch \
        -ex 'print mallinfo2()' -ex 'print (long long)sqlite3_memory_used()' 2>/dev/null \
        | sed -nE 's/.*uordblks = ([0-9]+), fordblks = ([0-9]+).*/in_use \1 free_held \2/p; s/^\$2 = ([0-9]+)$/sqlite \1/p' \
        | tr '\n' ' ')
    echo "$(date -u +%H:%M:%S) $RSS $HEAP" >> "$OUT"
    sleep "$EVERY"
done
