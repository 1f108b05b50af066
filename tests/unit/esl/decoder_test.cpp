// fax::esl::Decoder edge cases (esl-protocol.md §1, §7).

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "esl/decoder.hpp"
#include "esl/message.hpp"
#include "support/printers.hpp"

namespace {

using fax::core::Errc;
using fax::esl::Decoder;
using fax::esl::DecoderLimits;
using fax::esl::Message;
using ::testing::HasSubstr;

struct Copy {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string content_type;
    bool has_body = false;
    std::string body;
};

Copy copy_of(const Message& m) {
    Copy c;
    for (const auto& h : m.headers()) {
        c.headers.emplace_back(h.name, h.value);
    }
    c.content_type.assign(m.content_type());
    c.has_body = m.has_body();
    c.body.assign(m.body());
    return c;
}

/// Feeds \a bytes in pieces of \a step bytes (0: whole) and collects every
/// message; ASSERTs that no error happens.
std::vector<Copy> decode_all(const std::string& bytes, std::size_t step = 0, DecoderLimits limits = {}) {
    Decoder dec(limits);
    Message m;
    std::vector<Copy> out;
    if (step == 0) {
        step = bytes.size() == 0 ? 1 : bytes.size();
    }
    for (std::size_t at = 0; at < bytes.size(); at += step) {
        dec.feed(std::string_view(bytes).substr(at, step));
        while (true) {
            auto r = dec.next(m);
            EXPECT_TRUE(r) << r.error().message;
            if (!r || !*r) {
                break;
            }
            out.push_back(copy_of(m));
        }
    }
    EXPECT_EQ(dec.buffered(), 0U);
    return out;
}

/// Every way of feeding: whole, 1, 2, 3, 7 bytes at a time.
std::vector<Copy> decode_every_way(const std::string& bytes, DecoderLimits limits = {}) {
    const auto whole = decode_all(bytes, 0, limits);
    for (const std::size_t step : {1U, 2U, 3U, 7U}) {
        SCOPED_TRACE("pieces of " + std::to_string(step));
        const auto split = decode_all(bytes, step, limits);
        EXPECT_EQ(split.size(), whole.size());
        for (std::size_t i = 0; i < std::min(split.size(), whole.size()); ++i) {
            EXPECT_EQ(split[i].headers, whole[i].headers) << "message " << i;
            EXPECT_EQ(split[i].has_body, whole[i].has_body) << "message " << i;
            EXPECT_EQ(split[i].body, whole[i].body) << "message " << i;
        }
    }
    return whole;
}

/// The error next() returns once \a bytes are fed whole.
fax::core::Error error_of(const std::string& bytes, DecoderLimits limits = {}) {
    Decoder dec(limits);
    Message m;
    dec.feed(bytes);
    while (true) {
        auto r = dec.next(m);
        if (!r) {
            return r.error();
        }
        if (!*r) {
            ADD_FAILURE() << "no error for the input";
            return {};
        }
    }
}

using H = std::vector<std::pair<std::string, std::string>>;

TEST(DecoderTest, HeaderOnlyMessagesBackToBack) {
    const auto msgs = decode_every_way(
        "Content-Type: auth/request\n\n"
        "Content-Type: command/reply\nReply-Text: +OK accepted\n\n");
    ASSERT_EQ(msgs.size(), 2U);
    EXPECT_EQ(msgs[0].headers, (H{{"Content-Type", "auth/request"}}));
    EXPECT_FALSE(msgs[0].has_body);
    EXPECT_EQ(msgs[1].content_type, "command/reply");
    EXPECT_EQ(msgs[1].headers, (H{{"Content-Type", "command/reply"}, {"Reply-Text", "+OK accepted"}}));
}

TEST(DecoderTest, BodyWithBlankLinesAndUtf8IsFramedByLength) {
    const std::string body = "line 1\n\nContent-Type: fake\n\n\xC3\xBC\xE2\x82\xAC\xF0\x9F\x93\xA0 end\n\n";
    const auto msgs = decode_every_way("Content-Type: api/response\nContent-Length: " + std::to_string(body.size()) +
                                       "\n\n" + body + "Content-Type: command/reply\nReply-Text: +OK\n\n");
    ASSERT_EQ(msgs.size(), 2U);
    EXPECT_TRUE(msgs[0].has_body);
    EXPECT_EQ(msgs[0].body, body);
    EXPECT_EQ(msgs[1].content_type, "command/reply");
}

TEST(DecoderTest, ContentLengthZeroIsAnEmptyBody) {
    const auto msgs = decode_every_way(
        "Content-Type: text/disconnect-notice\nContent-Disposition: linger\nContent-Length: 0\n\n"
        "Content-Type: auth/request\n\n");
    ASSERT_EQ(msgs.size(), 2U);
    EXPECT_TRUE(msgs[0].has_body);
    EXPECT_EQ(msgs[0].body, "");
    EXPECT_FALSE(msgs[1].has_body);
}

TEST(DecoderTest, ContentLengthCountsBytes) {
    // 3 characters, 9 bytes.
    const auto msgs =
        decode_every_way("Content-Length: 9\nContent-Type: api/response\n\n\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC");
    ASSERT_EQ(msgs.size(), 1U);
    EXPECT_EQ(msgs[0].body, "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC");
}

TEST(DecoderTest, OuterValuesAreRaw) {
    // Outer headers are not URL-decoded: '+', '%XX' and a malformed '%' stay.
    const auto msgs = decode_every_way("Content-Type: command/reply\nReply-Text: +OK a+b %41 %zz 50%\n\n");
    ASSERT_EQ(msgs.size(), 1U);
    EXPECT_EQ(msgs[0].headers[1].second, "+OK a+b %41 %zz 50%");
}

TEST(DecoderTest, ValueSplitAtFirstColonAndLeadingBlanksSkipped) {
    const auto msgs =
        decode_every_way("Content-Type: command/reply\nReply-Text:\t  +OK filter added. [a]=[b:c]\nUser-Data: \n\n");
    ASSERT_EQ(msgs.size(), 1U);
    EXPECT_EQ(msgs[0].headers,
              (H{{"Content-Type", "command/reply"}, {"Reply-Text", "+OK filter added. [a]=[b:c]"}, {"User-Data", ""}}));
}

TEST(DecoderTest, HeaderLookupIsCaseInsensitiveAndFirstWins) {
    Decoder dec;
    dec.feed("content-type: text/event-plain\nX-Dup: first\nx-dup: second\nX-DUP: third\nCONTENT-LENGTH: 2\n\nab");
    Message m;
    auto r = dec.next(m);
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(m.content_type(), "text/event-plain");
    EXPECT_EQ(m.header("Content-Type"), "text/event-plain");
    EXPECT_EQ(m.header("x-dup"), "first");
    EXPECT_EQ(m.header("X-Dup"), "first");
    EXPECT_EQ(m.header("missing"), std::nullopt);
    ASSERT_EQ(m.headers().size(), 5U);
    EXPECT_EQ(m.headers()[2].value, "second");
    EXPECT_EQ(m.headers()[3].value, "third");
    EXPECT_TRUE(m.has_body());
    EXPECT_EQ(m.body(), "ab");
}

TEST(DecoderTest, UnknownContentTypesAreFramedByLength) {
    const std::string log_text = "2026-11-23 [DEBUG] switch_core_state_machine.c:619 x\n\n";
    const auto msgs =
        decode_every_way("Content-Type: log/data\nContent-Length: " + std::to_string(log_text.size()) +
                         "\nLog-Level: 7\nText-Channel: 3\nLog-File: switch_core_state_machine.c\nLog-Func: "
                         "f\nLog-Line: 619\nUser-Data: \n\n" +
                         log_text +
                         "Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n"
                         "Content-Type: something/unknown\nContent-Length: 5\n\nhello"
                         "X-No-Type: at all\n\n");
    ASSERT_EQ(msgs.size(), 4U);
    EXPECT_EQ(msgs[0].content_type, "log/data");
    EXPECT_EQ(msgs[0].body, log_text);
    EXPECT_EQ(msgs[0].headers.back(), (std::pair<std::string, std::string>{"User-Data", ""}));
    EXPECT_EQ(msgs[1].content_type, "text/rude-rejection");
    EXPECT_EQ(msgs[1].body, "Access Denied, go away.\n");
    EXPECT_EQ(msgs[2].content_type, "something/unknown");
    EXPECT_EQ(msgs[2].body, "hello");
    EXPECT_EQ(msgs[3].content_type, "");
    EXPECT_FALSE(msgs[3].has_body);
}

TEST(DecoderTest, CrlfLineEnds) {
    const auto msgs = decode_every_way(
        "Content-Type: api/response\r\nContent-Length: 4\r\n\r\nUP\r\n"
        "Content-Type: command/reply\r\nReply-Text: +OK\r\n\r\n"
        "Content-Type: auth/request\n\r\n");
    ASSERT_EQ(msgs.size(), 3U);
    EXPECT_EQ(msgs[0].headers, (H{{"Content-Type", "api/response"}, {"Content-Length", "4"}}));
    EXPECT_EQ(msgs[0].body, "UP\r\n");
    EXPECT_EQ(msgs[1].headers, (H{{"Content-Type", "command/reply"}, {"Reply-Text", "+OK"}}));
    EXPECT_EQ(msgs[2].headers, (H{{"Content-Type", "auth/request"}}));
}

TEST(DecoderTest, LeadingBlankLinesAreSkipped) {
    const auto msgs =
        decode_every_way("\n\r\n\nContent-Type: auth/request\n\n\n\nContent-Type: command/reply\nReply-Text: +OK\n\n");
    ASSERT_EQ(msgs.size(), 2U);
    EXPECT_EQ(msgs[0].headers, (H{{"Content-Type", "auth/request"}}));
    EXPECT_EQ(msgs[1].headers, (H{{"Content-Type", "command/reply"}, {"Reply-Text", "+OK"}}));
}

TEST(DecoderTest, IncompleteInputWaitsForMoreBytes) {
    Decoder dec;
    Message m;
    dec.feed("Content-Type: api/response\nContent-Length: 10\n\n12345");
    auto r = dec.next(m);
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    EXPECT_GT(dec.buffered(), 0U);
    dec.feed("67890");
    r = dec.next(m);
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(m.body(), "1234567890");
    r = dec.next(m);
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    EXPECT_EQ(dec.buffered(), 0U);
}

// Message is reusable, but nothing says the caller must pass the same object
// to every next() call: a body split across feeds must still be reported.
TEST(DecoderTest, FreshMessageObjectPerCallStillSeesTheBody) {
    Decoder dec;
    dec.feed("Content-Type: api/response\nContent-Length: 4\n\nUP");
    {
        Message first;
        auto r = dec.next(first);
        ASSERT_TRUE(r);
        EXPECT_FALSE(*r);
    }
    dec.feed("!!");
    Message second;
    auto r = dec.next(second);
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(second.content_type(), "api/response");
    EXPECT_TRUE(second.has_body());
    EXPECT_EQ(std::string(second.body()), "UP!!");
}

TEST(DecoderTest, LargeHeaderBlocksDecodeWithDefaultLimits) {
    for (const std::size_t lines : {120U, 4000U}) {  // ≈3.5 KB (outbound connect shape), ≈110 KB
        std::string block = "Event-Name: CHANNEL_DATA\n";
        for (std::size_t i = 0; i < lines; ++i) {
            block += "variable_v" + std::to_string(i) + ": value%20number%20" + std::to_string(i) + "\n";
        }
        block += "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n";
        ASSERT_GT(block.size(), lines > 1000 ? 100U * 1024 : 3U * 1024);
        const auto msgs = decode_every_way(block + "Content-Type: auth/request\n\n");
        ASSERT_EQ(msgs.size(), 2U);
        EXPECT_EQ(msgs[0].headers.size(), lines + 5);
        EXPECT_EQ(msgs[0].content_type, "command/reply");
        EXPECT_FALSE(msgs[0].has_body);
        EXPECT_EQ(msgs[0].headers.back(), (std::pair<std::string, std::string>{"Control", "full"}));
    }
}

TEST(DecoderTest, HeaderBlockOverLimitIsProtocolError) {
    DecoderLimits lim;
    lim.max_header_bytes = 64;
    const std::string big = "Content-Type: command/reply\nReply-Text: " + std::string(100, 'x') + "\n\n";
    const auto e = error_of(big, lim);
    EXPECT_EQ(e.code, Errc::protocol);
    EXPECT_THAT(e.message, HasSubstr("header block"));
    EXPECT_THAT(e.message, HasSubstr("64"));
}

TEST(DecoderTest, HeaderBlockWithoutTerminatorFailsOnceOverLimit) {
    DecoderLimits lim;
    lim.max_header_bytes = 64;
    Decoder dec(lim);
    Message m;
    std::string fed;
    bool failed = false;
    for (int i = 0; i < 40 && !failed; ++i) {
        dec.feed("X-Header: 12\n");  // 13 bytes per line, never an empty line
        fed += "X-Header: 12\n";
        auto r = dec.next(m);
        if (!r) {
            failed = true;
            EXPECT_EQ(r.error().code, Errc::protocol);
            EXPECT_THAT(r.error().message, HasSubstr("header block"));
            // A trailing '\n' may start the terminator, so the block is known
            // to exceed the limit only once fed.size() - 1 > 64; with 13-byte
            // lines that happens within one line (+1 byte) of the limit.
            EXPECT_GT(fed.size(), 64U + 1U);
            EXPECT_LE(fed.size(), 64U + 13U + 1U);
        } else {
            EXPECT_FALSE(*r);
        }
    }
    EXPECT_TRUE(failed) << "a header block that never ends must hit the limit";
}

// Contract: any split of the stream yields the same messages. A header block
// of exactly max_header_bytes is accepted when fed whole, so it must be
// accepted when fed in pieces too (the terminator arrives last).
TEST(DecoderTest, HeaderBlockAtExactLimitIsAcceptedForAnySplit) {
    const std::string head = "Content-Type: command/reply\nReply-Text: +OK";
    DecoderLimits lim;
    lim.max_header_bytes = head.size();
    for (const std::string term : {"\n\n", "\r\n\r\n"}) {
        std::string bytes = head;
        if (term.size() == 4) {
            bytes = "Content-Type: command/reply\r\nReply-Text: +OK";
            lim.max_header_bytes = bytes.size() + 1;  // the block includes the last line's '\r'
        }
        bytes += term;
        SCOPED_TRACE(term.size() == 2 ? "LF" : "CRLF");
        const auto whole = decode_all(bytes, 0, lim);
        ASSERT_EQ(whole.size(), 1U);
        const auto bytewise = decode_all(bytes, 1, lim);
        EXPECT_EQ(bytewise.size(), 1U);
    }
}

TEST(DecoderTest, BodyOverLimitIsProtocolError) {
    DecoderLimits lim;
    lim.max_body_bytes = 100;
    const auto ok = decode_all("Content-Length: 100\n\n" + std::string(100, 'b'), 0, lim);
    EXPECT_EQ(ok.size(), 1U);
    const auto e = error_of("Content-Length: 101\n\n", lim);
    EXPECT_EQ(e.code, Errc::protocol);
    EXPECT_THAT(e.message, HasSubstr("101"));
    EXPECT_THAT(e.message, HasSubstr("100"));
}

TEST(DecoderTest, DefaultBodyLimitAllowsSixteenMegabytes) {
    const auto e = error_of("Content-Length: 99999999999\n\n");
    EXPECT_EQ(e.code, Errc::protocol);
    DecoderLimits lim;
    EXPECT_GE(lim.max_body_bytes, std::size_t{16} << 20);  // FreeSWITCH's own cap (§7.4)
}

TEST(DecoderTest, BadContentLengthIsProtocolError) {
    for (const std::string v : {"12x", "-1", "", " ", "0x10", "1 2", "+5", "1e3"}) {
        SCOPED_TRACE("Content-Length: '" + v + "'");
        const auto e = error_of("Content-Type: api/response\nContent-Length: " + v + "\n\n12345678901234567890");
        EXPECT_EQ(e.code, Errc::protocol);
        EXPECT_THAT(e.message, HasSubstr("Content-Length"));
    }
    const auto e = error_of("Content-Type: api/response\nContent-Length:\n\n");
    EXPECT_EQ(e.code, Errc::protocol);
}

TEST(DecoderTest, ErrorIsStickyAndResetRecovers) {
    Decoder dec;
    Message m;
    dec.feed("Content-Length: nope\n\n");
    auto r = dec.next(m);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::protocol);
    const std::string first = r.error().message;

    dec.feed("Content-Type: auth/request\n\n");  // good bytes do not help
    r = dec.next(m);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::protocol);
    EXPECT_EQ(r.error().message, first);

    dec.reset();
    EXPECT_EQ(dec.buffered(), 0U);
    dec.feed("Content-Type: auth/request\n\n");
    r = dec.next(m);
    ASSERT_TRUE(r);
    ASSERT_TRUE(*r);
    EXPECT_EQ(m.content_type(), "auth/request");
}

TEST(DecoderTest, ResetDropsAPartialMessage) {
    Decoder dec;
    Message m;
    dec.feed("Content-Type: api/response\nContent-Length: 50\n\npartial");
    auto r = dec.next(m);
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    dec.reset();
    dec.feed("Content-Type: command/reply\nReply-Text: +OK\n\n");
    r = dec.next(m);
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(m.content_type(), "command/reply");
    EXPECT_FALSE(m.has_body());
}

TEST(DecoderTest, HeadTextIsTheRawBlock) {
    Decoder dec;
    Message m;
    dec.feed("Content-Type: api/response\nContent-Length: 3\n\nabc");
    auto r = dec.next(m);
    ASSERT_TRUE(r && *r);
    EXPECT_EQ(m.head_text(), "Content-Type: api/response\nContent-Length: 3");
}

TEST(DecoderTest, ManyMessagesInOneFeed) {
    std::string bytes;
    for (int i = 0; i < 5000; ++i) {
        const std::string body = "job " + std::to_string(i) + "\n";
        bytes += "Content-Type: api/response\nContent-Length: " + std::to_string(body.size()) + "\n\n" + body;
    }
    const auto msgs = decode_all(bytes);
    ASSERT_EQ(msgs.size(), 5000U);
    EXPECT_EQ(msgs[4999].body, "job 4999\n");
    EXPECT_EQ(msgs[1234].body, "job 1234\n");
}

}  // namespace
