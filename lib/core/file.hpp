#pragma once
/// Whole small files (configuration, password files, /proc entries) read
/// with plain POSIX calls: no iostreams, whose first use sets up the C++
/// locale (see cli/cli11.hpp).

#include <cstddef>
#include <string>

#include "core/result.hpp"

namespace fax::core {

/// The contents of \a path, at most \a limit bytes. Errors: Errc::io with
/// strerror (the caller names the file's role), Errc::data when the file is
/// larger than \a limit.
Result<std::string> read_file(const std::string& path, std::size_t limit = 16U << 20U);

}  // namespace fax::core
