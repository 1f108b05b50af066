#!/bin/bash
# fax-send start figures (docs/performance.md, "fax-send start"), whole processes:
#  1. `fax-send --version`, next to /bin/true: exec, dynamic loading, static
#     initialisers, the command line, exit.
#  2. One HylaFAX-mode run, `fax-send -m freeswitch0 sendq/q1` in a private
#     spool (bench/fax_send_spool.bash), as faxq runs it: qfile read and
#     locked, commid from log/seqf, session log, the 3-page `fax:` document
#     merged into one TIFF, ESL connect and auth to `fax-sim serve`, filter and
#     event subscriptions, the `api db list/override-NUMBER` lookup, and
#     `bgapi originate` to a gateway the scenario has down;
#     fax-sim answers at once (BACKGROUND_JOB -ERR GATEWAY_DOWN), and fax-send
#     writes the outcome (qfile, xferfaxlog, session log) and exits 0 (retry).
#     That is the whole job up to and including the originate and its answer,
#     without a call: what fax-send itself costs around a call.
# Wall: hyperfine -N, median of RUNS (after 10 warm-up runs). Max RSS:
# /usr/bin/time -f %M, median of RSS_RUNS. fax-sim serve runs beside it.
# Usage: bench/fax_send_start.sh [BUILD_DIR]
#   env: RUNS=50 RSS_RUNS=20, FAX_SEND=path (measure another fax-send binary)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$root/build}")
runs=${RUNS:-50}
rss_runs=${RSS_RUNS:-20}
send=$(realpath "${FAX_SEND:-$build/tools/fax-send/fax-send}")
for tool in hyperfine /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "fax_send_start: $tool is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done
# shellcheck source=bench/fax_send_spool.bash
. "$root/bench/fax_send_spool.bash"
tmp=$(mktemp -d)
trap 'spool_stop; rm -rf "$tmp"' EXIT

# median_ms JSON: the median of each hyperfine result, in ms.
median_ms() {
    python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("   %s: median %.2f ms (min %.2f; mean CPU: user %.2f ms, system %.2f ms)"
          % (r["command"], r["median"] * 1000, r["min"] * 1000, r["user"] * 1000, r["system"] * 1000))' "$1"
}
# bench NAME CMD...: hyperfine -N over the commands, its JSON in $tmp/NAME.json.
bench() {
    local name=$1
    shift
    hyperfine -N --style none --warmup 10 --runs "$runs" --export-json "$tmp/$name.json" "$@" \
        >/dev/null 2>"$tmp/hyperfine.err" || { cat "$tmp/hyperfine.err" >&2; exit 1; }
    median_ms "$tmp/$name.json"
}
# max_rss CMD...: median max RSS of RSS_RUNS runs, in kB.
max_rss() {
    local _
    for _ in $(seq "$rss_runs"); do
        /usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>&1 || true
        tail -1 "$tmp/rss"
    done | sort -n | sed -n "$(( (rss_runs + 1) / 2 ))p"
}

echo "== fax-send start: $send"
echo "   $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); shared libraries: $(ldd "$send" | grep -c '=>')"
echo "== fax-send --version (hyperfine -N, $runs runs)"
bench version /bin/true "$send --version"
echo "   max RSS (median of $rss_runs): /bin/true $(max_rss /bin/true) kB, fax-send --version $(max_rss "$send" --version) kB"

spool_start "$tmp" "$build"
cd "$tmp/spool"
spool_check "$send"  # the bench measures a job that reached the originate
echo "== fax-send -m freeswitch0 sendq/q1, up to the originate (hyperfine -N, $runs runs)"
bench hylafax "$send -m freeswitch0 sendq/q1"
echo "   max RSS (median of $rss_runs): $(max_rss "$send" -m freeswitch0 sendq/q1) kB"
echo "   $(find log -name 'c*' | wc -l) session logs, $(wc -l <log/xferfaxlog) xferfaxlog records, qfile $(grep '^status:' sendq/q1)"
