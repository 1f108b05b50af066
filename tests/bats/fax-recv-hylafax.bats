#!/usr/bin/env bats
# fax-recv (issue #5) beside the REAL HylaFAX+ 6.0.7 (Debian 12) on a private spool: fax-recv runs in the
# spool as uucp (as its systemd unit does, like faxgetty), presents the virtual modems freeswitch0 and
# freeswitch1 to faxq (FIFO messages) and hfaxd (status/, etc/config.<id>, FIFO.<id>), takes calls placed by
# `fax-sim call` (FreeSWITCH's socket app), stores them in recvq/ and runs the spool's bin/faxrcvd; faxq's
# jobs go out through the same modems with fax-send as SendFaxCmd.
# References: ../shared/research/hylafax-integration.md (§3 virtual modems, §4 receiving, quirk 2),
# helpers/hylafax.bash, helpers/sim.bash, lib/hylafax/virtual_modems.hpp.

# Python and FaxDispatch code is passed in single quotes on purpose; $output etc. come from bats' run.
# shellcheck disable=SC2016,SC2154

bats_require_minimum_version 1.5.0

# Run from a build directory alone (FAXKIT_BUILD_DIR=...): take fax-esl from there too.
if [[ -z "${FAXKIT_BIN_DIR:-}" && -n "${FAXKIT_BUILD_DIR:-}" ]]; then
	export FAXKIT_BIN_DIR="$FAXKIT_BUILD_DIR/tools/fax-esl"
fi

setup_file() {
	load helpers/common
	load helpers/sim
	sim_make_doc || return 1 # 3 pages, for sendfax
	# One page with one line of text: at 14400 bit/s its real-time call takes about 15 s (a full page: 30 s).
	gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=tiffg4 -r204x196 -sPAPERSIZE=a4 -sOutputFile="$BATS_FILE_TMPDIR/doc1.tif" \
		-c '/Helvetica findfont 24 scalefont setfont 72 700 moveto (faxkit fax-recv) show showpage' || return 1
	"$FAX_SIM" make-tiff --pages 2 --seed 2 "$BATS_FILE_TMPDIR/doc2.tif" || return 1
}

setup() {
	load helpers/common
	load helpers/sim
	load helpers/hylafax
	FR_PID=''
	hf_require
	sim_setup
	DOC="$BATS_FILE_TMPDIR/doc.tif"
	DOC1="$BATS_FILE_TMPDIR/doc1.tif"
	DOC2="$BATS_FILE_TMPDIR/doc2.tif"
	SCENARIO="$FAXKIT_ROOT/tests/fixtures/scenarios/example.json"
}

teardown() {
	local rc=0
	fr_stop || rc=$?
	[[ $rc -eq 0 ]] || echo "# fax-recv did not exit 0 on SIGTERM (exit $rc)" >&3
	if [[ -z "${BATS_TEST_COMPLETED:-}" && -n "${FR_ERR:-}" && -s "$FR_ERR" ]]; then
		echo "# --- fax-recv stderr:" >&3
		tail -n 40 "$FR_ERR" | sed 's/^/# /' >&3
	fi
	hf_teardown || rc=$?
	sim_teardown
	return "$rc"
}

# usable_by_uucp BINARY: BINARY, or a copy in $HF_DIR when uucp cannot run it where it is.
usable_by_uucp() {
	if hf_as_uucp test -x "$1" -a -r "$1"; then
		echo "$1"
		return 0
	fi
	cp "$1" "$HF_DIR/${1##*/}"
	chmod 0755 "$HF_DIR/${1##*/}"
	echo "$HF_DIR/${1##*/}"
}

# fr_setup [etc/config lines...]: a private spool (hf_setup_spool with the lines) and fax-recv's config
# $FR_CONF in $HF_DIR: 2 modems, recvfilemode 0644, faxnumber +1.555.0100, grace 5 s, the spool's lock dir;
# etc/FaxDispatch that sends no mail and records faxrcvd's variables in $FR_DISPATCH.
fr_setup() {
	FR_BIN="$FAXKIT_BUILD_DIR/tools/fax-recv/fax-recv"
	[[ -x "$FR_BIN" ]] || fail "fax-recv binary not found at $FR_BIN (build it or set FAXKIT_BUILD_DIR)"
	hf_setup_spool "$@"
	FR_BIN=$(usable_by_uucp "$FR_BIN")
	FR_CONF="$HF_DIR/fax-recv.conf"
	FR_OUT="$HF_SCRATCH/fax-recv.jsonl"
	FR_ERR="$HF_DIR/fax-recv.err"
	# uucplockdir: faxq's UUCPLockDir of the harness (<spool>/lock), where fax-recv looks for LCK..<modem>.
	printf '[hylafax]\nmodems = 2\n[fax-recv]\nrecvfilemode = 0644\nfaxnumber = +1.555.0100\ngrace = 5s\nuucplockdir = %s\n' \
		"$HF_SPOOL/lock" >"$FR_CONF"
	chmod 0644 "$FR_CONF"
	# bin/faxrcvd runs after every call and mails the FaxMaster through $SENDMAIL (exim4 delivers it locally
	# on the test machine): FaxDispatch turns that off, points SENDMAIL at a recorder and writes faxrcvd's
	# variables to $FR_DISPATCH.
	FR_DISPATCH="$HF_SCRATCH/faxdispatch.env"
	FR_MAIL="$HF_SCRATCH/sendmail.log"
	printf '#!/bin/sh\necho "sendmail $*" >>%q\ncat >>%q\n' "$FR_MAIL" "$FR_MAIL" >"$HF_DIR/sendmail"
	chmod 0755 "$HF_DIR/sendmail"
	{
		printf '# faxkit test (fax-recv-hylafax.bats): no mail; what faxrcvd hands to FaxDispatch, into a file\n'
		printf 'NOTIFY_FAXMASTER=never\nSENDTO=\nSENDMAIL=%q\nFAXKIT_DISPATCH_LOG=%q\n' "$HF_DIR/sendmail" "$FR_DISPATCH"
		cat <<'EOF'
{
	for v in FILE DEVICE COMMID MSG CIDNUMBER CIDNAME DESTINATION CALLID4 SENDER PAGES; do
		printf '%s=%s\n' "$v" "${!v}"
	done
	echo "UID=$(id -u)"
	echo "PWD=$(pwd -P)"
	echo END
} >>"$FAXKIT_DISPATCH_LOG"
EOF
	} >"$HF_SPOOL/etc/FaxDispatch"
	chmod 0644 "$HF_SPOOL/etc/FaxDispatch"
}

# fr_start: fax-recv -vv as uucp (real and effective uid, like faxgetty and the systemd unit's User=uucp) in
# the spool, listening on a free port of 127.0.0.1; JSON lines in $FR_OUT, stderr in $FR_ERR. Sets FR_PID,
# FR_ADDR. Call after hf_start: fax-recv's first messages to faxq are its N and R announcements.
fr_start() {
	local pf="$HF_SCRATCH/fax-recv.port"
	rm -f "$pf"
	(cd / && exec setpriv --reuid="$HF_UUCP_UID" --regid="$HF_UUCP_GID" --clear-groups -- \
		"$FR_BIN" -vv -c "$FR_CONF" --spool "$HF_SPOOL" --listen 127.0.0.1:0 --port-file "$pf" \
		</dev/null >"$FR_OUT" 2>"$FR_ERR" 3>&-) &
	FR_PID=$!
	wait_until 15 fr_listening "$pf" || fail "fax-recv did not start: $(cat "$FR_ERR")"
	_hf_alive "$FR_PID" || fail "fax-recv exited at start: $(cat "$FR_ERR")"
	FR_ADDR="127.0.0.1:$(<"$pf")"
}

fr_listening() {
	[[ -s "$1" ]] || ! _hf_alive "$FR_PID"
}

# fr_stop: SIGTERM to fax-recv, wait (10 s at most), return its exit status (124 if it had to be killed).
fr_stop() {
	local pid=$FR_PID rc=0
	[[ -n "$pid" ]] || return 0
	FR_PID=''
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_until 10 sim_exited "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		return 124
	fi
	wait "$pid" || rc=$?
	return "$rc"
}

# recv_call ARGS...: `fax-sim call` to fax-recv (use under `run`).
recv_call() {
	fax_sim call --socket "$FR_ADDR" "$@"
}

# status_is MODEM TEXT: status/MODEM holds exactly TEXT.
status_is() {
	[[ -f "$HF_SPOOL/status/$1" && "$(<"$HF_SPOOL/status/$1")" == "$2" ]]
}

# fr_records TYPE: the number of fax-recv records of TYPE so far.
fr_records() {
	grep -c "\"type\":\"$1\"" "$FR_OUT" 2>/dev/null || true
}

fr_has_records() {
	[[ "$(fr_records "$1")" -ge "$2" ]]
}

# fr_logged TEXT: fax-recv's stderr has a line containing TEXT.
fr_logged() {
	grep -qF -- "$1" "$FR_ERR"
}

# fr_logged_line LINE: fax-recv's stderr has exactly this line.
fr_logged_line() {
	grep -qxF -- "$1" "$FR_ERR"
}

@test "faxstat -s: freeswitch0/1 Running and idle from fax-recv's start, Receiving facsimile during a call, Down after SIGTERM" {
	fr_setup
	# The spool's etc/ open to uucp, so fax-recv makes etc/config.<id> itself (the sendfax test has an admin's).
	chown uucp:uucp "$HF_SPOOL/etc"
	hf_start
	fr_start
	wait_until 10 status_is freeswitch1 'Running and idle' || fail "no status file: $(ls -l "$HF_SPOOL/status")"

	run -0 hf_faxstat -s
	assert_line --index 0 --regexp '^HylaFAX scheduler on .*: Running$'
	assert_line 'Modem freeswitch0 (+1.555.0100): Running and idle'
	assert_line 'Modem freeswitch1 (+1.555.0100): Running and idle'
	# The files, as faxgetty's would be: uucp's, FIFO.<id> 0600 (faxq opens it as uucp), the rest 0644.
	run -0 stat -c '%n %U %G %a %F' "$HF_SPOOL/FIFO.freeswitch0" "$HF_SPOOL/status/freeswitch0" \
		"$HF_SPOOL/etc/config.freeswitch0"
	assert_line --index 0 "$HF_SPOOL/FIFO.freeswitch0 uucp uucp 600 fifo"
	assert_line --index 1 "$HF_SPOOL/status/freeswitch0 uucp uucp 644 regular file"
	assert_line --index 2 --regexp "^$HF_SPOOL/etc/config.freeswitch0 uucp uucp 644 regular (empty )?file\$"
	run -0 grep -E '^(FAXNumber|RecvFileMode):' "$HF_SPOOL/etc/config.freeswitch0"
	assert_output $'FAXNumber:\t\t+1.555.0100\nRecvFileMode:\t\t0644'

	# A 1-page call at the pace of a real line: the first modem takes it for the whole call.
	recv_call --realtime --to 5550100 --from 5559876 --ident '+1 555 9876' --file "$DOC1" \
		>"$BATS_TEST_TMPDIR/call.out" 2>"$BATS_TEST_TMPDIR/call.err" &
	call_pid=$!
	wait_until 10 status_is freeswitch0 'Receiving facsimile' ||
		fail "freeswitch0 not receiving: $(cat "$HF_SPOOL/status/freeswitch0"); $(cat "$BATS_TEST_TMPDIR/call.err")"
	run -0 hf_faxstat -s
	assert_line 'Modem freeswitch0 (+1.555.0100): Receiving facsimile'
	assert_line 'Modem freeswitch1 (+1.555.0100): Running and idle'
	fr_logged 'to faxq: +freeswitch0:B' || fail "faxq was not told freeswitch0 is busy: $(cat "$FR_ERR")"
	# Still in the call (the page takes several seconds at 9600-14400 bit/s), not already done.
	[[ "$(fr_records fax.received)" -eq 0 ]] || fail "the call was over before faxstat ran"
	wait_until 30 sim_exited "$call_pid" || fail "fax-sim call did not end"
	wait "$call_pid" || fail "fax-sim call exited $?: $(cat "$BATS_TEST_TMPDIR/call.err")"

	wait_until 10 fr_has_records fax.received 1 || fail "no fax.received: $(cat "$FR_OUT")"
	wait_until 10 status_is freeswitch0 'Running and idle' || fail "freeswitch0: $(cat "$HF_SPOOL/status/freeswitch0")"
	run -0 hf_faxstat -s
	assert_line 'Modem freeswitch0 (+1.555.0100): Running and idle'
	assert_line 'Modem freeswitch1 (+1.555.0100): Running and idle'

	fr_stop || fail "fax-recv did not exit 0 on SIGTERM (exit $?)"
	fr_logged 'to faxq: +freeswitch0:D' || fail "faxq was not told freeswitch0 is down: $(cat "$FR_ERR")"
	fr_logged 'to faxq: +freeswitch1:D' || fail "faxq was not told freeswitch1 is down: $(cat "$FR_ERR")"
	refute fr_logged 'not delivered'
	run -0 hf_faxstat -s
	assert_line 'Modem freeswitch0 (+1.555.0100): Down'
	assert_line 'Modem freeswitch1 (+1.555.0100): Down'
}

# fr_receive_doc2: a 2-page call (not paced) from 5559876 "John Doe", TSI "+1 555 9876", to 5550100 on gateway
# gw7; waits for fax-recv's fax.received record and for faxrcvd (FaxDispatch's END). Sets COMMID.
fr_receive_doc2() {
	run -0 --separate-stderr recv_call --to 5550100 --from 5559876 --from-name 'John Doe' --ident '+1 555 9876' \
		--gateway gw7 --file "$DOC2"
	wait_until 10 fr_has_records fax.received 1 || fail "no fax.received: $(cat "$FR_OUT")"
	jsonl_check "$FR_OUT" '
r = by_type("fax.received")[0]
assert (r["modem"], r["file"], r["pages"], r["partial"]) == ("freeswitch0", "recvq/fax000000001.tif", 2, False), r
assert (r["remote_station_id"], r["caller_number"], r["caller_name"], r["recipient"]) == ("+1 555 9876", "5559876", "John Doe", "5550100"), r
print(r["commid"])' >"$BATS_TEST_TMPDIR/commid"
	COMMID=$(<"$BATS_TEST_TMPDIR/commid")
	[[ "$COMMID" =~ ^[0-9]{9}$ ]] || fail "commid '$COMMID' is not 9 digits"
	wait_until 20 dispatch_done || fail "faxrcvd did not run FaxDispatch: $(cat "$FR_ERR")"
}

dispatch_done() {
	[[ -f "$FR_DISPATCH" ]] && grep -qx END "$FR_DISPATCH"
}

@test "a received fax in recvq: faxstat -r lists it with the sender's TSI and 2 pages, faxinfo shows the tags" {
	fr_setup
	hf_start
	fr_start
	fr_receive_doc2

	# recvq/fax%09u.tif, numbered from recvq/seqf (the next number to use), RecvFileMode 0644, uucp's.
	run -0 stat -c '%U %G %a' "$HF_SPOOL/recvq/fax000000001.tif"
	assert_output 'uucp uucp 644'
	assert_equal "$(<"$HF_SPOOL/recvq/seqf")" 2
	assert_equal "$(<"$HF_SPOOL/log/seqf")" "$((10#$COMMID + 1))"
	run -0 stat -c '%U %a' "$HF_SPOOL/log/c$COMMID"
	assert_output 'uucp 600'

	run -0 hf_faxstat -r
	assert_line --regexp '^Protect +Page +Owner +Sender/TSI +Recvd@ +Filename$'
	# Protect, pages, " " (not "*": being received, i.e. still locked), owner (the gid), Sender/TSI, Recvd@ (the
	# mtime; empty while it is the current second), file name.
	assert_line --regexp '^-rw-r-- +2  (10|uucp) +\+1 555 9876 +([0-9]{2}:[0-9]{2} +)?fax000000001\.tif$'

	# The real faxinfo (/usr/sbin/faxinfo is Debian's wrapper, which bind-mounts /etc/hylafax over the system spool).
	run -0 /usr/lib/hylafax/bin/faxinfo "$HF_SPOOL/recvq/fax000000001.tif"
	assert_line '    Sender: +1 555 9876'
	assert_line '     Pages: 2'
	assert_line '   Quality: Fine'
	assert_line '      Page: default'
	assert_line --regexp "^  Received: $(date -d "@$(stat -c %Y "$HF_SPOOL/recvq/fax000000001.tif")" '+%Y:%m:%d') [0-9]{2}:[0-9]{2}:[0-9]{2}\$"
	assert_line 'SignalRate: 14400 bit/s'
	assert_line 'DataFormat: 2-D MMR'
	assert_line 'ErrCorrect: Yes'
	assert_line '   CallID1: 5559876'
	assert_line '   CallID2: John Doe'
	assert_line '   CallID3: 5550100'

	# xferfaxlog: one RECV record for it.
	run -0 grep -c . "$HF_SPOOL/log/xferfaxlog"
	assert_output 1
	IFS=$'\t' read -r -a xf <"$HF_SPOOL/log/xferfaxlog"
	assert_equal "${xf[*]:1:4}" "RECV $COMMID freeswitch0 recvq/fax000000001.tif"
	assert_equal "${xf[8]}" '"+1 555 9876"'
	assert_equal "${xf[10]}" 2
}

@test "the spool's bin/faxrcvd runs as uucp in the spool and sources etc/FaxDispatch with the call's variables" {
	fr_setup
	hf_start
	fr_start
	fr_receive_doc2

	run -0 cat "$FR_DISPATCH"
	assert_output "FILE=recvq/fax000000001.tif
DEVICE=freeswitch0
COMMID=$COMMID
MSG=
CIDNUMBER=5559876
CIDNAME=John Doe
DESTINATION=5550100
CALLID4=gw7
SENDER=+1 555 9876
PAGES=2
UID=$HF_UUCP_UID
PWD=$HF_SPOOL
END"
	# faxq was told the call's commid while it lasted (+I<commid>, cleared with +I), as faxgetty does.
	fr_logged_line "fax-recv: debug: to faxq: +freeswitch0:I$COMMID" || fail "no +I$COMMID: $(cat "$FR_ERR")"
	fr_logged_line 'fax-recv: debug: to faxq: +freeswitch0:I' || fail "commid not cleared: $(cat "$FR_ERR")"
	# FaxDispatch's NOTIFY_FAXMASTER=never and empty SENDTO: faxrcvd mailed nobody.
	[[ ! -e "$FR_MAIL" ]] || fail "faxrcvd sent mail: $(cat "$FR_MAIL")"
	# fax-recv reports a failing faxrcvd (exit status, first line of its stderr).
	refute fr_logged 'faxrcvd'
}

# fr_ready_sent MODEM N: fax-recv sent faxq at least N ready messages for MODEM.
fr_ready_sent() {
	[[ "$(grep -cF -- "to faxq: +$1:R" "$FR_ERR")" -ge "$2" ]]
}

# sent_modem JOBID: the modem of fax-send's one fax.sent record for the job (in $EVENTS).
sent_modem() {
	jsonl_check "$EVENTS" '
sent = [r for r in by_type("fax.sent") if r["jobid"] == args[0]]
assert len(sent) == 1 and sent[0]["status"] == "sent" and sent[0]["pages"] == 3, recs
assert sent[0]["modem"] in ("freeswitch0", "freeswitch1"), sent[0]
print(sent[0]["modem"])' "$1"
}

# fr_line_no TEXT: the number of the first line of fax-recv's stderr containing TEXT (fails if none).
fr_line_no() {
	local n
	n=$(grep -nF -m 1 -- "$1" "$FR_ERR" | cut -d: -f1)
	[[ -n "$n" ]] || return 1
	echo "$n"
}

@test "sendfax beside fax-recv: jobs right after its start and after a ready message run (quirk 2) on its modems (L, SB, SR); during a call on freeswitch0 a job takes freeswitch1" {
	sim_start --scenario "$SCENARIO"
	send=$(usable_by_uucp "$FAXKIT_BUILD_DIR/tools/fax-send/fax-send")
	[[ -x "$send" ]] || fail "fax-send binary not found at $send (build it or set FAXKIT_BUILD_DIR)"
	fr_setup "SendFaxCmd: $send"
	# An admin's etc/config.<id> (the spool's etc/ is root's, as /etc/hylafax is): fax-recv keeps them.
	for m in freeswitch0 freeswitch1; do
		printf 'FAXNumber:\t\t+1.555.0199\nRecvFileMode:\t\t0644\n' >"$HF_SPOOL/etc/config.$m"
	done
	# Quirk 2 is not only about bursts of ready messages: a job submitted about a second after some scheduler
	# run can stall as well (seen here: 1 job in 4 right after the ready message that follows SR). Spacing
	# the ready messages cannot prevent that; the re-announcement wakes faxq. Every 5 s here, so such a job
	# waits 5 s at most instead of the default 60 s.
	sed -i 's/^\[fax-recv\]$/&\nreannounce = 5s/' "$FR_CONF"
	# One config for both programs, as gofax.conf is for gofaxsend and gofaxd; faxq hands FAXKIT_CONFIG on to
	# fax-send (quirk 1).
	EVENTS="$HF_SCRATCH/events.jsonl"
	printf '[freeswitch]\nsocket = %s\ngateway = gw1\n[hylafax]\nspooldir = %s\n[fax-send]\ntmpdir = %s\nevents = %s\n' \
		"$SIM_ADDR" "$HF_SPOOL" "$HF_SCRATCH" "$EVENTS" >>"$FR_CONF"
	export FAXKIT_CONFIG="$FR_CONF"
	hf_start
	fr_start

	# A job right after fax-recv's start: its first ready message went out at once, the second is spaced.
	job1=$(hf_sendfax 4930123456 "$DOC" -m)
	hf_wait_job "$job1" D 15
	assert_equal "$(hf_qfield "$job1" returned)" 2
	assert_equal "$(hf_qfield "$job1" npages)" 3
	m=$(sent_modem "$job1")

	# fax-recv read faxq's L and fax-send's SB and SR on FIFO.$m, in that order, and on SB told faxq U (in use).
	wait_until 10 fr_logged "modem $m: SR from FIFO.$m: now ready" || fail "no SR from FIFO.$m: $(cat "$FR_ERR")"
	l=$(fr_line_no "modem $m: L from FIFO.$m: now locked") || fail "no L from FIFO.$m: $(cat "$FR_ERR")"
	u=$(fr_line_no "to faxq: +$m:U") || fail "no +$m:U to faxq: $(cat "$FR_ERR")"
	sb=$(fr_line_no "modem $m: SB from FIFO.$m: now busy_outbound") || fail "no SB from FIFO.$m: $(cat "$FR_ERR")"
	sr=$(fr_line_no "modem $m: SR from FIFO.$m: now ready")
	((l < u && u < sb && sb < sr)) || fail "L, U, SB, SR out of order (lines $l $u $sb $sr): $(cat "$FR_ERR")"
	wait_until 10 status_is "$m" 'Running and idle' || fail "$m: $(cat "$HF_SPOOL/status/$m")"
	run -0 hf_faxstat -s
	assert_line 'Modem freeswitch0 (+1.555.0199): Running and idle'
	assert_line 'Modem freeswitch1 (+1.555.0199): Running and idle'
	run -0 grep -c . "$HF_SPOOL/etc/config.freeswitch0"
	assert_output 2

	# Quirk 2: a ready message (fax-recv announces $m again after SR), then at once a job; it must not wait
	# longer than the re-announcement.
	wait_until 5 fr_ready_sent "$m" 2 || fail "$m not announced ready again after SR: $(cat "$FR_ERR")"
	job2=$(hf_sendfax 4930123457 "$DOC" -m)
	hf_wait_job "$job2" D 15

	# Inbound and outbound at once: a real-time call holds freeswitch0 (fax-recv told faxq B), so faxq gives the
	# next job to freeswitch1.
	wait_until 10 status_is freeswitch0 'Running and idle' || fail "freeswitch0: $(cat "$HF_SPOOL/status/freeswitch0")"
	recv_call --realtime --to 5550100 --from 5559876 --ident '+1 555 9876' --file "$DOC1" \
		>"$BATS_TEST_TMPDIR/call.out" 2>"$BATS_TEST_TMPDIR/call.err" &
	call_pid=$!
	wait_until 10 status_is freeswitch0 'Receiving facsimile' ||
		fail "freeswitch0 not receiving: $(cat "$HF_SPOOL/status/freeswitch0"); $(cat "$BATS_TEST_TMPDIR/call.err")"
	job3=$(hf_sendfax 4930123458 "$DOC" -m)
	hf_wait_job "$job3" D 15
	assert_equal "$(sent_modem "$job3")" freeswitch1
	fr_logged 'modem freeswitch1: L from FIFO.freeswitch1: now locked' || fail "no L on freeswitch1: $(cat "$FR_ERR")"
	[[ "$(fr_records fax.received)" -eq 0 ]] || fail "the call was over before the job was done"
	wait_until 30 sim_exited "$call_pid" || fail "fax-sim call did not end"
	wait "$call_pid" || fail "fax-sim call exited $?: $(cat "$BATS_TEST_TMPDIR/call.err")"
	wait_until 10 fr_has_records fax.received 1 || fail "no fax.received: $(cat "$FR_OUT")"
	jsonl_check "$FR_OUT" '
r = by_type("fax.received")[0]
assert (r["modem"], r["file"], r["pages"]) == ("freeswitch0", "recvq/fax000000001.tif", 1), r
print(r["commid"])' >"$BATS_TEST_TMPDIR/commid"
	wait_until 20 dispatch_done || fail "faxrcvd did not run FaxDispatch: $(cat "$FR_ERR")"
	wait_until 10 status_is freeswitch0 'Running and idle' || fail "freeswitch0: $(cat "$HF_SPOOL/status/freeswitch0")"
	wait_until 10 status_is freeswitch1 'Running and idle' || fail "freeswitch1: $(cat "$HF_SPOOL/status/freeswitch1")"

	# The commids of sender and receiver come from the one log/seqf: four distinct ones, seqf holds the next.
	run -0 sort -u <<<"$(hf_qfield "$job1" commid)
$(hf_qfield "$job2" commid)
$(hf_qfield "$job3" commid)
$(<"$BATS_TEST_TMPDIR/commid")"
	assert_equal "${#lines[@]}" 4
	assert_equal "$(<"$HF_SPOOL/log/seqf")" "$((10#${lines[3]} + 1))"
	# No warnings: the etc/config.<id> exist (no attempt to create them in root's etc/), and every message
	# to faxq was delivered.
	refute fr_logged 'fax-recv: warning'
	refute fr_logged 'not delivered'
}
