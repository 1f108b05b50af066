#pragma once
/// HylaFAX's Class2Params::encode(): the session parameters as one number,
/// used in xferfaxlog field 10 and the TIFF FaxRecvParams tag (34908):
/// vr | br<<3 | wd<<9 | ln<<12 | df<<14 | ec<<16 | bf<<17 | st<<18 | 1<<21
/// (hylafax-integration.md §4; 204x196, 14400, A4, MMR, ECM → 2211881).

#include <cstdint>
#include <string>
#include <string_view>

namespace fax::hylafax {

struct Class2Params {
    unsigned vr = 0;  ///< vertical resolution: 0 normal (98 lpi), 1 fine (196), 2 superfine (391)
    unsigned br = 0;  ///< bit rate: 0 2400, 1 4800, 2 7200, 3 9600, 4 12000, 5 14400
    unsigned wd = 0;  ///< page width: 0 A4 (1728 px)
    unsigned ln = 0;  ///< page length: 0 A4, 2 unlimited
    unsigned df = 0;  ///< data format: 0 1-D MH, 1 2-D MR, 2 uncompressed, 3 2-D MMR
    unsigned ec = 0;  ///< error correction: 0 off, 1 ECM (64-byte frames), 2 ECM (256)
    unsigned bf = 0;  ///< binary file transfer
    unsigned st = 0;  ///< scan time code
};

/// The encoded number (with the version bit 1<<21).
std::uint32_t encode(const Class2Params& p) noexcept;

/// br for a signalling rate in bit/s (14400 → 5, 9600 → 3, anything below 4800 → 0).
unsigned bit_rate_code(int bits_per_second) noexcept;
/// vr for a vertical resolution in pixels per metre (3850 → 0, 7700 → 1, 15400 → 2).
unsigned vertical_resolution_code(int pixels_per_metre) noexcept;
/// df for mod_spandsp's fax-encoding-name ("T.4 1-D" → 0, "T.4 2-D" → 1, "T.6" → 3).
unsigned data_format_code(std::string_view encoding_name) noexcept;
/// HylaFAX's name for a data format, as the qfile's `dataformat:` shows it
/// ("1-D MH", "2-D MR", "2-D Uncompressed Mode", "2-D MMR").
std::string_view data_format_name(unsigned df) noexcept;

}  // namespace fax::hylafax
