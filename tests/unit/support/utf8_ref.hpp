#pragma once
// Reference UTF-8 repair for tests: each maximal ill-formed subpart becomes
// U+FFFD (Unicode 15, §3.9, table 3-7), written independently of lib/core.

#include <string>
#include <string_view>

namespace faxkit_test {

inline const std::string k_fffd = "\xEF\xBF\xBD";

inline std::string repaired_utf8(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    while (i < s.size()) {
        const unsigned char c = b(i);
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            ++i;
            continue;
        }
        std::size_t need = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c == 0xE0) {
            need = 2, lo = 0xA0;
        } else if (c >= 0xE1 && c <= 0xEF && c != 0xED) {
            need = 2;
        } else if (c == 0xED) {
            need = 2, hi = 0x9F;
        } else if (c == 0xF0) {
            need = 3, lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            need = 3;
        } else if (c == 0xF4) {
            need = 3, hi = 0x8F;
        } else {
            out += k_fffd;
            ++i;
            continue;
        }
        std::size_t j = 1;
        while (j <= need && i + j < s.size() && b(i + j) >= (j == 1 ? lo : 0x80) && b(i + j) <= (j == 1 ? hi : 0xBF)) {
            ++j;
        }
        if (j > need) {
            out.append(s.substr(i, need + 1));
            i += need + 1;
        } else {
            out += k_fffd;
            i += j;
        }
    }
    return out;
}

}  // namespace faxkit_test
