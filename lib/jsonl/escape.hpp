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

}  // namespace fax::jsonl
