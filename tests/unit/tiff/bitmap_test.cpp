// fax::tiff: writing, reading and comparing bilevel TIFF pages.

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <tiffio.h>
#pragma GCC diagnostic pop

#include "support/temp_dir.hpp"
#include "tiff/bitmap.hpp"
#include "tiff/test_document.hpp"
#include "tiff/writer.hpp"

namespace {

namespace fs = std::filesystem;
using fax::core::Errc;
using fax::tiff::Compression;
using fax::tiff::FaxResolution;
using fax::tiff::PageBitmap;
using fax::tiff::TestDocumentOptions;

/// A fresh directory under TMPDIR, removed with the fixture.
class TiffTest : public faxkit_test::TempDirTest {
protected:
    TiffTest() : TempDirTest("tiff") {}

};

TEST_F(TiffTest, RoundTripEveryCompression) {
    TestDocumentOptions o;
    o.pages = 2;
    const auto pages = fax::tiff::render_test_pages(o);
    for (auto c : {Compression::t4_1d, Compression::t4_2d, Compression::t6, Compression::none}) {
        SCOPED_TRACE(fax::tiff::compression_name(c));
        const auto file = path("rt.tif");
        auto w = fax::tiff::write_pages(file, pages, {c, "test", ""});
        ASSERT_TRUE(w.ok()) << w.error().message;
        auto back = fax::tiff::read_pages(file);
        ASSERT_TRUE(back.ok()) << back.error().message;
        ASSERT_EQ(back->size(), 2U);
        auto d = fax::tiff::first_difference(std::span<const PageBitmap>(pages), std::span<const PageBitmap>(*back));
        EXPECT_FALSE(d) << fax::tiff::describe(*d);
        EXPECT_DOUBLE_EQ((*back)[0].x_dpi, 204.0);
        EXPECT_DOUBLE_EQ((*back)[0].y_dpi, 196.0);
    }
}

TEST_F(TiffTest, TestDocumentShape) {
    TestDocumentOptions o;
    o.pages = 3;
    const auto fine = fax::tiff::render_test_pages(o);
    ASSERT_EQ(fine.size(), 3U);
    for (const auto& p : fine) {
        EXPECT_EQ(p.width, 1728U);
        EXPECT_EQ(p.height, 2286U);
        EXPECT_GT(p.black_count(), 10000U);
    }
    // Pages differ from each other and from another seed; the same options render alike.
    EXPECT_TRUE(fax::tiff::first_difference(fine[0], fine[1]));
    EXPECT_TRUE(fax::tiff::first_difference(fine[1], fine[2]));
    auto again = fax::tiff::render_test_pages(o);
    EXPECT_FALSE(fax::tiff::first_difference(std::span<const PageBitmap>(fine), std::span<const PageBitmap>(again)));
    o.seed = 2;
    auto other = fax::tiff::render_test_pages(o);
    EXPECT_TRUE(fax::tiff::first_difference(fine[0], other[0]));

    o.resolution = FaxResolution::standard;
    const auto standard = fax::tiff::render_test_pages(o);
    EXPECT_EQ(standard[0].height, 1143U);
    EXPECT_DOUBLE_EQ(standard[0].y_dpi, 98.0);
}

TEST_F(TiffTest, TestDocumentFileTags) {
    const auto file = path("doc.tif");
    TestDocumentOptions o;
    o.pages = 3;
    ASSERT_TRUE(fax::tiff::write_test_document(file, o).ok());
    auto pages = fax::tiff::read_pages(file);
    ASSERT_TRUE(pages.ok()) << pages.error().message;
    ASSERT_EQ(pages->size(), 3U);
    EXPECT_FALSE(fax::tiff::first_difference(std::span<const PageBitmap>(*pages),
                                             std::span<const PageBitmap>(fax::tiff::render_test_pages(o))));
    // The TIFF-F tags, directory by directory.
    TIFF* t = TIFFOpen(file.c_str(), "r");
    ASSERT_NE(t, nullptr);
    for (std::uint16_t dir = 0; dir < 3; ++dir) {
        SCOPED_TRACE(dir);
        ASSERT_EQ(TIFFSetDirectory(t, dir), 1);
        std::uint16_t u16 = 0;
        std::uint32_t u32 = 0;
        float f = 0;
        char* text = nullptr;
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_COMPRESSION, &u16), 1);
        EXPECT_EQ(u16, COMPRESSION_CCITTFAX3);
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_GROUP3OPTIONS, &u32), 1);
        EXPECT_EQ(u32, std::uint32_t{GROUP3OPT_2DENCODING | GROUP3OPT_FILLBITS});
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_FILLORDER, &u16), 1);
        EXPECT_EQ(u16, FILLORDER_LSB2MSB);
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &u16), 1);
        EXPECT_EQ(u16, PHOTOMETRIC_MINISWHITE);
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_RESOLUTIONUNIT, &u16), 1);
        EXPECT_EQ(u16, RESUNIT_INCH);
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_XRESOLUTION, &f), 1);
        EXPECT_FLOAT_EQ(f, 204.0F);
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_YRESOLUTION, &f), 1);
        EXPECT_FLOAT_EQ(f, 196.0F);
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_SUBFILETYPE, &u32), 1);
        EXPECT_EQ(u32, std::uint32_t{FILETYPE_PAGE});
        std::uint16_t page = 99;
        std::uint16_t total = 99;
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_PAGENUMBER, &page, &total), 1);
        EXPECT_EQ(page, dir);
        EXPECT_EQ(total, 3);
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_SOFTWARE, &text), 1);
        EXPECT_STREQ(text, "faxkit test_document");
        ASSERT_EQ(TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &u32), 1);
        EXPECT_EQ(u32, 1728U);
    }
    TIFFClose(t);

    const auto size = fs::file_size(file);
    std::printf("[ info ] 3-page fine T.4 2-D test document (12 text lines/page): %ju bytes\n",
                static_cast<std::uintmax_t>(size));
    EXPECT_GT(size, 3000U);
    EXPECT_LT(size, 120000U);
}

TEST_F(TiffTest, DifferenceReportsPageAndRow) {
    auto a = fax::tiff::render_test_pages({});
    auto b = a;
    b[1].set_black(5, 700);
    auto d = fax::tiff::first_difference(std::span<const PageBitmap>(a), std::span<const PageBitmap>(b));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->page, 1U);
    EXPECT_EQ(d->row, 700U);
    EXPECT_EQ(fax::tiff::describe(*d), "page 2 row 701: row differs");

    b = a;
    b.pop_back();
    d = fax::tiff::first_difference(std::span<const PageBitmap>(a), std::span<const PageBitmap>(b));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->page, 2U);
    EXPECT_EQ(d->what, "page count 3 vs 2");

    b = a;
    b[0].height -= 10;
    b[0].bits.resize(b[0].stride() * b[0].height);
    d = fax::tiff::first_difference(std::span<const PageBitmap>(a), std::span<const PageBitmap>(b));
    ASSERT_TRUE(d);
    EXPECT_EQ(d->row, 2276U);
    EXPECT_EQ(d->what, "height 2286 vs 2276");
}

TEST_F(TiffTest, ReadErrors) {
    auto missing = fax::tiff::read_pages(path("nope.tif"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::no_input);

    const auto junk = path("junk.tif");
    std::FILE* f = std::fopen(junk.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("II*\0 this is not a tiff", f);
    std::fclose(f);
    EXPECT_FALSE(fax::tiff::read_pages(junk).ok());

    auto cmp = fax::tiff::compare_files(path("nope.tif"), junk);
    EXPECT_FALSE(cmp.ok());
}

TEST_F(TiffTest, MinIsBlackAndOddWidthAreNormalised) {
    // A 10 x 2 page written min-is-black, LZW, in centimetres: black must read
    // as 1, padding bits as 0, resolution in dpi.
    const auto file = path("mib.tif");
    TIFF* t = TIFFOpen(file.c_str(), "w");
    ASSERT_NE(t, nullptr);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 10);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, 2);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
    TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
    TIFFSetField(t, TIFFTAG_XRESOLUTION, 80.0F);
    TIFFSetField(t, TIFFTAG_YRESOLUTION, 77.0F);
    std::uint8_t row0[2] = {0x00, 0x00};  // all black (0 = black here), padding 0
    std::uint8_t row1[2] = {0xFF, 0x7F};  // white except pixel 8
    ASSERT_EQ(TIFFWriteScanline(t, row0, 0, 0), 1);
    ASSERT_EQ(TIFFWriteScanline(t, row1, 1, 0), 1);
    TIFFClose(t);

    auto pages = fax::tiff::read_pages(file);
    ASSERT_TRUE(pages.ok()) << pages.error().message;
    ASSERT_EQ(pages->size(), 1U);
    const PageBitmap& p = (*pages)[0];
    EXPECT_EQ(p.width, 10U);
    EXPECT_EQ(p.stride(), 2U);
    EXPECT_EQ(p.row(0)[0], 0xFF);
    EXPECT_EQ(p.row(0)[1], 0xC0);  // 2 black pixels, padding cleared
    EXPECT_EQ(p.row(1)[0], 0x00);
    EXPECT_EQ(p.row(1)[1], 0x80);
    EXPECT_TRUE(p.black(8, 1));
    EXPECT_FALSE(p.black(9, 1));
    EXPECT_EQ(p.black_count(), 11U);
    EXPECT_NEAR(p.x_dpi, 203.2, 0.01);
    EXPECT_NEAR(p.y_dpi, 195.58, 0.01);

    auto geometry = fax::tiff::read_geometry(file);
    ASSERT_TRUE(geometry.ok());
    ASSERT_EQ(geometry->size(), 1U);
    EXPECT_EQ((*geometry)[0].height, 2U);
    EXPECT_NEAR((*geometry)[0].x_dpi, 203.2, 0.01);
}

TEST_F(TiffTest, WriteRejectsNothing) {
    auto r = fax::tiff::write_pages(path("x.tif"), std::span<const PageBitmap>{});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::usage);
}

}  // namespace
