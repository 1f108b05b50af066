// fax::hylafax::Class2Params::encode() (xferfaxlog field 10, FaxRecvParams)
// and the mappings from what mod_spandsp reports to its codes.

#include <gtest/gtest.h>

#include "hylafax/class2_params.hpp"

namespace {

using fax::hylafax::bit_rate_code;
using fax::hylafax::Class2Params;
using fax::hylafax::data_format_code;
using fax::hylafax::data_format_name;
using fax::hylafax::encode;
using fax::hylafax::vertical_resolution_code;

TEST(Class2ParamsTest, WorkedExample) {
    // hylafax-integration.md §4: 204x196, 14400, A4, A4 length, MMR, ECM.
    Class2Params p;
    p.vr = 1;
    p.br = 5;
    p.df = 3;
    p.ec = 1;
    EXPECT_EQ(encode(p), 2211881U);
    p.vr = 0;  // normal resolution
    EXPECT_EQ(encode(p), 2211880U);
}

TEST(Class2ParamsTest, EcmIsOneBitForEveryEcmMode) {
    // HylaFAX+ writes the ECM bit as a boolean ("ec == EC_DISABLE ? 0 : 1"):
    // 256-byte-frame ECM (ec 2) is ECM on too, not bit 0 of the mode.
    Class2Params p;
    p.vr = 1;
    p.br = 5;
    p.df = 3;
    for (unsigned ec : {1U, 2U, 3U, 4U}) {
        p.ec = ec;
        EXPECT_EQ(encode(p), 2211881U) << ec;
    }
    p.ec = 0;
    EXPECT_EQ(encode(p), 2211881U - (1U << 16));
}

TEST(Class2ParamsTest, VersionBitAlone) {
    EXPECT_EQ(encode(Class2Params{}), 1U << 21);
}

TEST(Class2ParamsTest, EachFieldAtItsOffset) {
    auto one = [](auto set) {
        Class2Params p;
        set(p);
        return encode(p) & ~(1U << 21);
    };
    EXPECT_EQ(one([](Class2Params& p) { p.vr = 2; }), 2U);
    EXPECT_EQ(one([](Class2Params& p) { p.br = 1; }), 1U << 3);
    EXPECT_EQ(one([](Class2Params& p) { p.br = 5; }), 5U << 3);
    EXPECT_EQ(one([](Class2Params& p) { p.wd = 1; }), 1U << 9);
    EXPECT_EQ(one([](Class2Params& p) { p.ln = 2; }), 2U << 12);
    EXPECT_EQ(one([](Class2Params& p) { p.df = 1; }), 1U << 14);
    EXPECT_EQ(one([](Class2Params& p) { p.ec = 1; }), 1U << 16);
    EXPECT_EQ(one([](Class2Params& p) { p.bf = 1; }), 1U << 17);
    EXPECT_EQ(one([](Class2Params& p) { p.st = 3; }), 3U << 18);
    // gofaxsend's own params for 14400 + ECM (gofax-anchors.md §2.10) are
    // (5<<3)|(1<<16) = 65576: ours differ only by the version bit.
    EXPECT_EQ(one([](Class2Params& p) {
                  p.br = 5;
                  p.ec = 1;
              }),
              65576U);
}

TEST(Class2ParamsTest, FieldsDoNotSpillIntoTheirNeighbours) {
    Class2Params p;
    p.vr = 0xFF;
    p.wd = 0xFF;
    p.ln = 0xFF;
    p.df = 0xFF;
    p.bf = 0xFF;
    p.st = 0xFF;
    // vr 3 bits, wd 3, ln 2, df 2, bf 1, st 3; br and ec stay 0.
    EXPECT_EQ(encode(p), 7U | 7U << 9 | 3U << 12 | 3U << 14 | 1U << 17 | 7U << 18 | 1U << 21);
    EXPECT_EQ(encode(p) & (63U << 3 | 1U << 16), 0U);
}

TEST(Class2ParamsTest, BitRateCode) {
    EXPECT_EQ(bit_rate_code(33600), 5U);
    EXPECT_EQ(bit_rate_code(14400), 5U);
    EXPECT_EQ(bit_rate_code(14399), 4U);
    EXPECT_EQ(bit_rate_code(12000), 4U);
    EXPECT_EQ(bit_rate_code(11999), 3U);
    EXPECT_EQ(bit_rate_code(9600), 3U);
    EXPECT_EQ(bit_rate_code(9599), 2U);
    EXPECT_EQ(bit_rate_code(7200), 2U);
    EXPECT_EQ(bit_rate_code(7199), 1U);
    EXPECT_EQ(bit_rate_code(4800), 1U);
    EXPECT_EQ(bit_rate_code(4799), 0U);
    EXPECT_EQ(bit_rate_code(2400), 0U);
    EXPECT_EQ(bit_rate_code(0), 0U);
    EXPECT_EQ(bit_rate_code(-1), 0U);
}

TEST(Class2ParamsTest, VerticalResolutionCode) {
    // Pixels per metre as spandsp reports them: 3850 normal, 7700 fine, 15400 superfine.
    EXPECT_EQ(vertical_resolution_code(0), 0U);
    EXPECT_EQ(vertical_resolution_code(3850), 0U);
    EXPECT_EQ(vertical_resolution_code(3860), 0U);  // 98 lpi rounding
    EXPECT_EQ(vertical_resolution_code(5499), 0U);
    EXPECT_EQ(vertical_resolution_code(5500), 1U);
    EXPECT_EQ(vertical_resolution_code(7700), 1U);
    EXPECT_EQ(vertical_resolution_code(7716), 1U);  // 196 lpi from a TIFF
    EXPECT_EQ(vertical_resolution_code(10999), 1U);
    EXPECT_EQ(vertical_resolution_code(11000), 2U);
    EXPECT_EQ(vertical_resolution_code(15400), 2U);
}

TEST(Class2ParamsTest, DataFormatCode) {
    EXPECT_EQ(data_format_code("T.4 1-D"), 0U);
    EXPECT_EQ(data_format_code("T.4 2-D"), 1U);
    EXPECT_EQ(data_format_code("T.6"), 3U);
    EXPECT_EQ(data_format_code("Uncompressed"), 2U);
    EXPECT_EQ(data_format_code("None"), 2U);
    // JBIG and anything else that HylaFAX's 2-bit df cannot express: 1-D MH.
    EXPECT_EQ(data_format_code("T.85(L0)"), 0U);
    EXPECT_EQ(data_format_code(""), 0U);
    EXPECT_EQ(data_format_code("t.6"), 0U);
    EXPECT_EQ(data_format_code("T.6 "), 0U);
}

TEST(Class2ParamsTest, DataFormatName) {
    EXPECT_EQ(data_format_name(0), "1-D MH");
    EXPECT_EQ(data_format_name(1), "2-D MR");
    EXPECT_EQ(data_format_name(2), "2-D Uncompressed Mode");
    EXPECT_EQ(data_format_name(3), "2-D MMR");
    EXPECT_EQ(data_format_name(4), "1-D MH");
    EXPECT_EQ(data_format_name(~0U), "1-D MH");
    for (unsigned df = 0; df < 4; ++df) {
        SCOPED_TRACE(df);
        // Name and code agree for spandsp's names of the same format.
        static constexpr const char* k_spandsp[] = {"T.4 1-D", "T.4 2-D", "Uncompressed", "T.6"};
        EXPECT_EQ(data_format_code(k_spandsp[df]), df);
    }
}

}  // namespace
