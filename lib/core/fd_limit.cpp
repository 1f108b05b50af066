#include "core/fd_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "core/file.hpp"

namespace fax::core {

namespace {

rlim_t nr_open() {
    unsigned long long n = 0;
    if (auto text = read_file("/proc/sys/fs/nr_open", 64);
        text && std::from_chars(text->data(), text->data() + text->size(), n).ec == std::errc{} && n > 0) {
        return static_cast<rlim_t>(n);
    }
    return 1048576;  // the kernel's default nr_open
}

}  // namespace

Result<std::uint64_t> raise_fd_limit() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        return make_error(Errc::os, fmt::format("cannot read the descriptor limit: {}", std::strerror(errno)));
    }
    const rlim_t want = rl.rlim_max == RLIM_INFINITY ? nr_open() : rl.rlim_max;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        const rlim_t old = rl.rlim_cur;
        rl.rlim_cur = want;
        if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            return make_error(Errc::os, fmt::format("cannot raise the descriptor limit from {} to {}: {}", old, want,
                                                    std::strerror(errno)));
        }
    }
    return static_cast<std::uint64_t>(rl.rlim_cur);
}

}  // namespace fax::core
