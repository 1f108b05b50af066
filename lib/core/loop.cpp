#include "core/loop.hpp"

#include <array>
#include <cerrno>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <unistd.h>

#include "core/loop_asio.hpp"

namespace fax::core {

namespace asio = boost::asio;

Loop::Loop() : m_impl(std::make_unique<Impl>()) {}
Loop::~Loop() = default;

void Loop::run() {
    // A handler's exception is a bug; it must not unwind through Asio silently.
    m_impl->io.run();
}

void Loop::stop() { m_impl->io.stop(); }

void Loop::post(std::function<void()> fn) { asio::post(m_impl->io, std::move(fn)); }

std::shared_ptr<void> Loop::hold() {
    using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
    return std::make_shared<Guard>(m_impl->io.get_executor());
}

Loop::TimerId Loop::after(std::chrono::milliseconds delay, std::function<void()> fn) {
    const TimerId id = m_impl->next_timer++;
    auto timer = std::make_unique<asio::steady_timer>(m_impl->io, delay);
    timer->async_wait([this, id, fn = std::move(fn)](const boost::system::error_code& ec) {
        if (ec) {
            return;
        }
        m_impl->timers.erase(id);
        fn();
    });
    m_impl->timers.emplace(id, std::move(timer));
    return id;
}

void Loop::cancel(TimerId id) {
    auto it = m_impl->timers.find(id);
    if (it != m_impl->timers.end()) {
        it->second->cancel();
        m_impl->timers.erase(it);
    }
}

void Loop::on_signals(const std::vector<int>& signals, std::function<void(int)> fn) {
    m_impl->signals = std::make_unique<asio::signal_set>(m_impl->io);
    for (const int s : signals) {
        m_impl->signals->add(s);
    }
    auto handler = std::make_shared<std::function<void(const boost::system::error_code&, int)>>();
    *handler = [this, fn = std::move(fn), handler](const boost::system::error_code& ec, int signo) {
        if (ec) {
            return;
        }
        fn(signo);
        if (m_impl->signals) {
            m_impl->signals->async_wait(*handler);
        }
    };
    m_impl->signals->async_wait(*handler);
}

namespace {

// Reads a descriptor; regular files cannot be polled, so they are read in
// chunks through posted handlers instead.
struct FdReader : std::enable_shared_from_this<FdReader> {
    FdReader(asio::io_context& ctx, int in_fd, std::function<void(std::string_view, bool)> on_data)
        : io(ctx), fd(in_fd), stream(ctx), fn(std::move(on_data)) {}

    void start() {
        boost::system::error_code ec;
        stream.assign(::dup(fd), ec);
        if (!ec) {
            stream.non_blocking(true, ec);
        }
        if (ec) {
            plain = true;
            stream.release();
        }
        next();
    }

    void next() {
        auto self = shared_from_this();
        if (plain) {
            asio::post(io, [self] {
                const ssize_t n = ::read(self->fd, self->buf.data(), self->buf.size());
                if (n < 0 && errno == EINTR) {
                    self->next();
                    return;
                }
                if (n <= 0) {
                    self->fn({}, true);
                    return;
                }
                self->fn(std::string_view(self->buf.data(), static_cast<std::size_t>(n)), false);
                self->next();
            });
            return;
        }
        stream.async_read_some(asio::buffer(buf), [self](const boost::system::error_code& ec, std::size_t n) {
            if (n > 0) {
                self->fn(std::string_view(self->buf.data(), n), false);
            }
            if (ec) {
                self->fn({}, true);
                return;
            }
            self->next();
        });
    }

    asio::io_context& io;
    int fd;
    asio::posix::stream_descriptor stream;
    std::function<void(std::string_view, bool)> fn;
    std::array<char, 65536> buf{};
    bool plain = false;
};

}  // namespace

void Loop::read_fd(int fd, std::function<void(std::string_view, bool)> fn) {
    std::make_shared<FdReader>(m_impl->io, fd, std::move(fn))->start();
}

}  // namespace fax::core
