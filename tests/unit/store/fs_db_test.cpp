// fax::store::FsDb: mod_db's `db` API on SQLite, output texts as FreeSWITCH's.

#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/fs_db.hpp"

namespace {

using fax::store::FsDb;

class FsDbTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = std::filesystem::temp_directory_path() /
                ("faxkit-fsdb-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
        m_path = (m_dir / "db.sqlite").string();
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    FsDb open() {
        auto db = FsDb::open(m_path, "vm");
        EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
        return std::move(db).value();
    }
    static std::string run(FsDb& db, std::string_view args) {
        auto r = db.api(args);
        EXPECT_TRUE(r.ok()) << args;
        return r.ok() ? *r : "<error>";
    }

    std::filesystem::path m_dir;
    std::string m_path;
};

TEST_F(FsDbTest, TheCapturedSession) {
    // inbound-session.jsonl: db insert/select/exists and a missing key.
    FsDb db = open();
    EXPECT_EQ(run(db, "insert/fallback/123/456"), "+OK");
    EXPECT_EQ(run(db, "select/fallback/123"), "456");
    EXPECT_EQ(run(db, "exists/fallback/123"), "true");
    EXPECT_EQ(run(db, "select/fallback/nokey"), "");  // the server sends "-ERR no reply\n"
}

TEST_F(FsDbTest, InsertReplacesDeleteCountListExists) {
    FsDb db = open();
    EXPECT_EQ(run(db, "count"), "0");
    EXPECT_EQ(run(db, "list"), "");
    EXPECT_EQ(run(db, "insert/r1/k/v1"), "+OK");
    EXPECT_EQ(run(db, "INSERT/r1/k/v2"), "+OK");  // ops ignore case
    EXPECT_EQ(run(db, "select/r1/k"), "v2");
    EXPECT_EQ(run(db, "insert/r1/k2/x"), "+OK");
    EXPECT_EQ(run(db, "insert/r2/k/y"), "+OK");
    EXPECT_EQ(run(db, "count"), "2");
    EXPECT_EQ(run(db, "count/r1"), "2");
    EXPECT_EQ(run(db, "count/nope"), "0");
    const std::string realms = run(db, "list");
    EXPECT_TRUE(realms == "r1,r2" || realms == "r2,r1") << realms;
    const std::string keys = run(db, "list/r1");
    EXPECT_TRUE(keys == "k,k2" || keys == "k2,k") << keys;
    EXPECT_EQ(run(db, "delete/r1/k"), "+OK");
    EXPECT_EQ(run(db, "exists/r1/k"), "false");
    EXPECT_EQ(run(db, "exists/r1/k2"), "true");
    EXPECT_EQ(run(db, "insert/r1/empty/"), "!err!");  // a trailing '/' adds no field
    EXPECT_EQ(run(db, "insert/r1/empty/''"), "+OK");
    EXPECT_EQ(run(db, "exists/r1/empty"), "false");  // mod_db tests the value, not the row
}

TEST_F(FsDbTest, ArityErrorsAndUnknownOps) {
    FsDb db = open();
    for (const char* args : {"", "insert/a/b", "select/a", "exists/a", "delete", "count/a/b", "list/a/b", "frobnicate/a/b"}) {
        EXPECT_EQ(run(db, args), "!err!") << args;
    }
}

TEST_F(FsDbTest, DeleteWithoutKeyDeletesTheKeyNamedNull) {
    FsDb db = open();
    run(db, "insert/r/(NULL)/x");
    run(db, "insert/r/k/y");
    EXPECT_EQ(run(db, "delete/r"), "+OK");  // '%q' of NULL is "(NULL)"
    EXPECT_EQ(run(db, "exists/r/(NULL)"), "false");
    EXPECT_EQ(run(db, "exists/r/k"), "true");
}

TEST_F(FsDbTest, SplittingQuotingAndDelimiter) {
    FsDb db = open();
    EXPECT_EQ(run(db, "insert/realm/key/a/b/c"), "+OK");
    EXPECT_EQ(run(db, "select/realm/key"), "a/b/c");
    EXPECT_EQ(run(db, "^^:insert:realm:k2:x:y"), "+OK");
    EXPECT_EQ(run(db, "select/realm/k2"), "x:y");
    EXPECT_EQ(run(db, "insert/realm/k3/'it''s'"), "+OK");
    EXPECT_EQ(run(db, "insert/realm/quote'key/v"), "+OK");  // bound, not spliced into SQL
    EXPECT_EQ(run(db, "select/realm/quote'key"), "v");
    EXPECT_EQ(run(db, "insert/realm/k4/ spaced value "), "+OK");
    EXPECT_EQ(run(db, "select/realm/k4"), "spaced value");
}

TEST_F(FsDbTest, SelectIsCutAt255BytesAndListAt4094) {
    FsDb db = open();
    const std::string big(300, 'x');
    run(db, "insert/r/k/" + big);
    EXPECT_EQ(run(db, "select/r/k"), big.substr(0, 255));
    for (int i = 0; i < 500; ++i) {
        run(db, "insert/many/key-" + std::to_string(1000 + i) + "/v");
    }
    const std::string list = run(db, "list/many");
    EXPECT_EQ(list.size(), 4094U);  // 4095 bytes fit the buffer, then the last one is dropped
}

TEST_F(FsDbTest, PersistsInAWalFileWithModDbsTable) {
    {
        FsDb db = open();
        run(db, "insert/r/k/v");
    }
    FsDb again = open();
    EXPECT_EQ(run(again, "select/r/k"), "v");
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(m_path.c_str(), &raw), SQLITE_OK);
    std::set<std::string> rows;
    auto collect = [](void* arg, int argc, char** argv, char**) {
        std::string row;
        for (int i = 0; i < argc; ++i) {
            row += std::string(argv[i] != nullptr ? argv[i] : "NULL") + "|";
        }
        static_cast<std::set<std::string>*>(arg)->insert(row);
        return 0;
    };
    ASSERT_EQ(sqlite3_exec(raw, "PRAGMA journal_mode", collect, &rows, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "select hostname, realm, data_key, data from db_data", collect, &rows, nullptr), SQLITE_OK);
    sqlite3_close(raw);
    EXPECT_TRUE(rows.contains("wal|"));
    EXPECT_TRUE(rows.contains("vm|r|k|v|"));
}

TEST_F(FsDbTest, OpenFailsCleanly) {
    auto db = FsDb::open((m_dir / "no/such/dir/db").string(), "vm");
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, fax::core::Errc::io);
}

}  // namespace
