#pragma once
/// Messages to faxq's FIFO (<spool>/FIFO), hylafax-integration.md §3:
/// opened O_WRONLY|O_NONBLOCK, each message NUL-terminated and written with
/// one write(). Never blocks: no reader (faxq not running) is an
/// Errc::unavailable error, a full pipe Errc::temporary — never a hang
/// (gofaxsend's known bug).

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace fax::hylafax {

/// Largest message faxq reads in one piece (its read buffer is 2048 bytes).
inline constexpr std::size_t k_max_fifo_message = 1024;

/// Sends \a message (e.g. "+freeswitch0:Rpcbffff01") to the FIFO at \a path.
/// Errc::usage when the message is empty, too long, or holds a NUL or line break.
core::Result<void> send_fifo_message(const std::string& path, std::string_view message);

/// faxq's modem status messages (`+<modem>:<msg>`). \a modem must be a
/// HylaFAX device id: letters, digits, '_', '-', '.'.
std::string modem_ready_message(std::string_view modem, std::string_view capabilities = "pcbffff01");
std::string modem_busy_message(std::string_view modem);
std::string modem_down_message(std::string_view modem);
/// A modem id faxq accepts (non-empty, at most 64 of [A-Za-z0-9_.-]).
bool valid_modem_id(std::string_view modem) noexcept;

}  // namespace fax::hylafax
