#include "hylafax/session_log.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fax::hylafax {

namespace {

// %b in the C locale, which is what HylaFAX's logs show whatever LANG says.
constexpr const char* k_months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

core::Error io_error(const char* what, const std::string& path, int err) {
    return core::make_error(core::Errc::io,
                            fmt::format("cannot {} session log {}: {}", what, path, std::strerror(err)));
}

}  // namespace

std::string format_session_log_line(std::int64_t unix_seconds, long nanoseconds, pid_t pid, std::string_view text) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    if (::localtime_r(&t, &tm) == nullptr) {
        tm = std::tm{};
    }
    const int month = tm.tm_mon >= 0 && tm.tm_mon < 12 ? tm.tm_mon : 0;
    std::string out = fmt::format("{} {:02d} {:02d}:{:02d}:{:02d}.{:02d}: [{:5d}]: ", k_months[month], tm.tm_mday,
                                  tm.tm_hour, tm.tm_min, tm.tm_sec, nanoseconds / 10'000'000, pid);
    out.reserve(out.size() + text.size() + 1);
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7F ? ' ' : c);
    }
    return out;
}

core::Result<SessionLog> SessionLog::create(const std::string& path, mode_t mode) {
    core::UniqueFd fd(
        ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777));
    if (!fd) {
        return io_error("create", path, errno);
    }
    // Off fds 0-2: when the caller's stdio is closed, "stderr" output must not land in the log.
    fd = core::above_stdio(std::move(fd));
    if (!fd) {
        const int err = errno;
        ::unlink(path.c_str());
        return io_error("create", path, err);
    }
    if (::fchmod(fd.get(), mode & 07777) != 0) {  // the umask has narrowed the open() mode
        const int err = errno;
        ::unlink(path.c_str());
        return io_error("set the mode of", path, err);
    }
    SessionLog log;
    log.m_fd = std::move(fd);
    log.m_path = path;
    return log;
}

core::Result<void> SessionLog::line(std::string_view text) {
    if (!m_fd) {
        return {};
    }
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    std::string record = format_session_log_line(now.tv_sec, now.tv_nsec, ::getpid(), text);
    record.push_back('\n');
    ssize_t n = 0;
    do {
        n = ::write(m_fd.get(), record.data(), record.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return io_error("write", m_path, errno);
    }
    if (static_cast<std::size_t>(n) != record.size()) {
        return core::make_error(core::Errc::io, fmt::format("short write to session log {}", m_path));
    }
    return {};
}

}  // namespace fax::hylafax
