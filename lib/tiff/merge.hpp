#pragma once
/// Merges the documents of a HylaFAX send job into one multi-page TIFF-F, in
/// process (what gofaxsend does with a `tiffcp` subprocess).
///
/// Pages already coded for fax (CCITT G3 1-D/2-D, G4) are copied as they are
/// stored: their raw strips, with the tags spandsp's TIFF reader uses
/// (geometry, Compression, Photometric, FillOrder, RowsPerStrip, resolution,
/// T4Options/T6Options, Orientation, PlanarConfig, CleanFaxData and the bad
/// line counts when present). Other bilevel pages (uncompressed, PackBits,
/// LZW, CCITT RLE, …) are decoded and re-coded as G4, min-is-white. Every
/// output page is NewSubfileType page and carries PageNumber n/N (n 0-based)
/// across the merged document.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace fax::tiff {

/// One document of the job: a qfile `fax:<dirnum>::<path>` item.
struct MergeInput {
    std::string path;
    std::size_t first_directory = 0;  ///< pages (directories) before this one are skipped
};

struct MergeResult {
    std::size_t pages = 0;                    ///< pages written
    std::vector<std::size_t> pages_per_input; ///< pages taken from each input, in input order
};

/// Writes the pages of \a inputs, in order, to \a output. The file is written
/// under a temporary name in the same directory (mode 0666 less the umask)
/// and renamed over \a output when complete, so \a output is either left as
/// it was or replaced by the whole merged document; the temporary file is
/// removed on failure. No fsync: a crash may lose the new file, never expose a
/// partial one.
/// Errors: Errc::usage (no inputs); Errc::no_input (an input cannot be
/// opened); Errc::data (not a TIFF, first_directory not below the input's page
/// count, a page that is not bilevel, tiled or corrupt: the message names the
/// file and the 1-based page); Errc::io (writing, renaming).
core::Result<MergeResult> merge_documents(std::span<const MergeInput> inputs, const std::string& output);

}  // namespace fax::tiff
