#pragma once
/// Where one received fax goes, by HylaFAX's receive conventions
/// (hylafax-integration.md §4–5): `recvq/fax%09u.tif` numbered from
/// recvq/seqf, a commid from log/seqf with its session log log/c<commid>.
/// The file is created O_EXCL with mode 0600 and kept under flock(LOCK_EX)
/// while the fax arrives, so hfaxd shows it as "being received".

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "core/unique_fd.hpp"
#include "hylafax/session_log.hpp"

namespace fax::hylafax {

struct ReceiveSlot {
    std::uint32_t number = 0;  ///< from recvq/seqf
    std::string commid;        ///< 9 digits, from log/seqf
    std::string file;          ///< "recvq/fax000000001.tif", relative to the spool
    std::string path;          ///< the same, absolute (for FreeSWITCH's rxfax)
    core::UniqueFd lock;       ///< the file, flock(LOCK_EX) held
    SessionLog log = SessionLog::disabled();
};

/// Takes the next numbers and creates the (empty, locked) file in \a spool
/// (an absolute directory with recvq/ and log/, created 0755 when missing).
/// The sequence files are updated as HylaFAX does, without fsync; a number
/// whose recvq file or session log exists is skipped. A session log that
/// cannot be created leaves the slot's log disabled. Errc::io on failure.
/// Blocking (file locks and creation): call off the event loop.
core::Result<ReceiveSlot> open_receive_slot(const std::string& spool, mode_t log_mode = 0600);

}  // namespace fax::hylafax
