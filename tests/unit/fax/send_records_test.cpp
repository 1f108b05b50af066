// fax::fax::SendRecorder: fax-send's JSON-lines records (fax.dialing,
// fax.negotiated, fax.page, fax.sent / fax.failed) and progress lines.

#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fax/send_records.hpp"

namespace {

using fax::fax::LegAttempt;
using fax::fax::Negotiation;
using fax::fax::PageResult;
using fax::fax::SendOutcome;
using fax::fax::SendRecorder;
using fax::fax::SendRequest;
using fax::fax::SendStatus;
using fax::fax::T38Status;
using json = nlohmann::ordered_json;

/// The keys of \a j, in order. A "direction" member (being added to every
/// fax record, "send" here) is checked and left out, so the lists below hold
/// with and without it.
std::vector<std::string> keys(const json& j) {
    std::vector<std::string> out;
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "direction") {
            EXPECT_EQ(it.value(), "send");
            continue;
        }
        out.push_back(it.key());
    }
    return out;
}

struct Captured {
    std::vector<std::string> records;
    std::vector<std::string> lines;
    json record(std::size_t i) const {
        EXPECT_LT(i, records.size());
        if (i >= records.size()) {
            return json::object();
        }
        const std::string& text = records[i];
        EXPECT_EQ(text.find('\n'), std::string::npos) << "one line, no newline";
        return json::parse(text);  // throws (and fails the test) on invalid JSON
    }
};

SendRecorder recorder(Captured& c, fax::fax::RecordContext context = {}, bool progress = true,
                      fax::fax::SendObserver* next = nullptr) {
    SendRecorder::Progress p;
    if (progress) {
        p = [&c](const std::string& line) { c.lines.push_back(line); };
    }
    return SendRecorder("job-7", std::move(context), [&c](const std::string& r) { c.records.push_back(r); }, p, next);
}

const fax::fax::RecordContext k_hylafax = {{"jobid", "7"}, {"commid", "00000042"}, {"modem", "freeswitch0"}};

SendRequest request() {
    SendRequest r;
    r.number = "04930123456";
    r.gateways = {"gw-dead", "gw1"};
    return r;
}

LegAttempt leg(std::string gateway, std::string uuid) {
    LegAttempt l;
    l.gateway = std::move(gateway);
    l.uuid = std::move(uuid);
    return l;
}

void expect_envelope(const json& j, const std::string& type, const std::vector<std::string>& context_keys) {
    const auto k = keys(j);
    ASSERT_GE(k.size(), 3 + context_keys.size());
    EXPECT_EQ(k[0], "type");
    EXPECT_EQ(k[1], "ts");
    EXPECT_EQ(k[2], "id");
    for (std::size_t i = 0; i < context_keys.size(); ++i) {
        EXPECT_EQ(k[3 + i], context_keys[i]);
    }
    EXPECT_EQ(j["type"], type);
    EXPECT_EQ(j["id"], "job-7");
    static const std::regex ts(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    EXPECT_TRUE(std::regex_match(j["ts"].get<std::string>(), ts)) << j["ts"];
}

TEST(SendRecorderTest, Dialing) {
    Captured c;
    auto r = recorder(c, k_hylafax);
    r.dialing(request(), leg("gw1", "11111111-2222-4333-8444-555555555555"), 2);
    ASSERT_EQ(c.records.size(), 1U);
    const json j = c.record(0);
    expect_envelope(j, "fax.dialing", {"jobid", "commid", "modem"});
    EXPECT_EQ(j["jobid"], "7");
    EXPECT_EQ(j["commid"], "00000042");
    EXPECT_EQ(j["modem"], "freeswitch0");
    EXPECT_EQ(keys(j), (std::vector<std::string>{"type", "ts", "id", "jobid", "commid", "modem", "number", "gateway",
                                                 "attempt", "uuid"}));
    EXPECT_EQ(j["number"], "04930123456");
    EXPECT_EQ(j["gateway"], "gw1");
    EXPECT_EQ(j["attempt"], 2);
    EXPECT_TRUE(j["attempt"].is_number_integer());
    EXPECT_EQ(j["uuid"], "11111111-2222-4333-8444-555555555555");
    EXPECT_EQ(c.lines, (std::vector<std::string>{"dialing 04930123456 via gw1 (attempt 2)"}));
}

TEST(SendRecorderTest, WithoutContextIdIsFollowedByTheFields) {
    Captured c;
    auto r = recorder(c);
    r.dialing(request(), leg("gw1", "u1"), 1);
    const json j = c.record(0);
    expect_envelope(j, "fax.dialing", {});
    EXPECT_EQ(keys(j)[3], "number");
}

TEST(SendRecorderTest, Negotiated) {
    Captured c;
    auto r = recorder(c, k_hylafax);
    r.dialing(request(), leg("gw1", "uuid-1"), 1);
    Negotiation n;
    n.transfer_rate = 9600;
    n.ecm = true;
    n.t38_status = T38Status::negotiated;
    n.local_station_id = "+1 337";
    n.remote_station_id = "ACME \"Fax\"";
    n.remote_country = "Germany";
    n.remote_vendor = "Vendor";
    n.remote_model = "Model";
    r.negotiated(n, 2);
    ASSERT_EQ(c.records.size(), 2U);
    const json j = c.record(1);
    expect_envelope(j, "fax.negotiated", {"jobid", "commid", "modem"});
    EXPECT_EQ(keys(j), (std::vector<std::string>{"type", "ts", "id", "jobid", "commid", "modem", "uuid", "count",
                                                 "transfer_rate", "ecm", "t38_status", "local_station_id",
                                                 "remote_station_id", "remote_country", "remote_vendor",
                                                 "remote_model"}));
    EXPECT_EQ(j["uuid"], "uuid-1");  // the leg being dialled
    EXPECT_EQ(j["count"], 2);
    EXPECT_EQ(j["transfer_rate"], 9600);
    EXPECT_EQ(j["ecm"], true);
    EXPECT_EQ(j["t38_status"], "negotiated");
    EXPECT_EQ(j["local_station_id"], "+1 337");
    EXPECT_EQ(j["remote_station_id"], "ACME \"Fax\"");
    EXPECT_EQ(j["remote_country"], "Germany");
    EXPECT_EQ(j["remote_vendor"], "Vendor");
    EXPECT_EQ(j["remote_model"], "Model");
    ASSERT_EQ(c.lines.size(), 2U);
    EXPECT_EQ(c.lines[1], "negotiated 9600 bit/s, ECM, T.38 with \"ACME \"Fax\"\"");
    n.ecm = false;
    n.t38_status = T38Status::off;
    n.remote_station_id = "X";
    r.negotiated(n, 3);
    EXPECT_EQ(c.lines.back(), "negotiated 9600 bit/s with \"X\"");
    EXPECT_EQ(c.record(2)["ecm"], false);
    EXPECT_EQ(c.record(2)["t38_status"], "off");
}

TEST(SendRecorderTest, Page) {
    Captured c;
    auto r = recorder(c);
    r.dialing(request(), leg("gw1", "uuid-1"), 1);
    PageResult p;
    p.pages_transferred = 2;
    p.total_pages = 3;
    p.bad_rows = 4;
    p.longest_bad_row_run = 2;
    p.encoding_name = "T.6";
    p.image_size = 2734;
    p.image_resolution = {8040, 7700};
    p.image_pixel_size = {1728, 2156};
    r.page(p);
    const json j = c.record(1);
    expect_envelope(j, "fax.page", {});
    EXPECT_EQ(keys(j), (std::vector<std::string>{"type", "ts", "id", "uuid", "page", "total_pages", "bad_rows",
                                                 "longest_bad_row_run", "encoding", "image_size", "image_resolution",
                                                 "image_pixel_size"}));
    EXPECT_EQ(j["uuid"], "uuid-1");
    EXPECT_EQ(j["page"], 2);
    EXPECT_EQ(j["total_pages"], 3);
    EXPECT_EQ(j["bad_rows"], 4);
    EXPECT_EQ(j["longest_bad_row_run"], 2);
    EXPECT_EQ(j["encoding"], "T.6");
    EXPECT_EQ(j["image_size"], 2734);
    EXPECT_EQ(j["image_resolution"], "8040x7700");
    EXPECT_EQ(j["image_pixel_size"], "1728x2156");
    EXPECT_EQ(c.lines.back(), "page 2/3 sent (4 bad rows)");
}

TEST(SendRecorderTest, LegFailedAnsweredAndNoteWriteNoRecord) {
    Captured c;
    auto r = recorder(c);
    auto l = leg("gw-dead", "u0");
    l.cause = "GATEWAY_DOWN";
    r.leg_failed(l);
    l.gateway = "gw1";
    r.answered(l);
    r.note("softmodem fallback entry for 123: T.38 off");
    EXPECT_TRUE(c.records.empty());
    EXPECT_EQ(c.lines, (std::vector<std::string>{"gw-dead: GATEWAY_DOWN", "answered via gw1",
                                                 "softmodem fallback entry for 123: T.38 off"}));
}

TEST(SendRecorderTest, NoProgressWithoutProgressSink) {
    Captured c;
    auto r = recorder(c, {}, false);
    r.dialing(request(), leg("gw1", "u"), 1);
    r.note("x");
    EXPECT_EQ(c.records.size(), 1U);
    EXPECT_TRUE(c.lines.empty());
}

SendOutcome sent_outcome() {
    SendOutcome o;
    o.status = SendStatus::sent;
    o.cause = "NORMAL_CLEARING";
    o.legs = {leg("gw-dead", "u0"), leg("gw1", "u1")};
    o.legs[0].cause = "GATEWAY_DOWN";
    o.legs[1].cause = "NORMAL_CLEARING";
    o.legs[1].answered = true;
    o.gateway = "gw1";
    o.uuid = "u1";
    o.answered = true;
    o.start_ms = 1000000;
    o.answer_ms = 1002000;
    o.end_ms = 1062500;
    o.negotiations = 1;
    Negotiation n;
    n.transfer_rate = 14400;
    n.ecm = true;
    n.local_station_id = "LOCAL";
    n.remote_station_id = "REMOTE";
    o.negotiation = n;
    PageResult p1;
    p1.pages_transferred = 1;
    p1.total_pages = 2;
    p1.encoding_name = "T.4 2-D";
    p1.bad_rows = 1;
    PageResult p2 = p1;
    p2.pages_transferred = 2;
    p2.encoding_name = "T.6";
    p2.bad_rows = 2;
    o.pages = {p1, p2};
    o.bad_rows = 3;
    fax::fax::FaxResult res;
    res.success = true;
    res.result_code = 0;
    res.result_text = "OK";
    res.pages_transferred = 2;
    res.total_pages = 2;
    res.transfer_rate = 14400;
    res.ecm = true;
    res.local_station_id = "LOCAL";
    res.remote_station_id = "REMOTE";
    o.result = res;
    return o;
}

TEST(SendRecorderTest, FinishedSent) {
    Captured c;
    auto r = recorder(c, k_hylafax);
    const auto req = request();
    r.dialing(req, leg("gw-dead", "u0"), 1);
    r.dialing(req, leg("gw1", "u1"), 2);
    r.finished(req, sent_outcome(), {{"returned", "2"}});
    ASSERT_EQ(c.records.size(), 3U);
    const json j = c.record(2);
    expect_envelope(j, "fax.sent", {"jobid", "commid", "modem"});
    EXPECT_EQ(keys(j),
              (std::vector<std::string>{"type",          "ts",
                                        "id",            "jobid",
                                        "commid",        "modem",
                                        "status",        "final",
                                        "reason",        "hangup_cause",
                                        "number",        "gateway",
                                        "attempt",       "uuid",
                                        "legs",          "answered",
                                        "pages",         "total_pages",
                                        "transfer_rate", "ecm",
                                        "t38_status",    "local_station_id",
                                        "remote_station_id", "result_code",
                                        "result_text",   "negotiations",
                                        "bad_rows",      "encoding",
                                        "duration_ms",   "connect_ms",
                                        "fallback_active", "fallback_written",
                                        "killed",        "returned"}));
    EXPECT_EQ(j["status"], "sent");
    EXPECT_EQ(j["final"], true);
    EXPECT_EQ(j["reason"], "");
    EXPECT_EQ(j["hangup_cause"], "NORMAL_CLEARING");
    EXPECT_EQ(j["number"], "04930123456");
    EXPECT_EQ(j["gateway"], "gw1");
    EXPECT_EQ(j["attempt"], 2);
    EXPECT_EQ(j["uuid"], "u1");
    EXPECT_EQ(j["legs"], json::parse(R"([{"gateway":"gw-dead","uuid":"u0","cause":"GATEWAY_DOWN","answered":false},
                                         {"gateway":"gw1","uuid":"u1","cause":"NORMAL_CLEARING","answered":true}])"));
    EXPECT_EQ(j["answered"], true);
    EXPECT_EQ(j["pages"], 2);
    EXPECT_EQ(j["total_pages"], 2);
    EXPECT_EQ(j["transfer_rate"], 14400);
    EXPECT_EQ(j["ecm"], true);
    EXPECT_EQ(j["t38_status"], "off");
    EXPECT_EQ(j["local_station_id"], "LOCAL");
    EXPECT_EQ(j["remote_station_id"], "REMOTE");
    EXPECT_EQ(j["result_code"], 0);
    EXPECT_EQ(j["result_text"], "OK");
    EXPECT_EQ(j["negotiations"], 1);
    EXPECT_EQ(j["bad_rows"], 3);
    EXPECT_EQ(j["encoding"], "T.4 2-D");  // of the first page
    EXPECT_EQ(j["duration_ms"], 62500);
    EXPECT_EQ(j["connect_ms"], 60500);
    EXPECT_EQ(j["fallback_active"], false);
    EXPECT_EQ(j["fallback_written"], false);
    EXPECT_EQ(j["killed"], false);
    EXPECT_EQ(j["returned"], "2");
    EXPECT_EQ(c.lines.back(), "sent 2 page(s) to 04930123456");
}

TEST(SendRecorderTest, FinishedRetryWithoutResult) {
    Captured c;
    auto r = recorder(c);
    const auto req = request();
    r.dialing(req, leg("gw1", "u1"), 1);
    SendOutcome o;
    o.status = SendStatus::retry;
    o.reason = "USER_BUSY";
    o.cause = "USER_BUSY";
    o.legs = {leg("gw1", "u1"), leg("gw2", "u2")};  // the second never dialled
    o.legs[0].cause = "USER_BUSY";
    o.gateway = "gw1";
    o.uuid = "u1";
    o.start_ms = 5000;
    o.end_ms = 5250;
    r.finished(req, o);
    const json j = c.record(1);
    expect_envelope(j, "fax.failed", {});
    EXPECT_EQ(j["status"], "retry");
    EXPECT_EQ(j["final"], false);
    EXPECT_EQ(j["reason"], "USER_BUSY");
    EXPECT_EQ(j["hangup_cause"], "USER_BUSY");
    EXPECT_EQ(j["attempt"], 1);
    ASSERT_EQ(j["legs"].size(), 1U);  // only the legs dialled
    EXPECT_EQ(j["legs"][0]["gateway"], "gw1");
    EXPECT_EQ(j["legs"][0]["cause"], "USER_BUSY");
    EXPECT_EQ(j["answered"], false);
    EXPECT_EQ(j["pages"], 0);
    EXPECT_EQ(j["total_pages"], 0);
    EXPECT_EQ(j["transfer_rate"], 0);
    EXPECT_EQ(j["ecm"], false);
    EXPECT_EQ(j["t38_status"], "off");
    EXPECT_EQ(j["local_station_id"], "");
    EXPECT_TRUE(j["result_code"].is_null());
    EXPECT_TRUE(j["result_text"].is_null());
    EXPECT_EQ(j["encoding"], "");
    EXPECT_EQ(j["duration_ms"], 250);
    EXPECT_EQ(j["connect_ms"], 0);  // never answered
    EXPECT_EQ(keys(j).back(), "killed");
    EXPECT_EQ(c.lines.back(), "not sent, retry later: USER_BUSY");
}

TEST(SendRecorderTest, FinishedFailedFallsBackToTheNegotiation) {
    Captured c;
    auto r = recorder(c);
    const auto req = request();
    r.dialing(req, leg("gw1", "u1"), 1);
    SendOutcome o = sent_outcome();
    o.status = SendStatus::failed;
    o.reason = "The call dropped prematurely (T.30 code 49)";
    o.legs = {leg("gw1", "u1")};
    o.negotiation->t38_status = T38Status::negotiated;
    o.negotiation->transfer_rate = 9600;
    o.result->success = false;
    o.result->result_code = 49;
    o.result->result_text = "The call dropped prematurely";
    o.result->transfer_rate = 0;       // not reported: the negotiation's rate
    o.result->remote_station_id = "";  // likewise
    o.result->t38_status = T38Status::refused;
    o.result->pages_transferred = 1;
    o.killed = true;
    o.fallback_active = true;
    o.fallback_written = true;
    r.finished(req, o);
    const json j = c.record(1);
    EXPECT_EQ(j["type"], "fax.failed");
    EXPECT_EQ(j["status"], "failed");
    EXPECT_EQ(j["final"], true);
    EXPECT_EQ(j["transfer_rate"], 9600);
    EXPECT_EQ(j["remote_station_id"], "REMOTE");
    EXPECT_EQ(j["t38_status"], "refused");  // phase E's own value when there is one
    EXPECT_EQ(j["result_code"], 49);
    EXPECT_EQ(j["result_text"], "The call dropped prematurely");
    EXPECT_EQ(j["pages"], 2);  // the phase D reports count
    EXPECT_EQ(j["killed"], true);
    EXPECT_EQ(j["fallback_active"], true);
    EXPECT_EQ(j["fallback_written"], true);
    EXPECT_EQ(c.lines.back(), "failed: The call dropped prematurely (T.30 code 49)");
}

TEST(SendRecorderTest, FinishedBeforeAnyDial) {
    Captured c;
    auto r = recorder(c, k_hylafax);
    SendOutcome o;
    o.status = SendStatus::failed;
    o.reason = "no gateway configured";
    r.finished(request(), o, {{"returned", "1"}});
    const json j = c.record(0);
    EXPECT_EQ(j["type"], "fax.failed");
    EXPECT_EQ(j["attempt"], 0);
    EXPECT_TRUE(j["legs"].empty());
    EXPECT_EQ(j["uuid"], "");
    EXPECT_EQ(j["returned"], "1");
}

TEST(SendRecorderTest, HostileTextStaysValidJson) {
    Captured c;
    auto r = recorder(c, {{"jobid", "a\"b\\c\n"}});
    Negotiation n;
    const std::string controls = "x\"y\\z\n\t\x01\x7f";
    n.remote_station_id = controls;
    n.remote_station_id.append("\xff\xfe");
    n.remote_station_id.append("\xc3\xa9");
    n.remote_vendor = std::string("nul\0byte", 8);
    r.negotiated(n, 1);
    const json j = c.record(0);
    EXPECT_EQ(j["jobid"], "a\"b\\c\n");
    const std::string remote = j["remote_station_id"];
    EXPECT_EQ(remote.substr(0, controls.size()), controls);
    EXPECT_NE(remote.find("\xef\xbf\xbd"), std::string::npos) << "ill-formed bytes become U+FFFD";
    EXPECT_NE(remote.find("\xc3\xa9"), std::string::npos);
    EXPECT_EQ(j["remote_vendor"], std::string("nul\0byte", 8));
}

struct Counting : fax::fax::SendObserver {
    int dialing_calls = 0, failed = 0, answered_calls = 0, negotiated_calls = 0, pages = 0, notes = 0;
    void dialing(const SendRequest&, const LegAttempt&, int) override { ++dialing_calls; }
    void leg_failed(const LegAttempt&) override { ++failed; }
    void answered(const LegAttempt&) override { ++answered_calls; }
    void negotiated(const Negotiation&, int) override { ++negotiated_calls; }
    void page(const PageResult&) override { ++pages; }
    void note(const std::string&) override { ++notes; }
};

TEST(SendRecorderTest, ForwardsEveryCallbackToNext) {
    Captured c;
    Counting next;
    auto r = recorder(c, {}, false, &next);
    r.dialing(request(), leg("gw1", "u"), 1);
    r.leg_failed(leg("gw1", "u"));
    r.answered(leg("gw1", "u"));
    r.negotiated(Negotiation{}, 1);
    r.page(PageResult{});
    r.note("n");
    EXPECT_EQ(next.dialing_calls, 1);
    EXPECT_EQ(next.failed, 1);
    EXPECT_EQ(next.answered_calls, 1);
    EXPECT_EQ(next.negotiated_calls, 1);
    EXPECT_EQ(next.pages, 1);
    EXPECT_EQ(next.notes, 1);
}

}  // namespace
