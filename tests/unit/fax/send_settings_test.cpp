// fax::fax::load_send_settings: every gofax.conf / faxkit.conf key fax-send
// reads, the defaults, and the errors naming file, section and key.

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/ini.hpp"
#include "fax/send_settings.hpp"
#include "support/env.hpp"

namespace {

using fax::config::Ini;
using fax::core::Errc;
using fax::fax::SendSettings;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

Ini ini(std::string_view text) {
    auto r = Ini::parse(text, "test.conf");
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(*r) : Ini{};
}

SendSettings load(std::string_view text) {
    const Ini c = ini(text);
    auto r = fax::fax::load_send_settings(&c);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? std::move(*r) : SendSettings{};
}

fax::core::Error load_error(std::string_view text) {
    const Ini c = ini(text);
    auto r = fax::fax::load_send_settings(&c);
    EXPECT_FALSE(r) << "accepted: " << text;
    return r ? fax::core::Error{} : r.error();
}

void expect_defaults(const SendSettings& s) {
    EXPECT_EQ(s.esl.host, "127.0.0.1");
    EXPECT_EQ(s.esl.port, 8021);
    EXPECT_EQ(s.esl.password, "ClueCon");
    EXPECT_TRUE(s.gateways.empty());
    EXPECT_EQ(s.ident, "");
    EXPECT_EQ(s.header, "");
    EXPECT_FALSE(s.verbose);
    EXPECT_FALSE(s.softmodem_fallback);
    EXPECT_EQ(s.spool_dir, "/var/spool/hylafax");
    EXPECT_EQ(s.xferfaxlog, "");
    EXPECT_FALSE(s.enable_t38);
    EXPECT_FALSE(s.request_t38);
    EXPECT_EQ(s.faxnumber, "");
    EXPECT_EQ(s.callprefix, "");
    EXPECT_EQ(s.cidname, "");
    EXPECT_TRUE(s.failed_causes.empty());
    EXPECT_EQ(s.disable_v17_after_retry, 0);
    EXPECT_EQ(s.disable_ecm_after_retry, 0);
    EXPECT_EQ(s.dynamic_config, "");
    EXPECT_EQ(s.page_timeout, 3min);
    EXPECT_EQ(s.dynamic_config_timeout, 10s);
    EXPECT_EQ(s.total_timeout, 1h);
    EXPECT_EQ(s.ring_timeout, 60s);
    EXPECT_EQ(s.esl_timeout, 10s);
    EXPECT_EQ(s.tmp_dir, "/tmp");
    EXPECT_EQ(s.events, "");
    EXPECT_EQ(s.requeue_busy, 180s);
    EXPECT_EQ(s.requeue_no_answer, 300s);
    EXPECT_EQ(s.requeue_other, 300s);
    EXPECT_EQ(s.requeue_protocol, 60s);
}

TEST(SendSettingsTest, DefaultsWithoutAFile) {
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    auto r = fax::fax::load_send_settings(nullptr);
    ASSERT_TRUE(r) << r.error().message;
    expect_defaults(*r);
}

TEST(SendSettingsTest, DefaultsWithAnEmptyFile) {
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    expect_defaults(load(""));
    expect_defaults(load("[gofaxd]\nsocket = 127.0.0.1:8022\n[freeswitch]\n"));
}

TEST(SendSettingsTest, EveryKey) {
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    const SendSettings s = load(R"(
[freeswitch]
socket = 10.0.0.5:8099
password = secret
gateway = gw1
gateway = gw2
ident = +1 337
header = "ACME LABS"
verbose = true
softmodemfallback = yes
[hylafax]
spooldir = /srv/hylafax
xferfaxlog = log/xferfaxlog
[gofaxsend]
enablet38 = on
requestt38 = 1
faxnumber = 4711
callprefix = 0
cidname = cidnum
failedresponse = UNALLOCATED_NUMBER
failedresponse = CALL_REJECTED
disablev17afterretry = 2
disableECMafterretry = 3
dynamicconfig = etc/DynamicConfigOutgoing
pagetimeout = 90s
[fax-send]
dynamicconfigtimeout = 1500ms
timeout = 2h
ringtimeout = 45
esltimeout = 5s
tmpdir = /var/tmp/fax
events = /run/fax-send.jsonl
jobreqbusy = 2m
jobreqnoanswer = 10m
jobreqother = 1m30s
jobreqproto = 30
)");
    EXPECT_EQ(s.esl.host, "10.0.0.5");
    EXPECT_EQ(s.esl.port, 8099);
    EXPECT_EQ(s.esl.password, "secret");
    EXPECT_THAT(s.gateways, ElementsAre("gw1", "gw2"));
    EXPECT_EQ(s.ident, "+1 337");
    EXPECT_EQ(s.header, "ACME LABS");
    EXPECT_TRUE(s.verbose);
    EXPECT_TRUE(s.softmodem_fallback);
    EXPECT_EQ(s.spool_dir, "/srv/hylafax");
    EXPECT_EQ(s.xferfaxlog, "log/xferfaxlog");
    EXPECT_TRUE(s.enable_t38);
    EXPECT_TRUE(s.request_t38);
    EXPECT_EQ(s.faxnumber, "4711");
    EXPECT_EQ(s.callprefix, "0");
    EXPECT_EQ(s.cidname, "cidnum");
    EXPECT_THAT(s.failed_causes, ElementsAre("UNALLOCATED_NUMBER", "CALL_REJECTED"));
    EXPECT_EQ(s.disable_v17_after_retry, 2);
    EXPECT_EQ(s.disable_ecm_after_retry, 3);
    EXPECT_EQ(s.dynamic_config, "etc/DynamicConfigOutgoing");
    EXPECT_EQ(s.page_timeout, 90s);
    EXPECT_EQ(s.dynamic_config_timeout, 1500ms);
    EXPECT_EQ(s.total_timeout, 2h);
    EXPECT_EQ(s.ring_timeout, 45s);
    EXPECT_EQ(s.esl_timeout, 5s);
    EXPECT_EQ(s.tmp_dir, "/var/tmp/fax");
    EXPECT_EQ(s.events, "/run/fax-send.jsonl");
    EXPECT_EQ(s.requeue_busy, 120s);
    EXPECT_EQ(s.requeue_no_answer, 600s);
    EXPECT_EQ(s.requeue_other, 90s);
    EXPECT_EQ(s.requeue_protocol, 30s);
}

TEST(SendSettingsTest, TheSampleGofaxConf) {
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    auto c = Ini::load(std::string(FAXKIT_FIXTURES_DIR) + "/config/gofax.conf");
    ASSERT_TRUE(c) << c.error().message;
    auto r = fax::fax::load_send_settings(&*c);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_THAT(r->gateways, ElementsAre("default"));
    EXPECT_EQ(r->header, "GONICUS LABS");
    EXPECT_TRUE(r->softmodem_fallback);
    EXPECT_TRUE(r->enable_t38);
    EXPECT_EQ(r->faxnumber, "4711");
    EXPECT_EQ(r->cidname, "sender");
    EXPECT_EQ(r->disable_ecm_after_retry, 0);
    EXPECT_THAT(r->failed_causes, ElementsAre("UNALLOCATED_NUMBER", "CALL_REJECTED"));
    EXPECT_EQ(r->page_timeout, 3min);  // not in the sample: faxkit's default
}

TEST(SendSettingsTest, FaxSendPagetimeoutWins) {
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    // Whatever the order in the file.
    EXPECT_EQ(load("[fax-send]\npagetimeout = 20s\n[gofaxsend]\npagetimeout = 90s\n").page_timeout, 20s);
    EXPECT_EQ(load("[gofaxsend]\npagetimeout = 90s\n[fax-send]\npagetimeout = 20s\n").page_timeout, 20s);
    EXPECT_EQ(load("[gofaxsend]\npagetimeout = 0\n").page_timeout, 0ms);  // off
}

TEST(SendSettingsTest, SecondsSettingsTakeWholeSeconds) {
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    const SendSettings s = load("[fax-send]\nringtimeout = 1500ms\njobreqbusy = 0\n");
    EXPECT_EQ(s.ring_timeout, 1s);
    EXPECT_EQ(s.requeue_busy, 0s);
}

TEST(SendSettingsTest, BareBooleanIsTrueAndEmptyIntIsZero) {
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    const SendSettings s = load("[freeswitch]\nverbose\n[gofaxsend]\nenablet38\ndisablev17afterretry =\n");
    EXPECT_TRUE(s.verbose);
    EXPECT_TRUE(s.enable_t38);
    EXPECT_EQ(s.disable_v17_after_retry, 0);
}

void expect_config_error(std::string_view text, const std::string& section_key) {
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    const auto e = load_error(text);
    EXPECT_EQ(e.code, Errc::config) << text;
    EXPECT_THAT(e.message, HasSubstr("test.conf")) << text;
    EXPECT_THAT(e.message, HasSubstr(section_key)) << text;
    EXPECT_EQ(e.message.find('\n'), std::string::npos) << e.message;
}

TEST(SendSettingsTest, BadBooleans) {
    expect_config_error("[freeswitch]\nverbose = maybe\n", "[freeswitch] verbose");
    expect_config_error("[freeswitch]\nsoftmodemfallback = 2\n", "[freeswitch] softmodemfallback");
    expect_config_error("[gofaxsend]\nenablet38 = t\n", "[gofaxsend] enablet38");
    expect_config_error("[gofaxsend]\nrequestt38 = nein\n", "[gofaxsend] requestt38");
}

TEST(SendSettingsTest, BadNumbers) {
    for (const std::string bad : {"-1", "x", "2x", "1.5", "99999999999"}) {
        expect_config_error(fmt::format("[gofaxsend]\ndisablev17afterretry = {}\n", bad), "[gofaxsend] disablev17afterretry");
        expect_config_error(fmt::format("[gofaxsend]\ndisableecmafterretry = {}\n", bad), "[gofaxsend] disableecmafterretry");
    }
}

// Known bug (reported): disablev17afterretry / disableecmafterretry are read
// as unsigned and cast to int, so 2^31..2^32-1 become negative, i.e. "off",
// instead of being refused or kept large.
TEST(SendSettingsTest, HugeRetryCountsAreNotNegative) {
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    const Ini c = ini("[gofaxsend]\ndisablev17afterretry = 4294967295\n");
    auto r = fax::fax::load_send_settings(&c);
    if (r) {
        EXPECT_GT(r->disable_v17_after_retry, 0);
    } else {
        EXPECT_EQ(r.error().code, Errc::config);
    }
}

TEST(SendSettingsTest, BadDurations) {
    expect_config_error("[gofaxsend]\npagetimeout = 5x\n", "[gofaxsend] pagetimeout");
    for (const std::string key : {"pagetimeout", "dynamicconfigtimeout", "timeout", "ringtimeout", "esltimeout",
                                  "jobreqbusy", "jobreqnoanswer", "jobreqother", "jobreqproto"}) {
        expect_config_error(fmt::format("[fax-send]\n{} = -5\n", key), fmt::format("[fax-send] {}", key));
    }
}

TEST(SendSettingsTest, EslTimeoutMustBePositive) {
    expect_config_error("[fax-send]\nesltimeout = 0\n", "[fax-send] esltimeout");
    expect_config_error("[fax-send]\nesltimeout = 0.0001s\n", "[fax-send] esltimeout");  // rounds to 0 ms
}

TEST(SendSettingsTest, TmpdirMustBeAbsolute) {
    expect_config_error("[fax-send]\ntmpdir = tmp\n", "[fax-send] tmpdir");
    expect_config_error("[fax-send]\ntmpdir =\n", "[fax-send] tmpdir");
    const faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    EXPECT_EQ(load("[fax-send]\ntmpdir = /x\n").tmp_dir, "/x");
}

TEST(SendSettingsTest, BadSocket) {
    expect_config_error("[freeswitch]\nsocket = 127.0.0.1:99999\n", "[freeswitch] socket");
    expect_config_error("[freeswitch]\nsocket = :8021\n", "[freeswitch] socket");
}

}  // namespace
