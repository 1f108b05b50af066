#pragma once
/// Document type detection by magic bytes, and PDF/PostScript → TIFF-F
/// conversion with Ghostscript (run without a shell, time-limited).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "tiff/test_document.hpp"  // FaxResolution
#include "tiff/writer.hpp"         // Compression

namespace fax::tiff {

enum class DocumentType {
    unknown,
    tiff,        ///< "II*\0" or "MM\0*"
    pdf,         ///< "%PDF-"
    postscript,  ///< "%!"
};

/// "TIFF", "PDF", "PostScript", "unknown".
const char* document_type_name(DocumentType type) noexcept;

/// The type \a head (a file's first bytes; 5 are enough) announces.
DocumentType detect_document_type(std::string_view head) noexcept;

/// detect_document_type() on the first bytes of the file at \a path.
/// Errc::no_input when it cannot be opened or read.
core::Result<DocumentType> detect_document_file(const std::string& path);

/// Page size the document is fitted to.
enum class PaperSize {
    a4,      ///< 210 x 297 mm
    letter,  ///< 8.5 x 11 in
};

struct ConvertOptions {
    Compression compression = Compression::t6;        ///< t6 (G4), t4_2d or t4_1d (G3); none is refused
    FaxResolution resolution = FaxResolution::fine;  ///< 204 x 196 dpi, or 204 x 98 (standard)
    PaperSize paper = PaperSize::a4;
    std::chrono::milliseconds timeout{300'000};      ///< for the whole Ghostscript run
    std::string ghostscript = "gs";                  ///< program, searched in PATH when it has no '/'
};

/// The Ghostscript command convert_to_fax_tiff() runs, e.g.
/// `gs -q -dNOPAUSE -dBATCH -dSAFER -sstdout=%stderr -sDEVICE=tiffg4 -r204x196
/// -sPAPERSIZE=a4 -dFIXEDMEDIA -dFitPage -sOutputFile=<out> -- <in>`.
/// Relative paths get a "./" prefix (a name starting with '-', '|' or '%'
/// cannot become an option, a pipe or a device) and '%' in the output is
/// doubled (Ghostscript would read it as a page-number format).
/// Page width is 1728 pixels for both paper sizes (Ghostscript's fax devices
/// adjust A4's 1687 and Letter's 1734 columns to the fax line). -dFitPage
/// scales PostScript as well as PDF pages onto the fixed paper size.
/// (Compression::none gets tiffg4 here; convert_to_fax_tiff() refuses it.)
std::vector<std::string> ghostscript_command(const std::string& input, const std::string& output,
                                             const ConvertOptions& options);

/// Converts the PDF or PostScript document \a input to a multi-page bilevel
/// TIFF at \a output (created or replaced; removed again on failure), fitted
/// to the paper size, and checks that the result has at least one readable page.
/// Errors: Errc::no_input (input unreadable), Errc::data (not PDF/PostScript,
/// Ghostscript failed, timed out or produced no pages; the message quotes
/// Ghostscript's first diagnostic line), Errc::unavailable (Ghostscript not
/// installed or not executable), Errc::usage (Compression::none).
core::Result<void> convert_to_fax_tiff(const std::string& input, const std::string& output,
                                       const ConvertOptions& options = {});

}  // namespace fax::tiff
