// fax::hylafax FIFO messages: NUL-terminated, one write, never blocking.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "hylafax/fifo.hpp"

namespace {

namespace fs = std::filesystem;

struct Fifo {
    Fifo() {
        path = (fs::temp_directory_path() / ("faxkit-fifo-" + std::to_string(::getpid()) + "-" + std::to_string(n++)))
                   .string();
        EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
    }
    ~Fifo() { ::unlink(path.c_str()); }
    std::string path;
    static inline int n = 0;
};

TEST(HylafaxFifoTest, MessageArrivesNulTerminated) {
    Fifo f;
    const int reader = ::open(f.path.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    ASSERT_TRUE(fax::hylafax::send_fifo_message(f.path, fax::hylafax::modem_ready_message("freeswitch0")));
    ASSERT_TRUE(fax::hylafax::send_fifo_message(f.path, fax::hylafax::modem_busy_message("freeswitch1")));
    char buf[128];
    const ssize_t n = ::read(reader, buf, sizeof buf);
    ::close(reader);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)), std::string("+freeswitch0:Rpcbffff01\0+freeswitch1:B\0", 39));
}

TEST(HylafaxFifoTest, NoReaderFailsAtOnceInsteadOfHanging) {
    Fifo f;
    const auto start = std::chrono::steady_clock::now();
    auto r = fax::hylafax::send_fifo_message(f.path, "+freeswitch0:R");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, fax::core::Errc::unavailable);
    EXPECT_NE(r.error().message.find("no reader"), std::string::npos) << r.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
    auto missing = fax::hylafax::send_fifo_message(f.path + ".missing", "+m:R");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, fax::core::Errc::unavailable);
}

TEST(HylafaxFifoTest, AFullPipeIsTemporaryNotAHang) {
    Fifo f;
    const int reader = ::open(f.path.c_str(), O_RDONLY | O_NONBLOCK);  // opened, never read
    ASSERT_GE(reader, 0);
    fax::core::Result<void> last;
    int sent = 0;
    for (; sent < 100000; ++sent) {
        last = fax::hylafax::send_fifo_message(f.path, std::string(1000, 'x'));
        if (!last) {
            break;
        }
    }
    ::close(reader);
    ASSERT_FALSE(last) << "the pipe never filled";
    EXPECT_EQ(last.error().code, fax::core::Errc::temporary);
    EXPECT_GT(sent, 10);
}

TEST(HylafaxFifoTest, HostileMessagesAndModemIdsAreRefused) {
    Fifo f;
    EXPECT_EQ(fax::hylafax::send_fifo_message(f.path, std::string("+m:R\0+x:D", 9)).error().code,
              fax::core::Errc::usage);
    EXPECT_EQ(fax::hylafax::send_fifo_message(f.path, "+m:R\n+x:D").error().code, fax::core::Errc::usage);
    EXPECT_EQ(fax::hylafax::send_fifo_message(f.path, "").error().code, fax::core::Errc::usage);
    EXPECT_TRUE(fax::hylafax::valid_modem_id("freeswitch0"));
    EXPECT_FALSE(fax::hylafax::valid_modem_id("free switch"));
    EXPECT_FALSE(fax::hylafax::valid_modem_id("a:b"));
    EXPECT_FALSE(fax::hylafax::valid_modem_id(""));
}

}  // namespace
