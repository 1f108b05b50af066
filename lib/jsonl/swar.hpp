#pragma once
/// Word-at-a-time (SWAR) byte classes for the JSON-lines hot paths.

#include <cstdint>

namespace fax::jsonl::detail {

inline constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t k_high = 0x8080808080808080ULL;

/// High bit set in each byte of \a w that needs JSON escaping or UTF-8
/// checking: < 0x20, '"', '\\' or >= 0x80. Bytes above the first flagged one
/// may be false positives (a borrow); the lowest flagged byte is exact, so
/// "any flagged byte within a prefix" is exact too.
inline std::uint64_t special_bytes(std::uint64_t w) noexcept {
    const std::uint64_t ctl = (w - k_ones * 0x20) & ~w;
    const std::uint64_t quote = w ^ (k_ones * '"');
    const std::uint64_t slash = w ^ (k_ones * '\\');
    return (ctl | ((quote - k_ones) & ~quote) | ((slash - k_ones) & ~slash) | w) & k_high;
}

/// High bit set in each byte of \a w equal to the byte of \a pattern
/// (k_ones * c); the lowest flagged byte is exact.
inline std::uint64_t equal_bytes(std::uint64_t w, std::uint64_t pattern) noexcept {
    const std::uint64_t x = w ^ pattern;
    return (x - k_ones) & ~x & k_high;
}

/// Mask of the first \a n bytes (n <= 8) of a little-endian word.
inline std::uint64_t prefix_mask(std::size_t n) noexcept {
    return n >= 8 ? ~std::uint64_t{0} : ((std::uint64_t{1} << (8 * n)) - 1);
}

}  // namespace fax::jsonl::detail
