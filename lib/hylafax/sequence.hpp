#pragma once
/// HylaFAX's sequence files (Sequence::getNext): log/seqf (commids),
/// recvq/seqf (received file names), sendq/seqf, docq/seqf.

#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace fax::hylafax {

/// Takes the next number from the sequence file at \a path, exactly as
/// HylaFAX 6.0.7 does: the file holds the next number to use (created with
/// mode 0600 and O_EXCL when missing; symlinks refused); under
/// flock(LOCK_EX) its value N is read (empty, invalid or >= 999999999 → 1),
/// N is returned and N+1 (mod 999999999) written back in place, without a
/// newline. Unlike HylaFAX, the new value is fsynced before N is returned, so
/// a crash cannot hand out N twice; with \a sync false it is not, exactly as
/// in HylaFAX (for callers that name an O_EXCL file after N and skip the
/// numbers whose file exists). Errc::io on failure.
core::Result<std::uint32_t> next_sequence(const std::string& path, bool sync = true);

/// "%09u": the commid form ("000000001").
std::string format_commid(std::uint32_t n);

}  // namespace fax::hylafax
