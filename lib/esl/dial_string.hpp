#pragma once
/// The `originate` argument for one fax send (`&txfax(<file>)`), built so that
/// no value — number, gateway, ident, header, caller ID, db override keys and
/// values, file path — can add variables, legs or applications, and the
/// `db` api arguments of the fallback and override lookups.
///
/// FreeSWITCH splits the argument several times (originate.hpp): a `{}` value
/// passes three splits (api ' ', block ',', pair '='), a `[]` value five
/// (api ' ', group '|', leg ',', block, pair '='). Every value is escaped for
/// each split in turn, innermost first, so it comes out of the last one as
/// written: `\` and `'` always, the split's delimiter, spaces as `\s`. A `[]`
/// block whose values need escaping uses `[^^;…]`, which keeps FreeSWITCH's
/// quote-counting comma pass away from them. fax_ident, fax_header and
/// fax_timezone are percent-encoded instead, because mod_spandsp URL-decodes
/// them (switch_url_decode): only [A-Za-z0-9-._+] stays as it is.
///
/// What cannot be carried is refused with Errc::data: control characters,
/// empty values (FreeSWITCH unsets a variable given ""), `${` (FreeSWITCH
/// drops such a value), `{}` or `[]` that do not pair up (brackets are
/// counted before quotes and escapes), `:_:` (enterprise originate), a value
/// starting "ARRAY::" (becomes a multi-valued header), and variable names that
/// run applications or commands or change how the string is read.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace fax::esl {

/// One channel variable to set.
struct DialVar {
    std::string name;
    std::string value;
};

/// One gateway to try: `[<vars>]sofia/gateway/<gateway>/<number>`.
struct DialLeg {
    std::string gateway;
    std::string number;
    std::vector<DialVar> vars;  ///< this leg only (`[]`): origination_uuid, leg_timeout, …
};

/// One fax send.
struct FaxDial {
    std::vector<DialVar> vars;  ///< all legs (`{}`)
    std::vector<DialLeg> legs;  ///< tried one after another (`|`), 1..128
    std::string file;           ///< the TIFF txfax sends
};

/// The argument of `api originate` / `bgapi originate`:
/// `{<vars>}[<leg vars>]sofia/gateway/<gw>/<number>|… &txfax(<file>)`.
/// Refuses (Errc::data, naming the field and why) anything check_number(),
/// check_gateway(), check_variable_name(), check_fax_file() or the value rules
/// above refuse, no legs or more than 128, a name given twice (any case, also
/// once in `{}` and once in a `[]`), and an origination_uuid that two legs
/// would share (FreeSWITCH fails the second with "Duplicate UUID!"): with
/// several legs it must be set per leg, distinct.
core::Result<std::string> build_fax_originate(const FaxDial& dial);

/// Number to dial: 1..64 of [0-9*#], after an optional leading '+'.
core::Result<void> check_number(std::string_view number);

/// Sofia gateway name: 1..64 of [A-Za-z0-9_.-].
core::Result<void> check_gateway(std::string_view gateway);

/// Channel variable name: 1..64 of [A-Za-z0-9_], and not one that runs
/// something (execute_on_*, api_on_*, system_on_*, *hook*, exec_*,
/// api_after_*, transfer_after_*, *execute*) or changes how the dial string is
/// read (origination_nested_vars, local_var_clobber).
core::Result<void> check_variable_name(std::string_view name);

/// txfax's file: absolute, at most 1024 bytes, no control characters, and
/// none of `)` (ends the argument), `$` and `\` (variable expansion), no
/// white space at the end. Spaces and quotes inside are carried escaped.
core::Result<void> check_fax_file(std::string_view path);

/// True for the variables mod_spandsp URL-decodes (any case).
bool url_decoded_by_spandsp(std::string_view name) noexcept;

/// Percent-encodes every byte outside [A-Za-z0-9-._+] as %XX (upper case).
std::string spandsp_url_encode(std::string_view text);

/// Sets \a name in \a vars: replaces the value of an entry with the same name
/// (any case) in place, or appends one. For db overrides.
void set_dial_var(std::vector<DialVar>& vars, std::string_view name, std::string_view value);

// --- db lookups (mod_db: `api db <op>/<realm>/<key>`) -------------------------
//
// The db api splits its argument on '/' with quotes and backslash escapes
// (esl-protocol.md §6.1). A field made only of db_field_safe() bytes passes
// unchanged; numbers accepted by check_number() and names accepted by
// check_variable_name() are such fields.

/// 1..64 bytes of [A-Za-z0-9_.+*#-].
bool db_field_safe(std::string_view field) noexcept;

/// "exists/fallback/<number>" (reply "true": softmodem fallback on).
core::Result<std::string> db_fallback_exists(std::string_view number);

/// "list/override-<number>" (reply: the override keys, comma-separated).
core::Result<std::string> db_override_list(std::string_view number);

/// "select/override-<number>/<key>" (reply: the value, at most 255 bytes).
core::Result<std::string> db_override_select(std::string_view number, std::string_view key);

/// The keys of a `db list/override-<number>` api reply body: "-ERR no reply"
/// (an empty realm, trailing white space ignored) gives none. Errc::data when
/// the reply is an error ("-ERR …", "!err!") or a key is not a valid variable
/// name (check_variable_name()).
core::Result<std::vector<std::string>> parse_override_keys(std::string_view reply);

/// The value of a `db select` api reply body, nullopt for "-ERR no reply"
/// (missing key). The value is returned as it is; build_fax_originate()
/// escapes it.
std::optional<std::string> parse_db_value(std::string_view reply);

}  // namespace fax::esl
