#pragma once
/// Block-at-a-time scans over buffers with read padding (Event storage).
/// Internal to lib/esl.

#include <cstddef>

#include "jsonl/swar.hpp"

namespace fax::esl::detail {

/// Bytes that must be readable after the end of a scanned range.
inline constexpr std::size_t k_scan_padding = jsonl::detail::k_block;

/// What scan_value found in a value.
struct ValueScan {
    const char* end;   ///< the '\n' ending the value, or the buffer end
    bool clean;        ///< no byte before it needs JSON escaping
    bool has_percent;  ///< a '%' occurs before it (URL decoding needed)
};

/// One pass over a plain-event header value starting at \a p: finds the
/// '\n' and notes '%' and JSON-special bytes before it. Requires padding.
inline ValueScan scan_value(const char* p, const char* end) noexcept {
    using namespace jsonl::detail;
    std::uint32_t dirty = 0;
    std::uint32_t pct = 0;
    while (p < end) {
        const Block b = load_block(p);
        const auto left = static_cast<std::size_t>(end - p);
        std::size_t lim = left < k_block ? left : k_block;
        const std::uint32_t nl = equal_mask(b, '\n') & prefix_mask(lim);
        if (nl != 0) {
            lim = first_bit(nl);
        }
        const std::uint32_t mask = prefix_mask(lim);
        dirty |= special_mask(b) & mask;
        pct |= equal_mask(b, '%') & mask;
        if (nl != 0) {
            return {p + lim, dirty == 0, pct != 0};
        }
        p += k_block;
    }
    return {end, dirty == 0, pct != 0};
}

/// First ':' or '\n' from \a p (or end); \a clean tells whether the bytes
/// before it need no JSON escaping. Requires padding.
inline const char* scan_name(const char* p, const char* end, bool& clean) noexcept {
    using namespace jsonl::detail;
    std::uint32_t dirty = 0;
    while (p < end) {
        const Block b = load_block(p);
        const auto left = static_cast<std::size_t>(end - p);
        const std::size_t lim = left < k_block ? left : k_block;
        const std::uint32_t hit = (equal_mask(b, ':') | equal_mask(b, '\n')) & prefix_mask(lim);
        if (hit != 0) {
            const std::size_t idx = first_bit(hit);
            dirty |= special_mask(b) & prefix_mask(idx);
            clean = dirty == 0;
            return p + idx;
        }
        dirty |= special_mask(b) & prefix_mask(lim);
        p += k_block;
    }
    clean = dirty == 0;
    return end;
}

}  // namespace fax::esl::detail
