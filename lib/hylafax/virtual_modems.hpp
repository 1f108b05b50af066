#pragma once
/// The virtual modems <prefix>0 … <prefix><count-1> that one fax-recv process
/// presents to HylaFAX in place of one faxgetty per line
/// (hylafax-integration.md §3-§4, gofax-anchors.md §3.5-§3.6).
///
/// Files, per modem <id>, in the spool (created by start()):
/// * `FIFO.<id>`: mkfifo 0600 when missing (an existing non-FIFO is an error),
///   kept open O_RDWR|O_NONBLOCK and read on the loop, so faxq's writes never
///   block and the pool never sees EOF; closed by shutdown().
/// * `status/<id>` (0644): the faxstat -s text, rewritten under
///   flock(LOCK_EX) on every state change, without a newline.
/// * `etc/config.<id>` (0644): written only when create_config_files is set
///   and the file is missing (never overwritten). hfaxd lists a modem in
///   faxstat -s only when it AND FIFO.<id> exist; faxq needs it only for its
///   start-up scan (and HELLO). Failing to create it is a warning, not an
///   error: on Debian <spool>/etc is /etc/hylafax, owned by root, while
///   fax-recv runs as uucp (an admin creates the files there).
///
/// Messages to faxq (<spool>/FIFO, NUL-terminated, never blocking; faxq not
/// running is logged at debug level and is not an error):
/// * Ready, `+<id>:R<capabilities>`, is the only message that wakes faxq's
///   scheduler (faxQueueApp::FIFOModemMessage), and ready messages in quick
///   succession can leave a job stuck (quirk 2 of hylafax-integration.md).
///   So ready messages of all modems share one queue and go out at most one
///   per announce_spacing (measured from the end of one write to the start
///   of the next; the first goes out at once). A queued ready message is dropped if its modem stops being
///   ready before its turn; a modem is queued at most once.
/// * Busy (`B` inbound, `U` outbound), down (`D`), number (`N<number>`) and
///   commid (`I<commid>`) messages do not wake the scheduler; they go out at
///   once, so faxq learns of a busy modem without delay.
///
/// Modem state (state()) comes from three inputs: inbound calls
/// (acquire_inbound / release_inbound), requests on FIFO.<id> (faxq's L and
/// HELLO, the sender's SB and SR; see hylafax/modem_request.hpp) and
/// shutdown(). A modem can hold an inbound call and an outbound job at once
/// (faxq may lock it just before it learns of the call); state() then reports
/// busy_inbound, and the modem is ready again only when both are over.
///
/// | event                    | to faxq                   | status file            |
/// |--------------------------|---------------------------|------------------------|
/// | start()                  | N (if number), R (queued) | Running and idle       |
/// | acquire_inbound(commid)  | B, I<commid> (if given)   | Receiving facsimile    |
/// | set_commid(id, commid)   | I<commid>                 | (unchanged)            |
/// | release_inbound(id)      | I (if a commid was sent), R when ready (queued) | per state |
/// | FIFO.<id> "L"            | (none: faxq set it busy)  | Locked for sending     |
/// | FIFO.<id> "SB"           | U                         | Sending facsimile      |
/// | FIFO.<id> "SR"           | R when ready (queued)     | per state              |
/// | FIFO.<id> "H…" (HELLO)   | N (if number), R when ready (queued) | (unchanged) |
/// | every `reannounce`       | R for each ready modem (queued) | (unchanged)      |
/// | LCK..<id> gone (optional)| R (queued): as SR         | Running and idle       |
/// | shutdown()               | D for every modem, at once | Down                  |
///
/// Use from the loop thread only. Not copyable or movable.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace fax::core {
class Loop;
}

namespace fax::hylafax {

/// Most modems one pool serves.
inline constexpr unsigned k_max_modems = 1000;

struct ModemPoolConfig {
    std::string spool;                        ///< HylaFAX spool: holds FIFO, etc/, status/
    unsigned count = 1;                       ///< modems <prefix>0 … <prefix><count-1>, 1..k_max_modems
    std::string prefix = "freeswitch";        ///< modem id prefix
    /// What follows R in the ready message: P/p (polling), 8 hex digits of
    /// capability bits, optionally ":<priority in hex>" (faxgetty: ":ff").
    std::string capabilities = "pcbffff01";
    /// Least time between two ready messages to faxq (quirk 2). Zero: no limit.
    std::chrono::milliseconds announce_spacing{1100};
    /// Ready modems are announced again this often (spaced as above), which
    /// also wakes a faxq that sleeps on a runnable job. Zero: never.
    std::chrono::milliseconds reannounce{60000};
    /// The modems' fax number: `FAXNumber:` of new config files (faxstat -s
    /// shows it) and `+<id>:N<number>` at start and on HELLO. Empty: neither.
    std::string local_number;
    /// Create a missing etc/config.<id>; an existing one is never touched. A
    /// failure (no permission) is logged as a warning.
    bool create_config_files = true;
    /// Also write `RecvFileMode: 0<octal>` into new config files.
    std::optional<unsigned> recv_file_mode;
    /// faxq's UUCPLockDir (e.g. /var/lock). When set, a modem that is locked
    /// or sending for an outbound job becomes ready again once faxq's
    /// `LCK..<id>` there is gone (the job is over although no SR came, e.g.
    /// the sender crashed), as faxgetty's LOCKWAIT does. Empty: only SR
    /// ends the outbound state.
    std::string uucp_lock_dir;
    /// How often the lock files are checked.
    std::chrono::milliseconds lock_poll{30000};
};

/// What a modem is doing, as the pool sees it.
enum class ModemState {
    down,           ///< before start(), after shutdown()
    ready,          ///< free for an inbound call or an outbound job
    busy_inbound,   ///< an inbound call holds it (acquire_inbound)
    busy_outbound,  ///< a sender said SB
    locked,         ///< faxq said L (job assigned); SB normally follows
};

/// Stable lower-case name of \a state ("ready", "busy_inbound", …).
const char* modem_state_name(ModemState state) noexcept;

/// The faxstat -s text written to status/<id> for \a state.
const char* modem_status_text(ModemState state) noexcept;

struct ModemPoolCounters {
    std::uint64_t messages_sent = 0;       ///< messages faxq's FIFO took
    std::uint64_t messages_failed = 0;     ///< messages not delivered (faxq not running, pipe full, …)
    std::uint64_t requests = 0;            ///< messages read from the FIFO.<id> files
    std::uint64_t unknown_requests = 0;    ///< of those, ignored (unknown or overlong)
    std::uint64_t inbound_acquired = 0;    ///< acquire_inbound calls that got a modem
    std::uint64_t inbound_refused = 0;     ///< acquire_inbound calls that found none ready
    std::uint64_t status_write_errors = 0; ///< status/<id> rewrites that failed
};

class ModemPool {
public:
    enum class Level { debug, info, warning };
    /// One log line (no newline), e.g. "modem freeswitch0: SB from FIFO.freeswitch0: busy_outbound".
    using LogFn = std::function<void(Level level, std::string_view line)>;
    /// Called for every message to faxq right after the attempt to write it.
    using SentFn = std::function<void(std::string_view message, bool delivered)>;

    /// Keeps a reference to \a loop, which must outlive the pool.
    ModemPool(core::Loop& loop, ModemPoolConfig config);
    /// Runs shutdown() if the pool is running.
    ~ModemPool();
    ModemPool(const ModemPool&) = delete;
    ModemPool& operator=(const ModemPool&) = delete;

    /// Callbacks run synchronously inside the pool's calls and handlers; they
    /// must not call back into the pool.
    void on_log(LogFn fn);
    void on_sent(SentFn fn);

    /// Creates the files (see above), opens and watches every FIFO.<id>,
    /// writes "Running and idle", queues the ready announcements and starts
    /// the re-announce (and lock poll) timers. Errc::config for a bad
    /// configuration (count 0 or above k_max_modems, invalid ids or capabilities, empty spool, a
    /// FIFO.<id> that is not a FIFO, a missing spool directory), Errc::permission
    /// or Errc::io when a file cannot be made; then nothing stays open.
    /// Errc::usage when called twice.
    core::Result<void> start();

    /// For an inbound call: takes the first ready modem (lowest number), sends
    /// `+<id>:B` (and `+<id>:I<commid>` when \a commid is not empty) and
    /// returns its id. nullopt when no modem is ready (all busy, locked or the
    /// pool is not running): the caller rejects the call.
    std::optional<std::string> acquire_inbound(std::string_view commid = {});
    /// Reports the commid of the call on \a id (`+<id>:I<commid>`) when it is
    /// known only after acquire_inbound. False if \a id holds no inbound call.
    bool set_commid(std::string_view id, std::string_view commid);
    /// Ends the inbound call on \a id; the modem is announced ready again
    /// (queued) unless an outbound job holds it. False (and nothing sent) if
    /// \a id holds no inbound call.
    bool release_inbound(std::string_view id);

    /// Marks every modem down: `+<id>:D` to faxq at once for each (no
    /// spacing), status "Down", queued announcements dropped, timers
    /// cancelled, FIFO.<id> closed. Idempotent; the pool cannot be restarted.
    void shutdown();

    /// The modem ids in order.
    const std::vector<std::string>& ids() const noexcept;
    /// The state of \a id; nullopt for an unknown id.
    std::optional<ModemState> state(std::string_view id) const;
    /// Number of modems in \a state.
    unsigned count(ModemState state) const noexcept;
    const ModemPoolCounters& counters() const noexcept;
    /// Ready announcements waiting for their turn.
    std::size_t queued_announcements() const noexcept;

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace fax::hylafax
