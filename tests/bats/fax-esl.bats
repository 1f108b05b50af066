#!/usr/bin/env bats
# fax-esl against the fake FreeSWITCH event socket (tests/fakes/esl_fake.py).
# Contract: docs/design/fax-esl-contract.md. Wire protocol: esl-protocol.md sections 1-3.

# Python check code is passed in single quotes on purpose; $stderr etc. come from bats' run.
# shellcheck disable=SC2016,SC2154

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	common_setup
}

teardown() {
	common_teardown
}

# Facts of the captured t30-sip fax (tests/fixtures/esl/fax-events-plain-t30-sip.jsonl).
TX_UUID=dc1f5c29-ee27-48fc-9aba-7cfc94386519   # sending channel (txfax)
RX_UUID=7d827435-2fda-4f93-9cd0-ef5b8f5dcbca   # receiving channel (rxfax)
CORE_UUID=3e3f60f3-68c9-41e2-9c5f-0e95c318960a
CAPTURED_JOB=1d11c43a-c27a-401e-9b17-7141a48c5161
VERSION_BODY='FreeSWITCH Version 1.10.12-release~64bit ( 64bit)'

# The `api status` body of the real capture, byte for byte (337 bytes, ends with a newline).
status_body() {
	python3 -B -c 'import sys; sys.path.insert(0, sys.argv[1]); import esl_fake as f
sys.stdout.buffer.write(f.load_pool(sys.argv[2])[1]["status"])' \
		"$FAXKIT_ROOT/tests/fakes" "$FAXKIT_ROOT/tests/fixtures/esl"
}

# ---------------------------------------------------------------- authentication failures

@test "refused password: exit 77, one error line, nothing on stdout" {
	fake_start --password not-the-default
	run -77 --separate-stderr fax_esl -H "$FAKE_ADDR" api status
	assert_output ''
	assert_one_error_line
	# the built-in default password was offered, once (no retry after -ERR invalid)
	run grep -c '^auth ClueCon$' "$FAKE_LOG"
	assert_output 1
}

@test "ACL rude rejection: exit 77, one error line, nothing on stdout" {
	fake_start --rude
	run -77 --separate-stderr fax_esl -H "$FAKE_ADDR" api status
	assert_output ''
	assert_one_error_line
}

# ---------------------------------------------------------------- event streams

@test "events --once: 50 events written to the socket one byte per write, in order" {
	fake_start --chunk 1 --stream 50 --close-after-stream
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" rc=0
	fax_esl -H "$FAKE_ADDR" events --once >"$out" 2>"$err" || rc=$?
	[[ $rc -eq 0 ]] || fail "exit $rc, stderr: $(cat "$err")"
	jsonl_check "$out" '
ev = events()
assert len(ev) == 50, "expected 50 esl.event records, got %d" % len(ev)
assert [e["seq"] for e in ev] == list(range(1, 51)), [e["seq"] for e in ev]
for e in ev:
    assert e["format"] == "plain", e["format"]
    assert e["headers"]["Event-Sequence"] == str(e["seq"]), (e["seq"], e["headers"]["Event-Sequence"])
    assert e["ts"].endswith("Z"), e["ts"]
others = [r["type"] for r in recs if r["type"] != "esl.event"]
assert set(others) <= {"esl.connected", "esl.disconnected"}, others
for r in by_type("esl.disconnected"):
    assert r["retry_in_ms"] is None, "--once must not announce a retry: %r" % r
'
}

@test "events --once: 10000 events in order, decoded headers, arrays, ids, bodies" {
	fake_start --stream 10000 --close-after-stream
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" rc=0
	FAX_ESL_LIMIT=120 fax_esl -H "$FAKE_ADDR" events --once >"$out" 2>"$err" || rc=$?
	[[ $rc -eq 0 ]] || fail "exit $rc, stderr: $(head -c 2000 "$err")"
	jsonl_check "$out" '
import datetime
tx, rx, core, job = args
ev = events()
assert len(ev) == 10000, "expected 10000 esl.event records, got %d" % len(ev)
bad = [(i, e["seq"]) for i, e in enumerate(ev, 1) if e["seq"] != i]
assert not bad, "out of order: %r" % bad[:5]

# spandsp::txfaxresult of the sending channel
r = next(e for e in ev if e["subclass"] == "spandsp::txfaxresult")
h = r["headers"]
assert r["event"] == "CUSTOM" and r["uuid"] == tx and r["id"] == tx, (r["event"], r["uuid"], r["id"])
assert h["fax-result-text"] == "OK" and h["fax-success"] == "1", (h["fax-result-text"], h["fax-success"])
assert h["fax-remote-station-id"] == "SpanDSP Fax Ident", h["fax-remote-station-id"]
assert h["Event-Date-GMT"] == "Mon, 23 Nov 2026 13:46:21 GMT", h["Event-Date-GMT"]
assert h["Channel-Name"] == "sofia/fax127/rxfax@127.0.0.1:5080", h["Channel-Name"]
assert h["variable_sip_reason"] == "Q.850;cause=16;text=\"NORMAL_CLEARING\"", h["variable_sip_reason"]
assert h["Event-Subclass"] == "spandsp::txfaxresult", h["Event-Subclass"]
assert list(h)[:3] == ["Event-Subclass", "Event-Name", "Core-UUID"], "not in wire order: %r" % list(h)[:3]
assert "body" not in r, "event without body has a body key"
us = int(h["Event-Date-Timestamp"])
sec = datetime.datetime.fromtimestamp(us // 10**6, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
want = ["%s.%03dZ" % (sec, us // 1000 % 1000), "%s.%03dZ" % (sec, (us + 500) // 1000 % 1000)]
assert sec == "2026-11-23T13:46:21" and r["event_ts"] in want, (r["event_ts"], want)

# ARRAY:: values and repeated header names
r = next(e for e in ev if e["event"] == "CHANNEL_HANGUP_COMPLETE" and e["uuid"] == rx)
assert r["headers"]["variable_DP_MATCH"] == ["rxfax", "rxfax"], r["headers"]["variable_DP_MATCH"]
assert r["headers"]["Hangup-Cause"] == ["NORMAL_CLEARING", "NORMAL_CLEARING"], r["headers"]["Hangup-Cause"]
assert r["subclass"] is None, r["subclass"]

# BACKGROUND_JOB: id = Job-UUID, body present, uuid null
r = next(e for e in ev if e["event"] == "BACKGROUND_JOB")
assert r["id"] == job and r["uuid"] is None, (r["id"], r["uuid"])
assert r["body"] == "+OK " + tx + "\n", r.get("body")

# no Unique-ID, no Job-UUID: id = Core-UUID/Event-Sequence
r = next(e for e in ev if e["event"] == "HEARTBEAT")
assert r["id"] == "%s/%d" % (core, r["seq"]), r["id"]
assert r["uuid"] is None, r["uuid"]
' "$TX_UUID" "$RX_UUID" "$CORE_UUID" "$CAPTURED_JOB"
}

@test "events --format json --filter HEADER VALUE EVENT...: subscription and filter as given" {
	fake_start --stream 30 --close-after-stream
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" rc=0
	fax_esl -H "$FAKE_ADDR" events --once --format json --filter Unique-ID "$TX_UUID" \
		CHANNEL_STATE CUSTOM spandsp::txfaxresult >"$out" 2>"$err" || rc=$?
	[[ $rc -eq 0 ]] || fail "exit $rc, stderr: $(cat "$err")"
	run grep -E '^(event|filter) ' "$FAKE_LOG"
	assert_output "event json CHANNEL_STATE CUSTOM spandsp::txfaxresult
filter Unique-ID $TX_UUID"
	jsonl_check "$out" '
ev = events()
assert len(ev) == 30, "expected 30 esl.event records, got %d" % len(ev)
assert [e["seq"] for e in ev] == list(range(1, 31)), [e["seq"] for e in ev]
kinds = {(e["event"], e["subclass"], e["uuid"], e["format"]) for e in ev}
assert kinds == {("CHANNEL_STATE", None, args[0], "json"), ("CUSTOM", "spandsp::txfaxresult", args[0], "json")}, kinds
' "$TX_UUID"
}

# ---------------------------------------------------------------- api

@test "api: body printed verbatim, -ERR/-USAGE exit 1 with one error line" {
	fake_start --api-reply 'uuid_kill=-USAGE: <uuid> [cause]\n'
	local out="$BATS_TEST_TMPDIR/out"

	# status: exact body, already ends with a newline
	fax_esl -H "$FAKE_ADDR" api status >"$out" || fail "api status exited $?"
	cmp "$out" <(status_body) || fail "api status output differs from the api/response body"

	# a body without a final newline gets one
	fax_esl -H "$FAKE_ADDR" api db insert/fallback/123/456 >"$out" || fail "db insert exited $?"
	cmp "$out" <(printf '+OK\n') || fail "db insert printed $(od -c "$out" | head -3)"
	run -0 --separate-stderr fax_esl -H "$FAKE_ADDR" api db select/fallback/123
	assert_output 456
	assert_equal "$stderr" ''

	run -1 --separate-stderr fax_esl -H "$FAKE_ADDR" api bogus
	assert_output ''
	assert_one_error_line
	assert_equal "$stderr" 'fax-esl: error: api bogus: -ERR bogus Command not found!'

	# empty api output arrives as "-ERR no reply"
	run -1 --separate-stderr fax_esl -H "$FAKE_ADDR" api db select/x/missing
	assert_output ''
	assert_equal "$stderr" 'fax-esl: error: api db select/x/missing: -ERR no reply'

	run -1 --separate-stderr fax_esl -H "$FAKE_ADDR" api uuid_kill
	assert_output ''
	assert_equal "$stderr" 'fax-esl: error: api uuid_kill: -USAGE: <uuid> [cause]'

	# words are joined by single spaces into one api command
	run grep -c '^api db select/fallback/123$' "$FAKE_LOG"
	assert_output 1
}

@test "api --json: one esl.api record" {
	fake_start
	local out="$BATS_TEST_TMPDIR/out"
	fax_esl -H "$FAKE_ADDR" api --json version >"$out" || fail "exit $?"
	jsonl_check "$out" '
assert len(recs) == 1, recs
r = recs[0]
assert r["type"] == "esl.api" and r["command"] == "version" and r["ok"] is True, r
assert r["body"] == args[0] + "\n", r["body"]
assert r["ts"].endswith("Z"), r["ts"]
' "$VERSION_BODY"
}

# ---------------------------------------------------------------- bgapi

@test "bgapi: waits for its own BACKGROUND_JOB among interleaved events and foreign jobs" {
	# Before the reply and before the job's event the fake sends other subscribed events,
	# including the captured BACKGROUND_JOB of another job (body "+OK <uuid>").
	fake_start --bg-interleave 3 --event-before-reply
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" rc=0
	fax_esl -H "$FAKE_ADDR" bgapi status >"$out" 2>"$err" || rc=$?
	[[ $rc -eq 0 ]] || fail "exit $rc, stderr: $(cat "$err")"
	cmp "$out" <(status_body) || fail "bgapi status printed: $(head -c 300 "$out")"
	# the client chose the Job-UUID
	run grep -cE '^bgapi status Job-UUID=[^ ]+$' "$FAKE_LOG"
	assert_output 1

	run -1 --separate-stderr fax_esl -H "$FAKE_ADDR" bgapi nosuchcmd arg
	assert_output ''
	assert_one_error_line
	[[ $stderr == *': -ERR nosuchcmd Command not found!' ]] || fail "stderr: $stderr"
}

@test "shell: two bgapi jobs with a Unique-ID filter and interleaved events" {
	fake_start --bg-interleave 3
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" rc=0
	fax_esl -H "$FAKE_ADDR" -t 5 shell >"$out" 2>"$err" <<-EOF || rc=$?
		{"event":["CHANNEL_STATE","CHANNEL_EXECUTE"],"id":"sub"}
		{"filter":["Unique-ID","$TX_UUID"],"id":"flt"}
		{"bgapi":"status","id":"job1","note":"kept"}
		{"bgapi":"version","id":"job2"}
	EOF
	[[ $rc -eq 0 ]] || fail "exit $rc, stderr: $(cat "$err")"
	local u1 u2
	u1=$(sed -n 's/^bgapi status Job-UUID=//p' "$FAKE_LOG")
	u2=$(sed -n 's/^bgapi version Job-UUID=//p' "$FAKE_LOG")
	[[ -n $u1 && -n $u2 && $u1 != "$u2" ]] || fail "bgapi commands without distinct Job-UUID headers: $(cat "$FAKE_LOG")"
	jsonl_check "$out" '
tx, u1, u2, version, status = args
r = {x["id"]: x for x in recs if x["type"] != "esl.event"}
assert r["sub"]["type"] == "esl.reply" and r["sub"]["ok"] is True, r["sub"]
assert r["sub"]["command"] == "event plain CHANNEL_STATE CHANNEL_EXECUTE", r["sub"]["command"]
assert r["sub"]["reply"] == "+OK event listener enabled plain", r["sub"]["reply"]
assert r["flt"]["command"] == "filter Unique-ID " + tx, r["flt"]["command"]
assert r["flt"]["reply"] == "+OK filter added. [Unique-ID]=[%s]" % tx, r["flt"]["reply"]
j1, j2 = r["job1"], r["job2"]
assert j1["type"] == "esl.bgapi" and j2["type"] == "esl.bgapi", (j1, j2)
assert j1["command"] == "status" and j1["job_uuid"] == u1 and j1["ok"] is True, j1
assert j1["body"] == status + "\n", j1["body"]  # $(...) dropped the final newline
assert j1["note"] == "kept", "extra keys must pass through: %r" % j1
assert j2["command"] == "version" and j2["job_uuid"] == u2 and j2["ok"] is True, j2
assert j2["body"] == version + "\n", j2["body"]
ev = [e for e in events() if e["event"] != "BACKGROUND_JOB"]
assert ev, "no interleaved esl.event records"
assert all(e["uuid"] == tx and e["event"] in ("CHANNEL_STATE", "CHANNEL_EXECUTE") for e in ev), \
    [(e["event"], e["uuid"]) for e in ev]
' "$TX_UUID" "$u1" "$u2" "$VERSION_BODY" "$(status_body)"
	# with a Unique-ID filter active, each job needs its own Job-UUID filter, sent before the bgapi
	python3 - "$FAKE_LOG" "$u1" "$u2" <<-'EOF'
		import sys
		log = open(sys.argv[1]).read().splitlines()
		for u in sys.argv[2:]:
		    f = "filter Job-UUID " + u
		    assert f in log, "missing %r in the transcript" % f
		    b = next(i for i, l in enumerate(log) if l.startswith("bgapi ") and l.endswith("=" + u))
		    assert log.index(f) < b, "%r sent after its bgapi" % f
	EOF
}

# ---------------------------------------------------------------- reconnect

@test "events: reconnects after the server drops mid-stream, SIGTERM exits 0" {
	fake_start --stream 20 --drop-after 5
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" pid rc=0
	"$FAXKIT_BIN_DIR/fax-esl" -H "$FAKE_ADDR" events --reconnect-max 1 >"$out" 2>"$err" 3>&- &
	pid=$!
	BG_PIDS+=("$pid")
	# 5 events on connection 1, then 20 on connection 2
	enough() {
		python3 - "$out" <<-'EOF'
			import json, sys
			n = sum(1 for l in open(sys.argv[1]) if '"esl.event"' in l)
			sys.exit(0 if n >= 25 else 1)
		EOF
	}
	wait_until 20 enough || fail "not enough events after 20 s: $(grep -c . "$out") lines, stderr: $(cat "$err")"
	kill -TERM "$pid"
	wait_until 10 eval '! kill -0 "$pid" 2>/dev/null' || { kill -KILL "$pid"; fail "fax-esl ignored SIGTERM for 10 s"; }
	wait "$pid" || rc=$?
	BG_PIDS=()
	[[ $rc -eq 0 ]] || fail "SIGTERM: exit $rc (expected 0), stderr: $(cat "$err")"
	jsonl_check "$out" '
addr = args[0]
kinds = []
for r in recs:
    t = r["type"]
    if not kinds or kinds[-1][0] != t:
        kinds.append([t, 0])
    kinds[-1][1] += 1
assert [k[0] for k in kinds][:5] == ["esl.connected", "esl.event", "esl.disconnected", "esl.connected", "esl.event"], kinds
assert kinds[1][1] == 5, "expected the 5 complete events of connection 1 (the 6th was cut), got %d" % kinds[1][1]
assert kinds[4][1] >= 20, kinds
ev = events()
assert [e["seq"] for e in ev[:25]] == list(range(1, 6)) + list(range(1, 21)), [e["seq"] for e in ev[:25]]
c1, d, c2 = by_type("esl.connected")[0], by_type("esl.disconnected")[0], by_type("esl.connected")[1]
for r in (c1, d, c2):
    assert r["host"] == addr and r["id"] == addr, r
assert c1["attempt"] == 1, c1
assert d["retry_in_ms"] == 100, "first retry must be after 100 ms: %r" % d
assert isinstance(d["reason"], str) and d["reason"], d
' "$FAKE_ADDR"
	# connection 2 re-authenticated and re-subscribed
	run sed -n '/^CONNECT 2$/,$p' "$FAKE_LOG"
	assert_line 'auth ClueCon'
	assert_line 'event plain ALL'
}

# ---------------------------------------------------------------- shell

@test "shell: switching a connection from plain to json" {
	fake_start --event-before-reply
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" rc=0
	# every api reply is preceded by one subscribed event
	fax_esl -H "$FAKE_ADDR" -t 5 shell >"$out" 2>"$err" <<-'EOF' || rc=$?
		{"event":["CUSTOM","spandsp::txfaxresult"],"id":"p"}
		{"api":"status","id":"a1"}
		{"event":"CUSTOM spandsp::txfaxresult","format":"json","id":"j"}
		{"api":"status","id":"a2"}
	EOF
	[[ $rc -eq 0 ]] || fail "exit $rc, stderr: $(cat "$err")"
	jsonl_check "$out" '
r = {x["id"]: x for x in recs if x["type"] != "esl.event"}
assert r["p"]["command"] == "event plain CUSTOM spandsp::txfaxresult", r["p"]
assert r["p"]["reply"] == "+OK event listener enabled plain", r["p"]
assert r["j"]["command"] == "event json CUSTOM spandsp::txfaxresult", r["j"]
assert r["j"]["reply"] == "+OK event listener enabled json", r["j"]
assert r["a1"]["ok"] is True and r["a2"]["ok"] is True, (r["a1"], r["a2"])
ev = events()
assert [e["format"] for e in ev] == ["plain", "json"], [(e["format"], e["seq"]) for e in ev]
p, j = ev
assert p["subclass"] == j["subclass"] == "spandsp::txfaxresult", (p["subclass"], j["subclass"])
assert (p["seq"], j["seq"]) == (1, 2), (p["seq"], j["seq"])
for e in ev:
    del e["headers"]["Event-Sequence"]
assert p["headers"] == j["headers"], [k for k in set(p["headers"]) | set(j["headers"]) if p["headers"].get(k) != j["headers"].get(k)][:10]
assert list(p["headers"]) == list(j["headers"]), "header order differs"
assert j["headers"]["fax-remote-station-id"] == "SpanDSP Fax Ident", j["headers"]["fax-remote-station-id"]
for k in ("id", "uuid", "event", "event_ts"):
    assert p[k] == j[k], (k, p[k], j[k])
'
}

@test "shell: plain and json give the same headers for repeated names and ARRAY values" {
	fake_start --event-before-reply
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" rc=0
	# three matching events in the capture; three api calls per format get each once
	fax_esl -H "$FAKE_ADDR" -t 5 shell >"$out" 2>"$err" <<-'EOF' || rc=$?
		{"event":["CHANNEL_HANGUP_COMPLETE","CUSTOM","spandsp::txfaxresult"]}
		{"api":"version"}
		{"api":"version"}
		{"api":"version"}
		{"event":["CHANNEL_HANGUP_COMPLETE","CUSTOM","spandsp::txfaxresult"],"format":"json"}
		{"api":"version"}
		{"api":"version"}
		{"api":"version"}
	EOF
	[[ $rc -eq 0 ]] || fail "exit $rc, stderr: $(cat "$err")"
	jsonl_check "$out" '
ev = events()
assert [e["format"] for e in ev] == ["plain"] * 3 + ["json"] * 3, [e["format"] for e in ev]
key = lambda e: (e["event"], e["subclass"], e["uuid"])
plain = {key(e): e["headers"] for e in ev[:3]}
js = {key(e): e["headers"] for e in ev[3:]}
assert set(plain) == set(js) and len(plain) == 3, (sorted(plain), sorted(js))
for k in plain:
    for h in (plain[k], js[k]):
        h.pop("Event-Sequence")
    diff = [n for n in set(plain[k]) | set(js[k]) if plain[k].get(n) != js[k].get(n)]
    assert not diff, "%r: %r" % (k, [(n, plain[k].get(n), js[k].get(n)) for n in diff[:5]])
hc = [h for (name, _, _), h in js.items() if name == "CHANNEL_HANGUP_COMPLETE"]
assert all(h["Hangup-Cause"] == ["NORMAL_CLEARING", "NORMAL_CLEARING"] for h in hc), [h["Hangup-Cause"] for h in hc]
assert any(h.get("variable_DP_MATCH") == ["rxfax", "rxfax"] for h in hc), "ARRAY value not an array"
'
}

@test "shell: a bad input line is reported with its line number, the rest is answered, exit 65" {
	fake_start
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" rc=0
	fax_esl -H "$FAKE_ADDR" -t 5 shell >"$out" 2>"$err" <<-'EOF' || rc=$?
		{"api":"status","id":"one"}
		this is not json
		{"api":"version"}
		{"no_such_command":1}
		{"api":"bogus","id":"five"}
	EOF
	[[ $rc -eq 65 ]] || fail "exit $rc (expected 65), stderr: $(cat "$err")"
	run cat "$err"
	assert_line --index 0 --regexp '^fax-esl: error: stdin:2: '
	assert_line --index 1 --regexp '^fax-esl: error: stdin:4: '
	assert_equal "${#lines[@]}" 2
	jsonl_check "$out" '
r = {x["id"]: x for x in recs if x["type"] == "esl.api"}
assert sorted(r) == ["cmd-3", "five", "one"], sorted(r)
assert r["one"]["ok"] is True and r["one"]["body"].startswith("UP 0 years"), r["one"]
assert r["cmd-3"]["command"] == "version" and r["cmd-3"]["ok"] is True, r["cmd-3"]
assert r["five"]["ok"] is False and r["five"]["body"] == "-ERR bogus Command not found!\n", r["five"]
'
}

# ---------------------------------------------------------------- options, config, password

@test "--help and --version exit 0; an unknown option exits 64 with one error line" {
	run -0 --separate-stderr fax_esl --help
	assert_output --partial 'fax-esl'
	run -0 --separate-stderr fax_esl -h
	assert_output --partial 'fax-esl'
	run -0 --separate-stderr fax_esl --version
	assert_output 'fax-esl (faxkit) 0.1.0'
	run -0 --separate-stderr fax_esl -V
	assert_output 'fax-esl (faxkit) 0.1.0'
	run -64 --separate-stderr fax_esl --no-such-option api status
	assert_output ''
	assert_one_error_line
}

@test "config file [freeswitch] socket and password are used; a missing config exits 78" {
	fake_start --password cfg-pw
	local conf="$BATS_TEST_TMPDIR/gofax.conf"
	printf '[freeswitch]\nsocket = %s\npassword = cfg-pw\n' "$FAKE_ADDR" >"$conf"
	run -0 --separate-stderr fax_esl -c "$conf" api version
	assert_output "$VERSION_BODY"
	FAXKIT_CONFIG="$conf" run -0 --separate-stderr fax_esl api version
	assert_output "$VERSION_BODY"
	run grep -c '^auth cfg-pw$' "$FAKE_LOG"
	assert_output 2

	run -78 --separate-stderr fax_esl -c "$BATS_TEST_TMPDIR/does-not-exist.conf" api version
	assert_output ''
	assert_one_error_line
}

@test "password precedence: FAX_ESL_PASSWORD, then --password-file, then config" {
	fake_start --password 'S3cret pw+%'
	local conf="$BATS_TEST_TMPDIR/gofax.conf" pwf="$BATS_TEST_TMPDIR/pw"
	printf '[freeswitch]\nsocket = %s\npassword = wrong\n' "$FAKE_ADDR" >"$conf"
	printf 'S3cret pw+%%\nsecond line\n' >"$pwf"
	# the password is never on the command line: environment, file, config only
	FAX_ESL_PASSWORD='S3cret pw+%' run -0 --separate-stderr fax_esl -c "$conf" api version
	assert_output "$VERSION_BODY"
	run -0 --separate-stderr fax_esl -c "$conf" --password-file "$pwf" api version
	assert_output "$VERSION_BODY"
	run -77 --separate-stderr fax_esl -c "$conf" api version
	assert_one_error_line
	FAX_ESL_PASSWORD=wrong2 run -77 --separate-stderr fax_esl -c "$conf" --password-file "$pwf" api version
	assert_one_error_line
	run grep -c '^auth S3cret pw+%$' "$FAKE_LOG"
	assert_output 2
}

# ---------------------------------------------------------------- unreachable

@test "unreachable server: exit 69 with one error line" {
	local port
	port=$(closed_port)
	run -69 --separate-stderr fax_esl -H "127.0.0.1:$port" -t 2 api status
	assert_output ''
	assert_one_error_line
	run -69 --separate-stderr fax_esl -H "127.0.0.1:$port" -t 2 events --once
	assert_one_error_line
}
