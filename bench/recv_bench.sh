#!/bin/bash
# fax-recv's speed (docs/performance.md, "fax-recv"), driven by bench/recv_load
# (FreeSWITCH's side of the outbound socket, without the fax itself):
#  1. call setups per second with PREOPEN calls already open, CPU per setup
#     (fax-recv's user+system time from /proc), setup latency; median of REPS;
#  2. memory: fax-recv's RSS idle, with PREOPEN and with BIG calls open;
#  3. time from SIGTERM to exit when idle, median of STOPS.
# fax-recv (all its threads) is pinned to CPU 0, recv_load to CPU 1. One set per
# spool file system in SPOOLS (tmpfs and disk differ: the files of every call).
# With MODEMS=N the set is repeated with [hylafax] modems = N, overflow = accept.
# Usage: bench/recv_bench.sh [BUILD_DIR]
#   env: REPS=5 PREOPEN=1000 CALLS=3000 BIG=6000 STOPS=20 SPOOLS="/dev/shm /tmp" MODEMS=
#        PAUSE=0 (seconds between runs; 75 lets ext4 without a journal forget
#        the files the last run deleted)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
reps=${REPS:-5}
preopen=${PREOPEN:-1000}
calls=${CALLS:-3000}
big=${BIG:-6000}
stops=${STOPS:-20}
spools=${SPOOLS:-/dev/shm /tmp}
tmp=$(mktemp -d)
recv_pid=
cleanup() {
    [ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null
    rm -rf "$tmp"
    for base in $spools; do rm -rf "$base/faxkit-recv-bench.$$"; done
}
trap cleanup EXIT

# Each open call holds 3 descriptors in fax-recv (socket, received file,
# session log); fax-recv raises its soft limit to the hard one.
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ $(( (hard - 1100) / 3 )) -lt "$big" ]; then
    big=$(( (hard - 1100) / 3 ))
    echo "note: hard descriptor limit $hard: at most $big calls open (3 descriptors each)"
fi

# pin CPU: the command prefix that pins to CPU (a prefix, not a function, so
# that $! is fax-recv itself).
pin() { if command -v taskset >/dev/null; then echo "taskset -c $1"; fi; }
median() { sort -n | awk '{v[NR]=$1} END {print (NR ? v[int((NR+1)/2)] : "-")}'; }
field() { awk -v k="$1:" '$1 == k {print $2}' "$2"; }

# start_recv SPOOL CONFIG ARGS...: fax-recv in the background, listening, on
# a new spool directory under SPOOL. Nothing is deleted before the end: on ext4
# without a journal, a file created soon after many were deleted costs a scan
# past every inode freed in the last minute (see docs/performance.md).
runs=0
start_recv() {
    local spool=$1/run$((++runs)) config=$2
    shift 2
    rm -f "$tmp/port"
    FAXKIT_CONFIG=$config $(pin 0) "$build/tools/fax-recv/fax-recv" --spool "$spool" --listen 127.0.0.1:0 \
        --port-file "$tmp/port" "$@" >"$tmp/records" 2>"$tmp/recv.err" &
    recv_pid=$!
    for _ in $(seq 500); do [ -s "$tmp/port" ] && return 0; sleep 0.01; done
    echo "fax-recv did not start: $(cat "$tmp/recv.err")" >&2
    exit 1
}

stop_recv() {
    kill -TERM "$recv_pid"
    wait "$recv_pid" || { echo "fax-recv exited with $?" >&2; exit 1; }
    recv_pid=
}

load() { $(pin 1) "$build/bench/recv_load" --port-file "$tmp/port" --pid "$recv_pid" "$@"; }

run_set() {
    local label=$1 spool=$2 config=$3
    shift 3
    echo "== $label"
    local keys="setups_per_s recv_cpu_us_per_setup driver_cpu_us_per_setup latency_ms_p50 latency_ms_p99 teardown_recv_cpu_us_per_call errors"
    : >"$tmp/all"
    for i in $(seq "$reps"); do
        [ "$i" -gt 1 ] && sleep "${PAUSE:-0}"
        start_recv "$spool" "$config" "$@"
        load --preopen "$preopen" --calls "$calls" --concurrency 100 --hold 0 >"$tmp/run.$i" || true
        stop_recv
        local offered failed
        offered=$(grep -c '"call.offered"' "$tmp/records" || true)
        failed=$(grep -c '"fax.failed"' "$tmp/records" || true)
        echo "   run $i: $(for k in $keys; do printf '%s=%s ' "$k" "$(field "$k" "$tmp/run.$i")"; done)records=$offered/$failed"
        cat "$tmp/run.$i" >>"$tmp/all"
    done
    for k in $keys; do
        printf '   median %s: %s\n' "$k" "$(field "$k" "$tmp/all" | median)"
    done

    start_recv "$spool" "$config" "$@"
    sleep 0.2
    local idle
    idle=$(awk '/^VmRSS:/ {print $2}' "/proc/$recv_pid/status")
    load --calls "$preopen" --concurrency 100 --hold 0 >"$tmp/mem1"
    stop_recv
    start_recv "$spool" "$config" "$@"
    load --calls "$big" --concurrency 100 --hold 0 >"$tmp/mem2"
    stop_recv
    local r1 r2
    r1=$(field open_rss_kb "$tmp/mem1")
    r2=$(field open_rss_kb "$tmp/mem2")
    echo "   RSS idle: $idle KB; $preopen calls open: $r1 KB ($(( (r1 - idle) * 1024 / preopen )) B/call);" \
        "$big calls open: $r2 KB ($(( (r2 - idle) * 1024 / big )) B/call); errors: $(field errors "$tmp/mem1")/$(field errors "$tmp/mem2")"

    : >"$tmp/stops"
    for _ in $(seq "$stops"); do
        start_recv "$spool" "$config" "$@"
        sleep 0.1
        local t0 t1
        t0=$EPOCHREALTIME
        kill -TERM "$recv_pid"
        wait "$recv_pid"
        t1=$EPOCHREALTIME
        recv_pid=
        awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", (b - a) * 1000}' >>"$tmp/stops"
    done
    echo "   stop when idle (ms, $stops runs): median $(median <"$tmp/stops"), max $(sort -n "$tmp/stops" | tail -1)"
}

echo "== machine"
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '[fax-recv]\noverflow = accept\n' >"$tmp/none.conf"
for base in $spools; do
    fs=$(findmnt -no FSTYPE -T "$base" 2>/dev/null | head -1)
    run_set "fax-recv --no-modems, spool on $base ($fs): $preopen open, then $calls setups" "$base/faxkit-recv-bench.$$" /dev/null --no-modems
    if [ -n "${MODEMS:-}" ]; then
        printf '[hylafax]\nmodems = %s\n[fax-recv]\noverflow = accept\n' "$MODEMS" >"$tmp/modems.conf"
        run_set "fax-recv, $MODEMS virtual modems (overflow accept), spool on $base ($fs)" "$base/faxkit-recv-bench.$$" "$tmp/modems.conf"
    fi
    rm -rf "$base/faxkit-recv-bench.$$"
done
