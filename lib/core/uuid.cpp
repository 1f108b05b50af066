#include "core/uuid.hpp"

#include <cstdint>
#include <random>

namespace fax::core {

std::string random_uuid() {
    thread_local std::mt19937_64 rng{[] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
        return std::mt19937_64(seq);
    }()};
    std::uint64_t hi = rng();
    std::uint64_t lo = rng();
    hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string s(36, '-');
    std::size_t pos = 0;
    auto put = [&](std::uint64_t v, int nibbles) {
        for (int i = nibbles - 1; i >= 0; --i) {
            while (s[pos] == '-' && (pos == 8 || pos == 13 || pos == 18 || pos == 23)) {
                ++pos;
            }
            s[pos++] = k_hex[(v >> (i * 4)) & 0xF];
        }
    };
    put(hi, 16);
    put(lo, 16);
    return s;
}

}  // namespace fax::core
