#pragma once
/// HylaFAX DynamicConfig as GOfax.IP uses it (gofax-anchors.md §2.5, §3.7):
/// a site script run per call whose stdout holds "Key: value" lines that
/// override the configuration for that call (RejectCall, LocalIdentifier,
/// TagLine, FAXNumber, CallPrefix, Gateway).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace fax::config {

/// The parsed answer of a DynamicConfig script.
class DynamicConfigAnswer {
public:
    /// Parses \a text line by line: each line is split at its first ':'
    /// (lines without one are skipped), the key trimmed and lower-cased, the
    /// value trimmed ("a: b:c" → "a" = "b:c"). CR LF line ends are accepted.
    /// No comments, no quoting: exactly gofaxip's reading.
    static DynamicConfigAnswer parse(std::string_view text);

    /// The value of the first line whose key is \a key (case-insensitive);
    /// nullopt when no line has it. An empty value is returned as "".
    std::optional<std::string> get(std::string_view key) const;

    /// `RejectCall`: true when the first value is true, 1 or yes
    /// (case-insensitive); anything else, or no line, is false.
    bool reject_call() const;
    /// The following are nullopt when the key is absent or its first value is
    /// empty (gofaxip treats "" as "not set").
    std::optional<std::string> local_identifier() const;  ///< `LocalIdentifier` (TSI/CSI)
    std::optional<std::string> tag_line() const;          ///< `TagLine` (page header text)
    std::optional<std::string> fax_number() const;        ///< `FAXNumber` (caller-ID number)
    std::optional<std::string> call_prefix() const;       ///< `CallPrefix`
    /// `Gateway`: the comma-separated list, items trimmed, empty items dropped;
    /// empty when absent (keep the configured gateways then).
    std::vector<std::string> gateways() const;

    /// Every (lower-cased key, value) pair in output order.
    const std::vector<std::pair<std::string, std::string>>& entries() const noexcept { return m_entries; }

private:
    std::optional<std::string> non_empty(std::string_view key) const;
    std::vector<std::pair<std::string, std::string>> m_entries;
};

/// DynamicConfig's truth values: true, 1, yes (case-insensitive) → true;
/// anything else → false.
bool dynamic_config_bool(std::string_view value) noexcept;

/// Runs \a script with \a args (no shell; stdin /dev/null; in \a cwd when not
/// empty, where a relative \a script such as "etc/DynamicConfig" is looked up)
/// and parses its stdout. The script's stderr is captured and its first line
/// quoted in errors. Errors, each one line naming the script
/// ("DynamicConfig etc/DynamicConfig: exit status 3"):
/// Errc::unavailable (cannot be executed), Errc::temporary (non-zero exit,
/// killed by a signal, or still running after \a timeout and killed),
/// Errc::no_input (\a cwd cannot be entered), Errc::usage/os as run_subprocess().
core::Result<DynamicConfigAnswer> run_dynamic_config(const std::string& script, const std::vector<std::string>& args,
                                                     std::chrono::milliseconds timeout, const std::string& cwd = {});

}  // namespace fax::config
