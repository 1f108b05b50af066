#!/usr/bin/env bats
# The HylaFAX test harness (helpers/hylafax.bash) against the real HylaFAX+ 6.0.7 of Debian 12: faxq runs
# a STUB SendFaxCmd written here, hfaxd serves sendfax/faxstat, virtual modems are announced through the
# FIFO. The fax-send (issue #4) and fax-recv (issue #5) suites build on it.
# Reference: ../shared/research/hylafax-integration.md (§1 private spool, §2 SendFaxCmd contract, §3 modems).

# The stub's body is written in single quotes on purpose; $output etc. come from bats' run.
# shellcheck disable=SC2016,SC2154

bats_require_minimum_version 1.5.0

setup_file() {
	# A one-page fax TIFF (G4, 204x196, A4) for sendfax; shared by the tests of this file.
	gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=tiffg4 -r204x196 -sPAPERSIZE=a4 \
		-sOutputFile="$BATS_FILE_TMPDIR/doc.tif" \
		-c '/Helvetica findfont 24 scalefont setfont 72 700 moveto (faxkit HylaFAX harness) show showpage' ||
		return 1
}

setup() {
	load helpers/common
	load helpers/hylafax
	hf_require
	DOC="$BATS_FILE_TMPDIR/doc.tif"
}

teardown() {
	hf_teardown
}

# write_stub RC RETURNED [TTS_DELAY]: $HF_DIR/send-stub becomes the SendFaxCmd. It appends its argv, cwd,
# euid and whether faxq's UUCP lock for the modem is in the spool's private lock dir to $STUB_LOG, sets
# returned:RETURNED (and tts: now+TTS_DELAY) in the qfile and exits RC.
write_stub() {
	STUB="$HF_DIR/send-stub"
	STUB_LOG="$HF_SCRATCH/stub.log"
	{
		printf '#!/bin/bash -p\n'
		printf 'rc=%q returned=%q delay=%q log=%q\n' "$1" "$2" "${3:-}" "$STUB_LOG"
		printf '%s\n' 'qf=${!#}' \
			'{' \
			'  printf "argv=%s\n" "$*"' \
			'  printf "cwd=%s\n" "$(pwd -P)"' \
			'  printf "euid=%s\n" "$(id -u)"' \
			'  if [[ -e "lock/LCK..$2" ]]; then echo lock=private; else echo lock=missing; fi' \
			'} >>"$log"' \
			'edits=(-e "s/^returned:.*/returned:$returned/")' \
			'if [[ -n "$delay" ]]; then' \
			'  tts=$(($(date +%s) + delay))' \
			'  edits+=(-e "s/^tts:.*/tts:$tts/")' \
			'  echo "tts=$tts" >>"$log"' \
			'fi' \
			'sed -i "${edits[@]}" "$qf" || exit 1' \
			'echo "exit=$rc" >>"$log"' \
			'exit "$rc"'
	} >"$STUB"
	chmod 0755 "$STUB"
	hf_config "SendFaxCmd: $STUB"
}

@test "a job sent after a modem-ready message runs SendFaxCmd -m MODEM sendq/qN in the spool; exit 2 is done" {
	hf_setup_spool
	write_stub 2 2
	hf_start
	hf_modem_ready freeswitch0
	job=$(hf_sendfax 5551234 "$DOC")
	hf_wait_job "$job" D 20
	run -0 cat "$STUB_LOG"
	assert_output "argv=-m freeswitch0 sendq/q$job
cwd=$HF_SPOOL
euid=$HF_UUCP_UID
lock=private
exit=2"
	[[ ! -e "$HF_SPOOL/sendq/q$job" ]]
	assert_equal "$(hf_qfile "$job")" "$HF_SPOOL/doneq/q$job"
	assert_equal "$(hf_qfield "$job" state)" 7
	assert_equal "$(hf_qfield "$job" returned)" 2
	assert_equal "$(hf_qfield "$job" number)" 5551234
	run -0 hf_faxstat -d
	assert_line --regexp "^$job +[0-9]+ +D +root +5551234 "
}

@test "a job waits (W) without a modem; exit 0 with returned:0 and a tts 60 s ahead requeues it (S)" {
	hf_setup_spool
	write_stub 0 0 60
	hf_start
	job=$(hf_sendfax 5550002 "$DOC")
	hf_wait_job "$job" W 10
	hf_nudge "$job" # a no-op resubmit leaves a waiting job alone
	[[ ! -e "$STUB_LOG" ]] # no modem, no SendFaxCmd
	hf_modem_ready freeswitch0
	hf_wait_job "$job" S 20
	run -0 grep -c '^argv=-m freeswitch0 ' "$STUB_LOG"
	assert_output 1
	tts=$(sed -n 's/^tts=//p' "$STUB_LOG")
	assert_equal "$(hf_qfile "$job")" "$HF_SPOOL/sendq/q$job"
	assert_equal "$(hf_qfield "$job" state)" 3
	assert_equal "$(hf_qfield "$job" tts)" "$tts"
	run -0 hf_faxstat -s
	assert_line --regexp '^HylaFAX scheduler on .*: Running$'
	# A sleeping job shows its time to send (HH:MM, hfaxd's local time) in the TTS column.
	assert_line --regexp "^$job +[0-9]+ +S +root +5550002 .* [0-9]{1,2}:[0-9]{2} *\$"
}

@test "faxstat -s lists the modems of hf_setup_modem with their status text; hf_stop leaves no process" {
	hf_setup_spool
	hf_setup_modem freeswitch0 +1.555.0100
	hf_setup_modem freeswitch3 +1.555.0103 'Receiving facsimile'
	run -0 stat -c '%F %U %a' "$HF_SPOOL/FIFO.freeswitch3" "$HF_SPOOL/etc/config.freeswitch3" \
		"$HF_SPOOL/status/freeswitch3"
	assert_output $'fifo uucp 600\nregular file uucp 644\nregular file uucp 644'
	run -0 grep -E '^(FAXNumber|RecvFileMode):' "$HF_SPOOL/etc/config.freeswitch3"
	assert_output $'FAXNumber:\t\t+1.555.0103\nRecvFileMode:\t\t0644'
	hf_start
	hf_modem_ready freeswitch0
	run -0 hf_faxstat -s
	assert_line --regexp '^HylaFAX scheduler on .*: Running$'
	assert_line 'Modem freeswitch0 (+1.555.0100): Running and idle'
	assert_line 'Modem freeswitch3 (+1.555.0103): Receiving facsimile'

	pids=("$HF_FAXQ_PID" "$HF_HFAXD_PID")
	hf_stop
	for pid in "${pids[@]}"; do
		run ! kill -0 "$pid"
	done
	assert_equal "$(hf_leftovers)" ''
	hf_stop # a second call is harmless
	run ! hf_modem_ready freeswitch0 # nobody reads the FIFO any more
	run ! hf_faxstat
}
