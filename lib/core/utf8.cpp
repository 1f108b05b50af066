#include "core/utf8.hpp"

namespace fax::core {

std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end, std::size_t* skip) noexcept {
    const unsigned char c = *p;
    std::size_t need = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c == 0xE0) {
        need = 2;
        lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        need = 2;
    } else if (c == 0xED) {
        need = 2;
        hi = 0x9F;
    } else if (c == 0xF0) {
        need = 3;
        lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
        need = 3;
    } else if (c == 0xF4) {
        need = 3;
        hi = 0x8F;
    } else {
        *skip = 1;
        return 0;
    }
    for (std::size_t i = 1; i <= need; ++i) {
        const unsigned char l = i == 1 ? lo : 0x80;
        const unsigned char h = i == 1 ? hi : 0xBF;
        if (p + i >= end || p[i] < l || p[i] > h) {
            *skip = i;
            return 0;
        }
    }
    return need + 1;
}

bool is_valid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        if (*p < 0x80) {
            ++p;
            continue;
        }
        std::size_t skip = 0;
        const std::size_t n = utf8_sequence(p, end, &skip);
        if (n == 0) {
            return false;
        }
        p += n;
    }
    return true;
}

void append_repaired_utf8(std::string& out, std::string_view s) {
    const auto* begin = reinterpret_cast<const unsigned char*>(s.data());
    const auto* p = begin;
    const auto* end = p + s.size();
    const auto* run = p;
    while (p < end) {
        if (*p < 0x80) {
            ++p;
            continue;
        }
        std::size_t skip = 0;
        const std::size_t n = utf8_sequence(p, end, &skip);
        if (n != 0) {
            p += n;
            continue;
        }
        out.append(s.substr(static_cast<std::size_t>(run - begin), static_cast<std::size_t>(p - run)));
        out.append("\xEF\xBF\xBD");
        p += skip;
        run = p;
    }
    out.append(s.substr(static_cast<std::size_t>(run - begin), static_cast<std::size_t>(p - run)));
}

}  // namespace fax::core
