#!/bin/bash
# make demo: faxkit against fax-sim, a FreeSWITCH 1.10 stand-in that really
# faxes with spandsp. Sends a 3-page fax over G.711 and over T.38, watches the
# events with fax-esl, checks the received pages, and shows two failures the
# scenario file describes. Then fax-send sends a fax on its own (JSON lines,
# exit status), and fax-recv receives one into a HylaFAX-style spool.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
export PATH="$build/tools/fax-esl:$build/tools/fax-sim:$build/tools/fax-send:$build/tools/fax-recv:$PATH"
export FAXKIT_CONFIG=/dev/null  # do not pick up /etc/gofax.conf
work=$(mktemp -d)
sim=''
watcher=''
recv=''
cleanup() {
    [ -n "$watcher" ] && kill "$watcher" 2>/dev/null
    [ -n "$recv" ] && kill "$recv" 2>/dev/null && wait "$recv" 2>/dev/null
    [ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

step() { if [ -t 1 ]; then printf '\n\033[1m$ %s\033[0m\n' "$*"; else printf '\n$ %s\n' "$*"; fi; }

cat >scenario.json <<'JSON'
{
  "gateways": { "gw1": "up", "gw2": "down" },
  "numbers": {
    "4930111": "busy",
    "4930222": { "noise_dbm0": -32, "ecm": false, "comment": "a noisy line: trains down to 9600" }
  }
}
JSON
printf 'demo-secret\n' >esl.pw

step "fax-sim make-tiff --pages 3 doc.tif"
fax-sim make-tiff --pages 3 doc.tif
ls -l doc.tif

step "fax-sim serve --listen 127.0.0.1:0 --scenario scenario.json --password-file esl.pw &"
fax-sim serve --listen 127.0.0.1:0 --port-file port --scenario scenario.json --password-file esl.pw \
    --db sim.db --received-dir received &
sim=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
[ -s port ] || { echo "demo: fax-sim did not start" >&2; exit 69; }
esl="127.0.0.1:$(cat port)"
export FAX_ESL_PASSWORD=demo-secret  # never on a command line

step "fax-esl -H $esl api status"
fax-esl -H "$esl" api status | head -3

step "fax-esl -H $esl events CHANNEL_HANGUP_COMPLETE CUSTOM spandsp::txfaxpageresult spandsp::txfaxresult | jq … &"
fax-esl -H "$esl" events CHANNEL_HANGUP_COMPLETE CUSTOM spandsp::txfaxpageresult spandsp::txfaxresult \
    >events.jsonl 2>/dev/null &
watcher=$!
for _ in $(seq 100); do grep -q esl.connected events.jsonl 2>/dev/null && break; sleep 0.05; done

send() {  # send UUID NUMBER EXTRA-VARS
    local uuid=$1 number=$2 vars=$3
    step "fax-esl -H $esl api \"originate {origination_uuid=$uuid,fax_ident=DEMO$vars}sofia/gateway/gw1/$number &txfax(\$PWD/doc.tif)\""
    fax-esl -H "$esl" api "originate {origination_uuid=$uuid,fax_ident=DEMO$vars}sofia/gateway/gw1/$number &txfax($PWD/doc.tif)" || true
}
wait_done() {  # wait for the channel's HANGUP_COMPLETE
    for _ in $(seq 400); do
        grep -q "\"event\":\"CHANNEL_HANGUP_COMPLETE\",\"subclass\":null,\"uuid\":\"$1\"" events.jsonl && return 0
        sleep 0.05
    done
    echo "demo: call $1 did not end" >&2
    return 1
}

send 00000000-0000-4000-8000-000000000001 4930123456 ""
wait_done 00000000-0000-4000-8000-000000000001
send 00000000-0000-4000-8000-000000000002 4930123456 ",fax_enable_t38_request=true"
wait_done 00000000-0000-4000-8000-000000000002
send 00000000-0000-4000-8000-000000000003 4930222 ",fax_use_ecm=false"
wait_done 00000000-0000-4000-8000-000000000003
send 00000000-0000-4000-8000-000000000004 4930111 ""
step "fax-esl -H $esl api \"originate sofia/gateway/gw2/4930123456 &txfax(\$PWD/doc.tif)\"   # gw2 is down"
fax-esl -H "$esl" api "originate sofia/gateway/gw2/4930123456 &txfax($PWD/doc.tif)" || true

step "what fax-esl saw (jq summary of the JSON lines)"
jq -c 'select(.type == "esl.event") | {uuid: .uuid[-1:], event: (.subclass // .event),
       page: .headers["fax-document-transferred-pages"], rate: .headers["fax-transfer-rate"],
       t38: .headers["fax-t38-status"], bad_rows: .headers["fax-bad-rows"],
       result: .headers["fax-result-text"], cause: (.headers["Hangup-Cause"] | if type == "array" then .[0] else . end)}' \
    events.jsonl

step "fax-sim compare doc.tif received/00000000-0000-4000-8000-000000000001.tif && echo identical"
fax-sim compare doc.tif received/00000000-0000-4000-8000-000000000001.tif && echo "identical: the far end received the same 3 pages"
fax-sim compare doc.tif received/00000000-0000-4000-8000-000000000002.tif && echo "identical over T.38 too"

# ---- fax-send: the same fax, placed and followed by fax-send (gofaxsend's job)
summary='{type, attempt, gateway, pages: (.pages // .page), rate: .transfer_rate, t38: .t38_status, status, reason: (.result_text // .reason)} | with_entries(select(.value != null))'
step "fax-send -H $esl --to 4930123456 --gateway gw2,gw1 doc.tif | jq -c …   # gw2 is down: gw1 takes over"
fax-send -H "$esl" --to 4930123456 --gateway gw2,gw1 --ident DEMO doc.tif | jq -c "$summary"
echo "exit status ${PIPESTATUS[0]} (0: sent)"
step "fax-send -H $esl --to 4930111 --gateway gw1 doc.tif | jq -c …   # busy"
rc=0
fax-send -H "$esl" --to 4930111 --gateway gw1 doc.tif >busy.jsonl || rc=$?
jq -c "$summary" busy.jsonl
echo "exit status $rc (75: not sent, worth retrying)"

# ---- fax-recv: fax-sim calls in as FreeSWITCH's socket application does (gofaxd's job)
step "fax-recv --spool spool --no-modems --listen 127.0.0.1:0 >received.jsonl &"
fax-recv --spool "$PWD/spool" --no-modems --listen 127.0.0.1:0 --port-file "$PWD/recv.port" >received.jsonl 2>recv.err &
recv=$!
for _ in $(seq 100); do [ -s recv.port ] && break; sleep 0.05; done
[ -s recv.port ] || { echo "demo: fax-recv did not start: $(cat recv.err)" >&2; exit 69; }
step "fax-sim call --socket 127.0.0.1:$(cat recv.port) --to 5550100 --from 5552222 --file doc.tif"
fax-sim call --socket "127.0.0.1:$(cat recv.port)" --to 5550100 --from 5552222 --from-name "Demo Sender" \
    --file doc.tif >call.json
for _ in $(seq 200); do grep -q '"type":"fax.received"' received.jsonl && break; sleep 0.05; done
step "what fax-recv printed (jq)"
jq -c '{type, from: .caller_number, to: .recipient, page, pages, rate: .transfer_rate, file, commid} | with_entries(select(.value != null))' \
    received.jsonl
step "ls spool/recvq spool/log; cut -f2-5,8,9,11 spool/log/xferfaxlog"
ls spool/recvq spool/log
cut -f2-5,8,9,11 spool/log/xferfaxlog
file=$(jq -r 'select(.type == "fax.received") | .file' received.jsonl)
if command -v faxinfo >/dev/null; then
    step "faxinfo spool/$file   # HylaFAX's own tool reads the tags"
    faxinfo "spool/$file" | sed -n '2,9p'
fi
step "fax-sim compare doc.tif spool/$file"
fax-sim compare doc.tif "spool/$file" && echo "identical: fax-recv stored the same 3 pages"
kill "$recv" && wait "$recv" && recv=''
echo
echo "demo: done. See man -l $build/man/fax-send.1, fax-recv.1, fax-sim.1 and fax-esl.1 (in $build/man)"
