// fax::fax::Scenario: fax-sim's scenario file (format in lib/fax/scenario.hpp).

#include <string>

#include <gtest/gtest.h>

#include "fax/scenario.hpp"

namespace {

using fax::esl::Cause;
using fax::fax::GatewayState;
using fax::fax::Outcome;
using fax::fax::Scenario;
using fax::fax::T38Support;

Scenario parsed(std::string_view json) {
    auto r = Scenario::parse(json, "test.json");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : Scenario{};
}

std::string error_of(std::string_view json) {
    auto r = Scenario::parse(json, "test.json");
    if (r.ok()) {
        return "(accepted)";
    }
    EXPECT_EQ(r.error().code, fax::core::Errc::config);
    return r.error().message;
}

TEST(Scenario, WithoutAFileEveryNumberIsAHealthyFaxMachine) {
    const Scenario s;
    const auto& b = s.behaviour_for("any-gateway", "4930123456");
    EXPECT_EQ(b.outcome, Outcome::fax);
    EXPECT_EQ(b.cause, Cause::none);
    EXPECT_EQ(b.machine.csi_for("4930123456"), "4930123456");
    EXPECT_TRUE(b.machine.ecm);
    EXPECT_EQ(b.machine.max_bit_rate, 14400);
    EXPECT_EQ(b.machine.t38, T38Support::yes);
    EXPECT_FALSE(b.machine.noise_dbm0.has_value());
    EXPECT_EQ(b.machine.hangup_after_pages, -1);
    EXPECT_FALSE(b.machine.txfax_hangs);
    EXPECT_EQ(s.gateway_state("whatever"), GatewayState::up);
    // A CSI has at most 20 characters: the number's last 20.
    EXPECT_EQ(b.machine.csi_for("0049301234567890123456"), "49301234567890123456");
    EXPECT_EQ(parsed("{}").behaviour_for("", "1").outcome, Outcome::fax);
}

TEST(Scenario, ExampleFixture) {
    auto r = Scenario::load(std::string(FAXKIT_FIXTURES_DIR) + "/scenarios/example.json");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const Scenario& s = *r;

    struct Want {
        const char* gateway;
        const char* number;
        Outcome outcome;
        Cause cause;
        int sip;
    };
    const Want wants[] = {
        {"gw1", "4930111", Outcome::busy, Cause::user_busy, 486},
        {"gw1", "4930222", Outcome::no_answer, Cause::no_answer, 0},
        {"gw1", "4930333", Outcome::rejected, Cause::call_rejected, 603},
        {"gw1", "4930444", Outcome::unallocated, Cause::unallocated_number, 404},
        {"gw1", "4930555", Outcome::failure, Cause::normal_temporary_failure, 503},
        {"gw1", "4930666", Outcome::failure, Cause::normal_temporary_failure, 503},
        {"gw-dead", "4930700", Outcome::gateway_down, Cause::gateway_down, 0},
        {"gw9", "4930700", Outcome::invalid_gateway, Cause::invalid_gateway, 0},
        {"gw2", "4930111", Outcome::fax, Cause::none, 0},  // the gateway key beats the plain one
        {"", "4930111", Outcome::busy, Cause::user_busy, 486},
        {"gw1", "4930123", Outcome::fax, Cause::none, 0},
    };
    for (const auto& w : wants) {
        const auto& b = s.behaviour_for(w.gateway, w.number);
        EXPECT_EQ(b.outcome, w.outcome) << w.gateway << "/" << w.number << ": " << fax::fax::outcome_name(b.outcome);
        EXPECT_EQ(b.cause, w.cause) << w.gateway << "/" << w.number;
        EXPECT_EQ(b.sip_status, w.sip) << w.gateway << "/" << w.number;
    }
    EXPECT_EQ(s.behaviour_for("gw1", "4930555").ring_ms, 2000);

    const auto& old = s.behaviour_for("gw1", "4930700").machine;
    EXPECT_EQ(old.csi_for("4930700"), "+49 30 700");
    EXPECT_FALSE(old.ecm);
    EXPECT_EQ(old.max_bit_rate, 9600);
    EXPECT_EQ(old.t38, T38Support::no);
    EXPECT_EQ(s.behaviour_for("gw1", "4930700").ring_ms, 4000);
    EXPECT_EQ(s.behaviour_for("gw1", "4930738").machine.t38, T38Support::fails);
    EXPECT_EQ(s.behaviour_for("gw1", "4930739").machine.t38, T38Support::late_fails);
    EXPECT_EQ(s.behaviour_for("gw1", "4930740").machine.t38, T38Support::late);
    EXPECT_EQ(s.behaviour_for("gw1", "4930800").machine.noise_dbm0, -30.0);
    EXPECT_EQ(s.behaviour_for("gw1", "4930900").machine.hangup_after_pages, 1);
    EXPECT_EQ(s.behaviour_for("gw1", "4930900").machine.hangup_delay_ms, 3000);
    EXPECT_TRUE(s.behaviour_for("gw1", "4930999").machine.txfax_hangs);
    // "49301*" covers 4930123 but not the exact 4930111.
    EXPECT_EQ(s.behaviour_for("gw1", "4930123").machine.csi_for("4930123"), "ACME FAX 1");
    EXPECT_EQ(s.behaviour_for("gw1", "4930123").rule, "49301*");
    EXPECT_EQ(s.behaviour_for("gw1", "4930200").machine.csi_for("4930200"), "4930200");  // default
    EXPECT_EQ(s.gateway_state("gw-dead"), GatewayState::down);
    EXPECT_EQ(s.gateway_state("gw9"), GatewayState::unknown);
}

TEST(Scenario, MostSpecificKeyWins) {
    const auto s = parsed(R"({
        "numbers": {
            "49*": "busy",
            "4930*": "rejected",
            "4930": "unallocated",
            "gw2/49*": "no_answer",
            "*": {"kind": "failure", "sip": 480},
            "gw2/*": "fax"
        }
    })");
    EXPECT_EQ(s.behaviour_for("gw1", "4930").outcome, Outcome::unallocated);   // exact
    EXPECT_EQ(s.behaviour_for("gw1", "49301").outcome, Outcome::rejected);    // longer prefix
    EXPECT_EQ(s.behaviour_for("gw1", "4940").outcome, Outcome::busy);
    EXPECT_EQ(s.behaviour_for("gw2", "4940").outcome, Outcome::no_answer);    // gateway key, same length
    EXPECT_EQ(s.behaviour_for("gw2", "49301").outcome, Outcome::rejected);    // a longer plain prefix still wins
    EXPECT_EQ(s.behaviour_for("gw1", "1").cause, Cause::no_user_response);   // "*": sip 480
    EXPECT_EQ(s.behaviour_for("gw2", "1").outcome, Outcome::fax);
}

TEST(Scenario, DefaultBehaviourAndFailureCauses) {
    const auto s = parsed(R"({"default": {"kind": "failure", "cause": "normal_circuit_congestion"},
                              "numbers": {"1": {"kind": "failure", "cause": "USER_BUSY", "sip": 600}}})");
    const auto& d = s.behaviour_for("", "999");
    EXPECT_EQ(d.outcome, Outcome::failure);
    EXPECT_EQ(d.cause, Cause::normal_circuit_congestion);
    EXPECT_EQ(d.sip_status, 503);  // what mod_sofia sends for that cause
    EXPECT_EQ(d.rule, "");
    const auto& one = s.behaviour_for("", "1");
    EXPECT_EQ(one.cause, Cause::user_busy);
    EXPECT_EQ(one.sip_status, 600);
}

TEST(Scenario, ErrorsNameTheJsonPath) {
    struct Case {
        const char* json;
        const char* message;
    };
    const Case cases[] = {
        {"[]", "test.json: $: must be an object"},
        {R"({"gateway": {}})", "test.json: $[\"gateway\"]: unknown key (allowed: comment, gateways, default, numbers)"},
        {R"({"gateways": {"gw1": "sideways"}})", "test.json: $.gateways[\"gw1\"]: must be \"up\" or \"down\""},
        {R"({"gateways": ["gw1"]})", "test.json: $.gateways: must be an object of gateway name → \"up\" or \"down\""},
        {R"({"numbers": {"49*1": "fax"}})", "test.json: $.numbers[\"49*1\"]: '*' is allowed only at the end of a number pattern"},
        {R"({"numbers": {"gw1/": "fax"}})", "test.json: $.numbers[\"gw1/\"]: empty number (use \"*\" for every number)"},
        {R"({"numbers": {"1": "engaged"}})", "test.json: $.numbers[\"1\"]: unknown kind 'engaged' (fax, busy, no_answer, rejected, unallocated, failure)"},
        {R"({"numbers": {"1": {"kind": "bust"}}})", "test.json: $.numbers[\"1\"].kind: unknown kind 'bust' (fax, busy, no_answer, rejected, unallocated, failure)"},
        {R"({"numbers": {"1": 17}})", "test.json: $.numbers[\"1\"]: must be a kind (\"fax\", \"busy\", …) or an object"},
        {R"({"numbers": {"1": {"max_bit_rate": 12000}}})", "test.json: $.numbers[\"1\"].max_bit_rate: must be 14400, 9600, 7200, 4800 or 2400"},
        {R"({"numbers": {"1": {"csi": "123456789012345678901"}}})", "test.json: $.numbers[\"1\"].csi: must be a string of at most 20 printable ASCII characters"},
        {R"({"numbers": {"1": {"t38": "maybe"}}})", "test.json: $.numbers[\"1\"].t38: must be true, false, \"fails\", \"late\" or \"late_fails\""},
        {R"({"numbers": {"1": {"ecm": "no"}}})", "test.json: $.numbers[\"1\"].ecm: must be true or false"},
        {R"({"numbers": {"1": {"noise_dbm0": 3}}})", "test.json: $.numbers[\"1\"].noise_dbm0: must be a number from -90 to 0 (dBm0)"},
        {R"({"numbers": {"1": {"hangup_delay_ms": 10}}})", "test.json: $.numbers[\"1\"].hangup_delay_ms: needs hangup_after_pages"},
        {R"({"numbers": {"1": {"hangup_after_pages": -2}}})", "test.json: $.numbers[\"1\"].hangup_after_pages: must be a whole number from 0 to 10000"},
        {R"({"numbers": {"1": {"kind": "busy", "ecm": false}}})", "test.json: $.numbers[\"1\"][\"ecm\"]: unknown key (allowed: comment, kind, ring_ms)"},
        {R"({"numbers": {"1": {"kind": "no_answer", "ring_ms": 5}}})", "test.json: $.numbers[\"1\"][\"ring_ms\"]: unknown key (allowed: comment, kind)"},
        {R"({"numbers": {"1": {"kind": "failure"}}})", "test.json: $.numbers[\"1\"]: a failure needs \"cause\" or \"sip\""},
        {R"({"numbers": {"1": {"kind": "failure", "cause": "NOPE"}}})", "test.json: $.numbers[\"1\"].cause: must be the name of a FreeSWITCH failure cause (USER_BUSY, NORMAL_TEMPORARY_FAILURE, …)"},
        {R"({"numbers": {"1": {"kind": "failure", "sip": 200}}})", "test.json: $.numbers[\"1\"].sip: must be a whole number from 300 to 699"},
        {R"({"default": {"ring_ms": 1.5}})", "test.json: $.default.ring_ms: must be a whole number from 0 to 3600000"},
        {R"({"comment": 1})", "test.json: $.comment: must be a string"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(error_of(c.json), c.message) << c.json;
    }
}

TEST(Scenario, SyntaxErrorsSayWhere) {
    const std::string msg = error_of("{\n  \"numbers\": {\"1\": \"busy\",}\n}");
    EXPECT_EQ(msg.rfind("test.json: not valid JSON: ", 0), 0U) << msg;
    EXPECT_NE(msg.find("line 2"), std::string::npos) << msg;
    EXPECT_EQ(error_of("").rfind("test.json: not valid JSON: ", 0), 0U);
}

TEST(Scenario, UnreadableFile) {
    auto r = Scenario::load("/nonexistent/scenario.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, fax::core::Errc::config);
    EXPECT_EQ(r.error().message, "cannot read scenario /nonexistent/scenario.json: No such file or directory");
}

}  // namespace
