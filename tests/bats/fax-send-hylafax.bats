#!/usr/bin/env bats
# fax-send (issue #4) as the SendFaxCmd of the REAL HylaFAX+ 6.0.7 (Debian 12): sendfax submits through
# hfaxd, faxq converts the document and runs `fax-send -m freeswitch0 sendq/qN` (cwd spool, euid uucp, no
# arguments of ours), fax-send calls through fax-sim, the FreeSWITCH stand-in, and faxq acts on returned:.
# fax-send finds its config through FAXKIT_CONFIG, which faxq passes on from hf_start (quirk 1).
# References: ../shared/research/hylafax-integration.md (§2 SendFaxCmd contract, §3 modem FIFO, §5 logs),
# helpers/hylafax.bash, tests/fixtures/scenarios/example.json (4930111 busy, 49301* CSI "ACME FAX 1").

# Python check code is passed in single quotes on purpose; $output etc. come from bats' run.
# shellcheck disable=SC2016,SC2154

bats_require_minimum_version 1.5.0

# Run from a build directory alone (FAXKIT_BUILD_DIR=...): take fax-esl from there too.
if [[ -z "${FAXKIT_BIN_DIR:-}" && -n "${FAXKIT_BUILD_DIR:-}" ]]; then
	export FAXKIT_BIN_DIR="$FAXKIT_BUILD_DIR/tools/fax-esl"
fi

setup_file() {
	load helpers/common
	load helpers/sim
	sim_make_doc || return 1 # 3 pages, G3 2-D, 204x196, A4
}

setup() {
	load helpers/common
	load helpers/sim
	load helpers/hylafax
	READER_PID=''
	hf_require
	sim_setup
	DOC="$BATS_FILE_TMPDIR/doc.tif"
	SCENARIO="$FAXKIT_ROOT/tests/fixtures/scenarios/example.json"
}

teardown() {
	local rc=0
	hf_teardown || rc=$?
	if [[ -n "${READER_PID:-}" ]]; then
		kill -TERM "$READER_PID" 2>/dev/null || true
		wait "$READER_PID" 2>/dev/null || true
	fi
	sim_teardown
	return "$rc"
}

# fs_setup JOBREQBUSY: fax-sim with the example scenario; a private spool whose SendFaxCmd is fax-send;
# $HF_DIR/faxkit.conf (exported as FAXKIT_CONFIG for faxq) pointing fax-send at fax-sim (gateway gw1)
# and the spool, with the merged TIFF and the JSON lines ($EVENTS) in $HF_SCRATCH. Call hf_start next.
fs_setup() {
	local send="$FAXKIT_BUILD_DIR/tools/fax-send/fax-send"
	[[ -x "$send" ]] || fail "fax-send binary not found at $send (build it or set FAXKIT_BUILD_DIR)"
	sim_start --scenario "$SCENARIO"
	hf_setup_spool
	# faxq runs it as uucp: use a copy in $HF_DIR when the build directory is closed to others.
	if ! hf_as_uucp test -x "$send" -a -r "$send"; then
		cp "$send" "$HF_DIR/fax-send"
		chmod 0755 "$HF_DIR/fax-send"
		send="$HF_DIR/fax-send"
	fi
	hf_config "SendFaxCmd: $send"
	EVENTS="$HF_SCRATCH/events.jsonl"
	export FAXKIT_CONFIG="$HF_DIR/faxkit.conf"
	printf '[freeswitch]\nsocket = %s\ngateway = gw1\n[hylafax]\nspooldir = %s\n[fax-send]\ntmpdir = %s\nevents = %s\njobreqbusy = %s\n' \
		"$SIM_ADDR" "$HF_SPOOL" "$HF_SCRATCH" "$EVENTS" "$1" >"$FAXKIT_CONFIG"
	chmod 0644 "$FAXKIT_CONFIG"
	hf_as_uucp test -r "$FAXKIT_CONFIG" || fail "uucp cannot read $FAXKIT_CONFIG"
}

# xfer_fields: the tab-separated fields of the only xferfaxlog record, into the array XF.
xfer_fields() {
	run -0 wc -l <"$HF_SPOOL/log/xferfaxlog"
	assert_output 1
	IFS=$'\t' read -r -a XF <"$HF_SPOOL/log/xferfaxlog"
	assert_equal "${#XF[@]}" 19
}

# reader_start FIFO LOG: a reader of the modem FIFO (what fax-recv would be) that writes every NUL-terminated
# message on its own line of LOG; it holds the FIFO open read-write, so writers never get ENXIO.
reader_start() {
	local ready="$BATS_TEST_TMPDIR/reader.ready"
	(cd / && exec python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
open(sys.argv[3], "w").close()
buf = b""
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        buf += os.read(fd, 4096)
        *msgs, buf = buf.split(b"\0")
        for m in msgs:
            out.write(m.replace(b"\n", b"\\n") + b"\n")
' "$1" "$2" "$ready" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/reader.err" 3>&-) &
	READER_PID=$!
	wait_until 10 test -e "$ready" || fail "FIFO reader did not start: $(cat "$BATS_TEST_TMPDIR/reader.err")"
}

lines_in() {
	[[ -f "$1" && "$(wc -l <"$1")" -ge "$2" ]]
}

@test "sendfax of 3 pages: faxq runs fax-send, fax-sim gets the pages, the job is done (D 3:3), xferfaxlog and c<commid> written" {
	fs_setup 900
	hf_start
	hf_modem_ready freeswitch0
	# -m: fine resolution, so faxq's tiff2fax keeps the bitmaps (at 98 lpi it would re-image them)
	job=$(hf_sendfax 4930123456 "$DOC" -m)
	hf_wait_job "$job" D 20

	# What the far end received is the submitted document, page for page.
	jsonl_check "$EVENTS" '
assert [r["type"] for r in recs] == ["fax.dialing", "fax.negotiated", "fax.page", "fax.page", "fax.page", "fax.sent"], recs
for r in recs:
    assert (r["jobid"], r["modem"]) == (args[0], "freeswitch0"), r
sent = recs[-1]
assert (sent["status"], sent["pages"], sent["number"], sent["returned"]) == ("sent", 3, "4930123456", "2"), sent
print(sent["uuid"])' "$job" >"$BATS_TEST_TMPDIR/uuid"
	uuid=$(<"$BATS_TEST_TMPDIR/uuid")
	run -0 ls "$SIM_RECEIVED"
	assert_output "$uuid.tif"
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$uuid.tif"
	# The merged TIFF in [fax-send] tmpdir is gone.
	run -0 find "$HF_SCRATCH" -name 'fax-send-*'
	assert_output ''

	run -0 hf_faxstat -d
	assert_line --regexp "^$job +[0-9]+ +D +root +4930123456 +3:3 +1:12 *\$"
	assert_equal "$(hf_qfile "$job")" "$HF_SPOOL/doneq/q$job"
	assert_equal "$(hf_qfield "$job" state)" 7
	assert_equal "$(hf_qfield "$job" returned)" 2
	assert_equal "$(hf_qfield "$job" npages)" 3
	assert_equal "$(hf_qfield "$job" totdials)" 1
	assert_equal "$(hf_qfield "$job" tottries)" 1
	assert_equal "$(hf_qfield "$job" status)" ''
	assert_equal "$(hf_qfield "$job" csi)" 'ACME FAX 1'
	assert_equal "$(hf_qfield "$job" signalrate)" '14400 bit/s'
	commid=$(hf_qfield "$job" commid)
	[[ "$commid" =~ ^[0-9]{9}$ ]] || fail "commid '$commid' is not 9 digits"
	# log/seqf holds the next number to use (HylaFAX's Sequence).
	assert_equal "$(<"$HF_SPOOL/log/seqf")" "$((10#$commid + 1))"

	xfer_fields
	[[ "${XF[0]}" =~ ^[0-9]{2}/[0-9]{2}/[0-9]{2}\ [0-9]{2}:[0-9]{2}$ ]] || fail "bad date field '${XF[0]}'"
	assert_equal "${XF[*]:1:5}" "SEND $commid freeswitch0 $job \"\""
	assert_equal "${XF[6]}" "$(hf_qfield "$job" mailaddr)"
	assert_equal "${XF[7]}" '"4930123456"'
	assert_equal "${XF[8]}" '"ACME FAX 1"'
	assert_equal "${XF[10]}" 3
	assert_equal "${XF[13]}" '""'
	assert_equal "${XF[17]}" '"root"'

	run -0 stat -c '%U %a' "$HF_SPOOL/log/c$commid"
	assert_output 'uucp 600'
	run -0 cat "$HF_SPOOL/log/c$commid"
	assert_line --index 0 --regexp ": SESSION BEGIN $commid 4930123456\$"
	assert_line --partial ": SEND FAX: JOB $job DEST 4930123456 COMMID $commid DEVICE 'freeswitch0' "
	assert_line --partial ": SEND FAX: JOB $job SENT 3 page(s) in "
	assert_line --index $((${#lines[@]} - 1)) --regexp ': SESSION END$'
}

@test "a busy number: fax-send returns 0 and faxq requeues the job (S, Busy signal detected) at fax-send's tts" {
	# jobreqbusy 900 s: outside faxq's own requeue choice (RequeueInterval/2 + random(RequeueInterval))
	fs_setup 900
	hf_start
	hf_modem_ready freeswitch0
	t0=$(date +%s)
	job=$(hf_sendfax 4930111 "$DOC" -m)
	hf_wait_job "$job" S 20
	t1=$(date +%s)

	assert_equal "$(hf_qfile "$job")" "$HF_SPOOL/sendq/q$job"
	assert_equal "$(hf_qfield "$job" returned)" 0
	assert_equal "$(hf_qfield "$job" totdials)" 1
	assert_equal "$(hf_qfield "$job" ndials)" 1
	assert_equal "$(hf_qfield "$job" tottries)" 0
	assert_equal "$(hf_qfield "$job" npages)" 0
	assert_equal "$(hf_qfield "$job" statuscode)" 1
	run -0 hf_qfield "$job" status
	assert_output --regexp '^Busy signal detected'
	[[ "$(hf_qfield "$job" commid)" =~ ^[0-9]{9}$ ]] || fail "no 9-digit commid"
	# faxq kept the tts fax-send wrote: now + jobreqbusy.
	tts=$(hf_qfield "$job" tts)
	((tts >= t0 + 900 && tts <= t1 + 900)) || fail "tts $tts is not fax-send's now+900 (now: $t0..$t1)"

	# faxstat: sleeping, 0 of 3 pages, 1 dial, the tts as H:MM (hfaxd's local time), the busy status.
	hh=$(date -d "@$tts" +%-H)
	mm=$(date -d "@$tts" +%M)
	run -0 hf_faxstat -s
	assert_line --regexp "^$job +[0-9]+ +S +root +4930111 +0:3 +1:12 +0?$hh:$mm +Busy signal detected"
	run -0 hf_faxstat -d
	refute_line --regexp "^$job "

	# No fax reached fax-sim; the call is in xferfaxlog and the session log.
	[[ ! -e "$SIM_RECEIVED" ]] || assert_equal "$(ls -A "$SIM_RECEIVED")" ''
	xfer_fields
	assert_equal "${XF[*]:1:4}" "SEND $(hf_qfield "$job" commid) freeswitch0 $job"
	assert_equal "${XF[7]}" '"4930111"'
	assert_equal "${XF[10]}" 0
	[[ "${XF[13]}" == '"Busy signal detected'* ]] || fail "xferfaxlog reason: ${XF[13]}"
	run -0 cat "$HF_SPOOL/log/c$(hf_qfield "$job" commid)"
	assert_line --partial ": SEND FAILED: JOB $job DEST 4930111 ERR [1] Busy signal detected"
}

@test "the modem FIFO sees faxq's HELLO and L, then fax-send's SB and SR, each NUL-terminated" {
	fs_setup 900
	hf_setup_modem freeswitch0 +1.555.0100
	reader_start "$HF_SPOOL/FIFO.freeswitch0" "$HF_DIR/fifo.log"
	hf_start
	hf_modem_ready freeswitch0
	job=$(hf_sendfax 4930123456 "$DOC" -m)
	hf_wait_job "$job" D 20
	# fax-send wrote SR before it exited, so it is in the pipe by now; the reader may lag behind.
	wait_until 10 lines_in "$HF_DIR/fifo.log" 4 || fail "FIFO messages: $(cat "$HF_DIR/fifo.log")"
	run -0 cat "$HF_DIR/fifo.log"
	# HELLO: faxq greets the modems it finds at start (FIFO.MODEM + etc/config.MODEM) that have a reader;
	# L: faxq locked the modem for the job, before it started fax-send; SB/SR: fax-send's call began/ended.
	assert_output $'HELLO\nL\nSB\nSR'
	run -0 cat "$HF_SPOOL/log/c$(hf_qfield "$job" commid)"
	refute_line --partial 'FIFO.freeswitch0'
}
