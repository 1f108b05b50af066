#pragma once
/// One incoming fax call on FreeSWITCH's outbound socket, as gofaxd serves it
/// (gofax-anchors.md §3.3) with its bugs fixed: filter and fax-event
/// subscription, recipient (To, or Diversion with fallbacks), a virtual
/// modem of its own, DynamicConfig, the softmodem fallback check, the
/// answer sequence with event-lock, rxfax into HylaFAX's recvq, a per-call
/// idle timeout, and the HylaFAX bookkeeping once the call is over.

#include <functional>
#include <memory>
#include <optional>
#include <map>
#include <string>

#include "core/loop.hpp"
#include "core/workers.hpp"
#include "esl/outbound_server.hpp"
#include "fax/recv_settings.hpp"

namespace fax::fax {

/// The virtual modems inbound calls take (HylaFAX mode), or none.
class InboundModems {
public:
    virtual ~InboundModems() = default;
    /// A free modem, now busy receiving; nullopt when all are in use.
    virtual std::optional<std::string> acquire(const std::string& commid) = 0;
    /// The call on \a modem got its commid (faxq learns it: `+<modem>:I<commid>`).
    virtual void set_commid(const std::string& modem, const std::string& commid) = 0;
    /// The call on \a modem is over.
    virtual void release(const std::string& modem) = 0;
};

/// What every call shares.
struct RecvContext {
    RecvContext(core::Loop& l, core::Workers& w, const RecvSettings& s, std::string sp)
        : loop(l), workers(w), settings(s), spool(std::move(sp)) {}
    core::Loop& loop;
    core::Workers& workers;          ///< file work: receive slots, tagging, logs
    core::Workers* faxrcvd = nullptr; ///< faxrcvd runs (slow: mail); null: use workers
    const RecvSettings& settings;
    std::string spool;               ///< absolute
    InboundModems* modems = nullptr; ///< null: no virtual modems
    bool hylafax = true;             ///< run faxrcvd
    std::function<void(const std::string& record)> emit;  ///< one JSON record
    std::function<void(const std::string& line)> log;     ///< one diagnostic line (syslog/stderr)
    std::size_t active = 0;          ///< calls not yet finished
    std::function<void()> on_idle;   ///< called when active drops to 0
    /// Calls in progress by uuid, each with its hang-up function (shutdown).
    std::map<std::string, std::function<void()>> live;
};

/// Serves \a session until the call is over and its files are final.
void serve_call(RecvContext& ctx, std::shared_ptr<esl::OutboundSession> session);

/// Hangs up every call in progress (`uuid_kill` over its own socket).
void kill_all_calls(RecvContext& ctx);

}  // namespace fax::fax
