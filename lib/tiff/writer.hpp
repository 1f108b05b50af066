#pragma once
/// Writes PageBitmaps as a multi-page TIFF-F (fax) file.

#include <span>
#include <string>

#include "core/result.hpp"
#include "tiff/bitmap.hpp"

namespace fax::tiff {

/// Image coding of the written strips.
enum class Compression {
    t4_1d,  ///< CCITT Group 3, 1-D (modified Huffman), EOLs byte-aligned
    t4_2d,  ///< CCITT Group 3, 2-D (T.4 modified READ), EOLs byte-aligned
    t6,     ///< CCITT Group 4 (T.6)
    none,   ///< uncompressed
};

/// Name as spandsp/mod_spandsp print it ("T.4 1-D", "T.4 2-D", "T.6", "None").
const char* compression_name(Compression c) noexcept;

struct WriteOptions {
    Compression compression = Compression::t4_2d;
    std::string software = "faxkit";  ///< Software tag; empty = none
    std::string description;          ///< ImageDescription tag; empty = none
};

/// Writes \a pages to \a path (created or truncated), one directory per page,
/// with the tags TIFF-F (RFC 3949 profile S/F) asks for: NewSubfileType page,
/// BitsPerSample 1, Photometric min-is-white, FillOrder LSB-to-MSB (bit-reversed,
/// as fax modems deliver), one strip per page, XResolution/YResolution from each
/// page's dpi (204 x 196/98 for fax) in inches, Orientation top-left,
/// PageNumber n/N (n 0-based, as TIFF 6.0 counts), T4Options/T6Options,
/// CleanFaxData clean (CCITT codings only), Software.
/// Errors: Errc::usage (no pages, a 0-sized page), Errc::io (libtiff).
core::Result<void> write_pages(const std::string& path, std::span<const PageBitmap> pages,
                               const WriteOptions& options = {});

}  // namespace fax::tiff
