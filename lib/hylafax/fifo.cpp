#include "hylafax/fifo.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fax::hylafax {

core::Result<void> send_fifo_message(const std::string& path, std::string_view message) {
    if (message.empty() || message.size() > k_max_fifo_message ||
        message.find_first_of(std::string_view("\0\n\r", 3)) != std::string_view::npos) {
        return core::make_error(core::Errc::usage, "bad FIFO message (empty, too long, or with a NUL or line break)");
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return core::make_error(err == ENXIO || err == ENOENT ? core::Errc::unavailable : core::Errc::io,
                                fmt::format("cannot open {}: {}", path,
                                            err == ENXIO ? "no reader (is faxq running?)" : std::strerror(err)));
    }
    std::string bytes(message);
    bytes.push_back('\0');
    ssize_t n = 0;
    do {
        n = ::write(fd, bytes.data(), bytes.size());
    } while (n < 0 && errno == EINTR);
    const int err = errno;
    ::close(fd);
    if (n < 0) {
        return core::make_error(err == EAGAIN ? core::Errc::temporary : core::Errc::io,
                                fmt::format("cannot write to {}: {}", path, std::strerror(err)));
    }
    if (static_cast<std::size_t>(n) != bytes.size()) {
        return core::make_error(core::Errc::io, fmt::format("short write to {}", path));
    }
    return {};
}

bool valid_modem_id(std::string_view modem) noexcept {
    if (modem.empty() || modem.size() > 64) {
        return false;
    }
    for (const char c : modem) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string modem_ready_message(std::string_view modem, std::string_view capabilities) {
    return fmt::format("+{}:R{}", modem, capabilities);
}

std::string modem_busy_message(std::string_view modem) { return fmt::format("+{}:B", modem); }

std::string modem_down_message(std::string_view modem) { return fmt::format("+{}:D", modem); }

}  // namespace fax::hylafax
