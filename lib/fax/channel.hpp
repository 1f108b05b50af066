#pragma once
/// A simulated FreeSWITCH channel (fax-sim): state, caller profile, channel
/// variables, and the headers FreeSWITCH attaches to the channel's events
/// (switch_channel_event_set_data), in FreeSWITCH's order.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "esl/originate.hpp"

namespace fax::fax {

/// Event headers in wire order (values not URL-encoded).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// switch_channel_state_t, in FreeSWITCH's numbering.
enum class ChannelState {
    cs_new = 0, cs_init, cs_routing, cs_soft_execute, cs_execute, cs_exchange_media, cs_park,
    cs_consume_media, cs_hibernate, cs_reset, cs_hangup, cs_reporting, cs_destroy,
};

/// switch_channel_callstate_t.
enum class CallState { down, dialing, ringing, early, active, held, ring_wait, hangup, unheld };

std::string_view state_name(ChannelState s) noexcept;     ///< "CS_EXECUTE"
std::string_view call_state_name(CallState s) noexcept;   ///< "RINGING"

/// The caller profile (switch_caller_profile_t). Empty strings are omitted
/// from events, as FreeSWITCH does; times are µs since the epoch, 0 = never.
struct CallerProfile {
    std::string direction = "inbound";
    std::string logical_direction = "inbound";
    std::string username;
    std::string dialplan = "XML";
    std::string caller_id_name;
    std::string caller_id_number;
    std::string orig_caller_id_name;
    std::string orig_caller_id_number;
    std::string callee_id_name;
    std::string callee_id_number;
    std::string network_addr;
    std::string ani;
    std::string destination_number;
    std::string source = "mod_sofia";
    std::string context = "default";
    std::int64_t profile_created_us = 0;
    std::int64_t created_us = 0;
    std::int64_t answered_us = 0;
    std::int64_t progress_us = 0;
    std::int64_t progress_media_us = 0;
    std::int64_t hangup_us = 0;
};

/// One channel. Not thread-safe.
class Channel {
public:
    /// \a uuid is the Unique-ID, \a name the channel name ("sofia/gw/4930…").
    Channel(std::string uuid, std::string name, CallerProfile profile);

    const std::string& uuid() const noexcept { return m_uuid; }
    const std::string& name() const noexcept { return m_name; }
    CallerProfile& profile() noexcept { return m_profile; }
    const CallerProfile& profile() const noexcept { return m_profile; }

    ChannelState state() const noexcept { return m_state; }
    /// Sets the state; Channel-State-Number shows \a number when given
    /// (FreeSWITCH reports the running state there, which can differ).
    void set_state(ChannelState s, std::optional<int> number = std::nullopt) noexcept {
        m_state = s;
        m_state_number = number;
    }
    /// Channel-HIT-Dialplan: true for calls that ran the dialplan (incoming),
    /// false for originated legs.
    void set_hit_dialplan(bool v) noexcept { m_hit_dialplan = v; }
    CallState call_state() const noexcept { return m_call_state; }
    void set_call_state(CallState s) noexcept { m_call_state = s; }
    /// "ringing", "early", "answered" or "hangup".
    const std::string& answer_state() const noexcept { return m_answer_state; }
    void set_answer_state(std::string s) { m_answer_state = std::move(s); }

    /// Marks the channel answered at \a now_us (Answer-State, answered time).
    void answer(std::int64_t now_us);
    /// Hangs up with \a cause ("NORMAL_CLEARING"…) at \a now_us.
    void hangup(std::string cause, std::int64_t now_us);
    /// The hangup cause, once hung up.
    const std::optional<std::string>& hangup_cause() const noexcept { return m_hangup_cause; }

    /// Sets the codec shown in Channel-Read/Write-Codec-* (default L16/8000).
    void set_codec(std::string name, int rate, int bit_rate);

    /// Sets a channel variable with FreeSWITCH's rules (esl::VarList): names
    /// compare case-insensitively, a variable set again moves to the end of
    /// the list, an empty value deletes it.
    void set_variable(std::string_view name, std::string_view value) { m_vars.set(name, value); }
    std::optional<std::string_view> variable(std::string_view name) const noexcept { return m_vars.get(name); }
    const esl::VarList& variables() const noexcept { return m_vars; }

    /// Appends the channel headers of an event (Channel-State … Caller-*),
    /// and, when \a with_variables, every variable as variable_<name>.
    void append_event_data(HeaderList& out, bool with_variables) const;
    /// Appends the outbound-socket connect reply's channel data: the caller
    /// profile with prefix "Channel-", then append_event_data(…, true).
    void append_channel_data(HeaderList& out) const;

private:
    void append_profile(HeaderList& out, std::string_view prefix) const;
    std::string m_uuid;
    std::string m_name;
    CallerProfile m_profile;
    ChannelState m_state = ChannelState::cs_new;
    std::optional<int> m_state_number;
    bool m_hit_dialplan = true;
    CallState m_call_state = CallState::down;
    std::string m_answer_state = "ringing";
    std::optional<std::string> m_hangup_cause;
    std::string m_codec = "L16";
    int m_rate = 8000;
    int m_bit_rate = 128000;
    esl::VarList m_vars;
};

/// Whether FreeSWITCH adds variable_* headers to \a event_name events
/// (esl-protocol.md §3.3; CUSTOM ones do, CHANNEL_STATE/CALLSTATE do not).
bool event_carries_variables(std::string_view event_name) noexcept;

}  // namespace fax::fax
