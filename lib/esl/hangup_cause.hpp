#pragma once
/// FreeSWITCH 1.10's call causes (switch_call_cause_t, switch_types.h) with the
/// names of CAUSE_CHART (switch_channel.c), and mod_sofia's mapping between SIP
/// status codes and causes (sofia_glue_sip_cause_to_freeswitch, hangup_cause_to_sip).
///
/// The name is what FreeSWITCH prints in `-ERR <CAUSE>`, Hangup-Cause and
/// variable_hangup_cause; the number is variable_hangup_cause_q850 after
/// cause_q850() (internal causes above 127 report 16 there).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace fax::esl {

/// switch_call_cause_t. Values 1..127 are Q.850 causes; the rest are internal.
/// Any other number is representable (switch_channel_str2cause("999") gives 999).
enum class Cause : std::uint16_t {
    none = 0,
    unallocated_number = 1,
    no_route_transit_net = 2,
    no_route_destination = 3,
    channel_unacceptable = 6,
    call_awarded_delivered = 7,
    normal_clearing = 16,
    user_busy = 17,
    no_user_response = 18,
    no_answer = 19,
    subscriber_absent = 20,
    call_rejected = 21,
    number_changed = 22,
    redirection_to_new_destination = 23,
    exchange_routing_error = 25,
    destination_out_of_order = 27,
    invalid_number_format = 28,
    facility_rejected = 29,
    response_to_status_enquiry = 30,
    normal_unspecified = 31,
    normal_circuit_congestion = 34,
    network_out_of_order = 38,
    normal_temporary_failure = 41,
    switch_congestion = 42,
    access_info_discarded = 43,
    requested_chan_unavail = 44,
    pre_empted = 45,
    facility_not_subscribed = 50,
    outgoing_call_barred = 52,
    incoming_call_barred = 54,
    bearercapability_notauth = 57,
    bearercapability_notavail = 58,
    service_unavailable = 63,
    bearercapability_notimpl = 65,
    chan_not_implemented = 66,
    facility_not_implemented = 69,
    service_not_implemented = 79,
    invalid_call_reference = 81,
    incompatible_destination = 88,
    invalid_msg_unspecified = 95,
    mandatory_ie_missing = 96,
    message_type_nonexist = 97,
    wrong_message = 98,
    ie_nonexist = 99,
    invalid_ie_contents = 100,
    wrong_call_state = 101,
    recovery_on_timer_expire = 102,
    mandatory_ie_length_error = 103,
    protocol_error = 111,
    interworking = 127,
    success = 142,
    originator_cancel = 487,
    crash = 700,
    system_shutdown = 701,
    lose_race = 702,
    manager_request = 703,
    blind_transfer = 800,
    attended_transfer = 801,
    allotted_timeout = 802,
    user_challenge = 803,
    media_timeout = 804,
    picked_off = 805,
    user_not_registered = 806,
    progress_timeout = 807,
    invalid_gateway = 808,
    gateway_down = 809,
    invalid_url = 810,
    invalid_profile = 811,
    no_pickup = 812,
    srtp_read_error = 813,
    bowout = 814,
    busy_everywhere = 815,
    decline = 816,
    does_not_exist_anywhere = 817,
    not_acceptable = 818,
    unwanted = 819,
    no_identity = 820,
    bad_identity_info = 821,
    unsupported_certificate = 822,
    invalid_identity = 823,
    stale_date = 824,
    reject_all = 825,
};

/// One CAUSE_CHART entry.
struct CauseEntry {
    std::string_view name;  ///< "USER_BUSY"
    Cause cause;
};

/// The whole chart, in FreeSWITCH's order (NONE first).
std::span<const CauseEntry> cause_chart() noexcept;

/// switch_channel_cause2str: the name, or "UNKNOWN" for a number not in the chart.
std::string_view cause_name(Cause cause) noexcept;

/// The cause named \a name (ASCII case-insensitive, as strcasecmp); nullopt if
/// no chart entry has that name.
std::optional<Cause> cause_from_name(std::string_view name) noexcept;

/// switch_channel_str2cause: text starting with a digit is read with atoi (any
/// number, also one not in the chart); otherwise the name, case-insensitive;
/// anything else (and "") gives Cause::none.
Cause str2cause(std::string_view text) noexcept;

/// switch_channel_cause_q850: causes above INTERWORKING (127) report as
/// NORMAL_CLEARING (16); variable_hangup_cause_q850 holds this number.
int cause_q850(Cause cause) noexcept;

/// The number of \a cause (switch_call_cause_t value).
constexpr int cause_code(Cause cause) noexcept { return static_cast<int>(cause); }

/// mod_sofia sofia_glue_sip_cause_to_freeswitch: the cause an outgoing leg gets
/// from the final SIP status of its INVITE (486 → USER_BUSY, 404 →
/// UNALLOCATED_NUMBER, 603 → CALL_REJECTED, …; unmapped → NORMAL_UNSPECIFIED).
/// A `Reason: Q.850;cause=N` header in the response takes precedence in
/// FreeSWITCH; that is the caller's business.
Cause sip_status_to_cause(int sip_status) noexcept;

/// mod_sofia hangup_cause_to_sip: the SIP status FreeSWITCH answers an
/// incoming INVITE with when the channel is hung up with \a cause before
/// answer (USER_BUSY → 486, …; unmapped → 480).
int cause_to_sip_status(Cause cause) noexcept;

}  // namespace fax::esl
