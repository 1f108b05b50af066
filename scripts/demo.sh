#!/bin/bash
# make demo: fax-esl against a FreeSWITCH stand-in that replays a real
# 3-page T.30 fax call captured from FreeSWITCH 1.10 (tests/fakes/esl_fake.py;
# fax-sim takes its place once it exists).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
bin="$build/tools/fax-esl"
export PATH="$bin:$PATH"
export FAXKIT_CONFIG=/dev/null  # do not pick up /etc/gofax.conf
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

python3 "$root/tests/fakes/esl_fake.py" --port-file "$work/port" --stream 78 --close-after-stream \
    --password demo-secret --log "$work/esl.log" &
server=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "demo: the ESL stand-in did not start" >&2; exit 69; }
addr="127.0.0.1:$(cat "$work/port")"
export FAX_ESL_PASSWORD=demo-secret  # never on the command line

step() { if [ -t 1 ]; then printf '\n\033[1m$ %s\033[0m\n' "$*"; else printf '\n$ %s\n' "$*"; fi; }

step "fax-esl -H $addr api status"
fax-esl -H "$addr" api status

step "fax-esl -H $addr api db insert/fallback/4930123456/true && fax-esl -H $addr api db select/fallback/4930123456"
fax-esl -H "$addr" api db insert/fallback/4930123456/true
fax-esl -H "$addr" api db select/fallback/4930123456

step "fax-esl -H $addr api db select/fallback/0000   # a missing key is a -ERR answer: exit 1"
rc=0
fax-esl -H "$addr" api db select/fallback/0000 || rc=$?
echo "exit status $rc"

step "fax-esl -H $addr events --once CUSTOM spandsp::txfaxnegociateresult spandsp::txfaxpageresult spandsp::txfaxresult spandsp::rxfaxresult | jq -c '{event: .subclass, uuid, …}'"
fax-esl -H "$addr" events --once CUSTOM spandsp::txfaxnegociateresult spandsp::txfaxpageresult \
        spandsp::txfaxresult spandsp::rxfaxresult |
    jq -c 'select(.type == "esl.event") | {event: .subclass, uuid: .uuid[0:8],
           rate: .headers["fax-transfer-rate"], pages: .headers["fax-document-transferred-pages"],
           result: .headers["fax-result-text"], remote: .headers["fax-remote-station-id"]}'

step "printf '%s\\n' '{\"api\":\"version\"}' '{\"bgapi\":\"status\",\"id\":\"job-1\"}' | fax-esl -H $addr shell | jq -c '{type,id,ok}'"
printf '%s\n' '{"api":"version"}' '{"bgapi":"status","id":"job-1"}' |
    fax-esl -H "$addr" shell | jq -c '{type, id, ok, first_line: (.body | split("\n")[0])}'

step "what the stand-in received (note: no password on any command line)"
sed 's/^auth .*/auth ********/' "$work/esl.log"
echo
echo "demo: done. See man/fax-esl.1.scd, man/faxkit-events.7.scd, or: man -l $build/man/fax-esl.1"
