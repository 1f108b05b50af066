// fax::fax::run_send end to end against fax-sim's switch (fax::Switch with
// its inbound Event Socket) running in this process on a loop thread: real
// originates, real spandsp faxes, the scenario's busy numbers and dead
// gateways.

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "core/loop.hpp"
#include "esl/inbound_client.hpp"
#include "fax/scenario.hpp"
#include "fax/send_call.hpp"
#include "fax/switch.hpp"
#include "support/temp_dir.hpp"
#include "tiff/bitmap.hpp"
#include "tiff/test_document.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using fax::fax::LegAttempt;
using fax::fax::SendOutcome;
using fax::fax::SendRequest;
using fax::fax::SendStatus;

struct TmpDir {
    TmpDir() { fs::create_directories(path / "received"); }
    faxkit_test::TempDir tmp{"send-run"};
    fs::path path = tmp.dir();
};

/// fax-sim's switch on its own loop thread, listening on 127.0.0.1:<any>.
class SimSwitch {
public:
    SimSwitch(const TmpDir& dir, const std::string& scenario_json) {
        auto scenario = fax::fax::Scenario::parse(scenario_json, "test scenario");
        EXPECT_TRUE(scenario) << (scenario ? "" : scenario.error().message);
        fax::fax::SwitchConfig sc;
        sc.server.port = 0;
        sc.db_path = (dir.path / "fax-sim.db").string();
        sc.received_dir = (dir.path / "received").string();
        if (scenario) {
            sc.scenario = std::move(*scenario);
        }
        std::promise<std::uint16_t> ready;
        auto port = ready.get_future();
        m_thread = std::jthread([this, sc = std::move(sc), &ready]() mutable {
            fax::fax::Switch sw(m_loop, std::move(sc));
            auto r = sw.start();
            if (!r) {
                ADD_FAILURE() << "fax-sim switch: " << r.error().message;
                ready.set_value(0);
                return;
            }
            m_switch = &sw;
            ready.set_value(sw.port());
            m_loop.run();
            m_switch = nullptr;
        });
        m_port = port.get();
    }
    ~SimSwitch() {
        m_loop.post([this] { m_loop.stop(); });
        m_thread.join();
    }
    SimSwitch(const SimSwitch&) = delete;
    SimSwitch& operator=(const SimSwitch&) = delete;

    std::uint16_t port() const { return m_port; }

    /// Runs an api command on the switch (as `api <command> <args>` would) and returns its output.
    std::string api(const std::string& command, const std::string& args) {
        auto out = std::make_shared<std::promise<std::string>>();
        auto f = out->get_future();
        m_loop.post([this, command, args, out] {
            m_switch->api(command, args, [out](std::string text, bool) { out->set_value(std::move(text)); });
        });
        if (f.wait_for(10s) != std::future_status::ready) {
            ADD_FAILURE() << "api " << command << " " << args << ": no answer";
            return {};
        }
        return f.get();
    }
    fax::esl::ClientConfig client() const {
        fax::esl::ClientConfig c;
        c.port = m_port;
        c.timeout = 10s;
        return c;
    }

private:
    fax::core::Loop m_loop;
    fax::fax::Switch* m_switch = nullptr;  ///< used on the loop thread only
    std::uint16_t m_port = 0;
    std::jthread m_thread;
};

/// Records the observer callbacks.
struct Calls : fax::fax::SendObserver {
    std::vector<std::pair<std::string, int>> dialed;  // gateway, attempt
    std::vector<LegAttempt> failed;
    std::vector<LegAttempt> answers;
    std::vector<int> negotiation_counts;
    std::vector<int> pages;
    std::vector<std::string> notes;
    void dialing(const SendRequest&, const LegAttempt& leg, int attempt) override {
        dialed.emplace_back(leg.gateway, attempt);
    }
    void leg_failed(const LegAttempt& leg) override { failed.push_back(leg); }
    void answered(const LegAttempt& leg) override { answers.push_back(leg); }
    void negotiated(const fax::fax::Negotiation&, int count) override { negotiation_counts.push_back(count); }
    void page(const fax::fax::PageResult& p) override { pages.push_back(p.pages_transferred); }
    void note(const std::string& text) override { notes.push_back(text); }
};

class SendRunTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_doc = (m_dir.path / "doc.tif").string();
        fax::tiff::TestDocumentOptions o;
        o.pages = 3;
        ASSERT_TRUE(fax::tiff::write_test_document(m_doc, o));
    }

    SendRequest request(std::string number, std::vector<std::string> gateways) const {
        SendRequest r;
        r.number = std::move(number);
        r.gateways = std::move(gateways);
        r.document = m_doc;
        r.ident = "FAXKIT SEND";
        r.cid_number = "4711";
        r.t38 = false;
        r.total_timeout = 60s;  // a safety net: the test fails rather than hangs
        return r;
    }

    TmpDir m_dir;
    std::string m_doc;
};

const std::string k_scenario = R"({
  "gateways": { "gw1": "up", "gw2": "up", "gw-dead": "down" },
  "numbers": {
    "4930111": "busy",
    "4930444": "unallocated",
    "4930777": { "txfax_hangs": true },
    "4930888": { "hangup_after_pages": 1 }
  }
})";

TEST_F(SendRunTest, ThreePagesSent) {
    SimSwitch sim(m_dir, k_scenario);
    ASSERT_NE(sim.port(), 0);
    Calls calls;
    const SendOutcome out = fax::fax::run_send(sim.client(), request("4930123456", {"gw1"}), calls);
    EXPECT_EQ(out.status, SendStatus::sent) << out.reason;
    EXPECT_EQ(out.reason, "");
    EXPECT_TRUE(out.answered);
    EXPECT_EQ(out.pages_sent(), 3);
    EXPECT_EQ(out.negotiations, 1);
    ASSERT_TRUE(out.negotiation);
    EXPECT_EQ(out.negotiation->local_station_id, "FAXKIT SEND");
    EXPECT_EQ(out.negotiation->remote_station_id, "4930123456");  // the far machine's default CSI
    ASSERT_EQ(out.pages.size(), 3U);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(out.pages[i].pages_transferred, static_cast<int>(i) + 1);
        EXPECT_EQ(out.pages[i].total_pages, 3);
    }
    ASSERT_TRUE(out.result);
    EXPECT_TRUE(out.result->success);
    EXPECT_EQ(out.result->pages_transferred, 3);
    EXPECT_EQ(out.bad_rows, 0);
    EXPECT_EQ(out.cause, "NORMAL_CLEARING");
    ASSERT_EQ(out.legs.size(), 1U);
    EXPECT_EQ(out.legs[0].gateway, "gw1");
    EXPECT_TRUE(out.legs[0].answered);
    EXPECT_EQ(out.legs[0].uuid.size(), 36U);
    EXPECT_EQ(out.gateway, "gw1");
    EXPECT_EQ(out.uuid, out.legs[0].uuid);
    EXPECT_GT(out.start_ms, 0);
    EXPECT_GE(out.answer_ms, out.start_ms);
    EXPECT_GE(out.end_ms, out.answer_ms);
    EXPECT_FALSE(out.killed);
    EXPECT_FALSE(out.fallback_active);
    // Observer: one dial, one answer, one negotiation, three pages.
    ASSERT_EQ(calls.dialed.size(), 1U);
    EXPECT_EQ(calls.dialed[0], (std::pair<std::string, int>{"gw1", 1}));
    EXPECT_TRUE(calls.failed.empty());
    ASSERT_EQ(calls.answers.size(), 1U);
    EXPECT_EQ(calls.answers[0].uuid, out.uuid);
    EXPECT_EQ(calls.negotiation_counts, std::vector<int>{1});
    EXPECT_EQ(calls.pages, (std::vector<int>{1, 2, 3}));
    // The far machine received the document as sent.
    const auto received = m_dir.path / "received" / (out.uuid + ".tif");
    ASSERT_TRUE(fs::exists(received)) << received;
    auto sent = fax::tiff::read_pages(m_doc);
    auto got = fax::tiff::read_pages(received.string());
    ASSERT_TRUE(sent && got);
    ASSERT_EQ(got->size(), 3U);
    const auto diff = fax::tiff::first_difference(*sent, *got);
    EXPECT_FALSE(diff) << (diff ? fax::tiff::describe(*diff) : "");
}

TEST_F(SendRunTest, BusyIsRetried) {
    SimSwitch sim(m_dir, k_scenario);
    Calls calls;
    const SendOutcome out = fax::fax::run_send(sim.client(), request("4930111", {"gw1"}), calls);
    EXPECT_EQ(out.status, SendStatus::retry);
    EXPECT_EQ(out.cause, "USER_BUSY");
    EXPECT_FALSE(out.answered);
    EXPECT_EQ(out.answer_ms, 0);
    EXPECT_EQ(out.negotiations, 0);
    EXPECT_FALSE(out.result);
    EXPECT_NE(out.reason, "");
    ASSERT_EQ(out.legs.size(), 1U);
    EXPECT_EQ(out.legs[0].cause, "USER_BUSY");
    EXPECT_FALSE(out.legs[0].answered);
    ASSERT_EQ(calls.failed.size(), 1U);
    EXPECT_EQ(calls.failed[0].cause, "USER_BUSY");
    EXPECT_TRUE(calls.answers.empty());
}

TEST_F(SendRunTest, FailedResponseFailsForGood) {
    SimSwitch sim(m_dir, k_scenario);
    Calls calls;
    auto req = request("4930444", {"gw1"});
    req.failed_causes = {"UNALLOCATED_NUMBER"};
    const SendOutcome out = fax::fax::run_send(sim.client(), req, calls);
    EXPECT_EQ(out.status, SendStatus::failed);
    EXPECT_EQ(out.cause, "UNALLOCATED_NUMBER");
    // Without the cause in the list the same call is retried.
    req.failed_causes = {"CALL_REJECTED"};
    EXPECT_EQ(fax::fax::run_send(sim.client(), req, calls).status, SendStatus::retry);
}

TEST_F(SendRunTest, DeadGatewayThenNextLegAnswers) {
    SimSwitch sim(m_dir, k_scenario);
    Calls calls;
    const SendOutcome out = fax::fax::run_send(sim.client(), request("4930123456", {"gw-dead", "gw1"}), calls);
    EXPECT_EQ(out.status, SendStatus::sent) << out.reason;
    ASSERT_EQ(out.legs.size(), 2U);
    EXPECT_EQ(out.legs[0].gateway, "gw-dead");
    EXPECT_EQ(out.legs[0].cause, "GATEWAY_DOWN");
    EXPECT_FALSE(out.legs[0].answered);
    EXPECT_EQ(out.legs[1].gateway, "gw1");
    EXPECT_TRUE(out.legs[1].answered);
    EXPECT_NE(out.legs[0].uuid, out.legs[1].uuid);  // each leg its own origination_uuid
    EXPECT_EQ(out.gateway, "gw1");
    EXPECT_EQ(out.uuid, out.legs[1].uuid);
    EXPECT_EQ(out.pages_sent(), 3);
    EXPECT_EQ(out.negotiations, 1);
    ASSERT_EQ(calls.dialed.size(), 2U);
    EXPECT_EQ(calls.dialed[0], (std::pair<std::string, int>{"gw-dead", 1}));
    EXPECT_EQ(calls.dialed[1], (std::pair<std::string, int>{"gw1", 2}));
    ASSERT_EQ(calls.failed.size(), 1U);
    EXPECT_EQ(calls.failed[0].uuid, out.legs[0].uuid);
    EXPECT_TRUE(fs::exists(m_dir.path / "received" / (out.legs[1].uuid + ".tif")));
    EXPECT_FALSE(fs::exists(m_dir.path / "received" / (out.legs[0].uuid + ".tif")));
}

TEST_F(SendRunTest, EveryGatewayDeadIsRetriedWithTheLastCause) {
    SimSwitch sim(m_dir, k_scenario);
    Calls calls;
    const SendOutcome out = fax::fax::run_send(sim.client(), request("4930123456", {"gw-dead", "gw-none"}), calls);
    EXPECT_EQ(out.status, SendStatus::retry);
    ASSERT_EQ(out.legs.size(), 2U);
    EXPECT_EQ(out.legs[0].cause, "GATEWAY_DOWN");
    EXPECT_EQ(out.legs[1].cause, "INVALID_GATEWAY");  // not listed in the scenario
    EXPECT_EQ(out.cause, "INVALID_GATEWAY");
    EXPECT_EQ(out.gateway, "gw-none");
    EXPECT_EQ(calls.failed.size(), 2U);
}

TEST_F(SendRunTest, NoGatewayFailsWithoutConnecting) {
    Calls calls;
    fax::esl::ClientConfig nowhere;
    nowhere.port = 1;  // nothing listens there; must not be tried
    const SendOutcome out = fax::fax::run_send(nowhere, request("4930123456", {}), calls);
    EXPECT_EQ(out.status, SendStatus::failed);
    EXPECT_EQ(out.reason, "no gateway configured");
    EXPECT_TRUE(out.legs.empty());
    EXPECT_TRUE(calls.dialed.empty());
}

TEST_F(SendRunTest, UnreachableSwitchIsRetried) {
    // A port that was just free: connection refused.
    std::uint16_t port = 0;
    {
        TmpDir d;
        SimSwitch sim(d, "{}");
        port = sim.port();
    }
    Calls calls;
    fax::esl::ClientConfig cfg;
    cfg.port = port;
    cfg.timeout = 2s;
    const SendOutcome out = fax::fax::run_send(cfg, request("4930123456", {"gw1"}), calls);
    EXPECT_EQ(out.status, SendStatus::retry);
    EXPECT_NE(out.reason.find("FreeSWITCH connection"), std::string::npos) << out.reason;
    EXPECT_FALSE(out.answered);
    EXPECT_TRUE(calls.dialed.empty());
}

TEST_F(SendRunTest, HungTxfaxIsKilledAfterThePageTimeoutAndCountsAsSent) {
    // FreeSWITCH's txfax sometimes never ends after the last page (gofaxip #31):
    // the page timeout kills the channel; all pages were confirmed, so sent.
    SimSwitch sim(m_dir, k_scenario);
    Calls calls;
    auto req = request("4930777", {"gw1"});
    req.page_timeout = 2s;
    const SendOutcome out = fax::fax::run_send(sim.client(), req, calls);
    EXPECT_EQ(out.status, SendStatus::sent) << out.reason;
    EXPECT_TRUE(out.killed);
    EXPECT_EQ(out.pages_sent(), 3);
    EXPECT_EQ(calls.pages, (std::vector<int>{1, 2, 3}));
    ASSERT_FALSE(calls.notes.empty());
    EXPECT_EQ(calls.notes.back(), std::string("no fax progress for 2 s: uuid_kill ").append(out.uuid));
    EXPECT_GE(out.end_ms - out.answer_ms, 2000);
}

TEST_F(SendRunTest, FarEndHangsUpAfterOnePage) {
    SimSwitch sim(m_dir, k_scenario);
    Calls calls;
    auto req = request("4930888", {"gw1"});
    req.softmodem_fallback = true;
    const SendOutcome out = fax::fax::run_send(sim.client(), req, calls);
    EXPECT_EQ(out.status, SendStatus::retry);
    EXPECT_EQ(out.reason, "The call dropped prematurely (T.30 code 49)");
    EXPECT_TRUE(out.answered);
    EXPECT_EQ(out.pages_sent(), 1);
    EXPECT_EQ(out.negotiations, 1);
    ASSERT_TRUE(out.result);
    EXPECT_FALSE(out.result->success);
    EXPECT_EQ(out.result->result_code, 49);
    EXPECT_FALSE(out.killed);
    // One negotiation and no bad rows: gofaxip's rule writes no fallback entry.
    EXPECT_FALSE(out.fallback_active);
    EXPECT_FALSE(out.fallback_written);
    EXPECT_EQ(sim.api("db", "exists/fallback/4930888"), "false");
}

TEST_F(SendRunTest, FallbackEntryAndDbOverridesAreApplied) {
    SimSwitch sim(m_dir, k_scenario);
    ASSERT_EQ(sim.api("db", "insert/fallback/4930123456/1700000000"), "+OK");
    ASSERT_EQ(sim.api("db", "insert/override-4930123456/fax_ident/OVERRIDDEN"), "+OK");
    Calls calls;
    auto req = request("4930123456", {"gw1"});
    req.softmodem_fallback = true;
    req.t38 = true;
    req.t38_request = true;
    const SendOutcome out = fax::fax::run_send(sim.client(), req, calls);
    EXPECT_EQ(out.status, SendStatus::sent) << out.reason;
    EXPECT_TRUE(out.fallback_active);
    EXPECT_FALSE(out.fallback_written);
    ASSERT_TRUE(out.negotiation);
    EXPECT_EQ(out.negotiation->t38_status, fax::fax::T38Status::off);  // T.38 turned off by the entry
    EXPECT_EQ(out.negotiation->local_station_id, "OVERRIDDEN");    // the db value beats req.ident
    EXPECT_EQ(out.overrides, (std::vector<std::pair<std::string, std::string>>{{"fax_ident", "OVERRIDDEN"}}));
    EXPECT_EQ(calls.notes, std::vector<std::string>{"softmodem fallback entry for 4930123456: T.38 off"});
    // Without the entry the same request negotiates T.38.
    ASSERT_EQ(sim.api("db", "delete/fallback/4930123456"), "+OK");
    const SendOutcome t38 = fax::fax::run_send(sim.client(), req, calls);
    EXPECT_EQ(t38.status, SendStatus::sent) << t38.reason;
    EXPECT_FALSE(t38.fallback_active);
    ASSERT_TRUE(t38.negotiation);
    EXPECT_EQ(t38.negotiation->t38_status, fax::fax::T38Status::negotiated);
}

}  // namespace
