#include "esl/connection.hpp"

#include <utility>

#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "esl/connection_asio.hpp"

namespace fax::esl {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t k_read_size = 65536;

bool is_reply(const Message& m) {
    const std::string_view ct = m.content_type();
    return header_name_equal(ct, "command/reply") || header_name_equal(ct, "api/response");
}

}  // namespace

std::shared_ptr<Connection> make_connection(asio::ip::tcp::socket socket) {
    error_code ec;
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    auto impl = std::make_unique<Connection::Impl>(std::move(socket));
    const auto ep = impl->socket.remote_endpoint(ec);
    if (!ec) {
        impl->peer = fmt::format("{}:{}", ep.address().to_string(), ep.port());
    }
    return std::make_shared<Connection>(std::move(impl));
}

Connection::Connection(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Connection::~Connection() = default;

void Connection::set_handlers(MessageFn on_message, CloseFn on_close) {
    m_impl->on_message = std::move(on_message);
    m_impl->on_close = std::move(on_close);
}

void Connection::set_reply_timeout(std::chrono::milliseconds timeout) { m_impl->reply_timeout = timeout; }

bool Connection::is_open() const noexcept { return !m_impl->closed; }
const std::string& Connection::peer() const noexcept { return m_impl->peer; }
std::size_t Connection::pending() const noexcept { return m_impl->fifo.size(); }

namespace {

void finish(Connection& c, const std::shared_ptr<Connection>& keep, core::Error why, bool orderly) {
    auto& im = c.impl();
    if (im.closed) {
        return;
    }
    im.closed = true;
    error_code ec;
    im.timer.cancel();
    im.socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    im.socket.close(ec);
    auto fifo = std::move(im.fifo);
    im.fifo.clear();
    for (auto& p : fifo) {
        if (p.fn) {
            p.fn(why);
        }
    }
    if (im.on_close) {
        auto fn = std::move(im.on_close);
        im.on_close = nullptr;
        fn(why, orderly);
    }
    im.on_message = nullptr;
    (void)keep;
}

void arm_timer(const std::shared_ptr<Connection>& self) {
    auto& im = self->impl();
    if (im.closed || im.fifo.empty() || im.reply_timeout.count() == 0) {
        im.timer.cancel();
        im.timer_armed = false;
        return;
    }
    im.timer.expires_at(im.fifo.front().deadline);
    im.timer_armed = true;
    std::weak_ptr<Connection> weak = self;
    im.timer.async_wait([weak](const error_code& ec) {
        auto s = weak.lock();
        if (!s || ec || s->impl().closed) {
            return;
        }
        auto& i = s->impl();
        if (!i.fifo.empty() && i.fifo.front().deadline <= std::chrono::steady_clock::now()) {
            finish(*s, s,
                   core::make_error(core::Errc::temporary,
                                    fmt::format("no reply from {} within {} ms", i.peer, i.reply_timeout.count())),
                   false);
            return;
        }
        arm_timer(s);
    });
}

void do_write(const std::shared_ptr<Connection>& self) {
    auto& im = self->impl();
    if (im.writing_now || im.outbox.empty() || im.closed) {
        return;
    }
    im.writing.swap(im.outbox);
    im.outbox.clear();
    im.writing_now = true;
    asio::async_write(im.socket, asio::buffer(im.writing), [self](const error_code& ec, std::size_t) {
        auto& i = self->impl();
        i.writing_now = false;
        i.writing.clear();
        if (ec) {
            finish(*self, self, core::make_error(core::Errc::unavailable, fmt::format("write to {}: {}", i.peer, ec.message())),
                   false);
            return;
        }
        do_write(self);
        if (i.lean && !i.writing_now) {
            // All written: give the buffers back (see Connection::set_lean).
            (void)std::exchange(i.writing, std::string());
            (void)std::exchange(i.outbox, std::string());
        }
    });
}

void dispatch(const std::shared_ptr<Connection>& self) {
    auto& im = self->impl();
    while (!im.closed) {
        auto got = im.decoder.next(im.message);
        if (!got) {
            finish(*self, self,
                   core::make_error(core::Errc::protocol, fmt::format("protocol error from {}: {}", im.peer, got.error().message)),
                   false);
            return;
        }
        if (!*got) {
            return;
        }
        Message& m = im.message;
        if (is_reply(m) && !im.fifo.empty()) {
            auto fn = std::move(im.fifo.front().fn);
            im.fifo.pop_front();
            arm_timer(self);
            if (fn) {
                fn(&m);
            }
            continue;
        }
        if (header_name_equal(m.content_type(), "text/disconnect-notice")) {
            const auto disp = m.header("Content-Disposition");
            if (!disp || !header_name_equal(*disp, "linger")) {
                im.goodbye = true;
            }
        }
        if (im.on_message) {
            im.on_message(m);
        }
    }
}

// The read ended with \a ec (end of stream or an error).
void read_failed(const std::shared_ptr<Connection>& self, const error_code& ec) {
    auto& i = self->impl();
    if (ec == asio::error::eof) {
        const bool partial = i.decoder.buffered() > 0;
        std::string why = i.goodbye ? fmt::format("{} said goodbye", i.peer)
                                    : fmt::format("connection closed by {}{}", i.peer,
                                                  partial ? " in the middle of a message" : "");
        finish(*self, self, core::make_error(core::Errc::unavailable, why), i.goodbye && !partial);
    } else {
        finish(*self, self, core::make_error(core::Errc::unavailable, fmt::format("read from {}: {}", i.peer, ec.message())),
               false);
    }
}

void do_read(const std::shared_ptr<Connection>& self) {
    auto& im = self->impl();
    // Read straight into the decoder's buffer (no intermediate copy).
    char* room = im.decoder.prepare(k_read_size);
    im.socket.async_read_some(asio::buffer(room, k_read_size), [self](const error_code& ec, std::size_t n) {
        auto& i = self->impl();
        i.decoder.commit(n);
        if (i.closed) {
            return;
        }
        if (n > 0) {
            dispatch(self);
            if (i.closed) {
                return;
            }
        }
        if (ec) {
            read_failed(self, ec);
            return;
        }
        do_read(self);
    });
}

// Connection::set_lean: no buffer while waiting. A short read means the socket
// was drained; data arriving later wakes the (single-threaded) loop again.
void do_read_lean(const std::shared_ptr<Connection>& self) {
    self->impl().socket.async_wait(asio::socket_base::wait_read, [self](const error_code& wait_ec) {
        auto& i = self->impl();
        if (i.closed) {
            return;
        }
        if (wait_ec) {
            read_failed(self, wait_ec);
            return;
        }
        thread_local std::unique_ptr<char[]> scratch;
        if (!scratch) {
            scratch = std::make_unique<char[]>(k_read_size);
        }
        for (;;) {
            error_code ec;
            const std::size_t n = i.socket.read_some(asio::buffer(scratch.get(), k_read_size), ec);
            if (n > 0) {
                i.decoder.feed(std::string_view(scratch.get(), n));
                dispatch(self);
                if (i.closed) {
                    return;
                }
            }
            if (ec == asio::error::would_block || (!ec && n < k_read_size)) {
                break;
            }
            if (ec) {
                read_failed(self, ec);
                return;
            }
        }
        if (i.decoder.buffered() == 0) {
            // Nothing partly received: give the buffers back (moving out
            // frees them; assigning an empty string would keep its capacity).
            (void)std::exchange(i.decoder, Decoder());
            (void)std::exchange(i.message, Message());
        }
        do_read_lean(self);
    });
}

}  // namespace

void Connection::set_lean(bool lean) noexcept { m_impl->lean = lean; }

void Connection::start() {
    if (m_impl->lean) {
        error_code ec;
        m_impl->socket.non_blocking(true, ec);
        do_read_lean(shared_from_this());
        return;
    }
    do_read(shared_from_this());
}


void Connection::send(std::string bytes, ReplyFn on_reply) {
    if (m_impl->closed) {
        if (on_reply) {
            on_reply(core::make_error(core::Errc::unavailable, "not connected"));
        }
        return;
    }
    m_impl->fifo.push_back(Impl::Pending{std::move(on_reply), std::chrono::steady_clock::now() + m_impl->reply_timeout});
    if (m_impl->fifo.size() == 1) {
        arm_timer(shared_from_this());
    }
    send_raw(std::move(bytes));
}

void Connection::send_raw(std::string bytes) {
    if (m_impl->closed) {
        return;
    }
    m_impl->outbox.append(bytes);
    do_write(shared_from_this());
}

void Connection::close() {
    finish(*this, shared_from_this(), core::make_error(core::Errc::unavailable, "connection closed"), true);
}

}  // namespace fax::esl
