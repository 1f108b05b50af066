#pragma once
/// Block-at-a-time byte classes for the JSON-lines hot paths: 16-byte SSE2
/// blocks on x86-64 (always available there), 8-byte SWAR words elsewhere.
/// A "block mask" has bit i set when byte i of the block is in the class.

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fax::jsonl::detail {

#if defined(__SSE2__)

inline constexpr std::size_t k_block = 16;

/// Bytes of one block, as loaded from memory.
struct Block {
    __m128i v;
};

inline Block load_block(const void* p) noexcept {
    return {_mm_loadu_si128(static_cast<const __m128i*>(p))};
}

inline void store_block(void* p, Block b) noexcept { _mm_storeu_si128(static_cast<__m128i*>(p), b.v); }

/// Bytes equal to \a c.
inline std::uint32_t equal_mask(Block b, char c) noexcept {
    return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(b.v, _mm_set1_epi8(c))));
}

/// Bytes that need JSON escaping or UTF-8 checking: < 0x20, '"', '\\', >= 0x80.
inline std::uint32_t special_mask(Block b) noexcept {
    // Signed compare: bytes >= 0x80 are negative, so "< 0x20" covers them too.
    const __m128i low = _mm_cmplt_epi8(b.v, _mm_set1_epi8(0x20));
    const __m128i quote = _mm_cmpeq_epi8(b.v, _mm_set1_epi8('"'));
    const __m128i slash = _mm_cmpeq_epi8(b.v, _mm_set1_epi8('\\'));
    return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(quote, slash))));
}

#else

inline constexpr std::size_t k_block = 8;

struct Block {
    std::uint64_t w;
};

inline Block load_block(const void* p) noexcept {
    Block b{};
    std::memcpy(&b.w, p, 8);
    return b;
}

inline void store_block(void* p, Block b) noexcept { std::memcpy(p, &b.w, 8); }

inline constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t k_high = 0x8080808080808080ULL;

// Packs the high bit of each byte into bits 0..7. Bytes above the first
// flagged one may be false positives (a borrow); callers only use the lowest
// set bit or "any bit below n", which are exact.
inline std::uint32_t pack_high(std::uint64_t x) noexcept {
    return static_cast<std::uint32_t>(((x & k_high) * 0x0002040810204081ULL) >> 56);
}

inline std::uint32_t equal_mask(Block b, char c) noexcept {
    const std::uint64_t x = b.w ^ (k_ones * static_cast<unsigned char>(c));
    return pack_high((x - k_ones) & ~x);
}

inline std::uint32_t special_mask(Block b) noexcept {
    const std::uint64_t w = b.w;
    const std::uint64_t ctl = (w - k_ones * 0x20) & ~w;
    const std::uint64_t quote = w ^ (k_ones * '"');
    const std::uint64_t slash = w ^ (k_ones * '\\');
    return pack_high(ctl | ((quote - k_ones) & ~quote) | ((slash - k_ones) & ~slash) | w);
}

#endif

/// Mask of the first \a n bytes of a block (n <= k_block).
inline std::uint32_t prefix_mask(std::size_t n) noexcept {
    return n >= 32 ? ~std::uint32_t{0} : ((std::uint32_t{1} << n) - 1);
}

/// Index of the lowest set bit. Requires: m != 0.
inline std::size_t first_bit(std::uint32_t m) noexcept { return static_cast<std::size_t>(__builtin_ctz(m)); }

}  // namespace fax::jsonl::detail
