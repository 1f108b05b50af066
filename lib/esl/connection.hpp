#pragma once
/// One ESL TCP connection, either side: frames incoming bytes with Decoder,
/// answers commands in FIFO order (replies come strictly in command order,
/// with events, logs and notices interleaved), and writes outgoing commands.
/// Shared by the inbound client and the outbound-socket server.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "esl/decoder.hpp"
#include "esl/message.hpp"

namespace fax::core {
class Loop;
}

namespace fax::esl {

/// Lifetime: owned by shared_ptr; pending I/O keeps it alive until closed.
/// Thread-safety: use from the loop thread only.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    /// Receives the reply message (command/reply, api/response, or the
    /// outbound connect reply), or an error if the connection ended or the
    /// reply did not arrive within the reply timeout. The pointer is valid
    /// during the call only.
    using ReplyFn = std::function<void(core::Result<const Message*>)>;
    /// Every message that is not a reply: events, notices, logs, rejections.
    /// The handler may consume the message (Event::take).
    using MessageFn = std::function<void(Message&)>;
    /// Called once when the connection ends. \a orderly: the peer said goodbye
    /// (text/disconnect-notice) before closing, or close() was called.
    using CloseFn = std::function<void(const core::Error& why, bool orderly)>;

    struct Impl;
    explicit Connection(std::unique_ptr<Impl> impl);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void set_handlers(MessageFn on_message, CloseFn on_close);
    /// A reply not received within \a timeout ends the connection (the FIFO
    /// cannot be resynchronised). Zero disables it. Default 10 s.
    void set_reply_timeout(std::chrono::milliseconds timeout);
    /// For servers holding thousands of mostly idle connections: wait for
    /// data without a buffer, read it through one buffer shared by the
    /// thread, and free this connection's buffers whenever no message is
    /// partly received, so an idle connection holds no read buffer. Costs a
    /// copy of every byte. The loop must run on one thread. Call before start().
    void set_lean(bool lean) noexcept;
    /// Starts reading. Requires: handlers set.
    void start();
    /// Queues \a bytes (one encoded command) and expects one reply for it.
    void send(std::string bytes, ReplyFn on_reply);
    /// Queues bytes that get no reply (e.g. data written by a test double).
    void send_raw(std::string bytes);
    /// Closes now; pending replies fail with Errc::unavailable; on_close runs
    /// with orderly = true. (When the connection ends otherwise, pending
    /// replies fail with that cause: unavailable, temporary for a reply
    /// timeout, protocol for a malformed frame.)
    void close();
    bool is_open() const noexcept;
    /// "host:port" of the peer.
    const std::string& peer() const noexcept;
    /// Commands sent whose reply has not arrived.
    std::size_t pending() const noexcept;

    Impl& impl() noexcept { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace fax::esl
