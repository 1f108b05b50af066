// fax::jsonl::RecordBuilder and Writer.

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <regex>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "jsonl/writer.hpp"
#include "support/printers.hpp"

namespace {

using fax::core::Errc;
using fax::jsonl::RecordBuilder;
using fax::jsonl::Writer;

TEST(RecordBuilderTest, NestingAndCommas) {
    std::string out;
    RecordBuilder b(out);
    b.begin_object();
    b.key("a").string("x");
    b.key("b")
        .begin_array()
        .number(1)
        .number(-2)
        .begin_object()
        .key("c")
        .null()
        .end_object()
        .begin_object()
        .end_object()
        .begin_array()
        .end_array()
        .end_array();
    b.key("d").boolean(true).key("e").boolean(false);
    b.key("o")
        .begin_object()
        .key("p")
        .begin_object()
        .key("q")
        .number(0)
        .end_object()
        .key("r")
        .raw("[1,{\"s\":2}]")
        .end_object();
    b.key("empty").begin_object().end_object();
    b.key("last").string("");
    b.end_object();
    EXPECT_EQ(out, R"({"a":"x","b":[1,-2,{"c":null},{},[]],"d":true,"e":false,"o":{"p":{"q":0},"r":[1,{"s":2}]},)"
                   R"("empty":{},"last":""})");
    EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(RecordBuilderTest, EscapesKeysAndValues) {
    std::string out;
    RecordBuilder(out).begin_object().key("k\"1").string("v\n\x01\xFF").end_object();
    const auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["k\"1"], "v\n\x01\xEF\xBF\xBD");
}

TEST(RecordBuilderTest, NumbersAtTheEdges) {
    std::string out;
    RecordBuilder(out).begin_array().number(INT64_MIN).number(INT64_MAX).number(0).end_array();
    EXPECT_EQ(out, "[-9223372036854775808,9223372036854775807,0]");
}

TEST(RecordBuilderTest, AppendsToTheCallersString) {
    std::string out = "prefix ";
    RecordBuilder(out).begin_object().key("a").number(1).end_object();
    EXPECT_EQ(out, "prefix {\"a\":1}");
}

TEST(RecordBuilderTest, EnvelopeHasTypeAndTimestamp) {
    const std::int64_t before = fax::core::now_unix_ms();
    std::string out;
    RecordBuilder(out).begin_object().envelope("esl.api").key("id").string("x").end_object();
    const std::int64_t after = fax::core::now_unix_ms();
    const auto j = nlohmann::ordered_json::parse(out);
    EXPECT_EQ(j.begin().key(), "type");
    EXPECT_EQ(j["type"], "esl.api");
    EXPECT_EQ(j["id"], "x");
    const std::string ts = j["ts"];
    EXPECT_TRUE(std::regex_match(ts, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"))) << ts;
    EXPECT_GE(ts, fax::core::utc_ms_string(before));
    EXPECT_LE(ts, fax::core::utc_ms_string(after));
}

struct Pipe {
    int rd = -1;
    int wr = -1;
    Pipe() {
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        rd = fds[0];
        wr = fds[1];
        ::fcntl(rd, F_SETFL, ::fcntl(rd, F_GETFL) | O_NONBLOCK);
    }
    ~Pipe() {
        close_read();
        if (wr >= 0) {
            ::close(wr);
        }
    }
    void close_read() {
        if (rd >= 0) {
            ::close(rd);
            rd = -1;
        }
    }
    /// What is in the pipe right now (never blocks).
    std::string drain() const {
        std::string out;
        char buf[4096];
        while (true) {
            const ssize_t n = ::read(rd, buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
};

/// Ignores SIGPIPE for the test's lifetime.
struct IgnoreSigpipe {
    struct sigaction old {};
    IgnoreSigpipe() {
        struct sigaction sa {};
        sa.sa_handler = SIG_IGN;
        ::sigaction(SIGPIPE, &sa, &old);
    }
    ~IgnoreSigpipe() { ::sigaction(SIGPIPE, &old, nullptr); }
};

TEST(WriterTest, PerRecordWritesImmediately) {
    Pipe p;
    Writer w(p.wr, Writer::Flush::per_record);
    ASSERT_TRUE(w.write(R"({"a":1})"));
    EXPECT_EQ(p.drain(), "{\"a\":1}\n");
    EXPECT_EQ(w.pending(), 0U);
    ASSERT_TRUE(w.write(R"({"b":2})"));
    EXPECT_EQ(p.drain(), "{\"b\":2}\n");
}

TEST(WriterTest, WhenIdleWritesOnlyOnFlush) {
    Pipe p;
    Writer w(p.wr, Writer::Flush::when_idle);
    ASSERT_TRUE(w.write(R"({"a":1})"));
    ASSERT_TRUE(w.write(R"({"b":2})"));
    EXPECT_EQ(p.drain(), "");
    EXPECT_EQ(w.pending(), 16U);
    ASSERT_TRUE(w.flush());
    EXPECT_EQ(p.drain(), "{\"a\":1}\n{\"b\":2}\n");
    EXPECT_EQ(w.pending(), 0U);
    ASSERT_TRUE(w.flush());  // nothing to do
    EXPECT_EQ(p.drain(), "");
}

TEST(WriterTest, WriteErrorIsIo) {
    IgnoreSigpipe guard;
    Pipe p;
    p.close_read();
    Writer w(p.wr, Writer::Flush::per_record);
    auto r = w.write(R"({"a":1})");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::io);
    EXPECT_EQ(r.error().message, "") << "a closed pipe ends the tool quietly (writer.hpp)";
    auto again = w.write(R"({"b":2})");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::io);
}

TEST(WriterTest, OtherWriteErrorsHaveAMessage) {
    Writer w(-1, Writer::Flush::per_record);  // EBADF
    auto r = w.write(R"({"a":1})");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::io);
    EXPECT_FALSE(r.error().message.empty());
}

TEST(WriterTest, ZeroCopyRecords) {
    Pipe p;
    {
        Writer w(p.wr, Writer::Flush::per_record);
        w.begin_record().append(R"({"a":1})");
        ASSERT_TRUE(w.end_record());
        EXPECT_EQ(p.drain(), "{\"a\":1}\n");
    }
    Writer idle(p.wr, Writer::Flush::when_idle);
    idle.begin_record().append(R"({"b":2})");
    ASSERT_TRUE(idle.end_record());
    ASSERT_TRUE(idle.write(R"({"c":3})"));
    EXPECT_EQ(p.drain(), "");
    ASSERT_TRUE(idle.flush());
    EXPECT_EQ(p.drain(), "{\"b\":2}\n{\"c\":3}\n");
}

TEST(WriterTest, ZeroCopyRecordAfterAnErrorFails) {
    IgnoreSigpipe guard;
    Pipe p;
    p.close_read();
    Writer w(p.wr, Writer::Flush::per_record);
    ASSERT_FALSE(w.write("{}"));
    w.begin_record().append("{}");
    auto r = w.end_record();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::io);
}

TEST(WriterTest, FlushErrorIsIo) {
    IgnoreSigpipe guard;
    Pipe p;
    Writer w(p.wr, Writer::Flush::when_idle);
    ASSERT_TRUE(w.write(R"({"a":1})"));
    p.close_read();
    auto r = w.flush();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::io);
}

}  // namespace
