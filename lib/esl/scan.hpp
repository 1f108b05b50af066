#pragma once
/// Word-at-a-time byte search for buffers with read padding (Event storage).
/// Internal to lib/esl.

#include <cstdint>
#include <cstring>

namespace fax::esl::detail {

/// First \a c in [p, end), or end. Reads whole 8-byte words and so up to 7
/// bytes past end. Requires: 8 readable bytes after end.
inline const char* find_byte_padded(const char* p, const char* end, char c) noexcept {
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_high = 0x8080808080808080ULL;
    const std::uint64_t pattern = k_ones * static_cast<unsigned char>(c);
    while (p < end) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, 8);
        const std::uint64_t x = w ^ pattern;
        const std::uint64_t hit = (x - k_ones) & ~x & k_high;
        if (hit != 0) {
            const char* at = p + __builtin_ctzll(hit) / 8;
            return at < end ? at : end;
        }
        p += 8;
    }
    return end;
}

}  // namespace fax::esl::detail
