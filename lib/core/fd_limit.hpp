#pragma once
/// The descriptor limit of a server process. Each open call holds several
/// descriptors (fax-recv: the socket, the received file, the session log),
/// so the default soft RLIMIT_NOFILE (often 1024) caps the calls long
/// before memory does.

#include <cstdint>

#include "core/result.hpp"

namespace fax::core {

/// Raises the soft RLIMIT_NOFILE to the hard limit (an unlimited hard limit
/// counts as /proc/sys/fs/nr_open) and returns the soft limit now in force.
/// A soft limit already there is left alone. Errc::os, naming the limits,
/// when it cannot be read or set.
Result<std::uint64_t> raise_fd_limit();

}  // namespace fax::core
