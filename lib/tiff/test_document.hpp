#pragma once
/// A synthetic, deterministic fax document for tests and demos.
///
/// Pages are 1728 px wide (A4 at R8, 204 dpi) and A4 long (2286 rows fine,
/// 1143 standard). Each page carries: its number "n/N" in large digits, a rule,
/// `text_lines` lines of pseudo-text (5x7 glyphs in words, paragraphs, ragged
/// right) and a footer bar code of (seed, page). Different pages, or the same
/// page under different seeds, never render alike; the same options always
/// render the same bits. The text makes G3/G4 coding behave like a real
/// letter (many short runs), so the compressed size, and therefore the
/// transfer time, grows with `text_lines`.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "tiff/bitmap.hpp"
#include "tiff/writer.hpp"

namespace fax::tiff {

/// Vertical resolution of a fax page.
enum class FaxResolution {
    standard,  ///< 98 lpi (3.85 lines/mm)
    fine,      ///< 196 lpi (7.7 lines/mm)
};

struct TestDocumentOptions {
    int pages = 3;                               ///< 1..999
    FaxResolution resolution = FaxResolution::fine;
    Compression compression = Compression::t4_2d;
    std::uint32_t seed = 1;                      ///< content variant
    int text_lines = 12;                         ///< 0..50 lines of text per page
    std::string software = "faxkit test_document";
};

/// The pages write_test_document() stores (204 x 196 or 204 x 98 dpi).
/// Out-of-range options are clamped.
std::vector<PageBitmap> render_test_pages(const TestDocumentOptions& options = {});

/// Writes the TIFF-F test document to \a path (see write_pages() for the tags).
core::Result<void> write_test_document(const std::string& path, const TestDocumentOptions& options = {});

}  // namespace fax::tiff
