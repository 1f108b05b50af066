#include "hylafax/xferfaxlog.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fax::hylafax {

namespace {

std::string clean(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c == '\t' || c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return out;
}

std::string quoted(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('"');
    out.append(clean(s));
    out.push_back('"');
    return out;
}

std::string quoted_jobtag(std::string_view s) {
    std::string out = "\"";
    for (const char c : clean(s)) {
        if (c == '"') {
            out += "\\\"";
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
    return out;
}

}  // namespace

std::string format_duration(std::int64_t seconds) {
    if (seconds < 0) {
        seconds = 0;
    }
    return fmt::format("{}:{:02d}:{:02d}", seconds / 3600, (seconds / 60) % 60, seconds % 60);
}

std::string format_record(const XferRecord& r) {
    const std::time_t t = static_cast<std::time_t>(r.start_unix);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char date[32];
    std::strftime(date, sizeof date, "%D %H:%M", &tm);
    return fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", date, clean(r.kind),
                       clean(r.commid), clean(r.modem), clean(r.jobid), quoted_jobtag(r.jobtag), clean(r.sender),
                       quoted(r.dest), quoted(r.remote_id), r.params, r.pages, format_duration(r.job_seconds),
                       format_duration(r.conn_seconds), quoted(r.reason), quoted(r.cid_name), quoted(r.cid_number),
                       quoted(r.callid_rest), quoted(r.owner), quoted(r.dcs));
}

core::Result<void> append_record(const std::string& path, const XferRecord& r) {
    const std::string line = format_record(r);
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return core::make_error(core::Errc::io, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    }
    while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
    }
    ssize_t n = 0;
    do {
        n = ::write(fd, line.data(), line.size());
    } while (n < 0 && errno == EINTR);
    const int err = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(line.size())) {
        return core::make_error(core::Errc::io, fmt::format("cannot append to {}: {}", path,
                                                            n < 0 ? std::strerror(err) : "short write"));
    }
    return {};
}

}  // namespace fax::hylafax
