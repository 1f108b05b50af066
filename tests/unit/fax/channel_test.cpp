// fax::fax::Channel against real FreeSWITCH 1.10: the channel section of a
// captured CHANNEL_ANSWER and the channel data of the outbound connect reply
// (outbound-session-2-custom-events) are rebuilt header for header.

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "fax/channel.hpp"
#include "support/capture.hpp"

namespace {

using fax::fax::CallerProfile;
using fax::fax::CallState;
using fax::fax::Channel;
using fax::fax::ChannelState;
using fax::fax::HeaderList;

constexpr const char* k_uuid = "eee09b69-ea2e-4482-a13d-abc3e7b24c53";

// The captured messages (decoded headers), in order.
std::vector<HeaderList> captured(bool events_only) {
    const std::string stream = faxkit_test::stream_of(faxkit_test::load_capture("outbound-session-2-custom-events"), "FS->C");
    fax::esl::Decoder dec;
    dec.feed(stream);
    fax::esl::Message m;
    std::vector<HeaderList> out;
    while (true) {
        auto r = dec.next(m);
        if (!r || !*r) {
            break;
        }
        fax::esl::Event ev;
        const bool is_event = m.content_type().rfind("text/event-", 0) == 0;
        if (events_only != is_event) {
            continue;
        }
        if (is_event) {
            EXPECT_TRUE(ev.parse(m));
        } else {
            ev.parse_headers_of(m);
        }
        HeaderList hs;
        for (const auto& h : ev.headers()) {
            hs.emplace_back(std::string(h.name), std::string(h.value));
        }
        out.push_back(std::move(hs));
    }
    return out;
}

HeaderList slice(const HeaderList& all, std::string_view from, std::string_view to) {
    HeaderList out;
    bool on = false;
    for (const auto& h : all) {
        if (h.first == from) {
            on = true;
        }
        if (on && h.first == to) {
            break;
        }
        if (on) {
            out.push_back(h);
        }
    }
    return out;
}

Channel loopback_b() {
    CallerProfile p;
    p.dialplan = "xml";
    p.caller_id_number = "1000";
    p.orig_caller_id_number = "1000";
    p.callee_id_name = "Outbound Call";
    p.callee_id_number = "default";
    p.ani = "1000";
    p.destination_number = "socket";
    p.source = "mod_loopback";
    p.profile_created_us = 1795441688420855;
    p.created_us = 1795441688420855;
    Channel ch(k_uuid, "loopback/socket-b", p);
    ch.set_state(ChannelState::cs_execute);
    ch.set_call_state(CallState::ringing);
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"direction", "inbound"},
             {"uuid", k_uuid},
             {"session_id", "14"},
             {"channel_name", "loopback/socket-b"},
             {"read_codec", "L16"},
             {"read_rate", "8000"},
             {"write_codec", "L16"},
             {"write_rate", "8000"},
             {"origination_caller_id_number", "1000"},
             {"fax_ident", "TX-VIA-LOOPBACK"},
             {"other_loopback_leg_uuid", "def56e5c-6ca2-4947-969b-216fad2b170b"},
             {"loopback_leg", "B"},
             {"DP_MATCH", "ARRAY::socket|:socket"},
             {"call_uuid", k_uuid},
         }) {
        ch.set_variable(k, v);
    }
    return ch;
}

// Event parsing splits ARRAY:: values into items; join them back for comparison.
HeaderList join_arrays(const HeaderList& hs) {
    HeaderList out;
    for (const auto& h : hs) {
        if (!out.empty() && out.back().first == h.first && h.first == "variable_DP_MATCH") {
            out.back().second += "|:" + h.second;
        } else if (h.first == "variable_DP_MATCH") {
            out.emplace_back(h.first, "ARRAY::" + h.second);
        } else {
            out.push_back(h);
        }
    }
    return out;
}

TEST(FaxChannelTest, ConnectReplyChannelDataMatchesFreeSwitch) {
    const auto replies = captured(false);
    ASSERT_FALSE(replies.empty());
    const HeaderList want = join_arrays(slice(replies.front(), "Channel-Direction", "Content-Type"));
    Channel ch = loopback_b();
    ch.set_variable("current_application_data", "127.0.0.1:8084 async full");
    ch.set_variable("current_application", "socket");
    ch.set_variable("socket_host", "127.0.0.1");
    HeaderList got;
    ch.append_channel_data(got);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i], want[i]) << "header " << i;
    }
}

TEST(FaxChannelTest, AnswerEventChannelSectionMatchesFreeSwitch) {
    const auto events = captured(true);
    ASSERT_GE(events.size(), 2U);
    const HeaderList want = join_arrays(slice(events[1], "Channel-State", "\x01"));  // to the end
    ASSERT_EQ(want.front().first, "Channel-State");
    Channel ch = loopback_b();
    ch.set_variable("socket_host", "127.0.0.1");
    ch.set_variable("current_loop", "1");
    ch.set_variable("total_loops", "1");
    ch.set_variable("current_application", "answer");
    ch.answer(1795441689440845);
    HeaderList got;
    ch.append_event_data(got, true);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i], want[i]) << "header " << i;
    }
}

TEST(FaxChannelTest, SettingAVariableAgainMovesItToTheEnd) {
    Channel ch("u", "n", CallerProfile{});
    ch.set_variable("a", "1");
    ch.set_variable("b", "2");
    ch.set_variable("a", "3");
    ASSERT_EQ(ch.variables().size(), 2U);
    EXPECT_EQ(ch.variables().items()[0].name, "b");
    EXPECT_EQ(ch.variables().items()[1].name, "a");
    EXPECT_EQ(ch.variables().items()[1].value, "3");
    ch.set_variable("b", "");
    EXPECT_FALSE(ch.variable("b"));
}

TEST(FaxChannelTest, HangupAddsCauseAfterAnswerState) {
    Channel ch("u", "sofia/gw/1", CallerProfile{});
    ch.hangup("USER_BUSY", 42);
    HeaderList hs;
    ch.append_event_data(hs, false);
    auto it = std::find_if(hs.begin(), hs.end(), [](const auto& h) { return h.first == "Answer-State"; });
    ASSERT_NE(it, hs.end());
    EXPECT_EQ(it->second, "hangup");
    ASSERT_NE(it + 1, hs.end());
    EXPECT_EQ((it + 1)->first, "Hangup-Cause");
    EXPECT_EQ((it + 1)->second, "USER_BUSY");
    EXPECT_TRUE(fax::fax::event_carries_variables("CUSTOM"));
    EXPECT_FALSE(fax::fax::event_carries_variables("CHANNEL_STATE"));
}

}  // namespace
