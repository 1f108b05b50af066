// fax::hylafax::open_receive_slot: HylaFAX's receive numbering (recvq/seqf,
// log/seqf) with numbers whose file exists skipped, the locked O_EXCL file and
// the session log.

#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "hylafax/receive_slot.hpp"
#include "hylafax/sequence.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

struct Spool {
    faxkit_test::TempDir tmp{"slot"};
    fs::path path = tmp.dir();
};

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(ReceiveSlotTest, FirstSlotInAnEmptySpool) {
    Spool sp;
    auto s = fax::hylafax::open_receive_slot(sp.path.string());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->number, 1U);
    EXPECT_EQ(s->file, "recvq/fax000000001.tif");
    EXPECT_EQ(s->path, (sp.path / "recvq/fax000000001.tif").string());
    EXPECT_EQ(s->commid, "000000001");
    EXPECT_EQ(read_all(sp.path / "recvq/seqf"), "2");
    EXPECT_EQ(read_all(sp.path / "log/seqf"), "2");
    struct stat st {};
    ASSERT_EQ(::stat(s->path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    EXPECT_EQ(st.st_size, 0);
    // Held under flock(LOCK_EX): hfaxd sees a fax being received.
    const int fd = ::open(s->path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    EXPECT_NE(::flock(fd, LOCK_SH | LOCK_NB), 0);
    ::close(fd);
    EXPECT_TRUE(s->log.enabled());
    EXPECT_EQ(s->log.path(), (sp.path / "log/c000000001").string());

    auto next = fax::hylafax::open_receive_slot(sp.path.string());
    ASSERT_TRUE(next) << next.error().message;
    EXPECT_EQ(next->file, "recvq/fax000000002.tif");
    EXPECT_EQ(next->commid, "000000002");
}

// Numbers whose recvq file or session log exists (a restored spool, or numbers
// handed out again after a crash, as the sequence files are not fsynced) are skipped.
TEST(ReceiveSlotTest, NumbersWhoseFilesExistAreSkipped) {
    Spool sp;
    fs::create_directories(sp.path / "recvq");
    fs::create_directories(sp.path / "log");
    std::ofstream(sp.path / "recvq/seqf") << "5";
    std::ofstream(sp.path / "log/seqf") << "7";
    std::ofstream(sp.path / "recvq/fax000000005.tif") << "old fax";
    std::ofstream(sp.path / "recvq/fax000000006.tif") << "old fax";
    std::ofstream(sp.path / "log/c000000007") << "old log";

    auto s = fax::hylafax::open_receive_slot(sp.path.string());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->number, 7U);
    EXPECT_EQ(s->file, "recvq/fax000000007.tif");
    EXPECT_EQ(s->commid, "000000008");
    EXPECT_TRUE(s->log.enabled());
    EXPECT_EQ(read_all(sp.path / "recvq/seqf"), "8");
    EXPECT_EQ(read_all(sp.path / "log/seqf"), "9");
    EXPECT_EQ(read_all(sp.path / "recvq/fax000000005.tif"), "old fax");
    EXPECT_EQ(read_all(sp.path / "log/c000000007"), "old log");
}

// The unsynced form takes numbers exactly as the synced one (HylaFAX's rule).
TEST(ReceiveSlotTest, UnsyncedSequenceNumbersAsHylafax) {
    Spool sp;
    const auto seqf = (sp.path / "seqf").string();
    EXPECT_EQ(*fax::hylafax::next_sequence(seqf, false), 1U);
    EXPECT_EQ(*fax::hylafax::next_sequence(seqf, true), 2U);
    EXPECT_EQ(*fax::hylafax::next_sequence(seqf, false), 3U);
    EXPECT_EQ(read_all(seqf), "4");
    std::ofstream(seqf, std::ios::trunc) << "999999998";
    EXPECT_EQ(*fax::hylafax::next_sequence(seqf, false), 999999998U);
    EXPECT_EQ(read_all(seqf), "1");
}

}  // namespace
