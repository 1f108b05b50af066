#pragma once
/// Runs a program without a shell, captures its output and waits for it,
/// with a time limit.
///
/// The child gets: stdin /dev/null; stdout a pipe read into a string;
/// stderr a pipe, /dev/null or a descriptor of the caller's; no other
/// descriptor (all fds >= 3 are closed in the child); an empty signal mask
/// and SIGPIPE/SIGXFSZ at their default action; its own process group, so a
/// timeout also reaches what it started (`sh -c '…; sleep 60'`).
/// Works when the caller's fds 0-2 are closed. The child is always reaped
/// before run_subprocess() returns.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace fax::core {

/// Where the child's stderr goes.
enum class StderrTo {
    capture,  ///< into SubprocessResult::err (up to stderr_limit bytes)
    discard,  ///< /dev/null
    fd,       ///< SubprocessOptions::stderr_fd (e.g. 2, or a log file)
};

struct SubprocessOptions {
    /// Working directory of the child; empty = the caller's. A program path
    /// containing '/' that is relative is resolved from this directory.
    std::string cwd;
    /// Variables added to (or replacing in) the inherited environment.
    std::vector<std::pair<std::string, std::string>> env;
    /// Time limit; 0 = none. On expiry the process group gets SIGTERM, then
    /// SIGKILL after kill_grace.
    std::chrono::milliseconds timeout{0};
    std::chrono::milliseconds kill_grace{2000};
    /// Bytes of stdout/stderr kept; the rest is read and discarded, so the
    /// child never blocks on a full pipe.
    std::size_t stdout_limit = std::size_t{1} << 20;
    std::size_t stderr_limit = std::size_t{64} << 10;
    StderrTo stderr_to = StderrTo::capture;
    int stderr_fd = -1;  ///< used with StderrTo::fd; not closed
};

/// How the child ended and what it printed.
struct SubprocessResult {
    int exit_code = -1;      ///< exit status when it exited, else -1
    int signal = 0;          ///< the signal that killed it, else 0
    bool timed_out = false;  ///< the time limit expired and the child was signalled
    std::string out;         ///< captured stdout (at most stdout_limit bytes)
    std::string err;         ///< captured stderr (StderrTo::capture only)
    bool out_truncated = false;
    bool err_truncated = false;

    /// Exited with status 0 within the time limit.
    bool success() const noexcept { return !timed_out && signal == 0 && exit_code == 0; }
    /// One line: "exit status 3", "killed by signal SIGSEGV",
    /// "timed out (killed by signal SIGTERM)".
    std::string describe() const;
};

/// Runs \a argv (argv[0] is the program: searched in the caller's PATH when it
/// has no '/') and waits until it ends or is killed after the time limit.
/// A non-zero exit, a signal or a timeout is reported in the result, not as an
/// error. Errors: Errc::usage (empty argv, NUL in an argument, bad variable
/// name), Errc::unavailable (the program cannot be executed: not found, no
/// permission, not an executable; the message names it), Errc::no_input (cwd
/// cannot be entered), Errc::temporary (process limit), Errc::os (pipes, poll,
/// waitpid).
Result<SubprocessResult> run_subprocess(const std::vector<std::string>& argv, const SubprocessOptions& options = {});

/// First non-empty line of \a text with surrounding white space removed
/// ("" when none): for quoting a tool's diagnostics in one-line messages.
std::string first_line(std::string_view text);

}  // namespace fax::core
