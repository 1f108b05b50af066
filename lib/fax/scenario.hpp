#pragma once
/// fax-sim's scenario file: the world behind FreeSWITCH's gateways, i.e. what
/// answers when a number is dialled. Without a file every gateway is up and
/// every number is a healthy fax machine.
///
/// The file is one JSON object; every key is optional, unknown keys are errors,
/// and "comment" (a string) is allowed in any object:
///
///   {
///     "gateways": { "gw1": "up", "gw2": "down" },
///     "default": "fax",
///     "numbers": {
///       "4930111": "busy",
///       "4930222": "no_answer",
///       "4930333": "rejected",
///       "4930444": "unallocated",
///       "4930555": { "kind": "failure", "sip": 503 },
///       "4930666": { "kind": "failure", "cause": "NORMAL_TEMPORARY_FAILURE" },
///       "49307*":  { "csi": "+49 30 7", "ecm": false, "max_bit_rate": 9600, "t38": false },
///       "gw2/4930888": { "noise_dbm0": -30, "ecm": false },
///       "*": "fax"
///     }
///   }
///
/// gateways: name → "up" or "down". A leg to a down gateway fails with
///   GATEWAY_DOWN (mod_sofia: the gateway's ping failed); with this key
///   present, a gateway not listed fails with INVALID_GATEWAY. Without it
///   every gateway is up.
/// numbers: key → behaviour. A key is an exact number, or a prefix ending in
///   `*` (`*` alone: every number), optionally preceded by "<gateway>/" to
///   apply only to legs through that gateway. The most specific key wins: an
///   exact number over any prefix, a longer prefix over a shorter one, a
///   gateway key over a plain one; then the first in the file. Numbers that
///   match no key get "default" (if absent: a healthy fax machine).
/// A behaviour is a string, short for {"kind": <string>}, or an object:
///   kind        "fax" (the default), "busy" (SIP 486 → USER_BUSY), "no_answer"
///               (rings until the originate timeout → NO_ANSWER), "rejected"
///               (603 → CALL_REJECTED), "unallocated" (404 → UNALLOCATED_NUMBER),
///               "failure" (one of: "cause": a FreeSWITCH cause name; "sip": a
///               final status 300..699, mapped as mod_sofia does).
///   ring_ms     milliseconds of ringing before the answer or the failure (0).
/// fax only (a fax machine that receives):
///   csi            its CSI, at most 20 printable ASCII characters (default:
///                  the dialled number, its last 20 characters)
///   ecm            error correction mode (true)
///   max_bit_rate   top speed: 14400, 9600, 7200, 4800 or 2400 (14400)
///   t38            true: supports T.38; false: G.711 only (a T.38 re-INVITE
///                  is refused); "fails": accepts T.38 but the fax over T.38
///                  fails while G.711 works (what softmodem fallback is for);
///                  "late": answers in G.711 and re-INVITEs to T.38 once the
///                  sender has negotiated (a gateway that switches on hearing
///                  V.21), unless the sender asked for T.38 first: the sender
///                  negotiates twice, then sends over T.38; "late_fails": the
///                  same, and the fax over T.38 then fails as with "fails"
///   noise_dbm0     a noisy line: white noise of this level, -90..0 dBm0 (the
///                  modems send at about -14 dBm0; around -30 gives bad rows
///                  without ECM)
///   hangup_after_pages  the far end hangs up once this many pages are
///                  confirmed, plus hangup_delay_ms (default 3000: during the
///                  next page), giving result code 49
///   txfax_hangs    after the last page FreeSWITCH's txfax never ends (no
///                  phase E until the channel is killed)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "esl/hangup_cause.hpp"

namespace fax::fax {

/// What happens to a leg dialled to a number.
enum class Outcome {
    fax,              ///< a fax machine answers
    busy,             ///< USER_BUSY
    no_answer,        ///< rings until the originate/leg timeout: NO_ANSWER
    rejected,         ///< CALL_REJECTED
    unallocated,      ///< UNALLOCATED_NUMBER
    failure,          ///< another cause
    gateway_down,     ///< GATEWAY_DOWN, before any signalling
    invalid_gateway,  ///< INVALID_GATEWAY, before any signalling
};

/// "fax", "busy", "no_answer", "rejected", "unallocated", "failure",
/// "gateway_down", "invalid_gateway".
std::string_view outcome_name(Outcome o) noexcept;

enum class T38Support { yes, no, fails, late, late_fails };

/// The receiving fax machine at the far end.
struct FaxMachine {
    std::optional<std::string> csi;  ///< nullopt: from the dialled number, see csi_for()
    bool ecm = true;
    int max_bit_rate = 14400;
    T38Support t38 = T38Support::yes;
    std::optional<double> noise_dbm0;
    int hangup_after_pages = -1;  ///< -1: never
    int hangup_delay_ms = 3000;
    bool txfax_hangs = false;

    /// The CSI the machine reports when \a number was dialled.
    std::string csi_for(std::string_view number) const;
};

struct NumberBehaviour {
    Outcome outcome = Outcome::fax;
    /// Everything but fax: the cause the leg ends with (originate's -ERR).
    esl::Cause cause = esl::Cause::none;
    /// The final SIP status the far end sends (486 …); 0: none (no_answer,
    /// gateway_down, invalid_gateway, fax).
    int sip_status = 0;
    int ring_ms = 0;
    FaxMachine machine;  ///< outcome fax
    /// The numbers key that matched ("" for the default and gateway failures).
    std::string rule;
};

enum class GatewayState { up, down, unknown };

class Scenario {
public:
    /// No file: every gateway up, every number a healthy fax machine.
    Scenario();

    /// Parses the JSON text; \a source names it in messages. Every error is
    /// Errc::config with one message: "<source>: <JSON path>: <what>".
    static core::Result<Scenario> parse(std::string_view json_text, std::string_view source = "scenario");
    /// Reads and parses the file at \a path (Errc::config when unreadable).
    static core::Result<Scenario> load(const std::string& path);

    GatewayState gateway_state(std::string_view gateway) const noexcept;

    /// What answers \a number dialled through \a gateway ("" for legs that use
    /// no gateway, e.g. loopback: gateways are then not checked).
    const NumberBehaviour& behaviour_for(std::string_view gateway, std::string_view number) const noexcept;

private:
    struct Rule {
        std::string key;
        std::string gateway;  ///< "" = any
        std::string pattern;  ///< number, or prefix when is_prefix
        bool is_prefix = false;
        NumberBehaviour behaviour;
    };
    struct Gateway {
        std::string name;
        bool up = true;
    };
    friend class ScenarioParser;

    bool m_gateways_listed = false;
    std::vector<Gateway> m_gateways;
    std::vector<Rule> m_rules;
    NumberBehaviour m_default;
    NumberBehaviour m_gateway_down;
    NumberBehaviour m_invalid_gateway;
};

}  // namespace fax::fax
