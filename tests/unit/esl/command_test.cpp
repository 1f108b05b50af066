// fax::esl::cmd encoders: exact bytes of every command, CR/LF injection refused.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "esl/command.hpp"
#include "esl/decoder.hpp"
#include "support/printers.hpp"

namespace {

namespace cmd = fax::esl::cmd;
using fax::core::Errc;
using fax::esl::EventFormat;

std::string bytes(const cmd::Bytes& b) {
    EXPECT_TRUE(b) << b.error().message;
    return b ? *b : std::string("<error>");
}

void expect_usage(const cmd::Bytes& b, const char* what) {
    ASSERT_FALSE(b) << what << " was accepted: " << *b;
    EXPECT_EQ(b.error().code, Errc::usage) << what;
}

TEST(CommandTest, SimpleCommands) {
    EXPECT_EQ(bytes(cmd::auth("ClueCon")), "auth ClueCon\n\n");
    EXPECT_EQ(bytes(cmd::auth("pass word with spaces ")), "auth pass word with spaces \n\n");
    EXPECT_EQ(bytes(cmd::api("status")), "api status\n\n");
    EXPECT_EQ(bytes(cmd::api("db insert/fallback/123/456")), "api db insert/fallback/123/456\n\n");
    EXPECT_EQ(bytes(cmd::noevents()), "noevents\n\n");
    EXPECT_EQ(bytes(cmd::nolinger()), "nolinger\n\n");
    EXPECT_EQ(bytes(cmd::exit()), "exit\n\n");
    EXPECT_EQ(bytes(cmd::connect()), "connect\n\n");
    EXPECT_EQ(bytes(cmd::log("debug")), "log debug\n\n");
    EXPECT_EQ(bytes(cmd::log("7")), "log 7\n\n");
    EXPECT_EQ(bytes(cmd::nolog()), "nolog\n\n");
}

TEST(CommandTest, Bgapi) {
    EXPECT_EQ(bytes(cmd::bgapi("status")), "bgapi status\n\n");
    EXPECT_EQ(bytes(cmd::bgapi("originate loopback/echo &park", "c0ffee00-0000-4000-8000-000000000001")),
              "bgapi originate loopback/echo &park\nJob-UUID: c0ffee00-0000-4000-8000-000000000001\n\n");
}

TEST(CommandTest, EventSubscriptions) {
    EXPECT_EQ(bytes(cmd::event(EventFormat::plain, {"ALL"})), "event plain ALL\n\n");
    EXPECT_EQ(bytes(cmd::event(EventFormat::json, {"CHANNEL_HANGUP_COMPLETE", "CUSTOM", "spandsp::txfaxresult"})),
              "event json CHANNEL_HANGUP_COMPLETE CUSTOM spandsp::txfaxresult\n\n");
    EXPECT_EQ(bytes(cmd::event(EventFormat::xml, {"HEARTBEAT"})), "event xml HEARTBEAT\n\n");
    EXPECT_EQ(bytes(cmd::nixevent({"CHANNEL_STATE", "HEARTBEAT"})), "nixevent CHANNEL_STATE HEARTBEAT\n\n");
}

TEST(CommandTest, Filters) {
    EXPECT_EQ(bytes(cmd::filter("Unique-ID", "9d7c1e2a-1111-4222-8333-444455556666")),
              "filter Unique-ID 9d7c1e2a-1111-4222-8333-444455556666\n\n");
    EXPECT_EQ(bytes(cmd::filter("Caller-Caller-ID-Name", "ACME Fax")), "filter Caller-Caller-ID-Name ACME Fax\n\n");
    EXPECT_EQ(bytes(cmd::filter_delete("Unique-ID")), "filter delete Unique-ID\n\n");
    EXPECT_EQ(bytes(cmd::filter_delete("Job-UUID", "j1")), "filter delete Job-UUID j1\n\n");
}

TEST(CommandTest, MyeventsAndLinger) {
    EXPECT_EQ(bytes(cmd::myevents()), "myevents\n\n");
    EXPECT_EQ(bytes(cmd::myevents("9d7c1e2a-1111-4222-8333-444455556666")),
              "myevents 9d7c1e2a-1111-4222-8333-444455556666\n\n");
    EXPECT_EQ(bytes(cmd::myevents("u1", EventFormat::json)), "myevents u1 json\n\n");
    EXPECT_EQ(bytes(cmd::myevents("", EventFormat::plain)), "myevents plain\n\n");
    EXPECT_EQ(bytes(cmd::linger()), "linger\n\n");
    EXPECT_EQ(bytes(cmd::linger(3)), "linger 3\n\n");
}

TEST(CommandTest, ExecuteInline) {
    cmd::Execute e;
    e.app = "rxfax";
    e.arg = "/tmp/rx.tif";
    EXPECT_EQ(
        bytes(cmd::execute(e)),
        "sendmsg\ncall-command: execute\nexecute-app-name: rxfax\nexecute-app-arg: /tmp/rx.tif\nevent-lock: true\n\n");

    e.uuid = "9d7c1e2a-1111-4222-8333-444455556666";
    e.app = "playback";
    e.arg = "silence_stream://1000";
    e.loops = 3;
    e.event_uuid = "3f1e0c9a-7c4d-4d1e-9a57-0b1f7f7f0001";
    EXPECT_EQ(bytes(cmd::execute(e)),
              "sendmsg 9d7c1e2a-1111-4222-8333-444455556666\ncall-command: execute\nexecute-app-name: playback\n"
              "execute-app-arg: silence_stream://1000\nevent-lock: true\nloops: 3\n"
              "Event-UUID: 3f1e0c9a-7c4d-4d1e-9a57-0b1f7f7f0001\n\n");

    cmd::Execute a;
    a.app = "answer";
    a.event_lock = false;
    EXPECT_EQ(bytes(cmd::execute(a)), "sendmsg\ncall-command: execute\nexecute-app-name: answer\n\n");
}

/// Decodes an encoded sendmsg the way FreeSWITCH reads it: block, then
/// exactly content-length bytes.
std::string body_as_read(const std::string& wire) {
    fax::esl::Decoder dec;
    dec.feed(wire);
    fax::esl::Message m;
    auto r = dec.next(m);
    EXPECT_TRUE(r && *r);
    EXPECT_EQ(dec.buffered(), 0U) << "nothing after the body";
    EXPECT_TRUE(m.has_body());
    EXPECT_EQ(m.header("execute-app-arg"), std::nullopt);
    EXPECT_EQ(m.header("content-type"), "text/plain");
    return std::string(m.body());
}

TEST(CommandTest, ExecuteBodyFormForMultiLineArgument) {
    cmd::Execute e;
    e.app = "set";
    e.arg = "a=1\nb=2";
    EXPECT_EQ(bytes(cmd::execute(e)),
              "sendmsg\ncall-command: execute\nexecute-app-name: set\nevent-lock: true\n"
              "content-type: text/plain\ncontent-length: 7\n\na=1\nb=2");
    EXPECT_EQ(body_as_read(bytes(cmd::execute(e))), "a=1\nb=2");
    e.arg = "x\r\ny";
    EXPECT_EQ(body_as_read(bytes(cmd::execute(e))), "x\r\ny");
}

TEST(CommandTest, ExecuteBodyFormCountsBytes) {
    cmd::Execute e;
    e.app = "rxfax";
    // 600 characters, 1200 bytes: longer than k_max_inline_arg in bytes only.
    std::string arg;
    for (int i = 0; i < 600; ++i) {
        arg += "\xC3\xBC";
    }
    e.arg = arg;
    const std::string wire = bytes(cmd::execute(e));
    EXPECT_NE(wire.find("content-length: 1200\n\n"), std::string::npos) << wire.substr(0, 200);
    EXPECT_EQ(body_as_read(wire), arg);

    // A multi-line UTF-8 argument: length in bytes, not characters.
    e.arg = "M\xC3\xBCller\n\xE2\x82\xAC";
    const std::string w2 = bytes(cmd::execute(e));
    EXPECT_NE(w2.find("content-length: 11\n\n"), std::string::npos) << w2;
    EXPECT_EQ(body_as_read(w2), "M\xC3\xBCller\n\xE2\x82\xAC");
}

TEST(CommandTest, ExecuteInlineUpToTheLimit) {
    cmd::Execute e;
    e.app = "rxfax";
    const std::string at_limit(cmd::k_max_inline_arg, 'a');
    e.arg = at_limit;
    EXPECT_NE(bytes(cmd::execute(e)).find("execute-app-arg: " + at_limit + "\n"), std::string::npos);
    const std::string over(cmd::k_max_inline_arg + 1, 'a');
    e.arg = over;
    EXPECT_EQ(body_as_read(bytes(cmd::execute(e))), over);
}

TEST(CommandTest, Hangup) {
    EXPECT_EQ(bytes(cmd::hangup()), "sendmsg\ncall-command: hangup\n\n");
    EXPECT_EQ(bytes(cmd::hangup("u1", "USER_BUSY")), "sendmsg u1\ncall-command: hangup\nhangup-cause: USER_BUSY\n\n");
    EXPECT_EQ(bytes(cmd::hangup("", "NORMAL_CLEARING")),
              "sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING\n\n");
}

TEST(CommandTest, LineBreaksInAnyArgumentAreRefused) {
    for (const std::string bad : {"\n", "\r", "x\nexit", "x\r\n", "\nexit", "\r\nexit", "x\n\nexit\n\n"}) {
        SCOPED_TRACE("argument with CR/LF, length " + std::to_string(bad.size()));
        expect_usage(cmd::auth(bad), "auth password");
        expect_usage(cmd::auth("Clue" + bad + "Con"), "auth password (middle)");
        expect_usage(cmd::api("status" + bad), "api command");
        expect_usage(cmd::api(bad + "status"), "api command (start)");
        expect_usage(cmd::bgapi("status" + bad), "bgapi command");
        expect_usage(cmd::bgapi("status", "j1" + bad), "bgapi Job-UUID");
        expect_usage(cmd::bgapi("status", bad + "j1"), "bgapi Job-UUID (start)");
        expect_usage(cmd::event(EventFormat::plain, {"ALL" + bad}), "event name");
        expect_usage(cmd::event(EventFormat::plain, {"CUSTOM", bad + "spandsp::txfaxresult"}), "event subclass");
        expect_usage(cmd::nixevent({"HEARTBEAT" + bad}), "nixevent name");
        expect_usage(cmd::filter("Unique-ID" + bad, "x"), "filter header");
        expect_usage(cmd::filter(bad + "Unique-ID", "x"), "filter header (start)");
        expect_usage(cmd::filter("Unique-ID", "x" + bad), "filter value");
        expect_usage(cmd::filter("Unique-ID", bad + "x"), "filter value (start)");
        expect_usage(cmd::filter_delete("Unique-ID" + bad), "filter delete header");
        expect_usage(cmd::filter_delete("Unique-ID", "x" + bad), "filter delete value");
        expect_usage(cmd::myevents("u1" + bad), "myevents uuid");
        expect_usage(cmd::myevents(bad + "u1", EventFormat::json), "myevents uuid (start)");
        expect_usage(cmd::log("debug" + bad), "log level");
        expect_usage(cmd::hangup("u1" + bad), "hangup uuid");
        expect_usage(cmd::hangup("", "USER_BUSY" + bad), "hangup cause");
        expect_usage(cmd::hangup(bad + "u1", "USER_BUSY"), "hangup uuid (start)");

        const std::string uuid = "u1" + bad;
        const std::string app = "rx" + bad + "fax";
        const std::string event_uuid = bad + "e1";
        cmd::Execute e;
        e.app = "rxfax";
        e.uuid = uuid;
        expect_usage(cmd::execute(e), "execute uuid");
        e.uuid = {};
        e.app = app;
        expect_usage(cmd::execute(e), "execute app name");
        e.app = "rxfax";
        e.event_uuid = event_uuid;
        expect_usage(cmd::execute(e), "execute Event-UUID");
    }
}

TEST(CommandTest, EmptyCommandsAreRefused) {
    expect_usage(cmd::api(""), "empty api");
    expect_usage(cmd::bgapi(""), "empty bgapi");
    cmd::Execute e;
    expect_usage(cmd::execute(e), "execute without app");
}

}  // namespace
