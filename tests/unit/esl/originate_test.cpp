// fax::esl originate parsing against FreeSWITCH 1.10 (mod_commands.c
// originate_function, switch_ivr_originate.c, switch_event_create_brackets,
// switch_separate_string): the originate lines of the captures, what gofaxip
// sends, and hostile input.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "esl/originate.hpp"

namespace {

using fax::esl::Cause;
using fax::esl::EarlyMedia;
using fax::esl::EndpointKind;
using fax::esl::LegPosition;
using fax::esl::OriginateRequest;
using fax::esl::parse_dial_string;
using fax::esl::parse_originate;
using fax::esl::separate_string;
using Parts = std::vector<std::string>;

OriginateRequest parsed(std::string_view arg) {
    auto r = parse_originate(arg);
    EXPECT_TRUE(r.ok()) << arg << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : OriginateRequest{};
}

// The leg, or a failure and an empty leg (no out-of-range access when a parse goes wrong).
const fax::esl::Leg& leg_of(const OriginateRequest& r, std::size_t g, std::size_t l) {
    static const fax::esl::Leg none{};
    if (g >= r.dial.groups.size() || l >= r.dial.groups[g].legs.size()) {
        ADD_FAILURE() << "no leg " << g << "/" << l;
        return none;
    }
    return r.dial.groups[g].legs[l];
}

Parts split(std::string_view text, char delim, std::size_t max = 128) { return separate_string(text, delim, max); }

std::vector<std::pair<std::string, std::string>> pairs(const fax::esl::VarList& v) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& i : v.items()) {
        out.emplace_back(i.name, i.value);
    }
    return out;
}

// --- switch_separate_string -------------------------------------------------

TEST(SeparateString, BlankSplitGroupsQuotesAndKeepsEscapes) {
    EXPECT_EQ(split("a b  c", ' '), (Parts{"a", "b", "c"}));
    EXPECT_EQ(split("  a b  ", ' '), (Parts{"a", "b"}));
    EXPECT_EQ(split("'a b' c", ' '), (Parts{"a b", "c"}));
    EXPECT_EQ(split("x='a b'c d", ' '), (Parts{"x=a bc", "d"}));
    EXPECT_EQ(split("a\\ b c", ' '), (Parts{"a\\ b", "c"}));  // "\ " joins, the backslash stays
    EXPECT_EQ(split("a\\sb c", ' '), (Parts{"a b", "c"}));
    EXPECT_EQ(split("a\\,b", ' '), (Parts{"a\\,b"}));  // only ' " \ n r t s are escapes here
    EXPECT_EQ(split("it's a", ' '), (Parts{"it's a"}));  // an unmatched quote runs to the end
    EXPECT_EQ(split("a b c d", ' ', 2), (Parts{"a", "b c d"}));
}

TEST(SeparateString, CharSplitTrailingDelimiterAndCaretCaret) {
    EXPECT_EQ(split("a,b,", ','), (Parts{"a", "b"}));
    EXPECT_EQ(split(",a", ','), (Parts{"", "a"}));
    EXPECT_EQ(split("a,,b", ','), (Parts{"a", "", "b"}));
    EXPECT_EQ(split("a\\,b,c", ','), (Parts{"a,b", "c"}));
    EXPECT_EQ(split("'a,b',c", ','), (Parts{"a,b", "c"}));
    EXPECT_EQ(split("it's,x", ','), (Parts{"it's", "x"}));  // quote without a partner is a byte
    EXPECT_EQ(split("^^:a:b,c", ','), (Parts{"a", "b,c"}));
    EXPECT_EQ(split("^^:", ','), (Parts{"^^:"}));  // needs a byte after the new delimiter
    EXPECT_EQ(split("k=v=w", '=', 2), (Parts{"k", "v=w"}));
    EXPECT_EQ(split("k=", '=', 2), (Parts{"k"}));
    EXPECT_EQ(split("a\\nb", ','), (Parts{"a\nb"}));
    EXPECT_EQ(split("", ','), (Parts{}));
}

TEST(SeparateString, LoneTrailingBackslashIsRefused) {
    // FreeSWITCH's tokenizer steps past the string's end there; the parse refuses.
    for (const char* arg : {"sofia/gateway/gw1/1\\\\ &park", "loopback/1 &park\\", "{a=b\\}loopback/1 &park",
                            "[a=b\\]loopback/1 &park", "{a=b}loopback/1\\\\ &park"}) {
        auto r = parse_originate(arg);
        ASSERT_FALSE(r.ok()) << arg;
        EXPECT_EQ(r.error().code, fax::core::Errc::data) << arg;
    }
    // An escaped backslash is fine, and so is one the '=' split never reaches.
    EXPECT_EQ(parsed("{fax_header=a\\\\\\\\}loopback/1 &park").dial.global_vars.get("fax_header"), "a\\");
    EXPECT_TRUE(parse_dial_string("loopback/1\\\\\\\\").ok());  // one level per split: '|', then ','
    EXPECT_FALSE(parse_dial_string("loopback/1\\\\").ok());
}

// --- small FreeSWITCH helpers -------------------------------------------------

TEST(SwitchTrue, WordsAndNonZeroNumbers) {
    for (const char* yes : {"yes", "on", "true", "t", "enabled", "active", "allow", "TRUE", "On", "1", "-1", "2.5", "+3"}) {
        EXPECT_TRUE(fax::esl::switch_true(yes)) << yes;
    }
    for (const char* no : {"no", "off", "false", "0", "0.5", "", "1a", "+", "y", "tru", " true"}) {
        EXPECT_FALSE(fax::esl::switch_true(no)) << no;
    }
}

TEST(SwitchUrlDecode, AsModSpandspDecodesIdentAndHeader) {
    using fax::esl::switch_url_decode;
    EXPECT_EQ(switch_url_decode("ACME%20GmbH%2C%20Berlin"), "ACME GmbH, Berlin");
    EXPECT_EQ(switch_url_decode("a+b"), "a+b");
    EXPECT_EQ(switch_url_decode("100%"), "100%");
    EXPECT_EQ(switch_url_decode("%4"), "%4");  // needs two more bytes
    EXPECT_EQ(switch_url_decode("%zz"), "%zz");
    EXPECT_EQ(switch_url_decode("%41x"), "Ax");
    EXPECT_EQ(switch_url_decode("%4Gx"), std::string("\x04x", 2));  // sscanf %2x reads one digit, two bytes are skipped
}

TEST(NamesAVariable, DollarBrace) {
    EXPECT_TRUE(fax::esl::names_a_variable("${x}"));
    EXPECT_TRUE(fax::esl::names_a_variable("a$\\{x}"));
    EXPECT_FALSE(fax::esl::names_a_variable("$x{"));
    EXPECT_FALSE(fax::esl::names_a_variable("100$"));
}

TEST(VarList, UniqueHeadersIgnoringCaseAndEmptyDeletes) {
    fax::esl::VarList v;
    v.set("fax_ident", "A");
    v.set("fax_header", "H");
    v.set("FAX_IDENT", "B");
    EXPECT_EQ(pairs(v), (std::vector<std::pair<std::string, std::string>>{{"fax_header", "H"}, {"FAX_IDENT", "B"}}));
    EXPECT_EQ(v.get("fax_ident"), "B");
    v.set("fax_header", "");
    EXPECT_FALSE(v.get("fax_header").has_value());
    EXPECT_EQ(v.size(), 1U);
}

// --- the originate lines of the captures -----------------------------------------

TEST(Originate, CaptureLoopbackTxfax) {
    const auto r = parsed("{origination_caller_id_number=1000,fax_ident=TX-LOOPBACK,fax_header=t30-loopback}loopback/rxfax/default &txfax(/tmp/tx.tif)");
    EXPECT_EQ(pairs(r.dial.global_vars), (std::vector<std::pair<std::string, std::string>>{
                                             {"origination_caller_id_number", "1000"},
                                             {"fax_ident", "TX-LOOPBACK"},
                                             {"fax_header", "t30-loopback"}}));
    ASSERT_EQ(r.dial.groups.size(), 1U);
    ASSERT_EQ(r.dial.groups[0].legs.size(), 1U);
    const auto& leg = leg_of(r, 0, 0);
    EXPECT_EQ(leg.endpoint.kind, EndpointKind::loopback);
    EXPECT_EQ(leg.endpoint.destination, "rxfax");
    EXPECT_EQ(leg.endpoint.context, "default");
    ASSERT_TRUE(r.app.has_value());
    EXPECT_EQ(r.app->name, "txfax");
    EXPECT_EQ(r.app->arg, "/tmp/tx.tif");
    EXPECT_EQ(r.dialplan, "XML");
    EXPECT_EQ(r.context, "default");
    EXPECT_EQ(r.timeout_sec, 60U);
    const auto s = fax::esl::leg_settings(r, leg);
    EXPECT_EQ(s.fax_ident, "TX-LOOPBACK");
    EXPECT_EQ(s.fax_header, "t30-loopback");
    EXPECT_EQ(s.caller_id_number, "1000");
    EXPECT_EQ(s.caller_id_name, "");
    EXPECT_TRUE(s.fax_use_ecm);
    EXPECT_TRUE(s.fax_enable_t38);
    EXPECT_FALSE(s.fax_enable_t38_request);
    EXPECT_FALSE(s.origination_uuid.has_value());
}

TEST(Originate, CaptureSofiaT30AndT38) {
    struct Case {
        const char* line;
        bool t38;
        bool request;
    };
    const Case cases[] = {
        {"{origination_caller_id_number=1000,fax_ident=TX-SIP-T30,fax_header=t30-sip,fax_enable_t38=false,fax_enable_t38_request=false}sofia/fax127/rxfax@127.0.0.1:5080 &txfax(/tmp/tx.tif)", false, false},
        {"{origination_caller_id_number=1000,fax_ident=TX-SIP-T38,fax_header=t38-sip,fax_enable_t38=true,fax_enable_t38_request=true}sofia/fax127/rxfax@127.0.0.1:5080 &txfax(/tmp/tx.tif)", true, true},
        {"{origination_caller_id_number=1000,fax_ident=TX-SIP-T38RX,fax_header=t38-sip-rxreq,fax_enable_t38=true,fax_enable_t38_request=false}sofia/fax127/rxfax_t38@127.0.0.1:5080 &txfax(/tmp/tx.tif)", true, false},
    };
    for (const auto& c : cases) {
        const auto r = parsed(c.line);
        ASSERT_EQ(r.dial.groups.size(), 1U);
        ASSERT_EQ(r.dial.groups[0].legs.size(), 1U);
        const auto& ep = leg_of(r, 0, 0).endpoint;
        EXPECT_EQ(ep.kind, EndpointKind::sofia_profile);
        EXPECT_EQ(ep.profile, "fax127");
        EXPECT_EQ(ep.host, "127.0.0.1:5080");
        EXPECT_FALSE(ep.fails_with.has_value());
        const auto s = fax::esl::leg_settings(r, leg_of(r, 0, 0));
        EXPECT_EQ(s.fax_enable_t38, c.t38) << c.line;
        EXPECT_EQ(s.fax_enable_t38_request, c.request) << c.line;
    }
}

TEST(Originate, CaptureParkAndPlayback) {
    const auto park = parsed("loopback/no_such_ext/default &park");
    EXPECT_TRUE(park.dial.global_vars.empty());
    ASSERT_TRUE(park.app.has_value());
    EXPECT_EQ(park.app->name, "park");
    EXPECT_FALSE(park.app->arg.has_value());
    EXPECT_EQ(leg_of(park, 0, 0).endpoint.destination, "no_such_ext");

    const auto play = parsed("{origination_caller_id_number=1000,origination_caller_id_name=esltest}loopback/echo/default &playback(silence_stream://1000)");
    EXPECT_EQ(play.app->name, "playback");
    EXPECT_EQ(play.app->arg, "silence_stream://1000");
    const auto s = fax::esl::leg_settings(play, leg_of(play, 0, 0));
    EXPECT_EQ(s.caller_id_name, "esltest");
    EXPECT_EQ(s.caller_id_number, "1000");
}

// --- what gofaxip sends -----------------------------------------------------------

TEST(Originate, GofaxipFailoverSharesOneUuid) {
    const auto r = parsed(
        "{origination_uuid=9d7c1e2a-1111-4222-8333-444455556666,ignore_early_media=true,origination_caller_id_number='4930555000',"
        "fax_ident='+49 30 555000',fax_header='ACME',fax_use_ecm=true,fax_enable_t38=true,fax_enable_t38_request=true}"
        "sofia/gateway/gw1/4930123456|sofia/gateway/gw2/4930123456 &txfax(/var/spool/fax/job42.tif)");
    ASSERT_EQ(r.dial.groups.size(), 2U);
    for (std::size_t g = 0; g < 2; ++g) {
        ASSERT_EQ(r.dial.groups[g].legs.size(), 1U);
        const auto& leg = r.dial.groups[g].legs[0];
        EXPECT_EQ(leg.endpoint.kind, EndpointKind::sofia_gateway);
        EXPECT_EQ(leg.endpoint.gateway, g == 0 ? "gw1" : "gw2");
        EXPECT_EQ(leg.endpoint.destination, "4930123456");
        const auto s = fax::esl::leg_settings(r, leg);
        EXPECT_EQ(s.origination_uuid, "9d7c1e2a-1111-4222-8333-444455556666");
        EXPECT_EQ(s.fax_ident, "+49 30 555000");  // the api split removed the quotes, the space stayed
        EXPECT_EQ(s.caller_id_number, "4930555000");
        EXPECT_EQ(s.early_media, EarlyMedia::ignore);
        EXPECT_TRUE(s.fax_enable_t38_request);
    }
    EXPECT_EQ(fax::esl::legs_reusing_uuid(r), (std::vector<LegPosition>{{1, 0}}));
}

TEST(Originate, GofaxsendStringWithCommaBeforeTheApp) {
    // gofaxsend: all values single-quoted, "<dialstring>, &txfax(…)".
    const auto r = parsed(
        "{ignore_early_media='true',origination_uuid='0e2c9bd8-6c51-4f3c-9a41-2a8c0f1d2e3f',origination_caller_id_number='4711',"
        "origination_caller_id_name='ACME Fax',fax_ident='+1 337',fax_header='GONICUS LABS',fax_use_ecm='true',"
        "fax_disable_v17='false',fax_enable_t38='true',fax_enable_t38_request='true',fax_verbose='false'}"
        "sofia/gateway/default/0123456789, &txfax(/tmp/gofax-job.tif)");
    ASSERT_EQ(r.dial.groups.size(), 1U);
    ASSERT_EQ(r.dial.groups[0].legs.size(), 1U);  // the trailing ',' adds no leg
    const auto s = fax::esl::leg_settings(r, leg_of(r, 0, 0));
    EXPECT_EQ(s.caller_id_name, "ACME Fax");
    EXPECT_EQ(s.fax_header, "GONICUS LABS");
    EXPECT_FALSE(s.fax_disable_v17);
    EXPECT_FALSE(s.fax_verbose);
    EXPECT_EQ(r.app->name, "txfax");
    EXPECT_EQ(r.app->arg, "/tmp/gofax-job.tif");
}

TEST(Originate, GofaxQuotesDoNotProtectACommaInAValue) {
    // The api split strips the quotes before the {} split sees them.
    const auto r = parsed("{fax_header='ACME, Inc.',fax_ident='1'}sofia/gateway/gw1/1 &txfax(/t.tif)");
    EXPECT_EQ(r.dial.global_vars.get("fax_header"), "ACME");
    EXPECT_EQ(r.dial.global_vars.get("fax_ident"), "1");
    EXPECT_EQ(r.dial.global_vars.size(), 2U);
}

TEST(Originate, EscapedCommaAndPercentEncodingSurvive) {
    auto r = parsed("{fax_header=ACME\\,\\sInc.,absolute_codec_string=PCMA\\,PCMU}sofia/gateway/gw1/1 &txfax(/t.tif)");
    EXPECT_EQ(r.dial.global_vars.get("fax_header"), "ACME, Inc.");
    EXPECT_EQ(r.dial.global_vars.get("absolute_codec_string"), "PCMA,PCMU");
    EXPECT_EQ(fax::esl::leg_settings(r, leg_of(r, 0, 0)).absolute_codec_string, "PCMA,PCMU");

    r = parsed("{fax_header='ACME\\, Inc.'}sofia/gateway/gw1/1 &txfax(/t.tif)");
    EXPECT_EQ(r.dial.global_vars.get("fax_header"), "ACME, Inc.");

    r = parsed("{fax_header=ACME%20GmbH%2C%20Berlin,fax_ident=%2B49%2030%20555}sofia/gateway/gw1/1 &txfax(/t.tif)");
    EXPECT_EQ(r.dial.global_vars.get("fax_header"), "ACME%20GmbH%2C%20Berlin");
    const auto s = fax::esl::leg_settings(r, leg_of(r, 0, 0));
    EXPECT_EQ(s.fax_header, "ACME GmbH, Berlin");
    EXPECT_EQ(s.fax_ident, "+49 30 555");

    r = parsed("{absolute_codec_string=PCMA,PCMU}sofia/gateway/gw1/1 &txfax(/t.tif)");
    EXPECT_EQ(r.dial.global_vars.get("absolute_codec_string"), "PCMA");  // the classic trap
}

// --- hostile input --------------------------------------------------------------

TEST(OriginateHostile, CommaInANumberDialsASecondLeg) {
    const auto r = parsed("{origination_uuid=U}sofia/gateway/gw1/123,sofia/gateway/evil/1 &txfax(/t.tif)");
    ASSERT_EQ(r.dial.groups.size(), 1U);
    ASSERT_EQ(r.dial.groups[0].legs.size(), 2U);
    EXPECT_EQ(leg_of(r, 0, 0).endpoint.destination, "123");
    EXPECT_EQ(leg_of(r, 0, 1).endpoint.gateway, "evil");
    EXPECT_EQ(leg_of(r, 0, 1).endpoint.destination, "1");
    EXPECT_EQ(fax::esl::legs_reusing_uuid(r), (std::vector<LegPosition>{{0, 1}}));
}

TEST(OriginateHostile, PipeInANumberAddsAFailoverGroup) {
    const auto r = parsed("sofia/gateway/gw1/123|sofia/gateway/evil/2 &txfax(/t.tif)");
    ASSERT_EQ(r.dial.groups.size(), 2U);
    EXPECT_EQ(leg_of(r, 1, 0).endpoint.gateway, "evil");
}

TEST(OriginateHostile, CommaInAnIdentSetsAnotherVariable) {
    const auto r = parsed("{fax_ident=x,fax_enable_t38=false,origination_uuid=evil}sofia/gateway/gw1/1 &txfax(/t.tif)");
    EXPECT_EQ(r.dial.global_vars.get("fax_enable_t38"), "false");
    EXPECT_EQ(r.dial.global_vars.get("origination_uuid"), "evil");
}

TEST(OriginateHostile, ClosingBraceInAValueEndsTheBlock) {
    // '}' cannot be escaped: the block ends there and the rest becomes the dial string.
    const auto r = parsed("{fax_header=a}b,fax_ident=c}sofia/gateway/gw1/1 &txfax(/t.tif)");
    EXPECT_EQ(pairs(r.dial.global_vars), (std::vector<std::pair<std::string, std::string>>{{"fax_header", "a"}}));
    ASSERT_EQ(r.dial.groups[0].legs.size(), 2U);
    EXPECT_EQ(leg_of(r, 0, 0).endpoint.type, "b");
    EXPECT_EQ(leg_of(r, 0, 0).endpoint.kind, EndpointKind::other);
    EXPECT_EQ(leg_of(r, 0, 1).endpoint.type, "fax_ident=c}sofia");
    // "Escaping" it leaves a lone backslash at the end of the block, where FreeSWITCH reads past the string.
    auto bad = parse_originate("{fax_header=a\\}sofia/gateway/gw1/1 &txfax(/t.tif)");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, fax::core::Errc::data);
    EXPECT_EQ(fax::esl::originate_error_reply(bad.error()), "-ERR DESTINATION_OUT_OF_ORDER\n");
    // Balanced braces are counted and stay in the value.
    EXPECT_EQ(parsed("{fax_header={x}}sofia/gateway/gw1/1 &park").dial.global_vars.get("fax_header"), "{x}");
}

TEST(OriginateHostile, UnterminatedBlocks) {
    auto r = parse_originate("{fax_header=xsofia/gateway/gw1/1 &txfax(/t.tif)");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, fax::core::Errc::data);
    EXPECT_FALSE(parse_originate("<a=1sofia/gateway/gw1/1 &park").ok());
    EXPECT_FALSE(parse_originate("{a=1} &park").ok());  // nothing to dial

    // A '[' that does not close fails its group only; FreeSWITCH goes on with the next one.
    const auto p = parsed("[leg_timeout=10sofia/gateway/gw1/1|sofia/gateway/gw2/1 &txfax(/t.tif)");
    ASSERT_EQ(p.dial.groups.size(), 2U);
    EXPECT_TRUE(p.dial.groups[0].error.has_value());
    EXPECT_TRUE(p.dial.groups[0].legs.empty());
    ASSERT_EQ(p.dial.groups[1].legs.size(), 1U);
    EXPECT_EQ(leg_of(p, 1, 0).endpoint.gateway, "gw2");
    // The legs before it in the group are dialled.
    const auto q = parsed("sofia/gateway/gw1/1,[x=1sofia/gateway/gw2/1 &park");
    EXPECT_EQ(q.dial.groups[0].legs.size(), 1U);
    EXPECT_TRUE(q.dial.groups[0].error.has_value());
}

TEST(OriginateHostile, EnterpriseSeparatorIsRefused) {
    EXPECT_FALSE(parse_originate("sofia/gateway/gw1/1:_:sofia/gateway/gw2/1 &park").ok());
}

// --- per-leg variables ------------------------------------------------------------

TEST(OriginateLegs, DistinctUuidPerLegAndLegTimeout) {
    const auto r = parsed(
        "{ignore_early_media=true}[origination_uuid=A,leg_timeout=20]sofia/gateway/gw1/1|[origination_uuid=B]sofia/gateway/gw2/1 &txfax(/t.tif)");
    ASSERT_EQ(r.dial.groups.size(), 2U);
    const auto a = fax::esl::leg_settings(r, leg_of(r, 0, 0));
    const auto b = fax::esl::leg_settings(r, leg_of(r, 1, 0));
    EXPECT_EQ(a.origination_uuid, "A");
    EXPECT_EQ(a.leg_timeout_sec, 20U);
    EXPECT_EQ(b.origination_uuid, "B");
    EXPECT_FALSE(b.leg_timeout_sec.has_value());
    EXPECT_TRUE(fax::esl::legs_reusing_uuid(r).empty());
}

TEST(OriginateLegs, SameUuidInEachLegIsStillADuplicate) {
    const auto r = parsed("[origination_uuid=A]sofia/gateway/gw1/1|[origination_uuid=A]sofia/gateway/gw2/1 &park");
    EXPECT_EQ(fax::esl::legs_reusing_uuid(r), (std::vector<LegPosition>{{1, 0}}));
}

TEST(OriginateLegs, GlobalsWinOnTheChannelUnlessLocalVarClobber) {
    auto r = parsed("{fax_ident=G,origination_uuid=U1}[fax_ident=L,origination_uuid=U2]sofia/gateway/gw1/1 &park");
    const auto& leg = leg_of(r, 0, 0);
    EXPECT_EQ(fax::esl::endpoint_variables(r.dial, leg).get("fax_ident"), "L");
    EXPECT_EQ(fax::esl::channel_variables(r.dial, leg).get("fax_ident"), "G");
    const auto s = fax::esl::leg_settings(r, leg);
    EXPECT_EQ(s.fax_ident, "G");
    EXPECT_EQ(s.origination_uuid, "U2");  // the endpoint takes the leg's

    r = parsed("{local_var_clobber=true,fax_ident=G}[fax_ident=L]sofia/gateway/gw1/1 &park");
    EXPECT_EQ(fax::esl::leg_settings(r, leg_of(r, 0, 0)).fax_ident, "L");
}

TEST(OriginateLegs, EscapedAndAltSeparatedCommasInALegBlock) {
    auto r = parsed("[fax_header=a\\,b,leg_timeout=7]sofia/gateway/gw1/1 &park");
    const auto& v = leg_of(r, 0, 0).vars;
    EXPECT_EQ(v.get("fax_header"), "a,b");
    EXPECT_EQ(v.get("leg_timeout"), "7");

    r = parsed("[^^:fax_header=a,b:leg_timeout=5]sofia/gateway/gw1/1,sofia/gateway/gw2/1 &park");
    ASSERT_EQ(r.dial.groups[0].legs.size(), 2U);
    EXPECT_EQ(leg_of(r, 0, 0).vars.get("fax_header"), "a,b");
    EXPECT_EQ(leg_of(r, 0, 0).vars.get("leg_timeout"), "5");

    r = parsed("[a=1][b=2]\\ssofia/gateway/gw1/1 &park");  // \s: a space that survives the api split
    EXPECT_EQ(leg_of(r, 0, 0).vars.size(), 2U);
    EXPECT_EQ(leg_of(r, 0, 0).endpoint.gateway, "gw1");
}

TEST(OriginateLegs, UltraGlobalAndSeveralBraceBlocks) {
    auto r = parsed("<fax_ident=U>{fax_header=H}{fax_verbose=true}sofia/gateway/gw1/1 &park");
    EXPECT_EQ(pairs(r.dial.global_vars), (std::vector<std::pair<std::string, std::string>>{
                                             {"fax_ident", "U"}, {"fax_header", "H"}, {"fax_verbose", "true"}}));
    // A space between blocks ends the blocks: the second one is read as an endpoint.
    r = parsed("{a=1}\\s{b=2}sofia/gateway/gw1/1 &park");
    EXPECT_EQ(r.dial.global_vars.size(), 1U);
    EXPECT_EQ(leg_of(r, 0, 0).endpoint.type, "{b=2}sofia");
}

TEST(OriginateLegs, VariableReferencesStayOffTheChannel) {
    auto r = parsed("{fax_header=${evil}}sofia/gateway/gw1/1 &park");
    EXPECT_EQ(r.dial.global_vars.get("fax_header"), "${evil}");
    EXPECT_EQ(fax::esl::leg_settings(r, leg_of(r, 0, 0)).fax_header, "SpanDSP Fax Header");
    r = parsed("{origination_nested_vars=true,fax_header=${x}}sofia/gateway/gw1/1 &park");
    EXPECT_TRUE(r.dial.nested_vars);
    EXPECT_EQ(fax::esl::leg_settings(r, leg_of(r, 0, 0)).fax_header, "${x}");
}

TEST(OriginateLegs, FaxFlagsUseSwitchTrue) {
    const auto r = parsed("{fax_use_ecm=off,fax_disable_v17=1,fax_verbose=yes,fax_enable_t38=0,fax_enable_t38_request=enabled}sofia/gateway/gw1/1 &park");
    const auto s = fax::esl::leg_settings(r, leg_of(r, 0, 0));
    EXPECT_FALSE(s.fax_use_ecm);
    EXPECT_TRUE(s.fax_disable_v17);
    EXPECT_TRUE(s.fax_verbose);
    EXPECT_FALSE(s.fax_enable_t38);
    EXPECT_TRUE(s.fax_enable_t38_request);
}

// --- the api arguments -------------------------------------------------------------

TEST(OriginateArgs, UsageOnBadArity) {
    for (const char* arg : {"", "   ", "sofia/gateway/gw1/1", "a b c d e f g h"}) {
        auto r = parse_originate(arg);
        ASSERT_FALSE(r.ok()) << arg;
        EXPECT_EQ(r.error().code, fax::core::Errc::usage) << arg;
        EXPECT_EQ(fax::esl::originate_error_reply(r.error()),
                  "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n");
    }
    EXPECT_TRUE(parse_originate("a b c d e f g").ok());
}

TEST(OriginateArgs, UndefDefaultsAndTimeout) {
    auto r = parsed("loopback/1 &park undef undef 'My Name' undef 30");
    EXPECT_EQ(r.dialplan, "XML");
    EXPECT_EQ(r.context, "default");
    EXPECT_EQ(r.cid_name, "My Name");
    EXPECT_FALSE(r.cid_num.has_value());
    EXPECT_EQ(r.timeout_sec, 30U);
    auto s = fax::esl::leg_settings(r, leg_of(r, 0, 0));
    EXPECT_EQ(s.caller_id_name, "My Name");
    EXPECT_EQ(s.caller_id_number, "0000000000");
    EXPECT_EQ(s.originate_timeout_sec, 30U);

    r = parsed("loopback/1 1000 XML public");
    EXPECT_FALSE(r.app.has_value());
    EXPECT_EQ(r.extension, "1000");
    EXPECT_EQ(r.context, "public");

    EXPECT_EQ(parsed("loopback/1 &park XML default a b abc").timeout_sec, 60U);
    EXPECT_EQ(parsed("loopback/1 &park XML default a b -1").timeout_sec, 4294967295U);
    EXPECT_FALSE(parse_originate("undef &park").ok());
    EXPECT_FALSE(parse_originate("loopback/1 UNDEF").ok());
}

TEST(OriginateArgs, VariablesBeatTheCidArgumentsAndTheTimeout) {
    auto r = parsed("{origination_caller_id_number=999,originate_timeout=45}loopback/1 &park XML default Name 4711 30");
    auto s = fax::esl::leg_settings(r, leg_of(r, 0, 0));
    EXPECT_EQ(s.caller_id_number, "999");
    EXPECT_EQ(s.caller_id_name, "Name");
    EXPECT_EQ(s.originate_timeout_sec, 45U);
    r = parsed("{originate_timeout=0}loopback/1 &park");
    EXPECT_EQ(fax::esl::leg_settings(r, leg_of(r, 0, 0)).originate_timeout_sec, 60U);
    // ignore_early_media is read from the globals only.
    r = parsed("[ignore_early_media=true]loopback/1 &park");
    EXPECT_EQ(fax::esl::leg_settings(r, leg_of(r, 0, 0)).early_media, EarlyMedia::accept);
    r = parsed("{ignore_early_media=ring_ready}loopback/1 &park");
    EXPECT_EQ(fax::esl::leg_settings(r, leg_of(r, 0, 0)).early_media, EarlyMedia::ring_ready);
}

TEST(OriginateArgs, ApplicationArgumentEndsAtTheFirstParen) {
    EXPECT_EQ(parsed("loopback/1 &txfax(/tmp/a)b)").app->arg, "/tmp/a");
    EXPECT_EQ(parsed("loopback/1 &park()").app->arg, "");
    EXPECT_EQ(parsed("loopback/1 &").extension, "&");
    // Unquoted spaces split the application too…
    auto r = parsed("loopback/1 &socket(127.0.0.1:8084 async full)");
    EXPECT_EQ(r.app->name, "socket");
    EXPECT_EQ(r.app->arg, "127.0.0.1:8084");
    EXPECT_EQ(r.dialplan, "async");
    EXPECT_EQ(r.context, "full)");
    // …quoted, the argument is whole.
    r = parsed("loopback/1 '&socket(127.0.0.1:8084 async full)'");
    EXPECT_EQ(r.app->arg, "127.0.0.1:8084 async full");
}

TEST(OriginateArgs, CaretCaretChangesTheArgumentSeparator) {
    const auto r = parsed("^^;{fax_ident=a b}loopback/1;&park");
    EXPECT_EQ(r.dial.global_vars.get("fax_ident"), "a b");
    EXPECT_EQ(r.app->name, "park");
}

// --- endpoints ------------------------------------------------------------------

TEST(Endpoint, ModulesSplitTheirData) {
    using fax::esl::parse_endpoint;
    auto e = parse_endpoint("sofia/gateway/gw1/4930123456;fs_path=sip:x");
    EXPECT_EQ(e.kind, EndpointKind::sofia_gateway);
    EXPECT_EQ(e.gateway, "gw1");
    EXPECT_EQ(e.destination, "4930123456");
    EXPECT_EQ(e.params, "fs_path=sip:x");
    EXPECT_EQ(parse_endpoint("sofia/GATEWAY/gw1/1").kind, EndpointKind::sofia_gateway);
    EXPECT_EQ(parse_endpoint("sofia/gateway/gw1").fails_with, Cause::invalid_url);
    EXPECT_EQ(parse_endpoint("sofia/internal").fails_with, Cause::invalid_url);
    EXPECT_EQ(parse_endpoint("sofia").fails_with, Cause::invalid_url);

    e = parse_endpoint("sofia/internal/sip:1000@example.com");
    EXPECT_EQ(e.kind, EndpointKind::sofia_profile);
    EXPECT_EQ(e.profile, "internal");
    EXPECT_EQ(e.destination, "1000");
    EXPECT_EQ(e.host, "example.com");

    e = parse_endpoint("loopback/9664");
    EXPECT_EQ(e.destination, "9664");
    EXPECT_EQ(e.context, "default");
    EXPECT_EQ(e.dialplan, "xml");
    e = parse_endpoint("loopback/1/public/XML");
    EXPECT_EQ(e.context, "public");
    EXPECT_EQ(e.dialplan, "XML");

    e = parse_endpoint("user/1000@example.com");
    EXPECT_EQ(e.kind, EndpointKind::user);
    EXPECT_EQ(e.destination, "1000");
    EXPECT_EQ(e.host, "example.com");

    EXPECT_EQ(parse_endpoint("error/user_busy").fails_with, Cause::user_busy);
    EXPECT_EQ(parse_endpoint("error/17").fails_with, Cause::user_busy);
    EXPECT_EQ(parse_endpoint("error/bogus").fails_with, Cause::destination_out_of_order);

    e = parse_endpoint("socket/127.0.0.1:8084");
    EXPECT_EQ(e.kind, EndpointKind::other);
    EXPECT_EQ(e.type, "socket");
    EXPECT_EQ(e.data, "127.0.0.1:8084");
    EXPECT_FALSE(parse_endpoint("foo").data.has_value());
}

TEST(DialString, EmptyGroupHasNoLegs) {
    auto r = parse_dial_string("sofia/gateway/gw1/1||sofia/gateway/gw2/1");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->groups.size(), 3U);
    EXPECT_TRUE(r->groups[1].legs.empty());
    EXPECT_FALSE(r->groups[1].error.has_value());
}

}  // namespace
