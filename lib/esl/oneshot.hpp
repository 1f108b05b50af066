#pragma once
/// `fax-esl api|bgapi`: connect, run one command, return its answer.

#include <chrono>
#include <string>

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

}  // namespace fax::esl
