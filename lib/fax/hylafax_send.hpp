#pragma once
/// fax-send as HylaFAX's SendFaxCmd: `fax-send -m MODEM sendq/qN`, run by
/// faxq with the spool as working directory (hylafax-integration.md §2).
/// Reads and rewrites the qfile under flock, takes a commid from log/seqf,
/// keeps the session log log/c<commid>, merges the `fax:` documents, runs
/// DynamicConfigOutgoing, sends through FreeSWITCH, appends the xferfaxlog
/// SEND record, tells fax-recv's virtual modem SB/SR, and returns faxq's
/// `returned:` value (0 retry, 1 failed, 2 done), which is also the exit status.

#include <string>

#include "cli/diag.hpp"
#include "fax/send_settings.hpp"

namespace fax::fax {

struct HylafaxSendOptions {
    std::string modem;   ///< -m: the modem faxq chose (freeswitchN)
    std::string qfile;   ///< sendq/qN, relative to the spool
    std::string events;  ///< JSON-lines FILE or FIFO ("" = [fax-send] events, else none)
};

/// Runs the job. Diagnostics go to syslog (facility daemon, as HylaFAX logs), the
/// session log and \a diag; never to stdout. Returns 0, 1 or 2.
int run_hylafax_send(const SendSettings& settings, const HylafaxSendOptions& options, const cli::Diag& diag);

/// When fax-send cannot even load its configuration under faxq: \a error goes
/// to syslog and \a diag, and, when the qfile can be opened, into its
/// `status:` with `returned:0` and a tts five minutes ahead, so the job waits
/// (and faxstat shows why) until the site fixes the file. Returns 0 (retry).
int report_setup_failure(const HylafaxSendOptions& options, const core::Error& error, const cli::Diag& diag);

}  // namespace fax::fax
