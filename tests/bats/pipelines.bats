#!/usr/bin/env bats
# The example pipelines in examples/pipelines/ run as documented, against the
# fake FreeSWITCH event socket replaying a real 3-page fax call, or against
# fax-sim when they send or receive a fax.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/sim

EXAMPLES="$FAXKIT_ROOT/examples/pipelines"

setup() {
	common_setup
	command -v jq >/dev/null || skip "jq not installed (scripts/install-deps.sh installs it)"
}

teardown() {
	if [[ -n "${SIM_PID:-}" ]]; then sim_stop || true; fi
	if [[ -n "${GOFAXD_PID:-}" ]]; then gofaxd_stop || true; fi
	common_teardown
}

# gofaxd_stop: SIGTERM to gofaxd.sh's process group (as Ctrl-C or systemd would), wait (bounded,
# 15 s; then SIGKILL), return the script's exit status (124 if it did not exit).
gofaxd_stop() {
	local pid=$GOFAXD_PID rc=0
	GOFAXD_PID=''
	kill -TERM -- "-$pid" 2>/dev/null || true
	if ! wait_until 15 sim_exited "$pid"; then
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		return 124
	fi
	wait "$pid" || rc=$?
	return "$rc"
}

use_fake_in_config() {
	printf '[freeswitch]\nsocket = %s\npassword = ClueCon\n' "$FAKE_ADDR" >"$FAXKIT_CONFIG"
}

@test "fax-results.sh prints one line per finished fax with result and pages" {
	# The fake sends the subscribed events of its capture pool: one rxfaxresult, one txfaxresult.
	fake_start --stream 2 --close-after-stream
	use_fake_in_config
	run --separate-stderr timeout 30 "$EXAMPLES/fax-results.sh" --once
	assert_success
	assert_equal "${#lines[@]}" 2
	# time, direction, uuid, code, text, pages (the capture: both sides OK, 3 pages)
	assert_line --index 0 --regexp $'^2026-11-23T[0-9:.]+Z\treceived\t7d827435-2fda-4f93-9cd0-ef5b8f5dcbca\t0\tOK\t3$'
	assert_line --index 1 --regexp $'^2026-11-23T[0-9:.]+Z\tsent\tdc1f5c29-ee27-48fc-9aba-7cfc94386519\t0\tOK\t3$'
	run grep -c '^event plain CUSTOM spandsp::txfaxresult spandsp::rxfaxresult$' "$FAKE_LOG"
	assert_output 1
}

@test "fallback-check.sh: set → 0, not set → 1, a bad number → 64 before any connection" {
	fake_start
	use_fake_in_config
	run fax_esl api db insert/fallback/4930123456/true
	assert_success
	run "$EXAMPLES/fallback-check.sh" 4930123456
	assert_success
	run "$EXAMPLES/fallback-check.sh" 4930999999
	assert_failure 1
	run --separate-stderr "$EXAMPLES/fallback-check.sh" '49;rm -rf /'
	assert_failure 64
	run grep -c 'rm -rf' "$FAKE_LOG"
	assert_output 0
}

@test "send-and-watch.sh: one summary line per send through fax-sim, fax-send's exit status passed through" {
	local fax_send="$FAXKIT_BUILD_DIR/tools/fax-send/fax-send" doc="$BATS_TEST_TMPDIR/doc.tif"
	[[ -x "$fax_send" && -x "$FAX_SIM" ]] || fail "fax-send or fax-sim not built under $FAXKIT_BUILD_DIR"
	printf '{"gateways": {"gw1": "up", "gw2": "down"}, "numbers": {"4930111": "busy"}}\n' >"$BATS_TEST_TMPDIR/sc.json"
	sim_start --scenario "$BATS_TEST_TMPDIR/sc.json"
	printf '[freeswitch]\nsocket = %s\ngateway = gw2\ngateway = gw1\n' "$SIM_ADDR" >"$FAXKIT_CONFIG"
	run "$FAX_SIM" make-tiff --pages 3 "$doc"
	assert_success
	export PATH="${fax_send%/*}:$PATH" RETRY_DELAY=10ms
	# gw2 is down, gw1 answers: the fax goes through on the first try.
	export RETRIES=0
	run --separate-stderr timeout 60 "$EXAMPLES/send-and-watch.sh" 4930123456 "$doc"
	assert_success
	assert_output $'sent\t4930123456\t3/3\tgw1\t1\tOK'
	run "$FAX_SIM" compare "$doc" "$SIM_RECEIVED"/*.tif
	assert_success
	# A busy number: three tries, then fax-send's 75 (retry later) is the script's status.
	export RETRIES=2
	run --separate-stderr timeout 60 "$EXAMPLES/send-and-watch.sh" 4930111 "$doc"
	assert_failure 75
	assert_output $'retry\t4930111\t0/0\tgw1\t3\tUSER_BUSY'
}

@test "gofaxd.sh: fax-recv receives a call placed by fax-sim, one line per fax, exit 0 on SIGTERM" {
	local fax_recv="$FAXKIT_BUILD_DIR/tools/fax-recv/fax-recv" doc="$BATS_TEST_TMPDIR/doc.tif"
	local spool="$BATS_TEST_TMPDIR/spool" pf="$BATS_TEST_TMPDIR/recv.port" out="$BATS_TEST_TMPDIR/gofaxd.out"
	[[ -x "$fax_recv" && -x "$FAX_SIM" ]] || fail "fax-recv or fax-sim not built under $FAXKIT_BUILD_DIR"
	printf '[hylafax]\nmodems = 2\n[fax-recv]\nrecvfilemode = 0644\n' >"$FAXKIT_CONFIG"
	run "$FAX_SIM" make-tiff --pages 3 "$doc"
	assert_success
	# A process group of its own, so that the test stops it as Ctrl-C or systemd would.
	PATH="${fax_recv%/*}:$PATH" setsid "$EXAMPLES/gofaxd.sh" --spool "$spool" --listen 127.0.0.1:0 --port-file "$pf" \
		</dev/null >"$out" 2>"$BATS_TEST_TMPDIR/gofaxd.err" 3>&- &
	GOFAXD_PID=$!
	wait_until 15 test -s "$pf" || fail "fax-recv did not start: $(cat "$BATS_TEST_TMPDIR/gofaxd.err")"
	[[ "$(ps -o pgid= -p "$GOFAXD_PID" | tr -d ' ')" == "$GOFAXD_PID" ]] || fail "gofaxd.sh is not a process group leader"
	run timeout 60 "$FAX_SIM" call --socket "127.0.0.1:$(<"$pf")" --to 5550100 --from 5551234 --from-name 'John Doe' \
		--file "$doc"
	assert_success
	# The line comes once fax-recv has finished the file (after the call ended for fax-sim).
	wait_until 15 test -s "$out" || fail "no line from gofaxd.sh; stderr: $(cat "$BATS_TEST_TMPDIR/gofaxd.err")"
	local rc=0
	gofaxd_stop || rc=$?
	assert_equal "$rc" 0
	run cat "$out"
	assert_output --regexp $'^20[0-9-]+T[0-9:.]+Z\treceived\t000000001\tfreeswitch0\t5551234\tJohn Doe\t5550100\t3\trecvq/fax000000001\\.tif\tOK$'
	run "$FAX_SIM" compare "$doc" "$spool/recvq/fax000000001.tif"
	assert_success
}

@test "the example scripts use bash with pipefail and pass shellcheck" {
	local f
	for f in "$EXAMPLES"/*.sh; do
		head -1 "$f" | grep -q '^#!/bin/bash' || fail "$f: not a bash script"
		grep -q 'set -euo pipefail' "$f" || fail "$f: no set -euo pipefail"
	done
	command -v shellcheck >/dev/null || skip "shellcheck not installed"
	run shellcheck "$EXAMPLES"/*.sh
	assert_success
}

@test "make demo's script: every fax of it sent, received and compared; fax-send's exit statuses; fax-recv's spool" {
	local build
	build=$(cd "$FAXKIT_BIN_DIR/../.." && pwd)
	run -0 --separate-stderr timeout 120 "$FAXKIT_ROOT/scripts/demo.sh" "$build"
	assert_line "identical: the far end received the same 3 pages"
	assert_line "identical over T.38 too"
	assert_line --partial '"type":"fax.sent","attempt":2,"gateway":"gw1","pages":3'
	assert_line "exit status 0 (0: sent)"
	assert_line --partial '"type":"fax.failed","attempt":1,"gateway":"gw1","pages":0'
	assert_line "exit status 75 (75: not sent, worth retrying)"
	assert_line --partial '"type":"fax.received","from":"5552222","to":"5550100","pages":3'
	assert_line --regexp $'^RECV\t000000001\tfreeswitch\trecvq/fax000000001.tif\t"5550100"\t"5552222"\t3$'
	assert_line "identical: fax-recv stored the same 3 pages"
	assert_line --partial "demo: done."
}
