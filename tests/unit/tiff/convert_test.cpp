// fax::tiff document detection and PDF/PostScript → TIFF-F conversion with
// Ghostscript (skipped when gs is not installed).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <tiffio.h>
#pragma GCC diagnostic pop

#include "core/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "tiff/bitmap.hpp"
#include "tiff/convert.hpp"

namespace {

namespace fs = std::filesystem;
using fax::core::Errc;
using fax::tiff::Compression;
using fax::tiff::ConvertOptions;
using fax::tiff::convert_to_fax_tiff;
using fax::tiff::detect_document_type;
using fax::tiff::DocumentType;
using fax::tiff::FaxResolution;
using fax::tiff::PaperSize;
using namespace std::chrono_literals;
using namespace std::string_view_literals;

/// Two pages: an outlined box with text, then a filled 300 x 300 pt box
/// whose lower-left corner is at (72, 72) pt.
constexpr const char* k_two_pages = R"(%!PS-Adobe-3.0
/Helvetica findfont 24 scalefont setfont
72 72 moveto 200 0 rlineto 0 200 rlineto -200 0 rlineto closepath stroke
100 150 moveto (Page one) show
showpage
72 72 moveto 300 0 rlineto 0 300 rlineto -300 0 rlineto closepath fill
100 500 moveto (Page two) show
showpage
)";

bool have_program(const char* name) {
    fax::core::SubprocessOptions o;
    o.timeout = 20s;
    o.stderr_to = fax::core::StderrTo::discard;
    auto r = fax::core::run_subprocess({name, "--version"}, o);
    return r && r->success();
}

TEST(TiffDetectTest, MagicBytes) {
    EXPECT_EQ(detect_document_type("II*\0\x08\0\0\0"sv), DocumentType::tiff);
    EXPECT_EQ(detect_document_type("MM\0*\0\0\0\x08"sv), DocumentType::tiff);
    EXPECT_EQ(detect_document_type("%PDF-1.7\n"), DocumentType::pdf);
    EXPECT_EQ(detect_document_type("%!PS-Adobe-3.0\n"), DocumentType::postscript);
    EXPECT_EQ(detect_document_type("%!"), DocumentType::postscript);
    EXPECT_EQ(detect_document_type("%PDF"), DocumentType::unknown);  // too short for "%PDF-"
    EXPECT_EQ(detect_document_type("II*"), DocumentType::unknown);
    EXPECT_EQ(detect_document_type("MM*\0"sv), DocumentType::unknown);
    EXPECT_EQ(detect_document_type(" %PDF-1.4"), DocumentType::unknown);
    EXPECT_EQ(detect_document_type(""), DocumentType::unknown);
    EXPECT_EQ(detect_document_type("Hello"), DocumentType::unknown);
    EXPECT_STREQ(fax::tiff::document_type_name(DocumentType::postscript), "PostScript");
    EXPECT_STREQ(fax::tiff::document_type_name(DocumentType::unknown), "unknown");
}

TEST(TiffConvertCommandTest, PathsCannotBecomeOptionsPipesOrFormats) {
    const auto argv = fax::tiff::ghostscript_command("-dNOSAFER.ps", "|rm%d.tif", {});
    ASSERT_GE(argv.size(), 3U);
    EXPECT_EQ(argv[0], "gs");
    EXPECT_EQ(argv[argv.size() - 2], "--");
    EXPECT_EQ(argv.back(), "./-dNOSAFER.ps");
    EXPECT_NE(std::find(argv.begin(), argv.end(), "-sOutputFile=./|rm%%d.tif"), argv.end());
    EXPECT_NE(std::find(argv.begin(), argv.end(), "-dSAFER"), argv.end());

    const auto abs = fax::tiff::ghostscript_command("/in/x.pdf", "/out/y.tif",
                                                    {.compression = Compression::t4_2d,
                                                     .resolution = FaxResolution::standard,
                                                     .paper = PaperSize::letter});
    EXPECT_EQ(abs.back(), "/in/x.pdf");
    for (const char* expected : {"-sOutputFile=/out/y.tif", "-sDEVICE=tiffg32d", "-r204x98", "-sPAPERSIZE=letter"}) {
        EXPECT_NE(std::find(abs.begin(), abs.end(), expected), abs.end()) << expected;
    }
}

class TiffConvertTest : public faxkit_test::TempDirTest {
protected:
    TiffConvertTest() : TempDirTest("convert") {}
    void SetUp() override {
        TempDirTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        write("two.ps", k_two_pages);
    }
    void write(const std::string& name, std::string_view text) const {
        std::ofstream(path(name), std::ios::binary) << text;
    }
    void require_gs() const {
        if (!have_program("gs")) {
            GTEST_SKIP() << "ghostscript (gs) is not installed";
        }
    }
};

/// Checks the two pages of k_two_pages at 204 dpi across and \a y_dpi down.
void expect_two_pages(const std::string& tif, double y_dpi, std::uint32_t min_height, std::uint32_t max_height) {
    auto pages = fax::tiff::read_pages(tif);
    ASSERT_TRUE(pages) << pages.error().message;
    ASSERT_EQ(pages->size(), 2U);
    for (const auto& p : *pages) {
        EXPECT_EQ(p.width, 1728U);
        EXPECT_GE(p.height, min_height);
        EXPECT_LE(p.height, max_height);
        EXPECT_DOUBLE_EQ(p.x_dpi, 204);
        EXPECT_DOUBLE_EQ(p.y_dpi, y_dpi);
    }
    const auto& one = (*pages)[0];
    const auto& two = (*pages)[1];
    EXPECT_GT(one.black_count(), 1000U);      // the outline and the text
    EXPECT_LT(one.black_count(), 100'000U);
    // 300 x 300 pt filled: 850 x 816 px at fine, 850 x 408 at standard.
    EXPECT_GT(static_cast<double>(two.black_count()), 600'000 * y_dpi / 196);
    EXPECT_LT(static_cast<double>(two.black_count()), 750'000 * y_dpi / 196);
    // A point inside the filled box, (200, 200) pt from the lower-left
    // corner, is black; the top-left corner of the page is white.
    const auto x = static_cast<std::uint32_t>(200.0 / 72 * 204);
    const auto from_bottom = static_cast<std::uint32_t>(200.0 / 72 * y_dpi);
    EXPECT_TRUE(two.black(x, two.height - from_bottom));
    EXPECT_FALSE(two.black(10, 10));
    EXPECT_FALSE(one.black(x, one.height - from_bottom));  // inside the outline, not on it
}

TEST_F(TiffConvertTest, PostScriptBecomesTwoFineA4Pages) {
    require_gs();
    ASSERT_TRUE(fax::tiff::detect_document_file(path("two.ps")));
    EXPECT_EQ(*fax::tiff::detect_document_file(path("two.ps")), DocumentType::postscript);
    auto r = convert_to_fax_tiff(path("two.ps"), path("two.tif"));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*fax::tiff::detect_document_file(path("two.tif")), DocumentType::tiff);
    expect_two_pages(path("two.tif"), 196, 2280, 2300);  // 297 mm at 196 lpi ≈ 2292 rows

    TIFF* t = TIFFOpen(path("two.tif").c_str(), "r");
    ASSERT_NE(t, nullptr);
    std::uint16_t compression = 0;
    TIFFGetField(t, TIFFTAG_COMPRESSION, &compression);
    TIFFClose(t);
    EXPECT_EQ(compression, COMPRESSION_CCITTFAX4);
}

TEST_F(TiffConvertTest, PdfFromPs2pdfBecomesTwoPages) {
    require_gs();
    fax::core::SubprocessOptions o;
    o.timeout = 60s;
    auto made = fax::core::run_subprocess({"ps2pdf", path("two.ps"), path("two.pdf")}, o);
    if (!made && made.error().code == Errc::unavailable) {
        GTEST_SKIP() << "ps2pdf is not installed";
    }
    ASSERT_TRUE(made) << made.error().message;
    ASSERT_TRUE(made->success()) << made->describe() << ": " << made->err;
    EXPECT_EQ(*fax::tiff::detect_document_file(path("two.pdf")), DocumentType::pdf);
    auto r = convert_to_fax_tiff(path("two.pdf"), path("two.tif"));
    ASSERT_TRUE(r) << r.error().message;
    expect_two_pages(path("two.tif"), 196, 2280, 2300);
}

TEST_F(TiffConvertTest, StandardResolutionLetterG3TwoD) {
    require_gs();
    auto r = convert_to_fax_tiff(path("two.ps"), path("two.tif"),
                                 {.compression = Compression::t4_2d,
                                  .resolution = FaxResolution::standard,
                                  .paper = PaperSize::letter});
    ASSERT_TRUE(r) << r.error().message;
    expect_two_pages(path("two.tif"), 98, 1070, 1085);  // 11 in at 98 lpi = 1078 rows

    TIFF* t = TIFFOpen(path("two.tif").c_str(), "r");
    ASSERT_NE(t, nullptr);
    std::uint16_t compression = 0;
    std::uint32_t g3 = 0;
    TIFFGetField(t, TIFFTAG_COMPRESSION, &compression);
    TIFFGetField(t, TIFFTAG_GROUP3OPTIONS, &g3);
    TIFFClose(t);
    EXPECT_EQ(compression, COMPRESSION_CCITTFAX3);
    EXPECT_NE(g3 & GROUP3OPT_2DENCODING, 0U);
}

TEST_F(TiffConvertTest, NamesStartingWithDashOrHoldingPercentAreJustFiles) {
    require_gs();
    write("-dNOSAFER.ps", k_two_pages);
    const fs::path old = fs::current_path();
    fs::current_path(m_dir);
    auto r = convert_to_fax_tiff("-dNOSAFER.ps", "-out%d.tif");
    fs::current_path(old);
    ASSERT_TRUE(r) << r.error().message;
    auto pages = fax::tiff::read_geometry(path("-out%d.tif"));
    ASSERT_TRUE(pages) << pages.error().message;
    EXPECT_EQ(pages->size(), 2U);
    EXPECT_FALSE(fs::exists(path("-out1.tif")));
}

TEST_F(TiffConvertTest, AGarbagePdfIsADataErrorAndLeavesNoOutput) {
    require_gs();
    write("bad.pdf", "%PDF-1.4\nthis is not a PDF at all\n");
    auto r = convert_to_fax_tiff(path("bad.pdf"), path("bad.tif"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
    EXPECT_EQ(r.error().message.rfind(fmt::format("cannot convert {}: gs ", path("bad.pdf")), 0), 0U)
        << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    EXPECT_FALSE(fs::exists(path("bad.tif")));
}

TEST_F(TiffConvertTest, APostScriptErrorIsQuoted) {
    require_gs();
    write("bad.ps", "%!PS\n/foo bar baz\nshowpage\n");
    auto r = convert_to_fax_tiff(path("bad.ps"), path("bad.tif"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
    EXPECT_NE(r.error().message.find("Error: /undefined in bar"), std::string::npos) << r.error().message;
    EXPECT_FALSE(fs::exists(path("bad.tif")));
}

TEST_F(TiffConvertTest, AnEndlessDocumentIsStoppedAtTheTimeout) {
    require_gs();
    write("loop.ps", "%!PS\n{ } loop\n");
    const auto start = std::chrono::steady_clock::now();
    ConvertOptions o;
    o.timeout = 500ms;
    auto r = convert_to_fax_tiff(path("loop.ps"), path("loop.tif"), o);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
    EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
    EXPECT_FALSE(fs::exists(path("loop.tif")));
}

TEST_F(TiffConvertTest, InputsThatAreNotPdfOrPostScriptAreRefused) {
    write("text.txt", "Dear Sir,\n");
    auto r = convert_to_fax_tiff(path("text.txt"), path("out.tif"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
    EXPECT_NE(r.error().message.find("unknown is not PDF or PostScript"), std::string::npos) << r.error().message;

    write("fax.tif", "II*\0\x08\0\0\0"sv);
    r = convert_to_fax_tiff(path("fax.tif"), path("out.tif"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);

    r = convert_to_fax_tiff(path("missing.pdf"), path("out.tif"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::no_input);

    r = convert_to_fax_tiff(path("two.ps"), path("out.tif"), {.compression = Compression::none});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::usage);
}

TEST_F(TiffConvertTest, MissingGhostscriptIsUnavailable) {
    ConvertOptions o;
    o.ghostscript = "faxkit-no-such-gs";
    auto r = convert_to_fax_tiff(path("two.ps"), path("out.tif"), o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::unavailable);
    EXPECT_NE(r.error().message.find("faxkit-no-such-gs"), std::string::npos) << r.error().message;
}

}  // namespace
