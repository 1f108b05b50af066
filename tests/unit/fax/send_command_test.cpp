// fax::fax::parse_faxq_call (faxq's SendFaxCmd call, taken without the option
// parser) and load_send_config (-c, -H, --password-file).

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fax/send_command.hpp"
#include "support/env.hpp"
#include "support/temp_dir.hpp"

namespace {

using fax::core::Errc;
using fax::fax::load_send_config;
using fax::fax::parse_faxq_call;
using fax::fax::SendConfigArgs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::optional<fax::fax::FaxqCall> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "fax-send");
    return parse_faxq_call(static_cast<int>(args.size()), args.data());
}

TEST(ParseFaxqCallTest, FaxqsOwnCallIsTaken) {
    auto c = parse({"-m", "freeswitch0", "sendq/q5"});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->modem, "freeswitch0");
    EXPECT_THAT(c->qfiles, ElementsAre("sendq/q5"));
    auto batch = parse({"-m", "ttyS0", "sendq/q5", "sendq/q6"});
    ASSERT_TRUE(batch);
    EXPECT_THAT(batch->qfiles, ElementsAre("sendq/q5", "sendq/q6"));
}

TEST(ParseFaxqCallTest, AnythingElseGoesToTheOptionParser) {
    EXPECT_FALSE(parse({}));
    EXPECT_FALSE(parse({"-m", "freeswitch0"}));                       // no qfile: a usage error there
    EXPECT_FALSE(parse({"--modem", "freeswitch0", "sendq/q5"}));      // the long form
    EXPECT_FALSE(parse({"-c", "x.conf", "-m", "m", "sendq/q5"}));     // options first
    EXPECT_FALSE(parse({"-m", "freeswitch0", "sendq/q5", "-v"}));     // an option after
    EXPECT_FALSE(parse({"-m", "freeswitch0", "--to", "4930"}));       // standalone mixed in
    EXPECT_FALSE(parse({"-m", "-v", "sendq/q5"}));                    // an option as the modem
    EXPECT_FALSE(parse({"-m", "freeswitch0", "", "sendq/q5"}));       // an empty word
    EXPECT_FALSE(parse({"--to", "4930", "doc.tif", "x"}));
}

class LoadSendConfigTest : public faxkit_test::TempDirTest {
protected:
    LoadSendConfigTest() : TempDirTest("sendcmd") {}
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path(name), std::ios::binary) << text;
        return path(name);
    }
    const faxkit_test::ScopedEnv m_no_password{"FAX_ESL_PASSWORD", std::nullopt};
};

TEST_F(LoadSendConfigTest, TheFileGivesTheSettings) {
    SendConfigArgs a;
    a.config_path = write("gofax.conf", "[freeswitch]\nsocket = 192.0.2.7:8099\npassword = s3cret\ngateway = gw1\n");
    auto s = load_send_config(a);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->esl.host, "192.0.2.7");
    EXPECT_EQ(s->esl.port, 8099);
    EXPECT_EQ(s->esl.password, "s3cret");
    EXPECT_THAT(s->gateways, ElementsAre("gw1"));
}

TEST_F(LoadSendConfigTest, HostAndPasswordFileOverrideTheFile) {
    SendConfigArgs a;
    a.config_path = write("gofax.conf", "[freeswitch]\nsocket = 192.0.2.7:8099\npassword = s3cret\n");
    a.host = "127.0.0.1:8021";
    a.password_file = write("pw", "from-file\r\nsecond line\n");
    auto s = load_send_config(a);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->esl.host, "127.0.0.1");
    EXPECT_EQ(s->esl.port, 8021);
    EXPECT_EQ(s->esl.password, "from-file");
}

TEST_F(LoadSendConfigTest, UnreadableFilesAreConfigErrorsNamingThem) {
    SendConfigArgs a;
    a.config_path = path("missing.conf");
    auto s = load_send_config(a);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::config);
    EXPECT_THAT(s.error().message, HasSubstr("cannot read config " + path("missing.conf") + ": No such file"));

    SendConfigArgs b;
    b.config_path = write("ok.conf", "");
    b.password_file = path("no-pw");
    auto t = load_send_config(b);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, Errc::config);
    EXPECT_THAT(t.error().message, HasSubstr("cannot read password file " + path("no-pw")));

    SendConfigArgs c;
    c.config_path = write("bad.conf", "[gofaxsend]\npagetimeout = soon\n");
    auto u = load_send_config(c);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().code, Errc::config);
}

}  // namespace
