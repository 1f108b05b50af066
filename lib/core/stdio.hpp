#pragma once
/// Standard descriptors for programs started by daemons (faxq closes every
/// descriptor before it runs SendFaxCmd).

namespace fax::core {

/// Opens /dev/null on whichever of fds 0, 1 and 2 is closed, so later
/// open() calls never land there and writes to stdout/stderr cannot hit an
/// unrelated file. Call first thing in main().
void ensure_standard_fds() noexcept;

}  // namespace fax::core
