// fax::esl serializer: FreeSWITCH's plain/json/xml event forms, byte-exact.
// The golden test re-serializes every event of every real capture and
// compares it with the bytes FreeSWITCH sent.

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "esl/message.hpp"
#include "esl/serializer.hpp"
#include "esl/url.hpp"
#include "support/capture.hpp"
#include "support/golden.hpp"

namespace {

using fax::esl::Body;
using fax::esl::Decoder;
using fax::esl::Event;
using fax::esl::EventFormat;
using fax::esl::Header;
using fax::esl::Message;

std::vector<Header> views(const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::vector<Header> out;
    for (const auto& [n, v] : pairs) {
        out.push_back(Header{n, v});
    }
    return out;
}

struct GoldenCount {
    std::size_t plain = 0;
    std::size_t json = 0;
    std::size_t connect = 0;
};

// Decodes every FS->C message of \a capture; each event is parsed with the
// existing Event parser, serialized again and compared with the captured body.
GoldenCount check_capture(const std::string& capture) {
    GoldenCount count;
    Decoder decoder;
    decoder.feed(faxkit_test::stream_of(faxkit_test::load_capture(capture), "FS->C"));
    Message m;
    Event e;
    while (true) {
        auto got = decoder.next(m);
        EXPECT_TRUE(got.ok()) << capture;
        if (!got.ok() || !*got) {
            break;
        }
        const std::string_view ct = m.content_type();
        if (m.header("Event-Name") == std::optional<std::string_view>("CHANNEL_DATA")) {
            // The outbound connect reply: the CHANNEL_DATA event serialized plain, as the header block.
            e.parse_headers_of(m);
            EXPECT_EQ(fax::esl::serialize_event(EventFormat::plain, e.headers(), {}), std::string(m.head_text()) + "\n\n")
                << capture;
            ++count.connect;
            continue;
        }
        const bool plain = ct == "text/event-plain";
        const bool json = ct == "text/event-json";
        if (!plain && !json) {
            continue;
        }
        auto parsed = e.parse(m);
        EXPECT_TRUE(parsed.ok()) << capture;
        const EventFormat f = plain ? EventFormat::plain : EventFormat::json;
        const Body body = e.has_body() ? Body{e.body()} : Body{};
        const std::string again = fax::esl::serialize_event(f, e.headers(), body);
        EXPECT_EQ(again, m.body()) << capture << ": " << e.name() << " seq " << e.get("Event-Sequence");
        ++(plain ? count.plain : count.json);
        // The whole message, outer framing included.
        const std::string msg = fax::esl::event_message(f, e.headers(), body);
        EXPECT_EQ(msg, std::string(m.head_text()) + "\n\n" + std::string(m.body())) << capture;
    }
    return count;
}

TEST(SerializerGoldenTest, EveryCapturedEventRoundTripsByteForByte) {
    std::size_t plain = 0;
    std::size_t json = 0;
    std::size_t connect = 0;
    for (const auto& name : faxkit_test::capture_names()) {
        const auto c = check_capture(name);
        plain += c.plain;
        json += c.json;
        connect += c.connect;
    }
    // Make sure they were really compared.
    EXPECT_GT(plain, 300U);
    EXPECT_GT(json, 100U);
    EXPECT_EQ(connect, 2U);  // outbound-session and outbound-session-2-custom-events
}

TEST(SerializerTest, GoldenVectorPlainJsonXml) {
    const auto headers = views(faxkit_test::k_golden_headers);
    const Body body{faxkit_test::k_golden_body};
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::plain, headers, body), faxkit_test::k_golden_plain_body);
    EXPECT_EQ(fax::esl::event_message(EventFormat::plain, headers, body), faxkit_test::k_golden_plain_message);
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::json, headers, body), faxkit_test::k_golden_json_body);
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::xml, headers, body), faxkit_test::k_golden_xml_body);
}

TEST(SerializerTest, EmptyValueIsUndefInPlainAndEmptyInJson) {
    const std::vector<Header> h = {{"A", ""}, {"B", "x"}};
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::plain, h, {}), "A: _undef_\nB: x\n\n");
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::json, h, {}), R"({"A":"","B":"x"})");
}

TEST(SerializerTest, EmptyBodyIsOmittedInPlainButPresentInJson) {
    const std::vector<Header> h = {{"Event-Name", "BACKGROUND_JOB"}};
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::plain, h, Body{""}), "Event-Name: BACKGROUND_JOB\n\n");
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::json, h, Body{""}),
              R"({"Event-Name":"BACKGROUND_JOB","Content-Length":"0","_body":""})");
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::json, h, {}), R"({"Event-Name":"BACKGROUND_JOB"})");
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::json, {}, {}), "{}");
}

TEST(SerializerTest, ArraysAreArrayPrefixedInPlainAndArraysInJsonAndElementsInXml) {
    std::vector<Header> h = {{"X", "1"}, {"variable_DP_MATCH", "a b", true}, {"variable_DP_MATCH", "c|d", true}, {"Y", "2"}};
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::plain, h, {}),
              "X: 1\nvariable_DP_MATCH: ARRAY%3A%3Aa%20b%7C%3Ac%7Cd\nY: 2\n\n");
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::json, h, {}),
              R"({"X":"1","variable_DP_MATCH":["a b","c|d"],"Y":"2"})");
    EXPECT_NE(fax::esl::serialize_event(EventFormat::xml, h, {}).find(
                  "    <variable_DP_MATCH>a%20b</variable_DP_MATCH>\n    <variable_DP_MATCH>c%7Cd</variable_DP_MATCH>\n"),
              std::string::npos);
}

TEST(SerializerTest, AnArrayOfOneIsBareInPlainButAnArrayInJson) {
    const std::vector<Header> h = {{"X", "only", true}};
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::plain, h, {}), "X: only\n\n");
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::json, h, {}), R"({"X":["only"]})");
}

TEST(SerializerTest, JsonEscapesExactlyLikeCjson) {
    const std::string v = std::string("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f") + "\xc3\xbc\xff";
    const std::vector<Header> h = {{"K\"", v}};
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::json, h, {}),
              std::string(R"({"K\"":"q\"b\\s/\b\f\n\r\t\u0001\u001f)") + "\x7f\xc3\xbc\xff\"}");
}

TEST(SerializerTest, NulEndsValuesAndBodiesAsInC) {
    const std::string v("ab\0cd", 5);
    const std::vector<Header> h = {{"A", v}};
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::plain, h, Body{v}), "A: ab\nContent-Length: 2\n\nab");
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::json, h, Body{v}), R"({"A":"ab","Content-Length":"2","_body":"ab"})");
}

TEST(SerializerTest, PlainBodyMayHoldBlankLinesAndIsNotEncoded) {
    const std::vector<Header> h = {{"Event-Name", "BACKGROUND_JOB"}};
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::plain, h, Body{"a b\n\nc%"}),
              "Event-Name: BACKGROUND_JOB\nContent-Length: 7\n\na b\n\nc%");
    EXPECT_EQ(fax::esl::serialize_event(EventFormat::xml, h, Body{"<a>&\r"}),
              "<event>\n  <headers>\n    <Event-Name>BACKGROUND_JOB</Event-Name>\n  </headers>\n"
              "  <Content-Length>5</Content-Length>\n  <body>&lt;a&gt;&amp;&#xD;</body>\n</event>");
}

TEST(SwitchUrlEncodeTest, KeepsOnlyUpperCaseEscapesAndStopsAtNul) {
    auto enc = [](std::string_view s) {
        std::string out;
        fax::esl::switch_url_encode_append(out, s);
        return out;
    };
    EXPECT_EQ(enc("sofia/internal/1000@10.0.0.5"), "sofia/internal/1000%4010.0.0.5");
    EXPECT_EQ(enc("+OK\n"), "%2BOK%0A");
    EXPECT_EQ(enc("50% off"), "50%25%20off");
    EXPECT_EQ(enc("%41%4a%4"), "%41%254a%254");
    EXPECT_EQ(enc("%41"), "%41");
    EXPECT_EQ(enc("%4"), "%254");
    EXPECT_EQ(enc("M\xc3\xbcller~!$'()*,-./_"), "M%C3%BCller~!$'()*,-./_");
    EXPECT_EQ(enc(" #%&+:;<=>?@[\\]^`{|}\"\x7f"), "%20%23%25%26%2B%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D%22%7F");
    EXPECT_EQ(enc(std::string_view("a\0b", 3)), "a");
}

}  // namespace
