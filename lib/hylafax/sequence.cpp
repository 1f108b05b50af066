#include "hylafax/sequence.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fax::hylafax {

namespace {

constexpr std::uint32_t k_max = 999999999;

// Closes the descriptor (and so releases the lock) on every path.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

}  // namespace

core::Result<std::uint32_t> next_sequence(const std::string& path, bool sync) {
    auto fail = [&](const char* what) {
        return core::make_error(core::Errc::io, fmt::format("cannot {} {}: {}", what, path, std::strerror(errno)));
    };
    Fd f;
    f.fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (f.fd < 0 && errno == ENOENT) {
        f.fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (f.fd < 0 && errno == EEXIST) {  // created meanwhile by another process
            f.fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
        }
    }
    if (f.fd < 0) {
        return fail("open sequence file");
    }
    while (::flock(f.fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            return fail("lock sequence file");
        }
    }
    char buf[32] = {};
    ssize_t n = 0;
    do {
        n = ::pread(f.fd, buf, sizeof buf - 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return fail("read sequence file");
    }
    std::uint32_t value = 0;
    const char* end = buf + n;
    while (end > buf && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r')) {
        --end;
    }
    const auto r = std::from_chars(buf, end, value);
    if (r.ec != std::errc{} || r.ptr != end || value == 0 || value >= k_max) {
        value = 1;
    }
    const std::uint32_t next = value + 1 >= k_max ? 1 : value + 1;
    const std::string text = std::to_string(next);
    if (::pwrite(f.fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        return fail("write sequence file");
    }
    if (text.size() < static_cast<std::size_t>(n) && ::ftruncate(f.fd, static_cast<off_t>(text.size())) != 0) {
        return fail("truncate sequence file");
    }
    if (sync && ::fsync(f.fd) != 0) {
        return fail("sync sequence file");
    }
    return value;
}

std::string format_commid(std::uint32_t n) { return fmt::format("{:09d}", n); }

}  // namespace fax::hylafax
