#include "hylafax/receive_slot.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "hylafax/sequence.hpp"

namespace fax::hylafax {

namespace {

core::Result<void> ensure_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0755) == 0 || errno == EEXIST) {
        return {};
    }
    return core::make_error(core::Errc::io, fmt::format("cannot create {}: {}", path, std::strerror(errno)));
}

}  // namespace

core::Result<ReceiveSlot> open_receive_slot(const std::string& spool, mode_t log_mode) {
    for (const char* dir : {"recvq", "log"}) {
        if (auto r = ensure_dir(fmt::format("{}/{}", spool, dir)); !r) {
            return std::move(r).error();
        }
    }
    ReceiveSlot s;
    // A number whose file already exists (another program, a restored spool)
    // is skipped, as faxgetty's O_EXCL create would fail on it.
    for (int tries = 0; tries < 1000; ++tries) {
        auto n = next_sequence(fmt::format("{}/recvq/seqf", spool));
        if (!n) {
            return std::move(n).error();
        }
        s.number = *n;
        s.file = fmt::format("recvq/fax{:09d}.tif", *n);
        s.path = fmt::format("{}/{}", spool, s.file);
        const int fd = ::open(s.path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            s.lock = core::above_stdio(core::UniqueFd(fd));
            break;
        }
        if (errno != EEXIST) {
            return core::make_error(core::Errc::io, fmt::format("cannot create {}: {}", s.path, std::strerror(errno)));
        }
    }
    if (!s.lock) {
        return core::make_error(core::Errc::io, fmt::format("no free file name in {}/recvq", spool));
    }
    if (::flock(s.lock.get(), LOCK_EX | LOCK_NB) != 0) {
        return core::make_error(core::Errc::io, fmt::format("cannot lock {}: {}", s.path, std::strerror(errno)));
    }
    auto c = next_sequence(fmt::format("{}/log/seqf", spool));
    if (!c) {
        ::unlink(s.path.c_str());
        return std::move(c).error();
    }
    s.commid = format_commid(*c);
    if (auto log = SessionLog::create(fmt::format("{}/log/c{}", spool, s.commid), log_mode)) {
        s.log = std::move(*log);
    }
    return s;
}

}  // namespace fax::hylafax
