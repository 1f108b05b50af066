#pragma once
/// `fax-esl shell`: a JSON-lines scripting channel. Each input line is one
/// command object ({"api":…}, {"bgapi":…}, {"event":[…],"format":…},
/// {"filter":[h,v]}, {"filter_delete":[h,v]}, {"nixevent":[…]},
/// {"noevents":true}); replies and subscribed events are written as JSON
/// lines. Keys other than the command pass through into the reply record.

#include <chrono>

#include "cli/diag.hpp"
#include "core/result.hpp"
#include "esl/inbound_client.hpp"

namespace fax::esl {

/// Runs until \a in_fd ends and every reply and background job has arrived
/// (jobs wait at most \a job_timeout; zero: forever), or SIGINT/SIGTERM.
/// Bad input lines are reported on stderr and skipped; if there were any the
/// result is Errc::data with an empty message (nothing more to print).
/// Connection loss: Errc::unavailable.
core::Result<void> run_shell(ClientConfig config, int in_fd, int out_fd, const cli::Diag& diag,
                             std::chrono::milliseconds job_timeout);

}  // namespace fax::esl
