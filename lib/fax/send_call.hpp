#pragma once
/// One fax transmission through FreeSWITCH's inbound Event Socket, as
/// gofaxsend does it (gofax-anchors.md §2.7) without its failover bug:
/// subscribe and filter first, then one `bgapi originate … &txfax(file)` per
/// gateway in order, each leg with its own origination_uuid; follow the
/// channel's mod_spandsp events; end a hung channel with `uuid_kill` after
/// the page timeout; decide sent / retry / failed.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "esl/inbound_client.hpp"
#include "fax/events.hpp"

namespace fax::fax {

/// What to send and how. Values are checked and escaped when the dial
/// string is built: a value that cannot be carried safely fails the send.
struct SendRequest {
    std::string number;                 ///< the number to dial, call prefix included
    std::vector<std::string> gateways;  ///< sofia gateways, tried in this order
    std::string document;               ///< absolute path of the TIFF-F to send
    std::string ident;                  ///< fax_ident (TSI); "" = FreeSWITCH's default
    std::string header;                 ///< fax_header; "" = none set
    std::string cid_number;             ///< origination_caller_id_number; "" = none
    std::string cid_name;               ///< origination_caller_id_name; "" = none
    bool ecm = true;                    ///< fax_use_ecm
    bool disable_v17 = false;           ///< fax_disable_v17
    bool t38 = true;                    ///< fax_enable_t38
    bool t38_request = false;           ///< fax_enable_t38_request
    bool verbose = false;               ///< fax_verbose
    bool softmodem_fallback = false;    ///< consult and feed the `fallback` db realm
    bool overrides = true;              ///< apply `db override-<number>` variables
    std::chrono::seconds ring_timeout{60};       ///< originate_timeout of each leg
    std::chrono::milliseconds page_timeout{0};   ///< answered call with no fax event this long: uuid_kill (0: off)
    std::chrono::milliseconds total_timeout{0};  ///< the whole send (0: unlimited)
    std::vector<std::string> failed_causes;      ///< originate causes that fail for good (failedresponse)
    bool handle_signals = false;        ///< SIGTERM/SIGINT/SIGHUP hang the call up (result: retry)
};

enum class SendStatus { sent, retry, failed };

/// "sent", "retry", "failed".
const char* send_status_name(SendStatus s) noexcept;

/// One originate.
struct LegAttempt {
    std::string gateway;
    std::string uuid;
    std::string cause;  ///< the -ERR cause, or the hangup cause of an answered leg
    bool answered = false;
};

/// Everything learnt about the send.
struct SendOutcome {
    SendStatus status = SendStatus::retry;
    std::string reason;        ///< "" when sent; otherwise one line, for logs and the qfile status
    std::string cause;         ///< FreeSWITCH cause of the last leg ("USER_BUSY", "NORMAL_CLEARING", …)
    std::vector<LegAttempt> legs;
    std::string gateway;       ///< the leg that answered (or the last tried)
    std::string uuid;          ///< its channel uuid
    bool answered = false;
    std::int64_t start_ms = 0;   ///< when dialling started (unix ms)
    std::int64_t answer_ms = 0;  ///< when the call was answered (0: never)
    std::int64_t end_ms = 0;     ///< when it was over
    int negotiations = 0;        ///< phase B reports (more than one: renegotiated)
    std::optional<Negotiation> negotiation;  ///< the last one
    std::vector<PageResult> pages;           ///< phase D reports, in order
    std::optional<FaxResult> result;         ///< phase E (or the channel's fax_* variables)
    int bad_rows = 0;            ///< sum over the pages
    bool fallback_active = false;   ///< a fallback entry turned T.38 off
    bool fallback_written = false;  ///< this failure added one
    bool killed = false;            ///< hung up by uuid_kill (page or total timeout, or a signal)
    int signal = 0;                 ///< the signal that interrupted the send, if any
    std::vector<std::pair<std::string, std::string>> overrides;  ///< db override variables applied

    /// Pages the far end confirmed.
    int pages_sent() const noexcept;
};

/// Progress callbacks; each runs on the send's loop. Defaults do nothing.
class SendObserver {
public:
    virtual ~SendObserver() = default;
    virtual void dialing(const SendRequest&, const LegAttempt&, int /*attempt*/) {}
    virtual void leg_failed(const LegAttempt&) {}
    virtual void answered(const LegAttempt&) {}
    virtual void negotiated(const Negotiation&, int /*count*/) {}
    virtual void page(const PageResult&) {}
    /// A one-line remark for the logs ("fallback entry found: T.38 off", …).
    virtual void note(const std::string&) {}
};

/// Sends \a req. Never fails as a whole: every problem (FreeSWITCH
/// unreachable, a value that cannot be dialled, no answer …) is an outcome.
SendOutcome run_send(const esl::ClientConfig& esl, const SendRequest& req, SendObserver& observer);

/// The status for a finished send: sent when the fax result says success;
/// failed for an originate cause in req.failed_causes or a request that
/// cannot work; otherwise retry. Exposed for tests.
SendStatus classify(const SendRequest& req, const SendOutcome& out) noexcept;

/// gofaxip's fallback rule (§4): a failed fax whose phase B was reported more
/// than once, or whose pages had bad rows.
bool fallback_rule_matches(const SendOutcome& out) noexcept;

}  // namespace fax::fax
