#include "esl/event.hpp"

#include <cstring>

#include <fmt/format.h>

#include "esl/scan.hpp"
#include "esl/url.hpp"

namespace fax::esl {

namespace {

constexpr std::string_view k_array_prefix = "ARRAY::";
constexpr std::string_view k_undef = "_undef_";

core::Error json_not_enabled() {
    return core::make_error(core::Errc::unavailable, "text/event-json: not supported by this program (plain only)");
}

}  // namespace

core::Result<void> (Event::*Event::s_parse_json_at)(std::size_t, std::size_t) = nullptr;

std::string_view format_name(EventFormat f) noexcept {
    switch (f) {
        case EventFormat::plain: return "plain";
        case EventFormat::json: return "json";
        case EventFormat::xml: return "xml";
    }
    return "plain";
}

Event::Event() = default;
Event::~Event() = default;
Event::Event(Event&&) noexcept = default;
Event& Event::operator=(Event&&) noexcept = default;

void Event::clear(EventFormat f) {
    m_format = f;
    m_count = 0;
    m_body = {};
    m_has_body = false;
}

void Event::pad_storage() {
    // Zeroed bytes after the end, so word-at-a-time readers stay in bounds.
    const std::size_t n = m_storage.size();
    m_storage.append(k_storage_padding, '\0');
    m_storage.resize(n);
}

core::Result<void> Event::parse(const Message& m) {
    const std::string_view ct = m.content_type();
    if (header_name_equal(ct, "text/event-plain")) {
        return parse_plain(m.body());
    }
    if (header_name_equal(ct, "text/event-json")) {
        if (s_parse_json_at == nullptr) {
            return json_not_enabled();
        }
        clear(EventFormat::json);
        m_storage.clear();
        m_storage.reserve(m.body().size() + k_storage_padding);  // parse_json_at adds simdjson's padding
        m_storage.append(m.body());
        return (this->*s_parse_json_at)(0, m_storage.size());
    }
    if (header_name_equal(ct, "text/event-xml")) {
        return parse_xml(m.body());
    }
    return core::make_error(core::Errc::data, fmt::format("not an event: Content-Type '{}'", ct));
}

// Adds one decoded header; value points into m_storage and is decoded in place.
void Event::add_plain_header(std::string_view name, bool name_safe, char* value, std::size_t len, bool has_percent,
                             bool clean) {
    bool safe = clean;
    if (has_percent) {
        bool special = false;
        len = url_decode_in_place(value, len, &special);
        safe = clean && !special;
    }
    std::string_view v(value, len);
    if (v == k_undef) {
        v = {};
    }
    if (v.size() >= k_array_prefix.size() && v.compare(0, k_array_prefix.size(), k_array_prefix) == 0) {
        v.remove_prefix(k_array_prefix.size());
        while (true) {
            const auto sep = v.find("|:");
            push(name, v.substr(0, sep), true, name_safe, safe);
            if (sep == std::string_view::npos) {
                break;
            }
            v.remove_prefix(sep + 2);
        }
        return;
    }
    push(name, v, false, name_safe, safe);
}

core::Result<void> Event::parse_plain(std::string_view body) {
    clear(EventFormat::plain);
    m_storage.reserve(body.size() + k_storage_padding);
    m_storage.assign(body);
    pad_storage();
    return parse_plain_at(0, m_storage.size());
}

core::Result<void> Event::take(Message& m) {
    const std::string_view ct = m.content_type();
    const bool plain = header_name_equal(ct, "text/event-plain");
    const bool json = !plain && s_parse_json_at != nullptr && header_name_equal(ct, "text/event-json");
    if (!plain && !json) {
        return parse(m);
    }
    const std::size_t offset = m.m_head_size;
    const std::size_t size = m.m_body.size();
    m_storage.swap(m.m_data);
    m.m_headers.clear();
    m.m_content_type = {};
    m.m_body = {};
    m.m_has_body = false;
    m.m_head_size = 0;
    m.m_data.clear();
    clear(plain ? EventFormat::plain : EventFormat::json);
    if (plain) {
        m_storage.resize(offset + size);
        pad_storage();
        return parse_plain_at(offset, size);
    }
    return (this->*s_parse_json_at)(offset, size);
}

core::Result<void> Event::parse_plain_at(std::size_t offset, std::size_t body_size) {
    char* d = m_storage.data() + offset;
    const std::size_t size = body_size;
    std::size_t pos = 0;
    std::optional<std::size_t> inner_length;
    while (pos < size) {
        if (d[pos] == '\n' || (d[pos] == '\r' && pos + 1 < size && d[pos + 1] == '\n')) {
            pos += d[pos] == '\n' ? 1 : 2;  // empty line: end of the header block
            break;
        }
        bool name_safe = false;
        const char* colon = detail::scan_name(d + pos, d + size, name_safe);
        if (colon == d + size || *colon != ':') {
            return core::make_error(core::Errc::data, fmt::format("event header line without ':' at byte {}", pos));
        }
        const std::string_view name(d + pos, static_cast<std::size_t>(colon - (d + pos)));
        const char* v = colon + 1;
        while (*v == ' ' || *v == '\t') {
            ++v;
        }
        const detail::ValueScan scan = detail::scan_value(v, d + size);
        const char* line_end = scan.end;
        bool clean = scan.clean;
        if (line_end > v && line_end[-1] == '\r') {
            --line_end;  // CRLF: the '\r' made the scan unclean; only the cost of escaping
        }
        if (name.size() == 14 && header_name_equal(name, "Content-Length")) {
            std::size_t n = 0;
            bool ok = v < line_end;
            for (const char* c = v; c < line_end; ++c) {
                if (*c < '0' || *c > '9' || n > (std::size_t{1} << 40)) {
                    ok = false;
                    break;
                }
                n = n * 10 + static_cast<std::size_t>(*c - '0');
            }
            if (!ok) {
                return core::make_error(core::Errc::data, "event has a bad inner Content-Length");
            }
            inner_length = n;
        } else {
            char* value = d + (v - d);
            add_plain_header(name, name_safe, value, static_cast<std::size_t>(line_end - v), scan.has_percent, clean);
        }
        pos = static_cast<std::size_t>(scan.end - d) + 1;
    }
    if (inner_length) {
        const std::size_t avail = pos <= size ? size - pos : 0;
        if (*inner_length > avail) {
            return core::make_error(core::Errc::data,
                                    fmt::format("event body of {} bytes announced, {} present", *inner_length, avail));
        }
        m_body = std::string_view(d + pos, *inner_length);
        m_has_body = true;
    }
    return {};
}

namespace {

// Unescapes the five XML entities in place; returns the new length.
std::size_t xml_unescape_in_place(char* d, std::size_t n) noexcept {
    std::size_t o = 0;
    for (std::size_t i = 0; i < n;) {
        if (d[i] == '&') {
            static constexpr std::pair<std::string_view, char> k_ents[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
            bool done = false;
            for (const auto& [ent, ch] : k_ents) {
                if (n - i >= ent.size() && std::memcmp(d + i, ent.data(), ent.size()) == 0) {
                    d[o++] = ch;
                    i += ent.size();
                    done = true;
                    break;
                }
            }
            if (done) {
                continue;
            }
        }
        d[o++] = d[i++];
    }
    return o;
}

}  // namespace

core::Result<void> Event::parse_xml(std::string_view body) {
    clear(EventFormat::xml);
    m_storage.reserve(body.size() + k_storage_padding);
    m_storage.assign(body);
    pad_storage();
    char* d = m_storage.data();
    std::string_view s(m_storage);
    const auto hs = s.find("<headers>");
    const auto he = s.find("</headers>");
    if (hs == std::string_view::npos || he == std::string_view::npos || he < hs) {
        return core::make_error(core::Errc::data, "XML event without <headers>");
    }
    std::size_t pos = hs + 9;
    while (pos < he) {
        while (pos < he && (s[pos] == '\n' || s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\r')) {
            ++pos;
        }
        if (pos >= he) {
            break;
        }
        if (s[pos] != '<') {
            return core::make_error(core::Errc::data, "XML event: text outside an element");
        }
        const auto gt = s.find('>', pos);
        if (gt == std::string_view::npos || gt > he) {
            return core::make_error(core::Errc::data, "XML event: unterminated tag");
        }
        const std::string_view name = s.substr(pos + 1, gt - pos - 1);
        const auto close = s.find("</", gt);
        if (close == std::string_view::npos || close > he || s.compare(close + 2, name.size(), name) != 0) {
            return core::make_error(core::Errc::data, fmt::format("XML event: element '{}' not closed", name));
        }
        std::size_t len = xml_unescape_in_place(d + gt + 1, close - gt - 1);
        add_plain_header(name, false, d + gt + 1, len, true, false);
        pos = close + 2 + name.size() + 1;
    }
    const auto bs = s.find("<body>", he);
    if (bs != std::string_view::npos) {
        const auto be = s.rfind("</body>");
        if (be == std::string_view::npos || be < bs) {
            return core::make_error(core::Errc::data, "XML event: <body> not closed");
        }
        const std::size_t len = xml_unescape_in_place(d + bs + 6, be - bs - 6);
        m_body = std::string_view(d + bs + 6, len);
        m_has_body = true;
    }
    return {};
}

void Event::parse_headers_of(const Message& m) {
    clear(EventFormat::plain);
    std::size_t total = 0;
    for (const auto& h : m.headers()) {
        total += h.name.size() + h.value.size();
    }
    m_storage.clear();
    m_storage.reserve(total + k_storage_padding);
    // First copy every name and value, then take views (no reallocation after).
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    spans.reserve(m.headers().size() * 2);
    for (const auto& h : m.headers()) {
        spans.emplace_back(m_storage.size(), h.name.size());
        m_storage.append(h.name);
        spans.emplace_back(m_storage.size(), h.value.size());
        m_storage.append(h.value);
    }
    pad_storage();
    char* d = m_storage.data();
    for (std::size_t i = 0; i < spans.size(); i += 2) {
        const std::string_view name(d + spans[i].first, spans[i].second);
        add_plain_header(name, false, d + spans[i + 1].first, spans[i + 1].second, true, false);
    }
}

}  // namespace fax::esl
