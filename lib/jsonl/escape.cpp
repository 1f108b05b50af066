#include "jsonl/escape.hpp"

#include <array>
#include <cstdint>

#include "core/utf8.hpp"

namespace fax::jsonl {

namespace {

// 0 = copy as is, 1 = needs escaping (control, quote, backslash), 2 = non-ASCII lead.
constexpr std::array<std::uint8_t, 256> make_class_table() {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 0x20; ++c) {
        t[static_cast<std::size_t>(c)] = 1;
    }
    t['"'] = 1;
    t['\\'] = 1;
    for (int c = 0x80; c < 0x100; ++c) {
        t[static_cast<std::size_t>(c)] = 2;
    }
    return t;
}

constexpr auto k_class = make_class_table();
constexpr char k_hex[] = "0123456789abcdef";
constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    const auto* run = p;
    while (p < end) {
        const std::uint8_t cls = k_class[*p];
        if (cls == 0) {
            ++p;
            continue;
        }
        if (cls == 2) {
            std::size_t skip = 0;
            const std::size_t n = core::utf8_sequence(p, end, &skip);
            if (n != 0) {
                p += n;
                continue;
            }
            out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
            out.append(k_replacement);
            p += skip;
            run = p;
            continue;
        }
        out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
        const unsigned char c = *p;
        switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            case '\b': out.append("\\b"); break;
            case '\f': out.append("\\f"); break;
            default: {
                const char esc[6] = {'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 0xF]};
                out.append(esc, 6);
            }
        }
        ++p;
        run = p;
    }
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    out.push_back('"');
}

}  // namespace fax::jsonl
