#!/usr/bin/env bash
# Where a running storyline process's memory is, sampled until it exits: anonymous and file-backed
# RSS from /proc (the file pages split into the store's mapped pages, `db_file`, and the rest: the
# binary and its libraries), the thread count, glibc's heap (mallinfo2: bytes in use, bytes free but
# held in its arenas, and bytes in chunks it mapped on their own) and SQLite's own heap
# (sqlite3_memory_used), read by attaching gdb for a moment. Sizes from /proc in kB, the rest in bytes.
# Usage:  bash bench/heap_sample.sh PATTERN OUT [SECONDS]
#   PATTERN  pgrep -f pattern naming the process (e.g. "storyline.*watch")
#   OUT      file the lines are appended to
#   SECONDS  between samples (default 180)
# CAUTION: gdb runs mallinfo2() inside the live process. If the thread it interrupts is itself
# inside malloc, mallinfo2 waits on the arena lock that thread holds and the process hangs for
# good (seen once, 53 minutes into an hour's watch soak: main thread in mallinfo2, every worker
# waiting on main_arena). For long runs prefer the watcher's own `memory` in `watch --json`.
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
    RSS=$(grep -E '^(RssAnon|RssFile|Threads)' "/proc/$P/status" 2>/dev/null | tr -s ' \t' ' ' | tr '\n' ' ')
    # Resident pages of the store's own mappings (mmap_size): what of RssFile is the database.
    DB=$(awk '/^[0-9a-f]+-[0-9a-f]+ /{f = ($NF ~ /\.db$/)} f && /^Rss:/{s += $2} END{print s + 0}' \
        "/proc/$P/smaps" 2>/dev/null)
    HEAP=$(timeout 60 gdb -p "$P" -batch \
        -ex 'print mallinfo2()' -ex 'print (long long)sqlite3_memory_used()' 2>/dev/null \
        | sed -nE 's/.*hblkhd = ([0-9]+),.*uordblks = ([0-9]+), fordblks = ([0-9]+).*/in_use \2 free_held \3 mmapped \1/p; s/^\$2 = ([0-9]+)$/sqlite \1/p' \
        | tr '\n' ' ')
    echo "$(date -u +%H:%M:%S) $RSS db_file: $DB kB $HEAP" >> "$OUT"
    sleep "$EVERY"
done
