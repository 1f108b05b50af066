// fax::fax::find_recipient and the header parsers behind it: who an inbound
// call was for, from Diversion / History-Info / P-Called-Party-ID / To.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "fax/recipient.hpp"
#include "support/capture.hpp"

namespace {

using fax::fax::find_recipient;
using fax::fax::number_from_diversion;
using fax::fax::number_from_history_info;
using fax::fax::number_from_p_called_party_id;
using fax::fax::number_from_uri;
using fax::fax::number_from_user;
using fax::fax::Recipient;
using Opt = std::optional<std::string>;

/// Channel data with the given variables (JSON: arrays become ARRAY:: items).
fax::esl::Event channel(const nlohmann::json& headers) {
    nlohmann::json j = {{"Event-Name", "CHANNEL_DATA"}, {"Unique-ID", "9d7c1e2a-1111-4222-8333-444455556666"}};
    j.update(headers);
    fax::esl::Event ev;
    auto r = ev.parse_json(j.dump());
    EXPECT_TRUE(r) << r.error().message;
    return ev;
}

/// The connect reply's headers as FreeSWITCH sends them (plain, URL-encoded).
fax::esl::Event connect_reply(const std::string& raw_headers) {
    fax::esl::Decoder dec;
    dec.feed(raw_headers);
    fax::esl::Message m;
    auto got = dec.next(m);
    EXPECT_TRUE(got && *got);
    fax::esl::Event ev;
    ev.parse_headers_of(m);
    return ev;
}

void expect(const Recipient& r, const std::string& number, const std::string& source) {
    EXPECT_EQ(r.number, number);
    EXPECT_EQ(r.source, source);
}

TEST(FaxRecipient, NumbersAreDigitsWithAnOptionalPlus) {
    EXPECT_EQ(number_from_user("4930123456"), Opt("4930123456"));
    EXPECT_EQ(number_from_user("+4930123456"), Opt("+4930123456"));
    EXPECT_EQ(number_from_user("0"), Opt("0"));
    EXPECT_EQ(number_from_user(std::string(32, '9')), Opt(std::string(32, '9')));
    for (const char* bad : {"", "+", "++49", "49+30", "fax", "rxfax", "123abc", "12 34", " 123", "123\n", "1-2",
                            "0x10", "١٢٣", "123;x", "$(id)", "`id`", "49'30"}) {
        EXPECT_EQ(number_from_user(bad), std::nullopt) << bad;
    }
    EXPECT_EQ(number_from_user(std::string(33, '9')), std::nullopt);
    EXPECT_EQ(number_from_user(std::string("12\0" "34", 5)), std::nullopt);
}

TEST(FaxRecipient, UriForms) {
    EXPECT_EQ(number_from_uri("sip:4930123@10.0.0.9"), Opt("4930123"));
    EXPECT_EQ(number_from_uri("SIP:+4930123@carrier.example:5060;transport=udp"), Opt("+4930123"));
    EXPECT_EQ(number_from_uri("sips:4930123@h"), Opt("4930123"));
    EXPECT_EQ(number_from_uri("sip:%2B4930123@h"), Opt("+4930123"));
    EXPECT_EQ(number_from_uri("sip:4930123:secret@h"), Opt("4930123"));
    EXPECT_EQ(number_from_uri("sip:+4930123;npdi;rn=+4930999@h;user=phone"), Opt("+4930123"));
    EXPECT_EQ(number_from_uri("sip:+49-30-123(4)@h;user=phone"), Opt("+49301234"));
    EXPECT_EQ(number_from_uri("sip:+49-30-123@h"), std::nullopt) << "separators only with user=phone";
    EXPECT_EQ(number_from_uri("sip:4930123@h?Reason=SIP%3Bcause%3D302"), Opt("4930123"));
    EXPECT_EQ(number_from_uri("tel:+49-30-123456"), Opt("+4930123456"));
    EXPECT_EQ(number_from_uri("TEL:+4930123456;phone-context=+49"), Opt("+4930123456"));
    EXPECT_EQ(number_from_uri("tel:7042;phone-context=example.com"), Opt("7042"));
    EXPECT_EQ(number_from_uri("  sip:123@h  "), Opt("123"));

    EXPECT_EQ(number_from_uri("sip:alice@h"), std::nullopt);
    EXPECT_EQ(number_from_uri("sip:carrier.example"), std::nullopt);
    EXPECT_EQ(number_from_uri("mailto:123@h"), std::nullopt);
    EXPECT_EQ(number_from_uri("http://123@h"), std::nullopt);
    EXPECT_EQ(number_from_uri("4930123@h"), std::nullopt);
    EXPECT_EQ(number_from_uri("sip:@h"), std::nullopt);
    EXPECT_EQ(number_from_uri("sip:12%3B34@h"), std::nullopt) << "an escaped ';' is part of the user";
    EXPECT_EQ(number_from_uri("sip:12%0A34@h"), std::nullopt);
    EXPECT_EQ(number_from_uri("sip:12%4@h"), std::nullopt);
    EXPECT_EQ(number_from_uri("tel:+49*30#"), std::nullopt);
    EXPECT_EQ(number_from_uri(""), std::nullopt);
}

TEST(FaxRecipient, DiversionTakesTheNewestEntryWithANumber) {
    // fax-sim's and a typical carrier's form.
    EXPECT_EQ(number_from_diversion("<sip:4930555999@127.0.0.1>;reason=unconditional"), Opt("4930555999"));
    EXPECT_EQ(number_from_diversion("<sip:+4930123@carrier.example;user=phone>;reason=unconditional;counter=1;"
                                    "privacy=off"),
              Opt("+4930123"));
    EXPECT_EQ(number_from_diversion("\"Doe, John\" <tel:+4930123>;reason=no-answer"), Opt("+4930123"));
    EXPECT_EQ(number_from_diversion("sip:4930123@h;reason=user-busy"), Opt("4930123"));
    // Several diversions: the first (most recent) one.
    EXPECT_EQ(number_from_diversion("<sip:0414674199@203.23.175.90>;reason=unknown,"
                                    "<sip:0493363501@203.23.175.90>;reason=no-answer"),
              Opt("0414674199"));
    // The first entry has no number: the next one (gofaxd's regex finds it too).
    EXPECT_EQ(number_from_diversion("<sip:alice@pbx.example>;reason=unconditional, <sip:4930123@carrier>;reason=x"),
              Opt("4930123"));
    // A comma inside a quoted display name or in <> does not split entries.
    EXPECT_EQ(number_from_diversion("\"a, <sip:666@evil>\" <sip:4930123@h>;reason=\"x, y\""), Opt("4930123"));
    EXPECT_EQ(number_from_diversion("<sip:a,b@h>, <sip:777@h>"), Opt("777"));

    for (const char* bad : {"", "   ", "unconditional", "<sip:alice@h>;reason=unconditional", "<sip:123@h",
                            "\"unterminated <sip:123@h>", "<>", ",,,", "<sip:123abc@h>", "<sip:123 456@h>",
                            "<sip:$(reboot)@h>"}) {
        EXPECT_EQ(number_from_diversion(bad), std::nullopt) << bad;
    }
    // Without a comma it is one entry, whatever follows the first <>.
    EXPECT_EQ(number_from_diversion("<sip:123@h>\n<sip:456@h>"), Opt("123"));
}

TEST(FaxRecipient, HistoryInfoTakesThePartyTheCallWasLastDivertedFrom) {
    // RFC 7044 style: 1 = dialled number, 1.1 = the fax server after a 302 (mp=1).
    EXPECT_EQ(number_from_history_info("<sip:+4930123456@carrier.example;user=phone?Privacy=none>;index=1,"
                                       "<sip:+4930999000@carrier.example;user=phone;cause=302>;index=1.1;mp=1"),
              Opt("+4930123456"));
    // Two diversions A → B → us: B diverted last.
    EXPECT_EQ(number_from_history_info("<sip:111@h>;index=1, <sip:222@h;cause=302>;index=1.1;mp=1,"
                                       " <sip:333@h;cause=486>;index=1.1.1;mp=1.1"),
              Opt("222"));
    // Forking: 1.1 was a failed branch, 1.2 (us) was retargeted from 1.
    EXPECT_EQ(number_from_history_info("<sip:111@h>;index=1, <sip:222@h;cause=487>;index=1.1,"
                                       " <sip:333@h;cause=302>;index=1.2;mp=1"),
              Opt("111"));
    // The parent has no number: its ancestors, not other branches.
    EXPECT_EQ(number_from_history_info("<sip:111@h>;index=1, <sip:bob@h>;index=1.1, <sip:333@h>;index=1.1.1"),
              Opt("111"));
    EXPECT_EQ(number_from_history_info("<sip:alice@h>;index=1, <sip:222@h>;index=1.2, <sip:333@h>;index=1.1"),
              std::nullopt);
    // No indexes: the entries before the last, newest first.
    EXPECT_EQ(number_from_history_info("<sip:111@h>, <sip:222@h>, <sip:333@h>"), Opt("222"));
    EXPECT_EQ(number_from_history_info("<sip:111@h>, <sip:bob@h>, <sip:333@h>"), Opt("111"));
    // Indexes that do not resolve count as none.
    EXPECT_EQ(number_from_history_info("<sip:111@h>;index=7, <sip:333@h>;index=1.1"), Opt("111"));
    // One entry: that one.
    EXPECT_EQ(number_from_history_info("<sip:+4930123@h>;index=1"), Opt("+4930123"));
    EXPECT_EQ(number_from_history_info("<tel:+4930123>;index=1"), Opt("+4930123"));

    EXPECT_EQ(number_from_history_info(""), std::nullopt);
    EXPECT_EQ(number_from_history_info("<sip:alice@h>;index=1"), std::nullopt);
    EXPECT_EQ(number_from_history_info("<sip:bob@h>;index=1, <sip:333@h>;index=1.1"), std::nullopt);
    EXPECT_EQ(number_from_history_info("garbage;index=1.1, ;;;,"), std::nullopt);
}

TEST(FaxRecipient, PCalledPartyId) {
    EXPECT_EQ(number_from_p_called_party_id("<sip:4930123@ims.example>"), Opt("4930123"));
    EXPECT_EQ(number_from_p_called_party_id("\"Fax\" <tel:+4930123456>"), Opt("+4930123456"));
    EXPECT_EQ(number_from_p_called_party_id("sip:+4930123@ims.example;user=phone"), Opt("+4930123"));
    EXPECT_EQ(number_from_p_called_party_id("<sip:fax@ims.example>"), std::nullopt);
    EXPECT_EQ(number_from_p_called_party_id("<sip:12`id`@h>"), std::nullopt);
}

TEST(FaxRecipient, WithoutDiversionTheToUserAsGofaxd) {
    const auto ev = channel({{"variable_sip_to_user", "4930123456"},
                             {"variable_sip_h_Diversion", "<sip:4930555999@127.0.0.1>;reason=unconditional"},
                             {"variable_sip_history_info", "<sip:111@h>;index=1"},
                             {"Caller-Destination-Number", "4930000000"}});
    expect(find_recipient(ev, false), "4930123456", "to");
    expect(find_recipient(ev, true), "4930555999", "diversion");
}

TEST(FaxRecipient, DiversionFallsBackInOrder) {
    nlohmann::json vars = {{"variable_sip_h_Diversion", "<sip:alice@pbx>;reason=unconditional"},
                           {"variable_sip_history_info", "<sip:+4930111@h>;index=1, <sip:+4930999@h>;index=1.1;mp=1"},
                           {"variable_sip_h_P-Called-Party-ID", "<sip:+4930222@ims.example>"},
                           {"variable_sip_to_user", "+4930333"},
                           {"Caller-Destination-Number", "4930444"}};
    expect(find_recipient(channel(vars), true), "+4930111", "history-info");
    vars.erase("variable_sip_history_info");
    expect(find_recipient(channel(vars), true), "+4930222", "p-called-party-id");
    vars.erase("variable_sip_h_P-Called-Party-ID");
    expect(find_recipient(channel(vars), true), "+4930333", "to");
    vars["variable_sip_to_user"] = "fax";  // a name: skipped
    expect(find_recipient(channel(vars), true), "4930444", "destination");
    vars["Caller-Destination-Number"] = "socket";
    expect(find_recipient(channel(vars), true), "", "");
    expect(find_recipient(channel(vars), false), "", "");
}

TEST(FaxRecipient, OtherVariableNamesForTheSameHeaders) {
    // parse-all-invite-headers names, and History-Info under its sip_h_ name;
    // header names match without regard to case (gofaxd: Variable_sip_h_diversion).
    expect(find_recipient(channel({{"variable_sip_i_diversion", "<sip:111@h>;reason=unconditional"}}), true), "111",
           "diversion");
    expect(find_recipient(channel({{"VARIABLE_SIP_H_DIVERSION", "<sip:112@h>;reason=unconditional"}}), true), "112",
           "diversion");
    expect(find_recipient(channel({{"variable_sip_h_History-Info", "<sip:222@h>;index=1"}}), true), "222",
           "history-info");
    expect(find_recipient(channel({{"variable_sip_i_history_info", "<sip:223@h>;index=1"}}), true), "223",
           "history-info");
    expect(find_recipient(channel({{"variable_sip_i_p_called_party_id", "<sip:333@h>"}}), true), "333",
           "p-called-party-id");
    // To without sip_to_user: the user of sip_to_uri ("user@host"), then sip_full_to.
    expect(find_recipient(channel({{"variable_sip_to_uri", "4930123@10.0.0.1:5080"}}), false), "4930123", "to");
    expect(find_recipient(channel({{"variable_sip_to_user", "rxfax"}, {"variable_sip_to_uri", "rxfax@10.0.0.1"},
                                   {"variable_sip_full_to", "<sip:+4930123@10.0.0.1;user=phone>;tag=vy0KF9"}}),
                          false),
           "+4930123", "to");
}

TEST(FaxRecipient, ArrayValuedVariablesAreOneList) {
    // Two Diversion headers stored as ARRAY:: (JSON array): the first item first.
    const auto ev = channel({{"variable_sip_h_Diversion",
                              {"<sip:alice@pbx>;reason=deflection", "<sip:4930777@carrier>;reason=unconditional"}}});
    expect(find_recipient(ev, true), "4930777", "diversion");
    const auto hi = channel(
        {{"variable_sip_history_info", {"<sip:111@h>;index=1", "<sip:222@h>;index=1.1;mp=1"}}});
    expect(find_recipient(hi, true), "111", "history-info");
}

TEST(FaxRecipient, HostileValuesNeverBecomeTheRecipient) {
    const std::vector<std::string> hostile = {
        "<sip:123;$(reboot)@h>x",  // user params dropped: 123 is the number
        "<sip:$(reboot)@h>",
        "<sip:123`id`@h>",
        "<sip:123%0Aevil@h>",
        "<sip:123%00@h>",
        "<sip:123'; DROP TABLE faxes;--@h>",
        "<sip:../../etc/passwd@h>",
        "<sip:" + std::string(40, '1') + "@h>",
        std::string(100000, '<'),
        std::string(100000, '"'),
        std::string(50000, ',') + "<sip:999@h>",
    };
    for (const auto& v : hostile) {
        SCOPED_TRACE(v.substr(0, 60));
        const Recipient r = find_recipient(channel({{"variable_sip_h_Diversion", v}}), true);
        for (char c : r.number) {
            EXPECT_TRUE((c >= '0' && c <= '9') || c == '+');
        }
        EXPECT_LE(r.number.size(), 33U);
    }
    expect(find_recipient(channel({{"variable_sip_h_Diversion", "<sip:123;$(reboot)@h>"}}), true), "123", "diversion");
    expect(find_recipient(channel({{"variable_sip_h_Diversion", std::string(50000, ',') + "<sip:999@h>"}}), true),
           "999", "diversion");
    expect(find_recipient(channel({{"variable_sip_h_Diversion", "<sip:123`id`@h>"},
                                   {"variable_sip_to_user", "4930123; rm -rf /"}}),
                          true),
           "", "");
}

TEST(FaxRecipient, UrlEncodedConnectReplyOfADivertedCall) {
    const auto ev = connect_reply(
        "Event-Name: CHANNEL_DATA\nUnique-ID: 9d7c1e2a-1111-4222-8333-444455556666\n"
        "Caller-Caller-ID-Number: %2B4930123456\nCaller-Destination-Number: 4930999000\n"
        "variable_sip_to_user: 4930999000\n"
        "variable_sip_h_Diversion: %3Csip%3A%2B4930555999%40carrier.example%3Buser%3Dphone%3E%3Breason%3Dunconditional"
        "%3Bcounter%3D1\n"
        "variable_sip_h_P-Called-Party-ID: %3Csip%3A4930999000%40ims.example%3E\n"
        "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n");
    expect(find_recipient(ev, true), "+4930555999", "diversion");
    expect(find_recipient(ev, false), "4930999000", "to");
}

TEST(FaxRecipient, RealCaptureLoopbackCallHasNoNumber) {
    // FreeSWITCH's connect reply from a loopback call into `socket`: no SIP
    // headers, To absent, Caller-Destination-Number "socket".
    const auto chunks = faxkit_test::chunks_of(faxkit_test::load_capture("outbound-session"), "FS->C");
    ASSERT_FALSE(chunks.empty());
    const auto ev = connect_reply(chunks.front());
    ASSERT_EQ(ev.name(), "CHANNEL_DATA");
    ASSERT_EQ(ev.get("Caller-Destination-Number"), "socket");
    expect(find_recipient(ev, false), "", "");
    expect(find_recipient(ev, true), "", "");
}

}  // namespace
