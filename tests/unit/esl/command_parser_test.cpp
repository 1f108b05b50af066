// fax::esl::CommandParser: FreeSWITCH's read_packet framing of commands.

#include <string>

#include <gtest/gtest.h>

#include "esl/command_parser.hpp"

namespace {

using fax::esl::Command;
using fax::esl::CommandParser;

std::vector<Command> all(CommandParser& p) {
    std::vector<Command> out;
    Command c;
    while (true) {
        auto r = p.next(c);
        EXPECT_TRUE(r.ok());
        if (!r.ok() || !*r) {
            return out;
        }
        out.push_back(c);
    }
}

TEST(CommandParserTest, LfCrLfAndMixedTerminators) {
    CommandParser p;
    p.feed("auth ClueCon\n\napi status\r\n\r\nevent plain ALL\n\r\n");
    const auto cmds = all(p);
    ASSERT_EQ(cmds.size(), 3U);
    EXPECT_EQ(cmds[0].block, "auth ClueCon\n\n");
    EXPECT_EQ(cmds[1].block, "api status\r\n\r\n");
    EXPECT_EQ(cmds[2].block, "event plain ALL\n\r\n");
    EXPECT_TRUE(cmds[0].headers.empty());
}

TEST(CommandParserTest, LeadingCrLfBytesAreSkippedAndAnyByteSplitWorks) {
    const std::string stream = "\r\n\n\rexit\n\n";
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        CommandParser p;
        p.feed(stream.substr(0, cut));
        auto first = all(p);
        p.feed(stream.substr(cut));
        auto rest = all(p);
        first.insert(first.end(), rest.begin(), rest.end());
        ASSERT_EQ(first.size(), 1U) << cut;
        EXPECT_EQ(first[0].block, "exit\n\n");
    }
}

TEST(CommandParserTest, HeadersSplitAtFirstColonSpacesSkipped) {
    CommandParser p;
    p.feed("bgapi status\nJob-UUID:   abc:def\nno colon here\nX:\n\n");
    const auto cmds = all(p);
    ASSERT_EQ(cmds.size(), 1U);
    ASSERT_EQ(cmds[0].headers.size(), 2U);
    EXPECT_EQ(cmds[0].headers[0].first, "Job-UUID");
    EXPECT_EQ(cmds[0].headers[0].second, "abc:def");
    EXPECT_EQ(cmds[0].headers[1].second, "");
    EXPECT_EQ(cmds[0].header("job-uuid").value_or("?"), "abc:def");
    EXPECT_FALSE(cmds[0].body.has_value());
}

TEST(CommandParserTest, ContentLengthBodyMayHoldBlankLinesAndArriveLater) {
    CommandParser p;
    p.feed("sendevent CUSTOM\nContent-Length: 9\n\nhe\n");
    Command c;
    auto r = p.next(c);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(*r);
    EXPECT_TRUE(p.in_progress());
    p.feed("\nllo!!exit\n\n");
    const auto cmds = all(p);
    ASSERT_EQ(cmds.size(), 2U);
    EXPECT_EQ(cmds[0].body.value_or("?"), "he\n\nllo!!");
    EXPECT_EQ(cmds[1].block, "exit\n\n");
    EXPECT_FALSE(p.in_progress());
}

TEST(CommandParserTest, NonPositiveOrJunkContentLengthMeansNoBody) {
    CommandParser p;
    p.feed("sendmsg\nContent-Length: -5\n\nsendmsg\nContent-Length: abc\n\n");
    const auto cmds = all(p);
    ASSERT_EQ(cmds.size(), 2U);
    EXPECT_FALSE(cmds[0].body);
    EXPECT_FALSE(cmds[1].body);
}

TEST(CommandParserTest, OversizeBodyIsAProtocolError) {
    CommandParser p;
    p.feed("sendmsg\nContent-Length: 99999999999\n\n");
    Command c;
    auto r = p.next(c);
    EXPECT_FALSE(r.ok());
}

}  // namespace
