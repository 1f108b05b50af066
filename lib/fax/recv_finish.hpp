#pragma once
/// The end of an incoming fax call, as faxgetty does it
/// (hylafax-integration.md §4): the received TIFF tagged and given its mode
/// (a partial reception is kept and reported, an empty one removed), the
/// xferfaxlog RECV record, the session log closed, the modem released, the
/// fax.received / fax.failed record, then faxrcvd with HylaFAX's arguments.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fax/events.hpp"
#include "fax/recv_call.hpp"
#include "hylafax/receive_slot.hpp"

namespace fax::fax {

/// Everything known about one incoming call.
struct CallState {
    std::string uuid;
    std::int64_t offered_ms = 0;
    std::int64_t answer_ms = 0;
    std::int64_t end_ms = 0;
    std::string cid_number, cid_name, gateway;
    std::string recipient, recipient_source;
    std::string csi;
    bool t38 = false, t38_request = false;
    std::string modem;            ///< "" without virtual modems
    bool modem_assigned = false;  ///< a pool modem to release
    bool rejected = false;
    bool finished = false;
    std::optional<hylafax::ReceiveSlot> slot;
    int negotiations = 0;
    std::optional<Negotiation> negotiation;
    std::vector<PageResult> pages;
    int bad_rows = 0;
    std::optional<FaxResult> result;
    std::string hangup_cause;
    bool fallback_active = false;
    bool fallback_written = false;
    bool fallback_rule = false;   ///< gofaxip's rule matched this failure
    std::string killed_reason;
};

/// gofaxip's fallback rule for a reception: failed, and phase B reported more
/// than once or pages with bad rows.
bool received_fallback_rule(const CallState& c) noexcept;

/// HylaFAX's `Class2Params::encode()` for the call (FaxRecvParams, xferfaxlog).
std::uint32_t received_params(const CallState& c) noexcept;

/// Finishes \a call (blocking parts on ctx.workers); \a done runs on the loop
/// once every file is final and faxrcvd has run.
void finish_call(RecvContext& ctx, CallState call, std::function<void()> done);

}  // namespace fax::fax
