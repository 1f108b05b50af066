#pragma once
/// Durations in config files: "90" (seconds), "1500ms", "90s", "2m", "1h",
/// or Go's forms as gofaxip's pagetimeout takes ("1m30s").

#include <chrono>
#include <optional>
#include <string_view>

#include "config/ini.hpp"
#include "core/result.hpp"

namespace fax::config {

/// Parses \a text; Errc::config naming \a what on anything else (negative, empty, unknown unit).
core::Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view what);

/// The duration at \a section.\a key, or \a fallback when absent.
core::Result<std::chrono::milliseconds> get_duration(const Ini* ini, std::string_view section, std::string_view key,
                                                     std::chrono::milliseconds fallback);

}  // namespace fax::config
