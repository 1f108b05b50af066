#pragma once
/// JSON string escaping for the JSON-lines writers. Output is always valid
/// UTF-8: every byte sequence that is not well-formed UTF-8 becomes U+FFFD.

#include <string>
#include <string_view>

namespace fax::jsonl {

/// Appends \a s to \a out as a JSON string literal, quotes included.
/// Control characters are escaped (\n, \t, … or \u00XX); '"' and '\\' are
/// escaped; ill-formed UTF-8 (overlong, surrogates, truncated, > U+10FFFF)
/// is replaced by U+FFFD, one per maximal ill-formed subpart.
void append_json_string(std::string& out, std::string_view s);

/// Bytes write_json_string may write for an input of \a n bytes.
constexpr std::size_t json_string_max_size(std::size_t n) noexcept { return 6 * n + 2; }

/// Writes \a s as a JSON string literal at \a dst and returns the end.
/// Same rules as append_json_string. Requires: room for
/// json_string_max_size(s.size()) + 16 (whole blocks are stored).
char* write_json_string(char* dst, std::string_view s) noexcept;

/// Bytes that must be readable after any string given to write_json_string_padded.
inline constexpr std::size_t k_read_padding = 16;

/// As write_json_string, but reads whole 16-byte blocks, also past the end of
/// \a s (bytes there do not affect the output), and may write up to 16 bytes
/// past the returned end. Requires: k_read_padding readable bytes after s,
/// room for json_string_max_size(s.size()) + 16 at dst.
char* write_json_string_padded(char* dst, std::string_view s) noexcept;

}  // namespace fax::jsonl
