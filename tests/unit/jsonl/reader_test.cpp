// fax::jsonl::Reader: line splitting, numbering, bad lines reported and skipped.

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "jsonl/reader.hpp"

namespace {

using fax::jsonl::Reader;

struct Collected {
    std::vector<std::pair<std::size_t, std::string>> records;  // line, compact JSON
    std::vector<std::pair<std::size_t, std::string>> bad;      // line, why
};

/// Feeds \a input in pieces of \a step bytes (0: whole), then finish().
Collected read_all(const std::string& input, std::size_t step = 0, std::size_t max_line = std::size_t{1} << 20) {
    Collected c;
    Reader r([&](nlohmann::ordered_json&& rec, std::size_t line) { c.records.emplace_back(line, rec.dump()); },
             [&](std::size_t line, std::string_view why) { c.bad.emplace_back(line, std::string(why)); }, max_line);
    if (step == 0) {
        r.feed(input);
    } else {
        for (std::size_t at = 0; at < input.size(); at += step) {
            r.feed(std::string_view(input).substr(at, step));
        }
    }
    r.finish();
    EXPECT_EQ(r.bad_lines(), c.bad.size());
    return c;
}

using Lines = std::vector<std::pair<std::size_t, std::string>>;

std::vector<std::size_t> line_numbers(const Lines& l) {
    std::vector<std::size_t> out;
    for (const auto& [n, _] : l) {
        out.push_back(n);
    }
    return out;
}

TEST(ReaderTest, RecordsWithLineNumbers) {
    const auto c = read_all("{\"api\":\"status\",\"id\":\"one\"}\n{\"api\":\"version\"}\n");
    EXPECT_EQ(c.records, (Lines{{1, R"({"api":"status","id":"one"})"}, {2, R"({"api":"version"})"}}));
    EXPECT_TRUE(c.bad.empty());
}

TEST(ReaderTest, BlankLinesIgnoredButCounted) {
    const auto c = read_all("\n{\"a\":1}\n\n   \n\t\n{\"b\":2}\n\n");
    EXPECT_EQ(c.records, (Lines{{2, R"({"a":1})"}, {6, R"({"b":2})"}}));
    EXPECT_TRUE(c.bad.empty());
}

TEST(ReaderTest, CrlfLines) {
    const auto c = read_all("{\"a\":1}\r\n\r\n{\"b\":\"x\"}\r\n");
    EXPECT_EQ(c.records, (Lines{{1, R"({"a":1})"}, {3, R"({"b":"x"})"}}));
    EXPECT_TRUE(c.bad.empty());
}

TEST(ReaderTest, BadLinesReportedWithNumbersAndSkipped) {
    const auto c = read_all("{\"a\":1}\n[1,2]\nnot json\n\"str\"\n{\"b\":\n42\n{\"c\":3}\n");
    EXPECT_EQ(c.records, (Lines{{1, R"({"a":1})"}, {7, R"({"c":3})"}}));
    EXPECT_EQ(line_numbers(c.bad), (std::vector<std::size_t>{2, 3, 4, 5, 6}));
    for (const auto& [n, why] : c.bad) {
        EXPECT_FALSE(why.empty()) << "line " << n;
    }
    EXPECT_NE(c.bad[0].second, c.bad[1].second) << "not an object vs not JSON are told apart";
}

TEST(ReaderTest, LastLineWithoutNewline) {
    const auto c = read_all("{\"a\":1}\n{\"b\":2}");
    EXPECT_EQ(c.records, (Lines{{1, R"({"a":1})"}, {2, R"({"b":2})"}}));
    const auto bad = read_all("{\"a\":1}\n{\"b\":");
    EXPECT_EQ(line_numbers(bad.bad), (std::vector<std::size_t>{2}));
}

TEST(ReaderTest, NothingPendingAtFinish) {
    const auto c = read_all("");
    EXPECT_TRUE(c.records.empty());
    EXPECT_TRUE(c.bad.empty());
}

TEST(ReaderTest, OverLongLineIsBadAndReadingGoesOn) {
    const std::string longline = "{\"k\":\"" + std::string(40, 'x') + "\"}";
    const std::string ok = "{\"a\":1}";
    ASSERT_GT(longline.size(), 32U);
    for (const std::size_t step : {0U, 1U, 5U}) {
        SCOPED_TRACE("step " + std::to_string(step));
        const auto c = read_all(ok + "\n" + longline + "\n" + ok + "\n" + longline, step, 32);
        EXPECT_EQ(c.records, (Lines{{1, ok}, {3, ok}}));
        EXPECT_EQ(line_numbers(c.bad), (std::vector<std::size_t>{2, 4}));
    }
}

TEST(ReaderTest, LineOfExactlyMaxIsAccepted) {
    const std::string line = "{\"k\":\"" + std::string(24, 'x') + "\"}";  // 32 bytes
    ASSERT_EQ(line.size(), 32U);
    const auto c = read_all(line + "\n" + line, 0, 32);
    EXPECT_EQ(c.records.size(), 2U);
    EXPECT_TRUE(c.bad.empty());
}

TEST(ReaderTest, ByteAtATimeGivesTheSameResult) {
    const std::string input =
        "{\"api\":\"status\"}\r\n\n[1]\n{\"event\":[\"CHANNEL_ANSWER\",\"CUSTOM\"],\"format\":\"json\"}\nbad\n{\"x\":"
        "\"\xC3\xBC\"}";
    const auto whole = read_all(input);
    for (const std::size_t step : {1U, 2U, 3U}) {
        const auto split = read_all(input, step);
        EXPECT_EQ(split.records, whole.records);
        EXPECT_EQ(split.bad, whole.bad);
    }
    EXPECT_EQ(line_numbers(whole.records), (std::vector<std::size_t>{1, 4, 6}));
    EXPECT_EQ(line_numbers(whole.bad), (std::vector<std::size_t>{3, 5}));
}

TEST(ReaderTest, KeyOrderIsKept) {
    const auto c = read_all("{\"z\":1,\"a\":2,\"m\":3}\n");
    ASSERT_EQ(c.records.size(), 1U);
    EXPECT_EQ(c.records[0].second, R"({"z":1,"a":2,"m":3})");
}

}  // namespace
