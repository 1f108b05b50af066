#pragma once
/// A FreeSWITCH event decoded from a text/event-plain, text/event-json or
/// text/event-xml message body, or from the header block of the outbound
/// connect reply (CHANNEL_DATA).
///
/// Normal form, the same whatever the wire format: header values decoded
/// (URL-decoding for plain and xml, JSON unescaping for json); an empty value
/// (plain "_undef_") is ""; a multi-valued header (plain "ARRAY::a|:b", a JSON
/// array) is a run of Header entries with array_item set; the inner
/// Content-Length is not a header; the body, if any, is body().
///
/// JSON support is separate: parse_json() and enable_json() live in
/// esl/event_json.cpp, the CMake target faxkit_json (which links simdjson).
/// Programs that only subscribe in plain (fax-send, fax-recv, fax-sim) leave
/// it out and so carry no simdjson; in them a text/event-json message is an
/// Errc::unavailable error from parse() and take().

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "esl/message.hpp"

namespace fax::esl {

enum class EventFormat { plain, json, xml };

/// Name of \a f as used in `event <format>` ("plain", "json", "xml").
std::string_view format_name(EventFormat f) noexcept;

/// A decoded event. Reusable: parse() overwrites it, keeping capacity.
/// Not thread-safe. Views returned stay valid until the next parse().
class Event {
public:
    Event();
    ~Event();
    Event(Event&&) noexcept;
    Event& operator=(Event&&) noexcept;

    /// Decodes the body of \a m according to its Content-Type. A type that is
    /// not text/event-* is an Errc::data error, as is a malformed body;
    /// text/event-json without enable_json() is an Errc::unavailable error.
    core::Result<void> parse(const Message& m);
    /// As parse(), but takes the message's buffer instead of copying it;
    /// \a m is left empty (reusable by the Decoder).
    core::Result<void> take(Message& m);
    core::Result<void> parse_plain(std::string_view body);
    /// Decodes a text/event-json body. Defined in faxkit_json; works without
    /// enable_json().
    core::Result<void> parse_json(std::string_view body);
    core::Result<void> parse_xml(std::string_view body);
    /// Takes the (URL-encoded) outer headers of \a m as the event: the
    /// outbound `connect` reply.
    void parse_headers_of(const Message& m);

    EventFormat format() const noexcept { return m_format; }
    std::span<const Header> headers() const noexcept { return {m_headers.data(), m_count}; }
    std::optional<std::string_view> header(std::string_view name) const noexcept {
        return find_header(headers(), name);
    }
    /// Header value or "" when absent.
    std::string_view get(std::string_view name) const noexcept { return header(name).value_or(std::string_view{}); }
    bool has_body() const noexcept { return m_has_body; }
    std::string_view body() const noexcept { return m_body; }

    std::string_view name() const noexcept { return get("Event-Name"); }
    std::string_view subclass() const noexcept { return get("Event-Subclass"); }
    std::string_view unique_id() const noexcept { return get("Unique-ID"); }

    /// Lets parse() and take() of every Event in the process decode
    /// text/event-json. Needs faxkit_json. Call it in main() before any thread
    /// starts; calling it again does nothing.
    static void enable_json() noexcept;

    /// Every header name and value, and the body, is followed by at least
    /// this many readable bytes (for word-at-a-time scanners).
    static constexpr std::size_t k_storage_padding = 64;

private:
    void clear(EventFormat f);
    void pad_storage();
    void push(std::string_view name, std::string_view value, bool array_item, bool name_safe = false,
              bool value_safe = false) {
        if (m_count == m_headers.size()) {
            m_headers.resize(m_headers.size() * 2 + 64);
        }
        // Field by field: a whole-struct copy through a temporary stalls on
        // store forwarding here (measured: ~40% of plain parsing).
        Header& h = m_headers[m_count++];
        h.name = name;
        h.value = value;
        h.array_item = array_item;
        h.name_json_safe = name_safe;
        h.value_json_safe = value_safe;
    }
    core::Result<void> parse_plain_at(std::size_t offset, std::size_t size);
    core::Result<void> parse_json_at(std::size_t offset, std::size_t size);
    /// Decodes \a value in place if \a has_percent and records the header;
    /// \a clean: the raw value had no JSON-special byte.
    void add_plain_header(std::string_view name, bool name_safe, char* value, std::size_t len, bool has_percent,
                          bool clean);
    /// Set by enable_json(): parse_json_at, reached through this pointer so
    /// that event.cpp does not pull event_json.cpp (and simdjson) in.
    static core::Result<void> (Event::*s_parse_json_at)(std::size_t offset, std::size_t size);
    struct Json;  ///< simdjson's parser, defined in event_json.cpp
    EventFormat m_format = EventFormat::plain;
    std::string m_storage;
    std::vector<Header> m_headers;  ///< first m_count entries are valid
    std::size_t m_count = 0;
    std::string_view m_body;
    bool m_has_body = false;
    std::unique_ptr<Json, void (*)(Json*)> m_json{nullptr, nullptr};  ///< deleter set with the Json
};

}  // namespace fax::esl
