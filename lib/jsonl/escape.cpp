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
    using namespace detail;
    *dst++ = '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        // Whole blocks with no special byte are copied as they are.
        while (static_cast<std::size_t>(end - p) >= k_block) {
            const Block b = load_block(p);
            const std::uint32_t special = special_mask(b);
            store_block(dst, b);
            if (special != 0) {
                const std::size_t first = first_bit(special);
                dst += first;
                p += first;
                break;
            }
            dst += k_block;
            p += k_block;
        }
        if (p >= end) {
            break;
        }
        if (k_class[*p] == 0) {
            *dst++ = static_cast<char>(*p++);
            continue;
        }
        p = write_special(dst, p, end);
    }
    *dst++ = '"';
    return dst;
}

char* write_json_string_padded(char* dst, std::string_view s) noexcept {
    using namespace detail;
    *dst++ = '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        const Block b = load_block(p);
        const auto left = static_cast<std::size_t>(end - p);
        const std::size_t take = left < k_block ? left : k_block;
        const std::uint32_t special = special_mask(b) & prefix_mask(take);
        store_block(dst, b);
        if (special == 0) {
            dst += take;
            p += take;
            continue;
        }
        const std::size_t first = first_bit(special);
        dst += first;
        p = write_special(dst, p + first, end);
    }
    *dst++ = '"';
    return dst;
}

void append_json_string(std::string& out, std::string_view s) {
    const std::size_t old = out.size();
    out.resize(old + json_string_max_size(s.size()) + detail::k_block);
    char* e = write_json_string(out.data() + old, s);
    out.resize(static_cast<std::size_t>(e - out.data()));
}

}  // namespace fax::jsonl
