// fax::core::run_subprocess: no shell, captured output with limits, time
// limit with SIGTERM then SIGKILL, and safe with the caller's stdio closed.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using fax::core::Errc;
using fax::core::run_subprocess;
using fax::core::StderrTo;
using fax::core::SubprocessOptions;
using fax::core::SubprocessResult;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// A fresh directory under TMPDIR, removed with the fixture.
class SubprocessTest : public faxkit_test::TempDirTest {
protected:
    SubprocessTest() : TempDirTest("subprocess") {}
};

SubprocessResult run_ok(const std::vector<std::string>& argv, const SubprocessOptions& options = {}) {
    auto r = run_subprocess(argv, options);
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(r).value() : SubprocessResult{};
}

/// True once \a pid is gone or a zombie (a killed orphan may wait for its reaper).
bool process_dead(pid_t pid) {
    const auto until = Clock::now() + 5s;
    while (Clock::now() < until) {
        std::ifstream stat(fmt::format("/proc/{}/stat", pid));
        std::string line;
        if (!stat || !std::getline(stat, line)) {
            return true;
        }
        const auto paren = line.rfind(')');
        if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z') {
            return true;
        }
        ::usleep(10'000);
    }
    return false;
}

TEST_F(SubprocessTest, ArgumentsArePassedLiterallyWithoutAShell) {
    const auto r = run_ok({"printf", "%s|%s|%s", "a b", "$HOME", "*;exit 3"});
    EXPECT_EQ(r.out, "a b|$HOME|*;exit 3");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.signal, 0);
    EXPECT_FALSE(r.timed_out);
    EXPECT_TRUE(r.success());
    EXPECT_EQ(r.describe(), "exit status 0");
}

TEST_F(SubprocessTest, ExitCodesAreReported) {
    const auto r = run_ok({"sh", "-c", "echo partial; exit 3"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "partial\n");
    EXPECT_FALSE(r.success());
    EXPECT_EQ(r.describe(), "exit status 3");
    EXPECT_EQ(run_ok({"false"}).exit_code, 1);
}

TEST_F(SubprocessTest, DeathBySignalIsReported) {
    const auto r = run_ok({"sh", "-c", "kill -USR1 $$"});
    EXPECT_EQ(r.signal, SIGUSR1);
    EXPECT_EQ(r.exit_code, -1);
    EXPECT_FALSE(r.timed_out);
    EXPECT_FALSE(r.success());
    EXPECT_EQ(r.describe(), "killed by signal SIGUSR1");
}

TEST_F(SubprocessTest, TimeoutTerminatesAndReportsIt) {
    const auto start = Clock::now();
    SubprocessOptions o;
    o.timeout = 200ms;
    const auto r = run_ok({"sleep", "30"}, o);
    const auto elapsed = Clock::now() - start;
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.signal, SIGTERM);
    EXPECT_FALSE(r.success());
    EXPECT_EQ(r.describe(), "timed out (killed by signal SIGTERM)");
    EXPECT_GE(elapsed, 200ms);
    EXPECT_LT(elapsed, 10s);
}

TEST_F(SubprocessTest, TimeoutEscalatesToSigkillForTheWholeGroup) {
    // The shell and its background sleep both ignore SIGTERM; the shell
    // reports the sleep's pid and then waits for it.
    const auto start = Clock::now();
    SubprocessOptions o;
    o.timeout = 200ms;
    o.kill_grace = 200ms;
    const auto r = run_ok({"sh", "-c", "trap '' TERM; sleep 30 & echo $!; wait"}, o);
    const auto elapsed = Clock::now() - start;
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_LT(elapsed, 10s);
    const pid_t grandchild = std::atoi(r.out.c_str());
    ASSERT_GT(grandchild, 1) << r.out;
    EXPECT_TRUE(process_dead(grandchild)) << "the background sleep survived the timeout";
}

TEST_F(SubprocessTest, ABackgroundProcessHoldingThePipeDoesNotHoldTheCaller) {
    const auto start = Clock::now();
    SubprocessOptions o;
    o.timeout = 20s;
    const auto r = run_ok({"sh", "-c", "sleep 30 & echo $!"}, o);
    const auto elapsed = Clock::now() - start;
    const pid_t grandchild = std::atoi(r.out.c_str());
    ASSERT_GT(grandchild, 1) << r.out;
    ::kill(grandchild, SIGKILL);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_LT(elapsed, 10s);
}

TEST_F(SubprocessTest, OutputOverTheLimitIsDrainedAndDiscarded) {
    SubprocessOptions o;
    o.timeout = 30s;
    o.stdout_limit = 65536;
    const auto r = run_ok({"head", "-c", "1048576", "/dev/zero"}, o);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0);  // not killed by SIGPIPE: the pipe was read to the end
    EXPECT_EQ(r.out.size(), 65536U);
    EXPECT_TRUE(r.out_truncated);
}

TEST_F(SubprocessTest, BothStreamsFlowAtOnceWithoutDeadlock) {
    SubprocessOptions o;
    o.timeout = 30s;
    o.stdout_limit = 1000;
    o.stderr_limit = 2'000'000;
    const auto r = run_ok({"sh", "-c", "head -c 1000000 /dev/zero >&2; head -c 1000000 /dev/zero; echo done >&2"}, o);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.size(), 1000U);
    EXPECT_TRUE(r.out_truncated);
    EXPECT_EQ(r.err.size(), 1'000'005U);
    EXPECT_FALSE(r.err_truncated);
    EXPECT_EQ(r.err.substr(1'000'000), "done\n");
}

TEST_F(SubprocessTest, EnvironmentIsInheritedWithAdditionsAndOverrides) {
    ::setenv("FAXKIT_SUBPROCESS_KEPT", "kept", 1);
    ::setenv("FAXKIT_SUBPROCESS_REPLACED", "old", 1);
    SubprocessOptions o;
    o.env = {{"HANGUPCAUSE", "NORMAL_CLEARING"}, {"FAXKIT_SUBPROCESS_REPLACED", "new: value"}};
    const auto r = run_ok({"env"}, o);
    ::unsetenv("FAXKIT_SUBPROCESS_KEPT");
    ::unsetenv("FAXKIT_SUBPROCESS_REPLACED");
    std::istringstream lines(r.out);
    std::multiset<std::string> faxkit;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("FAXKIT_SUBPROCESS_", 0) == 0 || line.rfind("HANGUPCAUSE=", 0) == 0) {
            faxkit.insert(line);
        }
    }
    EXPECT_EQ(faxkit, (std::multiset<std::string>{"FAXKIT_SUBPROCESS_KEPT=kept",
                                                  "FAXKIT_SUBPROCESS_REPLACED=new: value",
                                                  "HANGUPCAUSE=NORMAL_CLEARING"}));
}

TEST_F(SubprocessTest, WorkingDirectoryIsHonouredAndResolvesRelativePrograms) {
    SubprocessOptions o;
    o.cwd = m_dir.string();
    auto r = run_ok({"sh", "-c", "pwd -P"}, o);
    EXPECT_EQ(r.out, fs::canonical(m_dir).string() + "\n");

    fs::create_directory(m_dir / "bin");
    std::ofstream(m_dir / "bin" / "hello") << "#!/bin/sh\necho hello from $0\n";
    fs::permissions(m_dir / "bin" / "hello", fs::perms::owner_all);
    r = run_ok({"bin/hello"}, o);
    EXPECT_EQ(r.out, "hello from bin/hello\n");

    o.cwd = (m_dir / "nope").string();
    auto missing = run_subprocess({"true"}, o);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::no_input);
    EXPECT_NE(missing.error().message.find("nope"), std::string::npos) << missing.error().message;
}

TEST_F(SubprocessTest, AProgramThatCannotBeExecutedIsUnavailable) {
    auto r = run_subprocess({"faxkit-no-such-program", "x"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::unavailable);
    EXPECT_EQ(r.error().message, "cannot run faxkit-no-such-program: not found in PATH");

    const auto absent = (m_dir / "absent").string();
    r = run_subprocess({absent});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::unavailable);
    EXPECT_NE(r.error().message.find(absent), std::string::npos) << r.error().message;

    const auto not_executable = (m_dir / "script").string();
    std::ofstream(not_executable) << "#!/bin/sh\necho no\n";
    fs::permissions(not_executable, fs::perms::owner_read | fs::perms::owner_write);
    r = run_subprocess({not_executable});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::unavailable);
    EXPECT_NE(r.error().message.find(not_executable), std::string::npos) << r.error().message;
}

TEST_F(SubprocessTest, StdinIsDevNull) {
    const auto start = Clock::now();
    SubprocessOptions o;
    o.timeout = 20s;
    auto r = run_ok({"cat"}, o);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_LT(Clock::now() - start, 10s);
    r = run_ok({"readlink", "/proc/self/fd/0"});
    EXPECT_EQ(r.out, "/dev/null\n");
}

TEST_F(SubprocessTest, OnlyStdioIsInherited) {
    const int plain = ::open("/dev/null", O_RDONLY);  // not close-on-exec
    ASSERT_GE(plain, 0);
    const int high = ::fcntl(plain, F_DUPFD, 50);
    ASSERT_GE(high, 50);
    const auto r = run_ok({"ls", "/proc/self/fd"});
    ::close(high);
    ::close(plain);
    std::istringstream names(r.out);
    std::set<int> fds;
    for (int fd = 0; names >> fd;) {
        fds.insert(fd);
    }
    // 0-2, plus the descriptor ls itself uses to read the directory.
    EXPECT_TRUE(fds.count(0) && fds.count(1) && fds.count(2)) << r.out;
    EXPECT_LE(*fds.rbegin(), 3) << r.out;
}

TEST_F(SubprocessTest, StderrCanBeDiscardedOrSentToADescriptor) {
    SubprocessOptions o;
    o.stderr_to = StderrTo::discard;
    auto r = run_ok({"sh", "-c", "echo out; echo err >&2"}, o);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "");

    const auto log = (m_dir / "stderr.log").string();
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    o.stderr_to = StderrTo::fd;
    o.stderr_fd = fd;
    r = run_ok({"sh", "-c", "echo out; echo err >&2"}, o);
    ASSERT_EQ(::fcntl(fd, F_GETFD), FD_CLOEXEC) << "the caller's descriptor was changed or closed";
    ::close(fd);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "");
    std::ifstream in(log);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "err\n");

    SubprocessOptions limited;
    limited.stderr_limit = 4;
    r = run_ok({"sh", "-c", "printf 0123456789 >&2"}, limited);
    EXPECT_EQ(r.err, "0123");
    EXPECT_TRUE(r.err_truncated);
}

TEST_F(SubprocessTest, BadRequestsAreUsageErrors) {
    EXPECT_EQ(run_subprocess({}).error().code, Errc::usage);
    SubprocessOptions o;
    o.env = {{"A=B", "x"}};
    EXPECT_EQ(run_subprocess({"env"}, o).error().code, Errc::usage);
    o.env = {{"", "x"}};
    EXPECT_EQ(run_subprocess({"env"}, o).error().code, Errc::usage);
    EXPECT_EQ(run_subprocess({"echo", std::string("a\0b", 3)}).error().code, Errc::usage);
    SubprocessOptions no_fd;
    no_fd.stderr_to = StderrTo::fd;
    EXPECT_EQ(run_subprocess({"true"}, no_fd).error().code, Errc::usage);
}

TEST(SubprocessTextTest, FirstLineSkipsBlankLinesAndTrims) {
    EXPECT_EQ(fax::core::first_line("\n  \r\n   **** Error: broken.\r\nmore\n"), "**** Error: broken.");
    EXPECT_EQ(fax::core::first_line(""), "");
    EXPECT_EQ(fax::core::first_line(" \n\t\n"), "");
    const std::string long_line = std::string(199, 'x').append("\xC3\xA9tail");  // é straddles the cut
    EXPECT_EQ(fax::core::first_line(long_line), std::string(199, 'x') + "...");
}

// Runs in a forked child: with fds 0-2 closed (as faxq leaves them), pipes
// and /dev/null land on 0-2 unless the library moves them.
TEST(SubprocessDeathTest, WorksWithTheCallersStdioClosedAndLeavesNoZombies) {
    EXPECT_EXIT(
        {
            ::close(0);
            ::close(1);
            ::close(2);
            auto r = run_subprocess({"sh", "-c", "printf out; printf err >&2; cat; readlink /proc/self/fd/0"});
            if (!r || r->out != "out/dev/null\n" || r->err != "err" || r->exit_code != 0) {
                std::_Exit(10);
            }
            // While the child runs, none of our descriptors sits on 0-2 either.
            auto ours = run_subprocess({"sh", "-c", "cd /proc/$PPID/fd && ls -d 0 1 2 2>/dev/null; true"});
            if (!ours || !ours->out.empty()) {
                std::_Exit(15);
            }
            SubprocessOptions o;
            o.timeout = 100ms;
            auto t = run_subprocess({"sleep", "30"}, o);
            if (!t || !t->timed_out) {
                std::_Exit(11);
            }
            auto s = run_subprocess({"sh", "-c", "kill -KILL $$"});
            if (!s || s->signal != SIGKILL) {
                std::_Exit(12);
            }
            if (::waitpid(-1, nullptr, WNOHANG) != -1 || errno != ECHILD) {
                std::_Exit(13);  // a child is left unreaped
            }
            if (::fcntl(0, F_GETFD) != -1 || ::fcntl(1, F_GETFD) != -1 || ::fcntl(2, F_GETFD) != -1) {
                std::_Exit(14);  // a library descriptor was left on 0-2
            }
            std::_Exit(0);
        },
        ::testing::ExitedWithCode(0), "");
}

}  // namespace
