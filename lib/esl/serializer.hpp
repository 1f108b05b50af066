#pragma once
/// FreeSWITCH's event serialization, byte for byte, and the framing
/// mod_event_socket puts around it (esl-protocol.md §3):
///  - plain: switch_event_serialize(event, encode = TRUE);
///  - json:  cJSON_PrintUnformatted(switch_event_serialize_json_obj());
///  - xml:   switch_event_xmlize() printed as the indented form of
///           tests/unit/support/golden.hpp (no real capture to check it).
///
/// Input: the headers in order, as Header views (a run of array_item headers
/// with one name is one FreeSWITCH array header), and the body if the event
/// has one (an empty body is still a body: json prints it, plain does not).
/// FreeSWITCH keeps values and bodies as C strings, so a NUL byte ends them.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "esl/event.hpp"
#include "esl/message.hpp"

namespace fax::esl {

using Body = std::optional<std::string_view>;

/// Appends the plain form: per header "Name: url_encode(value)\n" (empty →
/// "_undef_", arrays of two or more → "ARRAY::a|:b" encoded, an array of one
/// → its item, as FreeSWITCH keeps it), then "Content-Length: N\n\n"
/// and the body if the body is not empty, else one more "\n".
void append_plain(std::string& out, std::span<const Header> headers, Body body);

/// Appends the json form: one object, string values, arrays as arrays, then
/// "Content-Length":"N" and "_body" when there is a body. Strings are escaped
/// as cJSON's print_string_ptr does: '"', '\\', \b \f \n \r \t, other bytes
/// below 0x20 as \u00xx; everything else (UTF-8 or not) is copied.
void append_json(std::string& out, std::span<const Header> headers, Body body);

/// Appends the xml form: <event><headers><Name>url_encode(value)</Name>…
/// (one element per array item), then <Content-Length> and the XML-escaped
/// <body> when the body is not empty.
void append_xml(std::string& out, std::span<const Header> headers, Body body);

/// The serialized event in \a format (the body of a text/event-* message).
std::string serialize_event(EventFormat format, std::span<const Header> headers, Body body);

/// A whole wire message: "Content-Length: N\nContent-Type: text/event-<format>\n\n"
/// followed by the serialized event.
std::string event_message(EventFormat format, std::span<const Header> headers, Body body);

/// cJSON's string printing (quotes included), for callers building JSON the way FreeSWITCH does.
void append_cjson_string(std::string& out, std::string_view s);

}  // namespace fax::esl
