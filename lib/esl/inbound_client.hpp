#pragma once
/// Inbound ESL client: connects to FreeSWITCH (default 127.0.0.1:8021),
/// authenticates, keeps subscriptions and filters across reconnects, and
/// correlates bgapi jobs with their BACKGROUND_JOB events.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "esl/event.hpp"

namespace fax::core {
class Loop;
}

namespace fax::esl {

struct ClientConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8021;
    std::string password = "ClueCon";  ///< never logged
    std::chrono::milliseconds timeout{10000};  ///< connect, auth and each reply
    bool reconnect = false;  ///< reconnect forever after a loss
    std::chrono::milliseconds backoff_initial{100};
    std::chrono::milliseconds backoff_max{30000};
    /// If no byte arrived for this long, probe with `api status`; a probe
    /// unanswered within `timeout` drops the connection. Zero: off.
    std::chrono::milliseconds keepalive{0};
};

/// The answer to one command: Reply-Text of command/reply, or the body of
/// api/response or of the BACKGROUND_JOB (bgapi).
struct Reply {
    std::string text;
    std::string job_uuid;  ///< bgapi only
    /// False for "-ERR …" and "-USAGE…" answers.
    bool ok() const noexcept;
};

/// A connection state change, for logs and `esl.connected`/`esl.disconnected` records.
struct ConnectionState {
    bool connected = false;
    unsigned attempt = 0;             ///< connection attempts so far (1-based)
    core::Error error;                ///< why it ended (when !connected)
    bool orderly = false;             ///< the server said goodbye
    std::int64_t retry_in_ms = -1;    ///< next attempt, or -1 when none
};

/// Not thread-safe; use from the loop thread. Callbacks may call back in.
class InboundClient {
public:
    using ReplyFn = std::function<void(core::Result<Reply>)>;
    using EventFn = std::function<void(const Event&)>;
    using StateFn = std::function<void(const ConnectionState&)>;

    InboundClient(core::Loop& loop, ClientConfig config);
    ~InboundClient();
    InboundClient(const InboundClient&) = delete;
    InboundClient& operator=(const InboundClient&) = delete;

    void on_event(EventFn fn);
    /// Called for an event that could not be decoded (it is skipped).
    void on_bad_event(std::function<void(const core::Error&)> fn);
    /// Called on every connect and disconnect. Without reconnect, the first
    /// disconnect (or failure to connect) is final.
    void on_state(StateFn fn);

    /// Connects (asynchronously). Commands issued before the connection is up
    /// are queued and sent after authentication.
    void start();
    /// Disconnects for good; pending commands fail with Errc::unavailable.
    /// This end is not reported through on_state.
    void stop();

    /// Session state, replayed after every reconnect. All commands, session
    /// or one-shot, are sent in the order they were issued.
    void subscribe(EventFormat format, std::vector<std::string> names, ReplyFn fn = {});
    void nixevent(std::vector<std::string> names, ReplyFn fn = {});
    void noevents(ReplyFn fn = {});
    void add_filter(std::string header, std::string value, ReplyFn fn = {});
    void delete_filter(std::string header, std::string value, ReplyFn fn = {});

    /// One-shot commands; they fail if the connection is lost before the answer.
    void api(std::string command, ReplyFn fn);
    /// Runs `bgapi` and answers with the BACKGROUND_JOB's body.
    void bgapi(std::string command, ReplyFn fn);

    struct Impl;

private:
    std::shared_ptr<Impl> m_impl;
};

}  // namespace fax::esl
