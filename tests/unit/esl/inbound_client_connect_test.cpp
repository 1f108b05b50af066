// fax::esl::InboundClient's connect: an address literal is connected to
// directly, a name goes through the resolver; both reach the server, and a
// refused connection is reported as unavailable.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
using fax::esl::InboundClient;
using fax::esl::Reply;
using faxkit_test::api_response;
using faxkit_test::k_auth_request;
using faxkit_test::Listener;
using faxkit_test::LoopGuard;
using faxkit_test::reply;

// Connects to a fake FreeSWITCH on 127.0.0.1 as \a host and returns the
// answer to `api status`, with what the server received.
std::optional<Result<Reply>> api_status_through(const std::string& host, std::vector<std::string>& received) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        received.push_back(p->read_message().value_or("<none>"));
        p->send(reply("+OK accepted"));
        received.push_back(p->read_message().value_or("<none>"));
        p->send(api_response("UP\n"));
        EXPECT_TRUE(p->wait_eof()) << "the client closes after stop()";
    });
    Loop loop;
    LoopGuard guard(loop);
    ClientConfig cfg;
    cfg.host = host;
    cfg.port = fs.port();
    cfg.timeout = 3000ms;
    InboundClient client(loop, cfg);
    std::optional<Result<Reply>> answer;
    client.api("status", [&](Result<Reply> r) {
        answer.emplace(std::move(r));
        client.stop();
        loop.stop();
    });
    client.start();
    loop.run();
    fake.join();
    return answer;
}

TEST(InboundClientConnectTest, AddressLiteralConnectsDirectly) {
    std::vector<std::string> received;
    auto answer = api_status_through("127.0.0.1", received);
    ASSERT_TRUE(answer.has_value());
    ASSERT_TRUE(*answer) << answer->error().message;
    EXPECT_EQ((*answer)->text, "UP\n");
    EXPECT_EQ(received, (std::vector<std::string>{"auth ClueCon\n\n", "api status\n\n"}));
}

TEST(InboundClientConnectTest, NameGoesThroughTheResolver) {
    // "localhost" may give ::1 first: the client tries every address in turn.
    std::vector<std::string> received;
    auto answer = api_status_through("localhost", received);
    ASSERT_TRUE(answer.has_value());
    ASSERT_TRUE(*answer) << answer->error().message;
    EXPECT_EQ((*answer)->text, "UP\n");
    EXPECT_EQ(received, (std::vector<std::string>{"auth ClueCon\n\n", "api status\n\n"}));
}

TEST(InboundClientConnectTest, RefusedAddressIsUnavailable) {
    // A port held by a bound socket that does not listen: connecting is refused.
    const int held = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(held, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(held, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ASSERT_EQ(::getsockname(held, reinterpret_cast<sockaddr*>(&a), &len), 0);
    const std::uint16_t port = ntohs(a.sin_port);
    Loop loop;
    LoopGuard guard(loop);
    ClientConfig cfg;
    cfg.host = "127.0.0.1";
    cfg.port = port;
    cfg.timeout = 3000ms;
    InboundClient client(loop, cfg);
    std::optional<ConnectionState> lost;
    client.on_state([&](const ConnectionState& s) {
        lost = s;
        loop.stop();
    });
    client.start();
    loop.run();
    ASSERT_TRUE(lost.has_value());
    EXPECT_FALSE(lost->connected);
    EXPECT_EQ(lost->error.code, Errc::unavailable);
    EXPECT_EQ(lost->error.message.rfind("cannot connect to 127.0.0.1:", 0), 0U) << lost->error.message;
    ::close(held);
}

}  // namespace
