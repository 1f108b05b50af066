#pragma once
/// A virtual modem's files in the HylaFAX spool, as faxgetty keeps them:
/// status/<id> (what faxstat -s shows), etc/config.<id> and FIFO.<id>.

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/unique_fd.hpp"

namespace fax::hylafax {

/// "cannot <what> <path>: <strerror>", with Errc::permission for EACCES,
/// EPERM and EROFS, Errc::config for ENOENT and ENOTDIR, else Errc::io.
core::Error spool_file_error(int err, std::string_view what, const std::string& path);

/// Writes status/<id> under flock(LOCK_EX): \a text without a newline, over
/// the old text, then cut to its length. Created 0644 when missing.
core::Result<void> write_modem_status_file(const std::string& path, std::string_view text);

/// Creates etc/config.<id> (0644) only when missing, with FAXNumber and
/// RecvFileMode when given. False when it existed (never overwritten).
core::Result<bool> create_modem_config_file(const std::string& path, std::string_view id, std::string_view local_number,
                                           std::optional<unsigned> recv_file_mode);

/// FIFO.<id>: made (0600) when missing, opened O_RDWR|O_NONBLOCK above
/// descriptor 2. Errc::config when \a path exists and is not a FIFO.
core::Result<core::UniqueFd> open_modem_fifo(const std::string& path);

/// faxgetty's capabilities word: [Pp], 8 hex digits, optionally ":" and 1 to
/// 4 hex digits ("%c%08x:%02x").
bool valid_modem_capabilities(std::string_view caps) noexcept;

}  // namespace fax::hylafax
