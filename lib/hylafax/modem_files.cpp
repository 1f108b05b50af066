#include "hylafax/modem_files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

namespace fax::hylafax {

namespace {

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Opens \a path for writing, creating it with exactly \a mode (umask aside)
// when missing.
core::Result<core::UniqueFd> open_or_create(const std::string& path, mode_t mode) {
    core::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd && errno == ENOENT) {
        fd.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
        if (fd && ::fchmod(fd.get(), mode) != 0) {
            return spool_file_error(errno, "chmod", path);
        }
        if (!fd && errno == EEXIST) {  // created meanwhile by someone else
            fd.reset(::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
        }
    }
    if (!fd) {
        return spool_file_error(errno, "open", path);
    }
    fd = core::above_stdio(std::move(fd));
    if (!fd) {
        return spool_file_error(errno, "move descriptor of", path);
    }
    return fd;
}

bool is_hex(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

core::Error spool_file_error(int err, std::string_view what, const std::string& path) {
    core::Errc code = core::Errc::io;
    if (err == EACCES || err == EPERM || err == EROFS) {
        code = core::Errc::permission;
    } else if (err == ENOENT || err == ENOTDIR) {
        code = core::Errc::config;
    }
    return core::make_error(code, fmt::format("cannot {} {}: {}", what, path, std::strerror(err)));
}

// status/<id>: under flock(LOCK_EX), the text without a newline. Written over
// the old text, then cut to its length: truncating to 0 first costs ext4 a
// block freed and allocated again (~130 µs against ~11 µs a file, measured).
core::Result<void> write_modem_status_file(const std::string& path, std::string_view text) {
    auto fd = open_or_create(path, 0644);
    if (!fd) {
        return std::move(fd).error();
    }
    while (::flock(fd->get(), LOCK_EX) != 0) {
        if (errno != EINTR) {
            return spool_file_error(errno, "lock", path);
        }
    }
    if (!write_all(fd->get(), text) || ::ftruncate(fd->get(), static_cast<off_t>(text.size())) != 0) {
        return spool_file_error(errno, "write", path);
    }
    return {};
}

// etc/config.<id>, only when missing (O_EXCL: never overwritten).
core::Result<bool> create_modem_config_file(const std::string& path, std::string_view id, std::string_view local_number,
                                           std::optional<unsigned> recv_file_mode) {
    std::string text = fmt::format("# Virtual modem {} of fax-recv (faxkit). Edits are kept.\n", id);
    if (!local_number.empty()) {
        fmt::format_to(std::back_inserter(text), "FAXNumber:\t\t{}\n", local_number);
    }
    if (recv_file_mode) {
        fmt::format_to(std::back_inserter(text), "RecvFileMode:\t\t0{:o}\n", *recv_file_mode);
    }
    core::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd) {
        if (errno == EEXIST) {
            return false;
        }
        return spool_file_error(errno, "create", path);
    }
    if (::fchmod(fd.get(), 0644) != 0 || !write_all(fd.get(), text)) {
        return spool_file_error(errno, "write", path);
    }
    return true;
}

// FIFO.<id>: made (0600) when missing, opened O_RDWR|O_NONBLOCK.
core::Result<core::UniqueFd> open_modem_fifo(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) {
            return spool_file_error(errno, "inspect", path);
        }
        if (::mkfifo(path.c_str(), 0600) == 0) {
            if (::chmod(path.c_str(), 0600) != 0) {  // the umask aside
                return spool_file_error(errno, "chmod", path);
            }
        } else if (errno != EEXIST) {  // EEXIST: made meanwhile by someone else
            return spool_file_error(errno, "create FIFO", path);
        }
        if (::lstat(path.c_str(), &st) != 0) {
            return spool_file_error(errno, "inspect", path);
        }
    }
    if (!S_ISFIFO(st.st_mode)) {
        return core::make_error(core::Errc::config, fmt::format("modem FIFO {}: exists and is not a FIFO", path));
    }
    core::UniqueFd fd(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        return spool_file_error(errno, "open", path);
    }
    fd = core::above_stdio(std::move(fd));
    if (!fd) {
        return spool_file_error(errno, "move descriptor of", path);
    }
    return fd;
}

// [Pp] + 8 hex digits + optional ":" + 1-4 hex digits (faxgetty: "%c%08x:%02x").
bool valid_modem_capabilities(std::string_view caps) noexcept {
    if (caps.size() < 9 || (caps[0] != 'P' && caps[0] != 'p')) {
        return false;
    }
    for (std::size_t i = 1; i < 9; ++i) {
        if (!is_hex(caps[i])) {
            return false;
        }
    }
    const std::string_view rest = caps.substr(9);
    if (rest.empty()) {
        return true;
    }
    if (rest.front() != ':' || rest.size() < 2 || rest.size() > 5) {
        return false;
    }
    for (const char c : rest.substr(1)) {
        if (!is_hex(c)) {
            return false;
        }
    }
    return true;
}

}  // namespace fax::hylafax
