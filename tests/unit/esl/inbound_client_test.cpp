// fax::esl::InboundClient against a scripted fake FreeSWITCH on a loopback
// socket (a std::jthread with blocking sockets and deadlines). The client
// runs on core::Loop on the test thread; a LoopGuard fails a stuck test.

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/loop.hpp"
#include "esl/inbound_client.hpp"
#include "support/fake_peer.hpp"
#include "support/printers.hpp"

namespace {

using namespace std::chrono_literals;
using fax::core::Errc;
using fax::core::Loop;
using fax::core::Result;
using fax::esl::ClientConfig;
using fax::esl::ConnectionState;
using fax::esl::Event;
using fax::esl::EventFormat;
using fax::esl::InboundClient;
using fax::esl::Reply;
using faxkit_test::api_response;
using faxkit_test::Clock;
using faxkit_test::k_auth_request;
using faxkit_test::k_goodbye;
using faxkit_test::Listener;
using faxkit_test::LoopGuard;
using faxkit_test::plain_event;
using faxkit_test::reply;
using Strings = std::vector<std::string>;

ClientConfig config_for(std::uint16_t port) {
    ClientConfig c;
    c.host = "127.0.0.1";
    c.port = port;
    c.timeout = 3000ms;
    c.backoff_initial = 10ms;
    c.backoff_max = 40ms;
    return c;
}

std::string event_of(std::string name, std::string seq) {
    return plain_event({{"Event-Name", name},
                        {"Core-UUID", "3e3f60f3-68c9-41e2-9c5f-0e95c318960a"},
                        {"Event-Sequence", seq},
                        {"Unique-ID", "652a93ed-094b-4cd4-9580-a2b2a5620a2c"}});
}

std::string background_job(const std::string& job, const std::string& body) {
    return plain_event({{"Event-Name", "BACKGROUND_JOB"},
                        {"Core-UUID", "3e3f60f3-68c9-41e2-9c5f-0e95c318960a"},
                        {"Event-Sequence", "900"},
                        {"Job-UUID", job},
                        {"Job-Owner-UUID", "_undef_"},
                        {"Job-Command", "originate"}},
                       body);
}

TEST(InboundClientTest, AuthenticatesThenAnswersApi) {
    Listener fs;
    Strings received;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        received.push_back(p->read_message().value_or("<none>"));
        p->send(reply("+OK accepted"));
        received.push_back(p->read_message().value_or("<none>"));
        p->send(api_response("UP 0 years, 0 days\n"));
        EXPECT_TRUE(p->wait_eof()) << "the client closes after stop()";
    });

    Loop loop;
    LoopGuard guard(loop);
    auto cfg = config_for(fs.port());
    cfg.password = "s3cret pw";
    InboundClient client(loop, cfg);
    std::vector<ConnectionState> states;
    client.on_state([&](const ConnectionState& s) { states.push_back(s); });
    std::optional<Result<Reply>> answer;
    client.api("status", [&](Result<Reply> r) {
        answer.emplace(std::move(r));
        client.stop();
        loop.stop();
    });
    client.start();
    loop.run();
    fake.join();

    ASSERT_TRUE(answer.has_value());
    ASSERT_TRUE(*answer) << answer->error().message;
    EXPECT_EQ((*answer)->text, "UP 0 years, 0 days\n");
    EXPECT_TRUE((*answer)->ok());
    EXPECT_EQ(received, (Strings{"auth s3cret pw\n\n", "api status\n\n"}));
    ASSERT_GE(states.size(), 1U);
    EXPECT_TRUE(states[0].connected);
    EXPECT_EQ(states[0].attempt, 1U);
}

TEST(InboundClientTest, WrongPasswordIsPermissionAndFinal) {
    Listener fs;
    std::string auth;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        auth = p->read_message().value_or("<none>");
        p->send(reply("-ERR invalid") + k_goodbye);
        p->close();
        EXPECT_FALSE(fs.accept(500ms)) << "no reconnect after a refused password";
    });

    Loop loop;
    LoopGuard guard(loop);
    auto cfg = config_for(fs.port());
    cfg.reconnect = true;
    cfg.password = "wrong";
    InboundClient client(loop, cfg);
    std::vector<ConnectionState> states;
    client.on_state([&](const ConnectionState& s) {
        states.push_back(s);
        if (!s.connected) {
            loop.after(700ms, [&] { loop.stop(); });  // long enough to see a reconnect attempt
        }
    });
    std::optional<Result<Reply>> queued;
    client.api("status", [&](Result<Reply> r) { queued.emplace(std::move(r)); });
    client.start();
    loop.run();
    fake.join();

    EXPECT_EQ(auth, "auth wrong\n\n");
    ASSERT_EQ(states.size(), 1U);
    EXPECT_FALSE(states[0].connected);
    EXPECT_EQ(states[0].error.code, Errc::permission);
    EXPECT_EQ(states[0].retry_in_ms, -1);
    ASSERT_TRUE(queued.has_value()) << "a command queued before the connection is answered";
    ASSERT_FALSE(*queued);
    EXPECT_EQ(queued->error().code, Errc::permission);
}

TEST(InboundClientTest, RudeRejectionIsPermission) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(faxkit_test::k_rude + k_goodbye);
        p->close();
        EXPECT_FALSE(fs.accept(500ms)) << "no reconnect after an ACL rejection";
    });

    Loop loop;
    LoopGuard guard(loop);
    auto cfg = config_for(fs.port());
    cfg.reconnect = true;
    InboundClient client(loop, cfg);
    std::vector<ConnectionState> states;
    client.on_state([&](const ConnectionState& s) {
        states.push_back(s);
        if (!s.connected) {
            loop.after(700ms, [&] { loop.stop(); });
        }
    });
    client.start();
    loop.run();
    fake.join();

    ASSERT_EQ(states.size(), 1U);
    EXPECT_FALSE(states[0].connected);
    EXPECT_EQ(states[0].error.code, Errc::permission);
    EXPECT_THAT(states[0].error.message, ::testing::HasSubstr("Access Denied"));
    EXPECT_EQ(states[0].retry_in_ms, -1);
}

TEST(InboundClientTest, EventsBetweenCommandAndReplyKeepFifoOrder) {
    Listener fs;
    Strings received;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        received.push_back(p->read_message().value_or("<none>"));
        p->send(reply("+OK accepted"));
        received.push_back(p->read_message().value_or("<none>"));  // event plain ALL
        received.push_back(p->read_message().value_or("<none>"));  // api status
        p->send(event_of("CHANNEL_CREATE", "1") +
                "Content-Type: log/data\nContent-Length: 6\nLog-Level: 7\nText-Channel: 3\nUser-Data: \n\nlog!\n\n" +
                reply("+OK event listener enabled plain") + event_of("CHANNEL_ANSWER", "2"));
        p->send(event_of("CHANNEL_HANGUP", "3"));
        p->send(api_response("UP\n"));
        EXPECT_TRUE(p->wait_eof());
    });

    Loop loop;
    LoopGuard guard(loop);
    InboundClient client(loop, config_for(fs.port()));
    Strings seen;
    client.on_event([&](const Event& ev) { seen.push_back("event " + std::string(ev.name())); });
    client.subscribe(EventFormat::plain, {"ALL"}, [&](Result<Reply> r) {
        seen.push_back(r ? "reply " + r->text : "reply error " + r.error().message);
    });
    client.api("status", [&](Result<Reply> r) {
        seen.push_back(r ? "api " + r->text : "api error " + r.error().message);
        client.stop();
        loop.stop();
    });
    client.start();
    loop.run();
    fake.join();

    EXPECT_EQ(received, (Strings{"auth ClueCon\n\n", "event plain ALL\n\n", "api status\n\n"}));
    EXPECT_EQ(seen, (Strings{"event CHANNEL_CREATE", "reply +OK event listener enabled plain", "event CHANNEL_ANSWER",
                             "event CHANNEL_HANGUP", "api UP\n"}));
}

TEST(InboundClientTest, BgapiMatchesItsBackgroundJob) {
    Listener fs;
    Strings received;
    std::string job_a;
    std::string job_b;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        received.push_back(p->read_message().value_or("<none>"));
        p->send(reply("+OK accepted"));
        received.push_back(p->read_message().value_or("<none>"));
        p->send(reply("+OK event listener enabled plain"));
        const auto a = p->read_message().value_or("<none>");
        const auto b = p->read_message().value_or("<none>");
        received.push_back(a);
        received.push_back(b);
        job_a = faxkit_test::header_of(a, "Job-UUID");
        job_b = faxkit_test::header_of(b, "Job-UUID");
        p->send("Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + job_a + "\nJob-UUID: " + job_a + "\n\n");
        p->send("Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + job_b + "\nJob-UUID: " + job_b + "\n\n");
        // Another client's job first, then B's, then A's.
        p->send(background_job("c0ffee00-0000-4000-8000-000000000099", "-ERR other\n") +
                event_of("CHANNEL_CREATE", "7") + background_job(job_b, "+OK b\n\nsecond line\n"));
        p->send(background_job(job_a, "+OK a\n"));
        EXPECT_TRUE(p->wait_eof());
    });

    Loop loop;
    LoopGuard guard(loop);
    InboundClient client(loop, config_for(fs.port()));
    Strings order;
    std::optional<Result<Reply>> ra;
    std::optional<Result<Reply>> rb;
    auto done = [&] {
        if (ra && rb) {
            client.stop();
            loop.stop();
        }
    };
    client.bgapi("originate a", [&](Result<Reply> r) {
        order.push_back("a");
        ra.emplace(std::move(r));
        done();
    });
    client.bgapi("originate b", [&](Result<Reply> r) {
        order.push_back("b");
        rb.emplace(std::move(r));
        done();
    });
    client.start();
    loop.run();
    fake.join();

    ASSERT_EQ(received.size(), 4U);
    EXPECT_EQ(received[0], "auth ClueCon\n\n");
    EXPECT_EQ(received[1], "event plain BACKGROUND_JOB\n\n");
    EXPECT_EQ(received[2], "bgapi originate a\nJob-UUID: " + job_a + "\n\n");
    EXPECT_EQ(received[3], "bgapi originate b\nJob-UUID: " + job_b + "\n\n");
    EXPECT_EQ(job_a.size(), 36U);
    EXPECT_NE(job_a, job_b);
    EXPECT_EQ(order, (Strings{"b", "a"}));
    ASSERT_TRUE(ra && *ra);
    ASSERT_TRUE(rb && *rb);
    EXPECT_EQ((*ra)->text, "+OK a\n");
    EXPECT_EQ((*ra)->job_uuid, job_a);
    EXPECT_EQ((*rb)->text, "+OK b\n\nsecond line\n");
    EXPECT_EQ((*rb)->job_uuid, job_b);
}

TEST(InboundClientTest, ReconnectReplaysAuthSubscriptionsAndFilters) {
    Listener fs;
    std::vector<Strings> sessions;
    std::jthread fake([&] {
        for (int conn = 1; conn <= 2; ++conn) {
            auto p = fs.accept();
            ASSERT_TRUE(p) << "connection " << conn;
            p->send(k_auth_request);
            Strings got;
            got.push_back(p->read_message().value_or("<none>"));
            p->send(reply("+OK accepted"));
            got.push_back(p->read_message().value_or("<none>"));
            p->send(reply("+OK event listener enabled plain"));
            got.push_back(p->read_message().value_or("<none>"));
            p->send(reply("+OK filter added. [Unique-ID]=[652a93ed-094b-4cd4-9580-a2b2a5620a2c]"));
            if (conn == 2) {
                got.push_back(p->read_message().value_or("<none>"));
                p->send(api_response("UP\n"));
                EXPECT_TRUE(p->wait_eof());
            } else {
                p->close();  // abrupt: no goodbye
            }
            sessions.push_back(got);
        }
    });

    Loop loop;
    LoopGuard guard(loop);
    auto cfg = config_for(fs.port());
    cfg.reconnect = true;
    InboundClient client(loop, cfg);
    std::vector<ConnectionState> states;
    Strings first_replies;
    client.on_state([&](const ConnectionState& s) {
        states.push_back(s);
        if (s.connected && s.attempt == 2) {
            client.api("status", [&](Result<Reply>) {
                client.stop();
                loop.stop();
            });
        }
    });
    client.subscribe(EventFormat::plain, {"CHANNEL_HANGUP_COMPLETE", "CUSTOM", "spandsp::txfaxresult"},
                     [&](Result<Reply> r) { first_replies.push_back(r ? r->text : r.error().message); });
    client.add_filter("Unique-ID", "652a93ed-094b-4cd4-9580-a2b2a5620a2c",
                      [&](Result<Reply> r) { first_replies.push_back(r ? r->text : r.error().message); });
    client.start();
    loop.run();
    fake.join();

    const Strings session = {"auth ClueCon\n\n", "event plain CHANNEL_HANGUP_COMPLETE CUSTOM spandsp::txfaxresult\n\n",
                             "filter Unique-ID 652a93ed-094b-4cd4-9580-a2b2a5620a2c\n\n"};
    ASSERT_EQ(sessions.size(), 2U);
    EXPECT_EQ(sessions[0], session);
    EXPECT_EQ(sessions[1], (Strings{session[0], session[1], session[2], "api status\n\n"}));
    EXPECT_EQ(first_replies, (Strings{"+OK event listener enabled plain",
                                      "+OK filter added. [Unique-ID]=[652a93ed-094b-4cd4-9580-a2b2a5620a2c]"}))
        << "each callback runs once, for the first connection";
    ASSERT_GE(states.size(), 3U);
    EXPECT_TRUE(states[0].connected);
    EXPECT_EQ(states[0].attempt, 1U);
    EXPECT_FALSE(states[1].connected);
    EXPECT_FALSE(states[1].orderly);
    EXPECT_EQ(states[1].error.code, Errc::unavailable);
    EXPECT_EQ(states[1].retry_in_ms, 10);
    EXPECT_TRUE(states[2].connected);
    EXPECT_EQ(states[2].attempt, 2U);
}

TEST(InboundClientTest, GoodbyeThenCloseIsOrderly) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("+OK accepted"));
        (void)p->read_message();  // api status
        // FreeSWITCH shutting down: the answer, the goodbye notice, then FIN.
        p->send(api_response("UP\n") +
                "Content-Type: text/disconnect-notice\nContent-Length: 30\n\nThe system is being shut down.\n");
        p->close();
    });

    Loop loop;
    LoopGuard guard(loop);
    InboundClient client(loop, config_for(fs.port()));
    std::vector<ConnectionState> states;
    client.on_state([&](const ConnectionState& s) {
        states.push_back(s);
        if (!s.connected) {
            loop.stop();
        }
    });
    std::optional<Result<Reply>> answer;
    client.api("status", [&](Result<Reply> r) { answer.emplace(std::move(r)); });
    client.start();
    loop.run();
    fake.join();

    ASSERT_TRUE(answer.has_value());
    ASSERT_TRUE(*answer);
    EXPECT_EQ((*answer)->text, "UP\n");
    ASSERT_EQ(states.size(), 2U);
    EXPECT_TRUE(states[0].connected);
    EXPECT_FALSE(states[1].connected);
    EXPECT_TRUE(states[1].orderly);
    EXPECT_EQ(states[1].retry_in_ms, -1);
}

TEST(InboundClientTest, BgapiRefusedAtOnceAnswersWithTheRefusal) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("+OK accepted"));
        (void)p->read_message();  // event plain BACKGROUND_JOB
        p->send(reply("+OK event listener enabled plain"));
        (void)p->read_message();  // bgapi
        p->send(reply("-ERR permission denied"));
        p->wait_eof();
    });

    Loop loop;
    LoopGuard guard(loop);
    InboundClient client(loop, config_for(fs.port()));
    std::optional<Result<Reply>> answer;
    client.bgapi("originate x", [&](Result<Reply> r) {
        answer.emplace(std::move(r));
        client.stop();
        loop.stop();
    });
    client.start();
    loop.run();
    fake.join();

    ASSERT_TRUE(answer.has_value());
    ASSERT_TRUE(*answer) << answer->error().message;
    EXPECT_EQ((*answer)->text, "-ERR permission denied");
    EXPECT_FALSE((*answer)->ok());
    EXPECT_EQ((*answer)->job_uuid.size(), 36U);
}

// With a Unique-ID filter, FreeSWITCH drops BACKGROUND_JOB (it has no
// Unique-ID) unless a Job-UUID filter lets it through (esl-protocol.md §2.3).
// The fake applies that rule.
TEST(InboundClientTest, BgapiResultGetsThroughAUniqueIdFilter) {
    Listener fs;
    Strings received;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        bool job_filter = false;
        std::string job;
        while (true) {
            auto m = p->read_message();
            if (!m) {
                break;
            }
            received.push_back(*m);
            if (m->rfind("auth ", 0) == 0) {
                p->send(reply("+OK accepted"));
            } else if (m->rfind("filter Job-UUID ", 0) == 0) {
                job_filter = true;
                p->send(reply("+OK filter added."));
            } else if (m->rfind("bgapi ", 0) == 0) {
                job = faxkit_test::header_of(*m, "Job-UUID");
                p->send("Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + job + "\nJob-UUID: " + job +
                        "\n\n");
                if (job_filter) {
                    p->send(background_job(job, "+OK done\n"));
                }
            } else {
                p->send(reply("+OK"));
            }
        }
    });

    Loop loop;
    LoopGuard guard(loop, 5000ms);
    InboundClient client(loop, config_for(fs.port()));
    client.subscribe(EventFormat::plain, {"CHANNEL_HANGUP_COMPLETE"});
    client.add_filter("Unique-ID", "652a93ed-094b-4cd4-9580-a2b2a5620a2c");
    std::optional<Result<Reply>> answer;
    client.bgapi("originate x", [&](Result<Reply> r) {
        answer.emplace(std::move(r));
        client.stop();
        loop.stop();
    });
    client.start();
    loop.run();
    fake.join();

    ASSERT_TRUE(answer.has_value()) << "the BACKGROUND_JOB never got through the filter";
    ASSERT_TRUE(*answer);
    EXPECT_EQ((*answer)->text, "+OK done\n");
}

TEST(InboundClientTest, StopFailsPendingCommands) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("+OK accepted"));
        (void)p->read_message();  // event plain ALL
        p->send(reply("+OK event listener enabled plain"));
        (void)p->read_message();  // api status: not answered
        p->send(event_of("HEARTBEAT", "5"));
        EXPECT_TRUE(p->wait_eof());
    });

    Loop loop;
    LoopGuard guard(loop);
    InboundClient client(loop, config_for(fs.port()));
    std::optional<Result<Reply>> answer;
    client.subscribe(EventFormat::plain, {"ALL"});
    client.on_event([&](const Event&) {
        client.stop();
        loop.stop();
    });
    client.api("status", [&](Result<Reply> r) { answer.emplace(std::move(r)); });
    client.start();
    loop.run();
    fake.join();

    ASSERT_TRUE(answer.has_value());
    ASSERT_FALSE(*answer);
    EXPECT_EQ(answer->error().code, Errc::unavailable);
}

TEST(InboundClientTest, KeepaliveProbeUnansweredDropsTheConnection) {
    Listener fs;
    Strings probes;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("+OK accepted"));
        probes.push_back(p->read_message(2000ms).value_or("<none>"));  // first probe: answered
        p->send(api_response("UP\n"));
        probes.push_back(p->read_message(2000ms).value_or("<none>"));  // second probe: silence
        EXPECT_TRUE(p->wait_eof());
    });

    Loop loop;
    LoopGuard guard(loop);
    auto cfg = config_for(fs.port());
    cfg.keepalive = 100ms;
    cfg.timeout = 300ms;
    InboundClient client(loop, cfg);
    std::vector<ConnectionState> states;
    client.on_state([&](const ConnectionState& s) {
        states.push_back(s);
        if (!s.connected) {
            loop.stop();
        }
    });
    client.start();
    loop.run();
    fake.join();

    EXPECT_EQ(probes, (Strings{"api status\n\n", "api status\n\n"}));
    ASSERT_EQ(states.size(), 2U);
    EXPECT_EQ(states[1].error.code, Errc::temporary);
}

TEST(InboundClientTest, ReplyTimeoutDropsTheConnection) {
    Listener fs;
    bool closed_by_client = false;
    Clock::duration waited{};
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("+OK accepted"));
        EXPECT_EQ(p->read_message().value_or("<none>"), "api status\n\n");
        const auto t0 = Clock::now();
        closed_by_client = p->wait_eof();  // never answer
        waited = Clock::now() - t0;
    });

    Loop loop;
    LoopGuard guard(loop);
    auto cfg = config_for(fs.port());
    cfg.timeout = 200ms;
    InboundClient client(loop, cfg);
    std::vector<ConnectionState> states;
    std::optional<Result<Reply>> answer;
    client.on_state([&](const ConnectionState& s) {
        states.push_back(s);
        if (!s.connected) {
            loop.stop();
        }
    });
    client.api("status", [&](Result<Reply> r) { answer.emplace(std::move(r)); });
    client.start();
    loop.run();
    fake.join();

    EXPECT_TRUE(closed_by_client);
    EXPECT_GE(waited, 150ms);
    ASSERT_EQ(states.size(), 2U);
    EXPECT_FALSE(states[1].connected);
    EXPECT_EQ(states[1].error.code, Errc::temporary);
    ASSERT_TRUE(answer.has_value());
    ASSERT_FALSE(*answer);
}

// The command whose reply never came learns that it timed out (Errc::temporary,
// exit 75 for `fax-esl api`), not merely that the connection is gone.
TEST(InboundClientTest, ReplyTimeoutFailsTheCommandAsTemporary) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("+OK accepted"));
        (void)p->read_message();
        p->wait_eof();
    });

    Loop loop;
    LoopGuard guard(loop);
    auto cfg = config_for(fs.port());
    cfg.timeout = 200ms;
    InboundClient client(loop, cfg);
    std::optional<Result<Reply>> answer;
    client.on_state([&](const ConnectionState& s) {
        if (!s.connected) {
            loop.stop();
        }
    });
    client.api("status", [&](Result<Reply> r) { answer.emplace(std::move(r)); });
    client.start();
    loop.run();
    fake.join();

    ASSERT_TRUE(answer.has_value());
    ASSERT_FALSE(*answer);
    EXPECT_EQ(answer->error().code, Errc::temporary) << answer->error().message;
}

}  // namespace
