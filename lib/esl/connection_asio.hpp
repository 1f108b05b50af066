#pragma once
/// Private: builds a Connection from a connected Asio socket. For lib/ .cpp files.

#include <array>
#include <deque>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "esl/connection.hpp"

namespace fax::esl {

struct Connection::Impl {
    explicit Impl(boost::asio::ip::tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}

    struct Pending {
        ReplyFn fn;
        std::chrono::steady_clock::time_point deadline;
    };

    boost::asio::ip::tcp::socket socket;
    boost::asio::steady_timer timer;
    Decoder decoder;
    Message message;
    std::deque<Pending> fifo;
    std::string outbox;
    std::string writing;
    std::string peer;
    MessageFn on_message;
    CloseFn on_close;
    std::chrono::milliseconds reply_timeout{10000};
    bool writing_now = false;
    bool closed = false;
    bool goodbye = false;
    bool timer_armed = false;
    bool lean = false;  ///< see Connection::set_lean
};

/// Wraps a connected socket. TCP_NODELAY is set.
std::shared_ptr<Connection> make_connection(boost::asio::ip::tcp::socket socket);

}  // namespace fax::esl
