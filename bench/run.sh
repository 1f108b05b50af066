#!/bin/bash
# Runs the benchmarks and prints the figures recorded in docs/performance.md.
#  1. Google Benchmark: ESL decode + event parse + esl.event emit over the captures.
#  2. Whole process: `fax-esl events --once` writing to /dev/null while
#     esl_stream_server streams N fax-call events over loopback, plain and json;
#     fax-esl pinned to CPU 0, the server to CPU 1; median of REPS runs.
#  3. fax-send start: `--version` and one HylaFAX-mode job up to the originate
#     (bench/fax_send_start.sh; hyperfine, /usr/bin/time).
#  4. fax-recv: call setups/s with 1,000 calls open, CPU per setup, memory per
#     open call, stop time (bench/recv_bench.sh, driven by bench/recv_load).
# Usage: bench/run.sh [BUILD_DIR] (env: EVENTS=200000 REPS=5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
events=${EVENTS:-200000}
reps=${REPS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== machine"
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== google benchmark (decode + parse + emit over the captures)"
"$build/bench/esl_decode_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null | grep -E 'median|Benchmark'

pin() { if command -v taskset >/dev/null; then taskset -c "$1" "${@:2}"; else "${@:2}"; fi; }

for format in plain json; do
    rates=()
    for _ in $(seq "$reps"); do
        rm -f "$tmp/port"
        pin 1 "$build/bench/esl_stream_server" "$tmp/port" "$events" 2>"$tmp/server.log" &
        server=$!
        for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.01; done
        port=$(cat "$tmp/port")
        start=$(date +%s%N)
        FAXKIT_CONFIG=/dev/null pin 0 "$build/tools/fax-esl/fax-esl" -H "127.0.0.1:$port" \
            events --once --format "$format" --keepalive 0 >/dev/null
        end=$(date +%s%N)
        wait "$server"
        rates+=("$(( events * 1000000000 / (end - start) ))")
    done
    median=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n "$(( (reps + 1) / 2 ))p")
    echo "== whole process, $format: $(tail -1 "$tmp/server.log" | sed 's/^esl_stream_server: //')"
    echo "   events/s per run: ${rates[*]}"
    echo "   median: $median events/s"
done

"$root/bench/fax_send_start.sh" "$build"
"$root/bench/recv_bench.sh" "$build"
