// fax::esl::OutboundServer / OutboundSession. The test plays FreeSWITCH's
// `socket … async full` application on a loopback socket, with the real
// bytes of tests/fixtures/esl/outbound-session.jsonl.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/loop.hpp"
#include "esl/command.hpp"
#include "esl/outbound_server.hpp"
#include "support/capture.hpp"
#include "support/fake_peer.hpp"
#include "support/printers.hpp"

namespace {

using namespace std::chrono_literals;
using fax::core::Errc;
using fax::core::Loop;
using fax::core::Result;
using fax::esl::Event;
using fax::esl::OutboundConfig;
using fax::esl::OutboundServer;
using fax::esl::OutboundSession;
using fax::esl::Reply;
using faxkit_test::Clock;
using faxkit_test::LoopGuard;
using faxkit_test::reply;
using Strings = std::vector<std::string>;

constexpr std::string_view k_channel = "652a93ed-094b-4cd4-9580-a2b2a5620a2c";

/// The captured outbound session.
struct Capture {
    std::string connect_reply;             // FreeSWITCH's first chunk: the CHANNEL_DATA block
    std::vector<nlohmann::json> messages;  // the oracle's view of every FS->C message
};

const Capture& capture() {
    static const Capture c = [] {
        Capture out;
        const auto chunks = faxkit_test::chunks_of(faxkit_test::load_capture("outbound-session"), "FS->C");
        out.connect_reply = chunks.at(0);
        for (const auto& m : faxkit_test::load_expected("outbound-session.json")) {
            out.messages.push_back(m);
        }
        return out;
    }();
    return c;
}

std::string event_header(const nlohmann::json& m, const std::string& name) {
    for (const auto& p : m.value("event_headers", nlohmann::json::array())) {
        if (p[0] == name) {
            return p[1];
        }
    }
    return {};
}

/// The wire bytes of the captured event \a name (and \a app, if given), with
/// its Application-UUID replaced by \a app_uuid (when not empty).
std::string captured_event(const std::string& name, const std::string& app = {}, const std::string& app_uuid = {}) {
    for (const auto& m : capture().messages) {
        if (event_header(m, "Event-Name") != name || (!app.empty() && event_header(m, "Application") != app)) {
            continue;
        }
        std::string body = faxkit_test::base64_decode(m["body"].get<std::string>());
        if (!app_uuid.empty()) {
            const std::string old = "Application-UUID: " + event_header(m, "Application-UUID") + "\n";
            const auto at = body.find(old);
            EXPECT_NE(at, std::string::npos);
            body.replace(at, old.size(), "Application-UUID: " + app_uuid + "\n");
        }
        return "Content-Length: " + std::to_string(body.size()) + "\nContent-Type: text/event-plain\n\n" + body;
    }
    ADD_FAILURE() << "no captured " << name << " " << app;
    return {};
}

/// The captured linger notice (Content-Length 0).
std::string linger_notice() {
    for (const auto& m : capture().messages) {
        std::string wire;
        bool linger = false;
        for (const auto& h : m["headers"]) {
            wire += h[0].get<std::string>() + ": " + h[1].get<std::string>() + "\n";
            linger = linger || (h[0] == "Content-Disposition" && h[1] == "linger");
        }
        if (linger) {
            return wire + "\n";
        }
    }
    ADD_FAILURE() << "no linger notice in the capture";
    return {};
}

OutboundConfig config() {
    OutboundConfig c;
    c.host = "127.0.0.1";
    c.port = 0;
    c.connect_timeout = 3000ms;
    c.reply_timeout = 3000ms;
    c.idle_timeout = 5000ms;
    c.hangup_timeout = 3000ms;
    return c;
}

TEST(OutboundServerTest, CallControlSessionFromConnectToHangup) {
    ASSERT_TRUE(capture().connect_reply.ends_with("Control: full\n\n"));
    Loop loop;
    LoopGuard guard(loop);

    std::shared_ptr<OutboundSession> session;
    std::optional<Result<Reply>> subscribed;
    Strings completions;  // "<Application> <Application-UUID>" in completion order
    Strings events;       // Event-Name of every event handed to on_event
    std::optional<fax::core::Error> closed;
    int close_calls = 0;

    OutboundServer server(loop, config(), [&](std::shared_ptr<OutboundSession> s) {
        session = s;
        s->on_event([&](const Event& ev) { events.emplace_back(ev.name()); });
        s->on_close([&](const fax::core::Error& why) {
            ++close_calls;
            closed = why;
            loop.stop();
        });
        s->subscribe_call_events({"spandsp::rxfaxresult"}, [&, s](Result<Reply> r) {
            subscribed.emplace(std::move(r));
            auto record = [&](Result<const Event*> ev) {
                completions.push_back(ev ? std::string((*ev)->get("Application")) + " " +
                                               std::string((*ev)->get("Application-UUID"))
                                         : "error " + ev.error().message);
            };
            s->execute("answer", "", record);
            s->execute("rxfax", "/tmp/rx.tif", record);
        });
    });
    ASSERT_TRUE(server.listen());
    ASSERT_NE(server.port(), 0);

    Strings commands;
    std::string uuid_answer;
    std::string uuid_rxfax;
    bool server_closed = false;
    std::jthread freeswitch([&, port = server.port()] {
        auto p = faxkit_test::connect_to(port);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->read_message().value_or("<none>"), "connect\n\n");
        p->send(capture().connect_reply);
        for (const auto& answer : {"+OK Events Enabled", "+OK event listener enabled plain", "+OK will linger"}) {
            commands.push_back(p->read_message().value_or("<none>"));
            p->send(reply(answer));
        }
        const std::string answer_cmd = p->read_message().value_or("<none>");
        const std::string rxfax_cmd = p->read_message().value_or("<none>");
        commands.push_back(answer_cmd);
        commands.push_back(rxfax_cmd);
        uuid_answer = faxkit_test::header_of(answer_cmd, "Event-UUID");
        uuid_rxfax = faxkit_test::header_of(rxfax_cmd, "Event-UUID");
        p->send(reply("+OK") + reply("+OK"));
        // The rxfax completion comes before the answer completion; the socket
        // app's own completion (another Application-UUID) is mixed in.
        p->send(captured_event("CHANNEL_EXECUTE", "answer", uuid_answer) +
                captured_event("CHANNEL_EXECUTE", "rxfax", uuid_rxfax) +
                captured_event("CHANNEL_EXECUTE_COMPLETE", "socket") +
                captured_event("CHANNEL_EXECUTE_COMPLETE", "rxfax", uuid_rxfax));
        p->send(captured_event("CHANNEL_EXECUTE_COMPLETE", "answer", uuid_answer) + captured_event("CHANNEL_HANGUP") +
                linger_notice());
        p->send(captured_event("CHANNEL_HANGUP_COMPLETE"));
        server_closed = p->wait_eof();
    });
    loop.run();
    freeswitch.join();

    ASSERT_TRUE(session);
    EXPECT_EQ(session->uuid(), k_channel);
    const Event& data = session->channel_data();
    EXPECT_EQ(data.unique_id(), k_channel);
    EXPECT_EQ(data.get("Reply-Text"), "+OK\n");
    EXPECT_EQ(data.get("Caller-Callee-ID-Name"), "Outbound Call");  // URL-decoded
    EXPECT_EQ(data.get("Channel-Name"), "loopback/socket-b");
    EXPECT_EQ(data.name(), "CHANNEL_DATA");

    ASSERT_EQ(commands.size(), 5U);
    EXPECT_EQ(commands[0], "myevents\n\n");
    EXPECT_EQ(commands[1], "event plain CUSTOM spandsp::rxfaxresult\n\n");
    EXPECT_EQ(commands[2], "linger\n\n");
    EXPECT_THAT(commands[3], ::testing::StartsWith("sendmsg\ncall-command: execute\nexecute-app-name: answer\n"));
    EXPECT_THAT(commands[4],
                ::testing::StartsWith(
                    "sendmsg\ncall-command: execute\nexecute-app-name: rxfax\nexecute-app-arg: /tmp/rx.tif\n"));
    for (const auto& c : {commands[3], commands[4]}) {
        EXPECT_EQ(faxkit_test::header_of(c, "event-lock"), "true");
    }
    EXPECT_EQ(uuid_answer.size(), 36U);
    EXPECT_EQ(uuid_rxfax.size(), 36U);
    EXPECT_NE(uuid_answer, uuid_rxfax);

    ASSERT_TRUE(subscribed.has_value());
    ASSERT_TRUE(*subscribed) << subscribed->error().message;
    EXPECT_EQ((*subscribed)->text, "+OK will linger");

    EXPECT_EQ(completions, (Strings{"rxfax " + uuid_rxfax, "answer " + uuid_answer}));
    EXPECT_EQ(events,
              (Strings{"CHANNEL_EXECUTE", "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_EXECUTE_COMPLETE",
                       "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE"}));
    EXPECT_TRUE(session->hung_up());
    EXPECT_EQ(close_calls, 1);
    EXPECT_TRUE(server_closed) << "the server closes the socket after CHANNEL_HANGUP_COMPLETE";
}

TEST(OutboundServerTest, IdleSessionIsClosed) {
    Loop loop;
    LoopGuard guard(loop);
    auto cfg = config();
    cfg.idle_timeout = 200ms;
    std::optional<fax::core::Error> closed;
    OutboundServer server(loop, cfg, [&](std::shared_ptr<OutboundSession> s) {
        s->on_close([&, s](const fax::core::Error& why) {
            closed = why;
            loop.stop();
        });
    });
    ASSERT_TRUE(server.listen());

    bool server_closed = false;
    Clock::duration silent_for{};
    std::jthread freeswitch([&, port = server.port()] {
        auto p = faxkit_test::connect_to(port);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->read_message().value_or("<none>"), "connect\n\n");
        p->send(capture().connect_reply);
        const auto t0 = Clock::now();
        server_closed = p->wait_eof();  // then say nothing at all
        silent_for = Clock::now() - t0;
    });
    loop.run();
    freeswitch.join();

    EXPECT_TRUE(server_closed);
    EXPECT_GE(silent_for, 150ms);
    EXPECT_LT(silent_for, 3000ms);
    ASSERT_TRUE(closed.has_value());
    EXPECT_EQ(closed->code, Errc::temporary);
}

TEST(OutboundServerTest, RefusedConnectIsAFailureNotASession) {
    Loop loop;
    LoopGuard guard(loop);
    bool got_session = false;
    std::optional<fax::core::Error> failure;
    OutboundServer server(
        loop, config(), [&](std::shared_ptr<OutboundSession>) { got_session = true; },
        [&](const fax::core::Error& e) {
            failure = e;
            loop.stop();
        });
    ASSERT_TRUE(server.listen());
    bool server_closed = false;
    std::jthread freeswitch([&, port = server.port()] {
        auto p = faxkit_test::connect_to(port);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->read_message().value_or("<none>"), "connect\n\n");
        p->send(reply("-ERR command not found"));
        server_closed = p->wait_eof();
    });
    loop.run();
    freeswitch.join();

    EXPECT_FALSE(got_session);
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->code, Errc::protocol);
    EXPECT_TRUE(server_closed);
}

TEST(OutboundServerTest, ExecuteFailsWhenTheSessionEnds) {
    Loop loop;
    LoopGuard guard(loop);
    std::optional<Result<const Event*>> result;
    OutboundServer server(loop, config(), [&](std::shared_ptr<OutboundSession> s) {
        s->on_close([&, s](const fax::core::Error&) { loop.stop(); });
        s->execute("rxfax", "/tmp/rx.tif", [&](Result<const Event*> r) {
            result.emplace(r ? Result<const Event*>(nullptr) : Result<const Event*>(r.error()));
        });
    });
    ASSERT_TRUE(server.listen());
    std::jthread freeswitch([&, port = server.port()] {
        auto p = faxkit_test::connect_to(port);
        ASSERT_TRUE(p);
        (void)p->read_message();
        p->send(capture().connect_reply);
        (void)p->read_message();  // the sendmsg
        p->send(reply("+OK"));
        p->close();  // the channel goes away: no CHANNEL_EXECUTE_COMPLETE ever
    });
    loop.run();
    freeswitch.join();

    ASSERT_TRUE(result.has_value());
    ASSERT_FALSE(*result);
    EXPECT_EQ(result->error().code, Errc::unavailable);
}

TEST(OutboundServerTest, ReplyDueAtHangupCompleteIsAwaitedBeforeClosing) {
    // An api command sent just before the hangup (fax-recv's softmodem fallback
    // entry after the fax result) is answered after CHANNEL_HANGUP_COMPLETE
    // while FreeSWITCH lingers: the session waits for that reply, then closes.
    Loop loop;
    LoopGuard guard(loop);
    Strings seen;
    OutboundServer server(loop, config(), [&](std::shared_ptr<OutboundSession> s) {
        s->on_close([&, s](const fax::core::Error&) {
            seen.emplace_back("closed");
            loop.stop();
        });
        auto cmd = fax::esl::cmd::api("db insert/fallback/5551234/1795456577");
        ASSERT_TRUE(cmd);
        s->command(std::move(*cmd), [&](Result<Reply> r) { seen.push_back(r ? "reply " + r->text : "error"); });
    });
    ASSERT_TRUE(server.listen());
    bool server_closed = false;
    std::string api_cmd;
    std::jthread freeswitch([&, port = server.port()] {
        auto p = faxkit_test::connect_to(port);
        ASSERT_TRUE(p);
        (void)p->read_message();
        p->send(capture().connect_reply);
        api_cmd = p->read_message().value_or("<none>");
        p->send(captured_event("CHANNEL_HANGUP_COMPLETE"));
        p->send("Content-Type: api/response\nContent-Length: 4\n\n+OK\n");
        server_closed = p->wait_eof();
    });
    loop.run();
    freeswitch.join();

    EXPECT_EQ(api_cmd, "api db insert/fallback/5551234/1795456577\n\n");
    EXPECT_EQ(seen, (Strings{"reply +OK\n", "closed"}));
    EXPECT_TRUE(server_closed);
}

}  // namespace
