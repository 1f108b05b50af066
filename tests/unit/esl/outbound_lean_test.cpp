// The memory-lean side of the outbound-socket server (fax-recv holds
// thousands of calls open): Connection::set_lean reading (no buffer while
// idle, one shared read buffer) and OutboundSession::drop_channel_data.
// The test plays FreeSWITCH on a loopback socket.

#include <sys/resource.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/loop.hpp"
#include "esl/outbound_server.hpp"
#include "support/fake_peer.hpp"

namespace {

using namespace std::chrono_literals;
using fax::core::Loop;
using fax::esl::Event;
using fax::esl::OutboundConfig;
using fax::esl::OutboundServer;
using fax::esl::OutboundSession;
using faxkit_test::LoopGuard;
using faxkit_test::plain_event;

constexpr std::string_view k_uuid = "7d0e2a7c-1111-4c2e-9a57-0b1f7f7f0001";

std::string connect_reply() {
    return "Event-Name: CHANNEL_DATA\nUnique-ID: 7d0e2a7c-1111-4c2e-9a57-0b1f7f7f0001\n"
           "Caller-Caller-ID-Number: 5551234\nvariable_sip_to_user: 5550100\n"
           "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n";
}

double cpu_seconds() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

OutboundConfig config() {
    OutboundConfig c;
    c.port = 0;
    c.connect_timeout = 3000ms;
    c.reply_timeout = 3000ms;
    c.idle_timeout = 5000ms;
    c.hangup_timeout = 3000ms;
    return c;
}

// Events bigger than the 64 KiB read buffer, and events cut at every kind of
// place (inside a header, between header block and body, byte by byte), all
// arrive whole and in order; the channel data can be dropped while the uuid stays.
TEST(OutboundLeanTest, LargeAndSplitEventsArriveWholeAndChannelDataCanBeDropped) {
    Loop loop;
    LoopGuard guard(loop);
    std::shared_ptr<OutboundSession> session;
    std::string caller_before_drop;
    std::size_t headers_after_drop = 99;
    std::vector<std::string> seen;  // "<name> <size of variable_big>"
    bool closed = false;

    OutboundServer server(loop, config(), [&](std::shared_ptr<OutboundSession> s) {
        session = s;
        caller_before_drop = std::string(s->channel_data().get("Caller-Caller-ID-Number"));
        s->drop_channel_data();
        headers_after_drop = s->channel_data().headers().size();
        s->on_event([&](const Event& e) {
            seen.push_back(std::string(e.name()) + " " + std::to_string(e.get("variable_big").size()) + " " +
                           std::string(e.get("variable_tail")));
        });
        s->on_close([&](const fax::core::Error&) {
            closed = true;
            loop.stop();
        });
    });
    ASSERT_TRUE(server.listen());

    const std::string big(200000, 'x');  // three full reads and a partial one
    const std::string e1 = plain_event({{"Event-Name", "CHANNEL_EXECUTE"}, {"variable_big", big}, {"variable_tail", "one"}});
    const std::string e2 = plain_event({{"Event-Name", "CHANNEL_EXECUTE_COMPLETE"}, {"variable_tail", "two"}});
    const std::string e3 = plain_event({{"Event-Name", "CHANNEL_HANGUP"}, {"variable_big", big.substr(0, 70000)},
                                        {"variable_tail", "three"}});
    const std::string e4 = plain_event({{"Event-Name", "CHANNEL_HANGUP_COMPLETE"}, {"variable_tail", "four"}});
    bool server_closed = false;
    std::jthread freeswitch([&, port = server.port()] {
        auto p = faxkit_test::connect_to(port);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->read_message().value_or("<none>"), "connect\n\n");
        p->send(connect_reply());
        p->send(e1);
        const std::size_t body_at = e2.find("\n\n") + 2;
        p->send(e2.substr(0, 10));  // inside the first header
        p->send(e2.substr(10, body_at - 10));  // up to the body
        for (std::size_t i = body_at; i < e2.size(); ++i) {
            p->send(e2.substr(i, 1));
        }
        p->send(e3 + e4.substr(0, 5));
        p->send(e4.substr(5));
        server_closed = p->wait_eof();
    });
    loop.run();
    freeswitch.join();

    ASSERT_TRUE(session);
    EXPECT_EQ(caller_before_drop, "5551234");
    EXPECT_EQ(headers_after_drop, 0U);
    EXPECT_EQ(session->uuid(), k_uuid);
    EXPECT_EQ(seen, (std::vector<std::string>{"CHANNEL_EXECUTE 200000 one", "CHANNEL_EXECUTE_COMPLETE 0 two",
                                              "CHANNEL_HANGUP 70000 three", "CHANNEL_HANGUP_COMPLETE 0 four"}));
    EXPECT_TRUE(closed);
    EXPECT_TRUE(server_closed);
}

// A peer that goes away in the middle of a message ends the session (not a hang).
TEST(OutboundLeanTest, CloseInTheMiddleOfAMessageEndsTheSession) {
    Loop loop;
    LoopGuard guard(loop);
    std::optional<fax::core::Error> why;
    int events = 0;
    OutboundServer server(loop, config(), [&](std::shared_ptr<OutboundSession> s) {
        s->on_event([&](const Event&) { ++events; });
        s->on_close([&](const fax::core::Error& e) {
            why = e;
            loop.stop();
        });
    });
    ASSERT_TRUE(server.listen());
    std::jthread freeswitch([&, port = server.port()] {
        auto p = faxkit_test::connect_to(port);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->read_message().value_or("<none>"), "connect\n\n");
        p->send(connect_reply());
        const std::string e = plain_event({{"Event-Name", "CHANNEL_EXECUTE"}, {"variable_tail", "cut"}});
        p->send(e.substr(0, e.size() - 3));
        p->close();
    });
    loop.run();
    freeswitch.join();
    ASSERT_TRUE(why.has_value());
    EXPECT_EQ(why->code, fax::core::Errc::unavailable);
    EXPECT_NE(why->message.find("in the middle of a message"), std::string::npos) << why->message;
    EXPECT_EQ(events, 0);
}

// Out of descriptors, accept() fails at once for as long as the connection
// waits: the server must try again later, not spin, and take the call once
// descriptors are free again.
TEST(OutboundLeanTest, OutOfDescriptorsAcceptWaitsInsteadOfSpinning) {
    Loop loop;
    LoopGuard guard(loop);
    int sessions = 0;
    std::vector<fax::core::Error> failures;
    OutboundServer server(
        loop, config(),
        [&](std::shared_ptr<OutboundSession>) {
            ++sessions;
            loop.stop();
        },
        [&](const fax::core::Error& e) { failures.push_back(e); });
    ASSERT_TRUE(server.listen());
    auto peer = faxkit_test::connect_to(server.port());  // waits in the backlog
    ASSERT_TRUE(peer);

    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    const int probe = ::dup(0);
    ASSERT_GE(probe, 0);
    ::close(probe);
    rlimit low = saved;
    low.rlim_cur = static_cast<rlim_t>(probe) + 8;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
    std::vector<int> fillers;
    for (int fd = ::dup(0); fd >= 0; fd = ::dup(0)) {
        fillers.push_back(fd);
    }
    loop.after(300ms, [&] {
        for (int fd : fillers) {
            ::close(fd);
        }
        fillers.clear();
    });
    std::jthread freeswitch([&] {
        EXPECT_EQ(peer->read_message(5000ms).value_or("<none>"), "connect\n\n");
        peer->send(connect_reply());
    });
    const double cpu_before = cpu_seconds();
    loop.run();
    const double cpu_used = cpu_seconds() - cpu_before;
    freeswitch.join();
    for (int fd : fillers) {
        ::close(fd);
    }
    ::setrlimit(RLIMIT_NOFILE, &saved);

    EXPECT_EQ(sessions, 1) << "the waiting call is taken once descriptors are free";
    EXPECT_LT(cpu_used, 0.05) << "300 ms out of descriptors must not be spent spinning";
    ASSERT_FALSE(failures.empty());
    EXPECT_LE(failures.size(), 10U) << "about one attempt per 100 ms, not a spin";
    EXPECT_EQ(failures.front().code, fax::core::Errc::temporary);
    EXPECT_NE(failures.front().message.find("cannot accept a call"), std::string::npos) << failures.front().message;
}

}  // namespace
