#pragma once
// A fresh directory under TMPDIR for one test, removed with it: as an object
// (TempDir) and as a GoogleTest fixture (TempDirTest).

#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <gtest/gtest.h>

namespace faxkit_test {

/// mkdtemp(TMPDIR/faxkit-<prefix>-XXXXXX); the tree is removed by the
/// destructor. ok() is false when the directory could not be made.
class TempDir {
public:
    explicit TempDir(const std::string& prefix) {
        std::string tmpl = (std::filesystem::temp_directory_path() / ("faxkit-" + prefix + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) != nullptr) {
            m_dir = tmpl;
        }
    }
    ~TempDir() {
        if (!m_dir.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(m_dir, ec);
        }
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    bool ok() const { return !m_dir.empty(); }
    const std::filesystem::path& dir() const { return m_dir; }
    /// \a name inside the directory, as a string.
    std::string path(const std::string& name) const { return (m_dir / name).string(); }

private:
    std::filesystem::path m_dir;
};

/// Fixture: m_dir is a fresh directory for each test. A fixture that derives
/// from it and overrides SetUp() calls TempDirTest::SetUp() first.
class TempDirTest : public ::testing::Test {
protected:
    explicit TempDirTest(std::string prefix = "test") : m_prefix(std::move(prefix)) {}

    void SetUp() override {
        m_temp.emplace(m_prefix);
        ASSERT_TRUE(m_temp->ok()) << "mkdtemp under " << std::filesystem::temp_directory_path();
        m_dir = m_temp->dir();
    }
    void TearDown() override { m_temp.reset(); }

    std::string path(const std::string& name) const { return (m_dir / name).string(); }

    std::filesystem::path m_dir;

private:
    std::string m_prefix;
    std::optional<TempDir> m_temp;
};

}  // namespace faxkit_test
