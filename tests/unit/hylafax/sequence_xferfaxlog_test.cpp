// fax::hylafax sequence files (Sequence::getNext) and xferfaxlog records,
// checked against HylaFAX+ 6.0.7's behaviour and a record its faxsend wrote.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "hylafax/sequence.hpp"
#include "hylafax/xferfaxlog.hpp"
#include "support/env.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

struct TmpDir {
    faxkit_test::TempDir tmp{"hylafax"};
    fs::path path = tmp.dir();
};

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(HylafaxSequenceTest, NewFileStartsAtOneAndHoldsTheNextNumber) {
    TmpDir d;
    const auto seqf = (d.path / "seqf").string();
    auto n = fax::hylafax::next_sequence(seqf);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(*n, 1U);
    EXPECT_EQ(read_all(seqf), "2") << "HylaFAX: the file holds the next number, no newline";
    struct stat st {};
    ASSERT_EQ(::stat(seqf.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    EXPECT_EQ(*fax::hylafax::next_sequence(seqf), 2U);
    EXPECT_EQ(read_all(seqf), "3");
    EXPECT_EQ(fax::hylafax::format_commid(1), "000000001");
}

TEST(HylafaxSequenceTest, ExistingInvalidAndWrappingValues) {
    TmpDir d;
    const auto seqf = (d.path / "seqf").string();
    std::ofstream(seqf) << "13";  // seen: sendq/seqf after 12 jobs
    EXPECT_EQ(*fax::hylafax::next_sequence(seqf), 13U);
    EXPECT_EQ(read_all(seqf), "14");
    std::ofstream(seqf, std::ios::trunc) << "garbage";
    EXPECT_EQ(*fax::hylafax::next_sequence(seqf), 1U);
    std::ofstream(seqf, std::ios::trunc) << "999999999";
    EXPECT_EQ(*fax::hylafax::next_sequence(seqf), 1U);
    std::ofstream(seqf, std::ios::trunc) << "999999998";
    EXPECT_EQ(*fax::hylafax::next_sequence(seqf), 999999998U);
    EXPECT_EQ(read_all(seqf), "1") << "wraps past 999999998";
}

TEST(HylafaxSequenceTest, ConcurrentTakersNeverShareANumber) {
    TmpDir d;
    const auto seqf = (d.path / "seqf").string();
    constexpr int k_threads = 8;
    constexpr int k_each = 40;
    std::vector<std::vector<std::uint32_t>> got(k_threads);
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < k_each; ++i) {
                auto n = fax::hylafax::next_sequence(seqf);
                if (n) {
                    got[static_cast<std::size_t>(t)].push_back(*n);
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    std::set<std::uint32_t> all;
    for (const auto& g : got) {
        all.insert(g.begin(), g.end());
    }
    EXPECT_EQ(all.size(), static_cast<std::size_t>(k_threads * k_each));
    EXPECT_EQ(*all.begin(), 1U);
    EXPECT_EQ(*all.rbegin(), static_cast<std::uint32_t>(k_threads * k_each));
}

TEST(HylafaxSequenceTest, SymlinkIsRefused) {
    TmpDir d;
    const auto target = d.path / "elsewhere";
    std::ofstream(target) << "5";
    const auto seqf = d.path / "seqf";
    fs::create_symlink(target, seqf);
    auto n = fax::hylafax::next_sequence(seqf.string());
    ASSERT_FALSE(n);
    EXPECT_EQ(n.error().code, fax::core::Errc::io);
    EXPECT_EQ(read_all(target), "5");
}

TEST(HylafaxXferfaxlogTest, ReproducesTheRealFaxsendRecord) {
    // log/xferfaxlog written by HylaFAX+ 6.0.7 faxsend (hylafax-integration.md §5).
    const std::string want = read_all(std::string(FAXKIT_FIXTURES_DIR) + "/hylafax/xferfaxlog-SEND-real-faxsend.txt");
    ASSERT_FALSE(want.empty());
    const faxkit_test::ScopedEnv utc("TZ", "UTC");
    fax::hylafax::XferRecord r;
    std::tm tm{};
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 10;
    tm.tm_mday = 23;
    tm.tm_hour = 13;
    tm.tm_min = 43;
    r.start_unix = timegm(&tm);
    r.kind = "SEND";
    r.commid = "000000001";
    r.modem = "/dev/pts/0";
    r.jobid = "12";
    r.sender = "root@vm";
    r.dest = "5550006";
    r.params = 2211880;
    r.pages = 0;
    r.job_seconds = 2;
    r.conn_seconds = 0;
    r.reason = "No carrier detected";
    r.owner = "root";
    r.dcs = "00 00 00";
    EXPECT_EQ(fax::hylafax::format_record(r), want);
}

TEST(HylafaxXferfaxlogTest, QuotingAndHostileValues) {
    fax::hylafax::XferRecord r;
    r.jobtag = "a\"b\tc";
    r.reason = "line1\nline2\tx";
    const std::string line = fax::hylafax::format_record(r);
    EXPECT_NE(line.find("\t\"a\\\"b c\"\t"), std::string::npos) << line;
    EXPECT_NE(line.find("\"line1 line2 x\""), std::string::npos) << line;
    EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
    EXPECT_EQ(std::count(line.begin(), line.end(), '\t'), 18) << "19 fields";
    EXPECT_EQ(fax::hylafax::format_duration(54), "0:00:54");
    EXPECT_EQ(fax::hylafax::format_duration(3725), "1:02:05");
}

TEST(HylafaxXferfaxlogTest, AppendsOneLinePerRecord) {
    TmpDir d;
    const auto log = (d.path / "xferfaxlog").string();
    fax::hylafax::XferRecord r;
    r.commid = "000000001";
    ASSERT_TRUE(fax::hylafax::append_record(log, r));
    r.commid = "000000002";
    ASSERT_TRUE(fax::hylafax::append_record(log, r));
    const std::string text = read_all(log);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
    EXPECT_NE(text.find("\t000000002\t"), std::string::npos);
    struct stat st {};
    ASSERT_EQ(::stat(log.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777 & ~0022U, 0644U & ~0022U);
}

}  // namespace
