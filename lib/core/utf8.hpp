#pragma once
/// UTF-8 well-formedness (Unicode 15, table 3-7) and repair.

#include <cstddef>
#include <string>
#include <string_view>

namespace fax::core {

/// Length (2..4) of the well-formed multi-byte sequence at \a p, or 0 if it is
/// ill-formed; then *skip is the length of the maximal ill-formed subpart
/// (to be replaced by one U+FFFD). Requires: p < end and *p >= 0x80.
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end, std::size_t* skip) noexcept;

/// True when \a s is well-formed UTF-8.
bool is_valid_utf8(std::string_view s) noexcept;

/// Appends \a s to \a out with every maximal ill-formed subpart replaced by U+FFFD.
void append_repaired_utf8(std::string& out, std::string_view s);

}  // namespace fax::core
