#include "tiff/bitmap.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "tiff/libtiff_support.hpp"

namespace fax::tiff {

namespace {

using namespace detail;
using core::Errc;
using core::make_error;


TiffPtr open_for_read(const std::string& path, ErrorLog& log) {
    TIFFOpenOptions* opts = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(opts, on_tiff_error, &log);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, on_tiff_warning, &log);
    TiffPtr t(TIFFOpenExt(path.c_str(), "r", opts));
    TIFFOpenOptionsFree(opts);
    return t;
}

double to_dpi(float value, std::uint16_t unit) noexcept {
    return unit == RESUNIT_CENTIMETER ? static_cast<double>(value) * 2.54 : static_cast<double>(value);
}

core::Result<PageBitmap> read_directory(TIFF* t, std::size_t index, ErrorLog& log) {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint16_t bps = 1;
    std::uint16_t spp = 1;
    std::uint16_t photometric = PHOTOMETRIC_MINISWHITE;
    if (TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &width) != 1 || TIFFGetField(t, TIFFTAG_IMAGELENGTH, &height) != 1) {
        return make_error(Errc::data, fmt::format("page {}: no ImageWidth/ImageLength", index + 1));
    }
    TIFFGetFieldDefaulted(t, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(t, TIFFTAG_SAMPLESPERPIXEL, &spp);
    if (TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric) != 1) {
        photometric = PHOTOMETRIC_MINISWHITE;  // TIFF-F default
    }
    if (bps != 1 || spp != 1) {
        return make_error(Errc::data,
                          fmt::format("page {}: not bilevel ({} samples of {} bits)", index + 1, spp, bps));
    }
    if (photometric != PHOTOMETRIC_MINISWHITE && photometric != PHOTOMETRIC_MINISBLACK) {
        return make_error(Errc::data, fmt::format("page {}: unsupported Photometric {}", index + 1, photometric));
    }
    float xres = 0;
    float yres = 0;
    std::uint16_t unit = RESUNIT_INCH;
    TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &unit);
    if (TIFFGetField(t, TIFFTAG_XRESOLUTION, &xres) != 1) {
        xres = 0;
    }
    if (TIFFGetField(t, TIFFTAG_YRESOLUTION, &yres) != 1) {
        yres = 0;
    }

    PageBitmap page = PageBitmap::blank(width, height, to_dpi(xres, unit), to_dpi(yres, unit));
    const std::size_t stride = page.stride();
    const auto scanline = static_cast<std::size_t>(TIFFScanlineSize64(t));
    if (scanline < stride) {
        return make_error(Errc::data,
                          fmt::format("page {}: scanline of {} bytes for width {}", index + 1, scanline, width));
    }
    std::vector<std::uint8_t> line(scanline);
    const unsigned tail_bits = width % 8;
    const auto tail_mask = static_cast<std::uint8_t>(tail_bits == 0 ? 0xFFU : (0xFFU << (8 - tail_bits)) & 0xFFU);
    for (std::uint32_t y = 0; y < height; ++y) {
        if (TIFFReadScanline(t, line.data(), y, 0) < 0) {
            return make_error(Errc::data, fmt::format("page {} row {}: {}", index + 1, y + 1,
                                                      log.first.empty() ? "cannot decode" : log.first));
        }
        auto out = page.row(y);
        for (std::size_t i = 0; i < stride; ++i) {
            const auto v = photometric == PHOTOMETRIC_MINISBLACK ? static_cast<std::uint8_t>(~line[i]) : line[i];
            out[i] = v;
        }
        out[stride - 1] = static_cast<std::uint8_t>(out[stride - 1] & tail_mask);
    }
    return page;
}

}  // namespace

std::size_t PageBitmap::black_count() const noexcept {
    std::size_t n = 0;
    for (auto b : bits) {
        n += static_cast<std::size_t>(std::popcount(b));
    }
    return n;
}

PageBitmap PageBitmap::blank(std::uint32_t width, std::uint32_t height, double x_dpi, double y_dpi) {
    PageBitmap p;
    p.width = width;
    p.height = height;
    p.x_dpi = x_dpi;
    p.y_dpi = y_dpi;
    p.bits.assign(p.stride() * height, 0);
    return p;
}

core::Result<std::vector<PageBitmap>> read_pages(const std::string& path) {
    ErrorLog log;
    TiffPtr t = open_for_read(path, log);
    if (!t) {
        return make_error(Errc::no_input,
                          fmt::format("{}: {}", path, log.first.empty() ? "cannot open TIFF" : log.first));
    }
    std::vector<PageBitmap> pages;
    for (std::size_t index = 0;; ++index) {
        auto page = read_directory(t.get(), index, log);
        if (!page) {
            return make_error(Errc::data, fmt::format("{}: {}", path, page.error().message));
        }
        pages.push_back(std::move(page).value());
        if (TIFFReadDirectory(t.get()) != 1) {
            break;
        }
    }
    if (!log.first.empty() && pages.empty()) {
        return make_error(Errc::data, fmt::format("{}: {}", path, log.first));
    }
    return pages;
}

core::Result<std::vector<PageGeometry>> read_geometry(const std::string& path) {
    ErrorLog log;
    TiffPtr t = open_for_read(path, log);
    if (!t) {
        return make_error(Errc::no_input,
                          fmt::format("{}: {}", path, log.first.empty() ? "cannot open TIFF" : log.first));
    }
    std::vector<PageGeometry> pages;
    do {
        PageGeometry g;
        float xres = 0;
        float yres = 0;
        std::uint16_t unit = RESUNIT_INCH;
        if (TIFFGetField(t.get(), TIFFTAG_IMAGEWIDTH, &g.width) != 1 ||
            TIFFGetField(t.get(), TIFFTAG_IMAGELENGTH, &g.height) != 1) {
            return make_error(Errc::data,
                              fmt::format("{}: page {}: no ImageWidth/ImageLength", path, pages.size() + 1));
        }
        TIFFGetFieldDefaulted(t.get(), TIFFTAG_RESOLUTIONUNIT, &unit);
        g.x_dpi = TIFFGetField(t.get(), TIFFTAG_XRESOLUTION, &xres) == 1 ? to_dpi(xres, unit) : 0.0;
        g.y_dpi = TIFFGetField(t.get(), TIFFTAG_YRESOLUTION, &yres) == 1 ? to_dpi(yres, unit) : 0.0;
        pages.push_back(g);
    } while (TIFFReadDirectory(t.get()) == 1);
    return pages;
}

std::optional<PageDifference> first_difference(const PageBitmap& a, const PageBitmap& b) {
    if (a.width != b.width) {
        return PageDifference{0, 0, fmt::format("width {} vs {}", a.width, b.width)};
    }
    const std::uint32_t common = std::min(a.height, b.height);
    for (std::uint32_t y = 0; y < common; ++y) {
        auto ra = a.row(y);
        auto rb = b.row(y);
        if (!std::equal(ra.begin(), ra.end(), rb.begin())) {
            return PageDifference{0, y, "row differs"};
        }
    }
    if (a.height != b.height) {
        return PageDifference{0, common, fmt::format("height {} vs {}", a.height, b.height)};
    }
    return std::nullopt;
}

std::optional<PageDifference> first_difference(std::span<const PageBitmap> a, std::span<const PageBitmap> b) {
    const std::size_t common = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < common; ++i) {
        if (auto d = first_difference(a[i], b[i])) {
            d->page = i;
            return d;
        }
    }
    if (a.size() != b.size()) {
        return PageDifference{common, 0, fmt::format("page count {} vs {}", a.size(), b.size())};
    }
    return std::nullopt;
}

bool same_resolution(const PageBitmap& a, const PageBitmap& b) noexcept {
    auto close = [](double x, double y) { return std::fabs(x - y) <= 0.01 * std::max(std::fabs(x), std::fabs(y)); };
    return close(a.x_dpi, b.x_dpi) && close(a.y_dpi, b.y_dpi);
}

core::Result<std::optional<PageDifference>> compare_files(const std::string& path_a, const std::string& path_b) {
    auto a = read_pages(path_a);
    if (!a) {
        return std::move(a).error();
    }
    auto b = read_pages(path_b);
    if (!b) {
        return std::move(b).error();
    }
    return first_difference(std::span<const PageBitmap>(*a), std::span<const PageBitmap>(*b));
}

std::string describe(const PageDifference& d) {
    return fmt::format("page {} row {}: {}", d.page + 1, d.row + 1, d.what);
}

}  // namespace fax::tiff
