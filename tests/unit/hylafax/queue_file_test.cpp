// fax::hylafax::QueueFile and LockedQueueFile against qfiles written by a real
// HylaFAX+ 6.0.7 faxq (tests/fixtures/hylafax/, from hylafax-integration.md).

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "hylafax/queue_file.hpp"

namespace {

using fax::core::Errc;
using fax::hylafax::LockedQueueFile;
using fax::hylafax::QueueFile;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(FAXKIT_FIXTURES_DIR) + "/hylafax/" + name, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(HylafaxQueueFileTest, RealQfileRoundTripsByteForByte) {
    const std::string text = fixture("qfile-as-passed-to-SendFaxCmd.txt");
    ASSERT_FALSE(text.empty());
    const QueueFile q = QueueFile::parse(text);
    EXPECT_EQ(q.skipped_lines(), 0U);
    EXPECT_EQ(q.serialize(), text);
    const std::string done = fixture("doneq-q5-success-after-sender-edits.txt");
    EXPECT_EQ(QueueFile::parse(done).serialize(), done);
}

TEST(HylafaxQueueFileTest, FieldsAndDocumentsOfTheRealQfile) {
    const QueueFile q = QueueFile::parse(fixture("qfile-as-passed-to-SendFaxCmd.txt"));
    EXPECT_EQ(q.get("number").value_or(""), "5551234");
    EXPECT_EQ(q.get("external").value_or(""), "5551234");
    EXPECT_EQ(q.get_int("returned", -1), 7);
    EXPECT_EQ(q.get_int("totpages", -1), 2);
    EXPECT_EQ(q.get_int("maxdials", -1), 12);
    EXPECT_EQ(q.get("commid").value_or("x"), "");
    EXPECT_EQ(q.get_int("commid", -5), -5) << "an empty value is not a number";
    EXPECT_FALSE(q.get("no-such-key"));
    EXPECT_TRUE(q.validate());
    const auto docs = q.documents();
    ASSERT_EQ(docs.size(), 2U);
    EXPECT_EQ(docs[0].op, "tiff");
    EXPECT_TRUE(docs[0].converted);
    EXPECT_EQ(docs[0].path, "docq/doc2.tif.2");
    EXPECT_EQ(docs[1].op, "fax");
    EXPECT_FALSE(docs[1].converted);
    EXPECT_EQ(docs[1].dirnum, 0);
    EXPECT_EQ(docs[1].addr, "");
    EXPECT_EQ(docs[1].path, "docq/doc2.tif;c0");
    EXPECT_EQ(fax::hylafax::format_document(docs[1]), "fax:0::docq/doc2.tif;c0");
}

TEST(HylafaxQueueFileTest, SetKeepsOrderAndUnknownLines) {
    QueueFile q = QueueFile::parse("tts:1\nx-unknown:keep me\nstatus:\nreturned:7\n");
    q.set("status", "Busy signal detected");
    q.set_int("returned", 0);
    q.set_int("totdials", 1);
    EXPECT_EQ(q.serialize(), "tts:1\nx-unknown:keep me\nstatus:Busy signal detected\nreturned:0\ntotdials:1\n");
}

TEST(HylafaxQueueFileTest, StatusContinuationLinesAndLeadingBlanks) {
    const std::string text = "status:first part\\\nsecond part\nnumber:   123\n";
    QueueFile q = QueueFile::parse(text);
    EXPECT_EQ(q.get("status").value_or(""), "first part\nsecond part");
    EXPECT_EQ(q.get("number").value_or(""), "123");
    q.set("status", "a\nb");
    EXPECT_EQ(q.serialize(), "status:a\\\nb\nnumber:123\n");
}

TEST(HylafaxQueueFileTest, LinesWithoutColonAreSkippedAndCounted) {
    const QueueFile q = QueueFile::parse("number:1\ngarbage line\n\nsender:x\n");
    EXPECT_EQ(q.skipped_lines(), 1U);
    EXPECT_EQ(q.lines().size(), 2U);
}

TEST(HylafaxQueueFileTest, ValidateNamesTheMissingRequiredField) {
    std::string text = fixture("qfile-as-passed-to-SendFaxCmd.txt");
    QueueFile q = QueueFile::parse(text);
    q.set("owner", "");
    auto r = q.validate();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
    EXPECT_NE(r.error().message.find("owner"), std::string::npos) << r.error().message;
}

TEST(HylafaxQueueFileTest, RemoveDocumentDropsOnlyThatItem) {
    QueueFile q = QueueFile::parse(fixture("qfile-as-passed-to-SendFaxCmd.txt"));
    const auto docs = q.documents();
    ASSERT_EQ(docs.size(), 2U);
    ASSERT_TRUE(q.remove_document(docs[1]));
    const auto left = q.documents();
    ASSERT_EQ(left.size(), 1U);
    EXPECT_EQ(left[0].op, "tiff");
    EXPECT_FALSE(q.remove_document(docs[1]));
}

struct TmpFile {
    TmpFile() {
        path = (std::filesystem::temp_directory_path() / ("faxkit-qfile-" + std::to_string(::getpid()) + "-" +
                                                          std::to_string(n++)))
                   .string();
    }
    ~TmpFile() { std::filesystem::remove(path); }
    std::string path;
    static inline int n = 0;
};

TEST(HylafaxLockedQueueFileTest, RewritesInPlaceUnderAnExclusiveLock) {
    TmpFile tmp;
    const std::string text = fixture("qfile-as-passed-to-SendFaxCmd.txt");
    { std::ofstream(tmp.path, std::ios::binary) << text; }
    struct stat before {};
    ASSERT_EQ(::stat(tmp.path.c_str(), &before), 0);
    {
        auto locked = LockedQueueFile::open(tmp.path);
        ASSERT_TRUE(locked) << locked.error().message;
        // faxq (another open file description) cannot take the lock meanwhile.
        const int other = ::open(tmp.path.c_str(), O_RDONLY);
        ASSERT_GE(other, 0);
        EXPECT_EQ(::flock(other, LOCK_EX | LOCK_NB), -1);
        EXPECT_EQ(errno, EWOULDBLOCK);
        locked->file().set("status", "No answer from remote");
        locked->file().set_int("returned", 0);
        locked->file().set("commid", "000000001");
        ASSERT_TRUE(locked->rewrite());
        // A shorter rewrite truncates the rest.
        locked->file().set("status", "");
        ASSERT_TRUE(locked->rewrite());
        ::close(other);
    }
    struct stat after {};
    ASSERT_EQ(::stat(tmp.path.c_str(), &after), 0);
    EXPECT_EQ(before.st_ino, after.st_ino) << "rewritten in place, not replaced";
    std::ifstream in(tmp.path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    const QueueFile q = QueueFile::parse(ss.str());
    EXPECT_EQ(q.get("status").value_or("x"), "");
    EXPECT_EQ(q.get_int("returned", -1), 0);
    EXPECT_EQ(q.get("commid").value_or(""), "000000001");
    EXPECT_EQ(q.lines().size(), QueueFile::parse(text).lines().size()) << "no line lost or added";
    // The lock is released with the object.
    const int again = ::open(tmp.path.c_str(), O_RDONLY);
    EXPECT_EQ(::flock(again, LOCK_EX | LOCK_NB), 0);
    ::close(again);
}

TEST(HylafaxLockedQueueFileTest, MissingFileIsNoInput) {
    auto r = LockedQueueFile::open("/nonexistent/sendq/q1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::no_input);
}

}  // namespace
