#include "esl/url.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace fax::esl {

namespace {

constexpr std::array<std::int8_t, 256> make_hex_table() {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) {
        v = -1;
    }
    for (int c = '0'; c <= '9'; ++c) {
        t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
    }
    for (int c = 'a'; c <= 'f'; ++c) {
        t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
    }
    for (int c = 'A'; c <= 'F'; ++c) {
        t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
    }
    return t;
}

constexpr auto k_hex_value = make_hex_table();

constexpr std::array<bool, 256> make_unsafe_table() {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) {
        t[static_cast<std::size_t>(c)] = true;
    }
    for (int c = 0x7F; c < 0x100; ++c) {
        t[static_cast<std::size_t>(c)] = true;
    }
    for (const char c : std::string_view(" #%&+:;<=>?@[\\]^`{|}\"")) {
        t[static_cast<unsigned char>(c)] = true;
    }
    return t;
}

constexpr auto k_unsafe = make_unsafe_table();

int hex(char c) noexcept { return k_hex_value[static_cast<unsigned char>(c)]; }

}  // namespace

std::size_t url_decode_in_place(char* data, std::size_t size, bool* special) noexcept {
    char* p = static_cast<char*>(std::memchr(data, '%', size));
    if (p == nullptr) {
        return size;
    }
    bool any_special = false;
    char* end = data + size;
    char* out = p;
    while (p < end) {
        if (*p == '%' && end - p >= 3) {
            const int hi = hex(p[1]);
            const int lo = hex(p[2]);
            if (hi >= 0 && lo >= 0) {
                const int b = (hi << 4) | lo;
                any_special = any_special || b < 0x20 || b >= 0x80 || b == '"' || b == '\\';
                *out++ = static_cast<char>(b);
                p += 3;
                continue;
            }
        }
        *out++ = *p++;
    }
    if (special != nullptr) {
        *special = any_special;
    }
    return static_cast<std::size_t>(out - data);
}

std::string url_decode(std::string_view s) {
    std::string out(s);
    out.resize(url_decode_in_place(out.data(), out.size()));
    return out;
}

void url_encode_append(std::string& out, std::string_view s) {
    static constexpr char k_digits[] = "0123456789ABCDEF";
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (!k_unsafe[c]) {
            out.push_back(static_cast<char>(c));
        } else if (c == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out.push_back('%');
        } else {
            out.push_back('%');
            out.push_back(k_digits[c >> 4]);
            out.push_back(k_digits[c & 0xF]);
        }
    }
}

void switch_url_encode_append(std::string& out, std::string_view s) {
    static constexpr char k_digits[] = "0123456789ABCDEF";
    const auto upper_hex = [](char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
    const std::size_t n = std::min(s.size(), s.find('\0'));
    std::size_t run = 0;  // start of the pending run of bytes copied as they are
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (!k_unsafe[c] || (c == '%' && i + 2 < n && upper_hex(s[i + 1]) && upper_hex(s[i + 2]))) {
            continue;
        }
        out.append(s.data() + run, i - run);
        out.push_back('%');
        out.push_back(k_digits[c >> 4]);
        out.push_back(k_digits[c & 0xF]);
        run = i + 1;
    }
    out.append(s.data() + run, n - run);
}

}  // namespace fax::esl
