// fax::core::read_file: whole small files without iostreams.

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/file.hpp"
#include "support/temp_dir.hpp"

namespace {

using fax::core::Errc;
using fax::core::read_file;

class ReadFileTest : public faxkit_test::TempDirTest {
protected:
    ReadFileTest() : TempDirTest("readfile") {}
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path(name), std::ios::binary) << text;
        return path(name);
    }
};

TEST_F(ReadFileTest, WholeContentsIncludingNulAndNoFinalNewline) {
    const std::string text = std::string("a\0b\r\nlast", 9) + std::string(20000, 'x');
    auto r = read_file(write("f", text));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, text);
}

TEST_F(ReadFileTest, EmptyFileIsEmptyText) {
    auto r = read_file(write("empty", ""));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, "");
}

TEST_F(ReadFileTest, MissingFileAndDirectoryAreIoErrorsWithTheReason) {
    auto missing = read_file(path("nope"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::io);
    EXPECT_EQ(missing.error().message, "No such file or directory");
    auto dir = read_file(m_dir.string());
    ASSERT_FALSE(dir);
    EXPECT_EQ(dir.error().code, Errc::io);
    EXPECT_EQ(dir.error().message, "Is a directory");
}

TEST_F(ReadFileTest, LargerThanTheLimitIsRefused) {
    const std::string p = write("big", std::string(100, 'x'));
    ASSERT_TRUE(read_file(p, 100));
    auto r = read_file(p, 99);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::data);
    EXPECT_EQ(r.error().message, "larger than 99 bytes");
}

}  // namespace
