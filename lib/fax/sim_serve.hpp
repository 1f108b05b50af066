#pragma once
/// `fax-sim serve`: run the switch until SIGINT/SIGTERM.

#include <optional>
#include <string>

#include "cli/diag.hpp"
#include "core/result.hpp"
#include "fax/switch.hpp"

namespace fax::fax {

struct ServeOptions {
    SwitchConfig config;
    std::optional<std::string> port_file;  ///< write the bound port here (atomically) once listening
};

/// Starts the switch, announces the port, runs until a signal, shuts down.
core::Result<void> run_serve(ServeOptions options, const cli::Diag& diag);

}  // namespace fax::fax
