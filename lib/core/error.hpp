#pragma once
/// Error values shared by every faxkit library: a category that maps one-to-one
/// to a sysexits(3) code, and a human message in "what: which" form.

#include <string>

namespace fax::core {

/// What kind of failure happened; each maps to one exit code (see exit_code()).
enum class Errc {
    usage,        ///< bad command line (64)
    data,         ///< malformed input data (65)
    no_input,     ///< input file missing (66)
    unavailable,  ///< service unreachable or connection lost (69)
    internal,     ///< a bug (70)
    os,           ///< operating-system error (71)
    io,           ///< input/output error (74)
    temporary,    ///< temporary failure, try again later (75)
    protocol,     ///< the peer violated the protocol (76)
    permission,   ///< access refused (77)
    config,       ///< configuration error (78)
    negative,     ///< a negative answer that is not an error (1)
};

/// A failure: category plus one-line message (no trailing newline, no period).
struct Error {
    Errc code = Errc::internal;
    std::string message;
};

/// The sysexits(3) code for \a code (negative → 1).
int exit_code(Errc code) noexcept;

/// Stable lower-case name of \a code ("unavailable", "protocol", …).
const char* errc_name(Errc code) noexcept;

}  // namespace fax::core
