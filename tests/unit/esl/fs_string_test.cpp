// FreeSWITCH's argument splitting (switch_separate_string) and the small C
// helpers the event socket's command parsing depends on.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "esl/fs_string.hpp"

namespace {

using fax::esl::separate_string;
using Strings = std::vector<std::string>;

TEST(SeparateStringTest, SlashFieldsAndTheLastKeepsTheRest) {
    EXPECT_EQ(separate_string("insert/fallback/123/456", '/', 4), (Strings{"insert", "fallback", "123", "456"}));
    EXPECT_EQ(separate_string("insert/realm/key/a/b/c", '/', 4), (Strings{"insert", "realm", "key", "a/b/c"}));
    EXPECT_EQ(separate_string("count", '/', 4), (Strings{"count"}));
    EXPECT_EQ(separate_string("", '/', 4), Strings{});
}

TEST(SeparateStringTest, CaretCaretChangesTheDelimiter) {
    EXPECT_EQ(separate_string("^^:insert:realm:key:a/b", '/', 4), (Strings{"insert", "realm", "key", "a/b"}));
    // Needs the delimiter and at least one more byte.
    EXPECT_EQ(separate_string("^^:", '/', 4), (Strings{"^^:"}));
}

TEST(SeparateStringTest, SpacesTrimmedQuotesGroupBackslashEscapes) {
    EXPECT_EQ(separate_string(" insert / realm / key / v w ", '/', 4), (Strings{"insert", "realm", "key", "v w"}));
    EXPECT_EQ(separate_string("select/'a/b'/key", '/', 4), (Strings{"select", "a/b", "key"}));
    EXPECT_EQ(separate_string("select/a\\/b/key", '/', 4), (Strings{"select", "a/b", "key"}));
    EXPECT_EQ(separate_string("x/it's/y", '/', 4), (Strings{"x", "it's", "y"}));  // a lone quote is a character
    EXPECT_EQ(separate_string("x/a\\nb\\s\\tc\\q/y", '/', 4), (Strings{"x", "a\nb \tc\\q", "y"}));
    EXPECT_EQ(separate_string("x/' padded '", '/', 4), (Strings{"x", " padded "}));
}

TEST(SeparateStringTest, EmptyFieldsCountButATrailingDelimiterDoesNot) {
    EXPECT_EQ(separate_string("a//b", '/', 4), (Strings{"a", "", "b"}));
    EXPECT_EQ(separate_string("a/b/", '/', 4), (Strings{"a", "b"}));
}

TEST(SeparateStringTest, BlankDelimiterSkipsRunsOfSpaces) {
    EXPECT_EQ(separate_string("  a  b   c ", ' ', 10), (Strings{"a", "b", "c"}));
    EXPECT_EQ(separate_string("'a b' c", ' ', 10), (Strings{"a b", "c"}));
    EXPECT_EQ(separate_string("a b c d", ' ', 2), (Strings{"a", "b c d"}));
}

TEST(FsStringTest, StripCrCutsAtFirstCrElseFirstLf) {
    std::string a = "api status\r\n\r\n";
    fax::esl::strip_cr(a);
    EXPECT_EQ(a, "api status");
    std::string b = "x\ny\r\n";
    fax::esl::strip_cr(b);
    EXPECT_EQ(b, "x\ny");  // as FreeSWITCH: CR first
    std::string c = "x\ny\n";
    fax::esl::strip_cr(c);
    EXPECT_EQ(c, "x");
}

TEST(FsStringTest, AtoiAndSwitchTrue) {
    EXPECT_EQ(fax::esl::c_atoi("  42abc"), 42);
    EXPECT_EQ(fax::esl::c_atoi("-7"), -7);
    EXPECT_EQ(fax::esl::c_atoi("x1"), 0);
    EXPECT_TRUE(fax::esl::switch_true("TRUE"));
    EXPECT_TRUE(fax::esl::switch_true("1"));
    EXPECT_TRUE(fax::esl::switch_true("allow"));
    EXPECT_FALSE(fax::esl::switch_true("0"));
    EXPECT_FALSE(fax::esl::switch_true("nope"));
    EXPECT_FALSE(fax::esl::switch_true(""));
}

}  // namespace
