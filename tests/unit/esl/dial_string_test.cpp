// fax::esl::build_fax_originate: every dial string it builds is parsed back
// with esl::parse_originate (FreeSWITCH's own splitting, originate.hpp) and
// must give exactly the intended variables, one leg per gateway with the
// intended number, and txfax with the exact file — or the value is refused.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "esl/dial_string.hpp"
#include "esl/fs_string.hpp"
#include "esl/originate.hpp"
#include "store/fs_db.hpp"
#include "support/temp_dir.hpp"

namespace {

using fax::core::Errc;
using fax::esl::build_fax_originate;
using fax::esl::DialLeg;
using fax::esl::DialVar;
using fax::esl::FaxDial;
using fax::esl::parse_originate;
using fax::esl::VarList;

using Strings = std::vector<std::string>;
using VarMap = std::map<std::string, std::string>;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// Variables by lower-case name, URL-decoded where mod_spandsp decodes them.
VarMap as_received(const VarList& vars) {
    VarMap out;
    for (const auto& v : vars.items()) {
        out[lower(v.name)] = fax::esl::url_decoded_by_spandsp(v.name) ? fax::esl::switch_url_decode(v.value) : v.value;
    }
    return out;
}

VarMap as_intended(const std::vector<DialVar>& vars) {
    VarMap out;
    for (const auto& v : vars) {
        out[lower(v.name)] = v.value;
    }
    return out;
}

std::string show(const VarMap& m) {
    std::string out;
    for (const auto& [k, v] : m) {
        out += k + "=[" + v + "] ";
    }
    return out;
}

/// What FreeSWITCH makes of the built string matches \a dial exactly.
::testing::AssertionResult round_trips(const FaxDial& dial, const std::string& built) {
    auto fail = [&](const std::string& why) {
        return ::testing::AssertionFailure() << why << "\n  built: " << built;
    };
    auto req = parse_originate(built);
    if (!req.ok()) {
        return fail("does not parse: " + req.error().message);
    }
    if (!req->app || req->app->name != "txfax" || !req->app->arg || *req->app->arg != dial.file) {
        return fail("app is not txfax(" + dial.file + ")");
    }
    if (req->cid_name || req->cid_num || req->dialplan != "XML" || req->context != "default" ||
        req->timeout_sec != 60) {
        return fail("extra originate arguments");
    }
    if (as_received(req->dial.global_vars) != as_intended(dial.vars)) {
        return fail("global vars: " + show(as_received(req->dial.global_vars)) + "\n  wanted: " +
                    show(as_intended(dial.vars)));
    }
    if (req->dial.groups.size() != dial.legs.size()) {
        return fail("groups: " + std::to_string(req->dial.groups.size()));
    }
    if (!fax::esl::legs_reusing_uuid(*req).empty()) {
        return fail("legs reuse an origination_uuid");
    }
    for (std::size_t g = 0; g < dial.legs.size(); ++g) {
        const auto& group = req->dial.groups[g];
        const DialLeg& want = dial.legs[g];
        if (group.error || group.legs.size() != 1) {
            return fail("group " + std::to_string(g) + ": " + std::to_string(group.legs.size()) + " legs " +
                        group.error.value_or(""));
        }
        const auto& leg = group.legs[0];
        const auto& ep = leg.endpoint;
        if (ep.kind != fax::esl::EndpointKind::sofia_gateway || ep.gateway != want.gateway ||
            ep.destination != want.number || !ep.params.empty() || ep.fails_with ||
            leg.text != "sofia/gateway/" + want.gateway + "/" + want.number) {
            return fail("leg " + std::to_string(g) + " endpoint: " + leg.text);
        }
        if (as_received(leg.vars) != as_intended(want.vars)) {
            return fail("leg " + std::to_string(g) + " vars: " + show(as_received(leg.vars)) + "\n  wanted: " +
                        show(as_intended(want.vars)));
        }
        // What the channel ends up with (globals and the leg's, `${` dropped).
        VarMap chan = as_intended(dial.vars);
        for (const auto& [k, v] : as_intended(want.vars)) {
            chan[k] = v;
        }
        if (as_received(fax::esl::channel_variables(req->dial, leg)) != chan) {
            return fail("leg " + std::to_string(g) + " channel variables differ");
        }
        const auto settings = fax::esl::leg_settings(*req, leg);
        if (const auto it = chan.find("fax_ident"); it != chan.end() && settings.fax_ident != it->second) {
            return fail("fax_ident as mod_spandsp reads it: " + settings.fax_ident);
        }
        if (const auto it = chan.find("fax_header"); it != chan.end() && settings.fax_header != it->second) {
            return fail("fax_header as mod_spandsp reads it: " + settings.fax_header);
        }
    }
    return ::testing::AssertionSuccess();
}

enum class Outcome { refused, round_trip };

/// Builds \a dial: a refusal must be Errc::data; anything built must round-trip.
Outcome check(const FaxDial& dial) {
    auto built = build_fax_originate(dial);
    if (!built.ok()) {
        EXPECT_EQ(built.error().code, Errc::data) << built.error().message;
        EXPECT_EQ(built.error().message.find('\n'), std::string::npos) << built.error().message;
        return Outcome::refused;
    }
    EXPECT_TRUE(round_trips(dial, *built));
    return Outcome::round_trip;
}

FaxDial typical() {
    FaxDial d;
    d.vars = {{"ignore_early_media", "true"},
              {"origination_caller_id_number", "+4930555000"},
              {"origination_caller_id_name", "ACME Fax"},
              {"fax_ident", "+49 30 555000"},
              {"fax_header", "ACME GmbH, Berlin"},
              {"fax_use_ecm", "true"},
              {"fax_disable_v17", "false"},
              {"fax_enable_t38", "true"},
              {"fax_enable_t38_request", "true"},
              {"fax_verbose", "false"}};
    d.legs = {{"gw1", "4930123456", {{"origination_uuid", "9d7c1e2a-1111-4222-8333-444455556666"}}}};
    d.file = "/var/spool/hylafax/tmp/faxkit-42.tif";
    return d;
}

// The slots a hostile value is tried in.
enum class Slot { global_value, header_value, leg_value, second_leg_value, file, number, gateway, count };

FaxDial with_value(Slot slot, const std::string& value) {
    FaxDial d = typical();
    d.legs.push_back({"gw-2.example", "+4930123456", {{"origination_uuid", "second-uuid"}}});
    switch (slot) {
        case Slot::global_value:
            d.vars.erase(d.vars.begin() + 2);  // origination_caller_id_name
            d.vars.push_back({"origination_caller_id_name", value});
            break;
        case Slot::header_value: d.vars[4].value = value; break;
        case Slot::leg_value: d.legs[0].vars.push_back({"sip_h_X_Fax", value}); break;
        case Slot::second_leg_value:
            d.vars.erase(d.vars.begin() + 3);  // fax_ident, set for the second leg only
            d.legs[1].vars.push_back({"fax_ident", value});
            break;
        case Slot::file: d.file = "/var/spool/fax/" + value + ".tif"; break;
        case Slot::number: d.legs[0].number = value; break;
        case Slot::gateway: d.legs[1].gateway = value; break;
        case Slot::count: break;
    }
    return d;
}

const char* slot_name(Slot s) {
    static const char* names[] = {"global", "fax_header", "leg", "second leg fax_ident", "file", "number", "gateway"};
    return names[static_cast<int>(s)];
}

std::vector<std::string> hostile_values() {
    return {",", "|", "{", "}", "[", "]", "<", ">", "'", "\"", "\\", " ", "^^", "^^,", "${x}", "$\\{x}", "%2C", "%",
            "%zz", "\n", "\r", "\t", std::string(1, '\0'), std::string(5000, 'A'), std::string(1024, 'b'),
            "Gr\xc3\xbc\xc3\x9f" "e \xe6\x9d\xb1\xe4\xba\xac", "", "a,b", "x|sofia/gateway/evil/666",
            "}sofia/gateway/evil/1", "]sofia/gateway/evil/1", "}]&bridge(sofia/gateway/evil/1)", "' ,evil=1,'",
            "'x'", "ends\\", "\\,", "a\\'b", "\\\\", "\\s", "\\n", " lead", "trail ", "a=b", "a;b", ";", "[x]", "{x}",
            "{[}]", ":_:", "ARRAY::a|:b", "a ARRAY::b", "+49 30 555000", "origination_nested_vars=true",
            "x,origination_uuid=evil", "x]fax_ident=evil[", "&txfax(/etc/passwd)", ") &park(", "^^;a=b;c=d",
            "a'b'c", "'", "''", "\\'", "'\\"};
}

TEST(DialStringBuild, TypicalSendIsExact) {
    const FaxDial d = typical();
    auto built = build_fax_originate(d);
    ASSERT_TRUE(built.ok()) << built.error().message;
    EXPECT_EQ(*built,
              "{ignore_early_media=true,origination_caller_id_number=+4930555000,"
              "origination_caller_id_name=ACME\\\\\\\\sFax,fax_ident=+49%2030%20555000,"
              "fax_header=ACME%20GmbH%2C%20Berlin,fax_use_ecm=true,fax_disable_v17=false,fax_enable_t38=true,"
              "fax_enable_t38_request=true,fax_verbose=false}"
              "[origination_uuid=9d7c1e2a-1111-4222-8333-444455556666]sofia/gateway/gw1/4930123456 "
              "&txfax(/var/spool/hylafax/tmp/faxkit-42.tif)");
    EXPECT_TRUE(round_trips(d, *built));
    auto req = parse_originate(*built);
    ASSERT_TRUE(req.ok());
    const auto s = fax::esl::leg_settings(*req, req->dial.groups[0].legs[0]);
    EXPECT_EQ(s.fax_ident, "+49 30 555000");
    EXPECT_EQ(s.fax_header, "ACME GmbH, Berlin");
    EXPECT_EQ(s.caller_id_name, "ACME Fax");
    EXPECT_EQ(s.caller_id_number, "+4930555000");
    EXPECT_EQ(s.origination_uuid, "9d7c1e2a-1111-4222-8333-444455556666");
    EXPECT_EQ(s.early_media, fax::esl::EarlyMedia::ignore);
}

TEST(DialStringBuild, NoVariablesAtAll) {
    FaxDial d;
    d.legs = {{"gw1", "*31#0123", {}}};
    d.file = "/tmp/a.tif";
    auto built = build_fax_originate(d);
    ASSERT_TRUE(built.ok()) << built.error().message;
    EXPECT_EQ(*built, "sofia/gateway/gw1/*31#0123 &txfax(/tmp/a.tif)");
    EXPECT_TRUE(round_trips(d, *built));
}

TEST(DialStringBuild, HostileValuesRoundTripOrAreRefused) {
    for (int s = 0; s < static_cast<int>(Slot::count); ++s) {
        const auto slot = static_cast<Slot>(s);
        for (const auto& v : hostile_values()) {
            SCOPED_TRACE(std::string(slot_name(slot)) + ": [" + v.substr(0, 60) + "]");
            check(with_value(slot, v));
        }
    }
}

TEST(DialStringBuild, CarriesWhatFreeSwitchCanCarry) {
    // Every value that FreeSWITCH can hold must be accepted, or the builder is
    // merely refusing its way to safety.
    const std::vector<std::string> carried = {
        ",", "|", "<", ">", "'", "\"", "\\", " ", "^^", "^^,", "%2C", "%", "a,b", "x|sofia/gateway/evil/666",
        "' ,evil=1,'", "ends\\", "\\,", "a\\'b", "\\\\", "\\s", "\\n", " lead", "trail ", "a=b", "a;b", ";",
        "[x]", "{x}", "+49 30 555000", "x,origination_uuid=evil", "&txfax(/etc/passwd)", ") &park(",
        "^^;a=b;c=d", "a'b'c", "''", "\\'", "'\\", std::string(1024, 'b'),
        "Gr\xc3\xbc\xc3\x9f" "e \xe6\x9d\xb1\xe4\xba\xac"};
    for (const Slot slot : {Slot::global_value, Slot::header_value, Slot::leg_value, Slot::second_leg_value}) {
        for (const auto& v : carried) {
            SCOPED_TRACE(std::string(slot_name(slot)) + ": [" + v.substr(0, 60) + "]");
            EXPECT_EQ(check(with_value(slot, v)), Outcome::round_trip);
        }
    }
    // URL-decoded variables carry anything printable: it is percent-encoded.
    for (const std::string& v : Strings{"${x}", "}", "[", ":_:", "ARRAY::a", "origination_nested_vars=true"}) {
        SCOPED_TRACE(v);
        EXPECT_EQ(check(with_value(Slot::header_value, v)), Outcome::round_trip);
    }
    for (const std::string& v : Strings{"with space", "it's", "a,b|c", "(1", "x'y\"z", "{x", "%41", "\xc3\xa4"}) {
        SCOPED_TRACE(v);
        EXPECT_EQ(check(with_value(Slot::file, v)), Outcome::round_trip);
    }
}

TEST(DialStringBuild, RefusesWhatFreeSwitchWouldChangeOrMisread) {
    for (const std::string& v : Strings{"", "\n", "\r", "\t", std::string(1, '\0'), "a\x7f", std::string(1025, 'c')}) {
        for (const Slot slot : {Slot::global_value, Slot::header_value, Slot::leg_value}) {
            SCOPED_TRACE(std::string(slot_name(slot)) + ": [" + v.substr(0, 20) + "]");
            EXPECT_EQ(check(with_value(slot, v)), Outcome::refused);
        }
    }
    for (const std::string& v : Strings{"${x}", "$\\{x}", "}", "{", "]", "[", "}{", "][", ":_:", "ARRAY::a|:b"}) {
        for (const Slot slot : {Slot::global_value, Slot::leg_value}) {
            SCOPED_TRACE(std::string(slot_name(slot)) + ": [" + v + "]");
            EXPECT_EQ(check(with_value(slot, v)), Outcome::refused);
        }
    }
    for (const std::string& v : Strings{"a)b", "$HOME", "a\\b", "x\n", "x\x01"}) {
        SCOPED_TRACE(v);
        EXPECT_EQ(check(with_value(Slot::file, v)), Outcome::refused);
    }
    for (const std::string& f : Strings{"tmp/a.tif", "/tmp/a.tif ", "", "/" + std::string(1024, 'p')}) {
        FaxDial d = typical();
        d.file = f;
        EXPECT_EQ(check(d), Outcome::refused) << f;
    }
    for (const std::string& n : Strings{"", "+", "12a", "1/2", "1@x", "1,2", "1|2", "1 2", "1;x", "1^2", "++1", "1+",
                                std::string(65, '1')}) {
        SCOPED_TRACE(n);
        EXPECT_EQ(check(with_value(Slot::number, n)), Outcome::refused);
    }
    for (const std::string& n : Strings{"+1", "0", "*31#12", std::string(64, '9'), "+" + std::string(63, '9')}) {
        SCOPED_TRACE(n);
        EXPECT_EQ(check(with_value(Slot::number, n)), Outcome::round_trip);
    }
    for (const std::string& g : Strings{"", "a/b", "a b", "a,b", "a|b", "a:b", std::string(65, 'g')}) {
        SCOPED_TRACE(g);
        EXPECT_EQ(check(with_value(Slot::gateway, g)), Outcome::refused);
    }
}

TEST(DialStringBuild, VariableNames) {
    for (const std::string& n : Strings{"fax_ident", "sip_h_X_Fax", "absolute_codec_string", "leg_timeout", "A1_b"}) {
        EXPECT_TRUE(fax::esl::check_variable_name(n).ok()) << n;
    }
    for (const std::string& n : Strings{"", "a-b", "a b", "a=b", "a[1]", "x,y", "nolocal:x", std::string(65, 'n'),
                                "execute_on_answer", "EXECUTE_ON_FAX_SUCCESS", "api_on_answer", "system_on_fax_result",
                                "api_hangup_hook", "session_in_hangup_hook", "exec_after_bridge_app",
                                "bridge_pre_execute_bleg_app", "transfer_after_bridge", "api_after_bridge",
                                "origination_nested_vars", "Local_Var_Clobber", "x_origination_nested_vars"}) {
        auto r = fax::esl::check_variable_name(n);
        ASSERT_FALSE(r.ok()) << n;
        EXPECT_EQ(r.error().code, Errc::data);
    }
    // Twice in one block (any case), or in {} and [] both.
    FaxDial d = typical();
    d.vars.push_back({"FAX_IDENT", "x"});
    EXPECT_EQ(check(d), Outcome::refused);
    d = typical();
    d.legs[0].vars.push_back({"fax_header", "x"});
    EXPECT_EQ(check(d), Outcome::refused);
    d = typical();
    d.legs[0].vars.push_back({"execute_on_answer", "system rm -rf /"});
    auto r = build_fax_originate(d);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("execute_on_answer"), std::string::npos) << r.error().message;
}

TEST(DialStringBuild, GatewayFailoverNeedsOneUuidPerLeg) {
    FaxDial d = typical();
    d.legs = {{"gw1", "4930123456", {{"origination_uuid", "uuid-a"}}},
              {"gw2", "4930123456", {{"origination_uuid", "uuid-b"}, {"leg_timeout", "30"}}}};
    auto built = build_fax_originate(d);
    ASSERT_TRUE(built.ok()) << built.error().message;
    EXPECT_TRUE(round_trips(d, *built));
    auto req = parse_originate(*built);
    ASSERT_TRUE(req.ok());
    ASSERT_EQ(req->dial.groups.size(), 2U);
    EXPECT_EQ(fax::esl::leg_settings(*req, req->dial.groups[0].legs[0]).origination_uuid, "uuid-a");
    EXPECT_EQ(fax::esl::leg_settings(*req, req->dial.groups[1].legs[0]).origination_uuid, "uuid-b");
    EXPECT_EQ(req->dial.groups[1].legs[0].endpoint.gateway, "gw2");

    d.legs[1].vars[0].value = "uuid-a";  // shared: FreeSWITCH's "Duplicate UUID!"
    EXPECT_EQ(check(d), Outcome::refused);
    d.legs[1].vars.erase(d.legs[1].vars.begin());
    d.legs[0].vars.clear();
    d.vars.push_back({"origination_uuid", "uuid-all"});  // one uuid for every leg
    EXPECT_EQ(check(d), Outcome::refused);
    d.legs.pop_back();
    EXPECT_EQ(check(d), Outcome::round_trip);  // fine with one leg
    d.legs.clear();
    EXPECT_EQ(check(d), Outcome::refused);
}

TEST(DialStringBuild, AValueNeedingEscapesSwitchesTheLegBlockSeparator) {
    FaxDial d;
    d.legs = {{"gw1", "1", {{"origination_uuid", "u1"}, {"absolute_codec_string", "PCMA,PCMU"}}}};
    d.file = "/tmp/a b.tif";
    auto built = build_fax_originate(d);
    ASSERT_TRUE(built.ok()) << built.error().message;
    EXPECT_EQ(*built, "[^^;origination_uuid=u1;absolute_codec_string=PCMA\\\\\\\\,PCMU]sofia/gateway/gw1/1 "
                      "&txfax(/tmp/a\\sb.tif)");
    EXPECT_TRUE(round_trips(d, *built));
}

// A few thousand random strings from a hostile alphabet in every slot: each is
// refused or arrives exactly.
TEST(DialStringBuild, RandomValuesRoundTripOrAreRefused) {
    static const std::vector<std::string> alphabet = {
        ",", "|", "{", "}", "[", "]", "<", ">", "'", "\"", "\\", " ", "^", "$", "%", "=", ";", ":", "_", "a",
        "Z", "0", "9", "/", "&", "(", ")", "#", "+", "*", "@", "s", "n", "\n", "\t", "\xc3\xbc", "2C", "${", "^^",
        ":_:", "ARRAY::"};
    std::mt19937 rng(20240604U);  // fixed: the same strings every run
    std::size_t carried = 0;
    std::size_t refused = 0;
    for (int i = 0; i < 4000; ++i) {
        const std::size_t len = rng() % 24;
        std::string v;
        for (std::size_t k = 0; k < len; ++k) {
            v += alphabet[rng() % alphabet.size()];
        }
        const auto slot = static_cast<Slot>(rng() % static_cast<unsigned>(Slot::count));
        SCOPED_TRACE(std::string(slot_name(slot)) + ": [" + v + "]");
        (check(with_value(slot, v)) == Outcome::round_trip ? carried : refused)++;
        if (::testing::Test::HasFailure()) {
            break;  // one reported string is enough
        }
    }
    // Most random values go through: the builder is not refusing its way to safety.
    EXPECT_GT(carried, 800U);
    EXPECT_GT(refused, 100U);
}

TEST(DialStringBuild, UrlEncodingForSpandsp) {
    EXPECT_EQ(fax::esl::spandsp_url_encode("+49 30 555-0._x%/"), "+49%2030%20555-0._x%25%2F");
    EXPECT_EQ(fax::esl::spandsp_url_encode("\xc3\xbc"), "%C3%BC");
    for (const std::string& v : Strings{"a%b", "%2C", "100%", "+%2B", "\xff"}) {
        EXPECT_EQ(fax::esl::switch_url_decode(fax::esl::spandsp_url_encode(v)), v);
    }
    EXPECT_TRUE(fax::esl::url_decoded_by_spandsp("FAX_Header"));
    EXPECT_TRUE(fax::esl::url_decoded_by_spandsp("fax_timezone"));
    EXPECT_FALSE(fax::esl::url_decoded_by_spandsp("fax_verbose"));
}

TEST(DialStringBuild, SetDialVarReplacesAnyCase) {
    std::vector<DialVar> vars = {{"fax_enable_t38", "true"}, {"fax_use_ecm", "true"}};
    fax::esl::set_dial_var(vars, "FAX_ENABLE_T38", "false");
    fax::esl::set_dial_var(vars, "absolute_codec_string", "PCMA");
    ASSERT_EQ(vars.size(), 3U);
    EXPECT_EQ(vars[0].name, "fax_enable_t38");
    EXPECT_EQ(vars[0].value, "false");
    EXPECT_EQ(vars[2].name, "absolute_codec_string");
}

// --- db lookups ----------------------------------------------------------------

class DialStringDb : public faxkit_test::TempDirTest {
protected:
    DialStringDb() : TempDirTest("dialdb") {}
    void SetUp() override {
        TempDirTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        auto db = fax::store::FsDb::open((m_dir / "db.sqlite").string(), "test");
        ASSERT_TRUE(db.ok()) << db.error().message;
        m_db.emplace(std::move(*db));
    }
    void TearDown() override {
        m_db.reset();
        TempDirTest::TearDown();
    }
    std::string api(std::string_view args) {
        auto r = m_db->api(args);
        EXPECT_TRUE(r.ok()) << args;
        // What the event socket sends for an empty output.
        return !r.ok() ? "<error>" : r->empty() ? std::string("-ERR no reply\n") : *r;
    }

    std::optional<fax::store::FsDb> m_db;
};

TEST_F(DialStringDb, CommandsAreSplitAsBuilt) {
    auto exists = fax::esl::db_fallback_exists("+4930123");
    ASSERT_TRUE(exists.ok());
    EXPECT_EQ(*exists, "exists/fallback/+4930123");
    EXPECT_EQ(api(*exists), "false");
    api("insert/fallback/+4930123/1");
    EXPECT_EQ(api(*exists), "true");
    EXPECT_EQ(api("exists/fallback/4930123"), "false");

    auto list = fax::esl::db_override_list("*31#5");
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(*list, "list/override-*31#5");
    auto keys = fax::esl::parse_override_keys(api(*list));
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    EXPECT_TRUE(keys->empty());

    for (const std::string& n : Strings{"", "1/2", "1'2", "1\\2", "1 2", "^^:x"}) {
        EXPECT_FALSE(fax::esl::db_fallback_exists(n).ok()) << n;
        EXPECT_FALSE(fax::esl::db_override_list(n).ok()) << n;
    }
    EXPECT_FALSE(fax::esl::db_override_select("123", "a/b").ok());
    EXPECT_FALSE(fax::esl::db_override_select("123", "execute_on_answer").ok());
    EXPECT_TRUE(fax::esl::db_field_safe("override-+49*1#"));
    EXPECT_FALSE(fax::esl::db_field_safe("a/b"));
    EXPECT_FALSE(fax::esl::db_field_safe("a'b"));
}

TEST_F(DialStringDb, OverridesFromTheDbReachTheChannelExactly) {
    const std::string number = "+4930123456";
    api("insert/override-+4930123456/fax_enable_t38/false");
    api("insert/override-+4930123456/absolute_codec_string/PCMA,PCMU");
    api("insert/override-+4930123456/fax_header/it's {x} 100% | a,b");
    api("insert/override-+4930123456/sip_h_X_Note/a'b,c|d [e] \\\\f");
    api("insert/override-4930999/fax_verbose/true");  // another number

    auto list = fax::esl::db_override_list(number);
    ASSERT_TRUE(list.ok());
    auto keys = fax::esl::parse_override_keys(api(*list));
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    ASSERT_EQ(keys->size(), 4U);

    FaxDial d = typical();
    d.legs[0].number = number;
    std::map<std::string, std::string> stored;
    for (const auto& key : *keys) {
        auto select = fax::esl::db_override_select(number, key);
        ASSERT_TRUE(select.ok()) << select.error().message;
        auto value = fax::esl::parse_db_value(api(*select));
        ASSERT_TRUE(value) << key;
        stored[key] = *value;
        fax::esl::set_dial_var(d.vars, key, *value);
    }
    EXPECT_EQ(stored["fax_header"], "it's {x} 100% | a,b");
    EXPECT_EQ(stored["absolute_codec_string"], "PCMA,PCMU");
    auto built = build_fax_originate(d);
    ASSERT_TRUE(built.ok()) << built.error().message;
    EXPECT_TRUE(round_trips(d, *built));
    auto req = parse_originate(*built);
    ASSERT_TRUE(req.ok());
    const auto s = fax::esl::leg_settings(*req, req->dial.groups[0].legs[0]);
    EXPECT_FALSE(s.fax_enable_t38);
    EXPECT_EQ(s.absolute_codec_string, "PCMA,PCMU");
    EXPECT_EQ(s.fax_header, "it's {x} 100% | a,b");
}

TEST_F(DialStringDb, BadOverrideKeysAndReplies) {
    api("insert/override-1/fax_enable_t38/false");
    api("insert/override-1/execute_on_answer/system rm");
    auto keys = fax::esl::parse_override_keys(api("list/override-1"));
    ASSERT_FALSE(keys.ok());
    EXPECT_EQ(keys.error().code, Errc::data);
    EXPECT_NE(keys.error().message.find("execute_on_answer"), std::string::npos);

    EXPECT_FALSE(fax::esl::parse_override_keys("!err!").ok());
    EXPECT_FALSE(fax::esl::parse_override_keys("-ERR db Command not found!\n").ok());
    EXPECT_FALSE(fax::esl::parse_override_keys("a,,b").ok());
    EXPECT_FALSE(fax::esl::parse_override_keys("a,b-c").ok());
    auto two = fax::esl::parse_override_keys("fax_use_ecm,fax_verbose\n");
    ASSERT_TRUE(two.ok());
    EXPECT_EQ(*two, (std::vector<std::string>{"fax_use_ecm", "fax_verbose"}));
    EXPECT_FALSE(fax::esl::parse_db_value("-ERR no reply\n"));
    EXPECT_EQ(fax::esl::parse_db_value("false"), "false");
}

}  // namespace
