#pragma once
/// Word-at-a-time byte search for buffers with read padding (Event storage).
/// Internal to lib/esl.

#include <cstdint>
#include <cstring>

#include "jsonl/swar.hpp"

namespace fax::esl::detail {

/// First \a c in [p, end), or end. Reads whole 8-byte words and so up to 7
/// bytes past end. Requires: 8 readable bytes after end.
inline const char* find_byte_padded(const char* p, const char* end, char c) noexcept {
    const std::uint64_t pattern = jsonl::detail::k_ones * static_cast<unsigned char>(c);
    while (p < end) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, 8);
        const std::uint64_t hit = jsonl::detail::equal_bytes(w, pattern);
        if (hit != 0) {
            const char* at = p + __builtin_ctzll(hit) / 8;
            return at < end ? at : end;
        }
        p += 8;
    }
    return end;
}

/// As find_byte_padded, and sets \a clean to whether the bytes before the
/// result need no JSON escaping (see jsonl::detail::special_bytes).
inline const char* find_byte_clean(const char* p, const char* end, char c, bool& clean) noexcept {
    using namespace jsonl::detail;
    const std::uint64_t pattern = k_ones * static_cast<unsigned char>(c);
    std::uint64_t dirty = 0;
    while (p < end) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, 8);
        const auto left = static_cast<std::size_t>(end - p);
        const std::size_t lim = left < 8 ? left : 8;
        const std::uint64_t hit = equal_bytes(w, pattern);
        if (hit != 0) {
            const auto idx = static_cast<std::size_t>(__builtin_ctzll(hit)) / 8;
            if (idx < lim) {
                dirty |= special_bytes(w) & prefix_mask(idx);
                clean = dirty == 0;
                return p + idx;
            }
        }
        dirty |= special_bytes(w) & prefix_mask(lim);
        p += 8;
    }
    clean = dirty == 0;
    return end;
}

/// What scan_value found in a value.
struct ValueScan {
    const char* end;     ///< the '\n' ending the value, or the buffer end
    bool clean;          ///< no byte before it needs JSON escaping
    bool has_percent;    ///< a '%' occurs before it (URL decoding needed)
};

/// One pass over a plain-event header value starting at \a p: finds the
/// '\n' and notes '%' and JSON-special bytes before it. Requires padding.
inline ValueScan scan_value(const char* p, const char* end) noexcept {
    using namespace jsonl::detail;
    constexpr std::uint64_t nl_pattern = k_ones * '\n';
    constexpr std::uint64_t pct_pattern = k_ones * '%';
    std::uint64_t dirty = 0;
    std::uint64_t pct = 0;
    while (p < end) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, 8);
        const auto left = static_cast<std::size_t>(end - p);
        std::size_t lim = left < 8 ? left : 8;
        const std::uint64_t nl = equal_bytes(w, nl_pattern);
        const char* stop = nullptr;
        if (nl != 0) {
            const auto idx = static_cast<std::size_t>(__builtin_ctzll(nl)) / 8;
            if (idx < lim) {
                lim = idx;
                stop = p + idx;
            }
        }
        const std::uint64_t mask = prefix_mask(lim);
        dirty |= special_bytes(w) & mask;
        pct |= equal_bytes(w, pct_pattern) & mask;
        if (stop != nullptr) {
            return {stop, dirty == 0, pct != 0};
        }
        p += 8;
    }
    return {end, dirty == 0, pct != 0};
}

/// First ':' or '\n' from \a p (or end); \a clean tells whether the bytes
/// before it need no JSON escaping. Requires padding.
inline const char* scan_name(const char* p, const char* end, bool& clean) noexcept {
    using namespace jsonl::detail;
    constexpr std::uint64_t nl_pattern = k_ones * '\n';
    constexpr std::uint64_t colon_pattern = k_ones * ':';
    std::uint64_t dirty = 0;
    while (p < end) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, 8);
        const auto left = static_cast<std::size_t>(end - p);
        const std::size_t lim = left < 8 ? left : 8;
        // The lowest flag of either pattern is exact, so their OR's lowest is too.
        const std::uint64_t hit = equal_bytes(w, nl_pattern) | equal_bytes(w, colon_pattern);
        if (hit != 0) {
            const auto idx = static_cast<std::size_t>(__builtin_ctzll(hit)) / 8;
            if (idx < lim) {
                dirty |= special_bytes(w) & prefix_mask(idx);
                clean = dirty == 0;
                return p + idx;
            }
        }
        dirty |= special_bytes(w) & prefix_mask(lim);
        p += 8;
    }
    clean = dirty == 0;
    return end;
}

}  // namespace fax::esl::detail
