// fax::hylafax::SessionLog: HylaFAX's log/c<commid> line format, O_EXCL
// creation with an exact mode, one line per call, failures reported.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hylafax/session_log.hpp"
#include "support/env.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using fax::core::Errc;
using fax::hylafax::format_session_log_line;
using fax::hylafax::SessionLog;

/// `%b %d %H:%M:%S.%02d: [%5d]: text`, captures (timestamp, pid, text).
const std::regex k_line(R"(^((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-3][0-9] )"
                        R"([0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{2}): \[( {0,4}[0-9]+)\]: (.*)$)");

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), {}};
}

class SessionLogTest : public faxkit_test::TempDirTest {
protected:
    SessionLogTest() : TempDirTest("sessionlog") {}
};

TEST_F(SessionLogTest, TheRegexDescribesARealHylafaxSessionLog) {
    const auto lines = read_lines(FAXKIT_FIXTURES_DIR "/hylafax/session-log-c000000001.txt");
    ASSERT_EQ(lines.size(), 5U);
    for (const auto& line : lines) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(line, m, k_line)) << line;
        EXPECT_EQ(m[2].str(), " 1301");
    }
}

TEST_F(SessionLogTest, FormatReproducesHylafaxsLineByteForByte) {
    const faxkit_test::ScopedEnv utc("TZ", "UTC");
    // 2026-11-23 13:43:52.72 UTC, pid 1301: the first line of the real sample.
    EXPECT_EQ(format_session_log_line(1795441432, 729'999'999, 1301, "SESSION BEGIN 000000001 5550006"),
              read_lines(FAXKIT_FIXTURES_DIR "/hylafax/session-log-c000000001.txt").front());
    // Single-digit day and fields are zero-padded; wide pids are not cut.
    EXPECT_EQ(format_session_log_line(1772701623, 50'000'000, 4194304, "x"), "Mar 05 09:07:03.05: [4194304]: x");
    EXPECT_EQ(format_session_log_line(1772701623, 0, 7, ""), "Mar 05 09:07:03.00: [    7]: ");
}

TEST_F(SessionLogTest, FormatUsesLocalTime) {
    const faxkit_test::ScopedEnv berlin("TZ", "CET-1CEST,M3.5.0,M10.5.0/3");  // POSIX rule: no zoneinfo needed
    EXPECT_EQ(format_session_log_line(1795441432, 0, 1, "x"), "Nov 23 14:43:52.00: [    1]: x");
}

TEST_F(SessionLogTest, LinesAreAppendedInHylafaxFormatWithOurPid) {
    const auto p = path("c000000001");
    const std::time_t before = std::time(nullptr);
    {
        auto log = SessionLog::create(p);
        ASSERT_TRUE(log) << log.error().message;
        EXPECT_TRUE(log->enabled());
        EXPECT_EQ(log->path(), p);
        ASSERT_TRUE(log->line("SESSION BEGIN 000000001 5550006"));
        ASSERT_TRUE(log->line("SESSION END"));
    }
    const std::time_t after = std::time(nullptr);
    const auto lines = read_lines(p);
    ASSERT_EQ(lines.size(), 2U);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[0], m, k_line)) << lines[0];
    EXPECT_EQ(std::stoi(m[2].str()), ::getpid());
    EXPECT_EQ(m[3].str(), "SESSION BEGIN 000000001 5550006");
    // The stamp is the local time of the call, to the second.
    const std::string stamp = m[1].str().substr(0, 15);
    EXPECT_TRUE(stamp == format_session_log_line(before, 0, 0, "").substr(0, 15) ||
                stamp == format_session_log_line(after, 0, 0, "").substr(0, 15))
        << stamp;
    ASSERT_TRUE(std::regex_match(lines[1], m, k_line)) << lines[1];
    EXPECT_EQ(m[3].str(), "SESSION END");
}

TEST_F(SessionLogTest, AnExistingFileIsNeverReused) {
    const auto p = path("c000000002");
    std::ofstream(p) << "someone else's session\n";
    auto log = SessionLog::create(p);
    ASSERT_FALSE(log);
    EXPECT_EQ(log.error().code, Errc::io);
    EXPECT_NE(log.error().message.find(p), std::string::npos) << log.error().message;
    EXPECT_EQ(read_all(p), "someone else's session\n");

    fs::create_symlink(path("elsewhere"), path("c000000003"));
    EXPECT_FALSE(SessionLog::create(path("c000000003")));
    EXPECT_FALSE(fs::exists(path("elsewhere")));
}

TEST_F(SessionLogTest, TheModeIsExactWhateverTheUmask) {
    const mode_t old = ::umask(077);
    auto wide = SessionLog::create(path("c1"), 0644);
    ::umask(0);
    auto narrow = SessionLog::create(path("c2"));
    ::umask(old);
    ASSERT_TRUE(wide) << wide.error().message;
    ASSERT_TRUE(narrow) << narrow.error().message;
    struct stat st {};
    ASSERT_EQ(::stat(path("c1").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644U);
    ASSERT_EQ(::stat(path("c2").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600U);
}

TEST_F(SessionLogTest, ControlCharactersCannotSplitOrForgeLines) {
    const auto p = path("c3");
    auto log = SessionLog::create(p);
    ASSERT_TRUE(log) << log.error().message;
    ASSERT_TRUE(log->line("Remote ID: \"evil\r\nNov 23 13:43:52.72: [    1]: SESSION END\"\t\x01\x1b[2J\x7f"));
    ASSERT_TRUE(log->line(std::string("nul\0byte", 8)));
    const auto lines = read_lines(p);
    ASSERT_EQ(lines.size(), 2U);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[0], m, k_line)) << lines[0];
    EXPECT_EQ(m[3].str(), "Remote ID: \"evil  Nov 23 13:43:52.72: [    1]: SESSION END\"   [2J ");
    ASSERT_TRUE(std::regex_match(lines[1], m, k_line)) << lines[1];
    EXPECT_EQ(m[3].str(), "nul byte");
}

TEST_F(SessionLogTest, ADisabledLogWritesNothingAndSucceeds) {
    auto log = SessionLog::disabled();
    EXPECT_FALSE(log.enabled());
    EXPECT_EQ(log.path(), "");
    EXPECT_TRUE(log.line("ignored"));
}

TEST_F(SessionLogTest, MovingKeepsOneWriter) {
    auto created = SessionLog::create(path("c4"));
    ASSERT_TRUE(created);
    SessionLog log = std::move(created).value();
    SessionLog other = SessionLog::disabled();
    other = std::move(log);
    EXPECT_FALSE(log.enabled());  // NOLINT(bugprone-use-after-move): moved-from state is specified
    EXPECT_TRUE(log.line("dropped"));
    ASSERT_TRUE(other.line("kept"));
    const auto lines = read_lines(path("c4"));
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_NE(lines[0].find("]: kept"), std::string::npos);
}

/// Exits 0 when line() reports the failures a 10-byte file-size limit causes.
[[noreturn]] void write_past_size_limit(const std::string& p) {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{};
    limit.rlim_cur = 10;
    limit.rlim_max = 10;
    ::setrlimit(RLIMIT_FSIZE, &limit);
    auto log = SessionLog::create(p);
    if (!log) {
        std::_Exit(10);
    }
    auto first = log->line("longer than ten bytes");  // short write
    auto second = log->line("again");                  // EFBIG
    const bool reported = !first && first.error().code == Errc::io && !second && second.error().code == Errc::io;
    std::_Exit(reported ? 0 : 11);
}

// In a forked child: a file-size limit makes write() fail; line() reports it.
TEST_F(SessionLogTest, AFailedWriteIsAnErrorNotACrash) {
    EXPECT_EXIT(write_past_size_limit(path("c5")), ::testing::ExitedWithCode(0), "");
}

TEST_F(SessionLogTest, TheLogStaysOffStdioWhenTheCallersStdioIsClosed) {
    const auto p = path("c6");
    EXPECT_EXIT(
        {
            ::close(0);
            ::close(1);
            ::close(2);
            auto log = SessionLog::create(p);
            if (!log || !log->line("x")) {
                std::_Exit(10);
            }
            std::_Exit(::fcntl(0, F_GETFD) == -1 && ::fcntl(1, F_GETFD) == -1 && ::fcntl(2, F_GETFD) == -1 ? 0 : 11);
        },
        ::testing::ExitedWithCode(0), "");
}

}  // namespace
