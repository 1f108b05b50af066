#include "hylafax/class2_params.hpp"

namespace fax::hylafax {

std::uint32_t encode(const Class2Params& p) noexcept {
    return (p.vr & 7U) | (p.br & 63U) << 3 | (p.wd & 7U) << 9 | (p.ln & 3U) << 12 | (p.df & 3U) << 14 |
           (p.ec != 0 ? 1U : 0U) << 16 | (p.bf & 1U) << 17 | (p.st & 7U) << 18 | 1U << 21;
}

unsigned bit_rate_code(int bps) noexcept {
    if (bps >= 14400) {
        return 5;
    }
    if (bps >= 12000) {
        return 4;
    }
    if (bps >= 9600) {
        return 3;
    }
    if (bps >= 7200) {
        return 2;
    }
    if (bps >= 4800) {
        return 1;
    }
    return 0;
}

unsigned vertical_resolution_code(int ppm) noexcept {
    if (ppm >= 11000) {
        return 2;
    }
    if (ppm >= 5500) {
        return 1;
    }
    return 0;
}

unsigned data_format_code(std::string_view name) noexcept {
    if (name == "T.4 2-D") {
        return 1;
    }
    if (name == "T.6") {
        return 3;
    }
    if (name == "Uncompressed" || name == "None") {
        return 2;
    }
    return 0;
}

std::string_view data_format_name(unsigned df) noexcept {
    switch (df) {
    case 1:
        return "2-D MR";
    case 2:
        return "2-D Uncompressed Mode";
    case 3:
        return "2-D MMR";
    default:
        return "1-D MH";
    }
}

}  // namespace fax::hylafax
