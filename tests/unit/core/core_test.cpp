// fax::core: exit codes, UTC timestamps, UTF-8 repair, UUIDs.

#include <random>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/time.hpp"
#include "core/utf8.hpp"
#include "core/uuid.hpp"
#include "support/printers.hpp"
#include "support/utf8_ref.hpp"

namespace {

using fax::core::Errc;

TEST(ErrorTest, SysexitsCodes) {
    const std::vector<std::pair<Errc, int>> codes = {
        {Errc::usage, 64},    {Errc::data, 65},       {Errc::no_input, 66}, {Errc::unavailable, 69},
        {Errc::internal, 70}, {Errc::os, 71},         {Errc::io, 74},       {Errc::temporary, 75},
        {Errc::protocol, 76}, {Errc::permission, 77}, {Errc::config, 78},   {Errc::negative, 1},
    };
    std::set<std::string> names;
    for (const auto& [code, exit] : codes) {
        EXPECT_EQ(fax::core::exit_code(code), exit) << fax::core::errc_name(code);
        names.insert(fax::core::errc_name(code));
    }
    EXPECT_EQ(names.size(), codes.size()) << "names are distinct";
    EXPECT_STREQ(fax::core::errc_name(Errc::unavailable), "unavailable");
    EXPECT_STREQ(fax::core::errc_name(Errc::protocol), "protocol");
}

TEST(TimeTest, FormatsUtcMilliseconds) {
    EXPECT_EQ(fax::core::utc_ms_string(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(fax::core::utc_ms_string(1795442405123), "2026-11-23T14:00:05.123Z");
    EXPECT_EQ(fax::core::utc_ms_string(1714637730123), "2024-05-02T08:15:30.123Z");
    EXPECT_EQ(fax::core::utc_ms_string(1709251199999), "2024-02-29T23:59:59.999Z");  // leap day
    EXPECT_EQ(fax::core::utc_ms_string(951782400000), "2000-02-29T00:00:00.000Z");
    EXPECT_EQ(fax::core::utc_ms_string(4102444800000), "2100-01-01T00:00:00.000Z");
    EXPECT_EQ(fax::core::utc_ms_string(253402300799999), "9999-12-31T23:59:59.999Z");
    EXPECT_EQ(fax::core::utc_ms_string(-1), "1969-12-31T23:59:59.999Z");
    char buf[25] = {};
    buf[24] = '#';
    EXPECT_EQ(fax::core::format_utc_ms(1795442405123, buf), 24U);
    EXPECT_EQ(std::string(buf, 24), "2026-11-23T14:00:05.123Z");
    EXPECT_EQ(buf[24], '#') << "writes exactly 24 bytes";
}

TEST(TimeTest, NowIsNow) {
    const auto now = fax::core::now_unix_ms();
    EXPECT_GT(now, 1700000000000);  // after 2023
    EXPECT_LT(now, 4102444800000);  // before 2100
}

TEST(Utf8Test, ValidityAndRepairMatchTheReference) {
    const std::vector<std::string> atoms = {"a",
                                            "\x80",
                                            "\xBF",
                                            "\xC0",
                                            "\xC1",
                                            "\xC2",
                                            "\xDF",
                                            "\xE0",
                                            "\xA0",
                                            "\x9F",
                                            "\xED",
                                            "\xEF",
                                            "\xF0",
                                            "\x90",
                                            "\xF4",
                                            "\x8F",
                                            "\xF5",
                                            "\xFF",
                                            "\xC3\xBC",
                                            "\xE2\x82\xAC",
                                            "\xF0\x9F\x93\xA0",
                                            "\xF4\x8F\xBF\xBF"};
    std::mt19937 rng(7);
    for (int n = 0; n < 3000; ++n) {
        std::string s;
        const auto len = rng() % 10;
        for (std::size_t i = 0; i < len; ++i) {
            s += atoms[rng() % atoms.size()];
        }
        const std::string want = faxkit_test::repaired_utf8(s);
        std::string got = "x";
        fax::core::append_repaired_utf8(got, s);
        ASSERT_EQ(got, "x" + want) << "input #" << n;
        ASSERT_EQ(fax::core::is_valid_utf8(s), want == s) << "input #" << n;
        ASSERT_TRUE(fax::core::is_valid_utf8(got));
    }
    EXPECT_TRUE(fax::core::is_valid_utf8(""));
    EXPECT_FALSE(fax::core::is_valid_utf8("\xED\xA0\x80"));
    EXPECT_FALSE(fax::core::is_valid_utf8("\xF4\x90\x80\x80"));
}

TEST(UuidTest, RandomVersion4) {
    const std::regex form("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string u = fax::core::random_uuid();
        ASSERT_TRUE(std::regex_match(u, form)) << u;
        seen.insert(u);
    }
    EXPECT_EQ(seen.size(), 1000U);
}

}  // namespace
