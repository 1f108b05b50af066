// fax::esl hangup causes against FreeSWITCH 1.10: CAUSE_CHART names and
// numbers (esl-protocol.md §6.3), str2cause, cause_q850 and mod_sofia's SIP
// mappings.

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "esl/hangup_cause.hpp"

namespace {

using fax::esl::Cause;
using fax::esl::cause_chart;
using fax::esl::cause_code;
using fax::esl::cause_from_name;
using fax::esl::cause_name;

TEST(HangupCause, ChartHasUniqueNamesAndNumbersAndRoundTrips) {
    std::set<std::string> names;
    std::set<int> codes;
    for (const auto& e : cause_chart()) {
        EXPECT_TRUE(names.insert(std::string(e.name)).second) << e.name;
        EXPECT_TRUE(codes.insert(cause_code(e.cause)).second) << e.name;
        EXPECT_EQ(cause_name(e.cause), e.name);
        EXPECT_EQ(cause_from_name(e.name), e.cause);
    }
    EXPECT_EQ(cause_chart().size(), 82U);
    EXPECT_EQ(cause_chart().front().name, "NONE");
}

// esl-protocol.md §6.3, name = number, as listed there.
TEST(HangupCause, NumbersOfTheProtocolNotes) {
    const std::pair<const char*, int> listed[] = {
        {"NORMAL_CLEARING", 16},          {"USER_BUSY", 17},
        {"NO_USER_RESPONSE", 18},         {"NO_ANSWER", 19},
        {"SUBSCRIBER_ABSENT", 20},        {"CALL_REJECTED", 21},
        {"NUMBER_CHANGED", 22},           {"UNALLOCATED_NUMBER", 1},
        {"NO_ROUTE_DESTINATION", 3},      {"DESTINATION_OUT_OF_ORDER", 27},
        {"INVALID_NUMBER_FORMAT", 28},    {"FACILITY_REJECTED", 29},
        {"NORMAL_UNSPECIFIED", 31},       {"NORMAL_CIRCUIT_CONGESTION", 34},
        {"NETWORK_OUT_OF_ORDER", 38},     {"NORMAL_TEMPORARY_FAILURE", 41},
        {"SWITCH_CONGESTION", 42},        {"REQUESTED_CHAN_UNAVAIL", 44},
        {"OUTGOING_CALL_BARRED", 52},     {"BEARERCAPABILITY_NOTAVAIL", 58},
        {"SERVICE_UNAVAILABLE", 63},      {"INCOMPATIBLE_DESTINATION", 88},
        {"MANDATORY_IE_MISSING", 96},     {"RECOVERY_ON_TIMER_EXPIRE", 102},
        {"INTERWORKING", 127},            {"ORIGINATOR_CANCEL", 487},
        {"SYSTEM_SHUTDOWN", 701},         {"LOSE_RACE", 702},
        {"MANAGER_REQUEST", 703},         {"ALLOTTED_TIMEOUT", 802},
        {"MEDIA_TIMEOUT", 804},           {"PROGRESS_TIMEOUT", 807},
        {"INVALID_GATEWAY", 808},         {"GATEWAY_DOWN", 809},
        {"INVALID_URL", 810},             {"INVALID_PROFILE", 811},
        {"DECLINE", 816},                 {"NONE", 0},
    };
    for (const auto& [name, code] : listed) {
        const auto c = cause_from_name(name);
        ASSERT_TRUE(c.has_value()) << name;
        EXPECT_EQ(cause_code(*c), code) << name;
    }
}

TEST(HangupCause, NamesAreCaseInsensitiveAndUnknownNumbersPrintUnknown) {
    EXPECT_EQ(cause_from_name("user_busy"), Cause::user_busy);
    EXPECT_EQ(cause_from_name("Gateway_Down"), Cause::gateway_down);
    EXPECT_FALSE(cause_from_name("USER_BUSY ").has_value());
    EXPECT_FALSE(cause_from_name("").has_value());
    EXPECT_EQ(cause_name(static_cast<Cause>(999)), "UNKNOWN");
    EXPECT_EQ(cause_name(Cause::originator_cancel), "ORIGINATOR_CANCEL");
}

TEST(HangupCause, Str2CauseReadsDigitsWithAtoiAndNamesOtherwise) {
    using fax::esl::str2cause;
    EXPECT_EQ(str2cause("17"), Cause::user_busy);
    EXPECT_EQ(str2cause("17abc"), Cause::user_busy);
    EXPECT_EQ(cause_code(str2cause("999")), 999);
    EXPECT_EQ(str2cause("no_answer"), Cause::no_answer);
    EXPECT_EQ(str2cause("bogus"), Cause::none);
    EXPECT_EQ(str2cause(""), Cause::none);
    EXPECT_EQ(str2cause(" 17"), Cause::none);  // not a digit first, not a name
}

TEST(HangupCause, Q850OfInternalCausesIsNormalClearing) {
    using fax::esl::cause_q850;
    EXPECT_EQ(cause_q850(Cause::user_busy), 17);
    EXPECT_EQ(cause_q850(Cause::interworking), 127);
    EXPECT_EQ(cause_q850(Cause::gateway_down), 16);
    EXPECT_EQ(cause_q850(Cause::originator_cancel), 16);
    EXPECT_EQ(cause_q850(Cause::none), 0);
}

TEST(HangupCause, SipStatusToCauseAsModSofia) {
    using fax::esl::sip_status_to_cause;
    EXPECT_EQ(sip_status_to_cause(486), Cause::user_busy);
    EXPECT_EQ(sip_status_to_cause(600), Cause::user_busy);
    EXPECT_EQ(sip_status_to_cause(404), Cause::unallocated_number);
    EXPECT_EQ(sip_status_to_cause(408), Cause::recovery_on_timer_expire);
    EXPECT_EQ(sip_status_to_cause(504), Cause::recovery_on_timer_expire);
    EXPECT_EQ(sip_status_to_cause(480), Cause::no_user_response);
    EXPECT_EQ(sip_status_to_cause(603), Cause::call_rejected);
    EXPECT_EQ(sip_status_to_cause(403), Cause::call_rejected);
    EXPECT_EQ(sip_status_to_cause(503), Cause::normal_temporary_failure);
    EXPECT_EQ(sip_status_to_cause(488), Cause::incompatible_destination);
    EXPECT_EQ(sip_status_to_cause(484), Cause::invalid_number_format);
    EXPECT_EQ(sip_status_to_cause(410), Cause::number_changed);
    EXPECT_EQ(sip_status_to_cause(502), Cause::network_out_of_order);
    EXPECT_EQ(sip_status_to_cause(487), Cause::originator_cancel);
    EXPECT_EQ(sip_status_to_cause(604), Cause::no_route_destination);
    EXPECT_EQ(sip_status_to_cause(200), Cause::normal_clearing);
    EXPECT_EQ(sip_status_to_cause(499), Cause::normal_unspecified);
    EXPECT_EQ(sip_status_to_cause(0), Cause::normal_unspecified);
}

TEST(HangupCause, CauseToSipStatusAsModSofia) {
    using fax::esl::cause_to_sip_status;
    EXPECT_EQ(cause_to_sip_status(Cause::user_busy), 486);
    EXPECT_EQ(cause_to_sip_status(Cause::unallocated_number), 404);
    EXPECT_EQ(cause_to_sip_status(Cause::no_route_destination), 404);
    EXPECT_EQ(cause_to_sip_status(Cause::no_user_response), 408);
    EXPECT_EQ(cause_to_sip_status(Cause::no_answer), 480);
    EXPECT_EQ(cause_to_sip_status(Cause::call_rejected), 603);
    EXPECT_EQ(cause_to_sip_status(Cause::destination_out_of_order), 502);
    EXPECT_EQ(cause_to_sip_status(Cause::gateway_down), 503);
    EXPECT_EQ(cause_to_sip_status(Cause::normal_temporary_failure), 503);
    EXPECT_EQ(cause_to_sip_status(Cause::incompatible_destination), 488);
    EXPECT_EQ(cause_to_sip_status(Cause::recovery_on_timer_expire), 504);
    EXPECT_EQ(cause_to_sip_status(Cause::originator_cancel), 487);
    EXPECT_EQ(cause_to_sip_status(Cause::decline), 603);
    EXPECT_EQ(cause_to_sip_status(Cause::normal_clearing), 480);  // unmapped → 480
    // The common failures survive the round trip through SIP.
    for (const Cause c : {Cause::user_busy, Cause::unallocated_number, Cause::call_rejected,
                          Cause::recovery_on_timer_expire, Cause::incompatible_destination}) {
        EXPECT_EQ(fax::esl::sip_status_to_cause(cause_to_sip_status(c)), c) << cause_name(c);
    }
}

}  // namespace
