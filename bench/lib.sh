# Helpers shared by the benchmark scripts; source it after setting RUNS (where `measure`
# writes) and defining nothing of the same names.

log() { echo "== $*" >&2; }

# Other work on the machine (a cargo build, say) skews the figures: wait for compilers to finish
# (at most QUIET_WAIT seconds in all, default 300) and note, per run, the load average and how
# often a compiler was running alongside.
QUIET_LEFT="${QUIET_WAIT:-300}"
compilers() { { pgrep -x rustc; pgrep -x cc1; pgrep -x cc1plus; pgrep -x cargo; } 2>/dev/null | wc -l || true; }
wait_quiet() {
    while [ "$QUIET_LEFT" -gt 0 ] && [ "$(compilers)" -gt 0 ]; do
        log "waiting for a running cargo/compiler to finish (${QUIET_LEFT}s left)"
        sleep 10; QUIET_LEFT=$((QUIET_LEFT - 10))
    done
}

# Peak RSS comes from GNU time; install it if missing (we are root on the bench machines).
find_gnu_time() {
    TIME_BIN=""
    if [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null; then
        TIME_BIN=/usr/bin/time
    elif command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        log "installing GNU time"
        (apt-get install -y time >&2 || (apt-get update >&2 && apt-get install -y time >&2)) || true
        [ -x /usr/bin/time ] && TIME_BIN=/usr/bin/time
    fi
}

# measure NAME CMD...: runs CMD with stdout to $RUNS/NAME.out, and writes $RUNS/NAME.time with
# wall seconds, exit status and (from GNU time, else by polling /proc/PID/status VmHWM) peak RSS.
measure() {
    local name="$1"; shift
    local t0 t1 rc=0 load sampler
    wait_quiet
    load=$(cut -d' ' -f1 /proc/loadavg)
    # Note, twice a second, how many cargo/compiler processes are running alongside.
    (while :; do compilers; sleep 0.5; done) > "$RUNS/$name.busy" 2>/dev/null &
    sampler=$!
    t0=$(date +%s.%N)
    if [ -n "$TIME_BIN" ]; then
        "$TIME_BIN" -v -o "$RUNS/$name.gnutime" "$@" > "$RUNS/$name.out" || rc=$?
    else
        "$@" > "$RUNS/$name.out" &
        local pid=$! hwm=0 v
        while kill -0 "$pid" 2>/dev/null; do
            v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
            [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
            sleep 0.05
        done
        wait "$pid" || rc=$?
        echo "Maximum resident set size (kbytes): $hwm" > "$RUNS/$name.gnutime"
    fi
    t1=$(date +%s.%N)
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    local busy
    busy=$(awk '$1 > 0 { b++ } END { printf "%d/%d", b, NR }' "$RUNS/$name.busy")
    { awk -v a="$t0" -v b="$t1" 'BEGIN { printf "wall %.3f\n", b - a }'; echo "rc $rc"; echo "load $load"; echo "compilers $busy"; cat "$RUNS/$name.gnutime"; } > "$RUNS/$name.time"
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
        log "$name failed (exit $rc)"; cat "$RUNS/$name.out" >&2; return 1
    fi
}
