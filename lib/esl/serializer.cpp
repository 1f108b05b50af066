#include "esl/serializer.hpp"

#include <array>
#include <cstring>

#include <fmt/format.h>

#include "esl/url.hpp"

namespace fax::esl {

namespace {

constexpr std::string_view k_undef = "_undef_";

/// The C-string view of \a s: up to its first NUL byte.
std::string_view c_str_part(std::string_view s) noexcept {
    const auto nul = s.find('\0');
    return nul == std::string_view::npos ? s : s.substr(0, nul);
}

/// Length of the header run starting at \a i: 1, or the array items sharing its name.
std::size_t run_length(std::span<const Header> headers, std::size_t i) noexcept {
    if (!headers[i].array_item) {
        return 1;
    }
    std::size_t j = i + 1;
    while (j < headers.size() && headers[j].array_item && headers[j].name == headers[i].name) {
        ++j;
    }
    return j - i;
}

constexpr std::array<bool, 256> make_json_special() {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) {
        t[static_cast<std::size_t>(c)] = true;
    }
    t['"'] = true;
    t['\\'] = true;
    return t;
}

constexpr auto k_json_special = make_json_special();

void append_xml_text(std::string& out, std::string_view s) {
    for (const char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\r': out += "&#xD;"; break;
            default: out.push_back(c);
        }
    }
}

}  // namespace

void append_cjson_string(std::string& out, std::string_view s) {
    static constexpr char k_hex[] = "0123456789abcdef";
    s = c_str_part(s);
    out.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (!k_json_special[c]) {
            continue;
        }
        out.append(s.data() + run, i - run);
        run = i + 1;
        out.push_back('\\');
        switch (c) {
            case '"': out.push_back('"'); break;
            case '\\': out.push_back('\\'); break;
            case '\b': out.push_back('b'); break;
            case '\f': out.push_back('f'); break;
            case '\n': out.push_back('n'); break;
            case '\r': out.push_back('r'); break;
            case '\t': out.push_back('t'); break;
            default:
                out += "u00";
                out.push_back(k_hex[c >> 4]);
                out.push_back(k_hex[c & 0xF]);
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

void append_plain(std::string& out, std::span<const Header> headers, Body body) {
    std::string joined;
    for (std::size_t i = 0; i < headers.size();) {
        const std::size_t n = run_length(headers, i);
        std::string_view value = headers[i].value;
        if (headers[i].array_item && n > 1) {
            // FreeSWITCH keeps an array's value as "ARRAY::a|:b|:c" (one item: the item).
            joined.assign("ARRAY::");
            for (std::size_t k = 0; k < n; ++k) {
                if (k > 0) {
                    joined += "|:";
                }
                joined += c_str_part(headers[i + k].value);
            }
            value = joined;
        }
        out += headers[i].name;
        out += ": ";
        const std::size_t before = out.size();
        switch_url_encode_append(out, value);
        if (out.size() == before) {
            out += k_undef;
        }
        out.push_back('\n');
        i += n;
    }
    const std::string_view b = body ? c_str_part(*body) : std::string_view{};
    if (!b.empty()) {
        fmt::format_to(std::back_inserter(out), "Content-Length: {}\n\n", b.size());
        out += b;
    } else {
        out.push_back('\n');
    }
}

void append_json(std::string& out, std::span<const Header> headers, Body body) {
    out.push_back('{');
    bool first = true;
    for (std::size_t i = 0; i < headers.size();) {
        const std::size_t n = run_length(headers, i);
        if (!first) {
            out.push_back(',');
        }
        first = false;
        append_cjson_string(out, headers[i].name);
        out.push_back(':');
        if (headers[i].array_item) {
            out.push_back('[');
            for (std::size_t k = 0; k < n; ++k) {
                if (k > 0) {
                    out.push_back(',');
                }
                append_cjson_string(out, headers[i + k].value);
            }
            out.push_back(']');
        } else {
            append_cjson_string(out, headers[i].value);
        }
        i += n;
    }
    if (body) {
        const std::string_view b = c_str_part(*body);
        if (!first) {
            out.push_back(',');
        }
        fmt::format_to(std::back_inserter(out), "\"Content-Length\":\"{}\",\"_body\":", b.size());
        append_cjson_string(out, b);
    }
    out.push_back('}');
}

void append_xml(std::string& out, std::span<const Header> headers, Body body) {
    out += "<event>\n  <headers>\n";
    for (const Header& h : headers) {
        out += "    <";
        out += h.name;
        out.push_back('>');
        switch_url_encode_append(out, h.value);
        out += "</";
        out += h.name;
        out += ">\n";
    }
    out += "  </headers>\n";
    const std::string_view b = body ? c_str_part(*body) : std::string_view{};
    if (!b.empty()) {
        fmt::format_to(std::back_inserter(out), "  <Content-Length>{}</Content-Length>\n  <body>", b.size());
        append_xml_text(out, b);
        out += "</body>\n";
    }
    out += "</event>";
}

std::string serialize_event(EventFormat format, std::span<const Header> headers, Body body) {
    std::string out;
    out.reserve(64 * headers.size() + (body ? body->size() : 0) + 64);
    switch (format) {
        case EventFormat::plain: append_plain(out, headers, body); break;
        case EventFormat::json: append_json(out, headers, body); break;
        case EventFormat::xml: append_xml(out, headers, body); break;
    }
    return out;
}

std::string event_message(EventFormat format, std::span<const Header> headers, Body body) {
    const std::string inner = serialize_event(format, headers, body);
    std::string out = fmt::format("Content-Length: {}\nContent-Type: text/event-{}\n\n", inner.size(), format_name(format));
    out += inner;
    return out;
}

}  // namespace fax::esl
