# shellcheck shell=bash
# stderr, output, lines: set by bats' run. SIM_*, SOCK_*, SHELL_*: used by the test files.
# shellcheck disable=SC2154,SC2034
# Helpers for fax-sim's Bats suite: run `fax-sim serve` per test, drive it with fax-esl (`shell` over a
# FIFO for event streams), run the outbound-socket server (tests/fakes/socket_server.py).
# Load after helpers/common.

FAXKIT_BUILD_DIR="${FAXKIT_BUILD_DIR:-$FAXKIT_ROOT/build}"
FAX_SIM="$FAXKIT_BUILD_DIR/tools/fax-sim/fax-sim"
SOCKET_SERVER="$FAXKIT_ROOT/tests/fakes/socket_server.py"
REPLAY_CAPTURE="$FAXKIT_ROOT/tests/tools/replay_capture.py"
# Upper bound for one fax-sim client run (call, load, make-tiff, compare).
FAX_SIM_LIMIT="${FAX_SIM_LIMIT:-30}"

sim_setup() {
	common_setup
	SIM_PID='' SOCK_PID='' SHELL_PID='' SHELL_FD=''
	[[ -x "$FAX_SIM" ]] || fail "fax-sim binary not found at $FAX_SIM (build first or set FAXKIT_BUILD_DIR)"
}

# sim_teardown: close the shell, stop the socket server, stop fax-sim with SIGTERM and require exit 0.
sim_teardown() {
	local rc=0
	if [[ -n "$SHELL_FD" ]]; then exec {SHELL_FD}>&- || true; fi
	if [[ -n "$SHELL_PID" ]]; then
		kill -TERM "$SHELL_PID" 2>/dev/null || true
		wait "$SHELL_PID" 2>/dev/null || true
	fi
	if [[ -n "$SOCK_PID" ]]; then
		kill -TERM "$SOCK_PID" 2>/dev/null || true
		wait "$SOCK_PID" 2>/dev/null || true
	fi
	if [[ -n "$SIM_PID" ]]; then
		sim_stop || rc=$?
	fi
	common_teardown
	if [[ $rc -ne 0 ]]; then
		fail "fax-sim serve did not exit 0 on SIGTERM (exit $rc); stderr: $(tail -n 5 "$SIM_DIR/serve.err")"
	fi
	if [[ -z "${BATS_TEST_COMPLETED:-}" && -s "${SIM_DIR:-/nonexistent}/serve.err" ]]; then
		echo "--- fax-sim serve stderr:" >&3
		tail -n 20 "$SIM_DIR/serve.err" | sed 's/^/# /' >&3
	fi
}

# sim_start [serve options...]: start `fax-sim serve` on a free port in $BATS_TEST_TMPDIR/sim with a fresh
# db and received-pages directory; sets SIM_PID, SIM_PORT, SIM_ADDR, SIM_DIR, SIM_RECEIVED, SIM_DB.
sim_start() {
	SIM_DIR="$BATS_TEST_TMPDIR/sim"
	mkdir -p "$SIM_DIR"
	SIM_RECEIVED="$SIM_DIR/received"
	SIM_DB="${SIM_DB:-$SIM_DIR/fax-sim.db}"
	local pf="$SIM_DIR/port"
	rm -f "$pf"
	"$FAX_SIM" serve --listen 127.0.0.1:0 --port-file "$pf" --db "$SIM_DB" --received-dir "$SIM_RECEIVED" "$@" \
		</dev/null >"$SIM_DIR/serve.out" 2>>"$SIM_DIR/serve.err" 3>&- &
	SIM_PID=$!
	wait_until 15 test -s "$pf" || fail "fax-sim serve did not start: $(cat "$SIM_DIR/serve.err")"
	SIM_PORT=$(<"$pf")
	SIM_ADDR="127.0.0.1:$SIM_PORT"
}

# sim_stop: SIGTERM, wait (bounded, 10 s), return fax-sim's exit status (124 if it did not exit).
sim_stop() {
	local pid=$SIM_PID rc=0
	SIM_PID=''
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_until 10 sim_exited "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		return 124
	fi
	wait "$pid" || rc=$?
	return "$rc"
}

sim_exited() {
	! kill -0 "$1" 2>/dev/null || [[ "$(ps -o stat= -p "$1" 2>/dev/null)" == Z* ]]
}

# sim_scenario NAME JSON: write a scenario file, print its path.
sim_scenario() {
	local f="$BATS_TEST_TMPDIR/$1.json"
	printf '%s\n' "$2" >"$f"
	echo "$f"
}

# sim_esl ARGS...: fax-esl against the running fax-sim (use under `run`).
sim_esl() {
	fax_esl -H "$SIM_ADDR" "$@"
}

# fax_sim ARGS...: fax-sim with a hard time limit (use under `run`).
fax_sim() {
	timeout -k 5 "$FAX_SIM_LIMIT" "$FAX_SIM" "$@"
}

new_uuid() {
	cat /proc/sys/kernel/random/uuid
}

# The 3-page test document, made once per file (setup_file) in $BATS_FILE_TMPDIR/doc.tif.
sim_make_doc() {
	DOC="$BATS_FILE_TMPDIR/doc.tif"
	[[ -s "$DOC" ]] || "$FAX_SIM" make-tiff --pages 3 "$DOC" || return 1
}

# ---------------------------------------------------------------- fax-esl shell over a FIFO

# shell_start: `fax-esl shell` connected to fax-sim, stdin from a FIFO we keep open (SHELL_FD), records in
# $SHELL_OUT. Commands: shell_send JSON. End: shell_stop (closes stdin, requires exit 0).
shell_start() {
	local fifo="$BATS_TEST_TMPDIR/shell.in"
	SHELL_OUT="$BATS_TEST_TMPDIR/shell.out"
	SHELL_ERR="$BATS_TEST_TMPDIR/shell.err"
	rm -f "$fifo"
	mkfifo "$fifo"
	fax_esl -H "$SIM_ADDR" shell <"$fifo" >"$SHELL_OUT" 2>"$SHELL_ERR" 3>&- &
	SHELL_PID=$!
	exec {SHELL_FD}>"$fifo"
}

shell_send() {
	printf '%s\n' "$1" >&"$SHELL_FD"
}

# shell_stop: end of input; fax-esl waits for open jobs, then must exit 0.
shell_stop() {
	local pid=$SHELL_PID rc=0
	exec {SHELL_FD}>&-
	SHELL_FD='' SHELL_PID=''
	wait "$pid" || rc=$?
	[[ $rc -eq 0 ]] || fail "fax-esl shell exited $rc: $(cat "$SHELL_ERR")"
}

# shell_has TEXT...: every TEXT occurs on one line of the shell's output (fixed strings).
shell_has() {
	local line pat ok
	while IFS= read -r line; do
		ok=1
		for pat in "$@"; do
			[[ "$line" == *"$pat"* ]] || { ok=0; break; }
		done
		[[ $ok -eq 1 ]] && return 0
	done <"$SHELL_OUT"
	return 1
}

# shell_wait_event SECONDS UUID EVENT [SUBCLASS]: wait for that event of that channel in the stream.
shell_wait_event() {
	local limit=$1 uuid=$2 event=$3 sub=${4:-}
	local subpat='"subclass":null'
	[[ -n "$sub" ]] && subpat="\"subclass\":\"$sub\""
	wait_until "$limit" shell_has "\"event\":\"$event\",$subpat,\"uuid\":\"$uuid\"" ||
		fail "no $event $sub for $uuid within $limit s; stream: $(cut -c1-300 "$SHELL_OUT" | tail -n 20)"
}

# The events a fax test subscribes to.
FAX_EVENTS='["CHANNEL_ANSWER","CHANNEL_HANGUP","CHANNEL_HANGUP_COMPLETE","CUSTOM","spandsp::txfaxnegociateresult","spandsp::txfaxpageresult","spandsp::txfaxresult"]'

# shell_fax UUID TARGET [VARS]: subscribe (first call only) and bgapi-originate TARGET with &txfax($DOC),
# origination_uuid=UUID,fax_ident=TEST plus VARS (",k=v...").
shell_fax() {
	local uuid=$1 target=$2 vars=${3:-}
	if [[ -z "${SHELL_SUBSCRIBED:-}" ]]; then
		shell_send "{\"event\":$FAX_EVENTS}"
		SHELL_SUBSCRIBED=1
	fi
	shell_send "{\"bgapi\":\"originate {origination_uuid=$uuid,fax_ident=TEST$vars}$target &txfax($DOC)\"}"
}

# ---------------------------------------------------------------- the outbound-socket server

# sock_start [socket_server options...]: sets SOCK_PID, SOCK_PORT, SOCK_ADDR, SOCK_LOG, SOCK_RX.
sock_start() {
	local pf="$BATS_TEST_TMPDIR/sock.port"
	SOCK_LOG="$BATS_TEST_TMPDIR/sock.log"
	SOCK_RX="$BATS_TEST_TMPDIR/rx"
	rm -f "$pf" "$SOCK_LOG"
	python3 "$SOCKET_SERVER" --port-file "$pf" --rx-dir "$SOCK_RX" --log "$SOCK_LOG" "$@" \
		</dev/null >"$BATS_TEST_TMPDIR/sock.out" 2>"$BATS_TEST_TMPDIR/sock.err" 3>&- &
	SOCK_PID=$!
	wait_until 15 test -s "$pf" || fail "socket server did not start: $(cat "$BATS_TEST_TMPDIR/sock.err")"
	SOCK_PORT=$(<"$pf")
	SOCK_ADDR="127.0.0.1:$SOCK_PORT"
}

# sock_calls: the number of calls logged so far.
sock_calls() {
	if [[ -s "$SOCK_LOG" ]]; then wc -l <"$SOCK_LOG"; else echo 0; fi
}

sock_has_calls() {
	[[ "$(sock_calls)" -ge "$1" ]]
}

# sock_wait_calls SECONDS N: wait until N calls are logged.
sock_wait_calls() {
	wait_until "$1" sock_has_calls "$2" ||
		fail "socket server logged $(sock_calls) of $2 calls within $1 s; stderr: $(cat "$BATS_TEST_TMPDIR/sock.err")"
}
