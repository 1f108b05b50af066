#pragma once
/// fax-send on its own: `fax-send --to NUMBER FILE...` converts PDF and
/// PostScript with ghostscript, merges the pages into one TIFF-F, sends it
/// through FreeSWITCH (retrying when asked) and writes JSON lines to stdout.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cli/diag.hpp"
#include "fax/send_settings.hpp"

namespace fax::fax {

struct StandaloneOptions {
    std::string to;
    std::vector<std::string> files;  ///< empty: the document is read from stdin
    std::optional<std::string> from;     ///< caller-ID number
    std::optional<std::string> ident;    ///< TSI
    std::optional<std::string> header;   ///< page header
    std::vector<std::string> gateways;   ///< replaces [freeswitch] gateway
    std::optional<bool> t38;
    std::optional<bool> ecm;
    int retries = 0;                     ///< extra attempts after a retryable failure
    std::chrono::milliseconds retry_delay{std::chrono::seconds(60)};
    std::string id;                      ///< record id ("" = a new uuid)
    bool fine = true;                    ///< 204x196 for converted documents (else 204x98)
};

/// Exit status of a standalone send.
inline constexpr int k_exit_sent = 0;
inline constexpr int k_exit_failed = 1;   ///< failed for good (e.g. unallocated number, rejected)
inline constexpr int k_exit_retry = 75;   ///< not sent, worth trying later (EX_TEMPFAIL)

/// Sends; records go to \a out_fd, human progress to stderr when it is a
/// terminal. Returns the exit status (above, or a sysexits code for bad
/// documents, usage and I/O problems).
int run_standalone_send(const SendSettings& settings, const StandaloneOptions& options, int out_fd,
                        const cli::Diag& diag);

}  // namespace fax::fax
