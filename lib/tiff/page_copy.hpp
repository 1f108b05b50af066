#pragma once
/// Private to lib/tiff: copying fax pages from one open TIFF to another, and
/// the temporary file a rewritten TIFF is built in (merge_documents(),
/// tag_received_fax()).
///
/// A page that is already coded for fax (CCITT G3 1-D/2-D, G4) is copied as
/// stored: its raw strips with the coding tags (Compression, Photometric,
/// FillOrder, RowsPerStrip, T4Options/T6Options, CleanFaxData and the bad
/// line counts when present). Other bilevel pages are decoded and re-coded as
/// G4, min-is-white.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "tiff/libtiff_support.hpp"

namespace fax::tiff::detail {

/// Opens the descriptor \a fd (named \a path in messages) as a TIFF with
/// messages going to \a log. \a mode "r" or "w"; the TIFF owns \a fd once
/// open, otherwise the caller still does.
TiffPtr open_fd(int fd, const std::string& path, const char* mode, ErrorLog& log);

/// libtiff's first message in \a log, or \a fallback when there is none.
std::string reason(const ErrorLog& log, const char* fallback);

/// The tags of one input page that decide how it is copied.
struct PageTags {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint16_t bps = 1;
    std::uint16_t spp = 1;
    std::uint16_t photometric = PHOTOMETRIC_MINISWHITE;
    std::uint16_t compression = COMPRESSION_NONE;
    std::uint16_t fill_order = FILLORDER_MSB2LSB;
    std::uint16_t orientation = ORIENTATION_TOPLEFT;
    std::uint32_t rows_per_strip = 0;
    std::uint16_t res_unit = RESUNIT_INCH;
    float x_res = 0;  ///< never 0: fax's 204 x 196/98 dpi is assumed when the page has none
    float y_res = 0;
};

/// The current directory of \a in. Errors: Errc::data (no size, not
/// bilevel, tiled), with a message naming only the problem.
core::Result<PageTags> read_page_tags(TIFF* in);

/// Sets on \a out the tags every output page gets: NewSubfileType page,
/// size, 1 sample of 1 bit, contiguous planes, Orientation, resolution and
/// PageNumber \a page / \a total (page 0-based).
void set_page_tags(TIFF* out, const PageTags& p, std::uint16_t page, std::uint16_t total);

/// Copies the image of the current directory of \a in to the current
/// directory of \a out: raw strips for fax-coded pages, otherwise re-coded
/// as G4 (see the file comment). \a buf is scratch space. Call after
/// set_page_tags(); the directory is not written. Errors: Errc::data
/// (reading \a in), Errc::io (writing \a out), messages naming only the
/// problem ("strip 2: cannot read").
core::Result<void> copy_page_image(TIFF* in, TIFF* out, const PageTags& p, std::vector<std::uint8_t>& buf);

/// A file created exclusively next to its final name, renamed over it by
/// commit() and removed by the destructor unless committed.
class TempFile {
public:
    TempFile() = default;
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() { discard(); }

    /// Creates "<final_path>.<pid>-<x>-<n>.tmp" (mode \a mode less the umask)
    /// and returns its descriptor, which the caller owns. Errors: Errc::io.
    core::Result<int> create(const std::string& final_path, unsigned mode = 0666);

    const std::string& path() const noexcept { return m_path; }

    /// Renames the file to \a final_path. Errors: Errc::io.
    core::Result<void> commit(const std::string& final_path);

    /// Removes the file unless committed.
    void discard() noexcept;

private:
    std::string m_path;
    bool m_live = false;
};

}  // namespace fax::tiff::detail
