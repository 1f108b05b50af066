// fax::esl::EventData (switch_event_t's header rules) and EventStamper (the
// standard headers of switch_event_prep_for_delivery).

#include <cstdlib>
#include <ctime>
#include <string>

#include <gtest/gtest.h>

#include "esl/event.hpp"
#include "esl/event_data.hpp"
#include "esl/serializer.hpp"
#include "support/env.hpp"

namespace {

using fax::esl::CallSite;
using fax::esl::EventData;
using fax::esl::EventFormat;
using fax::esl::EventStamper;

std::string plain(const EventData& e) {
    const auto& b = e.body();
    return fax::esl::serialize_event(EventFormat::plain, e.headers(),
                                     b ? std::optional<std::string_view>(*b) : std::optional<std::string_view>());
}
std::string json(const EventData& e) {
    const auto& b = e.body();
    return fax::esl::serialize_event(EventFormat::json, e.headers(),
                                     b ? std::optional<std::string_view>(*b) : std::optional<std::string_view>());
}

TEST(EventDataTest, AddFollowsSwitchEventAddHeader) {
    EventData e;
    e.add("A", "1");
    e.add("a", "2");  // duplicates are kept
    e.add("B", "x");
    EXPECT_EQ(e.get("a").value_or(""), "1");
    e.add("B", "");  // an empty value removes and adds nothing
    EXPECT_FALSE(e.get("B"));
    e.add("C", "ARRAY::p|:q");
    EXPECT_EQ(e.get("C").value_or(""), "ARRAY::p|:q");
    EXPECT_EQ(plain(e), "A: 1\na: 2\nC: ARRAY%3A%3Ap%7C%3Aq\n\n");
    EXPECT_EQ(json(e), R"({"A":"1","a":"2","C":["p","q"]})");
    e.add("_body", "text");
    EXPECT_EQ(e.body().value_or(""), "text");
}

TEST(EventDataTest, PushMakesArrays) {
    EventData e;
    e.push("V", "one");
    EXPECT_EQ(plain(e), "V: one\n\n");
    EXPECT_EQ(json(e), R"({"V":["one"]})");
    e.add("W", "w");
    e.push("W", "w2");
    e.push("V", "two");
    EXPECT_EQ(plain(e), "V: ARRAY%3A%3Aone%7C%3Atwo\nW: ARRAY%3A%3Aw%7C%3Aw2\n\n");
    e.push("Z", "");
    EXPECT_EQ(e.size(), 2U);
}

TEST(EventDataTest, FromEventCopiesVerbatim) {
    fax::esl::Event ev;
    ASSERT_TRUE(ev.parse_json(R"({"A":"","B":["x","y"],"C":"ARRAY::z","Content-Length":"2","_body":"hi"})").ok());
    const EventData d = EventData::from(ev);
    EXPECT_EQ(json(d), R"({"A":"","B":["x","y"],"C":"ARRAY::z","Content-Length":"2","_body":"hi"})");
}

TEST(EventStamperTest, StandardHeadersInFreeSwitchOrder) {
    const faxkit_test::ScopedEnv utc("TZ", "UTC");
    EventStamper s({"3e3f60f3-68c9-41e2-9c5f-0e95c318960a", "vm", "", "192.0.2.2", "fd00::2"});
    s.set_clock([] { return std::int64_t{1795441499560893}; });
    const EventData e = s.create("CUSTOM", CallSite{"mod_spandsp_fax.c", "phase_e_handler", 676}, "spandsp::txfaxresult");
    const EventData f = s.create("CHANNEL_ANSWER", CallSite{"switch_channel.c", "switch_channel_perform_mark_answered", 3910});
    EXPECT_EQ(plain(e),
              "Event-Name: CUSTOM\nCore-UUID: 3e3f60f3-68c9-41e2-9c5f-0e95c318960a\nFreeSWITCH-Hostname: vm\n"
              "FreeSWITCH-Switchname: vm\nFreeSWITCH-IPv4: 192.0.2.2\nFreeSWITCH-IPv6: fd00%3A%3A2\n"
              "Event-Date-Local: 2026-11-23%2013%3A44%3A59\nEvent-Date-GMT: Mon,%2023%20Nov%202026%2013%3A44%3A59%20GMT\n"
              "Event-Date-Timestamp: 1795441499560893\nEvent-Calling-File: mod_spandsp_fax.c\n"
              "Event-Calling-Function: phase_e_handler\nEvent-Calling-Line-Number: 676\nEvent-Sequence: 1\n"
              "Event-Subclass: spandsp%3A%3Atxfaxresult\n\n");
    EXPECT_EQ(f.get("Event-Sequence").value_or(""), "2");
    EXPECT_EQ(s.sequence(), 2U);
    EXPECT_EQ(fax::esl::event_date_gmt(1796083200000000), "Tue, 01 Dec 2026 00:00:00 GMT");
}

TEST(EventStamperTest, DefaultsFillTheIdentity) {
    EventStamper s;
    EXPECT_EQ(s.identity().core_uuid.size(), 36U);
    EXPECT_FALSE(s.identity().hostname.empty());
    EXPECT_EQ(s.identity().switchname, s.identity().hostname);
}

}  // namespace
