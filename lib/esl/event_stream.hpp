#pragma once
/// `fax-esl events`: subscribe, then write one `esl.event` JSON line per event,
/// plus `esl.connected` / `esl.disconnected` records; reconnect unless once.

#include <string>
#include <utility>
#include <vector>

#include "cli/diag.hpp"
#include "core/result.hpp"
#include "esl/event.hpp"
#include "esl/inbound_client.hpp"

namespace fax::esl {

struct StreamOptions {
    EventFormat format = EventFormat::plain;
    std::vector<std::string> events;                          ///< empty: ALL
    std::vector<std::pair<std::string, std::string>> filters;  ///< header, value
    bool once = false;  ///< stop at the first disconnect instead of reconnecting
};

/// Pairs `--filter HEADER VALUE` words; an odd count is Errc::usage.
core::Result<std::vector<std::pair<std::string, std::string>>> pair_filters(const std::vector<std::string>& words);

/// Runs until SIGINT/SIGTERM (then ok), or with \a opts.once until the
/// connection ends (ok if the server said goodbye, else its error). A refused
/// password or ACL rejection always ends it (Errc::permission); so does an
/// output error (Errc::io; with an empty message for a closed pipe). Event
/// names or filters that cannot be sent are Errc::usage before connecting.
/// A malformed event is reported as a warning and skipped.
/// Output is flushed whenever the tool would otherwise wait for input.
core::Result<void> run_event_stream(ClientConfig config, const StreamOptions& opts, int out_fd, const cli::Diag& diag);

}  // namespace fax::esl
