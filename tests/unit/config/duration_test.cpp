// fax::config::parse_duration and get_duration: the duration forms config
// files accept ("90", "1500ms", "90s", "2m", "1h", "1m30s") and what they refuse.

#include <chrono>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/duration.hpp"
#include "config/ini.hpp"

namespace {

using fax::config::get_duration;
using fax::config::Ini;
using fax::config::parse_duration;
using fax::core::Errc;
using ::testing::HasSubstr;
using ms = std::chrono::milliseconds;

ms ok(std::string_view text) {
    auto r = parse_duration(text, "test");
    EXPECT_TRUE(r) << "'" << text << "': " << (r ? "" : r.error().message);
    return r ? *r : ms(-1);
}

TEST(DurationTest, Forms) {
    EXPECT_EQ(ok("90"), ms(90000));  // a bare number is seconds
    EXPECT_EQ(ok("0"), ms(0));
    EXPECT_EQ(ok("1500ms"), ms(1500));
    EXPECT_EQ(ok("90s"), ms(90000));
    EXPECT_EQ(ok("2m"), ms(120000));
    EXPECT_EQ(ok("1h"), ms(3600000));
    EXPECT_EQ(ok("1m30s"), ms(90000));
    EXPECT_EQ(ok("1h2m3s4ms"), ms(3723004));
    EXPECT_EQ(ok("0.5s"), ms(500));
    EXPECT_EQ(ok("1.5"), ms(1500));
    EXPECT_EQ(ok("1.25m"), ms(75000));
    EXPECT_EQ(ok("0.0016s"), ms(2));  // rounded to the nearest ms
    EXPECT_EQ(ok("0.0004s"), ms(0));
    EXPECT_EQ(ok("007s"), ms(7000));
}

TEST(DurationTest, SurroundingSpaceIsIgnored) {
    EXPECT_EQ(ok(" 90"), ms(90000));
    EXPECT_EQ(ok("90s "), ms(90000));
    EXPECT_EQ(ok("\t 1m30s \n"), ms(90000));
}

TEST(DurationTest, Refused) {
    for (const std::string_view text :
         {"", " ", "\t", "-1", "-1s", "+1s", "5x", "5S", "2M", "1H", "1.2.3", "1.2.3s", "s", "ms", ".", ".s", "90 s",
          "1m 30s", "1m30", "30s5", "1 30", "1e3", "1,5s", "0x10", "1us", "1ns", "1d", "abc", "1s-1s", "1m30s!"}) {
        auto r = parse_duration(text, "[gofaxsend] pagetimeout");
        ASSERT_FALSE(r) << "accepted: '" << text << "' as " << r->count() << " ms";
        EXPECT_EQ(r.error().code, Errc::config) << text;
        EXPECT_THAT(r.error().message, HasSubstr("[gofaxsend] pagetimeout: '")) << text;
        EXPECT_THAT(r.error().message, HasSubstr("is not a duration")) << text;
        EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    }
}

TEST(DurationTest, MessageQuotesTheValue) {
    auto r = parse_duration("5x", "conf:[a] b");
    ASSERT_FALSE(r);
    EXPECT_THAT(r.error().message, ::testing::StartsWith("conf:[a] b: '5x' is not a duration"));
}

TEST(DurationTest, HugeValuesAreRefused) {
    EXPECT_EQ(ok("1000000000000000ms"), ms(1000000000000000LL));  // 1e15 ms: the largest accepted
    EXPECT_FALSE(parse_duration("1000000000000001ms", "x"));
    EXPECT_FALSE(parse_duration("999999999999h", "x"));
    EXPECT_FALSE(parse_duration("99999999999999999999999999999999", "x"));
}

Ini ini(std::string_view text) {
    auto r = Ini::parse(text, "test.conf");
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(*r) : Ini{};
}

TEST(DurationTest, GetDuration) {
    const ms fallback(4242);
    EXPECT_EQ(*get_duration(nullptr, "gofaxsend", "pagetimeout", fallback), fallback);
    const Ini c = ini("[gofaxsend]\npagetimeout = 2m\n[fax-send]\ntimeout = 90\nbad = 5x\nempty =\n");
    EXPECT_EQ(*get_duration(&c, "gofaxsend", "pagetimeout", fallback), ms(120000));
    EXPECT_EQ(*get_duration(&c, "GoFaxSend", "PageTimeout", fallback), ms(120000));  // case-insensitive
    EXPECT_EQ(*get_duration(&c, "fax-send", "timeout", fallback), ms(90000));
    EXPECT_EQ(*get_duration(&c, "fax-send", "pagetimeout", fallback), fallback);  // other section
    EXPECT_EQ(*get_duration(&c, "gofaxsend", "missing", fallback), fallback);
    auto bad = get_duration(&c, "fax-send", "bad", fallback);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::config);
    EXPECT_THAT(bad.error().message, HasSubstr("test.conf:[fax-send] bad: '5x'"));
    // A key given with no value is not a duration (not silently the fallback).
    auto empty = get_duration(&c, "fax-send", "empty", fallback);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, Errc::config);
}

TEST(DurationTest, GetDurationTakesTheLastValue) {
    const Ini c = ini("[gofaxsend]\npagetimeout = 1s\npagetimeout = 3s\n");
    EXPECT_EQ(*get_duration(&c, "gofaxsend", "pagetimeout", ms(0)), ms(3000));
}

}  // namespace
