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

/// Creates \a path if missing; true when it had to be created.
core::Result<bool> ensure_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0755) == 0) {
        return true;
    }
    if (errno == EEXIST) {
        return false;
    }
    return core::make_error(core::Errc::io, fmt::format("cannot create {}: {}", path, std::strerror(errno)));
}

core::Result<ReceiveSlot> take_slot(const std::string& spool, mode_t log_mode);

}  // namespace

core::Result<ReceiveSlot> open_receive_slot(const std::string& spool, mode_t log_mode) {
    // recvq/ and log/ are there nearly always: create them only after a failure.
    auto slot = take_slot(spool, log_mode);
    if (slot) {
        return slot;
    }
    bool created = false;
    for (const char* dir : {"recvq", "log"}) {
        auto r = ensure_dir(fmt::format("{}/{}", spool, dir));
        if (!r) {
            return std::move(r).error();
        }
        created = created || *r;
    }
    if (!created) {
        return slot;
    }
    return take_slot(spool, log_mode);
}

namespace {

core::Result<ReceiveSlot> take_slot(const std::string& spool, mode_t log_mode) {
    ReceiveSlot s;
    // A number whose file already exists (another program, a restored spool,
    // a number handed out again after a crash: the sequence files are not
    // fsynced, as in HylaFAX) is skipped, as faxgetty's O_EXCL create would fail on it.
    for (int tries = 0; tries < 1000; ++tries) {
        auto n = next_sequence(fmt::format("{}/recvq/seqf", spool), false);
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
    // Likewise a commid whose session log exists.
    for (int tries = 0; tries < 1000; ++tries) {
        auto c = next_sequence(fmt::format("{}/log/seqf", spool), false);
        if (!c) {
            ::unlink(s.path.c_str());
            return std::move(c).error();
        }
        s.commid = format_commid(*c);
        const std::string log_path = fmt::format("{}/log/c{}", spool, s.commid);
        if (auto log = SessionLog::create(log_path, log_mode)) {
            s.log = std::move(*log);
            break;
        }
        struct stat st {};
        if (::lstat(log_path.c_str(), &st) != 0) {
            break;  // not there, yet not creatable: no session log
        }
    }
    return s;
}

}  // namespace

}  // namespace fax::hylafax
