// fax-sim's incoming call (FreeSWITCH's `socket … async full`) against the
// library's own outbound-socket server (lib/esl/outbound_server, what
// fax-recv runs): connect, channel data, subscriptions, answer, rxfax with a
// real spandsp exchange, the events, hangup and close.

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/loop.hpp"
#include "esl/command.hpp"
#include "esl/outbound_server.hpp"
#include "fax/switch.hpp"
#include "support/temp_dir.hpp"
#include "tiff/bitmap.hpp"
#include "tiff/test_document.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Tmp {
    faxkit_test::TempDir tmp{"socket-call"};
    fs::path dir = tmp.dir();
};

struct Seen {
    std::vector<std::string> events;  // "NAME" or subclass for CUSTOM
    std::string channel_to_user;
    std::string diversion;
    std::string rx_result_text;
    std::string rx_pages;
    bool closed = false;
};

// Runs one call: fax-sim sends \a pages pages; the server answers and receives.
Seen run_call(const Tmp& tmp, int pages, bool t38, fax::fax::IncomingCallResult* out) {
    fax::core::Loop loop;
    const auto doc = (tmp.dir / "doc.tif").string();
    fax::tiff::TestDocumentOptions o;
    o.pages = pages;
    EXPECT_TRUE(fax::tiff::write_test_document(doc, o));
    const auto rx = (tmp.dir / "rx.tif").string();

    Seen seen;
    fax::esl::OutboundConfig oc;
    oc.port = 0;
    fax::esl::OutboundServer server(loop, oc, [&](std::shared_ptr<fax::esl::OutboundSession> s) {
        seen.channel_to_user = std::string(s->channel_data().get("variable_sip_to_user"));
        seen.diversion = std::string(s->channel_data().get("variable_sip_h_Diversion"));
        s->on_event([&](const fax::esl::Event& e) {
            seen.events.push_back(std::string(e.name() == "CUSTOM" ? e.subclass() : e.name()));
            if (e.subclass() == "spandsp::rxfaxresult") {
                seen.rx_result_text = std::string(e.get("fax-result-text"));
                seen.rx_pages = std::string(e.get("fax-document-transferred-pages"));
            }
        });
        s->on_close([&](const fax::core::Error&) { seen.closed = true; });
        s->subscribe_call_events({"spandsp::rxfaxnegociateresult", "spandsp::rxfaxpageresult", "spandsp::rxfaxresult"},
                                 [s, rx](fax::core::Result<fax::esl::Reply> r) {
                                     ASSERT_TRUE(r) << r.error().message;
                                     s->execute("answer", "", [](auto) {});
                                     s->execute("set", "fax_ident=FAXKIT TEST", [](auto) {});
                                     s->execute("rxfax", rx, [](auto) {});
                                 });
    });
    EXPECT_TRUE(server.listen());

    fax::fax::SwitchConfig sc;
    sc.received_dir = (tmp.dir / "received").string();
    fax::fax::Switch sw(loop, sc);
    EXPECT_TRUE(sw.start(false));
    fax::fax::IncomingCallOptions call;
    call.port = server.port();
    call.to = "4930555000";
    call.from = "4930123456";
    call.file = doc;
    call.t38 = t38;
    call.diversion = "4930555999";
    bool done = false;
    sw.call(call, [&](fax::core::Result<fax::fax::IncomingCallResult> r) {
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        if (r && out != nullptr) {
            *out = *r;
        }
        done = true;
    });
    // Run until the call ended and the server saw the connection close.
    std::function<void()> poll = [&] {
        if (done && seen.closed) {
            loop.stop();
            return;
        }
        loop.after(5ms, poll);
    };
    loop.after(5ms, poll);
    loop.after(20s, [&] {
        ADD_FAILURE() << "call did not finish";
        loop.stop();
    });
    loop.run();
    EXPECT_TRUE(done);
    EXPECT_TRUE(seen.closed);
    return seen;
}

void expect_same_document(const Tmp& tmp) {
    auto sent = fax::tiff::read_pages((tmp.dir / "doc.tif").string());
    auto got = fax::tiff::read_pages((tmp.dir / "rx.tif").string());
    ASSERT_TRUE(sent) << sent.error().message;
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_EQ(got->size(), sent->size());
    const auto diff = fax::tiff::first_difference(*sent, *got);
    EXPECT_FALSE(diff.has_value()) << "received document differs: " << (diff ? fax::tiff::describe(*diff) : "");
}

TEST(FaxSocketCallTest, ThreePagesOverG711ArriveIdentical) {
    Tmp tmp;
    fax::fax::IncomingCallResult result;
    const Seen seen = run_call(tmp, 3, false, &result);
    EXPECT_EQ(seen.channel_to_user, "4930555000");
    EXPECT_EQ(seen.diversion, "<sip:4930555999@127.0.0.1>;reason=unconditional");
    EXPECT_EQ(seen.rx_result_text, "OK");
    EXPECT_EQ(seen.rx_pages, "3");
    ASSERT_TRUE(result.receiver);
    EXPECT_TRUE(result.receiver->success);
    EXPECT_EQ(result.receiver->pages_transferred, 3);
    EXPECT_EQ(result.receiver->local_station_id, "FAXKIT TEST");
    EXPECT_EQ(result.hangup_cause, "NORMAL_CLEARING");
    // The order FreeSWITCH delivers on such a socket (outbound-session-2-custom-events).
    const std::vector<std::string> want_prefix = {"CHANNEL_EXECUTE", "CHANNEL_ANSWER", "CHANNEL_EXECUTE_COMPLETE"};
    ASSERT_GE(seen.events.size(), want_prefix.size());
    EXPECT_EQ(std::vector<std::string>(seen.events.begin(), seen.events.begin() + 3), want_prefix);
    auto count = [&](std::string_view name) { return std::count(seen.events.begin(), seen.events.end(), name); };
    EXPECT_EQ(count("spandsp::rxfaxnegociateresult"), 1);
    EXPECT_EQ(count("spandsp::rxfaxpageresult"), 3);
    EXPECT_EQ(count("spandsp::rxfaxresult"), 1);
    EXPECT_EQ(count("CHANNEL_HANGUP_COMPLETE"), 1);
    expect_same_document(tmp);
}

TEST(FaxSocketCallTest, T38CallArrivesIdentical) {
    Tmp tmp;
    fax::fax::IncomingCallResult result;
    const Seen seen = run_call(tmp, 2, true, &result);
    ASSERT_TRUE(result.receiver);
    EXPECT_TRUE(result.receiver->success);
    EXPECT_EQ(result.receiver->t38_status, fax::fax::T38Status::negotiated);
    expect_same_document(tmp);
}

// Many calls at once on one event loop: every fax arrives, none is mixed up.
TEST(FaxSocketCallTest, FiftyParallelCallsAllArrive) {
    Tmp tmp;
    fax::core::Loop loop;
    const auto doc = (tmp.dir / "doc.tif").string();
    fax::tiff::TestDocumentOptions o;
    o.pages = 1;
    o.text_lines = 4;
    ASSERT_TRUE(fax::tiff::write_test_document(doc, o));
    int sessions = 0;
    std::size_t peak = 0;
    fax::fax::Switch* swp = nullptr;
    fax::esl::OutboundConfig oc;
    oc.port = 0;
    fax::esl::OutboundServer server(loop, oc, [&](std::shared_ptr<fax::esl::OutboundSession> s) {
        ++sessions;
        peak = std::max(peak, swp->channel_count());
        const auto rx = (tmp.dir / (std::string(s->uuid()) + ".tif")).string();
        s->subscribe_call_events({"spandsp::rxfaxresult"}, [s, rx](fax::core::Result<fax::esl::Reply> r) {
            ASSERT_TRUE(r);
            s->execute("answer", "", [](auto) {});
            s->execute("rxfax", rx, [](auto) {});
        });
    });
    ASSERT_TRUE(server.listen());
    fax::fax::SwitchConfig sc;
    fax::fax::Switch sw(loop, sc);
    swp = &sw;
    ASSERT_TRUE(sw.start(false));
    constexpr int k_calls = 50;
    int ok = 0;
    int ended = 0;
    std::vector<std::string> uuids;
    for (int i = 0; i < k_calls; ++i) {
        fax::fax::IncomingCallOptions call;
        call.port = server.port();
        call.to = "4930555000";
        call.from = "49301" + std::to_string(1000 + i);
        call.file = doc;
        sw.call(call, [&](fax::core::Result<fax::fax::IncomingCallResult> r) {
            ++ended;
            if (r && r->receiver && r->receiver->success && r->receiver->pages_transferred == 1 &&
                r->receiver->remote_station_id == "49301" + r->receiver->remote_station_id.substr(5)) {
                ++ok;
                uuids.push_back(r->uuid);
            }
            if (ended == k_calls) {
                loop.after(50ms, [&] { loop.stop(); });
            }
        });
    }
    loop.after(60s, [&] {
        ADD_FAILURE() << "calls did not finish";
        loop.stop();
    });
    loop.run();
    EXPECT_EQ(peak, static_cast<std::size_t>(k_calls)) << "the calls were not all up at once";
    EXPECT_EQ(sessions, k_calls);
    EXPECT_EQ(ok, k_calls);
    for (const auto& uuid : uuids) {
        auto d = fax::tiff::compare_files(doc, (tmp.dir / (uuid + ".tif")).string());
        ASSERT_TRUE(d) << d.error().message;
        EXPECT_FALSE(d->has_value()) << uuid;
    }
}

}  // namespace
