#pragma once
/// Bilevel page bitmaps read from TIFF files, and page-by-page comparison.
///
/// A PageBitmap is the decoded image of one TIFF directory: 1 bit per pixel,
/// rows packed MSB first, 1 = black whatever the file's Photometric, padding
/// bits at the end of a row always 0. Any compression libtiff decodes is
/// accepted (none, CCITT G3 1-D/2-D, G4, PackBits, …); pages must be bilevel
/// (1 sample of 1 bit).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace fax::tiff {

/// One decoded page.
struct PageBitmap {
    std::uint32_t width = 0;   ///< pixels per row
    std::uint32_t height = 0;  ///< rows
    double x_dpi = 0;          ///< XResolution in dots per inch (0 when absent)
    double y_dpi = 0;          ///< YResolution in dots per inch (0 when absent)
    std::vector<std::uint8_t> bits;  ///< height rows of stride() bytes

    /// Bytes per packed row.
    std::size_t stride() const noexcept { return (std::size_t{width} + 7) / 8; }
    std::span<const std::uint8_t> row(std::uint32_t y) const noexcept {
        return {bits.data() + std::size_t{y} * stride(), stride()};
    }
    std::span<std::uint8_t> row(std::uint32_t y) noexcept {
        return {bits.data() + std::size_t{y} * stride(), stride()};
    }
    /// True when pixel (x, y) is black. Preconditions: x < width, y < height.
    bool black(std::uint32_t x, std::uint32_t y) const noexcept {
        return (row(y)[x / 8] >> (7 - x % 8) & 1U) != 0;
    }
    void set_black(std::uint32_t x, std::uint32_t y) noexcept {
        row(y)[x / 8] = static_cast<std::uint8_t>(row(y)[x / 8] | (0x80U >> (x % 8)));
    }
    /// Number of black pixels on the page.
    std::size_t black_count() const noexcept;

    /// A white page of \a width x \a height pixels.
    static PageBitmap blank(std::uint32_t width, std::uint32_t height, double x_dpi = 0, double y_dpi = 0);
};

/// Reads every page (directory) of the TIFF at \a path, in file order.
/// Errors: Errc::no_input (cannot open), Errc::data (not bilevel, corrupt).
core::Result<std::vector<PageBitmap>> read_pages(const std::string& path);

/// Size and resolution of one page, from its tags (no image decoding).
struct PageGeometry {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    double x_dpi = 0;  ///< 0 when absent
    double y_dpi = 0;
};

/// The geometry of every page of the TIFF at \a path. Errors as read_pages().
core::Result<std::vector<PageGeometry>> read_geometry(const std::string& path);

/// The first place where two documents differ.
struct PageDifference {
    std::size_t page = 0;    ///< 0-based page index
    std::uint32_t row = 0;   ///< 0-based row (0 for page-level differences)
    std::string what;        ///< one line: "page count 3 vs 2", "width 1728 vs 864", "row differs", …
};

/// Compares pixels and sizes page by page (resolution is not compared: see
/// same_resolution()). Returns the first difference, or nullopt when equal.
/// A row is only compared when both pages are at least that tall; a height
/// mismatch is reported at the first row past the shorter page.
std::optional<PageDifference> first_difference(std::span<const PageBitmap> a, std::span<const PageBitmap> b);

/// first_difference() for two single pages (page index 0).
std::optional<PageDifference> first_difference(const PageBitmap& a, const PageBitmap& b);

/// True when both resolutions agree within 1 % (204 dpi vs 8031 px/m both pass).
bool same_resolution(const PageBitmap& a, const PageBitmap& b) noexcept;

/// Reads both files and compares them; the Result carries read errors.
core::Result<std::optional<PageDifference>> compare_files(const std::string& path_a, const std::string& path_b);

/// "page 2 row 17: row differs" (1-based page and row, as people count).
std::string describe(const PageDifference& d);

}  // namespace fax::tiff
