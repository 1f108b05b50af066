#pragma once
/// Typed reads of optional config keys into settings structs: each leaves
/// \a out unchanged when the key is absent and fails with Errc::config naming
/// the file, section and key when the value is bad.

#include <chrono>
#include <string>
#include <string_view>

#include "config/ini.hpp"
#include "core/result.hpp"

namespace fax::config {

/// The Errc::config error "<file>: [<section>] <key>: <why>".
core::Error value_error(const Ini& ini, std::string_view section, std::string_view key, std::string_view why);

void read_string(const Ini& ini, std::string_view section, std::string_view key, std::string& out);
core::Result<void> read_bool(const Ini& ini, std::string_view section, std::string_view key, bool& out);
/// A whole number >= 0 (an empty value leaves \a out unchanged, as gcfg's "").
core::Result<void> read_uint(const Ini& ini, std::string_view section, std::string_view key, unsigned& out);
/// A duration (config/duration.hpp); a bare number is \a bare_unit (seconds,
/// or milliseconds for gofaxd's answerafter/waittime).
core::Result<void> read_duration(const Ini& ini, std::string_view section, std::string_view key,
                                 std::chrono::milliseconds& out,
                                 std::chrono::milliseconds bare_unit = std::chrono::seconds(1));

}  // namespace fax::config
