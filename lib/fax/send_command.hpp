#pragma once
/// fax-send's two ways in, between its command line and the library: the
/// configuration it runs with, and HylaFAX mode as faxq starts it.

#include <optional>
#include <string>
#include <vector>

#include "cli/diag.hpp"
#include "core/result.hpp"
#include "fax/send_settings.hpp"

namespace fax::fax {

/// What the command line says about the configuration.
struct SendConfigArgs {
    std::optional<std::string> config_path;    ///< -c; unset: config::resolve_config_path's order
    std::optional<std::string> host;           ///< -H HOST[:PORT]
    std::optional<std::string> password_file;  ///< --password-file
};

/// Loads the configuration file (none when the search finds none) and the
/// send settings, with -H and --password-file applied. Errors: Errc::config.
core::Result<SendSettings> load_send_config(const SendConfigArgs& args);

/// faxq's SendFaxCmd call, `fax-send -m MODEM QFILE [QFILE...]` and nothing
/// else (faxq 6.0.7 passes no other argument): the modem and the qfiles;
/// nullopt for any other command line. main() runs such a call without the
/// option parser, whose set-up (CLI11 trims names with the C++ locale) costs
/// each job about 0.9 MB and 0.3 ms (docs/performance.md).
struct FaxqCall {
    std::string modem;
    std::vector<std::string> qfiles;
};
std::optional<FaxqCall> parse_faxq_call(int argc, const char* const* argv);

/// HylaFAX mode: the configuration, then run_hylafax_send() for the first
/// qfile (more than one: a warning, faxq batching is not supported). A
/// configuration that cannot be loaded goes to report_setup_failure(): the
/// job waits (exit 0). Returns faxq's code, 0, 1 or 2.
int run_hylafax_mode(const std::string& modem, const std::vector<std::string>& qfiles, const std::string& events,
                     const SendConfigArgs& config, const cli::Diag& diag);

}  // namespace fax::fax
