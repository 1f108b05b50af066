// fax::esl::Subscription: event/nixevent/noevents/filter/myevents parsing,
// reply texts and the delivery decision, as mod_event_socket has them.

#include <string>

#include <gtest/gtest.h>

#include "esl/event_data.hpp"
#include "esl/subscription.hpp"

namespace {

using fax::esl::EventData;
using fax::esl::EventFormat;
using fax::esl::EventRoute;
using fax::esl::Subscription;

EventData ev(std::string_view name, std::string_view subclass = {}, std::string_view uuid = {}) {
    EventData e;
    e.add("Event-Name", name);
    if (!subclass.empty()) {
        e.add("Event-Subclass", subclass);
    }
    if (!uuid.empty()) {
        e.add("Unique-ID", uuid);
    }
    return e;
}

bool wants(const Subscription& s, const EventData& e) { return s.wants(e, EventRoute::of(e)); }

TEST(SubscriptionTest, EventRepliesAndFormat) {
    Subscription s;
    EXPECT_FALSE(s.enabled());
    EXPECT_EQ(s.event("event plain ALL\n\n"), "+OK event listener enabled plain");
    EXPECT_EQ(s.event("event json CHANNEL_HANGUP_COMPLETE CUSTOM spandsp::txfaxresult\n\n"),
              "+OK event listener enabled json");
    EXPECT_EQ(s.format(), EventFormat::json);
    EXPECT_EQ(s.event("event xml\n\n"), "-ERR no keywords supplied");
    EXPECT_EQ(s.format(), EventFormat::xml);  // FreeSWITCH sets the format anyway
    EXPECT_EQ(s.event("event\n\n"), "-ERR no keywords supplied");
    EXPECT_EQ(s.event("events plain NOT_AN_EVENT SWITCH_EVENT_DTMF\n\n"), "+OK event listener enabled plain");
}

TEST(SubscriptionTest, NamesCustomSubclassesAndAll) {
    Subscription s;
    s.event("event plain CHANNEL_ANSWER CUSTOM spandsp::rxfaxresult\n\n");
    EXPECT_TRUE(wants(s, ev("CHANNEL_ANSWER")));
    EXPECT_FALSE(wants(s, ev("CHANNEL_HANGUP")));
    EXPECT_TRUE(wants(s, ev("CUSTOM", "spandsp::rxfaxresult")));
    EXPECT_FALSE(wants(s, ev("CUSTOM", "spandsp::txfaxresult")));
    EXPECT_FALSE(wants(s, ev("CUSTOM", "SPANDSP::RXFAXRESULT")));  // subclasses are case-sensitive
    s.event("event plain ALL\n\n");
    EXPECT_TRUE(wants(s, ev("CUSTOM", "anything::else")));
    EXPECT_TRUE(wants(s, ev("BACKGROUND_JOB")));
}

TEST(SubscriptionTest, NixeventTurnsAllIntoAllBut) {
    Subscription s;
    s.event("event plain ALL\n\n");
    EXPECT_EQ(s.nixevent("nixevent CHANNEL_STATE\n\n"), "+OK events nixed");
    EXPECT_FALSE(wants(s, ev("CHANNEL_STATE")));
    EXPECT_TRUE(wants(s, ev("CHANNEL_ANSWER")));
    EXPECT_FALSE(wants(s, ev("CUSTOM", "spandsp::txfaxresult")));  // ALL is gone; no subclass listed
    EXPECT_EQ(s.nixevent("nixevent nothing\n\n"), "-ERR no keywords supplied");
    EXPECT_EQ(s.noevents(), "+OK no longer listening for events");
    EXPECT_EQ(s.noevents(), "-ERR not listening for events");
    EXPECT_FALSE(wants(s, ev("CHANNEL_ANSWER")));
}

TEST(SubscriptionTest, FilterRepliesAsFreeSwitch) {
    Subscription s;
    EXPECT_EQ(s.filter("filter Unique-ID abc\n\n"), "+OK filter added. [Unique-ID]=[abc]");
    EXPECT_EQ(s.filter("filter add Job-UUID j1\n\n"), "+OK filter added. [Job-UUID]=[j1]");
    EXPECT_EQ(s.filter("filter Unique-ID\n\n"), "-ERR invalid syntax");
    EXPECT_EQ(s.filter("filter add Unique-ID\n\n"), "+OK filter added. [Unique-ID]=[(null)]");
    EXPECT_EQ(s.filter_count(), 2U);
    EXPECT_EQ(s.filter("filter delete Unique-ID abc\n\n"), "+OK filter deleted. [Unique-ID][abc]");
    EXPECT_EQ(s.filter("filter delete Job-UUID\n\n"), "+OK filter deleted. [Job-UUID][]");
    EXPECT_EQ(s.filter_count(), 0U);
    s.filter("filter A 1\n\n");
    s.filter("filter B 2\n\n");
    EXPECT_EQ(s.filter("filter delete all\n\n"), "+OK filter deleted. [all][]");
    EXPECT_EQ(s.filter_count(), 0U);
    EXPECT_EQ(s.filter("filter delete\n\n"), "-ERR invalid syntax");
}

TEST(SubscriptionTest, FiltersPositiveNegativeRegexAndCase) {
    Subscription s;
    s.event("event plain ALL\n\n");
    s.filter("filter Unique-ID aaa\n\n");
    s.filter("filter Unique-ID bbb\n\n");
    EXPECT_TRUE(wants(s, ev("CHANNEL_ANSWER", {}, "AAA")));  // strcasecmp
    EXPECT_TRUE(wants(s, ev("CHANNEL_ANSWER", {}, "bbb")));
    EXPECT_FALSE(wants(s, ev("CHANNEL_ANSWER", {}, "ccc")));
    EXPECT_FALSE(wants(s, ev("BACKGROUND_JOB")));  // no Unique-ID at all
    s.filter("filter Event-Name -CHANNEL_ANSWER\n\n");
    EXPECT_FALSE(wants(s, ev("CHANNEL_ANSWER", {}, "aaa")));
    EXPECT_TRUE(wants(s, ev("CHANNEL_HANGUP", {}, "aaa")));

    Subscription r;
    r.event("event plain ALL\n\n");
    r.filter("filter Event-Subclass /^spandsp::tx/\n\n");
    EXPECT_TRUE(wants(r, ev("CUSTOM", "spandsp::txfaxresult")));
    EXPECT_FALSE(wants(r, ev("CUSTOM", "spandsp::rxfaxresult")));
    Subscription bad;
    bad.event("event plain ALL\n\n");
    bad.filter("filter Event-Name /unclosed\n\n");
    EXPECT_FALSE(wants(bad, ev("CHANNEL_ANSWER")));
}

TEST(SubscriptionTest, MyeventsBindsAChannel) {
    const auto exists = [](std::string_view u) { return u == "u-1"; };
    Subscription s;
    EXPECT_EQ(s.myevents("myevents nope json\n\n", exists), "-ERR invalid uuid");
    EXPECT_EQ(s.myevents("myevents u-1\n\n", exists), "+OK Events Enabled");
    EXPECT_EQ(s.session().value_or(""), "u-1");
    EXPECT_TRUE(wants(s, ev("CHANNEL_ANSWER", {}, "u-1")));
    EXPECT_FALSE(wants(s, ev("CHANNEL_ANSWER", {}, "u-2")));
    EXPECT_FALSE(wants(s, ev("CUSTOM", "spandsp::rxfaxresult", "u-1")));  // not in the myevents set
    EXPECT_EQ(s.myevents("myevents u-1\n\n", exists), "-ERR aready enabled.");

    Subscription any;  // unknown uuid without a format: every channel's events
    EXPECT_EQ(any.myevents("myevents json\n\n", exists), "+OK Events Enabled");
    EXPECT_EQ(any.format(), EventFormat::json);
    EXPECT_FALSE(any.session());
    EXPECT_TRUE(wants(any, ev("CHANNEL_HANGUP", {}, "u-9")));
    EXPECT_FALSE(wants(any, ev("CHANNEL_HANGUP")));
}

}  // namespace
