#!/usr/bin/env bats
# fax-recv (issue #5), the receiver for FreeSWITCH's outbound socket, against fax-sim, which places incoming
# calls (`fax-sim call`, `fax-sim load`, `api fax-sim call` on a running `fax-sim serve`) and really faxes
# with spandsp. fax-recv runs in a private spool built here, without HylaFAX; bin/faxrcvd is a script that
# records how it was called.
# References: man/fax-sim.1.scd (INCOMING CALLS), ../shared/research/hylafax-integration.md (§4 receive
# conventions and faxrcvd, §5 xferfaxlog and session logs), ../shared/research/gofax-anchors.md (§3 gofaxd:
# DynamicConfig, recipient, softmodem fallback, faxrcvd arguments).

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
	# Needs tiffcrop and tiffcp (libtiff-tools). SHORT: one page of 120 rows, the shortest real fax (about 15 s with --realtime: 7 s to phase B, 6 s
	# for the page). SHORTLONG: that page, then a full page (about 20 s more in real time).
	local d=$BATS_FILE_TMPDIR
	"$FAX_SIM" make-tiff --pages 1 "$d/one.tif" &&
		tiffcrop -U px -z 1,1,1728,120 -c g4 "$d/one.tif" "$d/crop.tif" &&
		tiffcp -r 120 "$d/crop.tif" "$d/short.tif" &&
		tiffcp "$d/short.tif" "$d/one.tif" "$d/shortlong.tif" || return 1
}

setup() {
	load helpers/common
	load helpers/sim
	sim_setup
	DOC="$BATS_FILE_TMPDIR/doc.tif"
	SHORT="$BATS_FILE_TMPDIR/short.tif"
	SHORTLONG="$BATS_FILE_TMPDIR/shortlong.tif"
	FAX_RECV="$FAXKIT_BUILD_DIR/tools/fax-recv/fax-recv"
	[[ -x "$FAX_RECV" ]] || fail "fax-recv binary not found at $FAX_RECV (build first or set FAXKIT_BUILD_DIR)"
	SPOOL="$BATS_TEST_TMPDIR/spool"
	RECV_CONF="$BATS_TEST_TMPDIR/recv.conf"
	RECV_OUT="$BATS_TEST_TMPDIR/recv.jsonl"
	RECV_ERR="$BATS_TEST_TMPDIR/recv.err"
	RECV_PID=''
	FAXINFO=''
	for f in /usr/lib/hylafax/bin/faxinfo /usr/sbin/faxinfo; do
		if [[ -x $f ]]; then FAXINFO=$f && break; fi
	done
}

teardown() {
	local pid rc=0
	# Callers first (a call in flight would make fax-recv wait for it on SIGTERM), then fax-recv, then fax-sim.
	for pid in "${BG_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	BG_PIDS=()
	if [[ -n "$RECV_PID" ]]; then
		recv_stop || rc=$?
	fi
	if [[ -z "${BATS_TEST_COMPLETED:-}" ]]; then
		echo "--- fax-recv stderr:" >&3
		tail -n 30 "$RECV_ERR" 2>/dev/null | sed 's/^/# /' >&3 || true
		echo "--- fax-recv records:" >&3
		tail -n 30 "$RECV_OUT" 2>/dev/null | cut -c1-400 | sed 's/^/# /' >&3 || true
		echo "--- session logs:" >&3
		tail -n 12 "$SPOOL"/log/c* 2>/dev/null | sed 's/^/# /' >&3 || true
	fi
	sim_teardown
	[[ $rc -eq 0 ]] || fail "fax-recv did not exit 0 on SIGTERM (exit $rc)"
}

# ---------------------------------------------------------------- helpers

# The config every test starts from: two modems, our CSI, HylaFAX's RecvFileMode, no periodic modem
# messages, a short grace period. Later lines win (a key's last value counts).
BASE_CONF='[hylafax]
modems = 2
[freeswitch]
ident = FAXKIT RX
[fax-recv]
recvfilemode = 0644
faxnumber = +1.555.0100
reannounce = 0
grace = 20s'

# recv_conf [LINES...]: the config file: BASE_CONF, then LINES (sections may repeat).
recv_conf() {
	printf '%s\n' "$BASE_CONF" "$@" >"$RECV_CONF"
}

# recv_start [fax-recv options...]: start fax-recv on a free port with $RECV_CONF (written by recv_conf
# if not yet) and $SPOOL; records to $RECV_OUT. Sets RECV_PID, RECV_PORT, RECV_ADDR.
recv_start() {
	local pf="$BATS_TEST_TMPDIR/recv.port"
	[[ -s "$RECV_CONF" ]] || recv_conf
	rm -f "$pf"
	"$FAX_RECV" -c "$RECV_CONF" --spool "$SPOOL" --listen 127.0.0.1:0 --port-file "$pf" "$@" \
		</dev/null >"$RECV_OUT" 2>"$RECV_ERR" 3>&- &
	RECV_PID=$!
	wait_until 15 test -s "$pf" || fail "fax-recv did not start: $(cat "$RECV_ERR")"
	RECV_PORT=$(<"$pf")
	RECV_ADDR="127.0.0.1:$RECV_PORT"
}

# recv_stop: SIGTERM, wait (bounded, 30 s), return fax-recv's exit status (124 if it did not exit).
recv_stop() {
	local pid=$RECV_PID
	RECV_PID=''
	kill -TERM "$pid" 2>/dev/null || true
	recv_wait_exit "$pid" 30
}

# recv_wait_exit PID SECONDS: wait for fax-recv to exit, return its status (124 and SIGKILL on timeout).
recv_wait_exit() {
	local pid=$1 rc=0
	if ! wait_until "$2" sim_exited "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		return 124
	fi
	wait "$pid" || rc=$?
	return "$rc"
}

# recv_count TYPE: records of that type written so far.
recv_count() {
	grep -c "^{\"type\":\"$1\"" "$RECV_OUT" 2>/dev/null || true
}

recv_has() {
	[[ "$(recv_count "$1")" -ge "$2" ]]
}

# recv_wait SECONDS TYPE N: wait until fax-recv wrote N records of TYPE.
recv_wait() {
	wait_until "$1" recv_has "$2" "$3" ||
		fail "fax-recv wrote $(recv_count "$2") of $3 $2 records within $1 s"
}

# call_args ARGS...: CALL_ARGS = the defaults ARGS leave out (--to 5550100 --from 5551234 --from-name
# 'John Doe'), then ARGS.
call_args() {
	CALL_ARGS=()
	[[ " $* " == *" --to "* ]] || CALL_ARGS+=(--to 5550100)
	[[ " $* " == *" --from "* ]] || CALL_ARGS+=(--from 5551234)
	[[ " $* " == *" --from-name "* ]] || CALL_ARGS+=(--from-name 'John Doe')
	CALL_ARGS+=("$@")
}

# recv_call ARGS...: an incoming call to fax-recv, by default from 5551234 "John Doe" to 5550100 (use
# under `run`).
recv_call() {
	call_args "$@"
	fax_sim call --socket "$RECV_ADDR" "${CALL_ARGS[@]}"
}

# recv_call_bg NAME ARGS...: the same in the background, its sim.call record in $BATS_TEST_TMPDIR/NAME.out.
# Sets BG_PID (the process that SIGTERM ends: fax-sim then drops the call).
recv_call_bg() {
	local name=$1
	shift
	call_args "$@"
	timeout -k 5 "$FAX_SIM_LIMIT" "$FAX_SIM" call --socket "$RECV_ADDR" "${CALL_ARGS[@]}" \
		</dev/null >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# save_output NAME: bats' $output into $BATS_TEST_TMPDIR/NAME.out (for jsonl_check).
save_output() {
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/$1.out"
}

# record_field TYPE FIELD [N]: FIELD of the Nth (default: last) record of TYPE.
record_field() {
	python3 - "$RECV_OUT" "$1" "$2" "${3:--1}" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
recs = [r for r in recs if r["type"] == sys.argv[2]]
print(recs[int(sys.argv[4])][sys.argv[3]])
EOF
}

# make_faxrcvd: $SPOOL/bin/faxrcvd, which writes its arguments (one per line, in brackets), HANGUPCAUSE,
# TRANSFER_RATE and its working directory to $BATS_TEST_TMPDIR/faxrcvd.<commid> (renamed into place).
make_faxrcvd() {
	mkdir -p "$SPOOL/bin"
	cat >"$SPOOL/bin/faxrcvd" <<EOF
#!/bin/sh
out="$BATS_TEST_TMPDIR/faxrcvd.\$3"
{
	for a in "\$@"; do printf '[%s]\n' "\$a"; done
	printf 'HANGUPCAUSE=%s\nTRANSFER_RATE=%s\nPWD=%s\n' "\$HANGUPCAUSE" "\$TRANSFER_RATE" "\$(pwd -P)"
} >"\$out.tmp"
mv "\$out.tmp" "\$out"
EOF
	chmod 755 "$SPOOL/bin/faxrcvd"
}

# assert_faxrcvd COMMID ARG...: faxrcvd ran (within 10 s) for COMMID with exactly these arguments.
assert_faxrcvd() {
	local f="$BATS_TEST_TMPDIR/faxrcvd.$1" a want=''
	wait_until 10 test -e "$f" || fail "faxrcvd did not run for commid $1"
	shift
	for a in "$@"; do want+="[$a]"$'\n'; done
	assert_equal "$(grep '^\[' "$f")" "${want%$'\n'}"
}

# status_is MODEM TEXT: the modem's status file says TEXT.
status_is() {
	[[ "$(cat "$SPOOL/status/$1" 2>/dev/null)" == "$2" ]]
}

# xfer_check PYTHON-CODE [ARGS...]: `recs` = the xferfaxlog records split at tabs (each must have 19 fields).
xfer_check() {
	local code=$1
	shift
	python3 - "$SPOOL/log/xferfaxlog" "$@" <<EOF
import sys
args = sys.argv[2:]
recs = []
for n, line in enumerate(open(sys.argv[1], encoding='utf-8').read().split('\n')[:-1], 1):
    f = line.split('\t')
    assert len(f) == 19, 'xferfaxlog line %d has %d fields: %r' % (n, len(f), line)
    recs.append(f)
$code
EOF
}

# events_start: `fax-esl events` (API and hangup events) against fax-sim into $EVENTS; returns once
# subscribed (our own `api version` shows up).
events_start() {
	EVENTS="$BATS_TEST_TMPDIR/events.jsonl"
	"$FAXKIT_BIN_DIR/fax-esl" -H "$SIM_ADDR" events API CHANNEL_HANGUP_COMPLETE >"$EVENTS" \
		2>"$BATS_TEST_TMPDIR/events.err" </dev/null 3>&- &
	BG_PIDS+=("$!")
	wait_until 10 events_see_api || fail "the event capture got no API event: $(cat "$BATS_TEST_TMPDIR/events.err")"
}

events_see_api() {
	sim_esl api version >/dev/null 2>&1 || return 1
	grep -q '"API-Command":"version"' "$EVENTS"
}

# ---------------------------------------------------------------- 1. a reception, HylaFAX's way

@test "3 pages: image as sent, recvq/seqf and log/seqf numbering, tags, mode, xferfaxlog, session log, faxrcvd" {
	mkdir -p "$SPOOL/recvq" "$SPOOL/log"
	printf '41' >"$SPOOL/recvq/seqf"  # HylaFAX writes no newline; gofaxd writes one
	printf '7\n' >"$SPOOL/log/seqf"
	make_faxrcvd
	recv_start
	run -0 --separate-stderr recv_call --file "$DOC" --ident 'ACME TSI' --gateway gw7
	assert_equal "$stderr" ''
	save_output call
	# The caller saw our CSI ([freeswitch] ident), we saw its TSI.
	jsonl_check "$BATS_TEST_TMPDIR/call.out" '
r = recs[0]
assert r["type"] == "sim.call" and r["hangup_cause"] == "NORMAL_CLEARING", r
assert r["sender"]["success"] and r["sender"]["remote_station_id"] == "FAXKIT RX", r["sender"]
assert r["receiver"]["local_station_id"] == "FAXKIT RX" and r["receiver"]["remote_station_id"] == "ACME TSI", r
'
	recv_wait 10 fax.received 1
	local uuid
	uuid=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$BATS_TEST_TMPDIR/call.out")

	# The records of the call, in order.
	jsonl_check "$RECV_OUT" '
uuid, spool = args
assert [r["type"] for r in recs] == ["call.offered", "fax.negotiated", "fax.page", "fax.page", "fax.page",
                                     "fax.received"], [r["type"] for r in recs]
for r in recs:
    assert r["id"] == uuid and r["uuid"] == uuid and r["modem"] == "freeswitch0", r
o = recs[0]
assert (o["caller_number"], o["caller_name"], o["recipient"], o["recipient_source"], o["gateway"]) == \
       ("5551234", "John Doe", "5550100", "to", "gw7"), o
n = recs[1]
assert n["commid"] == "000000007" and n["direction"] == "receive" and n["count"] == 1, n
assert n["transfer_rate"] == 14400 and n["remote_station_id"] == "ACME TSI", n
assert [p["page"] for p in recs[2:5]] == [1, 2, 3], recs[2:5]
x = recs[5]
want = {"direction": "receive", "commid": "000000007", "file": "recvq/fax000000041.tif",
        "path": spool + "/recvq/fax000000041.tif", "pages": 3, "partial": False, "reason": "",
        "hangup_cause": "NORMAL_CLEARING", "caller_number": "5551234", "caller_name": "John Doe",
        "recipient": "5550100", "recipient_source": "to", "gateway": "gw7", "transfer_rate": 14400,
        "ecm": True, "t38_status": "off", "local_station_id": "FAXKIT RX", "remote_station_id": "ACME TSI",
        "result_code": 0, "negotiations": 1, "bad_rows": 0, "killed": False, "fallback_rule": False}
for k, v in want.items():
    assert x.get(k) == v, (k, x.get(k), v)
assert 0 < x["duration_ms"] < 10000 and x["connect_ms"] <= x["duration_ms"], x
' "$uuid" "$(cd "$SPOOL" && pwd -P)"

	# The file: equal to the document, numbered from recvq/seqf, RecvFileMode, no other file.
	local f="$SPOOL/recvq/fax000000041.tif"
	run -0 --separate-stderr fax_sim compare "$DOC" "$f"
	assert_equal "$(stat -c %a "$f")" 644
	assert_equal "$(cd "$SPOOL/recvq" && echo fax*)" fax000000041.tif
	assert_equal "$(tr -d '\n' <"$SPOOL/recvq/seqf")" 42
	assert_equal "$(tr -d '\n' <"$SPOOL/log/seqf")" 8

	# Tags as faxgetty writes them: ImageDescription = TSI then the caller-ID values, PageNumber n/total.
	run -0 tiffinfo "$f"
	assert_line --partial 'ImageDescription: ACME TSI'
	assert_line 'John Doe'
	assert_line --partial 'Page Number: 0-3'
	assert_line --partial 'Page Number: 2-3'
	assert_line --partial 'FaxRecvParams: '
	assert_line --partial 'Make: FreeSWITCH'
	if [[ -n "$FAXINFO" ]]; then
		run -0 "$FAXINFO" "$f"
		assert_line '    Sender: ACME TSI'
		assert_line '     Pages: 3'
		assert_line '   Quality: Fine'
		assert_line 'SignalRate: 14400 bit/s'
		assert_line 'DataFormat: 2-D MMR'
		assert_line 'ErrCorrect: Yes'
		assert_line '   CallID1: 5551234'
		assert_line '   CallID2: John Doe'
		assert_line '   CallID3: 5550100'
	fi

	# xferfaxlog: one RECV record, HylaFAX's 19 fields (CIDName before CIDNumber).
	xfer_check '
import re
assert len(recs) == 1, recs
f = recs[0]
assert re.fullmatch(r"\d\d/\d\d/\d\d \d\d:\d\d", f[0]), f[0]
assert f[1:8] == ["RECV", "000000007", "freeswitch0", "recvq/fax000000041.tif", "\"\"", "fax", "\"5550100\""], f
assert f[8] == "\"ACME TSI\"" and f[10] == "3", f
assert re.fullmatch(r"\d+", f[9]) and int(f[9]) > 0, f[9]
assert re.fullmatch(r"\d+:\d\d:\d\d", f[11]) and re.fullmatch(r"\d+:\d\d:\d\d", f[12]), f
assert f[13:17] == ["\"\"", "\"John Doe\"", "\"5551234\"", "\"5550100::gw7\""], f
'
	run -0 tiffinfo "$f"
	local params
	params=$(sed -n 's/^ *FaxRecvParams: //p' <<<"$output" | head -n 1)
	assert_equal "$(cut -f10 "$SPOOL/log/xferfaxlog")" "$params"

	# The session log log/c<commid>: HylaFAX's line format, begin, TSI, pages, end.
	run -0 cat "$SPOOL/log/c000000007"
	local line
	for line in "${lines[@]}"; do
		[[ "$line" =~ ^[A-Z][a-z]{2}\ [0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{2}:\ \[[\ 0-9]{5}\]:\  ]] ||
			fail "not a HylaFAX session log line: $line"
	done
	[[ "${lines[0]}" == *"]: SESSION BEGIN 000000007 5550100" ]] || fail "first line: ${lines[0]}"
	[[ "${lines[-1]}" == *"]: SESSION END" ]] || fail "last line: ${lines[-1]}"
	assert_line --partial 'REMOTE TSI "ACME TSI"'
	assert_line --partial 'RECV FAX (000000007): recvq/fax000000041.tif from "ACME TSI", 3 page(s)'

	# faxrcvd: HylaFAX's arguments (file, modem, commid, message, CIDNumber, CIDName, destination, gateway),
	# run in the spool, with HANGUPCAUSE and TRANSFER_RATE.
	assert_faxrcvd 000000007 recvq/fax000000041.tif freeswitch0 000000007 '' 5551234 'John Doe' 5550100 gw7
	run -0 grep -v '^\[' "$BATS_TEST_TMPDIR/faxrcvd.000000007"
	assert_output "HANGUPCAUSE=NORMAL_CLEARING
TRANSFER_RATE=14400
PWD=$(cd "$SPOOL" && pwd -P)"

	# The virtual modems HylaFAX sees, idle again after the call.
	for m in freeswitch0 freeswitch1; do
		[[ -p "$SPOOL/FIFO.$m" && -e "$SPOOL/etc/config.$m" ]] || fail "modem $m: no FIFO or etc/config"
		grep -q '^FAXNumber:[[:space:]]*+1.555.0100$' "$SPOOL/etc/config.$m" || fail "etc/config.$m: $(cat "$SPOOL/etc/config.$m")"
		wait_until 5 status_is "$m" 'Running and idle' || fail "status/$m: $(cat "$SPOOL/status/$m")"
	done
}

# ---------------------------------------------------------------- 2. many calls, modem capacity

@test "50 simultaneous calls: all received, distinct files and commids, a modem never shared" {
	recv_conf '[hylafax]' 'modems = 50'
	recv_start
	run -0 --separate-stderr fax_sim load --calls 50 --rate 1000 --socket "$RECV_ADDR" --to 5550100 \
		--from 5551234 --file "$DOC"
	save_output load
	jsonl_check "$BATS_TEST_TMPDIR/load.out" '
r = recs[0]
assert r["type"] == "sim.load" and (r["calls"], r["ok"], r["failed"]) == (50, 50, 0), r
assert r["peak_channels"] >= 10, r
'
	recv_wait 20 fax.received 50
	jsonl_check "$RECV_OUT" '
import datetime
got = by_type("fax.received")
assert len(got) == 50 and not by_type("fax.failed") and not by_type("call.rejected"), len(got)
assert len({r["id"] for r in got}) == 50
assert len({r["file"] for r in got}) == 50 and len({r["commid"] for r in got}) == 50
assert {r["pages"] for r in got} == {3} and all(r["result_code"] == 0 for r in got)
assert {r["modem"] for r in got} <= {"freeswitch%d" % i for i in range(50)}, {r["modem"] for r in got}
# A modem serves one call at a time: per modem, offered..received intervals do not overlap.
ts = lambda r: datetime.datetime.strptime(r["ts"], "%Y-%m-%dT%H:%M:%S.%fZ")
start = {r["id"]: ts(r) for r in by_type("call.offered")}
per = {}
for r in got:
    per.setdefault(r["modem"], []).append((start[r["id"]], ts(r)))
for m, iv in per.items():
    iv.sort()
    for a, b in zip(iv, iv[1:]):
        assert a[1] <= b[0], (m, a, b)
assert len(per) > 1, per.keys()
'
	local f files=("$SPOOL"/recvq/fax*.tif)
	assert_equal "${#files[@]}" 50
	for f in "${files[@]}"; do
		run -0 --separate-stderr fax_sim compare "$DOC" "$f"
	done
	xfer_check 'assert len(recs) == 50 and len({f[2] for f in recs}) == 50, len(recs)'
}

@test "modems = 1, a second call at once: rejected with SIP 486 (no file, no commid); the modem comes back" {
	recv_conf '[hylafax]' 'modems = 1'
	recv_start
	recv_call_bg first --file "$SHORT" --realtime
	recv_wait 10 call.offered 1
	wait_until 5 status_is freeswitch0 'Receiving facsimile' || fail "status: $(cat "$SPOOL/status/freeswitch0")"
	run -1 --separate-stderr recv_call --file "$DOC" --from 5559999
	save_output second
	jsonl_check "$BATS_TEST_TMPDIR/second.out" '
r = recs[0]
assert r["hangup_cause"] == "USER_BUSY" and r["receiver"] is None, r
'
	recv_wait 5 call.rejected 1
	jsonl_check "$RECV_OUT" '
rej = by_type("call.rejected")
assert len(rej) == 1, rej
r = rej[0]
assert (r["reason"], r["sip_status"], r["modem"], r["caller_number"]) == ("no free modem", 486, None, "5559999"), r
offered = [o for o in by_type("call.offered") if o["id"] == r["id"]]
assert len(offered) == 1 and offered[0]["modem"] is None, offered
assert not [x for x in recs if x["type"].startswith("fax.") and x["id"] == r["id"]], "fax records for the rejected call"
'
	# Only the first call took numbers.
	assert_equal "$(tr -d '\n' <"$SPOOL/log/seqf")" 2
	assert_equal "$(tr -d '\n' <"$SPOOL/recvq/seqf")" 2
	# The first caller gives up: its modem is released, and the next call gets it.
	kill -TERM "$BG_PID"
	recv_wait 10 fax.failed 1
	wait_until 5 status_is freeswitch0 'Running and idle' || fail "status: $(cat "$SPOOL/status/freeswitch0")"
	run -0 --separate-stderr recv_call --file "$DOC"
	recv_wait 10 fax.received 1
	assert_equal "$(record_field fax.received modem)" freeswitch0
}

@test "overflow = accept: the call beyond capacity is received on the unnumbered modem 'freeswitch'" {
	recv_conf '[hylafax]' 'modems = 1' '[fax-recv]' 'overflow = accept'
	make_faxrcvd
	recv_start
	recv_call_bg first --file "$SHORT" --realtime
	recv_wait 10 call.offered 1
	run -0 --separate-stderr recv_call --file "$DOC" --from 5559999
	recv_wait 10 fax.received 1
	jsonl_check "$RECV_OUT" '
x = by_type("fax.received")[0]
assert x["modem"] == "freeswitch" and x["caller_number"] == "5559999" and x["pages"] == 3, x
assert not by_type("call.rejected")
assert by_type("call.offered")[0]["modem"] == "freeswitch0", by_type("call.offered")[0]
'
	xfer_check 'assert len(recs) == 1 and recs[0][3] == "freeswitch", recs'
	assert_faxrcvd 000000002 recvq/fax000000002.tif freeswitch 000000002 '' 5559999 'John Doe' 5550100 gw1
	# The pool's modem stays with the first call.
	status_is freeswitch0 'Receiving facsimile' || fail "status: $(cat "$SPOOL/status/freeswitch0")"
}

# ---------------------------------------------------------------- 3. DynamicConfig

@test "DynamicConfig: RejectCall → call.rejected (SIP 404), nothing stored; LocalIdentifier → our CSI; gofaxd's argv" {
	local dc="$BATS_TEST_TMPDIR/dynconf"
	cat >"$dc" <<EOF
#!/bin/sh
# Records its arguments per caller; rejects 5556666, else sets the CSI.
printf '[%s]\n' "\$@" >"$BATS_TEST_TMPDIR/dc.\$2"
if [ "\$2" = 5556666 ]; then echo 'RejectCall: true'; else printf 'RejectCall: false\nLocalIdentifier: DYN CSI\n'; fi
EOF
	chmod 755 "$dc"
	recv_conf '[gofaxd]' "dynamicconfig = $dc"
	recv_start
	run -1 --separate-stderr recv_call --file "$DOC" --from 5556666 --from-name Spammer --gateway gw2
	save_output rejected
	jsonl_check "$BATS_TEST_TMPDIR/rejected.out" '
r = recs[0]
assert r["hangup_cause"] == "UNALLOCATED_NUMBER" and r["receiver"] is None, r
'
	recv_wait 5 call.rejected 1
	jsonl_check "$RECV_OUT" '
r = by_type("call.rejected")[0]
assert (r["reason"], r["sip_status"], r["caller_number"], r["recipient"]) == \
       ("rejected by DynamicConfig", 404, "5556666", "5550100"), r
'
	assert_equal "$(printf '[%s]\n' freeswitch0 5556666 Spammer 5550100 gw2)" "$(cat "$BATS_TEST_TMPDIR/dc.5556666")"
	# Nothing stored, no number taken, the modem free again.
	assert_equal "$(cd "$SPOOL/recvq" && echo fax*)" 'fax*'
	[[ ! -e "$SPOOL/recvq/seqf" && ! -e "$SPOOL/log/seqf" ]] || fail "a sequence number was taken"
	wait_until 5 status_is freeswitch0 'Running and idle' || fail "status: $(cat "$SPOOL/status/freeswitch0")"

	run -0 --separate-stderr recv_call --file "$DOC" --gateway gw2
	save_output accepted
	jsonl_check "$BATS_TEST_TMPDIR/accepted.out" '
r = recs[0]
assert r["sender"]["remote_station_id"] == "DYN CSI" and r["receiver"]["local_station_id"] == "DYN CSI", r
'
	recv_wait 10 fax.received 1
	assert_equal "$(record_field fax.received local_station_id)" 'DYN CSI'
	assert_equal "$(printf '[%s]\n' freeswitch0 5551234 'John Doe' 5550100 gw2)" "$(cat "$BATS_TEST_TMPDIR/dc.5551234")"
}

# ---------------------------------------------------------------- 4. T.38

@test "T.38: enablet38 and requestt38 → the fax runs over T.38 (t38_status negotiated); off by default" {
	recv_conf '[gofaxd]' 'enablet38 = true' 'requestt38 = true'
	recv_start
	run -0 --separate-stderr recv_call --file "$DOC" --t38
	save_output t38
	jsonl_check "$BATS_TEST_TMPDIR/t38.out" 'assert recs[0]["receiver"]["t38_status"] == "negotiated", recs[0]'
	recv_wait 10 fax.received 1
	assert_equal "$(record_field fax.negotiated t38_status)" negotiated
	assert_equal "$(record_field fax.received t38_status)" negotiated
	run -0 --separate-stderr fax_sim compare "$DOC" "$SPOOL/recvq/fax000000001.tif"
	recv_stop || fail "fax-recv exited $? on SIGTERM"

	# Without the settings fax-recv sets fax_enable_t38=false: the caller's T.38 request gets audio.
	: >"$RECV_CONF"
	recv_conf
	recv_start
	run -0 --separate-stderr recv_call --file "$DOC" --t38
	recv_wait 10 fax.received 1
	assert_equal "$(record_field fax.received t38_status)" off
}

# ---------------------------------------------------------------- 5. recipient

@test "recipient: To by default; Diversion with recipientfromdiversionheader; no Diversion falls back to To" {
	make_faxrcvd
	recv_start
	run -0 --separate-stderr recv_call --file "$DOC" --diversion 4930999
	recv_wait 10 fax.received 1
	assert_equal "$(record_field fax.received recipient) $(record_field fax.received recipient_source)" '5550100 to'
	recv_stop || fail "fax-recv exited $? on SIGTERM"

	recv_conf '[gofaxd]' 'recipientfromdiversionheader = true'
	recv_start
	run -0 --separate-stderr recv_call --file "$DOC" --diversion 4930999
	run -0 --separate-stderr recv_call --file "$DOC"
	recv_wait 10 fax.received 2
	jsonl_check "$RECV_OUT" '
got = [(r["recipient"], r["recipient_source"]) for r in by_type("fax.received")]
assert got == [("4930999", "diversion"), ("5550100", "to")], got
got = [(r["recipient"], r["recipient_source"]) for r in by_type("call.offered")]
assert got == [("4930999", "diversion"), ("5550100", "to")], got
assert not by_type("call.rejected")
'
	# The recipient is faxrcvd's DESTINATION (CALLID3) and xferfaxlog's CALLID3.
	assert_faxrcvd 000000002 recvq/fax000000002.tif freeswitch0 000000002 '' 5551234 'John Doe' 4930999 gw1
	xfer_check 'assert [f[16] for f in recs] == ["\"5550100::gw1\"", "\"4930999::gw1\"", "\"5550100::gw1\""], recs'
}

# ---------------------------------------------------------------- 6. noisy line, softmodem fallback

@test "noisy line: fax.failed with gofaxip's fallback verdict; softmodemfallback writes and then honours the db entry" {
	# fax-sim serve runs the calls (api fax-sim call), so fax-recv's `api db ...` reach its mod_db.
	sim_start
	# T.38 allowed but not requested: the noisy calls run over audio (noise does not touch T.38).
	recv_conf '[freeswitch]' 'softmodemfallback = true' '[gofaxd]' 'enablet38 = true'
	make_faxrcvd
	recv_start
	run -0 --separate-stderr sim_esl api db exists/fallback/5551234
	assert_output false
	# -28 dBm0 without ECM: phase B twice, bad rows, carrier lost (fax-sim's spandsp, deterministic).
	run -0 --separate-stderr sim_esl api fax-sim call --socket "$RECV_ADDR" --to 5550100 --from 5551234 \
		--file "$DOC" --noise-dbm0 -28 --no-ecm
	recv_wait 10 fax.failed 1
	jsonl_check "$RECV_OUT" '
x = by_type("fax.failed")[0]
assert x["negotiations"] >= 2 and x["bad_rows"] > 0 and x["result_code"] != 0, x
assert (x["fallback_rule"], x["fallback_written"], x["fallback_active"]) == (True, True, False), x
assert (x["file"], x["pages"], x["partial"]) == (None, 0, False), x
assert x["reason"] == x["result_text"] != "", x
'
	run -0 --separate-stderr sim_esl api db exists/fallback/5551234
	assert_output true
	# Nothing kept; xferfaxlog and faxrcvd report the failure.
	assert_equal "$(cd "$SPOOL/recvq" && echo fax*)" 'fax*'
	local reason
	reason=$(record_field fax.failed reason)
	xfer_check 'assert len(recs) == 1 and recs[0][10] == "0" and recs[0][13] == "\"%s\"" % args[0], recs' "$reason"

	# The same caller again, asking for T.38: the fallback entry turns T.38 off.
	run -0 --separate-stderr sim_esl api fax-sim call --socket "$RECV_ADDR" --to 5550100 --from 5551234 \
		--file "$DOC" --t38
	recv_wait 10 fax.received 1
	jsonl_check "$RECV_OUT" '
x = by_type("fax.received")[0]
assert (x["fallback_active"], x["t38_status"]) == (True, "off"), x
'
	# Louder noise loses the carrier in the first phase C: failed, but not the rule (one phase B, no bad
	# rows), so no entry for this caller.
	run -0 --separate-stderr sim_esl api fax-sim call --socket "$RECV_ADDR" --to 5550100 --from 5557777 \
		--file "$DOC" --noise-dbm0 -22 --no-ecm
	recv_wait 10 fax.failed 2
	jsonl_check "$RECV_OUT" '
x = by_type("fax.failed")[1]
assert x["caller_number"] == "5557777" and x["negotiations"] == 1 and x["bad_rows"] == 0, x
assert (x["fallback_rule"], x["fallback_written"]) == (False, False), x
'
	run -0 --separate-stderr sim_esl api db exists/fallback/5557777
	assert_output false
	# faxrcvd ran for the fax that arrived, not for the two without a page (fax-recv(1): no file, no
	# faxrcvd). fax-recv has run every faxrcvd once it has stopped.
	recv_stop || fail "fax-recv exited $? on SIGTERM"
	assert_faxrcvd 000000002 recvq/fax000000002.tif freeswitch0 000000002 '' 5551234 5551234 5550100 gw1
	[[ ! -e "$BATS_TEST_TMPDIR/faxrcvd.000000001" && ! -e "$BATS_TEST_TMPDIR/faxrcvd.000000003" ]] ||
		fail "faxrcvd ran for a reception without a page"
}

@test "noisy line that still gets through (-32 dBm0, no ECM): fax.received with bad rows, no fallback verdict" {
	recv_start
	run -0 --separate-stderr recv_call --file "$DOC" --noise-dbm0 -32 --no-ecm
	recv_wait 10 fax.received 1
	jsonl_check "$RECV_OUT" '
x = by_type("fax.received")[0]
assert x["bad_rows"] > 0 and x["pages"] == 3 and x["transfer_rate"] == 9600 and x["ecm"] is False, x
assert x["fallback_rule"] is False and x["encoding"] == "T.4 2-D", x
p = by_type("fax.page")
assert sum(r["bad_rows"] for r in p) == x["bad_rows"], (p, x)
'
}

# ---------------------------------------------------------------- 7. partial reception

@test "the caller hangs up during page 2: page 1 kept and tagged, fax.failed partial, xferfaxlog and faxrcvd" {
	# `fax-sim call` cannot drop a call by itself (hangup_after_pages is for originate), so the call runs on
	# a real-time `fax-sim serve` and is killed there once page 1 has arrived (page 2 takes ~20 s).
	sim_start --realtime
	make_faxrcvd
	recv_start
	# fax-sim splits the api arguments as a shell would: the name needs quotes.
	timeout -k 5 60 "$FAXKIT_BIN_DIR/fax-esl" -H "$SIM_ADDR" -t 60 api fax-sim call --socket "$RECV_ADDR" \
		--to 5550100 --from 5551234 --from-name "'John Doe'" --file "$SHORTLONG" \
		</dev/null >"$BATS_TEST_TMPDIR/call.out" 2>"$BATS_TEST_TMPDIR/call.err" 3>&- &
	BG_PIDS+=("$!")
	recv_wait 30 fax.page 1
	local uuid
	uuid=$(record_field fax.page id)
	run -0 --separate-stderr sim_esl api uuid_kill "$uuid"
	assert_output '+OK'
	recv_wait 10 fax.failed 1
	jsonl_check "$RECV_OUT" '
x = by_type("fax.failed")[0]
want = {"file": "recvq/fax000000001.tif", "pages": 1, "partial": True, "killed": False, "modem": "freeswitch0",
        "hangup_cause": "NORMAL_CLEARING", "negotiations": 1}
for k, v in want.items():
    assert x.get(k) == v, (k, x.get(k), v)
assert x["reason"] != "" and x["result_code"] != 0, x
'
	local f="$SPOOL/recvq/fax000000001.tif"
	run -0 --separate-stderr fax_sim compare "$SHORT" "$f"
	assert_equal "$(stat -c %a "$f")" 644
	run -0 tiffinfo "$f"
	assert_line --partial 'Page Number: 0-1'
	assert_line --partial 'ImageDescription: 5551234'
	local reason
	reason=$(record_field fax.failed reason)
	xfer_check 'assert len(recs) == 1 and recs[0][4] == "recvq/fax000000001.tif" and recs[0][10] == "1" and recs[0][13] == "\"%s\"" % args[0], recs' "$reason"
	assert_faxrcvd 000000001 recvq/fax000000001.tif freeswitch0 000000001 "$reason" 5551234 'John Doe' 5550100 gw1
	grep -q "1 page(s)" "$SPOOL/log/c000000001" || fail "$(cat "$SPOOL/log/c000000001")"
}

# ---------------------------------------------------------------- 8. SIGTERM

@test "SIGTERM mid-call: no new calls (connection refused), the call completes, exit 0, modems Down" {
	recv_start
	recv_call_bg slow --file "$SHORT" --realtime
	local slow=$BG_PID
	recv_wait 15 fax.negotiated 1
	kill -TERM "$RECV_PID"
	# The listening socket is closed at once: fax-sim cannot connect (69).
	wait_until 5 recv_refuses || fail "fax-recv still accepts connections after SIGTERM"
	kill -0 "$RECV_PID" || fail "fax-recv exited before its call was over"
	recv_wait 20 fax.received 1
	local rc=0 pid=$RECV_PID
	RECV_PID=''
	recv_wait_exit "$pid" 10 || rc=$?
	assert_equal "$rc" 0
	wait "$slow"
	jsonl_check "$BATS_TEST_TMPDIR/slow.out" 'assert recs[0]["receiver"]["success"] is True, recs[0]'
	jsonl_check "$RECV_OUT" '
assert [r["type"] for r in recs] == ["call.offered", "fax.negotiated", "fax.page", "fax.received"], recs
assert recs[-1]["pages"] == 1 and recs[-1]["killed"] is False, recs[-1]
'
	status_is freeswitch0 Down || fail "status/freeswitch0: $(cat "$SPOOL/status/freeswitch0")"
	status_is freeswitch1 Down || fail "status/freeswitch1: $(cat "$SPOOL/status/freeswitch1")"
}

# recv_refuses: a call to fax-recv cannot connect.
recv_refuses() {
	local rc=0
	fax_sim call --socket "$RECV_ADDR" --to 5550100 --from 5550000 --file "$DOC" >/dev/null 2>&1 || rc=$?
	[[ $rc -eq 69 ]]
}

# sigterm_during_call: start a real-time call, SIGTERM fax-recv once the call is answered (session log).
sigterm_during_call() {
	recv_start
	recv_call_bg slow --file "$SHORT" --realtime
	wait_until 10 grep -q 'ANSWER: ' "$SPOOL/log/c000000001" 2>/dev/null || fail "the call was not answered"
	kill -TERM "$RECV_PID"
}

# assert_killed_on_stop: the call ended as "shutting down", fax-recv exited 0, modems Down.
assert_killed_on_stop() {
	recv_wait 10 fax.failed 1
	local rc=0 pid=$RECV_PID
	RECV_PID=''
	recv_wait_exit "$pid" 10 || rc=$?
	assert_equal "$rc" 0
	jsonl_check "$RECV_OUT" '
x = by_type("fax.failed")[0]
assert (x["killed"], x["reason"], x["modem"]) == (True, "shutting down", "freeswitch0"), x
'
	grep -q 'shutting down: uuid_kill' "$SPOOL/log/c000000001" || fail "$(cat "$SPOOL/log/c000000001")"
	xfer_check 'assert len(recs) == 1 and recs[0][13] == "\"shutting down\"", recs'
	# No page, no file: faxrcvd did not run (fax-recv(1)); fax-recv has exited, so it never will.
	[[ ! -e "$BATS_TEST_TMPDIR/faxrcvd.000000001" ]] || fail "faxrcvd ran for a reception without a page"
	status_is freeswitch0 Down || fail "status/freeswitch0: $(cat "$SPOOL/status/freeswitch0")"
}

@test "SIGTERM and the grace period runs out: the call is hung up (killed, 'shutting down'), exit 0" {
	recv_conf '[fax-recv]' 'grace = 1s'
	make_faxrcvd
	local t0=$SECONDS
	sigterm_during_call
	assert_killed_on_stop
	((SECONDS - t0 < 10)) || fail "stopping took $((SECONDS - t0)) s"
}

@test "a second SIGTERM hangs up the calls at once" {
	make_faxrcvd
	sigterm_during_call
	# The first signal has been handled once the listener is gone (signals do not queue).
	wait_until 5 recv_refuses || fail "fax-recv still accepts connections after SIGTERM"
	kill -TERM "$RECV_PID"
	assert_killed_on_stop
}

@test "SIGTERM when idle: exit 0 at once, modems Down" {
	recv_start
	wait_until 5 status_is freeswitch0 'Running and idle' || fail "status: $(cat "$SPOOL/status/freeswitch0")"
	recv_stop || fail "fax-recv exited $? on SIGTERM"
	assert_equal "$(cat "$SPOOL/status/freeswitch0") $(cat "$SPOOL/status/freeswitch1")" 'Down Down'
	assert_equal "$(cat "$RECV_OUT")" ''
}

# ---------------------------------------------------------------- 9. stuck call

@test "stuck call: no fax progress within calltimeout → api uuid_kill, fax.failed killed" {
	sim_start --realtime
	events_start
	recv_conf '[fax-recv]' 'calltimeout = 2s'
	recv_start
	# In real time phase B comes 7 s after rxfax starts: longer than calltimeout.
	run -0 --separate-stderr sim_esl -t 30 api fax-sim call --socket "$RECV_ADDR" --to 5550100 --from 5551234 \
		--file "$SHORT"
	save_output call
	recv_wait 10 fax.failed 1
	local uuid
	uuid=$(record_field fax.failed id)
	jsonl_check "$RECV_OUT" '
x = by_type("fax.failed")[0]
assert (x["killed"], x["reason"], x["negotiations"], x["file"]) == (True, "no fax progress for 2 s", 0, None), x
assert 1990 <= x["connect_ms"] < 6000, x  # ms timestamps of answer and end, truncated each
'
	jsonl_check "$BATS_TEST_TMPDIR/call.out" 'assert recs[0]["receiver"]["result_code"] == 49, recs[0]'
	# fax-recv asked the switch to kill exactly this channel.
	wait_until 5 grep -q '"API-Command":"uuid_kill"' "$EVENTS" || fail "no uuid_kill seen"
	jsonl_check "$EVENTS" '
k = [e["headers"] for e in events() if e["headers"].get("API-Command") == "uuid_kill"]
assert [h.get("API-Command-Argument") for h in k] == [args[0]], k
' "$uuid"
	grep -q 'no fax progress for 2 s: uuid_kill' "$SPOOL/log/c000000001" || fail "$(cat "$SPOOL/log/c000000001")"
	wait_until 5 status_is freeswitch0 'Running and idle' || fail "status: $(cat "$SPOOL/status/freeswitch0")"
}

# ---------------------------------------------------------------- 10. command line, config, spool

@test "--help and --version" {
	run -0 --separate-stderr "$FAX_RECV" --help
	assert_equal "$stderr" ''
	local opt
	for opt in --listen --spool --port-file --no-modems --config --verbose --quiet --version; do
		assert_output --partial -- "$opt"
	done
	run -0 --separate-stderr "$FAX_RECV" --version
	assert_output --regexp '^fax-recv \(faxkit\) [0-9]+\.[0-9]+\.[0-9]+'
}

@test "bad config values: one 'fax-recv: error:' line naming the key, exit 78" {
	local bad
	for bad in '[fax-recv]
overflow = sometimes' '[fax-recv]
recvfilemode = 0999' '[hylafax]
modems = 5000' '[fax-recv]
calltimeout = soon' '[gofaxd]
enablet38 = maybe' '[gofaxd]
socket = nonsense:port'; do
		printf '%s\n' "$bad" >"$RECV_CONF"
		run -78 --separate-stderr "$FAX_RECV" -c "$RECV_CONF" --spool "$SPOOL" --listen 127.0.0.1:0
		assert_output ''
		[[ ${#stderr_lines[@]} -eq 1 && "${stderr_lines[0]}" == "fax-recv: error: "* ]] ||
			fail "config '$bad': stderr: $stderr"
		local key=${bad##*$'\n'}
		key=${key%% =*}
		[[ "$stderr" == *"$key"* ]] || fail "the error does not name '$key': $stderr"
	done
	# A missing config file too.
	run -78 --separate-stderr "$FAX_RECV" -c "$BATS_TEST_TMPDIR/nonexistent.conf" --spool "$SPOOL"
	[[ ${#stderr_lines[@]} -eq 1 && "${stderr_lines[0]}" == "fax-recv: error: "* ]] || fail "stderr: $stderr"
}

@test "listen address in use: exit 69, one error line" {
	recv_start
	run -69 --separate-stderr "$FAX_RECV" -c "$RECV_CONF" --spool "$BATS_TEST_TMPDIR/spool2" --listen "$RECV_ADDR"
	assert_output ''
	# (A warning about the missing bin/faxrcvd may come first.)
	run -0 grep -c '^fax-recv: error: ' <<<"$stderr"
	assert_output 1
	[[ "${stderr_lines[-1]}" == "fax-recv: error: "*"$RECV_ADDR"* ]] || fail "stderr: $stderr"
}

@test "--spool on a fresh directory, no HylaFAX, no modems: a note about faxrcvd, the fax still lands" {
	printf '[fax-recv]\nreannounce = 0\n' >"$RECV_CONF"
	SPOOL="$BATS_TEST_TMPDIR/new/dir/spool"
	recv_start -v
	grep -q 'bin/faxrcvd not found' "$RECV_ERR" || fail "no note about faxrcvd: $(cat "$RECV_ERR")"
	run -0 --separate-stderr recv_call --file "$DOC"
	recv_wait 10 fax.received 1
	assert_equal "$(record_field fax.received modem)" None
	run -0 --separate-stderr fax_sim compare "$DOC" "$SPOOL/recvq/fax000000001.tif"
	# Default RecvFileMode 0600; no modem files without [hylafax] modems.
	assert_equal "$(stat -c %a "$SPOOL/recvq/fax000000001.tif")" 600
	[[ ! -e "$SPOOL/status" && ! -e "$SPOOL/etc" ]] || fail "modem directories created: $(ls "$SPOOL")"
	xfer_check 'assert len(recs) == 1 and recs[0][3] == "freeswitch", recs'
	recv_stop || fail "fax-recv exited $? on SIGTERM"
	grep -q 'error' "$RECV_ERR" && fail "errors: $(cat "$RECV_ERR")"
	true
}
