// The library's own InboundClient against the InboundServer, end to end on a
// real socket: events, api, bgapi (with a Unique-ID filter in place) and a
// reconnect after the server went away and came back (a FreeSWITCH restart).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/loop.hpp"
#include "esl/inbound_client.hpp"
#include "esl/inbound_server.hpp"
#include "support/fake_peer.hpp"

namespace {

using namespace std::chrono_literals;
using fax::core::Loop;
using fax::core::Result;
using fax::esl::ClientConfig;
using fax::esl::ConnectionState;
using fax::esl::Event;
using fax::esl::EventData;
using fax::esl::EventFormat;
using fax::esl::InboundClient;
using fax::esl::InboundServer;
using fax::esl::InboundServerConfig;
using fax::esl::Reply;

std::unique_ptr<InboundServer> make_server(Loop& loop, std::uint16_t port) {
    InboundServerConfig cfg;
    cfg.port = port;
    cfg.password = "s3cret";
    auto s = std::make_unique<InboundServer>(loop, cfg);
    auto r = s->listen();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    s->on_api([&loop](const InboundServer::ApiCall& c, InboundServer::ApiDone done) {
        if (c.command == "status") {
            done({"UP 0 years\n"});
        } else if (c.command == "originate") {
            loop.after(30ms, [done] { done({"+OK 9d7c1e2a-1111-4222-8333-444455556666\n"}); });  // takes a while
        } else {
            done({{}, false});
        }
    });
    return s;
}

EventData answer_event(InboundServer& s, std::string_view uuid) {
    EventData e = s.stamper().create("CHANNEL_ANSWER", {"switch_channel.c", "switch_channel_perform_mark_answered", 3910});
    e.add("Unique-ID", uuid);
    e.add("Caller-Caller-ID-Name", "ACME Fax \"1\"");
    return e;
}

TEST(InboundClientServerTest, EventsApiBgapiAndReconnect) {
    Loop loop;
    faxkit_test::LoopGuard guard(loop, 20000ms);
    auto server = make_server(loop, 0);
    const std::uint16_t port = server->port();
    std::unique_ptr<InboundServer> old_server;

    ClientConfig cc;
    cc.port = port;
    cc.password = "s3cret";
    cc.timeout = 3000ms;
    cc.reconnect = true;
    cc.backoff_initial = 20ms;
    cc.backoff_max = 50ms;
    InboundClient client(loop, cc);

    std::vector<ConnectionState> states;
    std::vector<std::string> event_uuids;
    std::vector<std::string> caller_names;
    std::optional<Result<Reply>> status;
    std::optional<Result<Reply>> job;
    std::optional<Result<Reply>> subscribed;
    bool restarted = false;

    // After the restart: broadcast until the replayed subscription lets one through.
    std::function<void()> poke = [&] {
        if (event_uuids.size() >= 2) {
            return;
        }
        server->broadcast(answer_event(*server, "after-restart"));
        loop.after(20ms, poke);
    };
    client.on_event([&](const Event& e) {
        if (e.name() != "CHANNEL_ANSWER") {
            return;  // the client also hands on the BACKGROUND_JOB it matched
        }
        event_uuids.emplace_back(e.unique_id());
        caller_names.emplace_back(e.get("Caller-Caller-ID-Name"));
        if (event_uuids.size() == 1) {
            // First event seen: now api and bgapi.
            client.api("status", [&](Result<Reply> r) { status.emplace(std::move(r)); });
            client.bgapi("originate {x=y}loopback/echo &park", [&](Result<Reply> r) {
                job.emplace(std::move(r));
                // Then FreeSWITCH "restarts": goodbye to everyone, a new process on the same port.
                server->shutdown();
                old_server = std::move(server);
                server = make_server(loop, port);
                restarted = true;
                poke();
            });
        } else if (event_uuids.size() == 2) {
            client.stop();
            loop.stop();
        }
    });
    client.on_state([&](const ConnectionState& s) { states.push_back(s); });
    client.subscribe(EventFormat::json, {"CHANNEL_ANSWER", "BACKGROUND_JOB"}, [&](Result<Reply> r) {
        if (!subscribed) {
            subscribed.emplace(std::move(r));
            server->broadcast(answer_event(*server, "u-filtered-out"));
            server->broadcast(answer_event(*server, "u-1"));
        }
    });
    client.add_filter("Unique-ID", "u-1");  // BACKGROUND_JOB must still get through (Job-UUID filter)
    client.add_filter("Unique-ID", "after-restart");
    client.start();
    loop.run();

    ASSERT_TRUE(subscribed && *subscribed) << (subscribed && !*subscribed ? subscribed->error().message : "");
    EXPECT_EQ((*subscribed)->text, "+OK event listener enabled json");
    ASSERT_EQ(event_uuids.size(), 2U);
    EXPECT_EQ(event_uuids[0], "u-1");
    EXPECT_EQ(event_uuids[1], "after-restart");
    EXPECT_EQ(caller_names[0], "ACME Fax \"1\"");
    ASSERT_TRUE(status && *status);
    EXPECT_EQ((*status)->text, "UP 0 years\n");
    ASSERT_TRUE(job && *job) << (job && !*job ? job->error().message : "");
    EXPECT_EQ((*job)->text, "+OK 9d7c1e2a-1111-4222-8333-444455556666\n");
    EXPECT_EQ((*job)->job_uuid.size(), 36U);
    EXPECT_TRUE(restarted);
    ASSERT_GE(states.size(), 3U);
    EXPECT_TRUE(states[0].connected);
    EXPECT_FALSE(states[1].connected);
    EXPECT_TRUE(states[1].orderly) << "the shutdown notice came before the close";
    EXPECT_TRUE(states.back().connected);
    EXPECT_GE(states.back().attempt, 2U);
}

TEST(InboundClientServerTest, WrongPasswordIsRefused) {
    Loop loop;
    faxkit_test::LoopGuard guard(loop, 10000ms);
    auto server = make_server(loop, 0);
    ClientConfig cc;
    cc.port = server->port();
    cc.password = "wrong";
    cc.timeout = 3000ms;
    InboundClient client(loop, cc);
    std::optional<ConnectionState> state;
    client.on_state([&](const ConnectionState& s) {
        state = s;
        loop.stop();
    });
    client.start();
    loop.run();
    ASSERT_TRUE(state);
    EXPECT_FALSE(state->connected);
    EXPECT_EQ(state->error.code, fax::core::Errc::permission);
}

}  // namespace
