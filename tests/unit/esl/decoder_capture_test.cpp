// Replays every real FreeSWITCH capture through fax::esl::Decoder and
// fax::esl::Event and compares with the independent oracle
// (tests/tools/esl_capture_oracle.py → tests/fixtures/esl/expected/).

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "esl/message.hpp"
#include "support/capture.hpp"

namespace {

using fax::esl::Decoder;
using fax::esl::Event;
using fax::esl::Message;
using Pairs = std::vector<std::pair<std::string, std::string>>;

/// A message copied out of the decoder (Message is reused).
struct Decoded {
    Pairs headers;
    bool has_body = false;
    std::string body;
    std::string head_text;
};

struct Expected {
    Pairs headers;
    std::optional<std::string> body;
    bool is_event = false;
    Pairs event_headers;
    std::optional<std::string> event_body;
};

Pairs pairs_of(const nlohmann::json& list) {
    Pairs out;
    for (const auto& p : list) {
        out.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
    }
    return out;
}

const std::vector<Expected>& expected_for(const std::string& capture) {
    static std::map<std::string, std::vector<Expected>> cache;
    auto it = cache.find(capture);
    if (it != cache.end()) {
        return it->second;
    }
    std::vector<Expected> out;
    for (const auto& m : faxkit_test::load_expected(capture + ".json")) {
        Expected e;
        e.headers = pairs_of(m.at("headers"));
        if (!m.at("body").is_null()) {
            e.body = faxkit_test::base64_decode(m.at("body").get<std::string>());
        }
        if (m.contains("event_headers")) {
            e.is_event = true;
            e.event_headers = pairs_of(m.at("event_headers"));
            if (!m.at("event_body").is_null()) {
                e.event_body = m.at("event_body").get<std::string>();
            }
        }
        out.push_back(std::move(e));
    }
    return cache.emplace(capture, std::move(out)).first->second;
}

Decoded copy_of(const Message& m) {
    Decoded d;
    for (const auto& h : m.headers()) {
        d.headers.emplace_back(std::string(h.name), std::string(h.value));
    }
    d.has_body = m.has_body();
    d.body.assign(m.body());
    d.head_text.assign(m.head_text());
    return d;
}

struct Run {
    std::vector<Decoded> messages;
    std::string error;     // first decoder error, if any
    std::size_t left = 0;  // bytes still buffered at the end
};

/// Feeds \a stream cut at the offsets \a cuts (ascending), draining next()
/// after every feed; \a each sees every message as the decoder returns it.
Run decode(const std::string& stream, const std::vector<std::size_t>& cuts,
           const std::function<void(Message&)>& each = {}) {
    Run run;
    Decoder dec;
    Message msg;
    std::size_t from = 0;
    auto drain = [&] {
        while (run.error.empty()) {
            auto r = dec.next(msg);
            if (!r) {
                run.error = r.error().message;
                return;
            }
            if (!*r) {
                return;
            }
            run.messages.push_back(copy_of(msg));
            if (each) {
                each(msg);
            }
        }
    };
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        const std::size_t to = i < cuts.size() ? cuts[i] : stream.size();
        dec.feed(std::string_view(stream).substr(from, to - from));
        from = to;
        drain();
    }
    run.left = dec.buffered();
    return run;
}

std::vector<std::size_t> every_byte(std::size_t size) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < size; ++i) {
        cuts.push_back(i);
    }
    return cuts;
}

std::string show(const Pairs& p, std::size_t i) {
    if (i >= p.size()) {
        return "<none>";
    }
    return "[" + p[i].first + ": " + p[i].second + "]";
}

::testing::AssertionResult same_pairs(const Pairs& got, const Pairs& want) {
    for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
        if (i >= got.size() || i >= want.size() || got[i] != want[i]) {
            return ::testing::AssertionFailure()
                   << "header " << i << ": got " << show(got, i) << ", want " << show(want, i) << " (" << got.size()
                   << " vs " << want.size() << " headers)";
        }
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult matches_oracle(const Run& run, const std::vector<Expected>& want) {
    if (!run.error.empty()) {
        return ::testing::AssertionFailure()
               << "decoder error after " << run.messages.size() << " messages: " << run.error;
    }
    if (run.messages.size() != want.size()) {
        return ::testing::AssertionFailure() << run.messages.size() << " messages, oracle has " << want.size();
    }
    if (run.left != 0) {
        return ::testing::AssertionFailure() << run.left << " bytes left in the decoder";
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
        const auto& g = run.messages[i];
        const auto& w = want[i];
        if (auto r = same_pairs(g.headers, w.headers); !r) {
            return ::testing::AssertionFailure() << "message " << i << ": " << r.message();
        }
        if (g.has_body != w.body.has_value()) {
            return ::testing::AssertionFailure() << "message " << i << ": has_body " << g.has_body;
        }
        if (w.body && g.body != *w.body) {
            return ::testing::AssertionFailure() << "message " << i << ": body of " << g.body.size()
                                                 << " bytes differs from the oracle's " << w.body->size();
        }
    }
    return ::testing::AssertionSuccess();
}

Pairs pairs_of(const Event& ev) {
    Pairs out;
    for (const auto& h : ev.headers()) {
        out.emplace_back(std::string(h.name), std::string(h.value));
    }
    return out;
}

/// Decodes the whole FS->C stream and parses every event message (and the
/// outbound connect reply) the way the oracle does, with Event::parse or,
/// when \a take, with Event::take.
std::vector<std::optional<std::pair<Pairs, std::optional<std::string>>>> events_of(const std::string& capture,
                                                                                   bool take = false) {
    std::vector<std::optional<std::pair<Pairs, std::optional<std::string>>>> out;
    const auto stream = faxkit_test::stream_of(faxkit_test::load_capture(capture), "FS->C");
    Event ev;
    const auto run = decode(stream, {}, [&](Message& m) {
        const std::string_view ct = m.content_type();
        const bool connect_reply = !m.has_body() && m.header("Event-Name").has_value();
        if (ct.rfind("text/event-", 0) == 0) {
            auto r = take ? ev.take(m) : ev.parse(m);
            EXPECT_TRUE(r) << "message " << out.size() << ": " << r.error().message;
        } else if (connect_reply) {
            ev.parse_headers_of(m);
        } else {
            out.emplace_back(std::nullopt);
            return;
        }
        std::optional<std::string> body;
        if (ev.has_body()) {
            body.emplace(ev.body());
        }
        out.emplace_back(std::make_pair(pairs_of(ev), body));
    });
    EXPECT_TRUE(run.error.empty()) << run.error;
    return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string s = info.param;
    std::replace(s.begin(), s.end(), '-', '_');
    return s;
}

class DecoderCaptureTest : public ::testing::TestWithParam<std::string> {
protected:
    std::string stream() const { return faxkit_test::stream_of(faxkit_test::load_capture(GetParam()), "FS->C"); }
    const std::vector<Expected>& expected() const { return expected_for(GetParam()); }
};

TEST_P(DecoderCaptureTest, WholeStreamMatchesOracle) {
    const auto s = stream();
    ASSERT_FALSE(expected().empty());
    EXPECT_TRUE(matches_oracle(decode(s, {}), expected()));
}

TEST_P(DecoderCaptureTest, RecordedChunksMatchOracle) {
    std::vector<std::size_t> cuts;
    std::size_t at = 0;
    for (const auto& c : faxkit_test::chunks_of(faxkit_test::load_capture(GetParam()), "FS->C")) {
        at += c.size();
        cuts.push_back(at);
    }
    EXPECT_TRUE(matches_oracle(decode(stream(), cuts), expected()));
}

TEST_P(DecoderCaptureTest, OneByteAtATimeMatchesOracle) {
    const auto s = stream();
    EXPECT_TRUE(matches_oracle(decode(s, every_byte(s.size())), expected()));
}

TEST_P(DecoderCaptureTest, RandomSplitsMatchOracle) {
    const auto s = stream();
    ASSERT_GT(s.size(), 100U);
    for (const std::uint32_t seed : {1U, 7U, 42U, 1234U, 99991U, 20261123U}) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::mt19937 rng(seed);
        std::uniform_int_distribution<std::size_t> pos(1, s.size() - 1);
        const std::size_t n = 20 + rng() % 40;
        std::vector<std::size_t> cuts;
        for (std::size_t i = 0; i < n; ++i) {
            cuts.push_back(pos(rng));
        }
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        ASSERT_GE(cuts.size(), 20U);
        EXPECT_TRUE(matches_oracle(decode(s, cuts), expected()));
    }
    // Many small pieces: every header block and body is split somewhere.
    for (const std::uint32_t seed : {3U, 5U}) {
        SCOPED_TRACE("small pieces, seed " + std::to_string(seed));
        std::mt19937 rng(seed);
        std::uniform_int_distribution<std::size_t> len(1, 97);
        std::vector<std::size_t> cuts;
        for (std::size_t at = len(rng); at < s.size(); at += len(rng)) {
            cuts.push_back(at);
        }
        EXPECT_TRUE(matches_oracle(decode(s, cuts), expected()));
    }
}

TEST_P(DecoderCaptureTest, EventsMatchOracle) {
    for (const bool take : {false, true}) {
        SCOPED_TRACE(take ? "Event::take" : "Event::parse");
        const auto got = events_of(GetParam(), take);
        const auto& want = expected();
        ASSERT_EQ(got.size(), want.size());
        std::size_t events = 0;
        for (std::size_t i = 0; i < want.size(); ++i) {
            SCOPED_TRACE("message " + std::to_string(i));
            ASSERT_EQ(got[i].has_value(), want[i].is_event);
            if (!want[i].is_event) {
                continue;
            }
            ++events;
            EXPECT_TRUE(same_pairs(got[i]->first, want[i].event_headers));
            EXPECT_EQ(got[i]->second, want[i].event_body);
        }
        EXPECT_GT(events, 0U);
    }
}

TEST_P(DecoderCaptureTest, CommandsFrameTheSameWay) {
    const std::string file = GetParam() + ".commands.json";
    if (!faxkit_test::expected_exists(file)) {
        GTEST_SKIP() << "the C->FS stream of " << GetParam() << " does not frame as messages";
    }
    const auto want = faxkit_test::load_expected(file);
    const auto s = faxkit_test::stream_of(faxkit_test::load_capture(GetParam()), "C->FS");
    for (const bool bytewise : {false, true}) {
        SCOPED_TRACE(bytewise ? "one byte at a time" : "whole");
        const auto run = decode(s, bytewise ? every_byte(s.size()) : std::vector<std::size_t>{});
        ASSERT_EQ(run.error, "");
        EXPECT_EQ(run.left, 0U);
        ASSERT_EQ(run.messages.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            const auto& m = run.messages[i];
            const std::string command = m.head_text.substr(0, m.head_text.find('\n'));
            EXPECT_EQ(command, want[i].at("command").get<std::string>());
            const Pairs rest(m.headers.begin() + (m.headers.empty() ? 0 : 1), m.headers.end());
            EXPECT_TRUE(same_pairs(rest, pairs_of(want[i].at("headers")))) << "command " << i;
            EXPECT_EQ(m.has_body, !want[i].at("body").is_null());
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Captures, DecoderCaptureTest, ::testing::ValuesIn(faxkit_test::capture_names()), test_name);

TEST(DecoderCaptureTest, EveryCaptureHasAnOracleFile) {
    const auto names = faxkit_test::capture_names();
    EXPECT_GE(names.size(), 12U);
    for (const auto& n : names) {
        EXPECT_TRUE(faxkit_test::expected_exists(n + ".json")) << n;
    }
}

/// fax-events-plain-X and fax-events-json-X are two connections watching the
/// same call; events seen by both (same Event-Sequence) decode identically,
/// header order included.
TEST(DecoderCaptureTest, PlainAndJsonConnectionsDecodeTheSameEvents) {
    for (const std::string mode : {"t30-loopback", "t30-sip", "t38-sip", "t38-sip-rxreq"}) {
        SCOPED_TRACE(mode);
        using Ev = std::pair<Pairs, std::optional<std::string>>;
        auto by_seq = [](const std::string& capture) {
            std::map<std::string, Ev> out;
            for (auto& e : events_of(capture)) {
                if (!e) {
                    continue;
                }
                const auto it = std::find_if(e->first.begin(), e->first.end(),
                                             [](const auto& p) { return p.first == "Event-Sequence"; });
                EXPECT_NE(it, e->first.end());
                if (it != e->first.end()) {
                    out.emplace(it->second, *e);
                }
            }
            return out;
        };
        const auto plain = by_seq("fax-events-plain-" + mode);
        const auto json = by_seq("fax-events-json-" + mode);
        ASSERT_GE(json.size(), 10U);
        EXPECT_GT(plain.size(), json.size());  // the json connection subscribed to fewer events
        for (const auto& [seq, jev] : json) {
            SCOPED_TRACE("Event-Sequence " + seq);
            const auto it = plain.find(seq);
            ASSERT_NE(it, plain.end()) << "every json event is also in the plain capture";
            EXPECT_TRUE(same_pairs(jev.first, it->second.first));
            auto a = jev.first;
            auto b = it->second.first;
            std::sort(a.begin(), a.end());
            std::sort(b.begin(), b.end());
            EXPECT_EQ(a, b);  // as multisets too (implied by the above; kept explicit)
            EXPECT_EQ(jev.second, it->second.second);
        }
    }
}

/// The outbound connect reply: one big header block (Content-Type in the
/// middle, no Content-Length), URL-encoded; parse_headers_of decodes it.
TEST(DecoderCaptureTest, OutboundConnectReplyDecodesAsChannelData) {
    for (const std::string capture : {"outbound-session", "outbound-session-2-custom-events"}) {
        SCOPED_TRACE(capture);
        const auto stream = faxkit_test::stream_of(faxkit_test::load_capture(capture), "FS->C");
        Decoder dec;
        dec.feed(stream);
        Message m;
        auto r = dec.next(m);
        ASSERT_TRUE(r && *r);
        EXPECT_GT(m.head_text().size(), 3000U);
        EXPECT_FALSE(m.has_body());
        EXPECT_EQ(m.content_type(), "command/reply");
        ASSERT_FALSE(m.headers().empty());
        EXPECT_EQ(m.headers().front().name, "Event-Name");
        EXPECT_EQ(m.header("Reply-Text"), "%2BOK%0A");  // outer values stay raw

        Event ev;
        ev.parse_headers_of(m);
        EXPECT_EQ(ev.get("Reply-Text"), "+OK\n");
        EXPECT_EQ(ev.name(), "CHANNEL_DATA");
        EXPECT_EQ(ev.unique_id(), ev.get("Channel-Unique-ID"));
        EXPECT_EQ(ev.unique_id().size(), 36U);
        EXPECT_EQ(ev.get("Caller-Callee-ID-Name"), "Outbound Call");
        EXPECT_EQ(ev.get("FreeSWITCH-IPv6"), "fd00::2");
        EXPECT_EQ(ev.get("Socket-Mode"), "async");
        EXPECT_EQ(ev.get("Control"), "full");
        EXPECT_EQ(ev.get("Content-Type"), "command/reply");
        EXPECT_FALSE(ev.has_body());
        EXPECT_EQ(ev.headers().size(), m.headers().size() + 1);  // variable_DP_MATCH is an ARRAY:: of two
    }
}

}  // namespace
