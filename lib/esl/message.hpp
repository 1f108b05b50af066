#pragma once
/// One framed ESL message: an outer header block and, iff the block has a
/// Content-Length header, a body of exactly that many bytes.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fax::esl {

/// A header as received: views into the owning Message or Event.
/// \a array_item marks one element of a multi-valued (ARRAY::) header;
/// consecutive items with the same name form one array.
struct Header {
    std::string_view name;
    std::string_view value;
    bool array_item = false;
    bool name_json_safe = false;   ///< name needs no JSON escaping (known from parsing)
    bool value_json_safe = false;  ///< likewise the value
};

/// Case-insensitive ASCII comparison of header names.
inline bool header_name_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto x = static_cast<unsigned char>(a[i]);
        const auto y = static_cast<unsigned char>(b[i]);
        if (x != y) {
            const unsigned lx = x | 0x20U;
            if (lx != (y | 0x20U) || lx < 'a' || lx > 'z') {
                return false;
            }
        }
    }
    return true;
}

/// First header called \a name (case-insensitive) in \a headers.
std::optional<std::string_view> find_header(std::span<const Header> headers, std::string_view name) noexcept;

/// A decoded outer message. Values of the outer block are raw (FreeSWITCH does
/// not URL-encode them, except in the outbound connect reply).
/// Reusable: the Decoder overwrites it, keeping its capacity.
class Message {
public:
    const std::vector<Header>& headers() const noexcept { return m_headers; }
    /// First value of \a name, case-insensitive; duplicates are kept in headers().
    std::optional<std::string_view> header(std::string_view name) const noexcept {
        return find_header(m_headers, name);
    }
    /// The Content-Type value, or "" when absent (outbound connect reply).
    std::string_view content_type() const noexcept { return m_content_type; }
    bool has_body() const noexcept { return m_has_body; }
    std::string_view body() const noexcept { return m_body; }

    /// Raw bytes of the header block (without the terminating empty line).
    std::string_view head_text() const noexcept { return {m_data.data(), m_head_size}; }

private:
    friend class Decoder;
    friend class Event;
    std::string m_data;  ///< header block, then body, then padding room
    std::size_t m_head_size = 0;
    std::vector<Header> m_headers;
    std::string_view m_content_type;
    std::string_view m_body;
    bool m_has_body = false;
};

}  // namespace fax::esl
