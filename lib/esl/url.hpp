#pragma once
/// FreeSWITCH's URL coding of event header values (switch_url_encode).

#include <string>
#include <string_view>

namespace fax::esl {

/// Decodes %XX (two hex digits) in place and returns the new length.
/// '+' stays '+'; a '%' not followed by two hex digits is kept as is.
/// If \a special is given it is set when a decoded %XX byte needs JSON
/// escaping or UTF-8 checking (< 0x20, '"', '\\', >= 0x80).
std::size_t url_decode_in_place(char* data, std::size_t size, bool* special = nullptr) noexcept;

/// Returns the decoded form of \a s.
std::string url_decode(std::string_view s);

/// Appends FreeSWITCH's encoding of \a s to \a out: bytes < 0x20, > 0x7E and
/// ` #%&+:;<=>?@[\]^`{|}"` become %XX (upper case), except a '%' already
/// followed by two hex digits, which is copied.
void url_encode_append(std::string& out, std::string_view s);

/// Appends exactly what FreeSWITCH's switch_url_encode() produces for \a s:
/// like url_encode_append, but a '%' is copied only when followed by two
/// *upper-case* hex digits (FreeSWITCH's table is "0123456789ABCDEF"), and a
/// NUL byte ends the input (FreeSWITCH works on C strings).
void switch_url_encode_append(std::string& out, std::string_view s);

}  // namespace fax::esl
