#pragma once
/// UniqueFd: an owned file descriptor, closed on destruction; and
/// above_stdio(), which keeps library descriptors off fds 0-2.
///
/// A process started with fds 0-2 closed (faxq does that) gets 0, 1 or 2
/// back from the next open()/pipe(); a library fd sitting there would
/// receive whatever the program later prints to "stderr", or be clobbered
/// when a child's stdio is set up. above_stdio() moves such a descriptor.

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <utility>

namespace fax::core {

/// Owns one descriptor (-1 = none). Move-only.
class UniqueFd {
public:
    UniqueFd() noexcept = default;
    explicit UniqueFd(int fd) noexcept : m_fd(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset(std::exchange(other.m_fd, -1));
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const noexcept { return m_fd; }
    bool valid() const noexcept { return m_fd >= 0; }
    explicit operator bool() const noexcept { return valid(); }

    /// Gives up ownership without closing.
    int release() noexcept { return std::exchange(m_fd, -1); }

    /// Closes the current descriptor (errno preserved) and owns \a fd instead.
    void reset(int fd = -1) noexcept {
        if (m_fd >= 0) {
            const int saved = errno;
            ::close(m_fd);
            errno = saved;
        }
        m_fd = fd;
    }

private:
    int m_fd = -1;
};

/// Returns \a fd unchanged when it is >= 3; otherwise a close-on-exec
/// duplicate numbered >= 3 (the original is closed). On failure the result
/// is invalid and errno tells why.
inline UniqueFd above_stdio(UniqueFd fd) noexcept {
    if (!fd.valid() || fd.get() > 2) {
        return fd;
    }
    return UniqueFd(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3));
}

}  // namespace fax::core
