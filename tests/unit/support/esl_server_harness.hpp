#pragma once
// Test harness for fax::esl::InboundServer: the server runs on core::Loop on
// the test thread; a client script runs on a std::jthread with blocking
// sockets (support/fake_peer.hpp) and reaches into the loop with on_loop().

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "core/loop.hpp"
#include "esl/inbound_server.hpp"
#include "support/fake_peer.hpp"

namespace faxkit_test {

class ServerHarness {
public:
    explicit ServerHarness(fax::esl::InboundServerConfig cfg = {}) {
        cfg.port = 0;
        m_server = std::make_unique<fax::esl::InboundServer>(m_loop, std::move(cfg));
        auto r = m_server->listen();
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    }

    fax::esl::InboundServer& server() { return *m_server; }
    fax::core::Loop& loop() { return m_loop; }
    std::uint16_t port() const { return m_server->port(); }

    /// Runs \a client on a thread while the loop runs here; the loop stops
    /// when the client returns (or after \a limit, failing the test).
    void run(const std::function<void()>& client, std::chrono::milliseconds limit = 15000ms) {
        LoopGuard guard(m_loop, limit);
        std::jthread t([&] {
            client();
            m_loop.post([this] { m_loop.stop(); });
        });
        m_loop.run();
    }

    /// From the client thread: runs \a fn on the loop thread and waits for it.
    void on_loop(const std::function<void()>& fn) {
        auto done = std::make_shared<std::promise<void>>();
        auto f = done->get_future();
        m_loop.post([fn, done] {
            fn();
            done->set_value();
        });
        EXPECT_EQ(f.wait_for(5s), std::future_status::ready);
    }

private:
    fax::core::Loop m_loop;
    std::unique_ptr<fax::esl::InboundServer> m_server;
};

/// Connects and authenticates with "ClueCon"; checks both exchanges byte for byte.
inline std::optional<Peer> authed_peer(std::uint16_t port, std::string_view password = "ClueCon") {
    auto p = connect_to(port);
    EXPECT_TRUE(p.has_value());
    if (!p) {
        return std::nullopt;
    }
    EXPECT_EQ(p->read_message().value_or("<none>"), k_auth_request);
    p->send("auth " + std::string(password) + "\n\n");
    EXPECT_EQ(p->read_message().value_or("<none>"), reply("+OK accepted"));
    return p;
}

}  // namespace faxkit_test
