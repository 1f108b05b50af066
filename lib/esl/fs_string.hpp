#pragma once
/// FreeSWITCH's string helpers that decide how arguments are split
/// (switch_utils.c), reproduced exactly because api output depends on them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fax::esl {

/// switch_separate_string(): splits \a s at \a delim into at most \a max
/// fields (the last keeps the rest, delimiters included). A leading "^^<c>"
/// (followed by at least one more byte) makes <c> the delimiter. Single
/// quotes group (a quote counts only if another one follows), a backslash
/// escapes the next byte; then each field loses leading and trailing spaces
/// and its quotes, and "\\<c>" becomes <c> for ' " \\ and the delimiter, and
/// \n \r \t \s become LF, CR, TAB and space. A space delimiter also skips runs
/// of spaces between fields. A trailing delimiter adds no empty field. A NUL
/// byte ends the input.
std::vector<std::string> separate_string(std::string_view s, char delim, std::size_t max);

/// strip_cr() of mod_event_socket.c: cuts \a s at its first CR, or if it has
/// none, at its first LF.
void strip_cr(std::string& s);

/// C's atoi(): leading white space, an optional sign, digits; 0 if none
/// (clamped instead of overflowing).
long long c_atoi(std::string_view s) noexcept;

/// switch_true(): yes, on, true, t, enabled, active, allow (any case) or a
/// non-zero number.
bool switch_true(std::string_view s) noexcept;

/// strncasecmp(s, prefix, prefix.size()) == 0.
bool starts_with_nocase(std::string_view s, std::string_view prefix) noexcept;

/// switch_stristr(): \a needle occurs in \a haystack, ignoring ASCII case.
bool contains_nocase(std::string_view haystack, std::string_view needle) noexcept;

}  // namespace fax::esl
