#pragma once
/// Running as the owner of a spool, as faxq and faxgetty do (they switch to
/// uucp themselves): files made by a daemon started as root must belong to
/// the user the rest of HylaFAX runs as.

#include <string>

#include "core/result.hpp"

namespace fax::core {

/// When the process runs as root and \a path belongs to another user, takes
/// on that user's uid, gid and supplementary groups for good; returns true
/// then, false when nothing had to change. Errc::os when the switch fails
/// (nothing is half done: the process must not go on as root then).
Result<bool> become_owner_of(const std::string& path);

}  // namespace fax::core
