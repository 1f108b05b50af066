#pragma once
// Test doubles' side of a loopback TCP connection, in plain blocking POSIX
// sockets with a deadline on every wait (so a broken test fails, never hangs).
// Used from a std::jthread while the code under test runs core::Loop.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/loop.hpp"

namespace faxkit_test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// Milliseconds left until \a deadline (0 when past).
inline int ms_left(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

/// Waits for \a fd to be readable; false on timeout.
inline bool wait_readable(int fd, Clock::time_point deadline) {
    pollfd p{fd, POLLIN, 0};
    while (true) {
        const int n = ::poll(&p, 1, ms_left(deadline));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return n > 0;
    }
}

/// One connected socket.
class Peer {
public:
    explicit Peer(int fd) : m_fd(fd) {
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    Peer(Peer&& o) noexcept : m_fd(std::exchange(o.m_fd, -1)), m_buf(std::move(o.m_buf)) {}
    Peer& operator=(Peer&&) = delete;
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;
    ~Peer() { close(); }

    /// Writes everything; false if the other side is gone.
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                return false;
            }
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    /// The next ESL message: a header block up to the empty line and, if it
    /// has a Content-Length header, that many body bytes. nullopt on EOF or
    /// timeout.
    std::optional<std::string> read_message(std::chrono::milliseconds timeout = 5000ms) {
        const auto deadline = Clock::now() + timeout;
        while (true) {
            const auto end = m_buf.find("\n\n");
            if (end != std::string::npos) {
                const std::size_t need = end + 2 + content_length(std::string_view(m_buf).substr(0, end));
                if (m_buf.size() >= need) {
                    std::string msg = m_buf.substr(0, need);
                    m_buf.erase(0, need);
                    return msg;
                }
            }
            if (!fill(deadline)) {
                return std::nullopt;
            }
        }
    }

    /// True when the other side closes within \a timeout.
    bool wait_eof(std::chrono::milliseconds timeout = 5000ms) {
        const auto deadline = Clock::now() + timeout;
        while (fill(deadline)) {
        }
        return m_eof;
    }

    void close() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

    /// Bytes received but not returned yet.
    const std::string& pending() const { return m_buf; }

private:
    static std::size_t content_length(std::string_view block) {
        std::size_t start = 0;
        while (start < block.size()) {
            auto nl = block.find('\n', start);
            if (nl == std::string_view::npos) {
                nl = block.size();
            }
            const std::string_view line = block.substr(start, nl - start);
            start = nl + 1;
            const auto colon = line.find(':');
            if (colon == 14 && ::strncasecmp(line.data(), "Content-Length", 14) == 0) {
                return std::stoul(std::string(line.substr(colon + 1)));
            }
        }
        return 0;
    }

    bool fill(Clock::time_point deadline) {
        if (m_eof || m_fd < 0 || !wait_readable(m_fd, deadline)) {
            return false;
        }
        char buf[65536];
        const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n <= 0) {
            m_eof = true;
            return false;
        }
        m_buf.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    int m_fd = -1;
    std::string m_buf;
    bool m_eof = false;
};

/// A listening socket on 127.0.0.1 with a free port.
class Listener {
public:
    Listener() {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        EXPECT_GE(m_fd, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        EXPECT_EQ(::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        EXPECT_EQ(::listen(m_fd, 8), 0);
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
    }
    ~Listener() { ::close(m_fd); }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    std::uint16_t port() const { return m_port; }

    /// The next connection, or nullopt when none comes within \a timeout.
    std::optional<Peer> accept(std::chrono::milliseconds timeout = 5000ms) {
        if (!wait_readable(m_fd, Clock::now() + timeout)) {
            return std::nullopt;
        }
        const int fd = ::accept(m_fd, nullptr, nullptr);
        if (fd < 0) {
            return std::nullopt;
        }
        return Peer(fd);
    }

private:
    int m_fd = -1;
    std::uint16_t m_port = 0;
};

/// Connects to 127.0.0.1:\a port.
inline std::optional<Peer> connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    return Peer(fd);
}

/// Value of header \a name in a message's header block ("" when absent).
inline std::string header_of(std::string_view msg, std::string_view name) {
    const std::string_view block = msg.substr(0, msg.find("\n\n"));
    std::size_t start = 0;
    while (start < block.size()) {
        auto nl = block.find('\n', start);
        if (nl == std::string_view::npos) {
            nl = block.size();
        }
        const std::string_view line = block.substr(start, nl - start);
        start = nl + 1;
        if (line.size() > name.size() && line[name.size()] == ':' &&
            ::strncasecmp(line.data(), std::string(name).c_str(), name.size()) == 0) {
            std::string_view v = line.substr(name.size() + 1);
            while (!v.empty() && v.front() == ' ') {
                v.remove_prefix(1);
            }
            return std::string(v);
        }
    }
    return {};
}

// --- What FreeSWITCH sends -------------------------------------------------

inline const std::string k_auth_request = "Content-Type: auth/request\n\n";
inline const std::string k_goodbye =
    "Content-Type: text/disconnect-notice\nContent-Length: 67\n\n"
    "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
inline const std::string k_rude = "Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n";

inline std::string reply(std::string_view text) {
    return "Content-Type: command/reply\nReply-Text: " + std::string(text) + "\n\n";
}

inline std::string api_response(std::string_view body) {
    return "Content-Type: api/response\nContent-Length: " + std::to_string(body.size()) + "\n\n" + std::string(body);
}

/// A text/event-plain message; values must already be URL-encoded.
inline std::string plain_event(const std::vector<std::pair<std::string, std::string>>& headers,
                               std::optional<std::string> body = std::nullopt) {
    std::string inner;
    for (const auto& [n, v] : headers) {
        inner += n + ": " + v + "\n";
    }
    if (body) {
        inner += "Content-Length: " + std::to_string(body->size()) + "\n\n" + *body;
    } else {
        inner += "\n";
    }
    return "Content-Length: " + std::to_string(inner.size()) + "\nContent-Type: text/event-plain\n\n" + inner;
}

/// Fails the test and stops \a loop if it is still running after \a limit.
class LoopGuard {
public:
    explicit LoopGuard(fax::core::Loop& loop, std::chrono::milliseconds limit = 10000ms) {
        loop.after(limit, [&loop, limit] {
            ADD_FAILURE() << "the loop still ran after " << limit.count() << " ms";
            loop.stop();
        });
    }
};

}  // namespace faxkit_test
