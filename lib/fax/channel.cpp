#include "fax/channel.hpp"

#include <algorithm>

namespace fax::fax {

std::string_view state_name(ChannelState s) noexcept {
    static constexpr std::string_view k_names[] = {
        "CS_NEW",    "CS_INIT",          "CS_ROUTING", "CS_SOFT_EXECUTE", "CS_EXECUTE",
        "CS_EXCHANGE_MEDIA", "CS_PARK",  "CS_CONSUME_MEDIA", "CS_HIBERNATE", "CS_RESET",
        "CS_HANGUP", "CS_REPORTING",     "CS_DESTROY"};
    return k_names[static_cast<int>(s)];
}

std::string_view call_state_name(CallState s) noexcept {
    static constexpr std::string_view k_names[] = {"DOWN", "DIALING", "RINGING", "EARLY", "ACTIVE",
                                                   "HELD", "RING_WAIT", "HANGUP", "UNHELD"};
    return k_names[static_cast<int>(s)];
}

Channel::Channel(std::string uuid, std::string name, CallerProfile profile)
    : m_uuid(std::move(uuid)), m_name(std::move(name)), m_profile(std::move(profile)) {}

void Channel::answer(std::int64_t now_us) {
    m_answer_state = "answered";
    m_profile.answered_us = now_us;
}

void Channel::hangup(std::string cause, std::int64_t now_us) {
    m_answer_state = "hangup";
    m_call_state = CallState::hangup;
    m_hangup_cause = std::move(cause);
    m_profile.hangup_us = now_us;
}

void Channel::set_codec(std::string name, int rate, int bit_rate) {
    m_codec = std::move(name);
    m_rate = rate;
    m_bit_rate = bit_rate;
}

void Channel::append_profile(HeaderList& out, std::string_view prefix) const {
    const CallerProfile& p = m_profile;
    auto add = [&](std::string_view field, std::string_view value) {
        if (!value.empty()) {
            out.emplace_back(std::string(prefix) + std::string(field), std::string(value));
        }
    };
    auto add_time = [&](std::string_view field, std::int64_t us) {
        out.emplace_back(std::string(prefix) + std::string(field), std::to_string(us));
    };
    // switch_caller_profile_event_set_data, in its order.
    add("Direction", p.direction);
    add("Logical-Direction", p.logical_direction);
    add("Username", p.username);
    add("Dialplan", p.dialplan);
    add("Caller-ID-Name", p.caller_id_name);
    add("Caller-ID-Number", p.caller_id_number);
    add("Orig-Caller-ID-Name", p.orig_caller_id_name);
    add("Orig-Caller-ID-Number", p.orig_caller_id_number);
    add("Callee-ID-Name", p.callee_id_name);
    add("Callee-ID-Number", p.callee_id_number);
    add("Network-Addr", p.network_addr);
    add("ANI", p.ani);
    add("Destination-Number", p.destination_number);
    add("Unique-ID", m_uuid);
    add("Source", p.source);
    add("Context", p.context);
    add("Channel-Name", m_name);
    add("Profile-Index", "1");
    add_time("Profile-Created-Time", p.profile_created_us);
    add_time("Channel-Created-Time", p.created_us);
    add_time("Channel-Answered-Time", p.answered_us);
    add_time("Channel-Progress-Time", p.progress_us);
    add_time("Channel-Progress-Media-Time", p.progress_media_us);
    add_time("Channel-Hangup-Time", p.hangup_us);
    add_time("Channel-Transfer-Time", 0);
    add_time("Channel-Resurrect-Time", 0);
    add_time("Channel-Bridged-Time", 0);
    add_time("Channel-Last-Hold", 0);
    add_time("Channel-Hold-Accum", 0);
    add("Screen-Bit", "true");
    add("Privacy-Hide-Name", "false");
    add("Privacy-Hide-Number", "false");
}

void Channel::append_event_data(HeaderList& out, bool with_variables) const {
    out.emplace_back("Channel-State", std::string(state_name(m_state)));
    out.emplace_back("Channel-Call-State", std::string(call_state_name(m_call_state)));
    out.emplace_back("Channel-State-Number", std::to_string(m_state_number.value_or(static_cast<int>(m_state))));
    out.emplace_back("Channel-Name", m_name);
    out.emplace_back("Unique-ID", m_uuid);
    out.emplace_back("Call-Direction", m_profile.direction);
    out.emplace_back("Presence-Call-Direction", m_profile.direction);
    out.emplace_back("Channel-HIT-Dialplan", m_hit_dialplan ? "true" : "false");
    out.emplace_back("Channel-Call-UUID", m_uuid);
    out.emplace_back("Answer-State", m_answer_state);
    if (m_hangup_cause) {
        out.emplace_back("Hangup-Cause", *m_hangup_cause);
    }
    out.emplace_back("Channel-Read-Codec-Name", m_codec);
    out.emplace_back("Channel-Read-Codec-Rate", std::to_string(m_rate));
    out.emplace_back("Channel-Read-Codec-Bit-Rate", std::to_string(m_bit_rate));
    out.emplace_back("Channel-Write-Codec-Name", m_codec);
    out.emplace_back("Channel-Write-Codec-Rate", std::to_string(m_rate));
    out.emplace_back("Channel-Write-Codec-Bit-Rate", std::to_string(m_bit_rate));
    append_profile(out, "Caller-");
    if (with_variables) {
        for (const auto& v : m_vars.items()) {
            out.emplace_back("variable_" + v.name, v.value);
        }
    }
}

void Channel::append_channel_data(HeaderList& out) const {
    append_profile(out, "Channel-");
    append_event_data(out, true);
}

bool event_carries_variables(std::string_view event_name) noexcept {
    static constexpr std::string_view k_with_vars[] = {
        "CHANNEL_CREATE", "CHANNEL_ORIGINATE", "CHANNEL_UUID",   "CHANNEL_ANSWER",  "CHANNEL_PARK",
        "CHANNEL_UNPARK", "CHANNEL_BRIDGE",    "CHANNEL_UNBRIDGE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA",
        "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DATA", "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE",
        "CHANNEL_DESTROY", "REQUEST_PARAMS", "SESSION_HEARTBEAT", "API", "CALL_UPDATE", "CHANNEL_HOLD",
        "CHANNEL_UNHOLD", "TEXT", "CUSTOM", "PLAYBACK_START", "PLAYBACK_STOP", "RECORD_START", "RECORD_STOP",
        "MEDIA_BUG_START", "MEDIA_BUG_STOP"};
    return std::find(std::begin(k_with_vars), std::end(k_with_vars), event_name) != std::end(k_with_vars);
}

}  // namespace fax::fax
