# shellcheck shell=bash
# stderr, stderr_lines, output, lines: set by bats' run. FAKE_*: used by the test files.
# shellcheck disable=SC2154,SC2034
# Shared helpers for faxkit's Bats suites: locate the binaries, isolate the environment, run the
# fake FreeSWITCH event socket (tests/fakes/esl_fake.py) per test.

bats_load_library bats-support
bats_load_library bats-assert

FAXKIT_ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
export FAXKIT_BIN_DIR="${FAXKIT_BIN_DIR:-$FAXKIT_ROOT/build/tools/fax-esl}"
export PATH="$FAXKIT_BIN_DIR:$PATH"
ESL_FAKE="$FAXKIT_ROOT/tests/fakes/esl_fake.py"
# Upper bound for one fax-esl run; a hang shows up as exit 124 instead of a stuck suite.
FAX_ESL_LIMIT="${FAX_ESL_LIMIT:-30}"

common_setup() {
	unset FAX_ESL_PASSWORD FAXKIT_CONFIG
	# An empty config so /etc/gofax.conf of the machine never leaks into a test.
	export FAXKIT_CONFIG="$BATS_TEST_TMPDIR/empty.conf"
	: >"$FAXKIT_CONFIG"
	FAKE_PID='' BG_PIDS=()
	[[ -x "$FAXKIT_BIN_DIR/fax-esl" ]] ||
		fail "fax-esl binary not found at $FAXKIT_BIN_DIR/fax-esl (build first or set FAXKIT_BIN_DIR)"
}

common_teardown() {
	local pid
	for pid in "${BG_PIDS[@]}" $FAKE_PID; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}" $FAKE_PID; do
		wait "$pid" 2>/dev/null || true
	done
	if [[ -n "${BATS_TEST_COMPLETED:-}" ]]; then return 0; fi
	# On failure show what the fake server saw.
	if [[ -s "$BATS_TEST_TMPDIR/fake.log" ]]; then
		echo "--- fake ESL transcript:" >&3
		tail -n 40 "$BATS_TEST_TMPDIR/fake.log" | sed 's/^/# /' >&3
	fi
	if [[ -s "$BATS_TEST_TMPDIR/fake.err" ]]; then
		echo "--- fake ESL stderr:" >&3
		tail -n 20 "$BATS_TEST_TMPDIR/fake.err" | sed 's/^/# /' >&3
	fi
}

# wait_until SECONDS CMD...: poll CMD every 0.05 s until it succeeds; fail after SECONDS.
wait_until() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# fake_start [esl_fake options...]: start the fake server, set FAKE_PORT, FAKE_ADDR, FAKE_LOG.
fake_start() {
	local pf="$BATS_TEST_TMPDIR/fake.port"
	FAKE_LOG="$BATS_TEST_TMPDIR/fake.log"
	rm -f "$pf" "$FAKE_LOG"
	python3 "$ESL_FAKE" --port-file "$pf" --log "$FAKE_LOG" "$@" \
		</dev/null >"$BATS_TEST_TMPDIR/fake.out" 2>"$BATS_TEST_TMPDIR/fake.err" 3>&- &
	FAKE_PID=$!
	wait_until 15 test -s "$pf" || fail "fake ESL server did not start: $(cat "$BATS_TEST_TMPDIR/fake.err")"
	FAKE_PORT=$(<"$pf")
	FAKE_ADDR="127.0.0.1:$FAKE_PORT"
}

# fax_esl ARGS...: run fax-esl with a hard time limit (use under `run`).
fax_esl() {
	timeout -k 5 "$FAX_ESL_LIMIT" "$FAXKIT_BIN_DIR/fax-esl" "$@"
}

# A TCP port on 127.0.0.1 that nothing listens on.
closed_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# assert_one_error_line: $stderr holds exactly one line and it starts with "fax-esl: error: ".
assert_one_error_line() {
	if [[ ${#stderr_lines[@]} -ne 1 || "${stderr_lines[0]}" != "fax-esl: error: "* ]]; then
		batslib_print_kv_single_or_multi 6 stderr "$stderr" |
			batslib_decorate "expected exactly one 'fax-esl: error: ...' line on stderr" | fail
	fi
}

# jsonl_check FILE PYTHON-CODE [ARGS...]: run PYTHON-CODE with `recs` = the parsed JSON lines of
# FILE (every line must be a JSON object) and `args` = ARGS; an AssertionError fails the test.
jsonl_check() {
	local file=$1 code=$2
	shift 2
	python3 - "$file" "$@" <<EOF
import json, sys
args = sys.argv[2:]
recs = []
with open(sys.argv[1], encoding='utf-8') as f:
    for n, line in enumerate(f, 1):
        try:
            r = json.loads(line)
        except ValueError as e:
            sys.exit('line %d is not valid JSON (%s): %.200r' % (n, e, line))
        if not isinstance(r, dict):
            sys.exit('line %d is not a JSON object: %.200r' % (n, line))
        recs.append(r)
# Contract for every record: "ts" is RFC 3339 UTC with milliseconds and Z,
# and it is the time of writing (not, e.g., an unset clock).
import datetime, re
_now = datetime.datetime.now(datetime.timezone.utc)
for _n, _r in enumerate(recs, 1):
    _ts = _r.get('ts')
    if not isinstance(_ts, str) or not re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z', _ts):
        sys.exit('record %d: bad ts %r' % (_n, _ts))
    _t = datetime.datetime.strptime(_ts, '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=datetime.timezone.utc)
    if abs((_now - _t).total_seconds()) > 600:
        sys.exit('record %d: ts %s is not the time of writing (now %s)' % (_n, _ts, _now.isoformat()))
def events(): return [r for r in recs if r.get('type') == 'esl.event']
def by_type(t): return [r for r in recs if r.get('type') == t]
$code
EOF
}
