#include "esl/hangup_cause.hpp"

#include <array>

#include "esl/message.hpp"

namespace fax::esl {

namespace {

using C = Cause;

// CAUSE_CHART of switch_channel.c (FreeSWITCH 1.10), same order.
constexpr std::array<CauseEntry, 82> k_chart{{
    {"NONE", C::none},
    {"UNALLOCATED_NUMBER", C::unallocated_number},
    {"NO_ROUTE_TRANSIT_NET", C::no_route_transit_net},
    {"NO_ROUTE_DESTINATION", C::no_route_destination},
    {"CHANNEL_UNACCEPTABLE", C::channel_unacceptable},
    {"CALL_AWARDED_DELIVERED", C::call_awarded_delivered},
    {"NORMAL_CLEARING", C::normal_clearing},
    {"USER_BUSY", C::user_busy},
    {"NO_USER_RESPONSE", C::no_user_response},
    {"NO_ANSWER", C::no_answer},
    {"SUBSCRIBER_ABSENT", C::subscriber_absent},
    {"CALL_REJECTED", C::call_rejected},
    {"NUMBER_CHANGED", C::number_changed},
    {"REDIRECTION_TO_NEW_DESTINATION", C::redirection_to_new_destination},
    {"EXCHANGE_ROUTING_ERROR", C::exchange_routing_error},
    {"DESTINATION_OUT_OF_ORDER", C::destination_out_of_order},
    {"INVALID_NUMBER_FORMAT", C::invalid_number_format},
    {"FACILITY_REJECTED", C::facility_rejected},
    {"RESPONSE_TO_STATUS_ENQUIRY", C::response_to_status_enquiry},
    {"NORMAL_UNSPECIFIED", C::normal_unspecified},
    {"NORMAL_CIRCUIT_CONGESTION", C::normal_circuit_congestion},
    {"NETWORK_OUT_OF_ORDER", C::network_out_of_order},
    {"NORMAL_TEMPORARY_FAILURE", C::normal_temporary_failure},
    {"SWITCH_CONGESTION", C::switch_congestion},
    {"ACCESS_INFO_DISCARDED", C::access_info_discarded},
    {"REQUESTED_CHAN_UNAVAIL", C::requested_chan_unavail},
    {"PRE_EMPTED", C::pre_empted},
    {"FACILITY_NOT_SUBSCRIBED", C::facility_not_subscribed},
    {"OUTGOING_CALL_BARRED", C::outgoing_call_barred},
    {"INCOMING_CALL_BARRED", C::incoming_call_barred},
    {"BEARERCAPABILITY_NOTAUTH", C::bearercapability_notauth},
    {"BEARERCAPABILITY_NOTAVAIL", C::bearercapability_notavail},
    {"SERVICE_UNAVAILABLE", C::service_unavailable},
    {"BEARERCAPABILITY_NOTIMPL", C::bearercapability_notimpl},
    {"CHAN_NOT_IMPLEMENTED", C::chan_not_implemented},
    {"FACILITY_NOT_IMPLEMENTED", C::facility_not_implemented},
    {"SERVICE_NOT_IMPLEMENTED", C::service_not_implemented},
    {"INVALID_CALL_REFERENCE", C::invalid_call_reference},
    {"INCOMPATIBLE_DESTINATION", C::incompatible_destination},
    {"INVALID_MSG_UNSPECIFIED", C::invalid_msg_unspecified},
    {"MANDATORY_IE_MISSING", C::mandatory_ie_missing},
    {"MESSAGE_TYPE_NONEXIST", C::message_type_nonexist},
    {"WRONG_MESSAGE", C::wrong_message},
    {"IE_NONEXIST", C::ie_nonexist},
    {"INVALID_IE_CONTENTS", C::invalid_ie_contents},
    {"WRONG_CALL_STATE", C::wrong_call_state},
    {"RECOVERY_ON_TIMER_EXPIRE", C::recovery_on_timer_expire},
    {"MANDATORY_IE_LENGTH_ERROR", C::mandatory_ie_length_error},
    {"PROTOCOL_ERROR", C::protocol_error},
    {"INTERWORKING", C::interworking},
    {"SUCCESS", C::success},
    {"ORIGINATOR_CANCEL", C::originator_cancel},
    {"CRASH", C::crash},
    {"SYSTEM_SHUTDOWN", C::system_shutdown},
    {"LOSE_RACE", C::lose_race},
    {"MANAGER_REQUEST", C::manager_request},
    {"BLIND_TRANSFER", C::blind_transfer},
    {"ATTENDED_TRANSFER", C::attended_transfer},
    {"ALLOTTED_TIMEOUT", C::allotted_timeout},
    {"USER_CHALLENGE", C::user_challenge},
    {"MEDIA_TIMEOUT", C::media_timeout},
    {"PICKED_OFF", C::picked_off},
    {"USER_NOT_REGISTERED", C::user_not_registered},
    {"PROGRESS_TIMEOUT", C::progress_timeout},
    {"INVALID_GATEWAY", C::invalid_gateway},
    {"GATEWAY_DOWN", C::gateway_down},
    {"INVALID_URL", C::invalid_url},
    {"INVALID_PROFILE", C::invalid_profile},
    {"NO_PICKUP", C::no_pickup},
    {"SRTP_READ_ERROR", C::srtp_read_error},
    {"BOWOUT", C::bowout},
    {"BUSY_EVERYWHERE", C::busy_everywhere},
    {"DECLINE", C::decline},
    {"DOES_NOT_EXIST_ANYWHERE", C::does_not_exist_anywhere},
    {"NOT_ACCEPTABLE", C::not_acceptable},
    {"UNWANTED", C::unwanted},
    {"NO_IDENTITY", C::no_identity},
    {"BAD_IDENTITY_INFO", C::bad_identity_info},
    {"UNSUPPORTED_CERTIFICATE", C::unsupported_certificate},
    {"INVALID_IDENTITY", C::invalid_identity},
    {"STALE_DATE", C::stale_date},
    {"REJECT_ALL", C::reject_all},
}};

}  // namespace

std::span<const CauseEntry> cause_chart() noexcept { return k_chart; }

std::string_view cause_name(Cause cause) noexcept {
    for (const auto& e : k_chart) {
        if (e.cause == cause) {
            return e.name;
        }
    }
    return "UNKNOWN";
}

std::optional<Cause> cause_from_name(std::string_view name) noexcept {
    for (const auto& e : k_chart) {
        if (header_name_equal(e.name, name)) {
            return e.cause;
        }
    }
    return std::nullopt;
}

Cause str2cause(std::string_view text) noexcept {
    if (text.empty()) {
        return Cause::none;
    }
    if (text[0] >= '0' && text[0] <= '9') {
        // atoi: leading digits; switch_call_cause_t keeps the (truncated) int.
        unsigned long n = 0;
        for (const char c : text) {
            if (c < '0' || c > '9') {
                break;
            }
            n = n * 10 + static_cast<unsigned long>(c - '0');
            if (n > 0xFFFF) {
                n = 0xFFFF;  // not a cause anyway; keeps the enum in range
            }
        }
        return static_cast<Cause>(n);
    }
    return cause_from_name(text).value_or(Cause::none);
}

int cause_q850(Cause cause) noexcept {
    return cause_code(cause) <= cause_code(Cause::interworking) ? cause_code(cause) : cause_code(Cause::normal_clearing);
}

Cause sip_status_to_cause(int sip_status) noexcept {
    switch (sip_status) {
    case 200:
        return C::normal_clearing;
    case 401:
    case 402:
    case 403:
    case 407:
    case 603:
    case 608:
        return C::call_rejected;
    case 607:
        return C::unwanted;
    case 404:
        return C::unallocated_number;
    case 485:
    case 604:
        return C::no_route_destination;
    case 408:
    case 504:
        return C::recovery_on_timer_expire;
    case 410:
        return C::number_changed;
    case 413:
    case 414:
    case 416:
    case 420:
    case 421:
    case 423:
    case 505:
    case 513:
        return C::interworking;
    case 480:
        return C::no_user_response;
    case 400:
    case 481:
    case 500:
    case 503:
        return C::normal_temporary_failure;
    case 486:
    case 600:
        return C::user_busy;
    case 484:
        return C::invalid_number_format;
    case 488:
    case 606:
        return C::incompatible_destination;
    case 502:
        return C::network_out_of_order;
    case 405:
        return C::service_unavailable;
    case 406:
    case 415:
    case 501:
        return C::service_not_implemented;
    case 482:
    case 483:
        return C::exchange_routing_error;
    case 487:
        return C::originator_cancel;
    case 428:
        return C::no_identity;
    case 429:
        return C::bad_identity_info;
    case 437:
        return C::unsupported_certificate;
    case 438:
        return C::invalid_identity;
    default:
        return C::normal_unspecified;
    }
}

int cause_to_sip_status(Cause cause) noexcept {
    switch (cause) {
    case C::unallocated_number:
    case C::no_route_transit_net:
    case C::no_route_destination:
        return 404;
    case C::user_busy:
        return 486;
    case C::no_user_response:
        return 408;
    case C::no_answer:
    case C::subscriber_absent:
        return 480;
    case C::call_rejected:
        return 603;
    case C::number_changed:
    case C::redirection_to_new_destination:
        return 410;
    case C::destination_out_of_order:
    case C::invalid_profile:
        return 502;
    case C::invalid_number_format:
    case C::invalid_url:
    case C::invalid_gateway:
        return 484;
    case C::facility_rejected:
        return 501;
    case C::normal_unspecified:
        return 480;
    case C::requested_chan_unavail:
    case C::normal_circuit_congestion:
    case C::network_out_of_order:
    case C::normal_temporary_failure:
    case C::switch_congestion:
    case C::gateway_down:
        return 503;
    case C::outgoing_call_barred:
    case C::incoming_call_barred:
    case C::bearercapability_notauth:
        return 403;
    case C::bearercapability_notavail:
        return 503;
    case C::bearercapability_notimpl:
    case C::incompatible_destination:
        return 488;
    case C::facility_not_implemented:
    case C::service_not_implemented:
        return 501;
    case C::recovery_on_timer_expire:
        return 504;
    case C::originator_cancel:
        return 487;
    case C::exchange_routing_error:
        return 483;
    case C::busy_everywhere:
        return 600;
    case C::decline:
        return 603;
    case C::does_not_exist_anywhere:
        return 604;
    case C::not_acceptable:
        return 606;
    case C::unwanted:
        return 607;
    case C::no_identity:
        return 428;
    case C::bad_identity_info:
        return 429;
    case C::unsupported_certificate:
        return 437;
    case C::invalid_identity:
        return 438;
    case C::stale_date:
        return 403;
    default:
        return 480;
    }
}

}  // namespace fax::esl
