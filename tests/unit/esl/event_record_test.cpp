// fax::esl::EventRecordFormatter: the esl.event JSON-lines record
// (docs/design/fax-esl-contract.md, "Records").

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/utf8.hpp"
#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "esl/event_record.hpp"
#include "support/capture.hpp"
#include "support/golden.hpp"
#include "support/utf8_ref.hpp"

namespace {

using fax::esl::Event;
using fax::esl::EventRecordFormatter;
using json = nlohmann::ordered_json;

constexpr std::int64_t k_now = 1795442405123;  // 2026-11-23T14:00:05.123Z

std::string record_of(const Event& ev, std::int64_t now = k_now) {
    EventRecordFormatter f;
    std::string out;
    f.append(out, ev, now);
    return out;
}

json parse_record(const std::string& text) {
    EXPECT_TRUE(fax::core::is_valid_utf8(text)) << "record is not valid UTF-8";
    EXPECT_EQ(text.find('\n'), std::string::npos) << "one line, no newline";
    for (const char c : text) {
        EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control byte in the record";
    }
    return json::parse(text);
}

Event plain(const std::string& body) {
    Event ev;
    auto r = ev.parse_plain(body);
    EXPECT_TRUE(r) << r.error().message;
    return ev;
}

const std::string k_fax_event =
    "Event-Name: CUSTOM\n"
    "Core-UUID: 3e3f60f3-68c9-41e2-9c5f-0e95c318960a\n"
    "Event-Date-Timestamp: 1714637730123456\n"
    "Event-Sequence: 42\n"
    "Event-Subclass: spandsp%3A%3Arxfaxresult\n"
    "Unique-ID: 652a93ed-094b-4cd4-9580-a2b2a5620a2c\n"
    "Dup: a\n"
    "fax-success: 1\n"
    "Dup: b\n"
    "variable_DP_MATCH: ARRAY%3A%3Arxfax%7C%3Arxfax\n"
    "variable_one: ARRAY%3A%3Asolo\n"
    "Caller-Caller-ID-Name: ACME%20Fax\n"
    "fax-remote-vendor: _undef_\n"
    "\n";

TEST(EventRecordTest, ChannelEventRecord) {
    const Event ev = plain(k_fax_event);
    const json r = parse_record(record_of(ev));
    EXPECT_EQ(r.begin().key(), "type");
    EXPECT_EQ(r["type"], "esl.event");
    EXPECT_EQ(r["ts"], "2026-11-23T14:00:05.123Z");
    EXPECT_EQ(r["id"], "652a93ed-094b-4cd4-9580-a2b2a5620a2c");
    EXPECT_EQ(r["event"], "CUSTOM");
    EXPECT_EQ(r["subclass"], "spandsp::rxfaxresult");
    EXPECT_EQ(r["uuid"], "652a93ed-094b-4cd4-9580-a2b2a5620a2c");
    EXPECT_EQ(r["seq"], 42);
    EXPECT_TRUE(r["seq"].is_number_integer());
    EXPECT_EQ(r["event_ts"], "2024-05-02T08:15:30.123Z");
    EXPECT_EQ(r["format"], "plain");
    EXPECT_FALSE(r.contains("body"));

    const json want_headers = json::parse(R"({
        "Event-Name": "CUSTOM",
        "Core-UUID": "3e3f60f3-68c9-41e2-9c5f-0e95c318960a",
        "Event-Date-Timestamp": "1714637730123456",
        "Event-Sequence": "42",
        "Event-Subclass": "spandsp::rxfaxresult",
        "Unique-ID": "652a93ed-094b-4cd4-9580-a2b2a5620a2c",
        "Dup": ["a", "b"],
        "fax-success": "1",
        "variable_DP_MATCH": ["rxfax", "rxfax"],
        "variable_one": ["solo"],
        "Caller-Caller-ID-Name": "ACME Fax",
        "fax-remote-vendor": ""})");
    EXPECT_EQ(r["headers"], want_headers);  // ordered: wire order of first appearance
}

TEST(EventRecordTest, BackgroundJobUsesJobUuidAndHasBody) {
    const Event ev = plain(faxkit_test::k_golden_plain_body);
    const json r = parse_record(record_of(ev));
    EXPECT_EQ(r["id"], "c0ffee00-0000-4000-8000-000000000001");
    EXPECT_EQ(r["event"], "BACKGROUND_JOB");
    EXPECT_TRUE(r["subclass"].is_null());
    EXPECT_TRUE(r["uuid"].is_null());
    EXPECT_EQ(r["seq"], 4711);
    EXPECT_EQ(r["event_ts"], "2024-05-02T08:15:30.123Z");
    EXPECT_EQ(r["body"], faxkit_test::k_golden_body);
    EXPECT_EQ(r["headers"]["Job-Owner-UUID"], "");
    EXPECT_EQ(r["headers"]["FreeSWITCH-IPv6"], "::1");
    EXPECT_EQ(r["headers"]["Job-Command-Arg"],
              "{origination_uuid=9d7c1e2a-1111-4222-8333-444455556666,ignore_early_media=true}"
              "sofia/gateway/gw1/4930123456 &txfax(/var/spool/fax/a.tif)");
    EXPECT_FALSE(r["headers"].contains("Content-Length"));
    EXPECT_EQ(r["headers"].size(), faxkit_test::k_golden_headers.size());
}

TEST(EventRecordTest, IdFallsBackToCoreUuidSlashSequence) {
    const json r = parse_record(record_of(
        plain("Event-Name: HEARTBEAT\nCore-UUID: 2fd7e5d4-4d36-4a8e-9a3e-5a3c2c5e0a11\nEvent-Sequence: 77\n\n")));
    EXPECT_EQ(r["id"], "2fd7e5d4-4d36-4a8e-9a3e-5a3c2c5e0a11/77");
    EXPECT_TRUE(r["uuid"].is_null());
    EXPECT_TRUE(r["subclass"].is_null());
    EXPECT_EQ(r["seq"], 77);
    EXPECT_TRUE(r["event_ts"].is_null());
}

TEST(EventRecordTest, UniqueIdWinsOverJobUuid) {
    const json r = parse_record(record_of(plain("Event-Name: CHANNEL_ANSWER\nJob-UUID: j1\nUnique-ID: u1\n\n")));
    EXPECT_EQ(r["id"], "u1");
    EXPECT_EQ(r["uuid"], "u1");
}

TEST(EventRecordTest, MissingOrBadNumbersAreNull) {
    const json r =
        parse_record(record_of(plain("Event-Name: X\nUnique-ID: u\nEvent-Sequence: 12a\nEvent-Date-Timestamp: 0\n\n")));
    EXPECT_TRUE(r["seq"].is_null());
    EXPECT_TRUE(r["event_ts"].is_null());
    const json r2 = parse_record(record_of(plain("Event-Name: X\nUnique-ID: u\nEvent-Date-Timestamp: soon\n\n")));
    EXPECT_TRUE(r2["event_ts"].is_null());
    EXPECT_TRUE(r2["seq"].is_null());
}

TEST(EventRecordTest, InvalidUtf8BecomesReplacementAndControlsAreEscaped) {
    const Event ev = plain(
        "Event-Name: CUSTOM\nUnique-ID: u\nBad: a%FFb%C3\nCtl: x%01y%1F%7Fz%09%0A\nQuote: %22q%22%5C\n"
        "Content-Length: 8\n\n\xC0\x80\x01\"\\\xE2\x82\xAC");
    const std::string text = record_of(ev);
    const json r = parse_record(text);
    EXPECT_EQ(r["headers"]["Bad"],
              "a\xEF\xBF\xBD"
              "b\xEF\xBF\xBD");
    EXPECT_EQ(r["headers"]["Ctl"], "x\x01y\x1F\x7Fz\t\n");
    EXPECT_EQ(r["headers"]["Quote"], "\"q\"\\");
    EXPECT_EQ(r["body"], "\xEF\xBF\xBD\xEF\xBF\xBD\x01\"\\\xE2\x82\xAC");
}

TEST(EventRecordTest, FormatsAgreeExceptForFormat) {
    std::vector<std::string> header_objects;
    const std::vector<std::pair<std::string, std::string>> forms = {
        {"plain", faxkit_test::k_golden_plain_body},
        {"json", faxkit_test::k_golden_json_body},
        {"xml", faxkit_test::k_golden_xml_body},
    };
    json first;
    for (const auto& [name, body] : forms) {
        SCOPED_TRACE(name);
        Event ev;
        auto ok = name == "plain" ? ev.parse_plain(body) : name == "json" ? ev.parse_json(body) : ev.parse_xml(body);
        ASSERT_TRUE(ok);
        json r = parse_record(record_of(ev));
        EXPECT_EQ(r["format"], name);
        r.erase("format");
        if (first.is_null()) {
            first = r;
        } else {
            EXPECT_EQ(r, first);
        }
    }
}

TEST(EventRecordTest, AppendsWithoutTouchingWhatIsThere) {
    EventRecordFormatter f;
    std::string out = "{\"previous\":1}\n";
    f.append(out, plain("Event-Name: HEARTBEAT\nUnique-ID: u\n\n"), k_now);
    ASSERT_EQ(out.rfind("{\"previous\":1}\n", 0), 0U);
    EXPECT_EQ(parse_record(out.substr(15))["event"], "HEARTBEAT");
}

TEST(EventRecordTest, ReusedFormatterMatchesFreshOne) {
    std::string big = "Event-Name: CHANNEL_DATA\nUnique-ID: u1\n";
    for (int i = 0; i < 700; ++i) {
        big += "variable_v" + std::to_string(i % 350) + ": value%20" + std::to_string(i) + "\n";
    }
    big += "\n";
    const std::vector<std::string> bodies = {big, "Event-Name: HEARTBEAT\nUnique-ID: u2\nA: 1\nA: 2\n\n",
                                             faxkit_test::k_golden_plain_body, big, k_fax_event};
    EventRecordFormatter reused;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        const Event ev = plain(bodies[i]);
        std::string a;
        reused.append(a, ev, k_now);
        EXPECT_EQ(a, record_of(ev)) << "event " << i;
    }
    const json r = parse_record(record_of(plain(big)));
    ASSERT_EQ(r["headers"].size(), 352U);
    EXPECT_EQ(r["headers"]["variable_v0"], json::parse(R"(["value 0","value 350"])"));
    EXPECT_EQ(r["headers"]["variable_v349"], json::parse(R"(["value 349","value 699"])"));
}

TEST(EventRecordTest, HeaderNamesAreGroupedExactly) {
    // JSON keys are exact: names differing in case are separate members.
    const json r = parse_record(record_of(plain("Event-Name: X\nUnique-ID: u\nUnique-Id: v\nx: 1\nX: 2\nx: 3\n\n")));
    EXPECT_EQ(r["headers"]["Unique-ID"], "u");
    EXPECT_EQ(r["headers"]["Unique-Id"], "v");
    EXPECT_EQ(r["headers"]["x"], json::parse(R"(["1","3"])"));
    EXPECT_EQ(r["headers"]["X"], "2");
    EXPECT_EQ(r["id"], "u");
}

TEST(EventRecordTest, EveryCaptureEventFormatsToItsHeaders) {
    for (const std::string capture : {"fax-events-plain-t30-sip", "fax-events-json-t30-sip", "inbound-session",
                                      "outbound-session-2-custom-events"}) {
        SCOPED_TRACE(capture);
        const auto expected = faxkit_test::load_expected(capture + ".json");
        fax::esl::Decoder dec;
        dec.feed(faxkit_test::stream_of(faxkit_test::load_capture(capture), "FS->C"));
        fax::esl::Message m;
        EventRecordFormatter f;
        std::size_t i = 0;
        std::size_t events = 0;
        while (true) {
            auto got = dec.next(m);
            ASSERT_TRUE(got);
            if (!*got) {
                break;
            }
            ASSERT_LT(i, expected.size());
            const auto& want = expected[i++];
            if (m.content_type().rfind("text/event-", 0) != 0) {
                continue;
            }
            Event ev;
            ASSERT_TRUE(ev.parse(m));
            std::string out;
            f.append(out, ev, k_now);
            const json r = parse_record(out);
            // Expected headers object: the oracle's pairs grouped by exact name.
            json hs = json::object();
            std::map<std::string, int> count;
            for (const auto& p : want["event_headers"]) {
                ++count[p[0].get<std::string>()];
            }
            for (const auto& p : want["event_headers"]) {
                const auto name = p[0].get<std::string>();
                if (count[name] == 1) {
                    hs[name] = p[1].get<std::string>();
                } else {
                    hs[name].push_back(p[1].get<std::string>());
                }
            }
            EXPECT_EQ(r["headers"], hs) << "message " << i - 1;
            EXPECT_EQ(r["event"], ev.name());
            EXPECT_EQ(r.contains("body"), !want["event_body"].is_null());
            if (!want["event_body"].is_null()) {
                EXPECT_EQ(r["body"], want["event_body"].get<std::string>());
            }
            ++events;
        }
        EXPECT_GT(events, 10U);
    }
}

/// %XX-only decoding, written here independently of lib/esl/url.
std::string percent_decode(std::string_view s) {
    auto hex = [](char c) {
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// Random plain events (names and values with quotes, backslashes, control
// bytes, %XX escapes of all of those, UTF-8 and broken UTF-8, ARRAY:: values,
// around 16-byte block edges) must always give valid JSON holding exactly
// the decoded, repaired values, whichever way the event was parsed.
TEST(EventRecordTest, RandomPlainEventsFormatToTheirValues) {
    const std::vector<std::string> names = {"Event-Name",
                                            "Unique-ID",
                                            "X",
                                            "variable_sip_h_X-Custom",
                                            "Na\"me",
                                            "back\\slash",
                                            "variable_M\xC3\xBCller",
                                            "ctl\x01name",
                                            "bad\xFFname",
                                            "a_rather_long_header_name_over_32_bytes",
                                            "Tab\tName"};
    const std::vector<std::string> atoms = {"a",
                                            "Z9",
                                            "abcdefghijklmnop",
                                            ":",
                                            " ",
                                            "%20",
                                            "%22",
                                            "%5C",
                                            "%0A",
                                            "%0D",
                                            "%01",
                                            "%7F",
                                            "%C3%BC",
                                            "%E2%82%AC",
                                            "%FF",
                                            "%C3",
                                            "%",
                                            "%4",
                                            "%zz",
                                            "+",
                                            "\"",
                                            "\\",
                                            "\x01",
                                            "\x1F",
                                            "\t",
                                            "\xC3\xBC",
                                            "\xE2\x82\xAC",
                                            "\xFF",
                                            "\xC3",
                                            "%7C%3A",
                                            "|:",
                                            "0123456789abcdef0123"};
    for (const std::uint32_t seed : {11U, 12U, 13U}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::mt19937 rng(seed);
        for (int n = 0; n < 300; ++n) {
            std::string body;
            json want = json::object();
            std::map<std::string, bool> arrays;
            std::vector<std::pair<std::string, std::string>> pairs;
            std::map<std::string, int> count;
            const std::size_t headers = 1 + rng() % 12;
            for (std::size_t h = 0; h < headers; ++h) {
                const std::string& name = names[rng() % names.size()];
                std::string raw;
                const auto kind = rng() % 10;
                if (kind == 0) {
                    raw = "_undef_";
                } else {
                    const std::size_t len = rng() % 8;
                    for (std::size_t i = 0; i < len; ++i) {
                        raw += atoms[rng() % atoms.size()];
                    }
                    if (kind == 1) {
                        raw = (rng() % 2 ? "ARRAY::" : "ARRAY%3A%3A") + raw;
                    }
                }
                body += name + ": " + raw + "\n";
                // Expected, per esl-protocol.md §3.2-3.4.
                std::string_view v = raw;
                while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
                    v.remove_prefix(1);
                }
                std::string dec = percent_decode(v);
                if (dec == "_undef_") {
                    dec.clear();
                }
                const std::string key = faxkit_test::repaired_utf8(name);
                if (dec.rfind("ARRAY::", 0) == 0) {
                    arrays[key] = true;
                    std::string rest = dec.substr(7);
                    while (true) {
                        const auto sep = rest.find("|:");
                        pairs.emplace_back(key, faxkit_test::repaired_utf8(rest.substr(0, sep)));
                        ++count[key];
                        if (sep == std::string::npos) {
                            break;
                        }
                        rest.erase(0, sep + 2);
                    }
                } else {
                    pairs.emplace_back(key, faxkit_test::repaired_utf8(dec));
                    ++count[key];
                }
            }
            std::optional<std::string> inner;
            if (rng() % 3 == 0) {
                inner = "body \"" + atoms[rng() % atoms.size()] + "\"\n\n" + atoms[rng() % atoms.size()];
                body += "Content-Length: " + std::to_string(inner->size()) + "\n\n" + *inner;
            } else {
                body += "\n";
            }
            for (const auto& [k, v] : pairs) {
                if (count[k] == 1 && !arrays[k]) {
                    want[k] = v;
                } else {
                    want[k].push_back(v);
                }
            }
            for (const bool take : {false, true}) {
                Event ev;
                fax::esl::Decoder dec;
                fax::esl::Message m;
                dec.feed(faxkit_test::wrap_event("text/event-plain", body));
                auto got = dec.next(m);
                ASSERT_TRUE(got && *got);
                auto r = take ? ev.take(m) : ev.parse(m);
                ASSERT_TRUE(r) << r.error().message;
                std::string out;
                EventRecordFormatter f;
                f.append(out, ev, k_now);
                if (!fax::core::is_valid_utf8(out) || !json::accept(out)) {
                    ADD_FAILURE() << "invalid record for event #" << n << (take ? " (take)" : "") << ": " << out;
                    return;
                }
                const json rec = json::parse(out);
                if (rec["headers"] != want) {
                    ADD_FAILURE() << "event #" << n << (take ? " (take)" : "") << "\n got: " << rec["headers"].dump()
                                  << "\nwant: " << want.dump() << "\nevent: " << body;
                    return;
                }
                if (inner) {
                    EXPECT_EQ(rec["body"], faxkit_test::repaired_utf8(*inner));
                } else {
                    EXPECT_FALSE(rec.contains("body"));
                }
            }
        }
    }
}

// The same for json and xml events: values arrive unescaped and may hold
// anything; the record must escape them.
TEST(EventRecordTest, JsonAndXmlValuesAreEscaped) {
    Event j;
    ASSERT_TRUE(j.parse_json(
        R"({"Event-Name":"CUSTOM","Unique-ID":"u","Q":"a\"b\\c\n\t\u0001","Long":"0123456789abcdef0123\"456789abcdef\n",)"
        R"("Arr":["x\"y","\u001f"],"N\"ame":"v","_body":"b\"\n"})"));
    json r = parse_record(record_of(j));
    EXPECT_EQ(r["headers"]["Q"], "a\"b\\c\n\t\x01");
    EXPECT_EQ(r["headers"]["Long"], "0123456789abcdef0123\"456789abcdef\n");
    EXPECT_EQ(r["headers"]["Arr"], json::parse(R"(["x\"y","\u001f"])"));
    EXPECT_EQ(r["headers"]["N\"ame"], "v");
    EXPECT_EQ(r["body"], "b\"\n");

    Event x;
    ASSERT_TRUE(
        x.parse_xml("<event><headers><Event-Name>CUSTOM</Event-Name><Unique-ID>u</Unique-ID>"
                    "<Q>&quot;q&quot;%22%0A%5C%FF</Q></headers><body>&lt;&quot;&gt;</body></event>"));
    r = parse_record(record_of(x));
    EXPECT_EQ(r["headers"]["Q"], "\"q\"\"\n\\\xEF\xBF\xBD");
    EXPECT_EQ(r["body"], "<\">");

    Event c;
    fax::esl::Decoder dec;
    dec.feed(
        "Event-Name: CHANNEL_DATA\nUnique-ID: u\nCaller: %22ACME%22%0A%01\nContent-Type: command/reply\n"
        "Reply-Text: %2BOK%0A\n\n");
    fax::esl::Message m;
    auto got = dec.next(m);
    ASSERT_TRUE(got && *got);
    c.parse_headers_of(m);
    r = parse_record(record_of(c));
    EXPECT_EQ(r["headers"]["Caller"], "\"ACME\"\n\x01");
    EXPECT_EQ(r["headers"]["Reply-Text"], "+OK\n");
}

TEST(EventRecordTest, EventWithoutHeadersIsStillARecord) {
    Event ev;
    ASSERT_TRUE(ev.parse_plain("\n"));
    const json r = parse_record(record_of(ev));
    EXPECT_EQ(r["type"], "esl.event");
    EXPECT_EQ(r["headers"], json::object());
    EXPECT_TRUE(r["uuid"].is_null());
    EXPECT_TRUE(r["seq"].is_null());
}

TEST(EventRecordTest, TimestampMicrosecondsToMilliseconds) {
    EXPECT_EQ(fax::esl::timestamp_us_to_ms("1714637730123456"), 1714637730123);
    EXPECT_EQ(fax::esl::timestamp_us_to_ms("1795441638080905"), 1795441638080);
    EXPECT_EQ(fax::esl::timestamp_us_to_ms("999"), 0);
    EXPECT_EQ(fax::esl::timestamp_us_to_ms(""), -1);
    EXPECT_EQ(fax::esl::timestamp_us_to_ms("12a"), -1);
    EXPECT_EQ(fax::esl::timestamp_us_to_ms(" 12"), -1);
    EXPECT_EQ(fax::esl::timestamp_us_to_ms("1.5"), -1);
}

}  // namespace
