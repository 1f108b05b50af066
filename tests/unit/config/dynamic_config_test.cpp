// fax::config DynamicConfig: gofaxip's parsing of the script's answer, and
// running the script (errors, timeout, arguments, working directory).

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/dynamic_config.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using fax::config::DynamicConfigAnswer;
using fax::config::run_dynamic_config;
using fax::core::Errc;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(DynamicConfigParseTest, FirstMatchWinsAndKeysIgnoreCase) {
    const auto a = DynamicConfigAnswer::parse("localidentifier: +1 555 0100\nLocalIdentifier: second\n"
                                              "  TAGLINE  :   Acme Corp  \n");
    EXPECT_EQ(a.get("LocalIdentifier"), "+1 555 0100");
    EXPECT_EQ(a.get("LOCALIDENTIFIER"), "+1 555 0100");
    EXPECT_EQ(a.local_identifier(), "+1 555 0100");
    EXPECT_EQ(a.tag_line(), "Acme Corp");
    EXPECT_EQ(a.get("missing"), std::nullopt);
    ASSERT_EQ(a.entries().size(), 3U);
    EXPECT_EQ(a.entries()[2].first, "tagline");
}

TEST(DynamicConfigParseTest, LinesWithoutColonAreSkippedAndValuesKeepLaterColons) {
    const auto a = DynamicConfigAnswer::parse("# a comment without colon\n\njust words\n"
                                              "CallPrefix: a:b:c\nFAXNumber:5550100");
    EXPECT_EQ(a.entries().size(), 2U);
    EXPECT_EQ(a.call_prefix(), "a:b:c");
    EXPECT_EQ(a.fax_number(), "5550100");  // last line without newline
    // A comment that contains ':' is an ordinary entry, as in gofaxip.
    EXPECT_EQ(DynamicConfigAnswer::parse("# note: x\n").get("# note"), "x");
}

TEST(DynamicConfigParseTest, CrLfLinesAreTrimmed) {
    const auto a = DynamicConfigAnswer::parse("RejectCall: yes\r\nLocalIdentifier: ACME\r\n");
    EXPECT_TRUE(a.reject_call());
    EXPECT_EQ(a.local_identifier(), "ACME");
}

TEST(DynamicConfigParseTest, EmptyFirstValueHidesLaterOnes) {
    const auto a = DynamicConfigAnswer::parse("TagLine:\nTagLine: later\nGateway:   \nGateway: gw1\n");
    EXPECT_EQ(a.get("TagLine"), "");
    EXPECT_EQ(a.tag_line(), std::nullopt);
    EXPECT_TRUE(a.gateways().empty());
}

TEST(DynamicConfigParseTest, BooleanValues) {
    for (const char* v : {"true", "TRUE", "True", "1", "yes", "YES", "  yes  "}) {
        EXPECT_TRUE(DynamicConfigAnswer::parse(std::string("RejectCall:") + v).reject_call()) << v;
    }
    for (const char* v : {"false", "0", "no", "y", "on", "2", "truely", ""}) {
        EXPECT_FALSE(DynamicConfigAnswer::parse(std::string("RejectCall:") + v).reject_call()) << v;
    }
    EXPECT_FALSE(DynamicConfigAnswer::parse("").reject_call());
    EXPECT_TRUE(DynamicConfigAnswer::parse("RejectCall: 1\nRejectCall: false").reject_call());
    EXPECT_FALSE(DynamicConfigAnswer::parse("RejectCall: no\nRejectCall: true").reject_call());
}

TEST(DynamicConfigParseTest, GatewayList) {
    EXPECT_EQ(DynamicConfigAnswer::parse("Gateway: telcobridges1,telcobridges2").gateways(),
              (std::vector<std::string>{"telcobridges1", "telcobridges2"}));
    EXPECT_EQ(DynamicConfigAnswer::parse("gateway:  a , ,b,, c  ,").gateways(),
              (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(DynamicConfigAnswer::parse("Gateway: only").gateways(), (std::vector<std::string>{"only"}));
    EXPECT_TRUE(DynamicConfigAnswer::parse("LocalIdentifier: x").gateways().empty());
}

/// Scripts in a fresh directory under TMPDIR, removed with the fixture.
class DynamicConfigRunTest : public faxkit_test::TempDirTest {
protected:
    DynamicConfigRunTest() : TempDirTest("dynconf") {}
    /// Writes an executable shell script \a name (relative to the directory).
    std::string script(const std::string& name, const std::string& body) {
        const fs::path p = m_dir / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << "#!/bin/sh\n" << body;
        fs::permissions(p, fs::perms::owner_all);
        return p.string();
    }
};

TEST_F(DynamicConfigRunTest, ArgumentsReachTheScriptAndItsAnswerIsParsed) {
    const auto path = script("DynamicConfig", "printf 'LocalIdentifier: %s|%s|%s|%s\\n' \"$1\" \"$2\" \"$3\" \"$4\"\n"
                                              "echo 'Gateway: gw1, gw2'\necho 'RejectCall: false'\n");
    auto r = run_dynamic_config(path, {"freeswitch0", "owner name", "5550100", "12"}, 5s);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->local_identifier(), "freeswitch0|owner name|5550100|12");
    EXPECT_EQ(r->gateways(), (std::vector<std::string>{"gw1", "gw2"}));
    EXPECT_FALSE(r->reject_call());
}

TEST_F(DynamicConfigRunTest, ARelativeScriptIsFoundFromTheWorkingDirectory) {
    script("etc/DynamicConfig", "echo \"RejectCall: true\"\n");
    auto r = run_dynamic_config("etc/DynamicConfig", {"freeswitch", "5550100", "Jane", "100", "gw"}, 5s,
                                m_dir.string());
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->reject_call());
}

TEST_F(DynamicConfigRunTest, NonZeroExitIsATemporaryError) {
    script("etc/DynamicConfig", "echo 'RejectCall: true'\necho 'no such number' >&2\nexit 3\n");
    auto r = run_dynamic_config("etc/DynamicConfig", {}, 5s, m_dir.string());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::temporary);
    EXPECT_EQ(r.error().message, "DynamicConfig etc/DynamicConfig: exit status 3: no such number");
}

TEST_F(DynamicConfigRunTest, DeathBySignalIsATemporaryError) {
    const auto path = script("dc", "kill -USR2 $$\n");
    auto r = run_dynamic_config(path, {}, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::temporary);
    EXPECT_EQ(r.error().message, fmt::format("DynamicConfig {}: killed by signal SIGUSR2", path));
}

TEST_F(DynamicConfigRunTest, AMissingOrNonExecutableScriptIsUnavailable) {
    auto r = run_dynamic_config((m_dir / "absent").string(), {"freeswitch"}, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::unavailable);
    EXPECT_NE(r.error().message.find("DynamicConfig"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("absent"), std::string::npos) << r.error().message;

    const auto path = script("plain", "echo 'RejectCall: true'\n");
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    r = run_dynamic_config(path, {}, 5s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::unavailable);
}

TEST_F(DynamicConfigRunTest, AHangingScriptIsKilledAtTheTimeout) {
    const auto path = script("slow", "echo 'RejectCall: true'\nexec sleep 30\n");
    const auto start = Clock::now();
    auto r = run_dynamic_config(path, {}, 300ms);
    EXPECT_LT(Clock::now() - start, 10s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::temporary);
    EXPECT_EQ(r.error().message, fmt::format("DynamicConfig {}: timed out after 300 ms", path));
}

TEST_F(DynamicConfigRunTest, EmptyOutputMeansNoOverrides) {
    const auto path = script("quiet", "exit 0\n");
    auto r = run_dynamic_config(path, {}, 5s);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->entries().empty());
    EXPECT_FALSE(r->reject_call());
    EXPECT_EQ(r->local_identifier(), std::nullopt);
}

}  // namespace
