#pragma once
/// Private: one inbound event-socket connection and the server state it
/// shares. For lib/esl/inbound_*.cpp only (pulls in Boost.Asio).

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/loop.hpp"
#include "esl/acl.hpp"
#include "esl/command_parser.hpp"
#include "esl/inbound_server.hpp"
#include "esl/subscription.hpp"

namespace fax::esl {

class InboundListener;

/// An event waiting in listeners' queues. Serialized when it is written, in
/// the listener's format at that moment (as FreeSWITCH does), once per format.
class QueuedEvent {
public:
    explicit QueuedEvent(const EventData& e);
    QueuedEvent(const QueuedEvent&) = delete;
    QueuedEvent& operator=(const QueuedEvent&) = delete;
    /// The framed text/event-* message.
    const std::string& message(EventFormat f);
    /// Bytes it accounts for in a queue.
    std::size_t size() const noexcept { return m_size; }

private:
    EventData m_data;
    std::vector<Header> m_headers;
    std::shared_ptr<const std::string> m_framed[3];
    std::size_t m_size = 0;
};

struct InboundServer::Impl : std::enable_shared_from_this<InboundServer::Impl> {
    Impl(core::Loop& l, InboundServerConfig c);

    core::Loop& loop;
    InboundServerConfig config;
    EventStamper stamper;
    Acl acl;
    boost::asio::ip::tcp::acceptor acceptor;
    std::map<std::uint64_t, std::shared_ptr<InboundListener>> listeners;
    std::uint64_t next_id = 1;
    bool accepting = false;
    ApiFn api;
    SendMsgFn sendmsg;
    SendEventFn sendevent;
    ChannelExistsFn channel_exists;

    void accept();
    void broadcast(const EventData& e);
    /// Runs a bgapi job and fires its BACKGROUND_JOB.
    void run_job(std::string command, std::optional<std::string> args, std::string job_uuid);
    /// Forgets a closed listener (deferred: callers may be iterating).
    void forget(std::uint64_t id);
};

/// One connection. Lifetime: owned by the server's map and by pending I/O.
class InboundListener : public std::enable_shared_from_this<InboundListener> {
public:
    InboundListener(std::weak_ptr<InboundServer::Impl> server, boost::asio::ip::tcp::socket socket, std::uint64_t id);

    /// Sends auth/request and starts reading, or, for a peer the ACL refuses,
    /// the rude rejection, the goodbye and the close.
    void start(bool refused);
    /// Queues an event unless the queue is full.
    void enqueue(const std::shared_ptr<QueuedEvent>& event);
    /// Writes the disconnect notice with \a message and closes. With
    /// \a deliver_queued the queued events go out first, else they are dropped.
    void finish(std::string_view message, bool deliver_queued = false);
    /// Closes the socket now.
    void force_close();
    /// The bound channel hung up (see InboundServer::channel_hangup).
    void channel_hangup(std::string_view channel_name);

    const Subscription& subscription() const noexcept { return m_sub; }
    bool closing() const noexcept { return m_closing; }
    std::uint64_t id() const noexcept { return m_id; }

private:
    void read();
    void process();
    void pump();
    /// mod_event_socket.c parse_command(), in inbound_commands.cpp.
    void handle(Command& cmd);
    void handle_authed(std::string& cmd, Command& c);
    void api(std::string cmd, const Command& c);
    void bgapi(std::string cmd, const Command& c);
    void sendevent(std::string cmd, const Command& c);
    std::string sendmsg(std::string cmd, const Command& c);
    std::string linger(const std::string& cmd, bool on);
    std::string log(std::string cmd);
    /// Queues "Content-Type: command/reply\nReply-Text: <text>\n\n" (text cut to 511 bytes).
    void reply(std::string_view text);
    std::string disconnect_notice(std::string_view message) const;
    void flush_events();
    /// Moves the queued events into the outbox, serialized.
    void drain_events(std::size_t limit);

    std::weak_ptr<InboundServer::Impl> m_server;
    boost::asio::ip::tcp::socket m_socket;
    boost::asio::steady_timer m_timer;        ///< auth timeout, linger time
    boost::asio::steady_timer m_close_timer;  ///< close grace
    std::uint64_t m_id;
    CommandParser m_parser;
    std::array<char, 16384> m_rbuf{};
    std::string m_outbox;
    std::string m_writing;
    std::deque<std::shared_ptr<QueuedEvent>> m_events;
    std::size_t m_event_bytes = 0;
    unsigned m_lost = 0;
    Subscription m_sub;
    long long m_linger = -1;  ///< seconds, -1 = until the peer closes
    int m_log_level = 7;
    bool m_authed = false;
    bool m_got_first = false;
    bool m_busy = false;  ///< an api command runs
    bool m_processing = false;
    bool m_reading = false;
    bool m_peer_eof = false;
    bool m_writing_now = false;
    bool m_closing = false;
    bool m_closed = false;
    bool m_close_after_write = false;
    bool m_lingering = false;  ///< `linger` was asked for
    bool m_hung_up = false;    ///< FreeSWITCH's LFLAG_HANDLE_DISCO
    bool m_log = false;
};

}  // namespace fax::esl
