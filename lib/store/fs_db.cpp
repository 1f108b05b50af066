#include "store/fs_db.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

#include "esl/fs_string.hpp"
#include "esl/message.hpp"

namespace fax::store {

namespace {

struct DbClose {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

// mod_db's schema and indexes (db_sql, "dd_realm", "dd_data_key").
constexpr const char* k_schema =
    "CREATE TABLE IF NOT EXISTS db_data (\n"
    "   hostname   VARCHAR(255),\n"
    "   realm      VARCHAR(255),\n"
    "   data_key   VARCHAR(255),\n"
    "   data       VARCHAR(255)\n"
    ");\n"
    "CREATE INDEX IF NOT EXISTS dd_realm ON db_data (realm);\n"
    "CREATE INDEX IF NOT EXISTS dd_data_key ON db_data (data_key);\n";

// The statements of db_api_function, with ? where mod_db has '%q'.
enum Query { q_delete, q_insert, q_select, q_count_realms, q_count_keys, q_list_realms, q_list_keys, q_count };
constexpr const char* k_sql[q_count] = {
    "delete from db_data where realm=? and data_key=?",
    "insert into db_data (hostname, realm, data_key, data) values(?,?,?,?);",
    "select data from db_data where realm=? and data_key=?",
    "select count(distinct realm) from db_data",
    "select count(data_key) from db_data where realm=?",
    "select distinct realm,',' from db_data",
    "select distinct data_key,',' from db_data where realm=?",
};

constexpr std::size_t k_select_buf = 256;  // char buf[256] in db_api_function
constexpr std::size_t k_list_buf = 4096;   // char buf[4096]

}  // namespace

struct FsDb::Impl {
    std::unique_ptr<sqlite3, DbClose> db;
    std::string path;
    std::string hostname;
    Stmt stmts[q_count];

    core::Error error(std::string_view what) const {
        return core::make_error(core::Errc::io, fmt::format("{}: {}: {}", path, what, sqlite3_errmsg(db.get())));
    }

    /// Binds \a args and runs the statement, calling \a row for each row.
    template <typename RowFn>
    core::Result<void> run(Query q, std::initializer_list<std::string_view> args, RowFn&& row) {
        sqlite3_stmt* s = stmts[q].get();
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        int i = 1;
        for (const auto a : args) {
            if (sqlite3_bind_text(s, i++, a.data(), static_cast<int>(a.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
                return error("bind");
            }
        }
        while (true) {
            const int rc = sqlite3_step(s);
            if (rc == SQLITE_DONE) {
                break;
            }
            if (rc != SQLITE_ROW) {
                auto e = error(k_sql[q]);
                sqlite3_reset(s);
                return e;
            }
            row(s);
        }
        sqlite3_reset(s);
        return {};
    }

    core::Result<void> exec(Query q, std::initializer_list<std::string_view> args) {
        return run(q, args, [](sqlite3_stmt*) {});
    }

    /// limit_execute_sql2str(): the first column of the last row, as at most
    /// len - 1 bytes of a C string.
    core::Result<std::string> to_str(Query q, std::initializer_list<std::string_view> args, std::size_t len) {
        std::string out;
        auto r = run(q, args, [&](sqlite3_stmt* s) {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
            out.assign(text != nullptr ? text : "");
            if (out.size() > len - 1) {
                out.resize(len - 1);
            }
        });
        if (!r) {
            return std::move(r).error();
        }
        return out;
    }

    /// group_callback() into a 4 KiB buffer, then the last byte dropped.
    core::Result<std::string> list(Query q, std::initializer_list<std::string_view> args) {
        std::string out;
        auto r = run(q, args, [&](sqlite3_stmt* s) {
            for (int col = 0; col < 2; ++col) {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
                const std::string_view v = text != nullptr ? text : "(null)";
                out.append(v.substr(0, (k_list_buf - 1) - std::min(out.size(), k_list_buf - 1)));
            }
        });
        if (!r) {
            return std::move(r).error();
        }
        if (!out.empty()) {
            out.pop_back();
        }
        return out;
    }
};

FsDb::FsDb(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
FsDb::FsDb(FsDb&&) noexcept = default;
FsDb& FsDb::operator=(FsDb&&) noexcept = default;
FsDb::~FsDb() = default;

core::Result<FsDb> FsDb::open(const std::string& path, std::string hostname) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->hostname = std::move(hostname);
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    impl->db.reset(raw);
    if (rc != SQLITE_OK) {
        return core::make_error(core::Errc::io, fmt::format("{}: cannot open database: {}", path,
                                                            raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"));
    }
    sqlite3_busy_timeout(raw, 5000);
    char* err = nullptr;
    for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=NORMAL;", k_schema}) {
        if (sqlite3_exec(raw, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            auto e = core::make_error(core::Errc::io, fmt::format("{}: {}", path, err != nullptr ? err : "sqlite error"));
            sqlite3_free(err);
            return e;
        }
    }
    for (int q = 0; q < q_count; ++q) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v3(raw, k_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
            return impl->error(k_sql[q]);
        }
        impl->stmts[q].reset(s);
    }
    return FsDb(std::move(impl));
}

core::Result<std::string> FsDb::api(std::string_view args) {
    using esl::header_name_equal;
    auto& im = *m_impl;
    const std::vector<std::string> argv = esl::separate_string(args, '/', 4);
    const std::size_t argc = argv.size();
    // switch_mprintf("%q", NULL) prints "(NULL)".
    const auto arg = [&](std::size_t i) -> std::string_view { return i < argc ? std::string_view(argv[i]) : "(NULL)"; };
    static const std::string k_err = "!err!";
    if (argc < 1) {
        return k_err;
    }
    const std::string_view op = argv[0];
    if (header_name_equal(op, "insert")) {
        if (argc < 4) {
            return k_err;
        }
        if (auto r = im.exec(q_delete, {arg(1), arg(2)}); !r) {
            return std::move(r).error();
        }
        if (auto r = im.exec(q_insert, {im.hostname, arg(1), arg(2), arg(3)}); !r) {
            return std::move(r).error();
        }
        return std::string("+OK");
    }
    if (header_name_equal(op, "delete")) {
        if (argc < 2) {
            return k_err;
        }
        if (auto r = im.exec(q_delete, {arg(1), arg(2)}); !r) {
            return std::move(r).error();
        }
        return std::string("+OK");
    }
    if (header_name_equal(op, "select") || header_name_equal(op, "exists")) {
        if (argc < 3) {
            return k_err;
        }
        auto v = im.to_str(q_select, {arg(1), arg(2)}, k_select_buf);
        if (!v || header_name_equal(op, "select")) {
            return v;
        }
        return std::string(v->empty() ? "false" : "true");
    }
    if (header_name_equal(op, "count")) {
        if (argc < 2) {
            return im.to_str(q_count_realms, {}, k_select_buf);
        }
        if (argc < 3) {
            return im.to_str(q_count_keys, {arg(1)}, k_select_buf);
        }
        return k_err;
    }
    if (header_name_equal(op, "list")) {
        if (argc < 2) {
            return im.list(q_list_realms, {});
        }
        if (argc < 3) {
            return im.list(q_list_keys, {arg(1)});
        }
        return k_err;
    }
    return k_err;
}

}  // namespace fax::store
