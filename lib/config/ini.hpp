#pragma once
/// Reader for gofax.conf and faxkit config files: git-config-style INI as
/// gcfg parses it (gofaxip). Sections and keys are case-insensitive; `;` and
/// `#` start comments outside quotes; values may be double-quoted with the
/// escapes \" \\ \n \t; a key may repeat (multi-valued); a bare `key` means "" (or
/// true for booleans); `[section "sub"]` names a subsection "section.sub"
/// (the section part folds case, the subsection keeps it, as in gcfg).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace fax::config {

class Ini {
public:
    struct Entry {
        std::string section;  ///< lower-cased; subsection appended as ".sub"
        std::string key;      ///< lower-cased
        std::string value;
        bool bare = false;    ///< `key` without '='
        unsigned line = 0;
    };

    /// Parses \a text; \a source names it in errors ("file:line: …", Errc::config).
    static core::Result<Ini> parse(std::string_view text, std::string_view source);
    /// Reads and parses \a path; a missing or unreadable file is Errc::config.
    static core::Result<Ini> load(const std::string& path);

    /// The last value of \a key in \a section, if any.
    std::optional<std::string> get(std::string_view section, std::string_view key) const;
    /// Every value of \a key in \a section, in file order (a bare key resets the list).
    std::vector<std::string> get_all(std::string_view section, std::string_view key) const;
    /// A boolean: true/yes/on/1 or a bare key; false/no/off/0. Other text is Errc::config.
    core::Result<std::optional<bool>> get_bool(std::string_view section, std::string_view key) const;
    const std::vector<Entry>& entries() const noexcept { return m_entries; }
    const std::string& source() const noexcept { return m_source; }

private:
    std::vector<Entry> m_entries;
    std::string m_source;
};

/// Which config file to read: \a cli_path if given, else $FAXKIT_CONFIG, else
/// the first of /etc/faxkit/faxkit.conf and /etc/gofax.conf that exists, else
/// none (built-in defaults). One file is read: a faxkit.conf holds the
/// gofax.conf sections it needs plus the faxkit ones.
std::optional<std::string> resolve_config_path(const std::optional<std::string>& cli_path);

}  // namespace fax::config
