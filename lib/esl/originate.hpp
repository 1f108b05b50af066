#pragma once
/// The `originate` api command as FreeSWITCH 1.10 reads it (mod_commands.c
/// originate_function, switch_ivr_originate.c, switch_event_create_brackets,
/// switch_separate_string), for fax-sim.
///
///   originate <call url> <exten>|&<app>(<arg>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]
///
/// The argument is split on spaces (single quotes group, `\` escapes, `undef`
/// means absent). The call url is `<…>` and `{…}` blocks of variables for all
/// legs, then groups separated by `|` (tried in order), each a list of legs
/// separated by `,` (rung together), each leg `[…]` blocks then
/// `<endpoint>/<data>`. Inside a block `,` separates `name=value` pairs, or the
/// character after a leading `^^`. Every split strips one level of quotes and
/// escapes, so a per-leg value passes five such passes and a `{}` value three.
/// An unbalanced `}` or `]` in a value closes the block (brackets are counted,
/// quotes and `\` are not), and a `,` or `|` in a leg's number splits the leg:
/// callers must keep all of them out.
///
/// The splits are esl::separate_string (fs_string.hpp). Where FreeSWITCH reads
/// past the end of its buffer (a lone `\` ending a piece it splits, `^^`
/// closing a block) the parse fails with Errc::data.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "esl/fs_string.hpp"
#include "esl/hangup_cause.hpp"

namespace fax::esl {

/// mod_commands.c ORIGINATE_SYNTAX.
inline constexpr std::string_view k_originate_syntax =
    "<call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]";

/// switch_url_decode, which mod_spandsp applies to fax_ident, fax_header and
/// fax_timezone: `%` plus sscanf("%2x") when two more bytes follow; `+` stays.
std::string switch_url_decode(std::string_view value);

/// switch_string_var_check_const: the value holds `${` (also `$\{`), which
/// FreeSWITCH refuses to put on a channel unless origination_nested_vars.
bool names_a_variable(std::string_view value) noexcept;

/// One channel variable.
struct ChannelVar {
    std::string name;
    std::string value;
};

/// Variables with FreeSWITCH's EF_UNIQ_HEADERS rules (CHANNEL_DATA events and
/// channel variables): names compare case-insensitively; setting a name again
/// removes the old entry and appends; an empty value only removes.
class VarList {
public:
    void set(std::string_view name, std::string_view value);
    void erase(std::string_view name);
    std::optional<std::string_view> get(std::string_view name) const noexcept;
    const std::vector<ChannelVar>& items() const noexcept { return m_items; }
    bool empty() const noexcept { return m_items.empty(); }
    std::size_t size() const noexcept { return m_items.size(); }

private:
    std::vector<ChannelVar> m_items;
};

enum class EndpointKind {
    sofia_gateway,  ///< sofia/gateway/<gw>/<number>[;params]
    sofia_profile,  ///< sofia/<profile>/<user>@<host>, sofia/<profile>/sip:…
    loopback,       ///< loopback/<ext>[/<context>[/<dialplan>]]
    user,           ///< user/<user>[@<domain>]
    error,          ///< error/<cause>: fails at once with that cause
    other,          ///< anything else (socket/…, a typo): unknown to fax-sim
};

/// A leg's endpoint, split as the endpoint module does.
struct Endpoint {
    EndpointKind kind = EndpointKind::other;
    std::string type;                 ///< before the first '/' ("sofia"); the module name
    std::optional<std::string> data;  ///< after it; nullopt without '/'
    std::string gateway;              ///< sofia_gateway
    std::string profile;              ///< sofia_profile
    /// sofia_gateway: the number (before ';' and '^'); sofia_profile: user part
    /// or whole target without "sip:"; loopback: extension; user: user;
    /// error: the cause text.
    std::string destination;
    std::string host;                 ///< sofia_profile: after '@'; user: domain
    std::string params;               ///< sofia_gateway: after ';'
    std::string context = "default";  ///< loopback
    std::string dialplan = "xml";     ///< loopback
    /// The cause the leg fails with before any signalling: sofia without a
    /// usable URL (INVALID_URL), error/<cause> (str2cause; NONE gives
    /// DESTINATION_OUT_OF_ORDER). Unknown gateways, profiles and endpoint types
    /// need configuration: INVALID_GATEWAY, INVALID_PROFILE, CHAN_NOT_IMPLEMENTED.
    std::optional<Cause> fails_with;
};

/// Splits "<type>/<data>" for the known endpoint modules.
Endpoint parse_endpoint(std::string_view leg_text);

/// One leg of a group.
struct Leg {
    VarList vars;       ///< its `[…]` blocks, in order
    std::string text;   ///< what follows them: "<type>/<data>"
    Endpoint endpoint;
};

/// Legs rung together (`,`). FreeSWITCH tries the groups (`|`) in order.
struct LegGroup {
    std::vector<Leg> legs;  ///< none for an empty group: it fails (DESTINATION_OUT_OF_ORDER)
    /// A `[` block of leg legs.size() does not close. FreeSWITCH dials the
    /// legs before it, then ends the group like a failed one and tries the next.
    std::optional<std::string> error;
};

struct DialString {
    VarList global_vars;  ///< `<…>` then `{…}` blocks (and the cid arguments, as FreeSWITCH adds them)
    std::vector<LegGroup> groups;
    /// "origination_nested_vars=true" occurs (any case, anywhere): values
    /// holding `${` reach the channel.
    bool nested_vars = false;
};

/// Parses a call url (the argument after the api split). Errc::data: a `<`/`{`
/// block that does not close, nothing to dial, `:_:` (enterprise originate,
/// not supported), or a lone trailing `\`. FreeSWITCH answers all of these
/// with -ERR DESTINATION_OUT_OF_ORDER.
core::Result<DialString> parse_dial_string(std::string_view call_url);

/// `&<name>(<arg>)`: the name up to '(', the arg up to the first ')'.
struct Application {
    std::string name;
    std::optional<std::string> arg;  ///< nullopt without '(' ("&park")
};

struct OriginateRequest {
    std::string call_url;                ///< argument 1 after splitting
    DialString dial;
    std::optional<Application> app;      ///< `&app(arg)`
    std::string extension;               ///< otherwise: the extension to transfer to
    std::string dialplan = "XML";
    std::string context = "default";
    std::optional<std::string> cid_name;
    std::optional<std::string> cid_num;
    /// (uint32_t) atoi(timeout_sec), 0 → 60, as switch_ivr_originate gets it.
    std::uint32_t timeout_sec = 60;
};

/// Parses the argument of `api originate` (white space at both ends is
/// stripped first, as switch_api_execute does). Errc::usage when the argument
/// is empty or has not 2..7 parts (FreeSWITCH replies originate_usage_reply());
/// Errc::data for the dial string errors above and for an `undef` call url or
/// extension (FreeSWITCH 1.10 crashes).
core::Result<OriginateRequest> parse_originate(std::string_view argument);

/// "-USAGE: <syntax>\n", the reply to a usage error.
std::string originate_usage_reply();

/// The reply FreeSWITCH gives when parse_originate() fails with \a error:
/// originate_usage_reply() for Errc::usage, "-ERR DESTINATION_OUT_OF_ORDER\n"
/// otherwise.
std::string originate_error_reply(const core::Error& error);

/// The variables the endpoint module gets for \a leg (originate_var_event):
/// the global ones, with the leg's `[…]` replacing them. origination_uuid and
/// origination_caller_id_* are read from here.
VarList endpoint_variables(const DialString& dial, const Leg& leg);

/// The variables the leg's channel ends up with, which mod_spandsp reads.
/// FreeSWITCH installs the leg's `[…]` first and the globals after them, so a
/// global wins unless local_var_clobber (a global) is true; a value naming a
/// variable (`${`) removes the name instead unless nested_vars.
VarList channel_variables(const DialString& dial, const Leg& leg);

/// ignore_early_media (switch_true → on; also "ring_ready", "consume").
enum class EarlyMedia { accept, ignore, ring_ready, consume };

/// What a leg is configured for, with FreeSWITCH's and mod_spandsp's defaults.
struct LegSettings {
    // mod_spandsp, from channel_variables()
    std::string fax_ident = "SpanDSP Fax Ident";    ///< URL-decoded, as the module does
    std::string fax_header = "SpanDSP Fax Header";  ///< URL-decoded
    bool fax_use_ecm = true;
    bool fax_disable_v17 = false;
    bool fax_enable_t38 = true;
    bool fax_enable_t38_request = false;
    bool fax_verbose = false;
    std::optional<std::string> absolute_codec_string;
    std::optional<std::uint32_t> leg_timeout_sec;  ///< leg_timeout when atoi > 0
    // originate, from endpoint_variables()
    std::optional<std::string> origination_uuid;
    std::string caller_id_name;                   ///< default ""
    std::string caller_id_number = "0000000000";  ///< SWITCH_DEFAULT_CLID_NUMBER
    // originate, from the global variables only
    std::uint32_t originate_timeout_sec = 60;  ///< originate_timeout when atoi > 0, else timeout_sec
    EarlyMedia early_media = EarlyMedia::accept;
};

LegSettings leg_settings(const OriginateRequest& request, const Leg& leg);

/// Where a leg sits: group index, leg index.
struct LegPosition {
    std::size_t group = 0;
    std::size_t leg = 0;
    friend bool operator==(const LegPosition&, const LegPosition&) = default;
};

/// The legs whose origination_uuid an earlier leg already uses. FreeSWITCH
/// 1.10.12 refuses them ("Duplicate UUID!"): the leg fails with
/// DESTINATION_OUT_OF_ORDER (esl-protocol.md §6.2).
std::vector<LegPosition> legs_reusing_uuid(const OriginateRequest& request);

}  // namespace fax::esl
