// fax::tiff::merge_documents: job documents merged into one TIFF-F, fax-coded
// pages copied raw, other bilevel pages re-coded as G4, PageNumber n/N.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <tiffio.h>
#pragma GCC diagnostic pop

#include "fax/exchange.hpp"
#include "support/temp_dir.hpp"
#include "tiff/bitmap.hpp"
#include "tiff/merge.hpp"
#include "tiff/test_document.hpp"
#include "tiff/writer.hpp"

namespace {

namespace fs = std::filesystem;
using fax::core::Errc;
using fax::tiff::Compression;
using fax::tiff::FaxResolution;
using fax::tiff::MergeInput;
using fax::tiff::PageBitmap;
using fax::tiff::TestDocumentOptions;
using Pages = std::vector<PageBitmap>;

struct TiffCloser {
    void operator()(TIFF* t) const noexcept { TIFFClose(t); }
};
using Tiff = std::unique_ptr<TIFF, TiffCloser>;

/// The tags of one directory that the merge must set or keep.
struct Tags {
    std::uint16_t compression = 0;
    std::uint16_t page = 0;
    std::uint16_t total = 0;
    std::uint16_t fill_order = 0;
    std::uint16_t photometric = 0;
    std::uint32_t subfile = 0;
    std::uint32_t t4_options = 0;
    bool has_clean = false;
    float x_res = 0;
    float y_res = 0;
    std::vector<std::uint8_t> raw;  ///< strip 0 as stored
};

std::vector<Tags> read_tags(const std::string& path) {
    std::vector<Tags> out;
    Tiff t(TIFFOpen(path.c_str(), "r"));
    if (!t) {
        ADD_FAILURE() << "cannot open " << path;
        return out;
    }
    do {
        Tags g;
        TIFFGetField(t.get(), TIFFTAG_COMPRESSION, &g.compression);
        TIFFGetField(t.get(), TIFFTAG_PAGENUMBER, &g.page, &g.total);
        TIFFGetFieldDefaulted(t.get(), TIFFTAG_FILLORDER, &g.fill_order);
        TIFFGetField(t.get(), TIFFTAG_PHOTOMETRIC, &g.photometric);
        TIFFGetField(t.get(), TIFFTAG_SUBFILETYPE, &g.subfile);
        if (g.compression == COMPRESSION_CCITTFAX3) {
            TIFFGetField(t.get(), TIFFTAG_GROUP3OPTIONS, &g.t4_options);
        }
        if (g.compression == COMPRESSION_CCITTFAX3 || g.compression == COMPRESSION_CCITTFAX4) {
            std::uint16_t clean = 99;
            g.has_clean = TIFFGetField(t.get(), TIFFTAG_CLEANFAXDATA, &clean) == 1 && clean == CLEANFAXDATA_CLEAN;
        }
        TIFFGetField(t.get(), TIFFTAG_XRESOLUTION, &g.x_res);
        TIFFGetField(t.get(), TIFFTAG_YRESOLUTION, &g.y_res);
        g.raw.resize(static_cast<std::size_t>(TIFFGetStrileByteCount(t.get(), 0)));
        TIFFReadRawStrip(t.get(), 0, g.raw.data(), static_cast<tmsize_t>(g.raw.size()));
        out.push_back(std::move(g));
    } while (TIFFReadDirectory(t.get()) == 1);
    return out;
}

/// Writes \a pages with any libtiff compression and photometric (1 = black in
/// the bitmaps; MinIsBlack files store them inverted), \a bps bits per sample
/// (8 turns each bit into a grey byte: not bilevel).
void write_with(const std::string& path, const Pages& pages, std::uint16_t compression,
                std::uint16_t photometric = PHOTOMETRIC_MINISWHITE, std::uint16_t bps = 1) {
    Tiff t(TIFFOpen(path.c_str(), "w"));
    ASSERT_TRUE(t);
    for (const auto& p : pages) {
        TIFFSetField(t.get(), TIFFTAG_IMAGEWIDTH, p.width);
        TIFFSetField(t.get(), TIFFTAG_IMAGELENGTH, p.height);
        TIFFSetField(t.get(), TIFFTAG_BITSPERSAMPLE, bps);
        TIFFSetField(t.get(), TIFFTAG_SAMPLESPERPIXEL, 1);
        TIFFSetField(t.get(), TIFFTAG_PHOTOMETRIC, photometric);
        TIFFSetField(t.get(), TIFFTAG_COMPRESSION, compression);
        TIFFSetField(t.get(), TIFFTAG_ROWSPERSTRIP, 64);  // several strips per page
        TIFFSetField(t.get(), TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
        TIFFSetField(t.get(), TIFFTAG_XRESOLUTION, static_cast<float>(p.x_dpi));
        TIFFSetField(t.get(), TIFFTAG_YRESOLUTION, static_cast<float>(p.y_dpi));
        std::vector<std::uint8_t> row;
        for (std::uint32_t y = 0; y < p.height; ++y) {
            if (bps == 1) {
                auto src = p.row(y);
                row.assign(src.begin(), src.end());
                if (photometric == PHOTOMETRIC_MINISBLACK) {
                    for (auto& b : row) {
                        b = static_cast<std::uint8_t>(~b);
                    }
                }
            } else {
                row.assign(p.width, 0);
                for (std::uint32_t x = 0; x < p.width; ++x) {
                    row[x] = p.black(x, y) ? 0 : 255;
                }
            }
            ASSERT_GE(TIFFWriteScanline(t.get(), row.data(), y, 0), 0);
        }
        ASSERT_EQ(TIFFWriteDirectory(t.get()), 1);
    }
}

Pages concat(std::initializer_list<std::pair<const Pages*, std::size_t>> parts) {
    Pages out;
    for (const auto& [pages, first] : parts) {
        out.insert(out.end(), pages->begin() + static_cast<std::ptrdiff_t>(first), pages->end());
    }
    return out;
}

class TiffMerge : public faxkit_test::TempDirTest {
protected:
    TiffMerge() : TempDirTest("merge") {}

    /// Renders and writes a test document; returns its pages.
    Pages document(const std::string& name, Compression c, FaxResolution r, int pages, std::uint32_t seed) {
        TestDocumentOptions o;
        o.pages = pages;
        o.resolution = r;
        o.compression = c;
        o.seed = seed;
        o.text_lines = 6;
        auto w = fax::tiff::write_test_document(path(name), o);
        EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
        return fax::tiff::render_test_pages(o);
    }

    std::vector<std::string> entries() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(m_dir)) {
            out.push_back(e.path().filename().string());
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    void expect_pages(const std::string& file, const Pages& expected) {
        auto back = fax::tiff::read_pages(file);
        ASSERT_TRUE(back.ok()) << back.error().message;
        auto d = fax::tiff::first_difference(std::span<const PageBitmap>(expected), std::span<const PageBitmap>(*back));
        EXPECT_FALSE(d) << fax::tiff::describe(*d);
    }

};

TEST_F(TiffMerge, G4AndG3DocumentsFromTheirStartPages) {
    const Pages a = document("a.tif", Compression::t6, FaxResolution::fine, 3, 1);
    const Pages b = document("b.tif", Compression::t4_2d, FaxResolution::standard, 3, 2);
    const std::vector<MergeInput> in{{path("a.tif"), 0}, {path("b.tif"), 1}};
    auto r = fax::tiff::merge_documents(in, path("out.tif"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->pages, 5U);
    EXPECT_EQ(r->pages_per_input, (std::vector<std::size_t>{3, 2}));

    expect_pages(path("out.tif"), concat({{&a, 0}, {&b, 1}}));

    const auto tags = read_tags(path("out.tif"));
    const auto tags_a = read_tags(path("a.tif"));
    const auto tags_b = read_tags(path("b.tif"));
    ASSERT_EQ(tags.size(), 5U);
    for (std::uint16_t i = 0; i < 5; ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(tags[i].page, i);
        EXPECT_EQ(tags[i].total, 5);
        EXPECT_EQ(tags[i].subfile, static_cast<std::uint32_t>(FILETYPE_PAGE));
        EXPECT_FLOAT_EQ(tags[i].x_res, 204.0F);
        EXPECT_FLOAT_EQ(tags[i].y_res, i < 3 ? 196.0F : 98.0F);  // fine, then normal
        EXPECT_EQ(tags[i].fill_order, FILLORDER_LSB2MSB);
        EXPECT_TRUE(tags[i].has_clean);
        // Fax-coded pages are copied as stored, not re-coded.
        const Tags& src = i < 3 ? tags_a[i] : tags_b[i - 2];
        EXPECT_EQ(tags[i].compression, src.compression);
        EXPECT_EQ(tags[i].t4_options, src.t4_options);
        EXPECT_TRUE(tags[i].raw == src.raw) << "strip bytes differ";
    }
    EXPECT_EQ(tags[0].compression, COMPRESSION_CCITTFAX4);
    EXPECT_EQ(tags[3].compression, COMPRESSION_CCITTFAX3);
    EXPECT_EQ(tags[3].t4_options, static_cast<std::uint32_t>(GROUP3OPT_2DENCODING | GROUP3OPT_FILLBITS));
    EXPECT_EQ(entries(), (std::vector<std::string>{"a.tif", "b.tif", "out.tif"}));  // no temporary left
}

TEST_F(TiffMerge, UncompressedPagesAreRecodedAsG4) {
    const Pages a = document("plain.tif", Compression::none, FaxResolution::standard, 2, 3);
    const Pages b = document("g3.tif", Compression::t4_1d, FaxResolution::fine, 2, 4);
    const std::vector<MergeInput> in{{path("g3.tif"), 1}, {path("plain.tif"), 0}};
    auto r = fax::tiff::merge_documents(in, path("out.tif"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->pages, 3U);
    EXPECT_EQ(r->pages_per_input, (std::vector<std::size_t>{1, 2}));
    expect_pages(path("out.tif"), concat({{&b, 1}, {&a, 0}}));
    const auto tags = read_tags(path("out.tif"));
    ASSERT_EQ(tags.size(), 3U);
    EXPECT_EQ(tags[0].compression, COMPRESSION_CCITTFAX3);
    EXPECT_EQ(tags[0].t4_options, static_cast<std::uint32_t>(GROUP3OPT_FILLBITS));
    for (std::size_t i = 1; i < 3; ++i) {
        EXPECT_EQ(tags[i].compression, COMPRESSION_CCITTFAX4);
        EXPECT_EQ(tags[i].photometric, PHOTOMETRIC_MINISWHITE);
        EXPECT_FLOAT_EQ(tags[i].y_res, 98.0F);
        EXPECT_EQ(tags[i].page, i);
        EXPECT_EQ(tags[i].total, 3);
    }
}

TEST_F(TiffMerge, PackBitsLzwAndMinIsBlackPagesKeepTheirPixels) {
    TestDocumentOptions o;
    o.pages = 2;
    o.text_lines = 4;
    const Pages pages = fax::tiff::render_test_pages(o);
    write_with(path("packbits.tif"), pages, COMPRESSION_PACKBITS);
    write_with(path("lzw-black.tif"), pages, COMPRESSION_LZW, PHOTOMETRIC_MINISBLACK);
    write_with(path("g4-black.tif"), pages, COMPRESSION_CCITTFAX4, PHOTOMETRIC_MINISBLACK);
    write_with(path("rle.tif"), pages, COMPRESSION_CCITTRLE);
    const std::vector<MergeInput> in{
        {path("packbits.tif"), 0}, {path("lzw-black.tif"), 1}, {path("g4-black.tif"), 0}, {path("rle.tif"), 1}};
    auto r = fax::tiff::merge_documents(in, path("out.tif"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->pages, 6U);
    expect_pages(path("out.tif"), concat({{&pages, 0}, {&pages, 1}, {&pages, 0}, {&pages, 1}}));
    const auto tags = read_tags(path("out.tif"));
    ASSERT_EQ(tags.size(), 6U);
    EXPECT_EQ(tags[5].compression, COMPRESSION_CCITTFAX4);  // CCITT RLE: re-coded
    EXPECT_EQ(tags[5].page, 5);
    EXPECT_EQ(tags[5].total, 6);
    EXPECT_EQ(tags[2].photometric, PHOTOMETRIC_MINISWHITE);  // LZW min-is-black: re-coded
    EXPECT_EQ(tags[3].photometric, PHOTOMETRIC_MINISBLACK);  // G4 min-is-black: copied with its tag
    EXPECT_EQ(tags[3].compression, COMPRESSION_CCITTFAX4);
}

TEST_F(TiffMerge, NonBilevelPageIsRefusedNamingFileAndPage) {
    document("a.tif", Compression::t6, FaxResolution::fine, 1, 1);
    const Pages grey = {PageBitmap::blank(64, 32, 204, 196)};
    Pages two = {PageBitmap::blank(64, 32, 204, 196)};
    write_with(path("mixed.tif"), two, COMPRESSION_NONE);
    {
        // A second, 8-bit page appended to mixed.tif.
        Tiff t(TIFFOpen(path("mixed.tif").c_str(), "a"));
        ASSERT_TRUE(t);
        TIFFSetField(t.get(), TIFFTAG_IMAGEWIDTH, 8);
        TIFFSetField(t.get(), TIFFTAG_IMAGELENGTH, 2);
        TIFFSetField(t.get(), TIFFTAG_BITSPERSAMPLE, 8);
        TIFFSetField(t.get(), TIFFTAG_SAMPLESPERPIXEL, 1);
        TIFFSetField(t.get(), TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
        std::uint8_t row[8] = {0, 50, 100, 150, 200, 250, 255, 128};
        ASSERT_GE(TIFFWriteScanline(t.get(), row, 0, 0), 0);
        ASSERT_GE(TIFFWriteScanline(t.get(), row, 1, 0), 0);
        ASSERT_EQ(TIFFWriteDirectory(t.get()), 1);
    }
    const std::vector<MergeInput> in{{path("a.tif"), 0}, {path("mixed.tif"), 0}};
    auto r = fax::tiff::merge_documents(in, path("out.tif"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::data);
    const std::string want = path("mixed.tif") + ": page 2: not bilevel (1 samples of 8 bits)";
    EXPECT_NE(r.error().message.find(want), std::string::npos) << r.error().message;
    // Nothing written, no temporary left behind.
    EXPECT_EQ(entries(), (std::vector<std::string>{"a.tif", "mixed.tif"}));

    write_with(path("grey.tif"), grey, COMPRESSION_NONE, PHOTOMETRIC_MINISBLACK, 8);
    auto g = fax::tiff::merge_documents(std::vector<MergeInput>{{path("grey.tif"), 0}}, path("out.tif"));
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code, Errc::data);
    EXPECT_NE(g.error().message.find("grey.tif: page 1: not bilevel"), std::string::npos) << g.error().message;
}

TEST_F(TiffMerge, StartPageBeyondTheDocumentIsRefused) {
    document("a.tif", Compression::t6, FaxResolution::fine, 2, 1);
    for (std::size_t first : {2U, 7U}) {
        auto r = fax::tiff::merge_documents(std::vector<MergeInput>{{path("a.tif"), first}}, path("out.tif"));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, Errc::data);
        EXPECT_NE(r.error().message.find("has 2 pages"), std::string::npos) << r.error().message;
    }
    auto last = fax::tiff::merge_documents(std::vector<MergeInput>{{path("a.tif"), 1}}, path("out.tif"));
    ASSERT_TRUE(last.ok()) << last.error().message;
    EXPECT_EQ(last->pages, 1U);
}

TEST_F(TiffMerge, MissingAndBrokenInputs) {
    document("a.tif", Compression::t6, FaxResolution::fine, 1, 1);
    auto missing = fax::tiff::merge_documents(
        std::vector<MergeInput>{{path("a.tif"), 0}, {path("nope.tif"), 0}}, path("out.tif"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::no_input);
    EXPECT_NE(missing.error().message.find("nope.tif"), std::string::npos);

    std::ofstream(path("text.tif")) << "this is not a TIFF file\n";
    auto text = fax::tiff::merge_documents(std::vector<MergeInput>{{path("text.tif"), 0}}, path("out.tif"));
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().code, Errc::data);
    EXPECT_NE(text.error().message.find("text.tif: not a TIFF file"), std::string::npos) << text.error().message;

    auto none = fax::tiff::merge_documents(std::vector<MergeInput>{}, path("out.tif"));
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code, Errc::usage);
    EXPECT_EQ(entries(), (std::vector<std::string>{"a.tif", "text.tif"}));
}

TEST_F(TiffMerge, OutputIsReplacedWholeOrLeftAlone) {
    const Pages a = document("a.tif", Compression::t6, FaxResolution::fine, 2, 1);
    std::ofstream(path("out.tif")) << "old";
    auto bad = fax::tiff::merge_documents(std::vector<MergeInput>{{path("a.tif"), 5}}, path("out.tif"));
    ASSERT_FALSE(bad.ok());
    std::ifstream old(path("out.tif"));
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(old), {}), "old");

    auto good = fax::tiff::merge_documents(std::vector<MergeInput>{{path("a.tif"), 0}}, path("out.tif"));
    ASSERT_TRUE(good.ok()) << good.error().message;
    expect_pages(path("out.tif"), a);
    EXPECT_EQ(entries(), (std::vector<std::string>{"a.tif", "out.tif"}));

    // An output directory that does not exist: Errc::io, nothing created.
    auto nodir = fax::tiff::merge_documents(std::vector<MergeInput>{{path("a.tif"), 0}}, path("no/out.tif"));
    ASSERT_FALSE(nodir.ok());
    EXPECT_EQ(nodir.error().code, Errc::io);
}

TEST_F(TiffMerge, SameFileTwice) {
    const Pages a = document("a.tif", Compression::t4_2d, FaxResolution::fine, 3, 5);
    const std::vector<MergeInput> in{{path("a.tif"), 2}, {path("a.tif"), 0}};
    auto r = fax::tiff::merge_documents(in, path("out.tif"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->pages, 4U);
    expect_pages(path("out.tif"), concat({{&a, 2}, {&a, 0}}));
}

// The merged file as spandsp reads it: sent over T.38 between two spandsp
// terminals (fax/exchange.hpp), every page arrives pixel for pixel.
TEST_F(TiffMerge, SpandspSendsTheMergedDocument) {
    const Pages a = document("a.tif", Compression::t6, FaxResolution::fine, 2, 1);
    const Pages b = document("b.tif", Compression::t4_2d, FaxResolution::standard, 2, 2);
    const Pages c = document("c.tif", Compression::none, FaxResolution::fine, 2, 3);
    const std::vector<MergeInput> in{{path("a.tif"), 0}, {path("b.tif"), 1}, {path("c.tif"), 1}};
    auto r = fax::tiff::merge_documents(in, path("out.tif"));
    ASSERT_TRUE(r.ok()) << r.error().message;

    fax::fax::ExchangeConfig config;
    config.transport = fax::fax::Transport::t38;
    config.caller.role = fax::fax::Role::send;
    config.caller.tiff_path = path("out.tif");
    config.answerer.role = fax::fax::Role::receive;
    config.answerer.tiff_path = path("rx.tif");
    auto ex = fax::fax::Exchange::create(config);
    ASSERT_TRUE(ex.ok()) << ex.error().message;
    ex->run_to_end();
    const auto& tx = ex->result(fax::fax::Side::caller);
    ASSERT_TRUE(tx);
    EXPECT_TRUE(tx->success) << tx->result_code << " " << tx->result_text;
    EXPECT_EQ(tx->pages_transferred, 4);
    expect_pages(path("rx.tif"), concat({{&a, 0}, {&b, 1}, {&c, 1}}));
    auto rx = fax::tiff::read_pages(path("rx.tif"));
    ASSERT_TRUE(rx.ok());
    ASSERT_EQ(rx->size(), 4U);
    EXPECT_NEAR((*rx)[2].y_dpi, 98.0, 1.0);  // the standard page stays standard
    EXPECT_NEAR((*rx)[3].y_dpi, 196.0, 1.0);
}

}  // namespace
