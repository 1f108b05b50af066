#pragma once
/// mod_db's `db` API (FreeSWITCH 1.10) on a real SQLite file in WAL mode:
/// table db_data(hostname, realm, data_key, data) with mod_db's indexes,
/// the same queries (with bound parameters, never SQL built from text) and
/// the same output texts.

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace fax::store {

/// One open database. Move-only; use from one thread at a time.
class FsDb {
public:
    /// Opens (creating if needed) the SQLite file at \a path, switches it to
    /// WAL, creates db_data and its indexes if missing. \a hostname fills the
    /// hostname column (FreeSWITCH: the switch name). Errc::io on failure.
    static core::Result<FsDb> open(const std::string& path, std::string hostname);

    FsDb(FsDb&&) noexcept;
    FsDb& operator=(FsDb&&) noexcept;
    ~FsDb();

    /// Runs `db <args>` and returns exactly what mod_db writes to the api
    /// stream. \a args is split with switch_separate_string(args, '/', 4)
    /// (quotes, backslash escapes, a leading "^^<c>" changes the delimiter):
    ///  - insert/<realm>/<key>/<value> → "+OK" (replaces the key's rows)
    ///  - delete/<realm>/<key>         → "+OK" (a missing key reads "(NULL)", as
    ///    SQLite's %q prints a NULL argument)
    ///  - select/<realm>/<key>         → the value, at most 255 bytes, or ""
    ///  - exists/<realm>/<key>         → "true", or "false" (also for an empty value)
    ///  - count  /  count/<realm>      → number of realms / of keys in the realm
    ///  - list   /  list/<realm>       → realms / keys joined by ",", at most
    ///    4094 bytes (FreeSWITCH's 4 KiB buffer minus the dropped last comma)
    ///  - wrong arity or unknown op    → "!err!"
    /// The output is returned as it is: the event socket turns an empty api
    /// output into "-ERR no reply\n"; that is the server's job, not this one's.
    /// A failing SQLite call is an Errc::io error (FreeSWITCH would only log it).
    core::Result<std::string> api(std::string_view args);

    struct Impl;

private:
    explicit FsDb(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace fax::store
