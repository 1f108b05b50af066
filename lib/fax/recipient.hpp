#pragma once
/// Who was called: the recipient number of an inbound fax call, from the
/// channel data FreeSWITCH gives an outbound-socket server.
///
/// gofaxd takes `variable_sip_to_user`, or with recipientfromdiversionheader
/// the first `sip:(\d+)@` in `variable_sip_h_Diversion`, refusing the call
/// (404) when there is none. faxkit falls back instead (gofaxip issue #78):
///
///   from_diversion:  Diversion → History-Info → P-Called-Party-ID → To → destination
///   otherwise:       To → destination
///
/// A source counts only when it yields a number: digits with an optional
/// leading '+', at most 32 digits. A user part with anything else ("fax",
/// "alice", "123abc", "12 34") skips that source, so nothing a caller puts in
/// a header reaches the recipient unless it is a plain number.
///
/// Where FreeSWITCH (mod_sofia) puts the headers:
///   Diversion          variable_sip_h_Diversion (variable_sip_i_diversion
///                      with parse-all-invite-headers)
///   History-Info       variable_sip_history_info (variable_sip_h_History-Info,
///                      variable_sip_i_history_info)
///   P-Called-Party-ID  variable_sip_h_P-Called-Party-ID
///                      (variable_sip_i_p_called_party_id)
///   To                 variable_sip_to_user, else the user of
///                      variable_sip_to_uri ("user@host") or variable_sip_full_to
///   destination        Caller-Destination-Number (the dialplan's; "socket"
///                      or an extension name in many setups, then skipped)
/// A multi-valued variable (ARRAY::) is read as one comma-separated list.

#include <optional>
#include <string>
#include <string_view>

#include "esl/event.hpp"

namespace fax::fax {

struct Recipient {
    std::string number;  ///< "+4930123456" or "4930123456"; "" when no source has one
    std::string source;  ///< "diversion", "history-info", "p-called-party-id", "to", "destination"; "" with no number
};

/// The recipient of the call described by \a channel_data (see the file
/// comment for the order). An empty number means none was found: the caller
/// decides whether to take the call anyway.
Recipient find_recipient(const esl::Event& channel_data, bool from_diversion);

/// \a user as a number: optional '+', then 1 to 32 digits; nullopt otherwise.
std::optional<std::string> number_from_user(std::string_view user);

/// The number in a `sip:`, `sips:` or `tel:` URI (scheme in any case):
/// the user part of a SIP URI (percent-decoded, user parameters after ';'
/// dropped), the global or local number of a tel URI. Visual separators
/// ("-", ".", "(", ")") are removed from tel URIs and from SIP URIs with
/// `user=phone`. nullopt for other schemes, no user part, or no number.
std::optional<std::string> number_from_uri(std::string_view uri);

/// Diversion (RFC 5806): the entries are newest first, so the first one is
/// the party that last diverted the call to us. Returns the number of the
/// first entry that has one (what gofaxd's regex finds, plus '+' and tel:).
std::optional<std::string> number_from_diversion(std::string_view header);

/// History-Info (RFC 7044): the entries are in the order the request was
/// retargeted, the last one being the request that reached us. Returns the
/// number of the entry the call was last diverted from, the same party
/// Diversion names first: the parent (by `index`) of the last entry, then
/// that entry's own ancestors; without usable indexes, the entries before
/// the last one, newest first. A single entry is taken as it is.
std::optional<std::string> number_from_history_info(std::string_view header);

/// P-Called-Party-ID (RFC 3455): the number of its (first) URI.
std::optional<std::string> number_from_p_called_party_id(std::string_view header);

}  // namespace fax::fax
