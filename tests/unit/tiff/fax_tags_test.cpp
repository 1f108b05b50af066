// fax::tiff::tag_received_fax: a received TIFF rewritten with the tags
// HylaFAX's faxgetty writes, so faxinfo / faxstat -r show the reception.

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <tiffio.h>
#pragma GCC diagnostic pop

#include "hylafax/class2_params.hpp"
#include "support/temp_dir.hpp"
#include "tiff/bitmap.hpp"
#include "tiff/fax_tags.hpp"
#include "tiff/test_document.hpp"

namespace {

namespace fs = std::filesystem;
using fax::core::Errc;
using fax::tiff::Compression;
using fax::tiff::ReceivedFaxInfo;
using fax::tiff::TestDocumentOptions;
using ::testing::HasSubstr;

struct TiffCloser {
    void operator()(TIFF* t) const noexcept { TIFFClose(t); }
};
using Tiff = std::unique_ptr<TIFF, TiffCloser>;

/// Everything tag_received_fax() sets or keeps, for one directory.
struct Tags {
    std::string description, software, make, model, date_time, host, subaddress, dcs;
    std::uint16_t page = 0xFFFF, total = 0xFFFF, compression = 0;
    std::optional<std::uint32_t> recv_params, recv_time;
    std::optional<std::uint16_t> clean;
    std::optional<std::uint32_t> bad_lines;
    float x_res = 0, y_res = 0;
    std::vector<std::uint8_t> raw;  ///< strip 0 as stored
};

std::string ascii(TIFF* t, ttag_t tag) {
    const char* v = nullptr;
    return TIFFGetField(t, tag, &v) == 1 && v != nullptr ? std::string(v) : std::string();
}

std::vector<Tags> read_tags(const std::string& path) {
    std::vector<Tags> out;
    Tiff t(TIFFOpen(path.c_str(), "r"));
    if (!t) {
        ADD_FAILURE() << "cannot open " << path;
        return out;
    }
    do {
        TIFF* f = t.get();
        Tags g;
        g.description = ascii(f, TIFFTAG_IMAGEDESCRIPTION);
        g.software = ascii(f, TIFFTAG_SOFTWARE);
        g.make = ascii(f, TIFFTAG_MAKE);
        g.model = ascii(f, TIFFTAG_MODEL);
        g.date_time = ascii(f, TIFFTAG_DATETIME);
        g.host = ascii(f, TIFFTAG_HOSTCOMPUTER);
        g.subaddress = ascii(f, TIFFTAG_FAXSUBADDRESS);
        g.dcs = ascii(f, TIFFTAG_FAXDCS);
        TIFFGetField(f, TIFFTAG_PAGENUMBER, &g.page, &g.total);
        TIFFGetField(f, TIFFTAG_COMPRESSION, &g.compression);
        std::uint32_t v32 = 0;
        if (TIFFGetField(f, TIFFTAG_FAXRECVPARAMS, &v32) == 1) {
            g.recv_params = v32;
        }
        if (TIFFGetField(f, TIFFTAG_FAXRECVTIME, &v32) == 1) {
            g.recv_time = v32;
        }
        if (TIFFGetField(f, TIFFTAG_BADFAXLINES, &v32) == 1) {
            g.bad_lines = v32;
        }
        std::uint16_t v16 = 0;
        if (TIFFGetField(f, TIFFTAG_CLEANFAXDATA, &v16) == 1) {
            g.clean = v16;
        }
        TIFFGetField(f, TIFFTAG_XRESOLUTION, &g.x_res);
        TIFFGetField(f, TIFFTAG_YRESOLUTION, &g.y_res);
        g.raw.resize(static_cast<std::size_t>(TIFFGetStrileByteCount(f, 0)));
        TIFFReadRawStrip(f, 0, g.raw.data(), static_cast<tmsize_t>(g.raw.size()));
        out.push_back(std::move(g));
    } while (TIFFReadDirectory(t.get()) == 1);
    return out;
}

/// What mod_spandsp's rxfax leaves: G4 (or G3 2-D) pages, each directory
/// checkpointed before its strip, spandsp's own tags, PageNumber n/1 (spandsp
/// corrects the total only when it closes the file normally).
struct SpandspLike {
    Compression compression = Compression::t6;
    std::uint32_t recv_time = 13;
    bool bad_lines_on_first = false;
};

void write_spandsp_like(const std::string& path, const std::vector<fax::tiff::PageBitmap>& pages,
                        const SpandspLike& how = {}) {
    Tiff t(TIFFOpen(path.c_str(), "w"));
    ASSERT_TRUE(t);
    TIFF* f = t.get();
    std::uint16_t n = 0;
    for (const auto& p : pages) {
        const bool g4 = how.compression == Compression::t6;
        TIFFSetField(f, TIFFTAG_COMPRESSION, g4 ? COMPRESSION_CCITTFAX4 : COMPRESSION_CCITTFAX3);
        if (g4) {
            TIFFSetField(f, TIFFTAG_GROUP4OPTIONS, 0);
        } else {
            TIFFSetField(f, TIFFTAG_GROUP3OPTIONS, GROUP3OPT_FILLBITS | GROUP3OPT_2DENCODING);
            TIFFSetField(f, TIFFTAG_CLEANFAXDATA, CLEANFAXDATA_CLEAN);
            if (how.bad_lines_on_first && n == 0) {
                TIFFSetField(f, TIFFTAG_BADFAXLINES, 7U);
                TIFFSetField(f, TIFFTAG_CLEANFAXDATA, CLEANFAXDATA_REGENERATED);
            }
        }
        TIFFSetField(f, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
        TIFFSetField(f, TIFFTAG_BITSPERSAMPLE, 1);
        TIFFSetField(f, TIFFTAG_SAMPLESPERPIXEL, 1);
        TIFFSetField(f, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
        TIFFSetField(f, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
        TIFFSetField(f, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
        TIFFSetField(f, TIFFTAG_XRESOLUTION, 204.0F);
        TIFFSetField(f, TIFFTAG_YRESOLUTION, 196.0F);
        TIFFSetField(f, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
        TIFFSetField(f, TIFFTAG_SOFTWARE, "Spandsp 20230101 000000");
        TIFFSetField(f, TIFFTAG_HOSTCOMPUTER, "fs1.example.net");
        TIFFSetField(f, TIFFTAG_FAXDCS, "00 46 1F");
        TIFFSetField(f, TIFFTAG_FAXSUBADDRESS, "1234");
        TIFFSetField(f, TIFFTAG_IMAGEDESCRIPTION, "+49 30 1234567");
        TIFFSetField(f, TIFFTAG_MAKE, "Brother");
        TIFFSetField(f, TIFFTAG_MODEL, "MFC-L2700");
        TIFFSetField(f, TIFFTAG_DATETIME, "2026/11/23 13:44:21");
        TIFFSetField(f, TIFFTAG_FAXRECVTIME, how.recv_time);
        TIFFSetField(f, TIFFTAG_IMAGEWIDTH, p.width);
        TIFFSetField(f, TIFFTAG_PAGENUMBER, n, 1);
        TIFFSetField(f, TIFFTAG_IMAGELENGTH, p.height);
        TIFFSetField(f, TIFFTAG_ROWSPERSTRIP, p.height);
        ASSERT_EQ(TIFFCheckpointDirectory(f), 1);
        // Photometric min-is-white: bitmap 1 = black is what the file stores.
        std::vector<std::uint8_t> bits(p.bits);
        ASSERT_GE(TIFFWriteEncodedStrip(f, 0, bits.data(), static_cast<tmsize_t>(bits.size())), 0);
        ASSERT_EQ(TIFFWriteDirectory(f), 1);
        ++n;
    }
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Output of a command run through /bin/sh (stderr included).
std::string run(const std::string& command) {
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(command.c_str(), "r"), ::pclose);
    if (!p) {
        return out;
    }
    char buf[512];
    while (std::fgets(buf, sizeof buf, p.get()) != nullptr) {
        out += buf;
    }
    return out;
}

std::string local_date_time(std::int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y:%m:%d %H:%M:%S", &tm);
    return buf;
}

/// 204x196, 14400 bit/s, A4, MMR, ECM: the worked example of
/// hylafax-integration.md §4.
std::uint32_t fine_mmr_ecm_14400() {
    fax::hylafax::Class2Params p;
    p.vr = 1;
    p.br = 5;
    p.df = 3;
    p.ec = 1;
    return fax::hylafax::encode(p);
}

constexpr std::int64_t k_received = 1795441461;  // 2026-11-23 13:44:21 UTC

ReceivedFaxInfo full_info() {
    ReceivedFaxInfo info;
    info.sender_tsi = "+1 555 9876";
    info.recv_params = fine_mmr_ecm_14400();
    info.page_seconds = {27, 27};
    info.received_unix = k_received;
    info.subaddress = "5550100";
    info.dcs = "00 47 0F 22";  // fine, V.17 14400, 2-D, MMR, ECM
    return info;
}

class TiffFaxTags : public faxkit_test::TempDirTest {
protected:
    TiffFaxTags() : TempDirTest("faxtags") {}
    /// Names in the directory (no temporary file may be left behind).
    std::vector<std::string> listing() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(m_dir)) {
            names.push_back(e.path().filename().string());
        }
        return names;
    }

};

TEST_F(TiffFaxTags, EncodedParamsAreTheWorkedExample) { EXPECT_EQ(fine_mmr_ecm_14400(), 2211881U); }

TEST_F(TiffFaxTags, EveryPageGetsFaxgettysTagsAndKeepsItsStrips) {
    const auto f = path("fax000000001.tif");
    TestDocumentOptions doc;
    doc.pages = 2;
    doc.compression = Compression::t6;
    ASSERT_TRUE(fax::tiff::write_test_document(f, doc));
    const auto before = read_tags(f);

    auto r = fax::tiff::tag_received_fax(f, full_info());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, 2);

    const auto after = read_tags(f);
    ASSERT_EQ(after.size(), 2U);
    for (std::uint16_t i = 0; i < 2; ++i) {
        SCOPED_TRACE(i);
        const Tags& t = after[i];
        EXPECT_EQ(t.description, "+1 555 9876");
        EXPECT_EQ(t.software, "faxkit " FAXKIT_VERSION);
        EXPECT_EQ(t.make, "FreeSWITCH");
        EXPECT_EQ(t.model, "mod_spandsp");
        EXPECT_EQ(t.date_time, local_date_time(k_received));
        EXPECT_THAT(t.date_time, ::testing::MatchesRegex("[0-9]{4}:[0-9]{2}:[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"));
        EXPECT_EQ(t.page, i);
        EXPECT_EQ(t.total, 2);
        EXPECT_EQ(t.recv_params, 2211881U);
        EXPECT_EQ(t.recv_time, 27U);
        EXPECT_EQ(t.subaddress, "5550100");
        EXPECT_EQ(t.dcs, "00 47 0F 22");
        EXPECT_EQ(t.compression, COMPRESSION_CCITTFAX4);
        EXPECT_FLOAT_EQ(t.x_res, before[i].x_res);
        EXPECT_FLOAT_EQ(t.y_res, before[i].y_res);
        EXPECT_EQ(t.raw, before[i].raw) << "strip bytes must be copied as stored";
    }
    auto pages = fax::tiff::read_pages(f);
    ASSERT_TRUE(pages) << pages.error().message;
    const auto expected = fax::tiff::render_test_pages(doc);
    const auto diff = fax::tiff::first_difference(*pages, expected);
    EXPECT_FALSE(diff) << fax::tiff::describe(*diff);
    EXPECT_THAT(listing(), ::testing::ElementsAre("fax000000001.tif"));
}

TEST_F(TiffFaxTags, FaxinfoShowsTheReception) {
    const std::string faxinfo = "/usr/lib/hylafax/bin/faxinfo";
    if (::access(faxinfo.c_str(), X_OK) != 0) {
        GTEST_SKIP() << faxinfo << " is not installed (hylafax-server)";
    }
    const auto f = path("fax000000003.tif");
    TestDocumentOptions doc;
    doc.pages = 2;
    doc.compression = Compression::t6;
    ASSERT_TRUE(fax::tiff::write_test_document(f, doc));
    auto info1 = full_info();
    info1.call_id = {"5551234", "John Doe"};
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info1));

    // The real binary, not the /usr/sbin wrapper (that one bind-mounts the
    // HylaFAX configuration): faxinfo needs no spool for a file argument.
    const std::string out = run(faxinfo + " " + f + " 2>&1");
    EXPECT_THAT(out, HasSubstr("Sender: +1 555 9876\n")) << out;
    EXPECT_THAT(out, HasSubstr("Pages: 2\n")) << out;
    EXPECT_THAT(out, HasSubstr("Quality: Fine\n")) << out;
    EXPECT_THAT(out, HasSubstr("Received: " + local_date_time(k_received) + "\n")) << out;
    EXPECT_THAT(out, HasSubstr("TimeToRecv: 0:00:54\n")) << out;
    EXPECT_THAT(out, HasSubstr("SignalRate: 14400 bit/s\n")) << out;
    EXPECT_THAT(out, HasSubstr("DataFormat: 2-D MMR\n")) << out;
    EXPECT_THAT(out, HasSubstr("ErrCorrect: Yes\n")) << out;
    EXPECT_THAT(out, HasSubstr("SubAddr: 5550100\n")) << out;
    EXPECT_THAT(out, HasSubstr("CallID1: 5551234\n")) << out;
    EXPECT_THAT(out, HasSubstr("CallID2: John Doe\n")) << out;

    // Normal resolution, 9600, 2-D MR, no ECM, time split from the total.
    const auto g = path("fax000000004.tif");
    doc.resolution = fax::tiff::FaxResolution::standard;
    doc.compression = Compression::t4_2d;
    doc.pages = 3;
    ASSERT_TRUE(fax::tiff::write_test_document(g, doc));
    ReceivedFaxInfo info;
    info.sender_tsi = "ACME Corp";
    fax::hylafax::Class2Params p;
    p.br = 3;
    p.df = 1;
    info.recv_params = fax::hylafax::encode(p);
    info.receive_seconds = 100;
    info.received_unix = k_received;
    ASSERT_TRUE(fax::tiff::tag_received_fax(g, info));
    const std::string out2 = run(faxinfo + " " + g + " 2>&1");
    EXPECT_THAT(out2, HasSubstr("Sender: ACME Corp\n")) << out2;
    EXPECT_THAT(out2, HasSubstr("Pages: 3\n")) << out2;
    EXPECT_THAT(out2, HasSubstr("Quality: Normal\n")) << out2;
    EXPECT_THAT(out2, HasSubstr("TimeToRecv: 0:01:40\n")) << out2;
    EXPECT_THAT(out2, HasSubstr("SignalRate: 9600 bit/s\n")) << out2;
    EXPECT_THAT(out2, HasSubstr("DataFormat: 2-D MR\n")) << out2;
    EXPECT_THAT(out2, HasSubstr("ErrCorrect: No\n")) << out2;
    EXPECT_THAT(out2, ::testing::Not(HasSubstr("CallID"))) << out2;

    // faxinfo takes Quality, DataFormat and ErrCorrect from FaxDcs when there
    // is one (SignalRate stays FaxRecvParams'): DCS for normal, 2-D MR, no ECM.
    info.dcs = "00 45 0F 00";
    info.recv_params = fine_mmr_ecm_14400();
    ASSERT_TRUE(fax::tiff::tag_received_fax(g, info));
    const std::string out3 = run(faxinfo + " " + g + " 2>&1");
    EXPECT_THAT(out3, HasSubstr("Quality: Normal\n")) << out3;
    EXPECT_THAT(out3, HasSubstr("SignalRate: 14400 bit/s\n")) << out3;
    EXPECT_THAT(out3, HasSubstr("DataFormat: 2-D MR\n")) << out3;
    EXPECT_THAT(out3, HasSubstr("ErrCorrect: No\n")) << out3;
}

TEST_F(TiffFaxTags, SpandspsOwnTagsAreKeptOrReplacedAsFaxgettyWould) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 3;
    const auto bitmaps = fax::tiff::render_test_pages(doc);
    write_spandsp_like(f, bitmaps);
    const auto before = read_tags(f);
    ASSERT_EQ(before.size(), 3U);
    ASSERT_EQ(before[2].total, 1) << "the fixture must look like an unfinished spandsp file";

    ReceivedFaxInfo info;  // nothing known but the time: the file's own values stay
    info.received_unix = k_received;
    auto r = fax::tiff::tag_received_fax(f, info);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, 3);
    const auto after = read_tags(f);
    ASSERT_EQ(after.size(), 3U);
    for (std::uint16_t i = 0; i < 3; ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(after[i].description, "+49 30 1234567");
        EXPECT_EQ(after[i].host, "fs1.example.net");
        EXPECT_EQ(after[i].subaddress, "1234");
        EXPECT_EQ(after[i].dcs, "00 46 1F");
        EXPECT_EQ(after[i].recv_time, 13U);
        // Replaced: spandsp's meaning differs from HylaFAX's.
        EXPECT_EQ(after[i].make, "FreeSWITCH");
        EXPECT_EQ(after[i].model, "mod_spandsp");
        EXPECT_EQ(after[i].software, "faxkit " FAXKIT_VERSION);
        EXPECT_EQ(after[i].date_time, local_date_time(k_received));
        EXPECT_EQ(after[i].page, i);
        EXPECT_EQ(after[i].total, 3);
        EXPECT_FALSE(after[i].recv_params) << "0 means not written";
        EXPECT_FALSE(after[i].clean) << "G4 pages without CleanFaxData stay without";
        EXPECT_EQ(after[i].raw, before[i].raw);
    }
    auto pages = fax::tiff::read_pages(f);
    ASSERT_TRUE(pages) << pages.error().message;
    const auto diff = fax::tiff::first_difference(*pages, bitmaps);
    EXPECT_FALSE(diff) << fax::tiff::describe(*diff);

    // Given values win over the file's.
    info = full_info();
    info.page_seconds.clear();
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info));
    const auto again = read_tags(f);
    ASSERT_EQ(again.size(), 3U);
    EXPECT_EQ(again[1].description, "+1 555 9876");
    EXPECT_EQ(again[1].subaddress, "5550100");
    EXPECT_EQ(again[1].dcs, "00 47 0F 22");
    EXPECT_EQ(again[1].recv_time, 13U) << "no seconds given: the file's FaxRecvTime stays";
}

TEST_F(TiffFaxTags, HostileTextCannotAddLinesOrBreakFaxDcs) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 1;
    write_spandsp_like(f, fax::tiff::render_test_pages(doc));

    ReceivedFaxInfo info;
    info.sender_tsi = "EVIL\nCallID9\r\x01\xc3\xa9";
    info.call_id = {"555\n1234", "Name"};
    info.subaddress = "12\n34";
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info));
    auto t = read_tags(f);
    ASSERT_EQ(t.size(), 1U);
    EXPECT_EQ(t[0].description, "EVIL?CallID9????\n555?1234\nName");
    EXPECT_EQ(t[0].subaddress, "12?34");

    // Empty TSI: the first line of the file's own ImageDescription, so a
    // second tagging does not stack caller-ID lines.
    info.sender_tsi.clear();
    info.call_id = {"5551234"};
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info));
    t = read_tags(f);
    EXPECT_EQ(t[0].description, "EVIL?CallID9????\n5551234");

    for (const char* bad : {"00 47 0F 2", "00 47 0F 22 ", "00  47", "zz 47", "00\n47", "00-47"}) {
        SCOPED_TRACE(bad);
        info.dcs = bad;
        auto r = fax::tiff::tag_received_fax(f, info);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, Errc::usage);
        EXPECT_THAT(r.error().message, ::testing::Not(HasSubstr("\n")));
    }
    info.dcs = "00 47 0f 22";  // lower case is hex too
    EXPECT_TRUE(fax::tiff::tag_received_fax(f, info));
}

TEST_F(TiffFaxTags, MalformedFaxDcsInTheFileIsDropped) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 1;
    write_spandsp_like(f, fax::tiff::render_test_pages(doc));
    {
        Tiff t(TIFFOpen(f.c_str(), "r+"));
        ASSERT_TRUE(t);
        ASSERT_EQ(TIFFSetField(t.get(), TIFFTAG_FAXDCS, "garbage"), 1);
        ASSERT_EQ(TIFFRewriteDirectory(t.get()), 1);
    }
    ASSERT_EQ(read_tags(f)[0].dcs, "garbage");
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, ReceivedFaxInfo{}));
    EXPECT_EQ(read_tags(f)[0].dcs, "");
}

TEST_F(TiffFaxTags, ReceiveTimeIsSplitOverThePagesWithoutTheirOwn) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 3;
    write_spandsp_like(f, fax::tiff::render_test_pages(doc));

    ReceivedFaxInfo info;
    info.received_unix = k_received;
    info.receive_seconds = 100;
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info));
    auto t = read_tags(f);
    ASSERT_EQ(t.size(), 3U);
    EXPECT_EQ(t[0].recv_time, 34U);
    EXPECT_EQ(t[1].recv_time, 33U);
    EXPECT_EQ(t[2].recv_time, 33U);

    info.page_seconds = {10};
    info.receive_seconds = 51;
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info));
    t = read_tags(f);
    EXPECT_EQ(t[0].recv_time, 10U);
    EXPECT_EQ(t[1].recv_time, 21U);
    EXPECT_EQ(t[2].recv_time, 20U);

    info.page_seconds = {50, 50};  // already more than the total: the rest get 0
    info.receive_seconds = 60;
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info));
    t = read_tags(f);
    EXPECT_EQ(t[0].recv_time, 50U);
    EXPECT_EQ(t[1].recv_time, 50U);
    EXPECT_EQ(t[2].recv_time, 0U);

    info.page_seconds = {5, 6, 7, 8};  // more entries than pages
    info.receive_seconds.reset();
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info));
    t = read_tags(f);
    EXPECT_EQ(t[0].recv_time, 5U);
    EXPECT_EQ(t[1].recv_time, 6U);
    EXPECT_EQ(t[2].recv_time, 7U);
}

TEST_F(TiffFaxTags, CleanFaxDataOnlyWhereThePageHasNone) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 2;
    SpandspLike g3;
    g3.compression = Compression::t4_2d;
    g3.bad_lines_on_first = true;
    write_spandsp_like(f, fax::tiff::render_test_pages(doc), g3);
    ReceivedFaxInfo info;
    info.clean = true;
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info));
    auto t = read_tags(f);
    ASSERT_EQ(t.size(), 2U);
    EXPECT_EQ(t[0].clean, CLEANFAXDATA_REGENERATED);
    EXPECT_EQ(t[0].bad_lines, 7U);
    EXPECT_EQ(t[1].clean, CLEANFAXDATA_CLEAN);
    EXPECT_FALSE(t[1].bad_lines);

    const auto g = path("rx4.tif");
    write_spandsp_like(g, fax::tiff::render_test_pages(doc));
    info.clean = false;
    ASSERT_TRUE(fax::tiff::tag_received_fax(g, info));
    t = read_tags(g);
    EXPECT_EQ(t[0].clean, CLEANFAXDATA_REGENERATED);
    EXPECT_EQ(t[1].clean, CLEANFAXDATA_REGENERATED);
}

TEST_F(TiffFaxTags, PartialReceptionKeepsTheReadablePages) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 3;
    const auto bitmaps = fax::tiff::render_test_pages(doc);
    write_spandsp_like(f, bitmaps);
    // Cut the file inside page 3's strip, as a crash while writing it would.
    std::uint64_t strip3 = 0;
    {
        Tiff t(TIFFOpen(f.c_str(), "r"));
        ASSERT_TRUE(t);
        ASSERT_EQ(TIFFSetDirectory(t.get(), 2), 1);
        strip3 = TIFFGetStrileOffset(t.get(), 0);
        ASSERT_GT(TIFFCurrentDirOffset(t.get()), 0U);
        ASSERT_LT(TIFFCurrentDirOffset(t.get()), strip3) << "directory must precede its strip (checkpointed)";
    }
    fs::resize_file(f, strip3 + 100);

    auto r = fax::tiff::tag_received_fax(f, full_info());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, 2);
    const auto t = read_tags(f);
    ASSERT_EQ(t.size(), 2U);
    EXPECT_EQ(t[0].page, 0);
    EXPECT_EQ(t[1].page, 1);
    EXPECT_EQ(t[0].total, 2);
    EXPECT_EQ(t[1].total, 2);
    auto pages = fax::tiff::read_pages(f);
    ASSERT_TRUE(pages) << pages.error().message;
    const std::vector<fax::tiff::PageBitmap> first_two(bitmaps.begin(), bitmaps.begin() + 2);
    const auto diff = fax::tiff::first_difference(*pages, first_two);
    EXPECT_FALSE(diff) << fax::tiff::describe(*diff);
}

TEST_F(TiffFaxTags, PartialReceptionWithoutTheLastDirectory) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 3;
    doc.compression = Compression::t6;
    ASSERT_TRUE(fax::tiff::write_test_document(f, doc));  // strips first, directory after
    std::uint64_t dir3 = 0;
    {
        Tiff t(TIFFOpen(f.c_str(), "r"));
        ASSERT_TRUE(t);
        ASSERT_EQ(TIFFSetDirectory(t.get(), 2), 1);
        dir3 = TIFFCurrentDirOffset(t.get());
    }
    fs::resize_file(f, dir3 + 4);
    auto r = fax::tiff::tag_received_fax(f, full_info());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, 2);
    EXPECT_EQ(read_tags(f).size(), 2U);
}

TEST_F(TiffFaxTags, NoReadablePageLeavesTheFileAlone) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 1;
    write_spandsp_like(f, fax::tiff::render_test_pages(doc));
    std::uint64_t strip = 0;
    {
        Tiff t(TIFFOpen(f.c_str(), "r"));
        ASSERT_TRUE(t);
        strip = TIFFGetStrileOffset(t.get(), 0);
    }
    fs::resize_file(f, strip + 10);
    const std::string bytes = read_file(f);
    auto r = fax::tiff::tag_received_fax(f, full_info());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
    EXPECT_THAT(r.error().message, HasSubstr(f));
    EXPECT_EQ(read_file(f), bytes);
    EXPECT_THAT(listing(), ::testing::ElementsAre("rx.tif"));
}

TEST_F(TiffFaxTags, MissingNotTiffAndSymlinkAreRefused) {
    auto missing = fax::tiff::tag_received_fax(path("nope.tif"), full_info());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::no_input);

    const auto text = path("text.tif");
    std::ofstream(text) << "not a tiff\n";
    auto bad = fax::tiff::tag_received_fax(text, full_info());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::data);
    EXPECT_EQ(read_file(text), "not a tiff\n");

    const auto real = path("real.tif");
    TestDocumentOptions doc;
    doc.pages = 1;
    ASSERT_TRUE(fax::tiff::write_test_document(real, doc));
    const auto link = path("link.tif");
    fs::create_symlink(real, link);
    auto sym = fax::tiff::tag_received_fax(link, full_info());
    ASSERT_FALSE(sym);
    EXPECT_EQ(sym.error().code, Errc::data);
    EXPECT_TRUE(fs::is_symlink(link));

    auto dir = fax::tiff::tag_received_fax(m_dir.string(), full_info());
    ASSERT_FALSE(dir);
    EXPECT_EQ(dir.error().code, Errc::data);
}

TEST_F(TiffFaxTags, ModeAndOwnerAreKept) {
    const auto f = path("fax000000009.tif");
    TestDocumentOptions doc;
    doc.pages = 1;
    ASSERT_TRUE(fax::tiff::write_test_document(f, doc));
    ASSERT_EQ(::chmod(f.c_str(), 0640), 0);
    const bool root = ::geteuid() == 0;
    if (root) {
        ASSERT_EQ(::chown(f.c_str(), 10, 10), 0);  // uucp, HylaFAX's user on Debian
    }
    struct stat before {};
    ASSERT_EQ(::stat(f.c_str(), &before), 0);
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, full_info()));
    struct stat after {};
    ASSERT_EQ(::stat(f.c_str(), &after), 0);
    EXPECT_NE(after.st_ino, before.st_ino) << "replaced by rename";
    EXPECT_EQ(after.st_mode & 07777, 0640U);
    EXPECT_EQ(after.st_uid, before.st_uid);
    EXPECT_EQ(after.st_gid, before.st_gid);
    EXPECT_THAT(listing(), ::testing::ElementsAre("fax000000009.tif"));
}

TEST_F(TiffFaxTags, NoReceiveTimeMeansTheFilesModificationTime) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 1;
    ASSERT_TRUE(fax::tiff::write_test_document(f, doc));
    const std::int64_t mtime = 1700000000;
    const struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, f.c_str(), times, 0), 0);
    ReceivedFaxInfo info = full_info();
    info.received_unix = 0;
    ASSERT_TRUE(fax::tiff::tag_received_fax(f, info));
    EXPECT_EQ(read_tags(f)[0].date_time, local_date_time(mtime));
}

TEST_F(TiffFaxTags, UncompressedPagesAreRecodedWithTheSameBits) {
    const auto f = path("rx.tif");
    TestDocumentOptions doc;
    doc.pages = 2;
    doc.compression = Compression::none;
    ASSERT_TRUE(fax::tiff::write_test_document(f, doc));
    auto r = fax::tiff::tag_received_fax(f, full_info());
    ASSERT_TRUE(r) << r.error().message;
    const auto t = read_tags(f);
    ASSERT_EQ(t.size(), 2U);
    EXPECT_EQ(t[0].compression, COMPRESSION_CCITTFAX4);
    EXPECT_EQ(t[1].recv_params, 2211881U);
    auto pages = fax::tiff::read_pages(f);
    ASSERT_TRUE(pages) << pages.error().message;
    const auto diff = fax::tiff::first_difference(*pages, fax::tiff::render_test_pages(doc));
    EXPECT_FALSE(diff) << fax::tiff::describe(*diff);
}

}  // namespace
