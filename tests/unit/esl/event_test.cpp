// fax::esl::Event: plain, json and xml decoding to one normal form (esl-protocol.md §3).

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "esl/message.hpp"
#include "support/golden.hpp"
#include "support/printers.hpp"

namespace {

using fax::core::Errc;
using fax::esl::Decoder;
using fax::esl::Event;
using fax::esl::EventFormat;
using fax::esl::Message;
using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs pairs_of(const Event& ev) {
    Pairs out;
    for (const auto& h : ev.headers()) {
        out.emplace_back(std::string(h.name), std::string(h.value));
    }
    return out;
}

std::vector<bool> array_flags(const Event& ev) {
    std::vector<bool> out;
    for (const auto& h : ev.headers()) {
        out.push_back(h.array_item);
    }
    return out;
}

/// Decodes one wire message (must be complete).
Message message_of(const std::string& wire) {
    Decoder dec;
    dec.feed(wire);
    Message m;
    auto r = dec.next(m);
    EXPECT_TRUE(r && *r);
    return m;
}

TEST(EventTest, GoldenBackgroundJobPlain) {
    ASSERT_EQ(faxkit_test::k_golden_plain_body.size(), 768U);
    const Message m = message_of(faxkit_test::k_golden_plain_message);
    EXPECT_EQ(m.header("Content-Length"), "768");
    EXPECT_EQ(m.body().size(), 768U);

    Event ev;
    ASSERT_TRUE(ev.parse(m));
    EXPECT_EQ(ev.format(), EventFormat::plain);
    EXPECT_EQ(pairs_of(ev), faxkit_test::k_golden_headers);
    EXPECT_TRUE(ev.has_body());
    EXPECT_EQ(ev.body().size(), 41U);
    EXPECT_EQ(std::string(ev.body()), faxkit_test::k_golden_body);
    EXPECT_EQ(ev.name(), "BACKGROUND_JOB");
    EXPECT_EQ(ev.header("Content-Length"), std::nullopt);  // the inner length is not a header
    EXPECT_EQ(ev.header("Job-Owner-UUID"), "");            // present, empty (_undef_)
    EXPECT_EQ(ev.subclass(), "");
    EXPECT_EQ(ev.unique_id(), "");
    for (const bool item : array_flags(ev)) {
        EXPECT_FALSE(item);
    }
}

TEST(EventTest, PlainJsonAndXmlGiveTheSameEvent) {
    const std::vector<std::pair<std::string, std::string>> forms = {
        {"text/event-plain", faxkit_test::k_golden_plain_body},
        {"text/event-json", faxkit_test::k_golden_json_body},
        {"text/event-xml", faxkit_test::k_golden_xml_body},
    };
    const std::vector<EventFormat> formats = {EventFormat::plain, EventFormat::json, EventFormat::xml};
    for (std::size_t i = 0; i < forms.size(); ++i) {
        SCOPED_TRACE(forms[i].first);
        const Message m = message_of(faxkit_test::wrap_event(forms[i].first, forms[i].second));
        Event ev;
        auto r = ev.parse(m);
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_EQ(ev.format(), formats[i]);
        EXPECT_EQ(pairs_of(ev), faxkit_test::k_golden_headers);
        EXPECT_TRUE(ev.has_body());
        EXPECT_EQ(std::string(ev.body()), faxkit_test::k_golden_body);
    }
}

TEST(EventTest, PlainValuesDecodePercentOnly) {
    Event ev;
    ASSERT_TRUE(ev.parse_plain("A: a+b\nB: 100%\nC: %zz%4\nD: %41%2b%2B\nE: M%C3%BCller\nF: caf%c3%a9\n\n"));
    EXPECT_EQ(
        pairs_of(ev),
        (Pairs{
            {"A", "a+b"}, {"B", "100%"}, {"C", "%zz%4"}, {"D", "A++"}, {"E", "M\xC3\xBCller"}, {"F", "caf\xC3\xA9"}}));
}

TEST(EventTest, UndefIsEmptyValue) {
    Event ev;
    ASSERT_TRUE(ev.parse_plain("Event-Name: CUSTOM\nfax-remote-vendor: _undef_\nX: _undef_x\n\n"));
    EXPECT_EQ(ev.header("fax-remote-vendor"), "");
    EXPECT_EQ(ev.get("X"), "_undef_x");
}

TEST(EventTest, ArrayValueBecomesConsecutiveItems) {
    Event ev;
    ASSERT_TRUE(
        ev.parse_plain("Event-Name: CHANNEL_EXECUTE\nvariable_DP_MATCH: ARRAY%3A%3Arxfax%7C%3Arxfax\n"
                       "variable_list: ARRAY::a|:b c|:\nvariable_one: ARRAY%3A%3Asolo\nAfter: x\n\n"));
    EXPECT_EQ(pairs_of(ev), (Pairs{{"Event-Name", "CHANNEL_EXECUTE"},
                                   {"variable_DP_MATCH", "rxfax"},
                                   {"variable_DP_MATCH", "rxfax"},
                                   {"variable_list", "a"},
                                   {"variable_list", "b c"},
                                   {"variable_list", ""},
                                   {"variable_one", "solo"},
                                   {"After", "x"}}));
    EXPECT_EQ(array_flags(ev), (std::vector<bool>{false, true, true, true, true, true, true, false}));
    EXPECT_EQ(ev.header("variable_DP_MATCH"), "rxfax");
}

TEST(EventTest, InnerBodyWithBlankLinesUsesInnerLength) {
    const std::string body = "UUID\n\nrow 1\n\nContent-Length: 99\n\n";
    Event ev;
    ASSERT_TRUE(ev.parse_plain(
        "Event-Name: BACKGROUND_JOB\nJob-UUID: j1\nContent-Length: " + std::to_string(body.size()) + "\n\n" + body));
    EXPECT_EQ(pairs_of(ev), (Pairs{{"Event-Name", "BACKGROUND_JOB"}, {"Job-UUID", "j1"}}));
    EXPECT_TRUE(ev.has_body());
    EXPECT_EQ(std::string(ev.body()), body);
}

TEST(EventTest, EventWithoutBodyHasNoBody) {
    Event ev;
    ASSERT_TRUE(ev.parse_plain("Event-Name: HEARTBEAT\nUp-Time: 0%20years\n\n"));
    EXPECT_FALSE(ev.has_body());
    EXPECT_EQ(ev.body(), "");
    EXPECT_EQ(ev.get("Up-Time"), "0 years");
}

TEST(EventTest, InnerBodyShorterThanAnnouncedIsDataError) {
    Event ev;
    auto r = ev.parse_plain("Event-Name: BACKGROUND_JOB\nContent-Length: 100\n\nshort");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
}

TEST(EventTest, MalformedPlainIsDataError) {
    Event ev;
    auto r = ev.parse_plain("Event-Name: X\nno colon here\n\n");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
    r = ev.parse_plain("Event-Name: X\nContent-Length: 1x\n\nab");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
}

TEST(EventTest, PlainCrlfLines) {
    Event ev;
    ASSERT_TRUE(ev.parse_plain("Event-Name: API\r\nA: b%20c\r\nEmpty: \r\nContent-Length: 3\r\n\r\nx\r\n"));
    EXPECT_EQ(pairs_of(ev), (Pairs{{"Event-Name", "API"}, {"A", "b c"}, {"Empty", ""}}));
    EXPECT_EQ(std::string(ev.body()), "x\r\n");
}

TEST(EventTest, OddButHarmlessPlainBodies) {
    Event ev;
    ASSERT_TRUE(ev.parse_plain(""));
    EXPECT_TRUE(ev.headers().empty());
    EXPECT_FALSE(ev.has_body());
    ASSERT_TRUE(ev.parse_plain("A: b"));  // no final newline
    EXPECT_EQ(pairs_of(ev), (Pairs{{"A", "b"}}));
    ASSERT_TRUE(ev.parse_plain("A: b%2"));  // a '%' sequence cut by the end
    EXPECT_EQ(pairs_of(ev), (Pairs{{"A", "b%2"}}));
    ASSERT_TRUE(ev.parse_plain("A:\nB:x\n\n"));  // empty value, no blank after ':'
    EXPECT_EQ(pairs_of(ev), (Pairs{{"A", ""}, {"B", "x"}}));
}

TEST(EventTest, NonEventMessageIsDataError) {
    for (const std::string wire :
         {"Content-Type: command/reply\nReply-Text: +OK\n\n", "Content-Type: api/response\nContent-Length: 2\n\nUP",
          "Content-Type: log/data\nContent-Length: 2\n\nhi"}) {
        Event ev;
        auto r = ev.parse(message_of(wire));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, Errc::data);
    }
}

TEST(EventTest, JsonDuplicatesArraysAndBody) {
    Event ev;
    ASSERT_TRUE(ev.parse_json(R"({"Event-Name":"CUSTOM","Dup":"one","variable_DP_MATCH":["rxfax","rxfax"],"Dup":"two",)"
                              R"("Escaped":"a\"b\\c\n\u00fc","Content-Length":"0","_body":""})"));
    EXPECT_EQ(ev.format(), EventFormat::json);
    EXPECT_EQ(pairs_of(ev), (Pairs{{"Event-Name", "CUSTOM"},
                                   {"Dup", "one"},
                                   {"variable_DP_MATCH", "rxfax"},
                                   {"variable_DP_MATCH", "rxfax"},
                                   {"Dup", "two"},
                                   {"Escaped", "a\"b\\c\n\xC3\xBC"}}));
    EXPECT_EQ(array_flags(ev), (std::vector<bool>{false, false, true, true, false, false}));
    EXPECT_EQ(ev.header("Dup"), "one");
    EXPECT_TRUE(ev.has_body());  // "_body":"" is an empty body, not none
    EXPECT_EQ(ev.body(), "");
}

TEST(EventTest, JsonWithoutBody) {
    Event ev;
    ASSERT_TRUE(ev.parse_json(R"({"Event-Name":"HEARTBEAT"})"));
    EXPECT_FALSE(ev.has_body());
    EXPECT_EQ(pairs_of(ev), (Pairs{{"Event-Name", "HEARTBEAT"}}));
}

TEST(EventTest, JsonInvalidUtf8IsRepaired) {
    Event ev;
    auto r = ev.parse_json(
        "{\"Event-Name\":\"CUSTOM\",\"variable_x\":\"a\xFF"
        "b\"}");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(ev.get("variable_x"),
              "a\xEF\xBF\xBD"
              "b");
}

TEST(EventTest, MalformedJsonIsDataError) {
    Event ev;
    for (const std::string body : {"{\"Event-Name\":", "[\"not\",\"an object\"]", "nonsense"}) {
        auto r = ev.parse_json(body);
        ASSERT_FALSE(r) << body;
        EXPECT_EQ(r.error().code, Errc::data);
    }
}

TEST(EventTest, XmlUnescapesThenUrlDecodes) {
    Event ev;
    ASSERT_TRUE(ev.parse_xml(
        "<event><headers><Event-Name>CUSTOM</Event-Name><Caller>ACME%20Fax%20&amp;%20Co</Caller>"
        "<Quote>it&apos;s</Quote></headers><Content-Length>7</Content-Length><body>a &lt;b&gt;\n</body></event>"));
    EXPECT_EQ(ev.format(), EventFormat::xml);
    EXPECT_EQ(pairs_of(ev), (Pairs{{"Event-Name", "CUSTOM"}, {"Caller", "ACME Fax & Co"}, {"Quote", "it's"}}));
    EXPECT_TRUE(ev.has_body());
    EXPECT_EQ(std::string(ev.body()), "a <b>\n");
}

TEST(EventTest, ConnectReplyHeadersAreUrlDecoded) {
    const Message m = message_of(
        "Event-Name: CHANNEL_DATA\nUnique-ID: 9d7c1e2a-1111-4222-8333-444455556666\n"
        "Caller-Caller-ID-Name: ACME%20Fax\nCaller-Caller-ID-Number: %2B4930123456\n"
        "variable_sip_h_Diversion: %3Csip%3A4930555999%4010.0.0.9%3E%3Breason%3Dunconditional\n"
        "variable_empty: _undef_\nvariable_DP_MATCH: ARRAY%3A%3Aa%7C%3Ab\n"
        "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n");
    EXPECT_EQ(m.content_type(), "command/reply");
    Event ev;
    ev.parse_headers_of(m);
    EXPECT_EQ(ev.get("Reply-Text"), "+OK\n");
    EXPECT_EQ(ev.unique_id(), "9d7c1e2a-1111-4222-8333-444455556666");
    EXPECT_EQ(ev.get("Caller-Caller-ID-Name"), "ACME Fax");
    EXPECT_EQ(ev.get("caller-caller-id-number"), "+4930123456");
    EXPECT_EQ(ev.get("variable_sip_h_Diversion"), "<sip:4930555999@10.0.0.9>;reason=unconditional");
    EXPECT_EQ(ev.header("variable_empty"), "");
    EXPECT_EQ(ev.name(), "CHANNEL_DATA");
    EXPECT_FALSE(ev.has_body());
    EXPECT_EQ(ev.headers().size(), 12U);
    // The message itself is untouched.
    EXPECT_EQ(m.header("Reply-Text"), "%2BOK%0A");
}

TEST(EventTest, ReparseReplacesEverything) {
    Event ev;
    ASSERT_TRUE(ev.parse(message_of(faxkit_test::k_golden_plain_message)));
    ASSERT_TRUE(ev.parse_json(R"({"Event-Name":"HEARTBEAT","Up-Time":"1"})"));
    EXPECT_EQ(pairs_of(ev), (Pairs{{"Event-Name", "HEARTBEAT"}, {"Up-Time", "1"}}));
    EXPECT_FALSE(ev.has_body());
    EXPECT_EQ(ev.format(), EventFormat::json);
    ASSERT_TRUE(ev.parse_plain("Event-Name: API\n\n"));
    EXPECT_EQ(pairs_of(ev), (Pairs{{"Event-Name", "API"}}));
    EXPECT_EQ(ev.format(), EventFormat::plain);
    // A failed parse leaves no stale headers behind.
    EXPECT_FALSE(ev.parse_json("{"));
    EXPECT_EQ(ev.header("Event-Name"), std::nullopt);
}

// Event is movable; its header views must follow it (small events included).
TEST(EventTest, MovedEventKeepsItsValues) {
    for (const std::string& body : {std::string("A: b\n\n"), faxkit_test::k_golden_plain_body}) {
        auto src = std::make_unique<Event>();
        ASSERT_TRUE(src->parse_plain(body));
        const Pairs before = pairs_of(*src);
        Event moved(std::move(*src));
        ASSERT_TRUE(src->parse_plain("A: zzzz\nB: overwritten\n\n"));  // reuse the moved-from object
        src.reset();
        EXPECT_EQ(pairs_of(moved), before) << body.size() << "-byte event";
        Event assigned;
        assigned = std::move(moved);
        EXPECT_EQ(pairs_of(assigned), before);
    }
}

TEST(EventTest, TakeGivesWhatParseGivesAndEmptiesTheMessage) {
    const std::vector<std::pair<std::string, std::string>> forms = {
        {"text/event-plain", faxkit_test::k_golden_plain_body},
        {"text/event-json", faxkit_test::k_golden_json_body},
        {"text/event-xml", faxkit_test::k_golden_xml_body},
    };
    for (const auto& [type, body] : forms) {
        SCOPED_TRACE(type);
        Decoder dec;
        dec.feed(faxkit_test::wrap_event(type, body) + "Content-Type: command/reply\nReply-Text: +OK\n\n");
        Message m;
        auto r = dec.next(m);
        ASSERT_TRUE(r && *r);
        Event ev;
        auto t = ev.take(m);
        ASSERT_TRUE(t) << t.error().message;
        EXPECT_EQ(pairs_of(ev), faxkit_test::k_golden_headers);
        EXPECT_EQ(std::string(ev.body()), faxkit_test::k_golden_body);
        // The decoder goes on with the same Message; the event keeps its values.
        r = dec.next(m);
        ASSERT_TRUE(r && *r);
        EXPECT_EQ(m.content_type(), "command/reply");
        EXPECT_EQ(m.header("Reply-Text"), "+OK");
        EXPECT_EQ(pairs_of(ev), faxkit_test::k_golden_headers);
        EXPECT_EQ(std::string(ev.body()), faxkit_test::k_golden_body);
    }
}

TEST(EventTest, TakeOfNonEventIsDataError) {
    Decoder dec;
    dec.feed("Content-Type: api/response\nContent-Length: 2\n\nUP");
    Message m;
    auto r = dec.next(m);
    ASSERT_TRUE(r && *r);
    Event ev;
    auto t = ev.take(m);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, Errc::data);
}

TEST(EventTest, FormatNames) {
    EXPECT_EQ(fax::esl::format_name(EventFormat::plain), "plain");
    EXPECT_EQ(fax::esl::format_name(EventFormat::json), "json");
    EXPECT_EQ(fax::esl::format_name(EventFormat::xml), "xml");
}

}  // namespace
