#pragma once
/// fax-recv's service: one outbound-socket server for every incoming call
/// (FreeSWITCH's `socket <addr> async full`), the virtual modems, the worker
/// threads for file work and faxrcvd, JSON lines on stdout, and an orderly
/// stop on SIGTERM: no new calls, in-flight calls finish (up to the grace
/// period, then they are hung up), files made final, modems marked down.

#include <optional>
#include <string>

#include "cli/diag.hpp"
#include "fax/recv_settings.hpp"

namespace fax::fax {

struct ReceiverOptions {
    std::optional<std::string> spool;   ///< --spool: replaces [hylafax] spooldir (created if missing)
    std::optional<std::string> listen;  ///< --listen HOST:PORT: replaces [gofaxd] socket
    std::string port_file;              ///< write the bound port here once listening
    bool no_modems = false;             ///< --no-modems: ignore [hylafax] modems
};

/// Runs until SIGTERM/SIGINT. Returns the exit status: 0 after an orderly
/// stop; 69 when the address cannot be bound; 78 for a bad spool; 74 when
/// the spool cannot be prepared.
int run_receiver(const RecvSettings& settings, const ReceiverOptions& options, int out_fd, const cli::Diag& diag);

}  // namespace fax::fax
