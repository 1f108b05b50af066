#!/usr/bin/env bats
# fax-send (issue #4) against fax-sim, the FreeSWITCH stand-in that really faxes with spandsp: standalone
# (`fax-send --to N FILE`, JSON lines on stdout) and HylaFAX mode without faxq (`fax-send -m freeswitch0
# sendq/q7` in a spool built here, config through FAXKIT_CONFIG as faxq passes no flags).
# References: man/fax-send.1.scd, ../shared/research/hylafax-integration.md (§2 qfile and exit status, §3
# modem FIFO, §5 session log and xferfaxlog), hylafax-samples/qfile-as-passed-to-SendFaxCmd.txt,
# tests/fixtures/scenarios/example.json (4930111 busy, 4930444 unallocated, 4930999 txfax hangs,
# 49301* CSI "ACME FAX 1"; gateways gw1, gw2 up, gw-dead down).

# Python check code is passed in single quotes on purpose; $output etc. come from bats' run.
# shellcheck disable=SC2016,SC2154,SC2030,SC2031

bats_require_minimum_version 1.5.0

# Run from a build directory alone (FAXKIT_BUILD_DIR=...): take fax-esl from there too.
if [[ -z "${FAXKIT_BIN_DIR:-}" && -n "${FAXKIT_BUILD_DIR:-}" ]]; then
	export FAXKIT_BIN_DIR="$FAXKIT_BUILD_DIR/tools/fax-esl"
fi

setup_file() {
	load helpers/common
	load helpers/sim
	sim_make_doc || return 1
}

setup() {
	load helpers/common
	load helpers/sim
	sim_setup
	DOC="$BATS_FILE_TMPDIR/doc.tif"
	SCENARIO="$FAXKIT_ROOT/tests/fixtures/scenarios/example.json"
	FAX_SEND="$FAXKIT_BUILD_DIR/tools/fax-send/fax-send"
	[[ -x "$FAX_SEND" ]] || fail "fax-send binary not found at $FAX_SEND (build first or set FAXKIT_BUILD_DIR)"
	OUT="$BATS_TEST_TMPDIR/out.jsonl"
	SPOOL='' CAP=''
}

teardown() {
	sim_teardown
	if [[ -z "${BATS_TEST_COMPLETED:-}" && -n "$SPOOL" ]]; then
		echo "--- qfile:" >&3
		sed 's/^/# /' "$SPOOL/sendq/q7" >&3 2>/dev/null || true
		echo "--- session logs:" >&3
		cat "$SPOOL"/log/c* 2>/dev/null | sed 's/^/# /' >&3 || true
	fi
}

# Upper bound for one fax-send run: a hang shows up as exit 124.
FAX_SEND_LIMIT="${FAX_SEND_LIMIT:-30}"

# fax_send ARGS...: fax-send with a hard time limit (use under `run`).
fax_send() {
	timeout -k 5 "$FAX_SEND_LIMIT" "$FAX_SEND" "$@"
}

# send_to NUMBER [ARGS...]: standalone send of $DOC through fax-sim, gateway gw1 (use under `run`).
send_to() {
	local n=$1
	shift
	fax_send -H "$SIM_ADDR" --to "$n" --gateway gw1 "$@" "$DOC"
}

# save_output: bats' $output (stdout with --separate-stderr) into $OUT for jsonl_check.
save_output() {
	printf '%s\n' "$output" >"$OUT"
}

# conf TEXT: write TEXT as the config file and export FAXKIT_CONFIG.
conf() {
	export FAXKIT_CONFIG="$BATS_TEST_TMPDIR/faxkit.conf"
	printf '%s\n' "$1" >"$FAXKIT_CONFIG"
}

now_ms() {
	date +%s%3N
}

# assert_one_send_error PREFIX: stderr is exactly one line, "fax-send: error: PREFIX...".
assert_one_send_error() {
	if [[ ${#stderr_lines[@]} -ne 1 || "${stderr_lines[0]}" != "fax-send: error: $1"* ]]; then
		batslib_print_kv_single_or_multi 6 stderr "$stderr" |
			batslib_decorate "expected exactly one 'fax-send: error: $1...' line on stderr" | fail
	fi
}

# assert_sim_sessions N: fax-sim created exactly N channels since it started (a refused originate makes none).
assert_sim_sessions() {
	run -0 --separate-stderr sim_esl api status
	assert_line -n 2 "$1 session(s) since startup"
}

assert_no_channels() {
	run -0 --separate-stderr sim_esl api show channels
	assert_equal "${lines[-1]}" '0 total.'
}

# assert_channel_gone UUID: fax-sim no longer has the channel.
assert_channel_gone() {
	run -1 --separate-stderr sim_esl api uuid_getvar "$1" uuid
	assert_no_channels
}

# ---------------------------------------------------------------- the ESL event capture

# capture_start: `fax-esl events --format json ALL` against fax-sim into $CAP; returns once the subscription
# is in place (fax-sim shows our own `api version` as an API event). JSON, so values arrive unencoded.
capture_start() {
	CAP="$BATS_TEST_TMPDIR/capture.jsonl"
	fax_esl -H "$SIM_ADDR" events --format json ALL >"$CAP" 2>"$BATS_TEST_TMPDIR/capture.err" 3>&- &
	BG_PIDS+=("$!")
	wait_until 10 grep -q '"type":"esl.connected"' "$CAP" || fail "capture did not connect: $(cat "$BATS_TEST_TMPDIR/capture.err")"
	wait_until 10 capture_sees_api || fail "capture got no API event"
}

capture_sees_api() {
	sim_esl api version >/dev/null 2>&1 || return 1
	grep -q '"API-Command":"version"' "$CAP"
}

# capture_sync: wait until the capture holds every event fax-sim fired so far (fax-sim fires events in
# order on one loop: once the API event of a marker command is in, so is everything before it).
capture_sync() {
	local mark
	mark=$(new_uuid)
	fax_esl -H "$SIM_ADDR" api "db exists/sync/$mark" >/dev/null 2>&1 || fail "api db exists failed"
	wait_until 10 grep -q "$mark" "$CAP" || fail "the capture did not catch up"
}

# ---------------------------------------------------------------- a HylaFAX spool without faxq

# spool_setup [EXTERNAL [NUMBER]]: $SPOOL with sendq/ docq/ log/ FIFO.freeswitch0 (nobody reading), the
# document docq/doc7.tif ($DOC), log/seqf holding 41 (the next commid) and sendq/q7, a qfile shaped like
# the one faxq 6.0.7 passes to SendFaxCmd (returned:7), with two lines fax-send does not know.
spool_setup() {
	local external=${1:-4930123456} number=${2:-${1:-4930123456}}
	SPOOL="$BATS_TEST_TMPDIR/spool"
	mkdir -p "$SPOOL/sendq" "$SPOOL/docq" "$SPOOL/log"
	mkfifo -m 0600 "$SPOOL/FIFO.freeswitch0"
	cp "$DOC" "$SPOOL/docq/doc7.tif"
	printf '41' >"$SPOOL/log/seqf"
	QFILE="$SPOOL/sendq/q7"
	cat >"$QFILE" <<EOF
tts:0
killtime:1795451879
retrytime:0
state:6
npages:0
totpages:3
nskip:0
skippages:0
ntries:0
ndials:0
totdials:0
maxdials:12
tottries:0
maxtries:3
x-faxkit-unknown:kept as it is
pagewidth:209
resolution:196
pagelength:296
desiredbr:13
desiredec:2
desireddf:3
external:$external
number:$number
mailaddr:alice@example.org
sender:Alice Example
jobid:7
jobtag:tag-7
pagehandling:e0Se0Z0078P
modem:freeswitch0
faxnumber:
tsi:
client:localhost
owner:alice
groupid:7
signalrate:
dataformat:
jobtype:facsimile
tagline:
commid:
csi:
status:
statuscode:0
returned:7
notify:none
zz-unknown:with: colons: inside
!postscript:0::docq/doc7.ps
fax:0::docq/doc7.tif
EOF
	cp "$QFILE" "$BATS_TEST_TMPDIR/q7.orig"
	EVENTS="$BATS_TEST_TMPDIR/events.jsonl"
}

# hconf [EXTRA...]: the HylaFAX-mode config (fax-sim's socket, gateway gw1, the spool, events file,
# jobreqbusy 120) plus EXTRA lines appended (sections may repeat).
hconf() {
	local extra
	extra=$(printf '%s\n' "$@")
	conf "[freeswitch]
socket = $SIM_ADDR
gateway = gw1
[hylafax]
spooldir = $SPOOL
[fax-send]
events = $EVENTS
jobreqbusy = 120
$extra"
}

# hf_send: fax-send as faxq runs it: cwd the spool, only -m MODEM QFILE (use under `run`).
hf_send() {
	cd "$SPOOL" && fax_send -m freeswitch0 sendq/q7
}

# q KEY: the value of the qfile's first KEY line.
q() {
	sed -n "s/^$1://p" "$QFILE" | head -n 1
}

# fifo_reader_start: read FIFO.freeswitch0 (opened O_RDWR, so no EOF between writers) into $FIFO_OUT.
fifo_reader_start() {
	FIFO_OUT="$BATS_TEST_TMPDIR/fifo.bytes"
	local ready="$BATS_TEST_TMPDIR/fifo.ready"
	python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
out = open(sys.argv[2], "ab", 0)
open(sys.argv[3], "w").close()
while True:
    out.write(os.read(fd, 4096))
' "$SPOOL/FIFO.freeswitch0" "$FIFO_OUT" "$ready" </dev/null 3>&- &
	BG_PIDS+=("$!")
	wait_until 10 test -e "$ready" || fail "FIFO reader did not start"
}

# fifo_holds PYTHON-BYTES: the reader got exactly these bytes.
fifo_holds() {
	python3 -c 'import sys; sys.exit(open(sys.argv[1], "rb").read() != eval(sys.argv[2]))' "$FIFO_OUT" "$1"
}

# check_qfile PYTHON-DICT: the qfile is the original with exactly these values changed (None: line removed),
# lines in the same order, unknown lines untouched.
check_qfile() {
	python3 - "$BATS_TEST_TMPDIR/q7.orig" "$QFILE" "$1" <<'EOF'
import sys
orig = open(sys.argv[1]).read().splitlines()
new = open(sys.argv[2]).read().splitlines()
want = eval(sys.argv[3])
exp = []
for line in orig:
    key = line.split(":", 1)[0]
    if key in want:
        if want[key] is None:
            continue
        exp.append("%s:%s" % (key, want[key]))
    else:
        exp.append(line)
if new != exp:
    import difflib
    sys.exit("qfile differs from what was expected:\n" + "\n".join(difflib.unified_diff(exp, new, "expected", "qfile", lineterm="")))
EOF
}

# ---------------------------------------------------------------- 1. a 3-page fax

@test "standalone: 3 pages sent; JSON lines dialing, negotiated, page 1-3, sent in order; received pages equal" {
	sim_start --scenario "$SCENARIO"
	run -0 --separate-stderr send_to 4930123456 --id job-1
	save_output
	assert_equal "$stderr" ''
	jsonl_check "$OUT" '
types = [r["type"] for r in recs]
assert types == ["fax.dialing", "fax.negotiated", "fax.page", "fax.page", "fax.page", "fax.sent"], types
assert all(r["id"] == "job-1" for r in recs), [r["id"] for r in recs]
assert all(r["direction"] == "send" for r in recs), [r.get("direction") for r in recs]
d, n, pages, s = recs[0], recs[1], recs[2:5], recs[5]
u = d["uuid"]
assert len(u) == 36 and all(r["uuid"] == u for r in recs), [r["uuid"] for r in recs]
assert (d["number"], d["gateway"], d["attempt"]) == ("4930123456", "gw1", 1), d
assert (n["count"], n["transfer_rate"], n["ecm"], n["t38_status"]) == (1, 14400, True, "off"), n
assert n["remote_station_id"] == "ACME FAX 1", n          # the scenario CSI of 49301*
assert [p["page"] for p in pages] == [1, 2, 3] and all(p["total_pages"] == 3 for p in pages), pages
assert all(p["bad_rows"] == 0 and p["image_size"] > 0 for p in pages), pages
for k, v in {"status": "sent", "final": True, "reason": "", "hangup_cause": "NORMAL_CLEARING", "number": "4930123456",
             "gateway": "gw1", "attempt": 1, "answered": True, "pages": 3, "total_pages": 3, "transfer_rate": 14400,
             "ecm": True, "t38_status": "off", "remote_station_id": "ACME FAX 1", "result_code": 0,
             "result_text": "OK", "negotiations": 1, "bad_rows": 0, "fallback_active": False,
             "fallback_written": False, "killed": False}.items():
    assert s[k] == v, (k, s[k], v)
assert s["legs"] == [{"gateway": "gw1", "uuid": u, "cause": "NORMAL_CLEARING", "answered": True}], s["legs"]
assert s["duration_ms"] >= s["connect_ms"] >= 0, s
'
	local u
	u=$(head -n 1 "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["uuid"])')
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$u.tif"
	assert_channel_gone "$u"
}

@test "HylaFAX mode: exit 2; qfile, seqf, xferfaxlog, session log, SB/SR on the modem FIFO, events file" {
	sim_start --scenario "$SCENARIO"
	spool_setup
	hconf
	fifo_reader_start
	run -2 --separate-stderr hf_send
	# the pages arrived, equal to the document
	local u
	u=$(head -n 1 "$EVENTS" | python3 -c 'import json, sys; print(json.load(sys.stdin)["uuid"])')
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$u.tif"
	# commid: what log/seqf held (41), 9 digits; seqf now holds the next one
	assert_equal "$(cat "$SPOOL/log/seqf")" 42
	check_qfile '{"npages": "3", "ndials": "0", "totdials": "1", "tottries": "1", "signalrate": "14400 bit/s",
	             "dataformat": "2-D MMR", "commid": "000000041", "csi": "ACME FAX 1", "status": "",
	             "statuscode": "0", "returned": "2", "fax": None}'
	# one SEND record of 19 tab-separated fields
	python3 - "$SPOOL/log/xferfaxlog" <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "" and len(lines) == 2, lines
f = lines[0].split("\t")
assert len(f) == 19, f
assert re.fullmatch(r"\d\d/\d\d/\d\d \d\d:\d\d", f[0]), f[0]
want = {1: "SEND", 2: "000000041", 3: "freeswitch0", 4: "7", 5: '"tag-7"', 6: "alice@example.org",
        7: '"4930123456"', 8: '"ACME FAX 1"', 10: "3", 13: '""', 17: '"alice"'}
for i, v in want.items():
    assert f[i] == v, (i, f[i], v)
assert f[9] != "0" and f[9].isdigit(), f[9]     # the negotiated session's parameter word
assert re.fullmatch(r"\d+:\d\d:\d\d", f[11]) and re.fullmatch(r"\d+:\d\d:\d\d", f[12]), f
EOF
	# the session log, in faxsend's line format
	python3 - "$SPOOL/log/c000000041" <<'EOF'
import re, sys
rx = re.compile(r"[A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d\.\d\d: \[ *(\d+)\]: (.*)")
ms = [rx.fullmatch(l) for l in open(sys.argv[1]).read().splitlines()]
assert ms and all(ms), [l for l, m in zip(open(sys.argv[1]).read().splitlines(), ms) if not m]
texts = [m.group(2) for m in ms]
assert len({m.group(1) for m in ms}) == 1, "one pid"
assert texts[0] == "SESSION BEGIN 000000041 4930123456", texts[0]
assert texts[-1] == "SESSION END", texts[-1]
assert "SEND FAX: JOB 7 DEST 4930123456 COMMID 000000041 DEVICE 'freeswitch0' FROM 'Alice Example <alice@example.org>' USER alice" in texts, texts
assert any(t.startswith("SEND FAX: JOB 7 SENT 3 page(s) in ") for t in texts), texts
assert sum(t.startswith("SEND page ") for t in texts) == 3, texts
EOF
	[[ "$(stat -c %a "$SPOOL/log/c000000041")" == 600 ]] || fail "session log mode $(stat -c %a "$SPOOL/log/c000000041")"
	# the virtual modem heard "busy" then "ready"
	wait_until 5 fifo_holds 'b"SB\0SR\0"' || fail "FIFO.freeswitch0 got: $(od -c "$FIFO_OUT")"
	# the events file: the same records, with jobid, commid, modem; the last one with returned
	jsonl_check "$EVENTS" '
types = [r["type"] for r in recs]
assert types == ["fax.dialing", "fax.negotiated", "fax.page", "fax.page", "fax.page", "fax.sent"], types
for r in recs:
    assert (r["id"], r["jobid"], r["commid"], r["modem"], r["direction"]) == ("7", "7", "000000041", "freeswitch0", "send"), r
assert recs[-1]["returned"] == "2" and recs[-1]["pages"] == 3 and recs[-1]["status"] == "sent", recs[-1]
assert "returned" not in recs[0]
'
}

# ---------------------------------------------------------------- 2. busy

@test "HylaFAX mode: busy -> exit 0, returned:0, status code 1, tts = now + jobreqbusy; counters grow per run" {
	sim_start --scenario "$SCENARIO"
	spool_setup 4930111
	hconf
	local t0 t1
	t0=$(date +%s)
	run -0 --separate-stderr hf_send
	t1=$(date +%s)
	check_qfile "{\"totdials\": \"1\", \"ndials\": \"1\", \"commid\": \"000000041\",
	             \"status\": \"Busy signal detected\", \"statuscode\": \"1\", \"returned\": \"0\",
	             \"tts\": \"$(q tts)\"}"
	local tts
	tts=$(q tts)
	((tts >= t0 + 120 && tts <= t1 + 120)) || fail "tts $tts not within [$((t0 + 120)), $((t1 + 120))]"
	assert_equal "$(q tottries)" 0 # never answered
	grep -q 'SEND FAILED: JOB 7 DEST 4930111 ERR \[1\] Busy signal detected \[USER_BUSY\] (will retry)$' "$SPOOL/log/c000000041" ||
		fail "no SEND FAILED line in the session log"
	# faxq runs it again later: the counters go on, a new commid
	run -0 --separate-stderr hf_send
	assert_equal "$(q totdials)" 2
	assert_equal "$(q ndials)" 2
	assert_equal "$(q returned)" 0
	assert_equal "$(q commid)" 000000042
	assert_equal "$(cat "$SPOOL/log/seqf")" 43
	# the document is still to be sent, and each try left a SEND record
	assert_equal "$(q fax)" '0::docq/doc7.tif'
	run -0 awk -F '\t' '{ print NF, $2, $3, $14 }' "$SPOOL/log/xferfaxlog"
	assert_output $'19 SEND 000000041 "Busy signal detected"\n19 SEND 000000042 "Busy signal detected"'
	assert_sim_sessions 0
}

# ---------------------------------------------------------------- 3. failedresponse

@test "HylaFAX mode: unallocated with failedresponse=UNALLOCATED_NUMBER -> exit 1, returned:1; without it -> retry" {
	sim_start --scenario "$SCENARIO"
	spool_setup 4930444
	hconf '[gofaxsend]' 'failedresponse = CALL_REJECTED' 'failedresponse = UNALLOCATED_NUMBER'
	run -1 --separate-stderr hf_send
	assert_equal "$(q returned)" 1
	assert_equal "$(q statuscode)" 6
	assert_equal "$(q status)" 'Call failed: UNALLOCATED_NUMBER'
	assert_equal "$(q tts)" 0 # no retry time for a failed job
	jsonl_check "$EVENTS" '
s = recs[-1]
assert (s["type"], s["status"], s["final"], s["hangup_cause"], s["returned"]) == \
    ("fax.failed", "failed", True, "UNALLOCATED_NUMBER", "1"), s
'
	# the same job without failedresponse: retried
	cp "$BATS_TEST_TMPDIR/q7.orig" "$QFILE"
	hconf
	run -0 --separate-stderr hf_send
	assert_equal "$(q returned)" 0
	assert_equal "$(q status)" 'Call failed: UNALLOCATED_NUMBER'
}

# ---------------------------------------------------------------- 4. gateway failover

@test "the first gateway is down: the second is used, each leg with its own uuid" {
	sim_start --scenario "$SCENARIO"
	conf "[freeswitch]
gateway = gw-dead
gateway = gw1"
	run -0 --separate-stderr fax_send -H "$SIM_ADDR" --to 4930123456 "$DOC"
	save_output
	jsonl_check "$OUT" '
dial = [r for r in recs if r["type"] == "fax.dialing"]
assert [(d["gateway"], d["attempt"]) for d in dial] == [("gw-dead", 1), ("gw1", 2)], dial
s = recs[-1]
assert s["type"] == "fax.sent" and s["gateway"] == "gw1" and s["attempt"] == 2, s
legs = s["legs"]
assert [(l["gateway"], l["cause"], l["answered"]) for l in legs] == \
    [("gw-dead", "GATEWAY_DOWN", False), ("gw1", "NORMAL_CLEARING", True)], legs
assert [l["uuid"] for l in legs] == [d["uuid"] for d in dial], (legs, dial)
assert legs[0]["uuid"] != legs[1]["uuid"] and s["uuid"] == legs[1]["uuid"], legs
'
	assert_sim_sessions 1
}

# ---------------------------------------------------------------- 5. DynamicConfig

# dc_script EXIT [OUTPUT-LINES...]: an executable DynamicConfig that records its argv in $DC_ARGV.
dc_script() {
	local rc=$1
	shift
	DC="$BATS_TEST_TMPDIR/DynamicConfig"
	DC_ARGV="$BATS_TEST_TMPDIR/dc.argv"
	{
		printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s"\n' "$DC_ARGV"
		[[ $# -gt 0 ]] && printf 'printf "%%s\\n" %s\n' "$(printf "'%s' " "$@")"
		[[ $rc -ne 0 ]] && printf 'echo "no database for $3" >&2\n'
		printf 'exit %s\n' "$rc"
	} >"$DC"
	chmod +x "$DC"
}

@test "DynamicConfig RejectCall: exit 1, Transmission rejected by DynamicConfig, no call; argv modem owner number jobid" {
	sim_start --scenario "$SCENARIO"
	spool_setup 4930123456 '+49 30 123456'
	dc_script 0 'RejectCall: yes'
	hconf '[gofaxsend]' "dynamicconfig = $DC"
	run -1 --separate-stderr hf_send
	assert_equal "$(q returned)" 1
	assert_equal "$(q status)" 'Transmission rejected by DynamicConfig'
	assert_equal "$(q statuscode)" 6
	run -0 cat "$DC_ARGV"
	assert_output $'freeswitch0\nalice\n+49 30 123456\n7'
	jsonl_check "$EVENTS" '
assert len(recs) == 1 and recs[0]["type"] == "fax.failed", recs
r = recs[0]
assert (r["status"], r["final"], r["reason"], r["returned"]) == ("failed", True, "Transmission rejected by DynamicConfig", "1"), r
'
	assert_sim_sessions 0
}

@test "DynamicConfig overrides LocalIdentifier, TagLine, FAXNumber, Gateway, CallPrefix: seen in fax-sim's channel" {
	sim_start --scenario "$SCENARIO"
	spool_setup 4930123456
	dc_script 0 'LocalIdentifier: DC-Ident' 'TagLine: DC header line' 'FAXNumber: 4930777' \
		'Gateway: gw-dead, gw2' 'CallPrefix: 0' 'RejectCall: no'
	hconf '[freeswitch]' 'ident = Config-Ident' 'header = Config header' '[gofaxsend]' "dynamicconfig = $DC" \
		'faxnumber = 4930555' 'cidname = cidnum' 'callprefix = 9'
	capture_start
	run -2 --separate-stderr hf_send
	run -0 cat "$DC_ARGV"
	assert_output $'freeswitch0\nalice\n4930123456\n7'
	capture_sync
	jsonl_check "$CAP" '
import urllib.parse
ans = [e for e in events() if e["event"] == "CHANNEL_ANSWER"]
assert len(ans) == 1, ans
h = ans[0]["headers"]
assert h["Channel-Name"] == "sofia/gateway/gw2/04930123456", h["Channel-Name"]
assert h["variable_sip_gateway_name"] == "gw2" and h["Caller-Destination-Number"] == "04930123456", h
assert h["Caller-Caller-ID-Number"] == "4930777" and h["variable_origination_caller_id_number"] == "4930777", h
assert h["variable_origination_caller_id_name"] == "4930777", h   # cidname cidnum: the DynamicConfig number
assert urllib.parse.unquote(h["variable_fax_ident"]) == "DC-Ident", h["variable_fax_ident"]
assert urllib.parse.unquote(h["variable_fax_header"]) == "DC header line", h["variable_fax_header"]
neg = [e["headers"] for e in events() if e["subclass"] == "spandsp::txfaxnegociateresult"]
assert len(neg) == 1 and neg[0]["fax-local-station-id"] == "DC-Ident", neg
orig = [e["headers"]["API-Command-Argument"] for e in events()
        if e["event"] == "API" and e["headers"].get("API-Command") == "originate"]
assert len(orig) == 2 and "sofia/gateway/gw-dead/04930123456 " in orig[0] and "sofia/gateway/gw2/04930123456 " in orig[1], orig
'
	jsonl_check "$EVENTS" '
s = recs[-1]
assert [(l["gateway"], l["cause"]) for l in s["legs"]] == [("gw-dead", "GATEWAY_DOWN"), ("gw2", "NORMAL_CLEARING")], s["legs"]
assert s["number"] == "04930123456" and s["local_station_id"] == "DC-Ident", s
'
}

@test "DynamicConfig that fails (exit 3): retry, status Error calling DynamicConfig with its stderr, no call" {
	sim_start --scenario "$SCENARIO"
	spool_setup
	dc_script 3 'LocalIdentifier: never used'
	hconf '[gofaxsend]' "dynamicconfig = $DC"
	run -0 --separate-stderr hf_send
	assert_equal "$(q returned)" 0
	local status
	status=$(q status)
	[[ "$status" == "Error calling DynamicConfig"*"exit status 3"*"no database for 4930123456"* ]] ||
		fail "status: $status"
	assert_equal "$(q statuscode)" 6
	assert_equal "$(q totdials)" 0
	assert_sim_sessions 0
}

# ---------------------------------------------------------------- 6. db overrides

@test "db override-<number> variables reach the call (fax_ident from the db, not --ident)" {
	sim_start --scenario "$SCENARIO"
	run -0 --separate-stderr sim_esl api db insert/override-4930123456/fax_ident/OverriddenID
	run -0 --separate-stderr send_to 4930123456 --ident Original
	save_output
	jsonl_check "$OUT" '
n = [r for r in recs if r["type"] == "fax.negotiated"]
assert len(n) == 1 and n[0]["local_station_id"] == "OverriddenID", n
assert recs[-1]["type"] == "fax.sent" and recs[-1]["local_station_id"] == "OverriddenID", recs[-1]
'
	# another number keeps --ident
	run -0 --separate-stderr send_to 4930123457 --ident Original
	save_output
	jsonl_check "$OUT" 'assert [r["local_station_id"] for r in recs if r["type"] == "fax.negotiated"] == ["Original"]'
}

# ---------------------------------------------------------------- 7. softmodem fallback entry

@test "softmodem fallback: an entry in db fallback/<number> turns T.38 off; without one T.38 is negotiated" {
	sim_start --scenario "$SCENARIO"
	conf '[freeswitch]
softmodemfallback = true
[gofaxsend]
enablet38 = true
requestt38 = true'
	run -0 --separate-stderr sim_esl api db insert/fallback/4930123456/1700000000
	run -0 --separate-stderr send_to 4930123456
	save_output
	jsonl_check "$OUT" '
n = [r for r in recs if r["type"] == "fax.negotiated"]
assert len(n) == 1 and n[0]["t38_status"] == "off", n
s = recs[-1]
assert (s["type"], s["t38_status"], s["fallback_active"], s["fallback_written"]) == ("fax.sent", "off", True, False), s
'
	run -0 --separate-stderr send_to 4930123457
	save_output
	jsonl_check "$OUT" '
s = recs[-1]
assert (s["type"], s["t38_status"], s["fallback_active"]) == ("fax.sent", "negotiated", False), s
'
	# the entry is left as it was
	run -0 --separate-stderr sim_esl api db select/fallback/4930123456
	assert_output 1700000000
}

# ---------------------------------------------------------------- 8. writing a fallback entry

@test "softmodem fallback: fax-sim's noisy line fails with one negotiation and no bad rows seen: no entry written" {
	# What fax-sim reports to a sender (fax-sim(1): "the sender's fax-bad-rows stays 0"): a noisy line
	# without ECM fails with T.30 code 38 after one txfaxnegociateresult, fax-bad-rows 0 on every page.
	# gofaxip's rule (more than one negotiation, or bad rows) therefore does not match.
	sim_start --scenario "$(sim_scenario sc '{"numbers": {"4930801": {"noise_dbm0": -20, "ecm": false}}}')"
	conf '[freeswitch]
softmodemfallback = true'
	run -75 --separate-stderr send_to 4930801
	save_output
	jsonl_check "$OUT" '
s = recs[-1]
assert (s["type"], s["status"], s["answered"], s["negotiations"], s["bad_rows"]) == ("fax.failed", "retry", True, 1, 0), s
assert s["result_code"] == 38, s
assert s["fallback_written"] is False, s
'
	run -0 --separate-stderr sim_esl api db exists/fallback/4930801
	assert_output false
}

@test "softmodem fallback learns from fax-sim: a late T.38 re-INVITE that breaks the fax writes the entry; the retry goes over G.711" {
	# A T.38 gateway that switches on hearing V.21 ("late_fails"): the sender negotiates over G.711,
	# then over T.38, and the fax fails. Two negotiations: gofaxip's rule writes db fallback/<number>.
	sim_start --scenario "$(sim_scenario sc '{"numbers": {"4930741": {"t38": "late_fails"}}}')"
	conf '[freeswitch]
softmodemfallback = true
[gofaxsend]
enablet38 = true
requestt38 = false'
	local t0 t1
	t0=$(date +%s)
	run -75 --separate-stderr send_to 4930741
	t1=$(date +%s)
	save_output
	jsonl_check "$OUT" '
n = [r["t38_status"] for r in recs if r["type"] == "fax.negotiated"]
assert n == ["off", "negotiated"], n
s = recs[-1]
assert (s["type"], s["status"], s["negotiations"], s["result_code"], s["pages"]) == ("fax.failed", "retry", 2, 49, 0), s
assert (s["fallback_active"], s["fallback_written"]) == (False, True), s
'
	run -0 --separate-stderr sim_esl api db select/fallback/4930741
	((output >= t0 && output <= t1)) || fail "fallback entry $output is not the time of the send [$t0, $t1]"
	# the retry finds the entry: T.38 off, no re-INVITE accepted, the fax goes through over G.711
	run -0 --separate-stderr send_to 4930741
	save_output
	jsonl_check "$OUT" '
n = [r["t38_status"] for r in recs if r["type"] == "fax.negotiated"]
assert n == ["off"], n
s = recs[-1]
assert (s["type"], s["pages"], s["t38_status"], s["fallback_active"], s["fallback_written"]) == ("fax.sent", 3, "off", True, False), s
'
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$(jq -r 'select(.type == "fax.sent") | .uuid' <<<"$output").tif"
}

@test "softmodem fallback: a fax that succeeds after two negotiations (late T.38) writes no entry" {
	sim_start --scenario "$(sim_scenario sc '{"numbers": {"4930740": {"t38": "late"}}}')"
	conf '[freeswitch]
softmodemfallback = true
[gofaxsend]
enablet38 = true
requestt38 = false'
	run -0 --separate-stderr send_to 4930740
	save_output
	jsonl_check "$OUT" '
s = recs[-1]
assert (s["type"], s["negotiations"], s["t38_status"], s["pages"]) == ("fax.sent", 2, "negotiated", 3), s
assert (s["fallback_active"], s["fallback_written"]) == (False, False), s
'
	run -0 --separate-stderr sim_esl api db exists/fallback/4930740
	assert_output false
}

# fb_fake_start: a scripted Event Socket (python3) for the order fax-sim does not play (T.38 first, then audio): one bgapi
# originate answers, then two txfaxnegociateresult (T.38, then audio), a failed txfaxresult and the hangup.
# Implements auth, filter, event, api db (in memory), uuid_kill; logs every command to $FB_LOG.
fb_fake_start() {
	local pf="$BATS_TEST_TMPDIR/fb.port"
	FB_LOG="$BATS_TEST_TMPDIR/fb.log"
	cat >"$BATS_TEST_TMPDIR/fb_fake.py" <<'EOF'
import re, socket, sys, threading, urllib.parse
db = {}
log = open(sys.argv[2], "a", buffering=1)

def enc(v):
    return urllib.parse.quote(v, safe="")

def event(conn, headers, body=""):
    text = "".join("%s: %s\n" % (k, enc(v)) for k, v in headers)
    if body:
        text += "Content-Length: %d\n\n%s" % (len(body), body)
    else:
        text += "\n"
    conn.sendall(("Content-Length: %d\nContent-Type: text/event-plain\n\n" % len(text.encode())).encode() + text.encode())

def reply(conn, text, extra=""):
    conn.sendall(("Content-Type: command/reply\nReply-Text: %s\n%s\n" % (text, extra)).encode())

def api(conn, body):
    conn.sendall(("Content-Type: api/response\nContent-Length: %d\n\n%s" % (len(body), body)).encode())

def db_cmd(arg):
    p = arg.split("/")
    if p[0] == "insert":
        db[(p[1], p[2])] = p[3]
        return "+OK"
    if p[0] == "exists":
        return "true" if (p[1], p[2]) in db else "false"
    if p[0] == "select":
        return db.get((p[1], p[2]), "-ERR no reply\n")
    return "-ERR no reply\n"

def fax(conn, job, uuid):
    event(conn, [("Event-Name", "BACKGROUND_JOB"), ("Job-UUID", job), ("Job-Command", "originate")], "+OK %s\n" % uuid)
    base = [("Unique-ID", uuid), ("Channel-Name", "sofia/gateway/gw1/4930123456")]
    event(conn, [("Event-Name", "CHANNEL_ANSWER")] + base)
    for t38, rate in (("negotiated", "14400"), ("off", "9600")):
        event(conn, [("Event-Name", "CUSTOM"), ("Event-Subclass", "spandsp::txfaxnegociateresult")] + base +
              [("uuid", uuid), ("fax-transfer-rate", rate), ("fax-ecm-used", "on"), ("fax-t38-status", t38),
               ("fax-local-station-id", "TEST"), ("fax-remote-station-id", "FAR END"), ("fax-document-total-pages", "0")])
    event(conn, [("Event-Name", "CUSTOM"), ("Event-Subclass", "spandsp::txfaxresult")] + base +
          [("fax-success", "0"), ("fax-result-code", "49"), ("fax-result-text", "The call dropped prematurely"),
           ("fax-document-transferred-pages", "0"), ("fax-document-total-pages", "3"), ("fax-bad-rows", "0"),
           ("fax-transfer-rate", "9600"), ("fax-ecm-used", "on"), ("fax-t38-status", "off")])
    event(conn, [("Event-Name", "CHANNEL_HANGUP_COMPLETE")] + base + [("Hangup-Cause", "NORMAL_CLEARING")])

def serve(conn):
    conn.sendall(b"Content-Type: auth/request\n\n")
    buf = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return
        buf += data
        while b"\n\n" in buf:
            raw, buf = buf.split(b"\n\n", 1)
            lines = raw.decode().strip("\n").split("\n")
            cmd = lines[0]
            hdr = dict(l.split(": ", 1) for l in lines[1:] if ": " in l)
            log.write(cmd + "\n")
            if cmd.startswith("auth "):
                reply(conn, "+OK accepted")
            elif cmd.startswith("filter "):
                reply(conn, "+OK filter added. [%s]=[%s]" % tuple(cmd.split(" ", 2)[1:3]))
            elif cmd.startswith("event "):
                reply(conn, "+OK event listener enabled plain")
            elif cmd.startswith("api db "):
                api(conn, db_cmd(cmd[7:]))
            elif cmd.startswith("api "):
                api(conn, "+OK\n")
            elif cmd.startswith("bgapi originate "):
                job = hdr["Job-UUID"]
                reply(conn, "+OK Job-UUID: " + job, "Job-UUID: %s\n" % job)
                fax(conn, job, re.search(r"origination_uuid=([0-9a-f-]+)", cmd).group(1))
            else:
                reply(conn, "-ERR command not found")

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(8)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % srv.getsockname()[1])
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
	python3 "$BATS_TEST_TMPDIR/fb_fake.py" "$pf" "$FB_LOG" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/fb.err" 3>&- &
	BG_PIDS+=("$!")
	wait_until 10 test -s "$pf" || fail "scripted ESL did not start: $(cat "$BATS_TEST_TMPDIR/fb.err")"
	FB_ADDR="127.0.0.1:$(<"$pf")"
}

@test "softmodem fallback: a failed fax negotiated twice writes db insert/fallback/<number>/<now> (scripted ESL)" {
	# fax-sim switches only from audio to T.38 (above); this scripted switch negotiates T.38, then audio.
	fb_fake_start
	conf '[freeswitch]
softmodemfallback = true'
	local t0 t1
	t0=$(date +%s)
	run -75 --separate-stderr fax_send -H "$FB_ADDR" --to 4930123456 --gateway gw1 "$DOC"
	t1=$(date +%s)
	save_output
	jsonl_check "$OUT" '
s = recs[-1]
assert (s["type"], s["status"], s["negotiations"], s["result_code"]) == ("fax.failed", "retry", 2, 49), s
assert s["fallback_active"] is False and s["fallback_written"] is True, s
'
	run -0 --separate-stderr fax_esl -H "$FB_ADDR" api db exists/fallback/4930123456
	assert_output true
	run -0 --separate-stderr fax_esl -H "$FB_ADDR" api db select/fallback/4930123456
	((output >= t0 && output <= t1)) || fail "fallback entry $output is not the time of the send [$t0, $t1]"
	# asked before dialling, written after the hangup
	run -0 grep -n '^api db \|^bgapi originate' "$FB_LOG"
	assert_line -n 0 --regexp '^[0-9]+:api db exists/fallback/4930123456$'
	assert_line -n 2 --partial 'bgapi originate {'
	assert_line -n 3 --regexp '^[0-9]+:api db insert/fallback/4930123456/[0-9]+$'
	# with softmodemfallback off nothing is looked up or written
	conf ''
	run -75 --separate-stderr fax_send -H "$FB_ADDR" --to 4930123457 --gateway gw1 "$DOC"
	run -1 grep -c 'fallback/4930123457' "$FB_LOG"
	assert_output 0
	run -0 --separate-stderr fax_esl -H "$FB_ADDR" api db exists/fallback/4930123457
	assert_output false
}

# ---------------------------------------------------------------- 9. txfax hangs after the last page

@test "txfax hangs after the last page: pagetimeout 2s ends it with uuid_kill; sent, killed:true; channel gone" {
	sim_start --scenario "$SCENARIO"
	conf '[gofaxsend]
pagetimeout = 2s'
	local t0 t1
	t0=$(now_ms)
	run -0 --separate-stderr send_to 4930999
	t1=$(now_ms)
	save_output
	# the page timer runs from the last page: at least 2 s, and not the 10 s of the hangup wait
	(((t1 - t0) >= 2000 && (t1 - t0) < 8000)) || fail "fax-send took $((t1 - t0)) ms"
	jsonl_check "$OUT" '
s = recs[-1]
assert [r["type"] for r in recs].count("fax.page") == 3, recs
assert (s["type"], s["status"], s["pages"], s["killed"]) == ("fax.sent", "sent", 3, True), s
assert s["answered"] is True and s["reason"] == "", s
'
	local u
	u=$(head -n 1 "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["uuid"])')
	assert_channel_gone "$u"
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$u.tif"
}

# ---------------------------------------------------------------- 10. hostile values

@test "hostile numbers and gateways are refused before any originate: exit 1, the reason, no call" {
	sim_start --scenario "$SCENARIO"
	capture_start
	local n
	for n in '4930123456,fax_ident=evil' '123|sofia/gateway/gw1/999' '123 &park()' "4930123456'" '49301}23{'; do
		run -1 --separate-stderr send_to "$n"
		assert_one_send_error "fax to $n failed: originate: leg 1: number "
		[[ "$stderr" == *"only digits, '*', '#' and a leading '+' are allowed" ]] || fail "stderr: $stderr"
		save_output
		jsonl_check "$OUT" '
assert [r["type"] for r in recs] == ["fax.failed"], recs
r = recs[0]
assert (r["status"], r["final"], r["number"], r["legs"]) == ("failed", True, args[0], []), r
assert r["reason"].startswith("originate: leg 1: number "), r
' "$n"
	done
	run -1 --separate-stderr fax_send -H "$SIM_ADDR" --to 4930123456 --gateway 'gw1/4930999 &park()' "$DOC"
	assert_one_send_error 'fax to 4930123456 failed: originate: leg 1: gateway '
	assert_sim_sessions 0
	capture_sync
	run -1 grep -c '"API-Command":"originate"' "$CAP"
	assert_output 0
}

@test "hostile ident, header and caller ID are delivered exactly: percent-encoded for spandsp, escaped for FreeSWITCH" {
	sim_start --scenario "$SCENARIO"
	capture_start
	local ident="a'b,c}d|e\${x}f%zz" header="H'd,}|{\${y} %41 &park()" from="4930,x=y|z'"
	run -0 --separate-stderr send_to 4930123456 --ident "$ident" --header "$header" --from "$from"
	save_output
	jsonl_check "$OUT" '
n = [r for r in recs if r["type"] == "fax.negotiated"]
assert len(n) == 1 and n[0]["local_station_id"] == args[0], (n, args[0])
assert recs[-1]["type"] == "fax.sent" and recs[-1]["pages"] == 3, recs[-1]
' "$ident"
	capture_sync
	jsonl_check "$CAP" '
import urllib.parse
ident, header, cid = args
ans = [e["headers"] for e in events() if e["event"] == "CHANNEL_ANSWER"]
assert len(ans) == 1, ans
h = ans[0]
# mod_spandsp URL-decodes fax_ident and fax_header: what it uses is exactly the text given
assert urllib.parse.unquote(h["variable_fax_ident"]) == ident, h["variable_fax_ident"]
assert urllib.parse.unquote(h["variable_fax_header"]) == header, h["variable_fax_header"]
assert h["Caller-Caller-ID-Number"] == cid and h["variable_origination_caller_id_number"] == cid, h
# nothing leaked into other variables, no second leg, no other application
assert "variable_x" not in h and "variable_fax_ident" in h, sorted(k for k in h if k.startswith("variable_"))
neg = [e["headers"] for e in events() if e["subclass"] == "spandsp::txfaxnegociateresult"]
assert len(neg) == 1 and neg[0]["fax-local-station-id"] == ident, neg
assert neg[0]["variable_current_application"] == "txfax", neg[0]["variable_current_application"]
chans = {e["uuid"] for e in events() if e["event"] == "CHANNEL_CREATE"}
assert len(chans) == 1, chans
' "$ident" "$header" "$from"
	# the header was printed on the pages (so they differ from the document)
	local u
	u=$(head -n 1 "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["uuid"])')
	run -1 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$u.tif"
	[[ "$stderr" == *" differ: page 1"* ]] || fail "expected page 1 to carry the header: $stderr"
}

@test "an ident with a %XX sequence reaches spandsp exactly (fax-sim's JSON events)" {
	# FreeSWITCH's plain event format does not re-encode "%41" (switch_url_encode without double
	# encoding), so a plain-format reader sees "A": compare in JSON, which carries values as they are.
	sim_start --scenario "$SCENARIO"
	capture_start
	run -0 --separate-stderr send_to 4930123456 --ident 'x%41y%2'
	capture_sync
	jsonl_check "$CAP" '
neg = [e["headers"] for e in events() if e["subclass"] == "spandsp::txfaxnegociateresult"]
assert len(neg) == 1 and neg[0]["fax-local-station-id"] == "x%41y%2", neg
'
}

@test "values that cannot be carried are refused cleanly: \${ in a caller ID name, control characters in an ident" {
	sim_start --scenario "$SCENARIO"
	conf '[gofaxsend]
cidname = ${sip_from_user}'
	run -1 --separate-stderr send_to 4930123456
	assert_one_send_error 'fax to 4930123456 failed: originate: variable origination_caller_id_name: value '
	[[ "$stderr" == *"names a variable"* ]] || fail "stderr: $stderr"
	conf ''
	run -1 --separate-stderr send_to 4930123456 --ident $'TSI\nfax_ident=x'
	assert_one_send_error 'fax to 4930123456 failed: originate: variable fax_ident: control character'
	assert_sim_sessions 0
}

# ---------------------------------------------------------------- 11. robustness

@test "HylaFAX mode: nobody reads FIFO.freeswitch0: no hang, the fax is sent" {
	sim_start --scenario "$SCENARIO"
	spool_setup
	hconf
	local t0 t1
	t0=$(now_ms)
	run -2 --separate-stderr hf_send
	t1=$(now_ms)
	(((t1 - t0) < 5000)) || fail "fax-send took $((t1 - t0)) ms"
	assert_equal "$(q returned)" 2
	assert_equal "$(q npages)" 3
	grep -q ': SESSION END$' "$SPOOL/log/c000000041" || fail "no SESSION END"
}

@test "HylaFAX mode with stdin, stdout and stderr closed: exit 2, qfile updated" {
	sim_start --scenario "$SCENARIO"
	spool_setup
	hconf
	closed_fds_send() {
		cd "$SPOOL" && timeout -k 5 "$FAX_SEND_LIMIT" "$FAX_SEND" -m freeswitch0 sendq/q7 <&- >&- 2>&-
	}
	run -2 closed_fds_send
	assert_output ''
	assert_equal "$(q returned)" 2
	assert_equal "$(q npages)" 3
	assert_equal "$(q commid)" 000000041
	run -0 awk -F '\t' '{ print NF, $2, $11 }' "$SPOOL/log/xferfaxlog"
	assert_output '19 SEND 3'
}

@test "HylaFAX mode: SIGTERM during the call hangs the channel up; exit 0, returned:0 (requeue), within 5 s" {
	# --realtime: the 3 pages take about a minute of line time, so the call is surely running.
	sim_start --realtime --scenario "$SCENARIO"
	spool_setup
	hconf
	(cd "$SPOOL" && exec "$FAX_SEND" -m freeswitch0 sendq/q7) </dev/null >"$BATS_TEST_TMPDIR/send.out" \
		2>"$BATS_TEST_TMPDIR/send.err" 3>&- &
	local pid=$!
	BG_PIDS+=("$pid")
	wait_until 20 grep -q ': CONNECTED via gateway gw1$' "$SPOOL/log/c000000041" || fail "the call was not answered"
	local u
	u=$(head -n 1 "$EVENTS" | python3 -c 'import json, sys; print(json.load(sys.stdin)["uuid"])')
	run -0 --separate-stderr sim_esl api uuid_getvar "$u" uuid
	local t0 rc=0
	t0=$(now_ms)
	kill -TERM "$pid"
	wait_until 5 sim_exited "$pid" || fail "fax-send still runs 5 s after SIGTERM"
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(q returned)" 0
	assert_equal "$(q status)" 'interrupted by signal 15'
	# answered, then interrupted: faxq retries after jobreqproto (default 60 s)
	local tts t1
	t1=$(now_ms)
	tts=$(q tts)
	((tts >= t0 / 1000 + 60 && tts <= t1 / 1000 + 61)) || fail "tts $tts is not now + 60 s"
	assert_equal "$(q fax)" '0::docq/doc7.tif'
	assert_channel_gone "$u"
	jsonl_check "$EVENTS" '
s = recs[-1]
assert (s["type"], s["status"], s["killed"], s["returned"]) == ("fax.failed", "retry", True, "0"), s
'
	grep -q ': SESSION END$' "$SPOOL/log/c000000041" || fail "no SESSION END"
}

@test "FreeSWITCH unreachable: HylaFAX mode returned:0 with the connection in the status; standalone exit 75" {
	local port
	port=$(closed_port)
	SIM_ADDR="127.0.0.1:$port"
	spool_setup
	hconf
	run -0 --separate-stderr hf_send
	assert_equal "$(q returned)" 0
	local status
	status=$(q status)
	[[ "$status" == "FreeSWITCH connection: "*"$port"* ]] || fail "status: $status"
	assert_equal "$(q totdials)" 1
	conf ''
	run -75 --separate-stderr fax_send -H "127.0.0.1:$port" --to 4930123456 --gateway gw1 "$DOC"
	assert_one_send_error 'fax to 4930123456 not sent: FreeSWITCH connection: '
	save_output
	jsonl_check "$OUT" '
assert len(recs) == 1 and recs[0]["type"] == "fax.failed" and recs[0]["status"] == "retry" and recs[0]["final"] is False, recs
'
}

@test "a bad config value: one error line naming it; standalone exit 78; HylaFAX mode retry with the reason in the qfile" {
	spool_setup
	conf '[freeswitch]
gateway = gw1
[gofaxsend]
enablet38 = perhaps'
	run -78 --separate-stderr fax_send --to 4930123456 "$DOC"
	assert_output ''
	assert_one_send_error "$FAXKIT_CONFIG:4: [gofaxsend] enablet38 "
	# faxq: the job waits (returned:0, tts 5 minutes ahead) and faxstat shows why; nothing else is done
	local t0 t1
	t0=$(date +%s)
	run -0 --separate-stderr hf_send
	t1=$(date +%s)
	assert_output ''
	assert_one_send_error "fax-send cannot start: $FAXKIT_CONFIG:4: [gofaxsend] enablet38 "
	local tts status
	tts=$(q tts) status=$(q status)
	((tts >= t0 + 300 && tts <= t1 + 300)) || fail "tts $tts is not now + 300 s"
	[[ "$status" == "fax-send cannot start: $FAXKIT_CONFIG:4: [gofaxsend] enablet38 "* ]] || fail "status: $status"
	check_qfile "{\"status\": \"$status\", \"statuscode\": \"6\", \"returned\": \"0\", \"tts\": \"$tts\"}"
	run -0 ls "$SPOOL/log"
	assert_output 'seqf'
	conf '[fax-send]
pagetimeout = soon'
	run -78 --separate-stderr fax_send --to 4930123456 "$DOC"
	assert_one_send_error "$FAXKIT_CONFIG"
	[[ "$stderr" == *"[fax-send] pagetimeout"*"'soon'"* ]] || fail "stderr: $stderr"
}

# ---------------------------------------------------------------- 12. the command line

@test "--help and --version exit 0" {
	run -0 --separate-stderr fax_send --help
	assert_line --partial '--to'
	assert_line --partial '-m,--modem'
	assert_equal "$stderr" ''
	run -0 --separate-stderr fax_send --version
	assert_output --regexp '^fax-send \(faxkit\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "no --to and no -m: exit 64, one error line, nothing sent" {
	run -64 --separate-stderr fax_send "$DOC"
	assert_output ''
	assert_one_send_error 'no destination'
	run -64 --separate-stderr fax_send -m freeswitch0
	assert_output ''
	assert_one_send_error '-m needs the qfile'
	run -64 --separate-stderr fax_send -m freeswitch0 --to 4930123456 sendq/q7
	assert_one_send_error '-m and --to exclude each other'
}

# count_pages TIFF: the number of pages (IFDs) in a TIFF.
count_pages() {
	python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
e = "<" if d[:2] == b"II" else ">"
off, n = struct.unpack(e + "I", d[4:8])[0], 0
while off:
    n += 1
    cnt = struct.unpack(e + "H", d[off:off + 2])[0]
    off = struct.unpack(e + "I", d[off + 2 + 12 * cnt:off + 6 + 12 * cnt])[0]
print(n)
EOF
}

@test "PDF and PostScript input are converted and sent (2 pages each)" {
	command -v gs >/dev/null && command -v ps2pdf >/dev/null || skip "ghostscript is not installed"
	sim_start --scenario "$SCENARIO"
	local ps="$BATS_TEST_TMPDIR/doc.ps" pdf="$BATS_TEST_TMPDIR/doc.pdf" f u tmp="$BATS_TEST_TMPDIR/tmp"
	mkdir "$tmp"
	conf "[fax-send]
tmpdir = $tmp"
	cat >"$ps" <<'EOF'
%!PS-Adobe-3.0
%%Pages: 2
%%Page: 1 1
/Helvetica findfont 36 scalefont setfont 72 700 moveto (faxkit page one) show showpage
%%Page: 2 2
/Helvetica findfont 36 scalefont setfont 72 700 moveto (faxkit page two) show 72 72 500 500 rectfill showpage
%%EOF
EOF
	ps2pdf "$ps" "$pdf"
	for f in "$pdf" "$ps"; do
		run -0 --separate-stderr fax_send -H "$SIM_ADDR" --to 4930123456 --gateway gw1 "$f"
		save_output
		jsonl_check "$OUT" '
s = recs[-1]
assert (s["type"], s["pages"], s["total_pages"]) == ("fax.sent", 2, 2), s
assert [r["page"] for r in recs if r["type"] == "fax.page"] == [1, 2], recs
'
		u=$(head -n 1 "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["uuid"])')
		assert_equal "$(count_pages "$SIM_RECEIVED/$u.tif")" 2
	done
	# the converted and merged files are gone
	run -0 ls -A "$tmp"
	assert_output ''
}

@test "the document from stdin: sent, pages equal; a non-document on stdin exits 65" {
	sim_start --scenario "$SCENARIO"
	run -0 --separate-stderr fax_send -H "$SIM_ADDR" --to 4930123456 --gateway gw1 <"$DOC"
	save_output
	jsonl_check "$OUT" 'assert recs[-1]["type"] == "fax.sent" and recs[-1]["pages"] == 3, recs[-1]'
	local u
	u=$(head -n 1 "$OUT" | python3 -c 'import json, sys; print(json.load(sys.stdin)["uuid"])')
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$u.tif"
	run -65 --separate-stderr fax_send -H "$SIM_ADDR" --to 4930123456 --gateway gw1 < <(printf 'hello\n')
	assert_output ''
	assert_one_send_error 'stdin: not a TIFF, PDF or PostScript document'
	assert_sim_sessions 1
}
