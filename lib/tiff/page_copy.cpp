#include "tiff/page_copy.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fax::tiff::detail {

using core::Errc;
using core::make_error;

TiffPtr open_fd(int fd, const std::string& path, const char* mode, ErrorLog& log) {
    TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(opts, on_tiff_error, &log);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, on_tiff_warning, &log);
    TiffPtr t(TIFFFdOpenExt(fd, path.c_str(), mode, opts));
    TIFFOpenOptionsFree(opts);
    return t;
}

std::string reason(const ErrorLog& log, const char* fallback) {
    return log.first.empty() ? std::string(fallback) : log.first;
}

core::Result<PageTags> read_page_tags(TIFF* in) {
    PageTags p;
    if (TIFFGetField(in, TIFFTAG_IMAGEWIDTH, &p.width) != 1 || TIFFGetField(in, TIFFTAG_IMAGELENGTH, &p.height) != 1 ||
        p.width == 0 || p.height == 0) {
        return make_error(Errc::data, "no image size");
    }
    TIFFGetFieldDefaulted(in, TIFFTAG_BITSPERSAMPLE, &p.bps);
    TIFFGetFieldDefaulted(in, TIFFTAG_SAMPLESPERPIXEL, &p.spp);
    if (p.bps != 1 || p.spp != 1) {
        return make_error(Errc::data, fmt::format("not bilevel ({} samples of {} bits)", p.spp, p.bps));
    }
    if (TIFFGetField(in, TIFFTAG_PHOTOMETRIC, &p.photometric) != 1) {
        p.photometric = PHOTOMETRIC_MINISWHITE;  // TIFF-F's default
    }
    if (p.photometric != PHOTOMETRIC_MINISWHITE && p.photometric != PHOTOMETRIC_MINISBLACK) {
        return make_error(Errc::data, fmt::format("not bilevel (Photometric {})", p.photometric));
    }
    if (TIFFIsTiled(in) != 0) {
        return make_error(Errc::data, "tiled images are not supported");
    }
    TIFFGetFieldDefaulted(in, TIFFTAG_COMPRESSION, &p.compression);
    TIFFGetFieldDefaulted(in, TIFFTAG_FILLORDER, &p.fill_order);
    TIFFGetFieldDefaulted(in, TIFFTAG_ORIENTATION, &p.orientation);
    TIFFGetFieldDefaulted(in, TIFFTAG_ROWSPERSTRIP, &p.rows_per_strip);
    TIFFGetFieldDefaulted(in, TIFFTAG_RESOLUTIONUNIT, &p.res_unit);
    // spandsp needs a resolution: fax's 204 dpi across, and fine or standard
    // rows guessed from the length (an A4 page is 2286 or 1143 rows).
    if (TIFFGetField(in, TIFFTAG_XRESOLUTION, &p.x_res) != 1 || TIFFGetField(in, TIFFTAG_YRESOLUTION, &p.y_res) != 1 ||
        !(p.x_res > 0) || !(p.y_res > 0)) {
        p.res_unit = RESUNIT_INCH;
        p.x_res = 204.0F;
        p.y_res = p.height > 1600 ? 196.0F : 98.0F;
    }
    if (p.rows_per_strip == 0 || p.rows_per_strip > p.height) {
        p.rows_per_strip = p.height;
    }
    return p;
}

void set_page_tags(TIFF* out, const PageTags& p, std::uint16_t page, std::uint16_t total) {
    TIFFSetField(out, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    TIFFSetField(out, TIFFTAG_IMAGEWIDTH, p.width);
    TIFFSetField(out, TIFFTAG_IMAGELENGTH, p.height);
    TIFFSetField(out, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(out, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(out, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(out, TIFFTAG_ORIENTATION, p.orientation);
    TIFFSetField(out, TIFFTAG_RESOLUTIONUNIT, p.res_unit);
    TIFFSetField(out, TIFFTAG_XRESOLUTION, p.x_res);
    TIFFSetField(out, TIFFTAG_YRESOLUTION, p.y_res);
    TIFFSetField(out, TIFFTAG_PAGENUMBER, page, total);
}

namespace {

bool is_fax_coded(std::uint16_t compression) noexcept {
    return compression == COMPRESSION_CCITTFAX3 || compression == COMPRESSION_CCITTFAX4;
}

/// Fast path: the stored strips and the coding tags, unchanged.
core::Result<void> copy_raw(TIFF* in, TIFF* out, const PageTags& p, std::vector<std::uint8_t>& buf) {
    const std::uint32_t strips = TIFFNumberOfStrips(in);
    const std::uint32_t expected = (p.height - 1) / p.rows_per_strip + 1;
    if (strips != expected) {
        return make_error(Errc::data, fmt::format("{} strips for {} rows of {} per strip", strips, p.height,
                                                  p.rows_per_strip));
    }
    TIFFSetField(out, TIFFTAG_COMPRESSION, p.compression);
    TIFFSetField(out, TIFFTAG_PHOTOMETRIC, p.photometric);
    TIFFSetField(out, TIFFTAG_FILLORDER, p.fill_order);
    TIFFSetField(out, TIFFTAG_ROWSPERSTRIP, p.rows_per_strip);
    std::uint32_t options = 0;
    if (p.compression == COMPRESSION_CCITTFAX3) {
        if (TIFFGetField(in, TIFFTAG_GROUP3OPTIONS, &options) != 1) {
            options = 0;
        }
        TIFFSetField(out, TIFFTAG_GROUP3OPTIONS, options);
    } else {
        if (TIFFGetField(in, TIFFTAG_GROUP4OPTIONS, &options) != 1) {
            options = 0;
        }
        TIFFSetField(out, TIFFTAG_GROUP4OPTIONS, options);
    }
    std::uint16_t clean = 0;
    if (TIFFGetField(in, TIFFTAG_CLEANFAXDATA, &clean) == 1) {
        TIFFSetField(out, TIFFTAG_CLEANFAXDATA, clean);
    }
    std::uint32_t bad = 0;
    if (TIFFGetField(in, TIFFTAG_BADFAXLINES, &bad) == 1) {
        TIFFSetField(out, TIFFTAG_BADFAXLINES, bad);
    }
    if (TIFFGetField(in, TIFFTAG_CONSECUTIVEBADFAXLINES, &bad) == 1) {
        TIFFSetField(out, TIFFTAG_CONSECUTIVEBADFAXLINES, bad);
    }
    for (std::uint32_t s = 0; s < strips; ++s) {
        const std::uint64_t size = TIFFGetStrileByteCount(in, s);
        if (size == 0 || size > static_cast<std::uint64_t>(std::numeric_limits<tmsize_t>::max())) {
            return make_error(Errc::data, fmt::format("strip {}: byte count {}", s + 1, size));
        }
        buf.resize(static_cast<std::size_t>(size));
        const tmsize_t got = TIFFReadRawStrip(in, s, buf.data(), static_cast<tmsize_t>(size));
        if (got != static_cast<tmsize_t>(size)) {
            return make_error(Errc::data, fmt::format("strip {}: cannot read", s + 1));
        }
        if (TIFFWriteRawStrip(out, s, buf.data(), got) != got) {
            return make_error(Errc::io, fmt::format("strip {}: cannot write", s + 1));
        }
    }
    return {};
}

/// Other codings: decoded row by row and written as G4, min-is-white.
core::Result<void> recode_g4(TIFF* in, TIFF* out, const PageTags& p, std::vector<std::uint8_t>& buf) {
    TIFFSetField(out, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
    TIFFSetField(out, TIFFTAG_GROUP4OPTIONS, 0);
    TIFFSetField(out, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(out, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
    TIFFSetField(out, TIFFTAG_ROWSPERSTRIP, p.height);
    TIFFSetField(out, TIFFTAG_CLEANFAXDATA, CLEANFAXDATA_CLEAN);
    const std::size_t stride = (std::size_t{p.width} + 7) / 8;
    const auto scanline = static_cast<std::size_t>(TIFFScanlineSize64(in));
    if (scanline < stride) {
        return make_error(Errc::data, fmt::format("scanline of {} bytes for width {}", scanline, p.width));
    }
    buf.assign(scanline, 0);
    const unsigned tail_bits = p.width % 8;
    const auto tail_mask = static_cast<std::uint8_t>(tail_bits == 0 ? 0xFFU : (0xFFU << (8 - tail_bits)) & 0xFFU);
    const bool invert = p.photometric == PHOTOMETRIC_MINISBLACK;
    for (std::uint32_t y = 0; y < p.height; ++y) {
        if (TIFFReadScanline(in, buf.data(), y, 0) < 0) {
            return make_error(Errc::data, fmt::format("row {}: cannot decode", y + 1));
        }
        if (invert) {
            for (std::size_t i = 0; i < stride; ++i) {
                buf[i] = static_cast<std::uint8_t>(~buf[i]);
            }
        }
        buf[stride - 1] = static_cast<std::uint8_t>(buf[stride - 1] & tail_mask);
        if (TIFFWriteScanline(out, buf.data(), y, 0) < 0) {
            return make_error(Errc::io, fmt::format("row {}: cannot encode", y + 1));
        }
    }
    return {};
}

}  // namespace

core::Result<void> copy_page_image(TIFF* in, TIFF* out, const PageTags& p, std::vector<std::uint8_t>& buf) {
    return is_fax_coded(p.compression) ? copy_raw(in, out, p, buf) : recode_g4(in, out, p, buf);
}

core::Result<int> TempFile::create(const std::string& final_path, unsigned mode) {
    // Unique within the process by the counter, across processes by the
    // pid; O_EXCL settles a leftover from a dead process with that pid.
    static std::atomic<unsigned> counter{0};
    const auto clock = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    for (int attempt = 0; attempt < 32; ++attempt) {
        m_path = fmt::format("{}.{}-{:x}-{}.tmp", final_path, ::getpid(), clock & 0xFFFFFFU, counter.fetch_add(1));
        const int fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
        if (fd >= 0) {
            m_live = true;
            return fd;
        }
        if (errno != EEXIST) {
            return make_error(Errc::io, fmt::format("{}: {}", m_path, std::strerror(errno)));
        }
    }
    return make_error(Errc::io, fmt::format("{}: cannot find a free temporary name", final_path));
}

core::Result<void> TempFile::commit(const std::string& final_path) {
    if (::rename(m_path.c_str(), final_path.c_str()) != 0) {
        return make_error(Errc::io, fmt::format("{}: {}", final_path, std::strerror(errno)));
    }
    m_live = false;
    return {};
}

void TempFile::discard() noexcept {
    if (m_live) {
        ::unlink(m_path.c_str());
        m_live = false;
    }
}

}  // namespace fax::tiff::detail
