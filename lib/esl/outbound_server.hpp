#pragma once
/// Outbound-socket server: FreeSWITCH's `socket host:port async full` app
/// connects here once per call. For each connection the server sends
/// `connect`, reads the channel data, and hands an OutboundSession to the
/// application (esl-protocol.md §4).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "esl/event.hpp"
#include "esl/inbound_client.hpp"

namespace fax::core {
class Loop;
}

namespace fax::esl {

struct OutboundConfig {
    std::string host = "127.0.0.1";  ///< listen address; loopback by default
    std::uint16_t port = 8084;       ///< 0 picks a free port (see OutboundServer::port)
    std::chrono::milliseconds connect_timeout{5000};   ///< for the `connect` reply
    std::chrono::milliseconds reply_timeout{10000};    ///< for every command reply
    /// No byte from FreeSWITCH for this long ends the session. Zero: off.
    std::chrono::milliseconds idle_timeout{120000};
    /// After the hangup (linger notice or CHANNEL_HANGUP), wait at most this
    /// long for CHANNEL_HANGUP_COMPLETE before closing.
    std::chrono::milliseconds hangup_timeout{10000};
};

/// One call's control connection. Lifetime: shared_ptr; it stays alive while
/// the connection is open. Use from the loop thread only.
class OutboundSession : public std::enable_shared_from_this<OutboundSession> {
public:
    using ReplyFn = InboundClient::ReplyFn;
    using EventFn = std::function<void(const Event&)>;
    /// The CHANNEL_EXECUTE_COMPLETE event of an execute, or an error when the
    /// session ended first.
    using ExecuteFn = std::function<void(core::Result<const Event*>)>;
    using CloseFn = std::function<void(const core::Error& why)>;

    struct Impl;
    explicit OutboundSession(std::shared_ptr<Impl> impl);
    ~OutboundSession();

    /// The channel data (URL-decoded headers of the connect reply).
    const Event& channel_data() const noexcept;
    /// Frees the channel data (a few KB) once the application has taken what
    /// it needs; channel_data() is empty afterwards. uuid() stays.
    void drop_channel_data() noexcept;
    /// The channel's Unique-ID.
    std::string_view uuid() const noexcept;

    void on_event(EventFn fn);
    /// Called once when the session ends (after CHANNEL_HANGUP_COMPLETE and
    /// the replies still due for commands sent before it, a timeout, a
    /// disconnect by FreeSWITCH, or close()).
    void on_close(CloseFn fn);

    /// Sends `myevents`, `event plain CUSTOM <subclasses…>` (myevents does
    /// not carry CUSTOM events) and `linger`; \a fn gets the first failure or
    /// the last reply.
    void subscribe_call_events(std::vector<std::string> custom_subclasses, ReplyFn fn);
    /// Sends one encoded command (see esl/command.hpp) and expects one reply.
    void command(std::string bytes, ReplyFn fn);
    /// Executes \a app with event-lock and a fresh Event-UUID; \a fn runs on
    /// the matching CHANNEL_EXECUTE_COMPLETE (matched by Application-UUID).
    void execute(std::string_view app, std::string_view arg, ExecuteFn fn);
    /// Closes the connection now.
    void close();
    bool hung_up() const noexcept;

private:
    std::shared_ptr<Impl> m_impl;
};

/// Accepts outbound-socket connections. Use from the loop thread only.
class OutboundServer {
public:
    using SessionFn = std::function<void(std::shared_ptr<OutboundSession>)>;
    /// A connection that failed before it became a session (no connect reply…).
    using FailureFn = std::function<void(const core::Error&)>;

    OutboundServer(core::Loop& loop, OutboundConfig config, SessionFn on_session, FailureFn on_failure = {});
    ~OutboundServer();
    OutboundServer(const OutboundServer&) = delete;
    OutboundServer& operator=(const OutboundServer&) = delete;

    /// Binds and starts accepting. Errc::unavailable if the address is taken.
    core::Result<void> listen();
    /// The bound port (after listen()).
    std::uint16_t port() const noexcept;
    /// Stops accepting; sessions in progress go on.
    void stop_accepting();
    /// Sessions currently open.
    std::size_t open_sessions() const noexcept;

    struct Impl;

private:
    std::shared_ptr<Impl> m_impl;
};

}  // namespace fax::esl
