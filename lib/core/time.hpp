#pragma once
/// UTC timestamps in the faxkit JSON-lines form: "2026-11-23T14:00:05.123Z".

#include <cstdint>
#include <string>

namespace fax::core {

/// Milliseconds since the Unix epoch, from the real-time clock.
std::int64_t now_unix_ms() noexcept;

/// Writes the RFC 3339 UTC form with milliseconds and 'Z' of \a unix_ms into
/// \a out (exactly 24 characters, no terminator) and returns 24.
/// Requires: out has room for 24 chars; year within 0000..9999.
std::size_t format_utc_ms(std::int64_t unix_ms, char* out) noexcept;

/// Convenience: format_utc_ms as a string.
std::string utc_ms_string(std::int64_t unix_ms);

}  // namespace fax::core
