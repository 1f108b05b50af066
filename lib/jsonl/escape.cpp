#include "jsonl/escape.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#include "core/utf8.hpp"
#include "jsonl/swar.hpp"

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

using detail::special_bytes;

inline bool has_special_byte(std::uint64_t w) noexcept { return special_bytes(w) != 0; }

// Writes the escape (or UTF-8 sequence, or U+FFFD) for the special byte at p;
// returns the new input position.
inline const unsigned char* write_special(char*& dst, const unsigned char* p, const unsigned char* end) noexcept {
    const unsigned char c = *p;
    if (c >= 0x80) {
        std::size_t skip = 0;
        const std::size_t n = core::utf8_sequence(p, end, &skip);
        if (n != 0) {
            std::memcpy(dst, p, n);
            dst += n;
            return p + n;
        }
        std::memcpy(dst, "\xEF\xBF\xBD", 3);
        dst += 3;
        return p + skip;
    }
    *dst++ = '\\';
    switch (c) {
        case '"': *dst++ = '"'; break;
        case '\\': *dst++ = '\\'; break;
        case '\n': *dst++ = 'n'; break;
        case '\r': *dst++ = 'r'; break;
        case '\t': *dst++ = 't'; break;
        case '\b': *dst++ = 'b'; break;
        case '\f': *dst++ = 'f'; break;
        default:
            *dst++ = 'u';
            *dst++ = '0';
            *dst++ = '0';
            *dst++ = "0123456789abcdef"[c >> 4];
            *dst++ = "0123456789abcdef"[c & 0xF];
    }
    return p + 1;
}

}  // namespace

char* write_json_string(char* dst, std::string_view s) noexcept {
    *dst++ = '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        // Copy 8 plain bytes (no control, quote, backslash or high bit) at a time.
        while (end - p >= 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, p, 8);
            if (has_special_byte(w)) {
                break;
            }
            std::memcpy(dst, &w, 8);
            dst += 8;
            p += 8;
        }
        if (p >= end) {
            break;
        }
        const unsigned char c = *p;
        const std::uint8_t cls = k_class[c];
        if (cls == 0) {
            *dst++ = static_cast<char>(c);
            ++p;
            continue;
        }
        if (cls == 2) {
            std::size_t skip = 0;
            const std::size_t n = core::utf8_sequence(p, end, &skip);
            if (n != 0) {
                std::memcpy(dst, p, n);
                dst += n;
                p += n;
            } else {
                std::memcpy(dst, k_replacement.data(), k_replacement.size());
                dst += k_replacement.size();
                p += skip;
            }
            continue;
        }
        *dst++ = '\\';
        switch (c) {
            case '"': *dst++ = '"'; break;
            case '\\': *dst++ = '\\'; break;
            case '\n': *dst++ = 'n'; break;
            case '\r': *dst++ = 'r'; break;
            case '\t': *dst++ = 't'; break;
            case '\b': *dst++ = 'b'; break;
            case '\f': *dst++ = 'f'; break;
            default:
                *dst++ = 'u';
                *dst++ = '0';
                *dst++ = '0';
                *dst++ = k_hex[c >> 4];
                *dst++ = k_hex[c & 0xF];
        }
        ++p;
    }
    *dst++ = '"';
    return dst;
}

char* write_json_string_padded(char* dst, std::string_view s) noexcept {
    *dst++ = '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, 8);
        const auto left = static_cast<std::size_t>(end - p);
        std::size_t take = 8;
        if (left < 8) {
            const std::uint64_t keep = (std::uint64_t{1} << (left * 8)) - 1;
            w = (w & keep) | (0x4141414141414141ULL & ~keep);  // pad with 'A'
            take = left;
        }
        const std::uint64_t special = special_bytes(w);
        std::memcpy(dst, &w, 8);
        if (special == 0) {
            dst += take;
            p += take;
            continue;
        }
        const auto first = static_cast<std::size_t>(__builtin_ctzll(special)) / 8;
        dst += first;
        p = write_special(dst, p + first, end);
    }
    *dst++ = '"';
    return dst;
}

void append_json_string(std::string& out, std::string_view s) {
    const std::size_t old = out.size();
    out.resize(old + json_string_max_size(s.size()));
    char* e = write_json_string(out.data() + old, s);
    out.resize(static_cast<std::size_t>(e - out.data()));
}

}  // namespace fax::jsonl
