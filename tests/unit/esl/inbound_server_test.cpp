// fax::esl::InboundServer against a scripted client on a real socket: every
// reply compared byte for byte with what FreeSWITCH 1.10 sends.

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "esl/event_data.hpp"
#include "esl/inbound_server.hpp"
#include "esl/serializer.hpp"
#include "support/esl_server_harness.hpp"
#include "support/fake_peer.hpp"

namespace {

using namespace std::chrono_literals;
using fax::esl::EventData;
using fax::esl::EventFormat;
using fax::esl::InboundServer;
using fax::esl::InboundServerConfig;
using faxkit_test::api_response;
using faxkit_test::authed_peer;
using faxkit_test::connect_to;
using faxkit_test::header_of;
using faxkit_test::k_auth_request;
using faxkit_test::k_goodbye;
using faxkit_test::k_rude;
using faxkit_test::reply;
using faxkit_test::ServerHarness;

/// An api handler: status/version answer at once, "empty" writes nothing,
/// "echo" returns its arguments, anything else is unknown.
void install_api(InboundServer& s) {
    s.on_api([](const InboundServer::ApiCall& c, InboundServer::ApiDone done) {
        if (c.command == "status") {
            done({"UP 0 years\n"});
        } else if (c.command == "empty") {
            done({""});
        } else if (c.command == "echo") {
            done({c.args.value_or("<none>")});
        } else {
            done({{}, false});
        }
    });
}

EventData channel_event(ServerHarness& h, std::string_view name, std::string_view uuid) {
    EventData e = h.server().stamper().create(name, {"switch_channel.c", "switch_channel_perform_mark_answered", 3910});
    e.add("Unique-ID", uuid);
    e.add("Channel-Name", "sofia/external/+49 30 1234@10.0.0.9");
    return e;
}

TEST(InboundServerTest, AuthApiAndUnknownCommandsAsFreeSwitch) {
    ServerHarness h;
    install_api(h.server());
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        p->send("api status\n\n");
        EXPECT_EQ(p->read_message().value_or(""), "Content-Type: api/response\nContent-Length: 11\n\nUP 0 years\n");
        p->send("api empty\n\n");
        EXPECT_EQ(p->read_message().value_or(""), api_response("-ERR no reply\n"));
        p->send("api nosuchcommand\n\n");
        EXPECT_EQ(p->read_message().value_or(""), api_response("-ERR nosuchcommand Command not found!\n"));
        p->send("api echo  two  spaces \n\n");
        EXPECT_EQ(p->read_message().value_or(""), api_response(" two  spaces "));
        p->send("frobnicate\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR command not found"));
        p->send("api\n\n");  // "api " needs its space
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR command not found"));
        p->send("auth ClueCon\n\n");  // auth after auth is unknown
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR command not found"));
        p->send("exit\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK bye"));
        EXPECT_EQ(p->read_message().value_or(""), k_goodbye);
        EXPECT_TRUE(p->wait_eof());
    });
}

TEST(InboundServerTest, WrongPasswordGetsInvalidGoodbyeAndClose) {
    ServerHarness h;
    h.run([&] {
        auto p = connect_to(h.port());
        ASSERT_TRUE(p);
        EXPECT_EQ(p->read_message().value_or(""), k_auth_request);
        p->send("auth ClueCon \n\n");  // compared exactly: the trailing space counts
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR invalid"));
        EXPECT_EQ(p->read_message().value_or(""), k_goodbye);
        EXPECT_TRUE(p->wait_eof());
    });
}

TEST(InboundServerTest, BeforeAuthOnlyAuthAndExitWork) {
    ServerHarness h;
    install_api(h.server());
    h.run([&] {
        auto p = connect_to(h.port());
        ASSERT_TRUE(p);
        EXPECT_EQ(p->read_message().value_or(""), k_auth_request);
        p->send("\r\n\napi status\r\n\r\n");  // leading CR/LF skipped, CRLF accepted
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR command not found"));
        p->send("event plain ALL\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR command not found"));
        p->send("auth ClueCon\r\n\r\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK accepted"));
        p->send("api status\n\n");
        EXPECT_EQ(p->read_message().value_or(""), api_response("UP 0 years\n"));

        auto q = connect_to(h.port());
        ASSERT_TRUE(q);
        EXPECT_EQ(q->read_message().value_or(""), k_auth_request);
        q->send("exit\n\n");
        EXPECT_EQ(q->read_message().value_or(""), reply("+OK bye"));
        EXPECT_EQ(q->read_message().value_or(""), k_goodbye);
        EXPECT_TRUE(q->wait_eof());
    });
}

TEST(InboundServerTest, AclRefusesWithRudeRejectionAndNoAuthRequest) {
    InboundServerConfig cfg;
    cfg.acl = {"10.0.0.0/8"};
    ServerHarness h(cfg);
    h.run([&] {
        auto p = connect_to(h.port());
        ASSERT_TRUE(p);
        EXPECT_EQ(p->read_message().value_or(""), k_rude);
        EXPECT_EQ(p->read_message().value_or(""), k_goodbye);
        EXPECT_TRUE(p->wait_eof());
    });
}

TEST(InboundServerTest, AclAllowsListedPeers) {
    InboundServerConfig cfg;
    cfg.acl = {"10.0.0.0/8,127.0.0.0/8"};
    ServerHarness h(cfg);
    h.run([&] { EXPECT_TRUE(authed_peer(h.port())); });
}

TEST(InboundServerTest, NoFirstCommandInTimeGetsGoodbye) {
    InboundServerConfig cfg;
    cfg.auth_timeout = 200ms;
    ServerHarness h(cfg);
    h.run([&] {
        auto p = connect_to(h.port());
        ASSERT_TRUE(p);
        const auto start = std::chrono::steady_clock::now();
        EXPECT_EQ(p->read_message().value_or(""), k_auth_request);
        EXPECT_EQ(p->read_message(3000ms).value_or(""), k_goodbye);
        EXPECT_TRUE(p->wait_eof());
        EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
    });
}

TEST(InboundServerTest, EventFormatBelongsToTheConnectionAndFiltersApply) {
    ServerHarness h;
    install_api(h.server());
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        p->send("event plain CHANNEL_ANSWER\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK event listener enabled plain"));
        std::string expected;
        h.on_loop([&] {
            const EventData e = channel_event(h, "CHANNEL_ANSWER", "u-1");
            expected = fax::esl::event_message(EventFormat::plain, e.headers(), {});
            h.server().broadcast(e);
            h.server().broadcast(channel_event(h, "CHANNEL_HANGUP", "u-1"));  // not subscribed
        });
        EXPECT_EQ(p->read_message().value_or(""), expected);
        EXPECT_THAT(expected, ::testing::HasSubstr("Channel-Name: sofia/external/%2B49%2030%201234%4010.0.0.9\n"));

        p->send("event json CHANNEL_HANGUP\n\n");  // additive; switches the whole connection
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK event listener enabled json"));
        p->send("filter Unique-ID u-2\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK filter added. [Unique-ID]=[u-2]"));
        h.on_loop([&] {
            h.server().broadcast(channel_event(h, "CHANNEL_ANSWER", "u-1"));  // filtered out
            const EventData e = channel_event(h, "CHANNEL_HANGUP", "u-2");
            expected = fax::esl::event_message(EventFormat::json, e.headers(), {});
            h.server().broadcast(e);
        });
        EXPECT_EQ(p->read_message().value_or(""), expected);
        EXPECT_EQ(header_of(expected, "Content-Type"), "text/event-json");

        p->send("nixevent CHANNEL_HANGUP\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK events nixed"));
        p->send("filter delete all\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK filter deleted. [all][]"));
        h.on_loop([&] { h.server().broadcast(channel_event(h, "CHANNEL_HANGUP", "u-2")); });
        p->send("noevents\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK no longer listening for events"));
        h.on_loop([&] { h.server().broadcast(channel_event(h, "CHANNEL_ANSWER", "u-2")); });
        p->send("noevents\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR not listening for events"));
        p->send("api status\n\n");
        EXPECT_EQ(p->read_message().value_or(""), api_response("UP 0 years\n"));
    });
}

TEST(InboundServerTest, EventsGoOnlyToSubscribersInTheirOwnFormats) {
    ServerHarness h;
    h.run([&] {
        auto a = authed_peer(h.port());
        auto b = authed_peer(h.port());
        auto c = authed_peer(h.port());
        ASSERT_TRUE(a && b && c);
        a->send("event plain CUSTOM spandsp::txfaxresult\n\n");
        EXPECT_EQ(a->read_message().value_or(""), reply("+OK event listener enabled plain"));
        b->send("event json ALL\n\n");
        EXPECT_EQ(b->read_message().value_or(""), reply("+OK event listener enabled json"));
        std::string plain;
        std::string json;
        h.on_loop([&] {
            EventData e = h.server().stamper().create("CUSTOM", {"mod_spandsp_fax.c", "phase_e_handler", 676},
                                                      "spandsp::txfaxresult");
            e.add("fax-success", "1");
            e.add("fax-result-text", "OK");
            plain = fax::esl::event_message(EventFormat::plain, e.headers(), {});
            json = fax::esl::event_message(EventFormat::json, e.headers(), {});
            h.server().broadcast(e);
        });
        EXPECT_EQ(a->read_message().value_or(""), plain);
        EXPECT_EQ(b->read_message().value_or(""), json);
        EXPECT_THAT(plain, ::testing::HasSubstr("Event-Sequence: 1\nEvent-Subclass: spandsp%3A%3Atxfaxresult\n"));
        c->send("exit\n\n");  // c never subscribed: its first message is the exit reply
        EXPECT_EQ(c->read_message().value_or(""), reply("+OK bye"));
    });
}

TEST(InboundServerTest, BgapiRepliesAtOnceAndDeliversBackgroundJob) {
    ServerHarness h;
    std::vector<InboundServer::ApiDone> pending;
    std::vector<InboundServer::ApiCall> calls;
    h.server().on_api([&](const InboundServer::ApiCall& c, InboundServer::ApiDone done) {
        calls.push_back(c);
        if (c.command == "originate") {
            pending.push_back(std::move(done));  // answers later, as a real originate
        } else if (c.command == "empty") {
            done({""});
        } else {
            done({{}, false});
        }
    });
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        p->send("event plain BACKGROUND_JOB\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK event listener enabled plain"));

        // A client-chosen Job-UUID is honoured (cut to 36 characters).
        const std::string job = "c0ffee00-0000-4000-8000-000000000001";
        p->send("bgapi originate {a=b}loopback/echo &park\nJob-UUID: " + job + "-and-more\n\n");
        EXPECT_EQ(p->read_message().value_or(""), "Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + job +
                                                      "\nJob-UUID: " + job + "\n\n");
        h.on_loop([&] {
            ASSERT_EQ(pending.size(), 1U);
            pending[0]({"+OK 9d7c1e2a-1111-4222-8333-444455556666\n"});
        });
        const std::string ev = p->read_message().value_or("");
        const std::string body = ev.substr(ev.find("\n\n") + 2);
        EXPECT_THAT(body, ::testing::StartsWith("Event-Name: BACKGROUND_JOB\nCore-UUID: "));
        EXPECT_THAT(body, ::testing::HasSubstr("\nEvent-Calling-File: mod_event_socket.c\n"
                                               "Event-Calling-Function: api_exec\nEvent-Calling-Line-Number: 1572\n"));
        EXPECT_THAT(body, ::testing::EndsWith("\nJob-UUID: " + job + "\nJob-Command: originate\n"
                                              "Job-Command-Arg: %7Ba%3Db%7Dloopback/echo%20%26park\n"
                                              "Content-Length: 41\n\n+OK 9d7c1e2a-1111-4222-8333-444455556666\n"));

        // Without Job-UUID the server makes one; empty output: no body at all.
        p->send("bgapi empty\n\n");
        const std::string r = p->read_message().value_or("");
        const std::string made = header_of(r, "Job-UUID");
        EXPECT_EQ(made.size(), 36U);
        EXPECT_EQ(r, "Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + made + "\nJob-UUID: " + made + "\n\n");
        const std::string ev2 = p->read_message().value_or("");
        EXPECT_THAT(ev2, ::testing::EndsWith("\nJob-UUID: " + made + "\nJob-Command: empty\n\n"));

        p->send("event json BACKGROUND_JOB\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK event listener enabled json"));
        p->send("bgapi nosuch thing\n\n");
        const std::string made3 = header_of(p->read_message().value_or(""), "Job-UUID");
        EXPECT_THAT(p->read_message().value_or(""),
                    ::testing::EndsWith("\"Job-UUID\":\"" + made3 +
                                        "\",\"Job-Command\":\"nosuch\",\"Job-Command-Arg\":\"thing\","
                                        "\"Content-Length\":\"31\",\"_body\":\"-ERR nosuch Command not found!\\n\"}"));
    });
    ASSERT_EQ(calls.size(), 3U);
    EXPECT_TRUE(calls[0].background);
    EXPECT_EQ(calls[0].args.value_or(""), "{a=b}loopback/echo &park");
    EXPECT_FALSE(calls[1].args.has_value());
}

TEST(InboundServerTest, ApiBlocksTheConnectionUntilItAnswers) {
    ServerHarness h;
    InboundServer::ApiDone later;
    h.server().on_api([&](const InboundServer::ApiCall&, InboundServer::ApiDone done) { later = std::move(done); });
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        p->send("event plain ALL\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK event listener enabled plain"));
        p->send("api originate x\n\nevent json ALL\n\n");  // the second command waits too
        bool running = false;
        for (int i = 0; i < 200 && !running; ++i) {
            h.on_loop([&] { running = static_cast<bool>(later); });
            std::this_thread::sleep_for(5ms);
        }
        ASSERT_TRUE(running);
        EventData e;
        h.on_loop([&] {
            e = channel_event(h, "CHANNEL_ANSWER", "u-1");
            h.server().broadcast(e);
        });
        EXPECT_FALSE(p->read_message(300ms)) << "nothing is written while api runs";
        h.on_loop([&] { later({"+OK u-1\n"}); });
        EXPECT_EQ(p->read_message().value_or(""), api_response("+OK u-1\n"));
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK event listener enabled json"));
        // Queued events are serialized when written, in the format of that moment.
        EXPECT_EQ(p->read_message().value_or(""), fax::esl::event_message(EventFormat::json, e.headers(), {}));
    });
}

TEST(InboundServerTest, PipelinedCommandsAnswerInOrder) {
    ServerHarness h;
    install_api(h.server());
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        p->send("api status\n\nlog 7\n\nlog\n\nnolog\n\nnolog\n\nlinger\n\nnolinger\n\nlog nonsense\n\n"
                "divert_events on\n\nresume\n\nmyevents\n\n");
        EXPECT_EQ(p->read_message().value_or(""), api_response("UP 0 years\n"));
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK log level 7 [7]"));
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK log level  [7]"));
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK no longer logging"));
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR not loging"));
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR not controlling a session"));
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR not controlling a session"));
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR invalid log level"));
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR not controlling a session."));
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR command not found"));
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR command not found"));
    });
}

TEST(InboundServerTest, SendmsgGoesToTheChannel) {
    ServerHarness h;
    std::vector<std::pair<std::string, std::string>> got;
    h.server().on_sendmsg([&](std::string_view uuid, const fax::esl::Command& m) {
        got.emplace_back(uuid, std::string(m.header("execute-app-name").value_or("")));
        return uuid == "u-1";
    });
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        p->send("sendmsg u-1\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: /tmp/x.wav\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK"));
        p->send("sendmsg\nsession-id: u-1\ncall-command: hangup\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK"));
        p->send("sendmsg u-9\ncall-command: hangup\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR invalid session id [u-9]"));
        p->send("sendmsg\ncall-command: hangup\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("-ERR invalid session id []"));
    });
    ASSERT_EQ(got.size(), 3U);
    EXPECT_EQ(got[0], (std::pair<std::string, std::string>{"u-1", "playback"}));
    EXPECT_EQ(got[2].first, "u-9");
}

TEST(InboundServerTest, SendeventFiresTheCommandAsAnEvent) {
    ServerHarness h;
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        p->send("event plain CUSTOM my::thing\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK event listener enabled plain"));
        p->send("sendevent CUSTOM\nEvent-Subclass: my::thing\nMy-Header: some value\nContent-Length: 5\n\nhello");
        const std::string r = p->read_message().value_or("");
        const std::string reply_text = header_of(r, "Reply-Text");
        ASSERT_THAT(reply_text, ::testing::StartsWith("+OK "));
        const std::string uuid = reply_text.substr(4);
        const std::string ev = p->read_message().value_or("");
        const std::string body = ev.substr(ev.find("\n\n") + 2);
        EXPECT_THAT(body, ::testing::StartsWith("Command: sendevent%20CUSTOM\nMy-Header: some%20value\n"
                                                "Content-Length: 5\nEvent-UUID: " +
                                                uuid + "\nEvent-Subclass: my%3A%3Athing\nEvent-Name: CUSTOM\n"));
        EXPECT_THAT(body, ::testing::EndsWith("\nContent-Length: 5\n\nhello"));
    });
}

TEST(InboundServerTest, MyeventsBindsAChannelAndItsHangupClosesOrLingers) {
    ServerHarness h;
    h.server().on_channel_exists([](std::string_view u) { return u == "u-1" || u == "u-2"; });
    h.run([&] {
        auto p = authed_peer(h.port());
        auto q = authed_peer(h.port());
        ASSERT_TRUE(p && q);
        p->send("myevents u-1\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK Events Enabled"));
        q->send("myevents u-2\n\n");
        EXPECT_EQ(q->read_message().value_or(""), reply("+OK Events Enabled"));
        q->send("linger 1\n\n");
        EXPECT_EQ(q->read_message().value_or(""), reply("+OK will linger 1 seconds"));
        std::string ev;
        h.on_loop([&] {
            h.server().broadcast(channel_event(h, "CHANNEL_HANGUP", "u-2"));  // only q's channel
            const EventData e = channel_event(h, "CHANNEL_HANGUP", "u-1");
            ev = fax::esl::event_message(EventFormat::plain, e.headers(), {});
            h.server().broadcast(e);
            h.server().channel_hangup("u-1", "sofia/external/1000");
            h.server().channel_hangup("u-2", "sofia/external/2000");
        });
        EXPECT_EQ(p->read_message().value_or(""), ev);
        EXPECT_EQ(p->read_message().value_or(""),
                  "Content-Type: text/disconnect-notice\nControlled-Session-UUID: u-1\nContent-Disposition: disconnect\n"
                  "Content-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n");
        EXPECT_TRUE(p->wait_eof());

        EXPECT_EQ(header_of(q->read_message().value_or(""), "Content-Type"), "text/event-plain");
        EXPECT_EQ(q->read_message().value_or(""),
                  "Content-Type: text/disconnect-notice\nControlled-Session-UUID: u-2\nContent-Disposition: linger\n"
                  "Channel-Name: sofia/external/2000\nLinger-Time: 1\nContent-Length: 0\n\n");
        h.on_loop([&] { h.server().broadcast(channel_event(h, "CHANNEL_HANGUP_COMPLETE", "u-2")); });
        EXPECT_EQ(header_of(q->read_message().value_or(""), "Content-Type"), "text/event-plain");
        EXPECT_THAT(q->read_message(3000ms).value_or(""), ::testing::HasSubstr("Content-Disposition: disconnect\n"));
        EXPECT_TRUE(q->wait_eof());
    });
}

TEST(InboundServerTest, ShutdownSaysSo) {
    ServerHarness h;
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        h.on_loop([&] { h.server().shutdown(); });
        EXPECT_EQ(p->read_message().value_or(""),
                  "Content-Type: text/disconnect-notice\nContent-Length: 31\n\nThe system is being shut down.\n");
        EXPECT_TRUE(p->wait_eof());
        EXPECT_FALSE(connect_to(h.port()).has_value() && false);
    });
}

TEST(InboundServerTest, SlowConsumerIsKilledNotGrown) {
    InboundServerConfig cfg;
    cfg.max_queued_events = 8;
    cfg.max_lost_events = 20;
    cfg.close_grace = 300ms;
    ServerHarness h(cfg);
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        p->send("event plain ALL\n\n");
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK event listener enabled plain"));
        // The client stops reading; 64 MiB of events cannot all be buffered.
        std::size_t open_after = 99;
        h.on_loop([&] {
            EventData e = channel_event(h, "CHANNEL_DATA", "u-1");
            e.set_body(std::string(256 * 1024, 'x'));
            for (int i = 0; i < 256; ++i) {
                h.server().broadcast(e);
            }
        });
        std::this_thread::sleep_for(700ms);
        h.on_loop([&] { open_after = h.server().connections(); });
        EXPECT_EQ(open_after, 0U);
        // Whatever was buffered drains, then the connection is gone.
        EXPECT_TRUE(p->wait_eof(5000ms));
    });
}

TEST(InboundServerTest, AClientThatDoesNotReadRepliesMeetsBackPressure) {
    ServerHarness h;
    install_api(h.server());
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        constexpr int k_commands = 60000;  // ~3.6 MB of replies: more than the server buffers
        std::string batch;
        for (int i = 0; i < k_commands; ++i) {
            batch += "api status\n\n";
        }
        std::jthread sender([&] { EXPECT_TRUE(p->send(batch)); });
        // Not reading for a while: the server stops reading commands once 1 MiB
        // of replies waits (instead of buffering without bound), then goes on.
        std::this_thread::sleep_for(300ms);
        const std::string want = api_response("UP 0 years\n");
        int ok = 0;
        for (int i = 0; i < k_commands; ++i) {
            ok += p->read_message().value_or("") == want ? 1 : 0;
        }
        EXPECT_EQ(ok, k_commands);
    });
}

TEST(InboundServerTest, CommandBodiesAndCrLfHeaders) {
    ServerHarness h;
    std::string app_arg;
    h.server().on_sendmsg([&](std::string_view, const fax::esl::Command& m) {
        app_arg = m.body.value_or("<none>");
        return true;
    });
    h.run([&] {
        auto p = authed_peer(h.port());
        ASSERT_TRUE(p);
        const std::string arg = "line one\n\nline three";
        p->send("sendmsg u-1\r\ncall-command: execute\r\nexecute-app-name: playback\r\ncontent-type: text/plain\r\n"
                "content-length: " + std::to_string(arg.size()) + "\r\n\r\n" + arg);
        EXPECT_EQ(p->read_message().value_or(""), reply("+OK"));
        p->send("\n\n\napi nosuch\n\n");
        EXPECT_EQ(p->read_message().value_or(""), api_response("-ERR nosuch Command not found!\n"));
        EXPECT_EQ(app_arg, "line one\n\nline three");
    });
}

}  // namespace
