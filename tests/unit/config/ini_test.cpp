// fax::config::Ini (gcfg-style gofax.conf), parse_host_port and esl_settings.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/esl_settings.hpp"
#include "config/ini.hpp"
#include "support/env.hpp"
#include "support/printers.hpp"

namespace {

using fax::config::Ini;
using fax::core::Errc;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Strings = std::vector<std::string>;

const std::string k_sample = std::string(FAXKIT_FIXTURES_DIR) + "/config/gofax.conf";

Ini parse(std::string_view text) {
    auto r = Ini::parse(text, "test.conf");
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(*r) : Ini{};
}

fax::core::Error parse_error(std::string_view text) {
    auto r = Ini::parse(text, "test.conf");
    EXPECT_FALSE(r) << "accepted: " << text;
    return r ? fax::core::Error{} : r.error();
}

/// A temporary file removed at scope end.
class TempFile {
public:
    explicit TempFile(const std::string& content) {
        char tmpl[] = "/tmp/faxkit-ini-test-XXXXXX";
        const int fd = ::mkstemp(tmpl);
        EXPECT_GE(fd, 0);
        ::close(fd);
        m_path = tmpl;
        std::ofstream(m_path, std::ios::binary) << content;
    }
    ~TempFile() { std::filesystem::remove(m_path); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

TEST(IniTest, SampleGofaxConf) {
    auto r = Ini::load(k_sample);
    ASSERT_TRUE(r) << r.error().message;
    const Ini& ini = *r;
    EXPECT_EQ(ini.get("freeswitch", "socket"), "127.0.0.1:8021");
    EXPECT_EQ(ini.get("freeswitch", "password"), "ClueCon");
    EXPECT_EQ(ini.get_all("freeswitch", "gateway"), (Strings{"default"}));  // the second one is commented out
    EXPECT_EQ(ini.get("freeswitch", "ident"), "+1 337");
    EXPECT_EQ(ini.get("freeswitch", "header"), "GONICUS LABS");  // quotes removed
    EXPECT_EQ(ini.get_bool("freeswitch", "verbose").value(), std::optional<bool>(false));
    EXPECT_EQ(ini.get_bool("freeswitch", "softmodemfallback").value(), std::optional<bool>(true));
    EXPECT_EQ(ini.get("hylafax", "spooldir"), "/var/spool/hylafax");
    EXPECT_EQ(ini.get("hylafax", "modems"), "5");
    EXPECT_EQ(ini.get("gofaxd", "socket"), "127.0.0.1:8022");
    EXPECT_EQ(ini.get_bool("gofaxd", "enablet38").value(), std::optional<bool>(true));
    EXPECT_EQ(ini.get("gofaxd", "dynamicconfig"), std::nullopt);
    EXPECT_EQ(ini.get("gofaxsend", "callprefix"), std::nullopt);
    EXPECT_EQ(ini.get("gofaxsend", "disableecmafterretry"), "0");  // written disableECMafterretry
    EXPECT_EQ(ini.get("gofaxsend", "cidname"), "sender");
    EXPECT_EQ(ini.get_all("gofaxsend", "failedresponse"), (Strings{"UNALLOCATED_NUMBER", "CALL_REJECTED"}));
    EXPECT_EQ(ini.get("gofaxsend", "failedresponse"), "CALL_REJECTED");  // get: the last value
    EXPECT_EQ(ini.get("nosuch", "key"), std::nullopt);
    EXPECT_EQ(ini.source(), k_sample);
}

TEST(IniTest, SectionsAndKeysAreCaseInsensitive) {
    const Ini ini = parse("[FreeSWITCH]\nSocket = 10.0.0.1:8021\n[GoFaxSend]\nDisableECMAfterRetry = 3\n");
    EXPECT_EQ(ini.get("freeswitch", "socket"), "10.0.0.1:8021");
    EXPECT_EQ(ini.get("FREESWITCH", "SOCKET"), "10.0.0.1:8021");
    EXPECT_EQ(ini.get("gofaxsend", "disableecmafterretry"), "3");
    ASSERT_EQ(ini.entries().size(), 2U);
    EXPECT_EQ(ini.entries()[0].section, "freeswitch");
    EXPECT_EQ(ini.entries()[0].key, "socket");
    EXPECT_EQ(ini.entries()[1].line, 4U);
}

TEST(IniTest, ValuesQuotesEscapesAndComments) {
    const Ini ini = parse(
        "[s]\n"
        "plain =   b  c   \n"
        "quoted = \"  keep  spaces  \"\n"
        "mixed = pre \"quoted; #part\" post\n"
        "escapes = \"x\\\"y\\\\z\\n\\t\"\n"
        "comment1 = value ; trailing comment\n"
        "comment2 = value# trailing comment\n"
        "  ; indented comment line\n"
        "# hash comment line\n"
        "empty =\n"
        "eq = a=b\n");
    EXPECT_EQ(ini.get("s", "plain"), "b  c");
    EXPECT_EQ(ini.get("s", "quoted"), "  keep  spaces  ");
    EXPECT_EQ(ini.get("s", "mixed"), "pre quoted; #part post");
    EXPECT_EQ(ini.get("s", "escapes"), "x\"y\\z\n\t");
    EXPECT_EQ(ini.get("s", "comment1"), "value");
    EXPECT_EQ(ini.get("s", "comment2"), "value");
    EXPECT_EQ(ini.get("s", "empty"), "");
    EXPECT_EQ(ini.get("s", "eq"), "a=b");
    EXPECT_EQ(ini.entries().size(), 8U);
}

TEST(IniTest, RepeatedKeysAndBareKeyReset) {
    const Ini ini = parse(
        "[gofaxsend]\nfailedresponse = A\nfailedresponse = B\nfailedresponse\nfailedresponse = C\n"
        "[freeswitch]\ngateway = gw1\n[gofaxsend]\nfailedresponse = D\n");
    EXPECT_EQ(ini.get_all("gofaxsend", "failedresponse"), (Strings{"C", "D"}));
    EXPECT_EQ(ini.get("gofaxsend", "failedresponse"), "D");
    const Ini only_bare = parse("[s]\nk = 1\nk\n");
    EXPECT_EQ(only_bare.get_all("s", "k"), Strings{});
    EXPECT_EQ(only_bare.get("s", "k"), "");
    EXPECT_TRUE(only_bare.entries().back().bare);
    EXPECT_EQ(only_bare.get_all("s", "missing"), Strings{});
}

TEST(IniTest, Booleans) {
    const Ini ini = parse(
        "[b]\nt1 = true\nt2 = YES\nt3 = on\nt4 = 1\nbare\nbare2 ; comment\nf1 = false\nf2 = No\nf3 = off\nf4 = 0\n"
        "bad = maybe\n");
    for (const char* k : {"t1", "t2", "t3", "t4", "bare", "bare2"}) {
        auto r = ini.get_bool("b", k);
        ASSERT_TRUE(r) << k;
        EXPECT_EQ(*r, std::optional<bool>(true)) << k;
    }
    for (const char* k : {"f1", "f2", "f3", "f4"}) {
        auto r = ini.get_bool("b", k);
        ASSERT_TRUE(r) << k;
        EXPECT_EQ(*r, std::optional<bool>(false)) << k;
    }
    auto missing = ini.get_bool("b", "missing");
    ASSERT_TRUE(missing);
    EXPECT_EQ(*missing, std::nullopt);
    auto bad = ini.get_bool("b", "bad");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::config);
    EXPECT_THAT(bad.error().message, StartsWith("test.conf:12:"));
    EXPECT_THAT(bad.error().message, HasSubstr("maybe"));
}

TEST(IniTest, Subsections) {
    const Ini ini = parse("[gateway \"gw1\"]\nhost = 10.0.0.9\n[gateway \"GW2\"]\nhost = 10.0.0.10\n");
    EXPECT_EQ(ini.get("gateway.gw1", "host"), "10.0.0.9");
    // A subsection spelt with capitals must be reachable by its own spelling.
    EXPECT_EQ(ini.get("gateway.GW2", "host"), std::optional<std::string>("10.0.0.10"));
    EXPECT_EQ(ini.get("Gateway.GW2", "HOST"), std::optional<std::string>("10.0.0.10"));
}

TEST(IniTest, CrlfAndNoFinalNewline) {
    const Ini ini = parse("[s]\r\nk = v\r\nq = \"x y\"\r\nlast = z");
    EXPECT_EQ(ini.get("s", "k"), "v");
    EXPECT_EQ(ini.get("s", "q"), "x y");
    EXPECT_EQ(ini.get("s", "last"), "z");
}

TEST(IniTest, ErrorsNameFileAndLine) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"k = v\n", "test.conf:1:"},                // outside a section
        {"[s]\nk = v\n[broken\n", "test.conf:3:"},  // no ']'
        {"[s]\n\n1key = v\n", "test.conf:3:"},      // bad key
        {"[s]\nk = \"unterminated\n", "test.conf:2:"},
        {"[s]\nk = \"bad \\q escape\"\n", "test.conf:2:"},
        {"[s] junk\n", "test.conf:1:"},
        {"[s]\n[sub \"x]\n", "test.conf:2:"},
        {"[s]\nk = ends with backslash \\\n", "test.conf:2:"},
    };
    for (const auto& [text, where] : cases) {
        SCOPED_TRACE(text);
        const auto e = parse_error(text);
        EXPECT_EQ(e.code, Errc::config);
        EXPECT_THAT(e.message, StartsWith(where));
    }
}

TEST(IniTest, LoadMissingFileIsConfigError) {
    auto r = Ini::load("/nonexistent/faxkit/gofax.conf");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::config);
    EXPECT_THAT(r.error().message, HasSubstr("/nonexistent/faxkit/gofax.conf"));
}

TEST(IniTest, LoadReportsTheFileInErrors) {
    TempFile f("[freeswitch]\nsocket = 127.0.0.1:8021\n= nokey\n");
    auto r = Ini::load(f.path());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::config);
    EXPECT_THAT(r.error().message, StartsWith(f.path() + ":3:"));
}

TEST(IniTest, ResolveConfigPath) {
    faxkit_test::ScopedEnv env("FAXKIT_CONFIG", "/from/env.conf");
    EXPECT_EQ(fax::config::resolve_config_path(std::string("/from/cli.conf")), "/from/cli.conf");
    EXPECT_EQ(fax::config::resolve_config_path(std::nullopt), "/from/env.conf");
    faxkit_test::ScopedEnv unset("FAXKIT_CONFIG", std::nullopt);
    const bool etc = std::filesystem::exists("/etc/gofax.conf");
    EXPECT_EQ(fax::config::resolve_config_path(std::nullopt),
              etc ? std::optional<std::string>("/etc/gofax.conf") : std::nullopt);
}

TEST(HostPortTest, Forms) {
    using P = std::pair<std::string, std::uint16_t>;
    auto ok = [](std::string_view text) {
        auto r = fax::config::parse_host_port(text, 8021);
        EXPECT_TRUE(r) << text << ": " << r.error().message;
        return r ? *r : P{};
    };
    EXPECT_EQ(ok("127.0.0.1:8021"), (P{"127.0.0.1", 8021}));
    EXPECT_EQ(ok("127.0.0.1:9000"), (P{"127.0.0.1", 9000}));
    EXPECT_EQ(ok("host"), (P{"host", 8021}));
    EXPECT_EQ(ok("fs.example.org:65535"), (P{"fs.example.org", 65535}));
    EXPECT_EQ(ok("[::1]:8021"), (P{"::1", 8021}));
    EXPECT_EQ(ok("[fd00::2]:1"), (P{"fd00::2", 1}));
    EXPECT_EQ(ok("[::1]"), (P{"::1", 8021}));
    EXPECT_EQ(ok("::1"), (P{"::1", 8021}));
    EXPECT_EQ(ok("fd00::2"), (P{"fd00::2", 8021}));
}

TEST(HostPortTest, BadForms) {
    for (const char* text : {"x:0", "x:70000", "x:65536", "x:", "x:-1", "x:80a", "x: 80", ":8021", "", "[::1", "[::1]x",
                             "[::1]:", "[]:8021", "a b:80"}) {
        auto r = fax::config::parse_host_port(text, 8021);
        ASSERT_FALSE(r) << "accepted '" << text << "'";
        EXPECT_EQ(r.error().code, Errc::usage) << text;
        EXPECT_THAT(r.error().message, HasSubstr(text)) << "names the input";
    }
}

TEST(EslSettingsTest, Defaults) {
    faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    auto s = fax::config::esl_settings(nullptr, std::nullopt, std::nullopt);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->host, "127.0.0.1");
    EXPECT_EQ(s->port, 8021);
    EXPECT_EQ(s->password, "ClueCon");
}

TEST(EslSettingsTest, ConfigSocketAndPassword) {
    faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    const Ini ini = parse("[freeswitch]\nsocket = 10.1.2.3:8022\npassword = \"s3cret pw\"\n");
    auto s = fax::config::esl_settings(&ini, std::nullopt, std::nullopt);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->host, "10.1.2.3");
    EXPECT_EQ(s->port, 8022);
    EXPECT_EQ(s->password, "s3cret pw");

    auto sample = Ini::load(k_sample);
    ASSERT_TRUE(sample);
    auto s2 = fax::config::esl_settings(&*sample, std::nullopt, std::nullopt);
    ASSERT_TRUE(s2);
    EXPECT_EQ(s2->host, "127.0.0.1");
    EXPECT_EQ(s2->port, 8021);
    EXPECT_EQ(s2->password, "ClueCon");
}

TEST(EslSettingsTest, HostOverrideBeatsConfig) {
    faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    const Ini ini = parse("[freeswitch]\nsocket = 10.1.2.3:8022\n");
    auto s = fax::config::esl_settings(&ini, std::string("[::1]:9000"), std::nullopt);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->host, "::1");
    EXPECT_EQ(s->port, 9000);
    auto s2 = fax::config::esl_settings(&ini, std::string("fs.local"), std::nullopt);
    ASSERT_TRUE(s2);
    EXPECT_EQ(s2->host, "fs.local");
    EXPECT_EQ(s2->port, 8021);
}

TEST(EslSettingsTest, PasswordPrecedence) {
    const Ini ini = parse("[freeswitch]\npassword = fromconfig\n");
    TempFile file("fromfile\r\nsecond line\n");
    {
        faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
        auto s = fax::config::esl_settings(&ini, std::nullopt, std::nullopt);
        ASSERT_TRUE(s);
        EXPECT_EQ(s->password, "fromconfig");
        auto f = fax::config::esl_settings(&ini, std::nullopt, file.path());
        ASSERT_TRUE(f);
        EXPECT_EQ(f->password, "fromfile");  // first line, CR dropped
    }
    {
        faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", "fromenv");
        auto s = fax::config::esl_settings(&ini, std::nullopt, file.path());
        ASSERT_TRUE(s);
        EXPECT_EQ(s->password, "fromenv");
        auto n = fax::config::esl_settings(nullptr, std::nullopt, std::nullopt);
        ASSERT_TRUE(n);
        EXPECT_EQ(n->password, "fromenv");
    }
    {
        faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", "");  // empty: not set
        auto s = fax::config::esl_settings(&ini, std::nullopt, std::nullopt);
        ASSERT_TRUE(s);
        EXPECT_EQ(s->password, "fromconfig");
    }
}

TEST(EslSettingsTest, Errors) {
    faxkit_test::ScopedEnv env("FAX_ESL_PASSWORD", std::nullopt);
    auto missing = fax::config::esl_settings(nullptr, std::nullopt, std::string("/nonexistent/faxkit/pw"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::config);
    EXPECT_THAT(missing.error().message, HasSubstr("/nonexistent/faxkit/pw"));

    const Ini bad = parse("[freeswitch]\nsocket = 127.0.0.1:70000\n");
    auto cfg = fax::config::esl_settings(&bad, std::nullopt, std::nullopt);
    ASSERT_FALSE(cfg);
    EXPECT_EQ(cfg.error().code, Errc::config);
    EXPECT_THAT(cfg.error().message, HasSubstr("test.conf"));

    auto cli = fax::config::esl_settings(&bad, std::string("host:0"), std::nullopt);
    ASSERT_FALSE(cli);
    EXPECT_EQ(cli.error().code, Errc::usage);
}

}  // namespace
