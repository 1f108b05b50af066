#pragma once
/// fax-sim's `call`, `load` and `compare` commands, shared by the tool and
/// the `fax-sim` api command of a running switch.

#include <optional>
#include <string>

#include "cli/diag.hpp"
#include "core/result.hpp"
#include "fax/incoming_call.hpp"

namespace CLI {
class App;
}

namespace fax::fax {

/// `call` options: --to --from --from-name --file --t38 --gateway --diversion
/// --socket HOST:PORT --ident --no-ecm. \a socket receives the --socket text.
void add_call_options(CLI::App& app, IncomingCallOptions& options, std::string& socket);

/// Parses the words after `api fax-sim call` with the same options.
/// Errc::usage with CLI11's message on a bad option.
core::Result<IncomingCallOptions> parse_call_arguments(const std::string& words);

/// Applies a --socket HOST:PORT text to \a options (Errc::usage when bad).
core::Result<void> apply_socket(IncomingCallOptions& options, const std::string& socket);

/// The `sim.call` JSON record of a finished call (faxkit-events(7)).
std::string call_record(const IncomingCallResult& result);

/// `fax-sim call`: a switch without an event socket places one call and
/// waits for its end. The result says how it ended.
core::Result<IncomingCallResult> run_call(const IncomingCallOptions& options, bool realtime);

struct LoadOptions {
    IncomingCallOptions call;  ///< the call each one places
    int calls = 100;
    double rate = 100;         ///< calls started per second
    bool realtime = false;
};

struct LoadResult {
    std::string record;  ///< the `sim.load` JSON record
    int failed = 0;      ///< calls whose fax did not arrive
};

/// `fax-sim load`: starts options.calls calls at options.rate per second and
/// waits for all.
core::Result<LoadResult> run_load(const LoadOptions& options);

/// `fax-sim compare A B`: nullopt when the documents' pages are equal, else
/// where they differ ("page 2 row 17: row differs"). Read errors: Errc::data.
core::Result<std::optional<std::string>> compare_documents(const std::string& a, const std::string& b);

}  // namespace fax::fax
