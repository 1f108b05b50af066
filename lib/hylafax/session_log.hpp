#pragma once
/// HylaFAX's per-session log `log/c<commid>` (hylafax-integration.md §5),
/// written in faxsend/faxgetty's line format so that faxstat, notify mails
/// and `faxstat -l` show it as they show HylaFAX's own:
///
///     Nov 23 13:43:52.72: [ 1301]: SESSION BEGIN 000000001 5550006
///
/// i.e. `%b %d %H:%M:%S.%02d: [%5d]: text` (local time, centiseconds, pid).

#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "core/result.hpp"
#include "core/unique_fd.hpp"

namespace fax::hylafax {

class SessionLog {
public:
    /// Creates the log at \a path (O_EXCL: an existing file is an error, never
    /// appended to; symlinks refused), with permissions exactly \a mode
    /// whatever the umask (HylaFAX's LogFileMode, default 0600).
    /// Errc::io naming the path on failure.
    static core::Result<SessionLog> create(const std::string& path, mode_t mode = 0600);

    /// A log that writes nothing, for when create() failed (report that once).
    static SessionLog disabled() noexcept { return SessionLog(); }

    SessionLog(SessionLog&&) noexcept = default;
    SessionLog& operator=(SessionLog&&) noexcept = default;

    /// Appends one line stamped with the current local time and this
    /// process's pid, in one write() (O_APPEND). Control characters in
    /// \a text (CR, LF, TAB and the rest of C0, DEL) become spaces, so one call
    /// is always exactly one line. A disabled log does nothing and succeeds.
    /// Errc::io when the write fails or is short (nothing is thrown or raised).
    core::Result<void> line(std::string_view text);

    bool enabled() const noexcept { return m_fd.valid(); }
    /// The file's path ("" when disabled).
    const std::string& path() const noexcept { return m_path; }

private:
    SessionLog() noexcept = default;
    core::UniqueFd m_fd;
    std::string m_path;
};

/// The line line() writes, without the newline, for a time given as seconds
/// and nanoseconds since the epoch (formatted in local time) and a pid.
std::string format_session_log_line(std::int64_t unix_seconds, long nanoseconds, pid_t pid, std::string_view text);

}  // namespace fax::hylafax
