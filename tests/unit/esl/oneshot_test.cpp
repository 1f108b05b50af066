// fax::esl::run_oneshot (`fax-esl api|bgapi`) against a scripted fake
// FreeSWITCH: the answer, and which error (hence exit code) each failure gives.

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "esl/oneshot.hpp"
#include "support/fake_peer.hpp"
#include "support/printers.hpp"

namespace {

using namespace std::chrono_literals;
using fax::core::Errc;
using fax::esl::ClientConfig;
using fax::esl::run_oneshot;
using faxkit_test::k_auth_request;
using faxkit_test::Listener;
using faxkit_test::reply;

ClientConfig config_for(std::uint16_t port, std::chrono::milliseconds timeout = 3000ms) {
    ClientConfig c;
    c.host = "127.0.0.1";
    c.port = port;
    c.timeout = timeout;
    return c;
}

TEST(OneshotTest, ApiAnswer) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("+OK accepted"));
        EXPECT_EQ(p->read_message().value_or("<none>"), "api db select/fallback/nokey\n\n");
        p->send(faxkit_test::api_response("-ERR no reply\n"));
        p->wait_eof();
    });
    auto r = run_oneshot(config_for(fs.port()), "db select/fallback/nokey", false, 0ms);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->text, "-ERR no reply\n");
    EXPECT_FALSE(r->ok());
}

TEST(OneshotTest, BgapiWaitsForTheJob) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("+OK accepted"));
        EXPECT_EQ(p->read_message().value_or("<none>"), "event plain BACKGROUND_JOB\n\n");
        p->send(reply("+OK event listener enabled plain"));
        const auto cmd = p->read_message().value_or("<none>");
        const auto job = faxkit_test::header_of(cmd, "Job-UUID");
        EXPECT_EQ(cmd, "bgapi status\nJob-UUID: " + job + "\n\n");
        p->send("Content-Type: command/reply\nReply-Text: +OK Job-UUID: " + job + "\nJob-UUID: " + job + "\n\n");
        p->send(faxkit_test::plain_event({{"Event-Name", "BACKGROUND_JOB"}, {"Job-UUID", job}}, "UP 0 years\n"));
        p->wait_eof();
    });
    auto r = run_oneshot(config_for(fs.port()), "status", true, 3000ms);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->text, "UP 0 years\n");
    EXPECT_EQ(r->job_uuid.size(), 36U);
}

TEST(OneshotTest, RefusedPasswordIsPermission) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("-ERR invalid") + faxkit_test::k_goodbye);
    });
    auto r = run_oneshot(config_for(fs.port()), "status", false, 0ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::permission) << r.error().message;
    EXPECT_EQ(fax::core::exit_code(r.error().code), 77);
}

TEST(OneshotTest, NobodyListeningIsUnavailable) {
    std::uint16_t port = 0;
    {
        Listener closed;  // take a free port, then close it
        port = closed.port();
    }
    auto r = run_oneshot(config_for(port), "status", false, 0ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::unavailable);
    EXPECT_EQ(fax::core::exit_code(r.error().code), 69);
}

// docs/design/fax-esl-contract.md: "75 timed out waiting for a reply".
TEST(OneshotTest, ReplyTimeoutIsTemporary) {
    Listener fs;
    std::jthread fake([&] {
        auto p = fs.accept();
        ASSERT_TRUE(p);
        p->send(k_auth_request);
        (void)p->read_message();
        p->send(reply("+OK accepted"));
        (void)p->read_message();  // api status: never answered
        p->wait_eof();
    });
    auto r = run_oneshot(config_for(fs.port(), 200ms), "status", false, 0ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::temporary) << r.error().message;
    EXPECT_EQ(fax::core::exit_code(r.error().code), 75);
}

}  // namespace
