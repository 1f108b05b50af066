#!/usr/bin/env bats
# fax-sim, the FreeSWITCH 1.10 stand-in (issue #3, docs/design/fax-sim.md), driven with fax-esl, the
# outbound-socket server tests/fakes/socket_server.py and a few lines of python3.
# References: ../shared/research/esl-protocol.md, the real captures in tests/fixtures/esl/,
# ../shared/research/esl-captures/spandsp-events.md, the scenario format in lib/fax/scenario.hpp.

# Python check code is passed in single quotes on purpose; $output etc. come from bats' run.
# shellcheck disable=SC2016,SC2154,SC2030,SC2031

bats_require_minimum_version 1.5.0

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
}

teardown() {
	sim_teardown
}

# ---------------------------------------------------------------- 1. Event Socket basics

@test "auth: a wrong password exits 77; the configured one is accepted" {
	printf 'not-ClueCon\n' >"$BATS_TEST_TMPDIR/pw"
	sim_start --password-file "$BATS_TEST_TMPDIR/pw"
	run -77 --separate-stderr sim_esl api version
	assert_output ''
	assert_one_error_line
	FAX_ESL_PASSWORD=not-ClueCon run -0 --separate-stderr sim_esl api version
	assert_output 'FreeSWITCH Version 1.10.12-release~64bit ( 64bit)'
}

@test "api status has FreeSWITCH's shape; api version is the captured one" {
	sim_start
	run -0 --separate-stderr sim_esl api status
	[[ ${#lines[@]} -eq 8 ]] || fail "expected 8 lines, got ${#lines[@]}: $output"
	assert_line -n 0 --regexp '^UP [0-9]+ years, [0-9]+ days, [0-9]+ hours, [0-9]+ minutes, [0-9]+ seconds, [0-9]+ milliseconds, [0-9]+ microseconds$'
	assert_line -n 1 'FreeSWITCH (Version 1.10.12-release  64bit) is ready'
	assert_line -n 2 '0 session(s) since startup'
	assert_line -n 3 '0 session(s) - peak 0, last 5min 0 '
	assert_line -n 4 '0 session(s) per Sec out of max 50, peak 0, last 5min 0 '
	assert_line -n 5 --regexp '^[0-9]+ session\(s\) max$'
	assert_line -n 6 --regexp '^min idle cpu [0-9]+\.[0-9]{2}/[0-9]+\.[0-9]{2}$'
	assert_line -n 7 'Current Stack Size/Max 240K/8192K'
	run -0 --separate-stderr sim_esl api version
	assert_output 'FreeSWITCH Version 1.10.12-release~64bit ( 64bit)'
}

@test "api db: insert, select, exists, missing key, delete; kept in the SQLite file across restarts" {
	sim_start
	run -0 --separate-stderr sim_esl api db insert/fallback/4930123456/true
	assert_output '+OK'
	run -0 --separate-stderr sim_esl api db select/fallback/4930123456
	assert_output 'true'
	run -0 --separate-stderr sim_esl api db exists/fallback/4930123456
	assert_output 'true'
	run -1 --separate-stderr sim_esl api db select/fallback/nokey
	assert_output ''
	assert_equal "$stderr" 'fax-esl: error: api db select/fallback/nokey: -ERR no reply'
	run -0 --separate-stderr sim_esl api db exists/fallback/nokey
	assert_output 'false'
	# mod_db keeps its data: a restarted fax-sim on the same file still has the key
	sim_stop || fail "fax-sim serve exited $? on SIGTERM"
	sim_start
	run -0 --separate-stderr sim_esl api db select/fallback/4930123456
	assert_output 'true'
	run -0 --separate-stderr sim_esl api db delete/fallback/4930123456
	assert_output '+OK'
	run -0 --separate-stderr sim_esl api db exists/fallback/4930123456
	assert_output 'false'
}

@test "an unknown api command: -ERR <cmd> Command not found!" {
	sim_start
	run -1 --separate-stderr sim_esl api nosuchcommand
	assert_output ''
	assert_equal "$stderr" 'fax-esl: error: api nosuchcommand: -ERR nosuchcommand Command not found!'
	run -1 --separate-stderr sim_esl api nosuchcommand with some args
	assert_equal "$stderr" 'fax-esl: error: api nosuchcommand with some args: -ERR nosuchcommand Command not found!'
}

@test "show channels with no calls: 0 total., as json {\"row_count\":0}; uuid_kill of an unknown uuid" {
	sim_start
	run -0 --separate-stderr sim_esl api show channels
	assert_line -n 0 'uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,application,application_data,dialplan,context,read_codec,read_rate,read_bit_rate,write_codec,write_rate,write_bit_rate,secure,hostname,presence_id,presence_data,accountcode,callstate,callee_name,callee_num,callee_direction,call_uuid'
	assert_equal "${lines[-1]}" '0 total.'
	run -0 --separate-stderr sim_esl api show channels as json
	assert_output '{"row_count":0}'
	local u
	u=$(new_uuid)
	run -1 --separate-stderr sim_esl api uuid_kill "$u"
	assert_output ''
	assert_equal "$stderr" "fax-esl: error: api uuid_kill $u: -ERR No such channel!"
}

# ---------------------------------------------------------------- 2. a real 3-page fax

# check_fax_events FILE UUID T38STATUS: the tx events of one good 3-page fax, in FreeSWITCH's order
# (spandsp-events.md): CHANNEL_ANSWER, negociate, page 1..3, txfaxresult (after the hangup: it carries
# Hangup-Cause), CHANNEL_HANGUP_COMPLETE; and the bgapi's BACKGROUND_JOB body +OK <uuid>.
check_fax_events() {
	jsonl_check "$1" '
uuid, t38 = args
jobs = by_type("esl.bgapi")
assert len(jobs) == 1 and jobs[0]["ok"] and jobs[0]["body"] == "+OK %s\n" % uuid, jobs
ev = [e for e in events() if e["uuid"] == uuid]
names = [e["subclass"] or e["event"] for e in ev]
want = ["CHANNEL_ANSWER", "spandsp::txfaxnegociateresult"] + ["spandsp::txfaxpageresult"] * 3 + \
       ["CHANNEL_HANGUP", "spandsp::txfaxresult", "CHANNEL_HANGUP_COMPLETE"]
assert names == want, names
h = lambda name: [e["headers"] for e in ev if (e["subclass"] or e["event"]) == name]
neg = h("spandsp::txfaxnegociateresult")[0]
assert neg["uuid"] == uuid and neg["fax-t38-status"] == t38, neg
assert neg["fax-local-station-id"] == "TEST", neg
assert neg["fax-remote-station-id"] == "4930123456", neg      # the CSI: the dialled number
assert neg["fax-transfer-rate"] == "14400" and neg["fax-ecm-used"] == "on", neg
pages = h("spandsp::txfaxpageresult")
assert [p["fax-document-transferred-pages"] for p in pages] == ["1", "2", "3"], pages
assert all(p["fax-document-total-pages"] == "3" and p["uuid"] == uuid for p in pages), pages
res = h("spandsp::txfaxresult")[0]
for k, v in {"fax-success": "1", "fax-result-code": "0", "fax-result-text": "OK",
             "fax-document-transferred-pages": "3", "fax-document-total-pages": "3",
             "fax-t38-status": t38, "fax-local-station-id": "TEST", "Hangup-Cause": "NORMAL_CLEARING"}.items():
    assert res.get(k) == v, (k, res.get(k))
assert "uuid" not in res, "txfaxresult has no uuid header in FreeSWITCH"
done = h("CHANNEL_HANGUP_COMPLETE")[0]
hc = done["Hangup-Cause"]
assert (hc if isinstance(hc, str) else hc[0]) == "NORMAL_CLEARING", hc
assert done["variable_fax_success"] == "1" and done["variable_fax_document_transferred_pages"] == "3", done
' "$2" "$3"
}

@test "a 3-page fax over T.30: bgapi originate &txfax, events in order, the received pages equal the sent ones" {
	sim_start
	local u
	u=$(new_uuid)
	shell_start
	shell_fax "$u" sofia/gateway/gw1/4930123456
	shell_wait_event 20 "$u" CHANNEL_HANGUP_COMPLETE
	shell_stop
	check_fax_events "$SHELL_OUT" "$u" off
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$u.tif"
	assert_output ''
	assert_equal "$stderr" ''
}

# ---------------------------------------------------------------- 3. T.38

@test "a 3-page fax over T.38 (fax_enable_t38_request=true): fax-t38-status negotiated, pages equal" {
	sim_start
	local u
	u=$(new_uuid)
	shell_start
	shell_fax "$u" sofia/gateway/gw1/4930123456 ,fax_enable_t38_request=true
	shell_wait_event 20 "$u" CHANNEL_HANGUP_COMPLETE
	shell_stop
	check_fax_events "$SHELL_OUT" "$u" negotiated
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$u.tif"
}

# ---------------------------------------------------------------- 4. scenario faults

# originate_fails TARGET CAUSE: `api originate TARGET &park` answers -ERR CAUSE and leaves no channel.
originate_fails() {
	run -1 --separate-stderr sim_esl api originate "{origination_uuid=$(new_uuid)}$1" '&park'
	assert_output ''
	[[ "$stderr" == *": -ERR $2" ]] || fail "originate $1: expected -ERR $2, got: $stderr"
}

@test "scenario: busy, unallocated and rejected numbers give USER_BUSY, UNALLOCATED_NUMBER, CALL_REJECTED" {
	sim_start --scenario "$(sim_scenario sc '{"numbers": {"4930111": "busy", "4930444": "unallocated", "4930333": "rejected"}}')"
	originate_fails sofia/gateway/gw1/4930111 USER_BUSY
	originate_fails sofia/gateway/gw1/4930444 UNALLOCATED_NUMBER
	originate_fails sofia/gateway/gw1/4930333 CALL_REJECTED
	# the same originate to another number answers (the scenario is per number)
	local u
	u=$(new_uuid)
	run -0 --separate-stderr sim_esl api originate "{origination_uuid=$u}sofia/gateway/gw1/4930222" '&park'
	assert_output "+OK $u"
	run -0 --separate-stderr sim_esl api show channels as json
	[[ "$output" == '{"row_count":1,'* ]] || fail "one channel expected: $output"
	run -0 --separate-stderr sim_esl api uuid_kill "$u"
	assert_output '+OK'
}

@test "scenario: a gateway listed as down gives GATEWAY_DOWN, an unlisted one INVALID_GATEWAY" {
	sim_start --scenario "$(sim_scenario sc '{"gateways": {"gw1": "up", "gw2": "up", "gwdown": "down"}}')"
	originate_fails sofia/gateway/gwdown/4930123456 GATEWAY_DOWN
	originate_fails sofia/gateway/nosuchgw/4930123456 INVALID_GATEWAY
	run -0 --separate-stderr sim_esl api show channels
	assert_equal "${lines[-1]}" '0 total.'
}

@test "scenario: | failover with a uuid per leg: the first gateway is down, the second leg answers" {
	sim_start --scenario "$(sim_scenario sc '{"gateways": {"gw1": "up", "gw2": "up", "gwdown": "down"}}')"
	local a b
	a=$(new_uuid) b=$(new_uuid)
	run -0 --separate-stderr sim_esl api originate "[origination_uuid=$a]sofia/gateway/gwdown/4930123456|[origination_uuid=$b]sofia/gateway/gw2/4930123456" '&park'
	assert_output "+OK $b"
	run -0 --separate-stderr sim_esl api show channels
	assert_equal "${lines[-1]}" '1 total.'
	assert_line --partial "$b,outbound,"
	assert_line --partial ',sofia/gateway/gw2/4930123456,'
	run -0 --separate-stderr sim_esl api uuid_kill "$b"
}

@test "scenario: | failover reusing one origination_uuid fails as in FreeSWITCH: -ERR DESTINATION_OUT_OF_ORDER" {
	# esl-protocol.md §6.2, checked on a real FreeSWITCH 1.10.12: the second leg reuses the uuid,
	# "Duplicate UUID!", the originate ends with DESTINATION_OUT_OF_ORDER; both in {} and in [...].
	sim_start --scenario "$(sim_scenario sc '{"gateways": {"gw1": "up", "gw2": "up", "gwdown": "down"}}')"
	local u
	u=$(new_uuid)
	run -1 --separate-stderr sim_esl api originate "[origination_uuid=$u]sofia/gateway/gwdown/4930123456|[origination_uuid=$u]sofia/gateway/gw2/4930123456" '&park'
	[[ "$stderr" == *': -ERR DESTINATION_OUT_OF_ORDER' ]] || fail "same uuid in [...]: expected -ERR DESTINATION_OUT_OF_ORDER, got: stdout '$output', stderr '$stderr'"
	u=$(new_uuid)
	run -1 --separate-stderr sim_esl api originate "{origination_uuid=$u}sofia/gateway/gwdown/4930123456|sofia/gateway/gw2/4930123456" '&park'
	[[ "$stderr" == *': -ERR DESTINATION_OUT_OF_ORDER' ]] || fail "uuid in {}: expected -ERR DESTINATION_OUT_OF_ORDER, got: stdout '$output', stderr '$stderr'"
}

@test "scenario: a noisy line without ECM: V.29 (9600), ECM off, the far end's pages arrive damaged" {
	# The transmitter cannot count bad rows (spandsp reports them on the receiving side; for txfax
	# FreeSWITCH's fax-bad-rows stays 0). The damage shows in the pages the far machine stored; the
	# receiving side's count is checked in the `fax-sim call --noise-dbm0` test below.
	sim_start --scenario "$(sim_scenario sc '{"numbers": {"4930800": {"noise_dbm0": -32, "ecm": false}}}')"
	local u
	u=$(new_uuid)
	shell_start
	shell_fax "$u" sofia/gateway/gw1/4930800
	shell_wait_event 20 "$u" CHANNEL_HANGUP_COMPLETE
	shell_stop
	jsonl_check "$SHELL_OUT" '
ev = [e for e in events() if e["uuid"] == args[0]]
neg = [e["headers"] for e in ev if e["subclass"] == "spandsp::txfaxnegociateresult"]
assert neg and all(n["fax-transfer-rate"] == "9600" and n["fax-ecm-used"] == "off" for n in neg), neg
res = [e["headers"] for e in ev if e["subclass"] == "spandsp::txfaxresult"]
assert len(res) == 1 and res[0]["fax-success"] == "1" and res[0]["fax-document-transferred-pages"] == "3", res
' "$u"
	run -1 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$u.tif"
	[[ "$stderr" == "fax-sim: error: "*" differ: page "* ]] || fail "expected damaged pages, got: $stderr"
}

@test "scenario: the far end hangs up during page 2: txfaxresult code 49, fax-success 0" {
	sim_start --scenario "$(sim_scenario sc '{"numbers": {"4930900": {"hangup_after_pages": 1}}}')"
	local u
	u=$(new_uuid)
	shell_start
	shell_fax "$u" sofia/gateway/gw1/4930900
	shell_wait_event 20 "$u" CHANNEL_HANGUP_COMPLETE
	shell_stop
	jsonl_check "$SHELL_OUT" '
ev = [e for e in events() if e["uuid"] == args[0]]
names = [e["subclass"] or e["event"] for e in ev]
assert names.count("spandsp::txfaxpageresult") == 1, names
res = [e["headers"] for e in ev if e["subclass"] == "spandsp::txfaxresult"]
assert len(res) == 1, names
r = res[0]
assert r["fax-success"] == "0" and r["fax-result-code"] == "49", r
assert r["fax-result-text"] == "The call dropped prematurely", r
assert r["fax-document-transferred-pages"] == "1", r
assert names[-1] == "CHANNEL_HANGUP_COMPLETE", names
done = [e["headers"] for e in ev if e["event"] == "CHANNEL_HANGUP_COMPLETE"][0]
assert done["variable_fax_result_code"] == "49" and done["variable_fax_success"] == "0", done
' "$u"
}

@test "scenario: txfax hangs after the last page: no txfaxresult until uuid_kill, then txfaxresult and HANGUP_COMPLETE" {
	sim_start --scenario "$(sim_scenario sc '{"numbers": {"4930999": {"txfax_hangs": true}}}')"
	local u c
	u=$(new_uuid) c=$(new_uuid)
	shell_start
	shell_fax "$u" sofia/gateway/gw1/4930999
	wait_until 20 shell_has '"subclass":"spandsp::txfaxpageresult"' "\"uuid\":\"$u\"" '"fax-document-transferred-pages":"3"' ||
		fail "page 3 of the hanging fax did not arrive: $(cut -c1-300 "$SHELL_OUT")"
	# A whole second fax on the same switch: time for the first one's phase E, were it coming.
	shell_fax "$c" sofia/gateway/gw1/4930123456
	shell_wait_event 20 "$c" CHANNEL_HANGUP_COMPLETE
	# On the same connection: the reply comes after every event fax-sim fired before it.
	shell_send '{"id":"show","api":"show channels as json"}'
	wait_until 10 shell_has '"id":"show"' || fail "no reply to show channels"
	shell_send "{\"id\":\"kill\",\"api\":\"uuid_kill $u\"}"
	shell_wait_event 20 "$u" CHANNEL_HANGUP_COMPLETE
	shell_stop
	jsonl_check "$SHELL_OUT" '
u = args[0]
pos = {r.get("id"): i for i, r in enumerate(recs)}
show, kill = pos["show"], pos["kill"]
rows = __import__("json").loads(recs[show]["body"]).get("rows", [])
assert [r["uuid"] for r in rows] == [u], "the hanging channel must still be up: %r" % rows
assert rows[0]["application"] == "txfax", rows
before = [r for r in recs[:show] if r.get("type") == "esl.event" and r["uuid"] == u]
assert [r["subclass"] for r in before if r["subclass"]] == ["spandsp::txfaxnegociateresult"] + ["spandsp::txfaxpageresult"] * 3, \
    [r["subclass"] or r["event"] for r in before]
assert not any(r["event"] in ("CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE") for r in before), before
assert recs[kill]["ok"] and recs[kill]["body"] == "+OK\n", recs[kill]
after = [r["subclass"] or r["event"] for r in recs[kill:] if r.get("type") == "esl.event" and r["uuid"] == u]
assert "spandsp::txfaxresult" in after and after[-1] == "CHANNEL_HANGUP_COMPLETE", after
assert after.index("spandsp::txfaxresult") < after.index("CHANNEL_HANGUP_COMPLETE"), after
' "$u"
}

@test "scenario: a T.38 peer that breaks the fax: fails with fax_enable_t38_request=true, succeeds over G.711" {
	sim_start --scenario "$(sim_scenario sc '{"numbers": {"4930738": {"t38": "fails"}}}')"
	local a b
	a=$(new_uuid) b=$(new_uuid)
	shell_start
	shell_fax "$a" sofia/gateway/gw1/4930738 ,fax_enable_t38_request=true
	shell_wait_event 30 "$a" CHANNEL_HANGUP_COMPLETE
	shell_fax "$b" sofia/gateway/gw1/4930738
	shell_wait_event 30 "$b" CHANNEL_HANGUP_COMPLETE
	shell_stop
	jsonl_check "$SHELL_OUT" '
def result(u):
    r = [e["headers"] for e in events() if e["uuid"] == u and e["subclass"] == "spandsp::txfaxresult"]
    assert len(r) == 1, (u, r)
    return r[0]
t38, g711 = result(args[0]), result(args[1])
assert t38["fax-success"] == "0" and t38["fax-result-code"] != "0", t38
assert g711["fax-success"] == "1" and g711["fax-t38-status"] == "off", g711
assert g711["fax-document-transferred-pages"] == "3", g711
' "$a" "$b"
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$b.tif"
}

@test "scenario: a gateway that re-INVITEs to T.38 late: two negotiations (off, then negotiated); late_fails fails over T.38" {
	sim_start --scenario "$(sim_scenario sc '{"numbers": {"4930740": {"t38": "late"}, "4930741": {"t38": "late_fails"}}}')"
	local late asked fails audio
	late=$(new_uuid) asked=$(new_uuid) fails=$(new_uuid) audio=$(new_uuid)
	shell_start
	shell_fax "$late" sofia/gateway/gw1/4930740 ,fax_enable_t38=true
	shell_wait_event 30 "$late" CHANNEL_HANGUP_COMPLETE
	shell_fax "$asked" sofia/gateway/gw1/4930740 ,fax_enable_t38=true,fax_enable_t38_request=true
	shell_wait_event 30 "$asked" CHANNEL_HANGUP_COMPLETE
	shell_fax "$fails" sofia/gateway/gw1/4930741 ,fax_enable_t38=true
	shell_wait_event 30 "$fails" CHANNEL_HANGUP_COMPLETE
	shell_fax "$audio" sofia/gateway/gw1/4930741 ,fax_enable_t38=false
	shell_wait_event 30 "$audio" CHANNEL_HANGUP_COMPLETE
	shell_stop
	jsonl_check "$SHELL_OUT" '
def of(u, sub):
    return [e["headers"] for e in events() if e["uuid"] == u and e["subclass"] == sub]
def check(u, t38s, ok, pages):
    neg = of(u, "spandsp::txfaxnegociateresult")
    assert [n["fax-t38-status"] for n in neg] == t38s, (u, neg)
    res = of(u, "spandsp::txfaxresult")
    assert len(res) == 1, (u, res)
    r = res[0]
    assert r["fax-success"] == ("1" if ok else "0"), r
    assert r["fax-t38-status"] == t38s[-1], r
    assert r["fax-document-transferred-pages"] == str(pages), r
    if not ok:
        assert r["fax-result-code"] == "49", r
    assert len(of(u, "spandsp::txfaxpageresult")) == pages, u
late, asked, fails, audio = args
check(late, ["off", "negotiated"], True, 3)
check(asked, ["negotiated"], True, 3)
check(fails, ["off", "negotiated"], False, 0)
check(audio, ["off"], True, 3)
' "$late" "$asked" "$fails" "$audio"
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$late.tif"
	run -0 --separate-stderr fax_sim compare "$DOC" "$SIM_RECEIVED/$audio.tif"
}

# ---------------------------------------------------------------- 5. incoming calls: fax-sim call

# check_call_record FILE UUIDFILE T38: the socket server's record of one good incoming 3-page fax.
check_sock_call() {
	jsonl_check "$1" '
t38 = args[0]
assert len(recs) == 1, len(recs)
r = recs[0]
assert r["error"] is None, r["error"]
c = dict(r["connect"], event_name=None)  # the Event-Name: see the connect-reply test
assert c == {"content_type": "command/reply", "reply_text": "+OK\n", "socket_mode": "async",
             "control": "full", "event_name": None}, r["connect"]
ch = r["channel"]
for k, v in {"variable_sip_to_user": "4930555000", "Caller-Caller-ID-Number": "4930123456",
             "Caller-Destination-Number": "4930555000", "Call-Direction": "inbound",
             "Answer-State": "ringing", "Unique-ID": r["uuid"]}.items():
    assert ch.get(k) == v, (k, ch.get(k))
assert [x[1] for x in r["replies"]] == ["+OK Events Enabled", "+OK event listener enabled plain", "+OK will linger",
                                        "+OK", "+OK", "+OK"], r["replies"]
ex = [(x["event"], x["application"], x["application_uuid"]) for x in r["executes"]]
sent = r["sent_uuids"]
want = []
for app in ("answer", "set", "rxfax"):
    want += [("CHANNEL_EXECUTE", app, sent[app]), ("CHANNEL_EXECUTE_COMPLETE", app, sent[app])]
assert ex == want, ex
ev = r["events"]
fax = [e for e in ev if e.startswith("spandsp::")]
assert fax == ["spandsp::rxfaxnegociateresult"] + ["spandsp::rxfaxpageresult"] * 3 + ["spandsp::rxfaxresult"], ev
assert ev.index("spandsp::rxfaxresult") < ev.index("CHANNEL_HANGUP_COMPLETE"), ev
assert [p["fax-document-transferred-pages"] for p in r["pages"]] == ["1", "2", "3"], r["pages"]
x = r["rxfax"]
for k, v in {"fax-success": "1", "fax-result-code": "0", "fax-document-transferred-pages": "3",
             "fax-t38-status": t38, "fax-local-station-id": "FAXKIT TEST RX",
             "fax-remote-station-id": "4930123456"}.items():
    assert x.get(k) == v, (k, x.get(k))
assert r["hangup"]["Hangup-Cause"] == "NORMAL_CLEARING", r["hangup"]
' "$2"
}

# check_sim_call FILE UUID T38: the sim.call record fax-sim call printed.
check_sim_call() {
	jsonl_check "$1" '
uuid, t38 = args
assert len(recs) == 1 and recs[0]["type"] == "sim.call", recs
r = recs[0]
assert r["uuid"] == uuid and r["id"] == uuid, (r["uuid"], uuid)
assert r["hangup_cause"] == "NORMAL_CLEARING", r
rx = r["receiver"]
assert rx["success"] is True and rx["result_code"] == 0 and rx["pages"] == 3 and rx["total_pages"] == 3, rx
assert rx["t38_status"] == t38, rx
assert rx["local_station_id"] == "FAXKIT TEST RX" and rx["remote_station_id"] == "4930123456", rx
assert r["sender"]["success"] is True and r["sender"]["pages"] == 3, r["sender"]
' "$2" "$3"
}

sock_uuid() {
	python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["uuid"])' "$SOCK_LOG"
}

@test "fax-sim call: 3 pages to the outbound-socket server over T.30; one sim.call record; pages equal" {
	sock_start
	run -0 --separate-stderr fax_sim call --socket "$SOCK_ADDR" --to 4930555000 --from 4930123456 --file "$DOC"
	assert_equal "$stderr" ''
	[[ ${#lines[@]} -eq 1 ]] || fail "one record expected: $output"
	sock_wait_calls 10 1
	check_sock_call "$SOCK_LOG" off
	local u
	u=$(sock_uuid)
	echo "$output" >"$BATS_TEST_TMPDIR/call.out"
	check_sim_call "$BATS_TEST_TMPDIR/call.out" "$u" off
	run -0 --separate-stderr fax_sim compare "$DOC" "$SOCK_RX/$u.tif"
}

@test "fax-sim call: the connect reply is the CHANNEL_DATA event, then command/reply +OK, async, full" {
	# outbound-session.txt: the standard event headers first (Event-Name: CHANNEL_DATA ... Event-Sequence,
	# esl-protocol.md §3.3, §4.2), then Channel-*, Unique-ID, ..., variable_*, and last
	# Content-Type: command/reply, Reply-Text: %2BOK%0A, Socket-Mode: async, Control: full.
	sock_start
	run -0 --separate-stderr fax_sim call --socket "$SOCK_ADDR" --to 4930555000 --from 4930123456 --file "$DOC"
	sock_wait_calls 10 1
	jsonl_check "$SOCK_LOG" '
import re
r = recs[0]
keys, ch = r["channel_keys"], r["channel"]
std = ["Event-Name", "Core-UUID", "FreeSWITCH-Hostname", "FreeSWITCH-Switchname", "FreeSWITCH-IPv4",
       "FreeSWITCH-IPv6", "Event-Date-Local", "Event-Date-GMT", "Event-Date-Timestamp", "Event-Calling-File",
       "Event-Calling-Function", "Event-Calling-Line-Number", "Event-Sequence"]
assert keys[-4:] == ["Content-Type", "Reply-Text", "Socket-Mode", "Control"], keys[-4:]
assert keys[:13] == std, "the connect reply starts %r" % keys[:13]
assert ch["Event-Name"] == "CHANNEL_DATA", ch["Event-Name"]
assert (ch["Event-Calling-File"], ch["Event-Calling-Function"], ch["Event-Calling-Line-Number"]) == \
    ("mod_event_socket.c", "parse_command", "2021"), ch
assert re.fullmatch(r"\d{16}", ch["Event-Date-Timestamp"]), ch["Event-Date-Timestamp"]
i = keys.index("Unique-ID")
assert keys.index("Channel-Direction") < keys.index("Channel-State") < i, keys
assert all(k.startswith("variable_") for k in keys[keys.index("variable_direction"):-4]), keys
assert ch["Channel-State"] == "CS_EXECUTE" and ch["Channel-Call-State"] == "RINGING", ch
assert ch["variable_current_application"] == "socket", ch.get("variable_current_application")
'
}

@test "fax-sim call: at hangup a lingering socket gets CHANNEL_HANGUP_COMPLETE, then the linger notice" {
	# esl-protocol.md §4.5 and outbound-session.txt: with `linger` FreeSWITCH sends, right after
	# CHANNEL_HANGUP_COMPLETE, a text/disconnect-notice with Content-Disposition: linger (Content-Length 0);
	# the channel (CHANNEL_DESTROY) cannot finish while the socket holds it.
	sock_start
	run -0 --separate-stderr fax_sim call --socket "$SOCK_ADDR" --to 4930555000 --from 4930123456 --file "$DOC"
	sock_wait_calls 10 1
	jsonl_check "$SOCK_LOG" '
r = recs[0]
ev = r["events"]
i = ev.index("CHANNEL_HANGUP_COMPLETE")
assert ev[i + 1:i + 2] == ["notice:linger"], "after CHANNEL_HANGUP_COMPLETE: %r" % ev[i + 1:]
assert "CHANNEL_DESTROY" not in ev[:i + 2], ev
n = dict(r["notices"][0]["headers"])
assert n == {"Content-Type": "text/disconnect-notice", "Controlled-Session-UUID": r["uuid"],
             "Content-Disposition": "linger", "Channel-Name": r["channel"]["Channel-Name"],
             "Linger-Time": "-1", "Content-Length": "0"}, n
assert [k for k, _ in r["notices"][0]["headers"]] == ["Content-Type", "Controlled-Session-UUID",
    "Content-Disposition", "Channel-Name", "Linger-Time", "Content-Length"], r["notices"][0]["headers"]
'
}

@test "fax-sim call --t38: receiver t38_status negotiated, pages equal" {
	sock_start
	run -0 --separate-stderr fax_sim call --socket "$SOCK_ADDR" --to 4930555000 --from 4930123456 --file "$DOC" --t38
	sock_wait_calls 10 1
	check_sock_call "$SOCK_LOG" negotiated
	local u
	u=$(sock_uuid)
	echo "$output" >"$BATS_TEST_TMPDIR/call.out"
	check_sim_call "$BATS_TEST_TMPDIR/call.out" "$u" negotiated
	run -0 --separate-stderr fax_sim compare "$DOC" "$SOCK_RX/$u.tif"
}

@test "fax-sim call --diversion --gateway: variable_sip_h_Diversion and variable_sip_gateway in the channel data" {
	sock_start
	run -0 --separate-stderr fax_sim call --socket "$SOCK_ADDR" --to 4930555000 --from 4930123456 --file "$DOC" \
		--diversion 4930999 --gateway gw7 --from-name 'ACME Fax'
	sock_wait_calls 10 1
	jsonl_check "$SOCK_LOG" '
import re
ch = recs[0]["channel"]
div = ch.get("variable_sip_h_Diversion")
assert div and re.fullmatch(r"<sip:4930999@[^>]+>(;.*)?", div), div
assert ch.get("variable_sip_gateway") == "gw7", ch.get("variable_sip_gateway")
assert ch.get("Caller-Caller-ID-Name") == "ACME Fax", ch.get("Caller-Caller-ID-Name")
assert recs[0]["rxfax"]["fax-success"] == "1", recs[0]["rxfax"]
'
}

@test "fax-sim call --noise-dbm0 -32 --no-ecm: rxfaxpageresult reports bad rows, V.29, ECM off" {
	sock_start
	run -0 --separate-stderr fax_sim call --socket "$SOCK_ADDR" --to 4930555000 --from 4930123456 --file "$DOC" \
		--noise-dbm0 -32 --no-ecm
	sock_wait_calls 10 1
	jsonl_check "$SOCK_LOG" '
r = recs[0]
pages = r["pages"]
assert len(pages) == 3, pages
assert sum(int(p["fax-bad-rows"]) for p in pages) > 0, pages
assert all(int(p["fax-longest-bad-row-run"]) >= (1 if int(p["fax-bad-rows"]) else 0) for p in pages), pages
x = r["rxfax"]
assert int(x["fax-bad-rows"]) > 0 and x["fax-transfer-rate"] == "9600" and x["fax-ecm-used"] == "off", x
'
	echo "$output" >"$BATS_TEST_TMPDIR/call.out"
	jsonl_check "$BATS_TEST_TMPDIR/call.out" 'assert recs[0]["receiver"]["bad_rows"] > 0, recs[0]["receiver"]'
}

@test "api fax-sim call on a running fax-sim serve returns the sim.call record" {
	sim_start
	sock_start
	run -0 --separate-stderr sim_esl api fax-sim call --socket "$SOCK_ADDR" --to 4930555000 --from 4930123456 --file "$DOC"
	[[ ${#lines[@]} -eq 1 ]] || fail "one record expected: $output"
	sock_wait_calls 10 1
	check_sock_call "$SOCK_LOG" off
	echo "$output" >"$BATS_TEST_TMPDIR/call.out"
	check_sim_call "$BATS_TEST_TMPDIR/call.out" "$(sock_uuid)" off
}

@test "fax-sim call with nothing listening: exit 69, one error line, nothing on stdout" {
	run -69 --separate-stderr fax_sim call --socket "127.0.0.1:$(closed_port)" --to 4930555000 --from 4930123456 --file "$DOC"
	assert_output ''
	[[ ${#stderr_lines[@]} -eq 1 && "${stderr_lines[0]}" == "fax-sim: error: "* ]] || fail "stderr: $stderr"
}

# ---------------------------------------------------------------- 6. load

@test "fax-sim load --calls 20 --rate 50: ok 20, failed 0; 20 good faxes at the socket server" {
	sock_start
	run -0 --separate-stderr fax_sim load --calls 20 --rate 50 --socket "$SOCK_ADDR" --to 4930555000 --from 4930123456 --file "$DOC"
	[[ ${#lines[@]} -eq 1 ]] || fail "one record expected: $output"
	echo "$output" >"$BATS_TEST_TMPDIR/load.out"
	jsonl_check "$BATS_TEST_TMPDIR/load.out" '
r = recs[0]
assert r["type"] == "sim.load", r
assert (r["calls"], r["ok"], r["failed"]) == (20, 20, 0), r
assert r["first_error"] is None, r
assert r["peak_channels"] >= 1, r
'
	sock_wait_calls 15 20
	jsonl_check "$SOCK_LOG" '
assert len(recs) == 20, len(recs)
assert len({r["uuid"] for r in recs}) == 20
for r in recs:
    assert r["error"] is None and r["rxfax"]["fax-success"] == "1", (r["error"], r["rxfax"])
    assert r["rxfax"]["fax-document-transferred-pages"] == "3", r["rxfax"]
'
}

# ---------------------------------------------------------------- 7. byte comparison with the real capture

# replay GROUPS: replay tests/fixtures/esl/inbound-session.jsonl against a fresh fax-sim that knows the
# capture's world (`echo` answers; `no_such_ext` has no route).
replay() {
	sim_start --scenario "$(sim_scenario world '{"numbers": {"no_such_ext": {"kind": "failure", "cause": "NO_ROUTE_DESTINATION"}}}')"
	run timeout -k 5 60 python3 "$REPLAY_CAPTURE" "$FAXKIT_ROOT/tests/fixtures/esl/inbound-session.jsonl" \
		--host "$SIM_ADDR" --check "$1"
	[[ $status -eq 0 ]] || fail "replay of inbound-session.jsonl ($1): exit $status
$output"
}

@test "capture inbound-session: greeting, every reply, the goodbye and close match byte for byte; event framing; BACKGROUND_JOB" {
	replay replies,framing,jobs
}

@test "capture inbound-session: an API event per bgapi, as FreeSWITCH fires them" {
	replay api
}

@test "capture inbound-session: the originated leg's channel events match the real A-leg's headers" {
	replay aleg
}

# ---------------------------------------------------------------- 8. the command line

@test "fax-sim serve: SIGTERM exits 0; connected ESL clients are told the system is shutting down" {
	sim_start
	local out="$BATS_TEST_TMPDIR/events.out" err="$BATS_TEST_TMPDIR/events.err" rc=0
	fax_esl -H "$SIM_ADDR" events --once CHANNEL_HANGUP_COMPLETE >"$out" 2>"$err" 3>&- &
	local epid=$!
	BG_PIDS+=("$epid")
	wait_until 10 grep -q '"type":"esl.connected"' "$out" || fail "events did not connect: $(cat "$err")"
	local u
	u=$(new_uuid)
	run -0 --separate-stderr sim_esl api originate "{origination_uuid=$u}sofia/gateway/gw1/4930123456" '&park'
	sim_stop || fail "fax-sim serve exited $? on SIGTERM"
	wait "$epid" || rc=$?
	# the parked channel was hung up and reported before the socket closed
	jsonl_check "$out" '
done = [e for e in events() if e["uuid"] == args[0]]
assert len(done) == 1 and done[0]["event"] == "CHANNEL_HANGUP_COMPLETE", done
' "$u"
	# FreeSWITCH says goodbye (text/disconnect-notice) before closing: events --once then exits 0, not 69
	[[ $rc -eq 0 ]] || fail "fax-esl events --once exited $rc (69 = closed without a disconnect notice): $(cat "$err")"
}

@test "fax-sim --help and --version" {
	run -0 --separate-stderr fax_sim --help
	assert_line --partial 'serve'
	assert_line --partial 'call'
	assert_line --partial 'load'
	assert_line --partial 'make-tiff'
	assert_line --partial 'compare'
	assert_equal "$stderr" ''
	run -0 --separate-stderr fax_sim --version
	assert_output --regexp '^fax-sim \(faxkit\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "fax-sim: an unknown option exits 64 with one error line" {
	run -64 --separate-stderr fax_sim serve --no-such-option
	assert_output ''
	[[ ${#stderr_lines[@]} -eq 1 && "${stderr_lines[0]}" == "fax-sim: error: "*"--no-such-option"* ]] || fail "stderr: $stderr"
	run -64 --separate-stderr fax_sim --no-such-option
	assert_output ''
	[[ ${#stderr_lines[@]} -eq 1 && "${stderr_lines[0]}" == "fax-sim: error: "* ]] || fail "stderr: $stderr"
}

@test "fax-sim compare: equal documents 0, different documents 1, a non-TIFF 65" {
	cp "$DOC" "$BATS_TEST_TMPDIR/copy.tif"
	run -0 --separate-stderr fax_sim compare "$DOC" "$BATS_TEST_TMPDIR/copy.tif"
	assert_output ''
	run -0 --separate-stderr fax_sim make-tiff --pages 3 --seed 2 "$BATS_TEST_TMPDIR/other.tif"
	run -1 --separate-stderr fax_sim compare "$DOC" "$BATS_TEST_TMPDIR/other.tif"
	assert_output ''
	[[ ${#stderr_lines[@]} -eq 1 && "${stderr_lines[0]}" == "fax-sim: error: "*" differ: "* ]] || fail "stderr: $stderr"
	run -0 --separate-stderr fax_sim make-tiff --pages 2 "$BATS_TEST_TMPDIR/two.tif"
	run -1 --separate-stderr fax_sim compare "$DOC" "$BATS_TEST_TMPDIR/two.tif"
	printf 'not a tiff\n' >"$BATS_TEST_TMPDIR/text.tif"
	run -65 --separate-stderr fax_sim compare "$DOC" "$BATS_TEST_TMPDIR/text.tif"
	assert_output ''
	[[ ${#stderr_lines[@]} -eq 1 && "${stderr_lines[0]}" == "fax-sim: error: "* ]] || fail "stderr: $stderr"
}

@test "originate … '&socket(HOST:PORT async full)': the outbound-socket server controls the leg and receives the far end's fax" {
	sim_start
	sock_start
	local u
	u=$(new_uuid)
	run -0 --separate-stderr sim_esl api originate "{origination_uuid=$u}sofia/gateway/gw1/4930123456" "'&socket($SOCK_ADDR async full)'"
	assert_output "+OK $u"
	sock_wait_calls 20 1
	jsonl_check "$SOCK_LOG" '
r = recs[0]
assert r["uuid"] == args[0], r["uuid"]
assert r["channel"]["Call-Direction"] == "outbound", r["channel"]["Call-Direction"]
assert r["channel"]["variable_current_application"] == "socket", r["channel"]
assert r["channel"]["variable_current_application_data"].endswith(" async full"), r["channel"]
names = r["events"]
assert "spandsp::rxfaxresult" in names and names.index("spandsp::rxfaxresult") < names.index("CHANNEL_HANGUP_COMPLETE"), names
' "$u"
	# what the socket server received is the far end's document (fax-sim writes it into --received-dir)
	run -0 --separate-stderr fax_sim compare "$SIM_RECEIVED/far-end-document.tif" "$SOCK_RX/$u.tif"
}
