#pragma once
/// `fax-esl api|bgapi`: connect, run one command, return its answer.

#include <chrono>
#include <string>

#include "cli/diag.hpp"
#include "core/result.hpp"
#include "esl/inbound_client.hpp"

namespace fax::esl {

/// Runs `api` (or `bgapi` when \a background, waiting up to \a job_timeout for
/// the BACKGROUND_JOB; zero waits forever). The Reply may be a -ERR answer;
/// connection problems are errors (unavailable, permission, temporary…).
core::Result<Reply> run_oneshot(ClientConfig config, const std::string& command, bool background,
                                std::chrono::milliseconds job_timeout);

}  // namespace fax::esl

namespace fax::esl {

/// The `esl.api` / `esl.bgapi` JSON record of a one-shot answer.
std::string oneshot_record(const std::string& command, const Reply& reply, bool background);

/// The text printed for an answer: the body, with a final newline added if missing.
std::string oneshot_text(const Reply& reply);

/// Prints \a r for `fax-esl api|bgapi`: the answer (or its record with \a json)
/// on stdout; a -ERR/-USAGE answer as one error line, exit 1; a failure via
/// \a diag with its exit code. Returns the exit code.
int print_oneshot(const cli::Diag& diag, const std::string& command, const core::Result<Reply>& r, bool background,
                  bool json);

}  // namespace fax::esl
