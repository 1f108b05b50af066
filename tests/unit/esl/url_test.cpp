// FreeSWITCH's URL coding of event values (esl-protocol.md §3.2).

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "esl/url.hpp"

namespace {

using fax::esl::url_decode;
using fax::esl::url_decode_in_place;
using fax::esl::url_encode_append;

std::string encode(std::string_view s) {
    std::string out = "prefix:";
    url_encode_append(out, s);
    EXPECT_EQ(out.rfind("prefix:", 0), 0U) << "appends, keeps what was there";
    return out.substr(7);
}

TEST(UrlTest, SpecExamplesEncode) {
    EXPECT_EQ(encode("sofia/internal/1000@10.0.0.5"), "sofia/internal/1000%4010.0.0.5");
    EXPECT_EQ(encode("+OK\n"), "%2BOK%0A");
    EXPECT_EQ(encode("50% off"), "50%25%20off");
    EXPECT_EQ(encode("M\xC3\xBCller"), "M%C3%BCller");
    EXPECT_EQ(encode("spandsp::txfaxresult"), "spandsp%3A%3Atxfaxresult");
    EXPECT_EQ(encode("text/plain"), "text/plain");
    EXPECT_EQ(encode(""), "");
}

TEST(UrlTest, SpecExamplesDecode) {
    EXPECT_EQ(url_decode("sofia/internal/1000%4010.0.0.5"), "sofia/internal/1000@10.0.0.5");
    EXPECT_EQ(url_decode("%2BOK%0A"), "+OK\n");
    EXPECT_EQ(url_decode("50%25%20off"), "50% off");
    EXPECT_EQ(url_decode("M%C3%BCller"), "M\xC3\xBCller");
    EXPECT_EQ(url_decode("spandsp%3A%3Atxfaxresult"), "spandsp::txfaxresult");
}

TEST(UrlTest, PercentFollowedByTwoHexDigitsIsCopied) {
    EXPECT_EQ(encode("%41"), "%41");
    EXPECT_EQ(encode("a%2bb"), "a%2bb");
    EXPECT_EQ(encode("%4"), "%254");
    EXPECT_EQ(encode("%"), "%25");
    EXPECT_EQ(encode("%zz"), "%25zz");
    EXPECT_EQ(encode("x%4"), "x%254");
    EXPECT_EQ(encode("%41%"), "%41%25");
}

TEST(UrlTest, EveryUnsafeByteIsEncodedUpperCase) {
    const std::string unsafe = "\r\n #%&+:;<=>?@[\\]^`{|}\"";
    for (const char c : unsafe) {
        const auto b = static_cast<unsigned char>(c);
        char want[4];
        std::snprintf(want, sizeof want, "%%%02X", b);
        EXPECT_EQ(encode(std::string(1, c)), want) << "byte " << static_cast<int>(b);
    }
    for (int b = 0; b < 0x20; ++b) {
        char want[4];
        std::snprintf(want, sizeof want, "%%%02X", b);
        EXPECT_EQ(encode(std::string(1, static_cast<char>(b))), want) << "byte " << b;
    }
    for (int b = 0x7F; b < 0x100; ++b) {
        char want[4];
        std::snprintf(want, sizeof want, "%%%02X", b);
        EXPECT_EQ(encode(std::string(1, static_cast<char>(b))), want) << "byte " << b;
    }
}

TEST(UrlTest, SafeBytesAreKept) {
    const std::string safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$'()*,-./_~";
    EXPECT_EQ(encode(safe), safe);
}

TEST(UrlTest, DecodeLeavesPlusAndMalformedPercentAlone) {
    EXPECT_EQ(url_decode("a+b"), "a+b");
    EXPECT_EQ(url_decode("100%"), "100%");
    EXPECT_EQ(url_decode("%4"), "%4");
    EXPECT_EQ(url_decode("%zz%4g%"), "%zz%4g%");
    EXPECT_EQ(url_decode("%%41"), "%A");
    EXPECT_EQ(url_decode("%c3%bc%C3%BC"), "\xC3\xBC\xC3\xBC");
    EXPECT_EQ(url_decode("%00x"), std::string("\0x", 2));
    EXPECT_EQ(url_decode(""), "");
}

TEST(UrlTest, DecodeInPlaceReturnsNewLength) {
    char buf[] = "a%20b%2Bc";
    const std::size_t n = url_decode_in_place(buf, sizeof buf - 1);
    EXPECT_EQ(std::string(buf, n), "a b+c");
    char plain[] = "nothing";
    EXPECT_EQ(url_decode_in_place(plain, 7), 7U);
    EXPECT_EQ(std::string(plain, 7), "nothing");
}

TEST(UrlTest, EncodeThenDecodeRoundTripsEveryByte) {
    std::string all;
    for (int b = 0; b < 256; ++b) {
        all.push_back(static_cast<char>(b));
    }
    const std::string enc = encode(all);
    for (const char c : enc) {
        const auto b = static_cast<unsigned char>(c);
        EXPECT_TRUE(b > 0x20 && b < 0x7F) << "encoded output is printable ASCII";
    }
    EXPECT_EQ(url_decode(enc), all);
    // A literal "%41" is not double-encoded, so it decodes to "A" (§3.2).
    EXPECT_EQ(url_decode(encode("50%41")), "50A");
}

}  // namespace
