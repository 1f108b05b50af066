#include "tiff/writer.hpp"

#include <cstdarg>
#include <cstdio>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "tiff/libtiff_support.hpp"

namespace fax::tiff {

namespace {

using namespace detail;
using core::Errc;
using core::make_error;


core::Error io_error(const std::string& path, const ErrorLog& log, const char* what) {
    return make_error(Errc::io, fmt::format("{}: {}", path, log.first.empty() ? std::string(what) : log.first));
}

std::uint16_t tiff_compression(Compression c) noexcept {
    switch (c) {
        case Compression::t4_1d:
        case Compression::t4_2d: return COMPRESSION_CCITTFAX3;
        case Compression::t6: return COMPRESSION_CCITTFAX4;
        case Compression::none: return COMPRESSION_NONE;
    }
    return COMPRESSION_NONE;
}

}  // namespace

const char* compression_name(Compression c) noexcept {
    switch (c) {
        case Compression::t4_1d: return "T.4 1-D";
        case Compression::t4_2d: return "T.4 2-D";
        case Compression::t6: return "T.6";
        case Compression::none: return "None";
    }
    return "None";
}

core::Result<void> write_pages(const std::string& path, std::span<const PageBitmap> pages,
                               const WriteOptions& options) {
    if (pages.empty()) {
        return make_error(Errc::usage, fmt::format("{}: no pages to write", path));
    }
    for (const auto& p : pages) {
        if (p.width == 0 || p.height == 0 || p.bits.size() != p.stride() * p.height) {
            return make_error(Errc::usage, fmt::format("{}: empty or inconsistent page bitmap", path));
        }
    }
    ErrorLog log;
    TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(opts, on_tiff_error, &log);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, on_tiff_warning, &log);
    TiffPtr t(TIFFOpenExt(path.c_str(), "w", opts));
    TIFFOpenOptionsFree(opts);
    if (!t) {
        return io_error(path, log, "cannot create TIFF");
    }
    TIFF* tif = t.get();
    const auto total = static_cast<std::uint16_t>(pages.size());
    std::vector<std::uint8_t> row;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const PageBitmap& p = pages[i];
        TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
        TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, p.width);
        TIFFSetField(tif, TIFFTAG_IMAGELENGTH, p.height);
        TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
        TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
        TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
        TIFFSetField(tif, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
        TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
        TIFFSetField(tif, TIFFTAG_COMPRESSION, tiff_compression(options.compression));
        if (options.compression == Compression::t4_1d) {
            TIFFSetField(tif, TIFFTAG_GROUP3OPTIONS, GROUP3OPT_FILLBITS);
        } else if (options.compression == Compression::t4_2d) {
            TIFFSetField(tif, TIFFTAG_GROUP3OPTIONS, GROUP3OPT_2DENCODING | GROUP3OPT_FILLBITS);
        } else if (options.compression == Compression::t6) {
            TIFFSetField(tif, TIFFTAG_GROUP4OPTIONS, 0);
        }
        TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, p.height);
        TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
        TIFFSetField(tif, TIFFTAG_XRESOLUTION, static_cast<float>(p.x_dpi > 0 ? p.x_dpi : 204.0));
        TIFFSetField(tif, TIFFTAG_YRESOLUTION, static_cast<float>(p.y_dpi > 0 ? p.y_dpi : 196.0));
        TIFFSetField(tif, TIFFTAG_PAGENUMBER, static_cast<std::uint16_t>(i), total);
        if (options.compression != Compression::none) {
            TIFFSetField(tif, TIFFTAG_CLEANFAXDATA, CLEANFAXDATA_CLEAN);  // a fax-codec tag
        }
        if (!options.software.empty()) {
            TIFFSetField(tif, TIFFTAG_SOFTWARE, options.software.c_str());
        }
        if (!options.description.empty()) {
            TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, options.description.c_str());
        }
        row.resize(p.stride());
        for (std::uint32_t y = 0; y < p.height; ++y) {
            auto src = p.row(y);
            std::copy(src.begin(), src.end(), row.begin());
            if (TIFFWriteScanline(tif, row.data(), y, 0) < 0) {
                return io_error(path, log, "cannot write scanline");
            }
        }
        if (TIFFWriteDirectory(tif) != 1) {
            return io_error(path, log, "cannot write directory");
        }
    }
    t.reset();
    if (!log.first.empty()) {
        return io_error(path, log, "");
    }
    return {};
}

}  // namespace fax::tiff
