#!/usr/bin/env bats
# The example pipelines in examples/pipelines/ run as documented, against the
# fake FreeSWITCH event socket replaying a real 3-page fax call, or against
# fax-sim when they send a fax.

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
	common_teardown
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
