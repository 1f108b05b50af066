#pragma once
/// The FreeSWITCH side of inbound ESL (mod_event_socket's listener, 1.10):
/// accepts connections (ACL, rude rejection), sends auth/request, parses
/// commands as FreeSWITCH does and answers with its exact texts, keeps each
/// connection's subscription, filters and format, and delivers events.
/// What the switch does behind the socket (api commands, channels) belongs
/// to the application, through the callbacks below. Use from the loop thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "esl/command_parser.hpp"
#include "esl/event_data.hpp"

namespace fax::core {
class Loop;
}

namespace fax::esl {

struct InboundServerConfig {
    std::string host = "127.0.0.1";  ///< listen address
    std::uint16_t port = 8021;       ///< 0 picks a free port (see InboundServer::port)
    std::string password = "ClueCon";
    /// Allowed peers (Acl syntax: addresses, CIDRs, "loopback.auto"); empty:
    /// everyone. A refused peer gets text/rude-rejection, the goodbye notice
    /// and the close, and never an auth/request.
    std::vector<std::string> acl;
    /// The first command must arrive within this time (FreeSWITCH: 25 s), else goodbye and close.
    std::chrono::milliseconds auth_timeout{25000};
    /// Events waiting per connection (FreeSWITCH's MAX_QUEUE_LEN) and their
    /// bytes; an event that does not fit is lost.
    std::size_t max_queued_events = 100000;
    std::size_t max_queued_bytes = std::size_t{256} << 20;
    /// More consecutive lost events than this kill the connection with
    /// "killed listener because of lost events\n" (FreeSWITCH's MAX_MISSED).
    unsigned max_lost_events = 500;
    /// A closing connection whose peer does not read is cut after this.
    std::chrono::milliseconds close_grace{2000};
    /// Values of the standard event headers.
    SwitchIdentity identity;
};

class InboundServer {
public:
    /// One `api` or `bgapi` command.
    struct ApiCall {
        std::string command;              ///< e.g. "status", "db", "originate"
        std::optional<std::string> args;  ///< after the first space, verbatim; none without a space
        bool background = false;          ///< bgapi
        std::string job_uuid;             ///< bgapi's Job-UUID
    };
    /// What the command wrote to its stream.
    struct ApiOutput {
        std::string text;    ///< the output (a NUL byte ends it); empty → "-ERR no reply\n" for api
        bool found = true;   ///< false: "-ERR <command> Command not found!\n"
    };
    using ApiDone = std::function<void(ApiOutput)>;
    /// Runs an api/bgapi command. \a done must be called once, on the loop
    /// thread, now or later. For `api` the connection is blocked until then
    /// (no other reply, no event is written: FreeSWITCH runs api inline).
    using ApiFn = std::function<void(const ApiCall&, ApiDone done)>;
    /// `sendmsg` for channel \a uuid: false when no such channel exists.
    using SendMsgFn = std::function<bool(std::string_view uuid, const Command& msg)>;
    /// `sendevent`: true when the event was taken by a channel (its Unique-ID
    /// names one) and must not be fired.
    using SendEventFn = std::function<bool(const EventData& e)>;
    /// Whether channel \a uuid exists (`myevents <uuid>`).
    using ChannelExistsFn = std::function<bool(std::string_view uuid)>;

    InboundServer(core::Loop& loop, InboundServerConfig config);
    ~InboundServer();
    InboundServer(const InboundServer&) = delete;
    InboundServer& operator=(const InboundServer&) = delete;

    void on_api(ApiFn fn);
    void on_sendmsg(SendMsgFn fn);
    void on_sendevent(SendEventFn fn);
    void on_channel_exists(ChannelExistsFn fn);

    /// Binds and starts accepting. Errc::config for a bad address or ACL,
    /// Errc::unavailable when the port is taken.
    core::Result<void> listen();
    /// The bound port (after listen()).
    std::uint16_t port() const noexcept;

    /// Makes events with this server's identity and Event-Sequence counter.
    EventStamper& stamper() noexcept;

    /// Delivers \a e (which carries its standard headers, see stamper()) to
    /// every connection whose subscription, filters and myevents binding
    /// accept it, serialized in that connection's format.
    void broadcast(const EventData& e);

    /// Channel \a uuid hung up: connections bound to it by `myevents <uuid>`
    /// get the linger notice (if they asked to linger) or their queued events
    /// and the session's goodbye, then the close.
    void channel_hangup(std::string_view uuid, std::string_view channel_name);

    /// Stops accepting and closes every connection with
    /// "The system is being shut down.\n", as FreeSWITCH does on unload.
    void shutdown();

    /// Open connections.
    std::size_t connections() const noexcept;
    /// Connections not yet fully closed, closing ones included (their last
    /// bytes, such as a shutdown notice, may still be on their way).
    std::size_t sockets() const noexcept { return listener_count(); }

    struct Impl;

private:
    std::size_t listener_count() const noexcept;
    std::shared_ptr<Impl> m_impl;
};

}  // namespace fax::esl
