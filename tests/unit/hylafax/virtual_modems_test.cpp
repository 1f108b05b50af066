// fax::hylafax::ModemPool: the virtual modems fax-recv presents to faxq. A
// temporary spool with a fake faxq (<spool>/FIFO read by the test) checks the
// exact messages, their spacing, the files and the FIFO.<id> requests.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/loop.hpp"
#include "core/loop_asio.hpp"
#include "hylafax/virtual_modems.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using fax::hylafax::ModemPool;
using fax::hylafax::ModemPoolConfig;
using fax::hylafax::ModemState;
using Clock = std::chrono::steady_clock;
using Messages = std::vector<std::string>;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

// A spool with etc/ and status/; removed at the end.
struct Spool {
    Spool() {
        fs::create_directories(dir / "etc");
        fs::create_directories(dir / "status");
    }
    std::string status(const std::string& id) const { return slurp(dir / "status" / id); }
    faxkit_test::TempDir tmp{"modems"};
    fs::path dir = tmp.dir();
};

// faxq's side of <spool>/FIFO: opened O_RDWR|O_NONBLOCK like faxq does, read
// by the test; messages are split on NUL.
struct FakeFaxq {
    explicit FakeFaxq(const fs::path& spool) : path(spool / "FIFO") {
        EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
        fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        EXPECT_GE(fd, 0);
    }
    ~FakeFaxq() { ::close(fd); }
    // Everything written so far, complete messages only.
    Messages take() {
        char buf[4096];
        ssize_t n = 0;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) {
            pending.append(buf, static_cast<std::size_t>(n));
        }
        Messages out;
        std::size_t nul = 0;
        while ((nul = pending.find('\0')) != std::string::npos) {
            out.push_back(pending.substr(0, nul));
            pending.erase(0, nul + 1);
        }
        return out;
    }
    fs::path path;
    int fd = -1;
    std::string pending;
};

// Writes raw bytes into a modem's FIFO.<id>, as faxq or fax-send would.
void write_request(const fs::path& fifo, const std::string& bytes) {
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(fd, 0) << fifo << ": " << std::strerror(errno);
    ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
}

// Runs the loop until \a done holds or \a limit passes; true if it held.
bool run_until(fax::core::Loop& loop, const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
    auto& io = loop.impl().io;
    const auto deadline = Clock::now() + limit;
    while (!done()) {
        if (Clock::now() >= deadline) {
            return false;
        }
        if (io.stopped()) {
            io.restart();
        }
        if (io.run_one_for(5ms) == 0 && io.stopped()) {
            std::this_thread::sleep_for(1ms);  // no work at all: only the clock can change done()
        }
    }
    return true;
}

// Runs the loop for \a span, for checks that something does NOT happen.
void run_for(fax::core::Loop& loop, std::chrono::milliseconds span) {
    const auto until = Clock::now() + span;
    (void)run_until(loop, [&] { return Clock::now() >= until; }, span + 1000ms);
}

struct Sent {
    std::string message;
    bool delivered;
    Clock::time_point at;
};

// One pool on a fresh spool with a fake faxq; records what the pool sent.
struct PoolTest : ::testing::Test {
    ModemPoolConfig config(unsigned count, std::chrono::milliseconds spacing = 50ms) {
        ModemPoolConfig c;
        c.spool = spool.dir.string();
        c.count = count;
        c.announce_spacing = spacing;
        c.reannounce = 0ms;
        return c;
    }
    ModemPool& make(ModemPoolConfig c) {
        pool = std::make_unique<ModemPool>(loop, std::move(c));
        pool->on_sent([this](std::string_view m, bool ok) { sent.push_back({std::string(m), ok, Clock::now()}); });
        pool->on_log([this](ModemPool::Level, std::string_view line) { log.emplace_back(line); });
        return *pool;
    }
    std::vector<Sent> sent_matching(char kind) const {
        std::vector<Sent> out;
        for (const Sent& s : sent) {
            const auto colon = s.message.find(':');
            if (colon != std::string::npos && colon + 1 < s.message.size() && s.message[colon + 1] == kind) {
                out.push_back(s);
            }
        }
        return out;
    }
    std::size_t count_of(const std::string& message) const {
        return static_cast<std::size_t>(
            std::count_if(sent.begin(), sent.end(), [&](const Sent& s) { return s.message == message; }));
    }
    fs::path fifo(const std::string& id) const { return spool.dir / ("FIFO." + id); }

    Spool spool;
    fax::core::Loop loop;
    std::vector<Sent> sent;
    std::vector<std::string> log;
    std::unique_ptr<ModemPool> pool;  // last: destroyed (shutdown) before what it reports into
};

struct ModemPoolTest : PoolTest {
    FakeFaxq faxq{spool.dir};
};

TEST_F(ModemPoolTest, StartCreatesFifoStatusAndConfigWithExactModes) {
    auto c = config(2);
    c.local_number = "+1.555.0100";
    c.recv_file_mode = 0644;
    const mode_t old = ::umask(077);  // the modes must not depend on the umask
    auto& p = make(c);
    auto r = p.start();
    ::umask(old);
    ASSERT_TRUE(r) << r.error().message;
    for (const std::string id : {"freeswitch0", "freeswitch1"}) {
        struct stat st {};
        ASSERT_EQ(::lstat(fifo(id).c_str(), &st), 0);
        EXPECT_TRUE(S_ISFIFO(st.st_mode));
        EXPECT_EQ(mode_of(fifo(id)), 0600U);
        EXPECT_EQ(mode_of(spool.dir / "status" / id), 0644U);
        EXPECT_EQ(spool.status(id), "Running and idle");
        const fs::path cfg = spool.dir / "etc" / ("config." + id);
        EXPECT_EQ(mode_of(cfg), 0644U);
        const std::string text = slurp(cfg);
        EXPECT_NE(text.find("\nFAXNumber:\t\t+1.555.0100\n"), std::string::npos) << text;
        EXPECT_NE(text.find("\nRecvFileMode:\t\t0644\n"), std::string::npos) << text;
        EXPECT_EQ(p.state(id), ModemState::ready);
    }
    EXPECT_EQ(p.ids(), (std::vector<std::string>{"freeswitch0", "freeswitch1"}));
    EXPECT_EQ(p.state("freeswitch2"), std::nullopt);
    // Someone (hfaxd's "getty running" test, faxq) can open FIFO.<id> for writing: the pool reads it.
    const int w = ::open(fifo("freeswitch1").c_str(), O_WRONLY | O_NONBLOCK);
    EXPECT_GE(w, 0);
    ::close(w);
}

TEST_F(ModemPoolTest, KeepsExistingConfigAndFifoAndNeedsNoConfigWhenToldSo) {
    const fs::path cfg0 = spool.dir / "etc" / "config.freeswitch0";
    std::ofstream(cfg0) << "FAXNumber: +49 30 1234\n";
    ASSERT_EQ(::mkfifo(fifo("freeswitch0").c_str(), 0600), 0);
    auto& p = make(config(2));
    ASSERT_TRUE(p.start());
    EXPECT_EQ(slurp(cfg0), "FAXNumber: +49 30 1234\n");
    EXPECT_TRUE(fs::exists(spool.dir / "etc" / "config.freeswitch1"));
    EXPECT_EQ(slurp(spool.dir / "etc" / "config.freeswitch1").find("FAXNumber"), std::string::npos);

    // No way to create etc/config.<id> (on Debian etc/ is root's /etc/hylafax): a warning, not an error.
    fs::remove_all(spool.dir / "etc");
    ModemPool noetc(loop, config(1));
    std::vector<std::string> warnings;
    noetc.on_log([&](ModemPool::Level level, std::string_view line) {
        if (level == ModemPool::Level::warning) {
            warnings.emplace_back(line);
        }
    });
    ASSERT_TRUE(noetc.start());
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_NE(warnings[0].find("etc/config.freeswitch0"), std::string::npos) << warnings[0];
    EXPECT_EQ(noetc.state("freeswitch0"), ModemState::ready);
    noetc.shutdown();

    Spool other;
    auto c = config(1);
    c.spool = other.dir.string();
    c.create_config_files = false;
    ModemPool q(loop, c);
    ASSERT_TRUE(q.start());
    EXPECT_FALSE(fs::exists(other.dir / "etc" / "config.freeswitch0"));
    EXPECT_EQ(other.status("freeswitch0"), "Running and idle");
}

TEST_F(ModemPoolTest, RefusesAFifoPathThatIsNotAFifoAndBadConfigurations) {
    std::ofstream(fifo("freeswitch1")) << "not a fifo";
    auto& p = make(config(2));
    auto r = p.start();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, fax::core::Errc::config);
    EXPECT_NE(r.error().message.find("FIFO.freeswitch1: exists and is not a FIFO"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(p.state("freeswitch0"), ModemState::down);
    EXPECT_EQ(p.acquire_inbound(), std::nullopt);

    auto expect_config_error = [&](ModemPoolConfig c, const char* what) {
        ModemPool q(loop, std::move(c));
        auto e = q.start();
        ASSERT_FALSE(e) << what;
        EXPECT_EQ(e.error().code, fax::core::Errc::config) << what << ": " << e.error().message;
    };
    auto c = config(1);
    c.count = 0;
    expect_config_error(c, "count 0");
    c = config(1);
    c.count = fax::hylafax::k_max_modems + 1;
    expect_config_error(c, "too many");
    c = config(1);
    c.spool = (spool.dir / "missing").string();
    expect_config_error(c, "missing spool");
    c = config(1);
    c.prefix = "free switch";
    expect_config_error(c, "bad id");
    for (const char* caps : {"", "cbffff01", "pcbffff0", "pcbffff01:", "pcbffff01:7f\n", "pcbfgff01"}) {
        c = config(1);
        c.capabilities = caps;
        expect_config_error(c, caps);
    }
    c = config(1);
    c.capabilities = "Pcbffff01:7f";
    ModemPool ok(loop, c);
    EXPECT_TRUE(ok.start());
}

TEST_F(ModemPoolTest, AnnouncesNumbersAtOnceAndReadyMessagesSpacedNotInABurst) {
    auto c = config(4, 60ms);
    c.local_number = "5550100";
    auto& p = make(c);
    ASSERT_TRUE(p.start());
    // Numbers do not wake faxq's scheduler: all at once. Ready: the first at once, the rest queued.
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:N5550100", "+freeswitch1:N5550100", "+freeswitch2:N5550100",
                                     "+freeswitch3:N5550100", "+freeswitch0:Rpcbffff01"}));
    EXPECT_EQ(p.queued_announcements(), 3U);
    Messages got;
    ASSERT_TRUE(run_until(loop, [&] {
        for (auto& m : faxq.take()) {
            got.push_back(m);
        }
        return got.size() == 3;
    }));
    EXPECT_EQ(got, (Messages{"+freeswitch1:Rpcbffff01", "+freeswitch2:Rpcbffff01", "+freeswitch3:Rpcbffff01"}));
    const auto ready = sent_matching('R');
    ASSERT_EQ(ready.size(), 4U);
    for (std::size_t i = 1; i < ready.size(); ++i) {
        EXPECT_GE(ready[i].at - ready[i - 1].at, 60ms) << "ready messages " << i - 1 << " and " << i;
    }
    EXPECT_EQ(p.queued_announcements(), 0U);
    EXPECT_EQ(p.counters().messages_sent, 8U);
    EXPECT_EQ(p.counters().messages_failed, 0U);
}

TEST_F(ModemPoolTest, ReannouncesReadyModemsPeriodicallyButNotBusyOnes) {
    auto c = config(3, 10ms);
    c.reannounce = 150ms;
    auto& p = make(c);
    const auto t0 = Clock::now();
    ASSERT_TRUE(p.start());
    ASSERT_EQ(p.acquire_inbound(), "freeswitch0");  // announced at once by start(), busy from now on
    ASSERT_TRUE(run_until(loop, [&] { return sent_matching('R').size() == 7; }));
    const auto ready = sent_matching('R');
    EXPECT_EQ(ready[0].message, "+freeswitch0:Rpcbffff01");
    EXPECT_EQ(ready[1].message, "+freeswitch1:Rpcbffff01");
    EXPECT_EQ(ready[2].message, "+freeswitch2:Rpcbffff01");
    EXPECT_EQ(ready[3].message, "+freeswitch1:Rpcbffff01");
    EXPECT_EQ(ready[4].message, "+freeswitch2:Rpcbffff01");
    EXPECT_GE(ready[3].at - t0, 150ms);
    EXPECT_EQ(ready[5].message, "+freeswitch1:Rpcbffff01");  // second round
    EXPECT_GE(ready[5].at - t0, 300ms);
    for (std::size_t i = 1; i < ready.size(); ++i) {
        EXPECT_GE(ready[i].at - ready[i - 1].at, 10ms);
    }
    EXPECT_EQ(count_of("+freeswitch0:Rpcbffff01"), 1U);  // busy: never re-announced
}

TEST_F(ModemPoolTest, InboundCallsTakeTheFirstReadyModemAndReleaseIt) {
    auto& p = make(config(2, 40ms));
    ASSERT_TRUE(p.start());
    ASSERT_TRUE(run_until(loop, [&] { return p.queued_announcements() == 0; }));
    faxq.take();

    EXPECT_EQ(p.acquire_inbound("000000007"), "freeswitch0");
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:B", "+freeswitch0:I000000007"}));
    EXPECT_EQ(spool.status("freeswitch0"), "Receiving facsimile");
    EXPECT_EQ(p.state("freeswitch0"), ModemState::busy_inbound);

    EXPECT_EQ(p.acquire_inbound(), "freeswitch1");
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch1:B"}));
    EXPECT_TRUE(p.set_commid("freeswitch1", "000000008"));
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch1:I000000008"}));

    EXPECT_EQ(p.acquire_inbound("000000009"), std::nullopt);  // all busy: the caller rejects the call
    EXPECT_TRUE(faxq.take().empty());
    EXPECT_EQ(p.counters().inbound_acquired, 2U);
    EXPECT_EQ(p.counters().inbound_refused, 1U);

    EXPECT_TRUE(p.release_inbound("freeswitch0"));
    EXPECT_EQ(spool.status("freeswitch0"), "Running and idle");
    EXPECT_EQ(p.state("freeswitch0"), ModemState::ready);
    ASSERT_TRUE(run_until(loop, [&] { return p.queued_announcements() == 0; }));
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:I", "+freeswitch0:Rpcbffff01"}));
    EXPECT_FALSE(p.release_inbound("freeswitch0"));  // twice: nothing sent
    EXPECT_FALSE(p.release_inbound("nosuchmodem"));
    EXPECT_FALSE(p.set_commid("freeswitch0", "1"));
    EXPECT_TRUE(faxq.take().empty());

    EXPECT_EQ(p.acquire_inbound(), "freeswitch0");  // free again
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:B"}));
}

TEST_F(ModemPoolTest, AQueuedReadyMessageIsDroppedWhenTheModemGetsBusyFirst) {
    auto& p = make(config(2, 150ms));
    ASSERT_TRUE(p.start());
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:Rpcbffff01"}));
    EXPECT_EQ(p.queued_announcements(), 1U);  // freeswitch1's ready waits for its turn
    EXPECT_EQ(p.acquire_inbound(), "freeswitch0");
    EXPECT_EQ(p.acquire_inbound(), "freeswitch1");
    EXPECT_EQ(p.queued_announcements(), 0U);  // a ready after B would free a busy modem in faxq
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:B", "+freeswitch1:B"}));
    ASSERT_TRUE(p.release_inbound("freeswitch0"));
    ASSERT_TRUE(run_until(loop, [&] { return sent_matching('R').size() == 2; }));
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:Rpcbffff01"}));
    const auto ready = sent_matching('R');
    EXPECT_GE(ready[1].at - ready[0].at, 150ms);
    EXPECT_EQ(p.queued_announcements(), 0U);
    EXPECT_EQ(count_of("+freeswitch1:Rpcbffff01"), 0U);
}

TEST_F(ModemPoolTest, SenderAndFaxqRequestsOnTheModemFifoIncludingSplitAndConcatenated) {
    auto c = config(2, 30ms);
    c.local_number = "5550100";
    auto& p = make(c);
    ASSERT_TRUE(p.start());
    ASSERT_TRUE(run_until(loop, [&] { return p.queued_announcements() == 0; }));
    faxq.take();
    auto requests_reach = [&](std::uint64_t n) {
        return run_until(loop, [&] { return p.counters().requests >= n; });
    };

    // faxq assigns a job: L (no message to faxq: it marked the modem busy itself).
    write_request(fifo("freeswitch0"), std::string("L\0", 2));
    ASSERT_TRUE(requests_reach(1));
    EXPECT_EQ(p.state("freeswitch0"), ModemState::locked);
    EXPECT_EQ(spool.status("freeswitch0"), "Locked for sending");
    EXPECT_TRUE(faxq.take().empty());
    EXPECT_EQ(p.acquire_inbound(), "freeswitch1");  // the locked modem is skipped
    faxq.take();

    // fax-send's SB arrives in two pieces.
    write_request(fifo("freeswitch0"), "S");
    run_for(loop, 30ms);
    EXPECT_EQ(p.counters().requests, 1U);
    write_request(fifo("freeswitch0"), std::string("B\0", 2));
    ASSERT_TRUE(requests_reach(2));
    EXPECT_EQ(p.state("freeswitch0"), ModemState::busy_outbound);
    EXPECT_EQ(spool.status("freeswitch0"), "Sending facsimile");
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:U"}));

    // SB and SR in one read: busy then ready again.
    write_request(fifo("freeswitch0"), std::string("SB\0SR\0", 6));
    ASSERT_TRUE(requests_reach(4));
    EXPECT_EQ(p.state("freeswitch0"), ModemState::ready);
    EXPECT_EQ(spool.status("freeswitch0"), "Running and idle");
    ASSERT_TRUE(run_until(loop, [&] { return p.queued_announcements() == 0; }));
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:U", "+freeswitch0:Rpcbffff01"}));

    // HELLO (faxq restarted): number at once, ready only for a ready modem.
    write_request(fifo("freeswitch0"), std::string("HELLO\0", 6));
    ASSERT_TRUE(requests_reach(5));
    ASSERT_TRUE(run_until(loop, [&] { return p.queued_announcements() == 0; }));
    write_request(fifo("freeswitch1"), std::string("HELLO\0", 6));
    ASSERT_TRUE(requests_reach(6));
    EXPECT_EQ(p.queued_announcements(), 0U);
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:N5550100", "+freeswitch0:Rpcbffff01", "+freeswitch1:N5550100"}));

    // Unknown messages and a line-terminated SR (echo SR > FIFO.x).
    write_request(fifo("freeswitch0"), std::string("Q\0Zzz\0SD\0", 9));
    ASSERT_TRUE(requests_reach(9));
    EXPECT_EQ(p.counters().unknown_requests, 3U);
    EXPECT_EQ(p.state("freeswitch0"), ModemState::ready);
    EXPECT_TRUE(faxq.take().empty());
    EXPECT_NE(std::find(log.begin(), log.end(), "modem freeswitch0: ignored \"Zzz\" on FIFO.freeswitch0"), log.end());

    write_request(fifo("freeswitch1"), "SB\n");
    ASSERT_TRUE(requests_reach(10));
    EXPECT_EQ(p.state("freeswitch1"), ModemState::busy_inbound);  // the call still holds it
    EXPECT_EQ(spool.status("freeswitch1"), "Receiving facsimile");
    ASSERT_TRUE(p.release_inbound("freeswitch1"));
    EXPECT_EQ(p.state("freeswitch1"), ModemState::busy_outbound);  // not ready: the job goes on
    EXPECT_EQ(spool.status("freeswitch1"), "Sending facsimile");
    write_request(fifo("freeswitch1"), "SR\n");
    ASSERT_TRUE(requests_reach(11));
    ASSERT_TRUE(run_until(loop, [&] { return p.queued_announcements() == 0; }));
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch1:U", "+freeswitch1:Rpcbffff01"}));
    EXPECT_EQ(p.state("freeswitch1"), ModemState::ready);
}

TEST_F(ModemPoolTest, AnOverlongRequestIsDroppedAndTheNextOneWorks) {
    auto& p = make(config(1, 0ms));
    ASSERT_TRUE(p.start());
    faxq.take();
    write_request(fifo("freeswitch0"), std::string(1500, 'x') + std::string("\0SB\0", 4));
    ASSERT_TRUE(run_until(loop, [&] { return p.counters().requests >= 2; }));
    EXPECT_EQ(p.counters().unknown_requests, 1U);
    EXPECT_EQ(p.state("freeswitch0"), ModemState::busy_outbound);
}

TEST_F(ModemPoolTest, ShutdownSendsDownForEveryModemAtOnceAndClosesTheFifos) {
    auto& p = make(config(5, 1100ms));
    ASSERT_TRUE(p.start());
    EXPECT_EQ(p.queued_announcements(), 4U);
    ASSERT_EQ(p.acquire_inbound(), "freeswitch0");
    faxq.take();
    const auto t0 = Clock::now();
    p.shutdown();
    EXPECT_LT(Clock::now() - t0, 500ms);  // about 1 ms; spaced like ready messages it would take 4.4 s
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:D", "+freeswitch1:D", "+freeswitch2:D", "+freeswitch3:D",
                                     "+freeswitch4:D"}));
    EXPECT_EQ(p.queued_announcements(), 0U);
    for (const auto& id : p.ids()) {
        EXPECT_EQ(spool.status(id), "Down");
        EXPECT_EQ(p.state(id), ModemState::down);
        // Nobody reads FIFO.<id> any more: faxq's writes fail at once (ENXIO).
        EXPECT_LT(::open(fifo(id).c_str(), O_WRONLY | O_NONBLOCK), 0);
        EXPECT_EQ(errno, ENXIO);
    }
    EXPECT_EQ(p.acquire_inbound(), std::nullopt);
    EXPECT_FALSE(p.release_inbound("freeswitch0"));
    p.shutdown();  // idempotent
    run_for(loop, 20ms);  // late handlers of the closed FIFOs find nothing to do
    EXPECT_TRUE(faxq.take().empty());
}

TEST_F(ModemPoolTest, DestroyingARunningPoolMarksItsModemsDown) {
    auto& p = make(config(2));
    ASSERT_TRUE(p.start());
    faxq.take();
    pool.reset();
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:D", "+freeswitch1:D"}));
    run_for(loop, 20ms);
}

TEST_F(ModemPoolTest, ClearsAStaleOutboundStateWhenFaxqsLockFileIsGone) {
    const fs::path locks = spool.dir / "lock";
    fs::create_directories(locks);
    std::ofstream(locks / "LCK..freeswitch0") << "      1234\n";
    auto c = config(1, 0ms);
    c.uucp_lock_dir = locks.string();
    c.lock_poll = 20ms;
    auto& p = make(c);
    ASSERT_TRUE(p.start());
    write_request(fifo("freeswitch0"), std::string("L\0SB\0", 5));
    ASSERT_TRUE(run_until(loop, [&] { return p.counters().requests == 2; }));
    run_for(loop, 100ms);  // several polls while faxq holds the lock
    EXPECT_EQ(p.state("freeswitch0"), ModemState::busy_outbound);
    faxq.take();
    fs::remove(locks / "LCK..freeswitch0");  // the sender died without SR; faxq released the modem
    ASSERT_TRUE(run_until(loop, [&] { return p.state("freeswitch0") == ModemState::ready; }));
    EXPECT_EQ(spool.status("freeswitch0"), "Running and idle");
    EXPECT_EQ(faxq.take(), (Messages{"+freeswitch0:Rpcbffff01"}));
}

// No faxq at all: no <spool>/FIFO, then one without a reader. Nothing hangs or fails.
TEST_F(PoolTest, WorksWithoutFaxq) {
    auto& p = make(config(2, 10ms));
    const auto t0 = Clock::now();
    ASSERT_TRUE(p.start());
    ASSERT_TRUE(run_until(loop, [&] { return p.queued_announcements() == 0; }));
    ASSERT_EQ(::mkfifo((spool.dir / "FIFO").c_str(), 0600), 0);  // faxq gone, its FIFO left behind
    ASSERT_EQ(p.acquire_inbound(), "freeswitch0");
    ASSERT_TRUE(p.release_inbound("freeswitch0"));
    ASSERT_TRUE(run_until(loop, [&] { return p.queued_announcements() == 0; }));
    p.shutdown();
    EXPECT_LT(Clock::now() - t0, 2s);
    EXPECT_EQ(p.counters().messages_sent, 0U);
    EXPECT_EQ(p.counters().messages_failed, sent.size());
    EXPECT_EQ(sent.size(), 6U);  // R R, B, R, D D
    for (const Sent& s : sent) {
        EXPECT_FALSE(s.delivered) << s.message;
    }
    EXPECT_EQ(spool.status("freeswitch0"), "Down");
}

TEST_F(ModemPoolTest, ZeroSpacingAnnouncesAllAtOnce) {
    auto& p = make(config(3, 0ms));
    ASSERT_TRUE(p.start());
    EXPECT_EQ(faxq.take(),
              (Messages{"+freeswitch0:Rpcbffff01", "+freeswitch1:Rpcbffff01", "+freeswitch2:Rpcbffff01"}));
    EXPECT_EQ(p.start().error().code, fax::core::Errc::usage);
}

}  // namespace
