// fax::fax::parse_spandsp_event and fax_result_from_variables on the real
// FreeSWITCH 1.10 + mod_spandsp captures (tests/fixtures/esl/), plus the
// resolution / pixel size parsers.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "esl/decoder.hpp"
#include "esl/event.hpp"
#include "esl/message.hpp"
#include "fax/events.hpp"
#include "fax/spandsp_parse.hpp"
#include "support/capture.hpp"

namespace {

using fax::esl::Event;
using fax::fax::FaxResult;
using fax::fax::Negotiation;
using fax::fax::PageResult;
using fax::fax::PixelSize;
using fax::fax::Resolution;
using fax::fax::Role;
using fax::fax::T38Status;

constexpr std::string_view k_t30_tx = "dc1f5c29-ee27-48fc-9aba-7cfc94386519";
constexpr std::string_view k_t30_rx = "7d827435-2fda-4f93-9cd0-ef5b8f5dcbca";
constexpr std::string_view k_t38_tx = "086c008f-0a02-4454-af1f-cc5a81a50807";
constexpr std::string_view k_t38_rx = "a155d485-1048-442c-8aad-a13c41833dce";

/// Every event FreeSWITCH sent in \a capture, decoded, in order.
std::vector<Event> capture_events(const std::string& capture) {
    std::vector<Event> out;
    fax::esl::Decoder dec;
    dec.feed(faxkit_test::stream_of(faxkit_test::load_capture(capture), "FS->C"));
    fax::esl::Message m;
    while (true) {
        auto got = dec.next(m);
        EXPECT_TRUE(got) << capture;
        if (!got || !*got) {
            break;
        }
        if (m.content_type().rfind("text/event-", 0) != 0) {
            continue;
        }
        Event ev;
        auto r = ev.parse(m);
        EXPECT_TRUE(r) << capture << ": " << (r ? "" : r.error().message);
        out.push_back(std::move(ev));
    }
    return out;
}

/// The events of \a uuid whose name (or, for CUSTOM, subclass) is \a what.
std::vector<const Event*> find(const std::vector<Event>& events, std::string_view uuid, std::string_view what) {
    std::vector<const Event*> out;
    for (const auto& e : events) {
        if (e.unique_id() != uuid) {
            continue;
        }
        if ((e.name() == "CUSTOM" && e.subclass() == what) || e.name() == what) {
            out.push_back(&e);
        }
    }
    return out;
}

template <typename T>
T as(const Event& e) {
    auto fe = fax::fax::parse_spandsp_event(e);
    EXPECT_TRUE(fe.has_value()) << e.subclass();
    if (!fe) {
        return T{};
    }
    EXPECT_TRUE(std::holds_alternative<T>(*fe)) << e.subclass();
    return std::holds_alternative<T>(*fe) ? std::get<T>(*fe) : T{};
}

class SpandspCaptureTest : public ::testing::TestWithParam<std::string> {};

// The plain and json captures of the same call decode to the same fields.
INSTANTIATE_TEST_SUITE_P(T30Sip, SpandspCaptureTest,
                         ::testing::Values("fax-events-plain-t30-sip", "fax-events-json-t30-sip"));

TEST_P(SpandspCaptureTest, TxNegotiation) {
    const auto events = capture_events(GetParam());
    const auto found = find(events, k_t30_tx, "spandsp::txfaxnegociateresult");
    ASSERT_EQ(found.size(), 1U);
    const auto n = as<Negotiation>(*found[0]);
    EXPECT_EQ(n.role, Role::send);
    EXPECT_EQ(n.transfer_rate, 14400);
    EXPECT_TRUE(n.ecm);
    EXPECT_EQ(n.t38_status, T38Status::off);
    EXPECT_EQ(n.local_station_id, "TX-SIP-T30");
    EXPECT_EQ(n.remote_station_id, "SpanDSP Fax Ident");
    EXPECT_EQ(n.remote_country, "");
    EXPECT_EQ(n.remote_vendor, "");
    EXPECT_EQ(n.remote_model, "");
    EXPECT_EQ(n.total_pages, 0);  // the file is not open yet at phase B
}

TEST_P(SpandspCaptureTest, RxNegotiation) {
    const auto events = capture_events(GetParam());
    const auto found = find(events, k_t30_rx, "spandsp::rxfaxnegociateresult");
    ASSERT_EQ(found.size(), 1U);
    const auto n = as<Negotiation>(*found[0]);
    EXPECT_EQ(n.role, Role::receive);
    EXPECT_EQ(n.transfer_rate, 14400);
    EXPECT_TRUE(n.ecm);
    EXPECT_EQ(n.t38_status, T38Status::off);
    EXPECT_EQ(n.local_station_id, "SpanDSP Fax Ident");
    EXPECT_EQ(n.remote_station_id, "TX-SIP-T30");
    EXPECT_EQ(n.total_pages, 0);  // absent on the receiver
}

TEST_P(SpandspCaptureTest, TxPages) {
    const auto events = capture_events(GetParam());
    const auto found = find(events, k_t30_tx, "spandsp::txfaxpageresult");
    ASSERT_EQ(found.size(), 3U);
    for (std::size_t i = 0; i < found.size(); ++i) {
        SCOPED_TRACE(i);
        const auto p = as<PageResult>(*found[i]);
        EXPECT_EQ(p.role, Role::send);
        EXPECT_EQ(p.pages_transferred, static_cast<int>(i) + 1);
        EXPECT_EQ(p.total_pages, 3);
        EXPECT_EQ(p.image_resolution, (Resolution{8040, 7700}));
        EXPECT_EQ(p.file_image_resolution, (Resolution{8031, 7716}));  // as the TIFF says, differs from the line
        EXPECT_EQ(p.image_pixel_size, (PixelSize{1728, 2156}));
        EXPECT_EQ(p.file_image_pixel_size, (PixelSize{1728, 2156}));
        EXPECT_EQ(p.bad_rows, 0);
        EXPECT_EQ(p.longest_bad_row_run, 0);
        EXPECT_EQ(p.encoding, 32);
        EXPECT_EQ(p.encoding_name, "T.85(L0)");
    }
    EXPECT_EQ(as<PageResult>(*found[0]).image_size, 2734);
}

TEST_P(SpandspCaptureTest, RxPages) {
    const auto events = capture_events(GetParam());
    const auto found = find(events, k_t30_rx, "spandsp::rxfaxpageresult");
    ASSERT_EQ(found.size(), 3U);
    for (std::size_t i = 0; i < found.size(); ++i) {
        SCOPED_TRACE(i);
        const auto p = as<PageResult>(*found[i]);
        EXPECT_EQ(p.role, Role::receive);
        EXPECT_EQ(p.pages_transferred, static_cast<int>(i) + 1);
        EXPECT_EQ(p.total_pages, 0);  // not sent by the receiver
        EXPECT_EQ(p.image_resolution, (Resolution{8040, 7700}));
        EXPECT_EQ(p.file_image_resolution, (Resolution{8040, 7700}));
        EXPECT_EQ(p.encoding_name, "T.85(L0)");
    }
    EXPECT_EQ(as<PageResult>(*found[0]).image_size, 2734);
}

void expect_tx_result(const FaxResult& r) {
    EXPECT_EQ(r.role, Role::send);
    EXPECT_TRUE(r.success);
    EXPECT_EQ(r.result_code, 0);
    EXPECT_EQ(r.result_text, "OK");
    EXPECT_EQ(r.pages_transferred, 3);
    EXPECT_EQ(r.total_pages, 3);
    EXPECT_EQ(r.image_resolution, (Resolution{8040, 7700}));
    EXPECT_EQ(r.image_size, 2784);
    EXPECT_EQ(r.bad_rows, 0);
    EXPECT_EQ(r.transfer_rate, 14400);
    EXPECT_TRUE(r.ecm);
    EXPECT_EQ(r.t38_status, T38Status::off);
    EXPECT_EQ(r.local_station_id, "TX-SIP-T30");
    EXPECT_EQ(r.remote_station_id, "SpanDSP Fax Ident");
    EXPECT_EQ(r.remote_country, "");
    EXPECT_EQ(r.remote_vendor, "");
    EXPECT_EQ(r.remote_model, "");
}

void expect_rx_result(const FaxResult& r) {
    EXPECT_EQ(r.role, Role::receive);
    EXPECT_TRUE(r.success);
    EXPECT_EQ(r.result_code, 0);
    EXPECT_EQ(r.result_text, "OK");
    EXPECT_EQ(r.pages_transferred, 3);
    EXPECT_EQ(r.total_pages, 3);
    EXPECT_EQ(r.image_resolution, (Resolution{8040, 7700}));
    EXPECT_EQ(r.image_size, 0);  // ECM receiver
    EXPECT_EQ(r.transfer_rate, 14400);
    EXPECT_TRUE(r.ecm);
    EXPECT_EQ(r.local_station_id, "SpanDSP Fax Ident");
    EXPECT_EQ(r.remote_station_id, "TX-SIP-T30");
}

TEST_P(SpandspCaptureTest, TxAndRxResults) {
    const auto events = capture_events(GetParam());
    const auto tx = find(events, k_t30_tx, "spandsp::txfaxresult");
    ASSERT_EQ(tx.size(), 1U);
    expect_tx_result(as<FaxResult>(*tx[0]));
    const auto rx = find(events, k_t30_rx, "spandsp::rxfaxresult");
    ASSERT_EQ(rx.size(), 1U);
    expect_rx_result(as<FaxResult>(*rx[0]));
}

TEST_P(SpandspCaptureTest, ResultFromHangupCompleteVariables) {
    const auto events = capture_events(GetParam());
    const auto tx = find(events, k_t30_tx, "CHANNEL_HANGUP_COMPLETE");
    ASSERT_EQ(tx.size(), 1U);
    const auto r = fax::fax::fax_result_from_variables(*tx[0], Role::send);
    ASSERT_TRUE(r);
    expect_tx_result(*r);
    const auto rx = find(events, k_t30_rx, "CHANNEL_HANGUP_COMPLETE");
    ASSERT_EQ(rx.size(), 1U);
    const auto rr = fax::fax::fax_result_from_variables(*rx[0], Role::receive);
    ASSERT_TRUE(rr);
    expect_rx_result(*rr);
    // The role is the caller's to say: the variables do not carry it.
    EXPECT_EQ(fax::fax::fax_result_from_variables(*tx[0], Role::receive)->role, Role::receive);
}

TEST_P(SpandspCaptureTest, NothingButSpandspEventsParse) {
    const auto events = capture_events(GetParam());
    ASSERT_FALSE(events.empty());
    int parsed = 0;
    for (const auto& e : events) {
        const bool spandsp = e.name() == "CUSTOM" && e.subclass().rfind("spandsp::", 0) == 0;
        EXPECT_EQ(fax::fax::parse_spandsp_event(e).has_value(), spandsp) << e.name() << " " << e.subclass();
        parsed += spandsp ? 1 : 0;
    }
    EXPECT_EQ(parsed, 10);  // 2 negotiations, 6 pages, 2 results
}

TEST(SpandspParseTest, PlainCaptureHasAllEventKinds) {
    // The plain capture has every channel event too; the json one only the fax ones.
    const auto events = capture_events("fax-events-plain-t30-sip");
    ASSERT_FALSE(find(events, k_t30_tx, "CHANNEL_ANSWER").empty());
    for (const auto* e : find(events, k_t30_tx, "CHANNEL_ANSWER")) {
        EXPECT_FALSE(fax::fax::parse_spandsp_event(*e));
        EXPECT_FALSE(fax::fax::fax_result_from_variables(*e, Role::send));  // before phase E
    }
    for (const auto* e : find(events, "", "BACKGROUND_JOB")) {
        EXPECT_FALSE(fax::fax::parse_spandsp_event(*e));
        EXPECT_FALSE(fax::fax::fax_result_from_variables(*e, Role::send));
    }
}

TEST(SpandspParseTest, ResultFromExecuteCompleteOfTxfax) {
    const auto events = capture_events("fax-events-plain-t30-sip");
    std::vector<const Event*> txfax;
    for (const auto* e : find(events, k_t30_tx, "CHANNEL_EXECUTE_COMPLETE")) {
        if (e->get("Application") == "txfax") {
            txfax.push_back(e);
        }
    }
    ASSERT_EQ(txfax.size(), 1U);
    const auto r = fax::fax::fax_result_from_variables(*txfax[0], Role::send);
    ASSERT_TRUE(r);
    expect_tx_result(*r);
    // The rx leg's apps before rxfax (answer, playback …) end before phase E:
    // no result; rxfax's own EXECUTE_COMPLETE has it.
    bool seen_rxfax = false;
    int before = 0;
    for (const auto* e : find(events, k_t30_rx, "CHANNEL_EXECUTE_COMPLETE")) {
        const auto res = fax::fax::fax_result_from_variables(*e, Role::receive);
        if (e->get("Application") == "rxfax") {
            seen_rxfax = true;
            ASSERT_TRUE(res);
            expect_rx_result(*res);
        } else if (!seen_rxfax) {
            ++before;
            EXPECT_FALSE(res) << e->get("Application");
        }
    }
    EXPECT_TRUE(seen_rxfax);
    EXPECT_GE(before, 2);
}

TEST(SpandspParseTest, T38NegotiatedCapture) {
    const auto events = capture_events("fax-events-plain-t38-sip");
    const auto n = find(events, k_t38_tx, "spandsp::txfaxnegociateresult");
    ASSERT_EQ(n.size(), 1U);
    const auto neg = as<Negotiation>(*n[0]);
    EXPECT_EQ(neg.t38_status, T38Status::negotiated);
    EXPECT_EQ(neg.local_station_id, "TX-SIP-T38");
    const auto rn = find(events, k_t38_rx, "spandsp::rxfaxnegociateresult");
    ASSERT_EQ(rn.size(), 1U);
    EXPECT_EQ(as<Negotiation>(*rn[0]).t38_status, T38Status::negotiated);
    const auto r = find(events, k_t38_tx, "spandsp::txfaxresult");
    ASSERT_EQ(r.size(), 1U);
    const auto res = as<FaxResult>(*r[0]);
    EXPECT_EQ(res.t38_status, T38Status::negotiated);
    EXPECT_EQ(res.image_size, 2776);
    EXPECT_EQ(res.pages_transferred, 3);
    const auto h = find(events, k_t38_tx, "CHANNEL_HANGUP_COMPLETE");
    ASSERT_EQ(h.size(), 1U);
    EXPECT_EQ(fax::fax::fax_result_from_variables(*h[0], Role::send)->t38_status, T38Status::negotiated);
}

// ---------------------------------------------------------------- synthetic

Event plain(const std::string& body) {
    Event ev;
    auto r = ev.parse_plain(body);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return ev;
}

Event custom(std::string_view subclass, const std::string& extra = {}) {
    std::string body = "Event-Name: CUSTOM\nEvent-Subclass: ";
    body.append(subclass);
    body.append("\nUnique-ID: u1\n");
    body.append(extra);
    return plain(body);
}

TEST(SpandspParseTest, OtherSubclassesAreNotFaxEvents) {
    for (const std::string_view sub :
         {"", "spandsp::", "spandsp::tx", "spandsp::txfax", "spandsp::txfaxresults", "spandsp::xxfaxresult",
          "spandsp::faxresult", "sofia::register", "other::txfaxresult", "spandsp:txfaxresult", "SPANDSP::txfaxresult",
          "spandsp::TXfaxresult", "spandsp::txfaxnegotiateresult"}) {
        EXPECT_FALSE(fax::fax::parse_spandsp_event(custom(sub))) << "'" << sub << "'";
    }
    for (const std::string_view sub : {"spandsp::txfaxresult", "spandsp::rxfaxresult", "spandsp::txfaxpageresult",
                                       "spandsp::rxfaxpageresult", "spandsp::txfaxnegociateresult",
                                       "spandsp::rxfaxnegociateresult"}) {
        EXPECT_TRUE(fax::fax::parse_spandsp_event(custom(sub))) << sub;
    }
}

TEST(SpandspParseTest, MissingFieldsReadAsZeroAndEmpty) {
    const auto fe = fax::fax::parse_spandsp_event(custom("spandsp::rxfaxresult"));
    ASSERT_TRUE(fe);
    const auto& r = std::get<FaxResult>(*fe);
    EXPECT_EQ(r.role, Role::receive);
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.result_code, 0);
    EXPECT_EQ(r.result_text, "");
    EXPECT_EQ(r.pages_transferred, 0);
    EXPECT_EQ(r.image_resolution, (Resolution{0, 0}));
    EXPECT_FALSE(r.ecm);
    EXPECT_EQ(r.t38_status, T38Status::off);
}

TEST(SpandspParseTest, FailedResultWithRemoteIdentity) {
    const auto fe = fax::fax::parse_spandsp_event(
        custom("spandsp::txfaxresult", "fax-success: 0\nfax-result-code: 49\n"
                                       "fax-result-text: The%20call%20dropped%20prematurely\n"
                                       "fax-document-transferred-pages: 1\nfax-document-total-pages: 3\n"
                                       "fax-ecm-used: off\nfax-t38-status: refused\n"
                                       "fax-remote-country: Germany\nfax-remote-vendor: ACME\n"
                                       "fax-remote-model: F-100\n"));
    ASSERT_TRUE(fe);
    const auto& r = std::get<FaxResult>(*fe);
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.result_code, 49);
    EXPECT_EQ(r.result_text, "The call dropped prematurely");
    EXPECT_EQ(r.pages_transferred, 1);
    EXPECT_EQ(r.total_pages, 3);
    EXPECT_FALSE(r.ecm);
    EXPECT_EQ(r.t38_status, T38Status::refused);
    EXPECT_EQ(r.remote_country, "Germany");
    EXPECT_EQ(r.remote_vendor, "ACME");
    EXPECT_EQ(r.remote_model, "F-100");
}

TEST(SpandspParseTest, SuccessIsOnlyOne) {
    for (const auto& [text, want] : std::vector<std::pair<std::string, bool>>{
             {"1", true}, {"0", false}, {"true", false}, {"", false}, {"2", false}}) {
        const auto fe = fax::fax::parse_spandsp_event(custom("spandsp::txfaxresult", fmt::format("fax-success: {}\n", text)));
        ASSERT_TRUE(fe);
        EXPECT_EQ(std::get<FaxResult>(*fe).success, want) << text;
    }
}

TEST(SpandspParseTest, EcmAndT38Spellings) {
    for (const auto& [text, want] : std::vector<std::pair<std::string, bool>>{
             {"on", true}, {"1", true}, {"true", true}, {"off", false}, {"0", false}, {"ON", false}, {"", false}}) {
        const auto fe =
            fax::fax::parse_spandsp_event(custom("spandsp::txfaxnegociateresult", fmt::format("fax-ecm-used: {}\n", text)));
        ASSERT_TRUE(fe);
        EXPECT_EQ(std::get<Negotiation>(*fe).ecm, want) << text;
    }
    for (const auto& [text, want] : std::vector<std::pair<std::string, T38Status>>{
             {"negotiated", T38Status::negotiated},
             {"requested", T38Status::requested},
             {"refused", T38Status::refused},
             {"off", T38Status::off},
             {"unknown", T38Status::off},
             {"", T38Status::off}}) {
        const auto fe =
            fax::fax::parse_spandsp_event(custom("spandsp::rxfaxnegociateresult", fmt::format("fax-t38-status: {}\n", text)));
        ASSERT_TRUE(fe);
        EXPECT_EQ(std::get<Negotiation>(*fe).t38_status, want) << text;
    }
}

TEST(SpandspParseTest, MalformedNumbersReadAsZero) {
    for (const std::string text : {"abc", "x1", "14400abc", "14400.5", "1e3", "99999999999"}) {
        const auto fe = fax::fax::parse_spandsp_event(
            custom("spandsp::txfaxpageresult", fmt::format("fax-document-transferred-pages: {0}\nfax-bad-rows: {0}\n"
                                                               "fax-image-resolution: {0}\n",
                                                               text)));
        ASSERT_TRUE(fe);
        const auto& p = std::get<PageResult>(*fe);
        EXPECT_EQ(p.pages_transferred, 0) << "'" << text << "'";
        EXPECT_EQ(p.bad_rows, 0) << "'" << text << "'";
        EXPECT_EQ(p.image_resolution, (Resolution{0, 0})) << "'" << text << "'";
    }
}

TEST(SpandspParseTest, ResultFromVariablesNeedsResultCode) {
    // fax_success alone (no result code) is not a result.
    EXPECT_FALSE(fax::fax::fax_result_from_variables(
        plain("Event-Name: CHANNEL_HANGUP_COMPLETE\nUnique-ID: u\nvariable_fax_success: 1\n"), Role::send));
    // A failed txfax seen only through the hangup's variables.
    const auto r = fax::fax::fax_result_from_variables(
        plain("Event-Name: CHANNEL_HANGUP_COMPLETE\nUnique-ID: u\nHangup-Cause: NORMAL_CLEARING\n"
              "variable_fax_success: 0\nvariable_fax_result_code: 48\n"
              "variable_fax_result_text: Disconnected%20after%20permitted%20retries\n"
              "variable_fax_document_transferred_pages: 2\nvariable_fax_document_total_pages: 5\n"
              "variable_fax_bad_rows: 7\nvariable_fax_transfer_rate: 9600\nvariable_fax_ecm_used: off\n"
              "variable_fax_t38_status: requested\nvariable_fax_image_resolution: 8040x3850\n"
              "variable_fax_remote_station_id: +49%2030%201234\n"
              "fax-result-code: 0\nfax-success: 1\n"),  // plain fax-* headers are not what is read here
        Role::send);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->success);
    EXPECT_EQ(r->result_code, 48);
    EXPECT_EQ(r->result_text, "Disconnected after permitted retries");
    EXPECT_EQ(r->pages_transferred, 2);
    EXPECT_EQ(r->total_pages, 5);
    EXPECT_EQ(r->bad_rows, 7);
    EXPECT_EQ(r->transfer_rate, 9600);
    EXPECT_FALSE(r->ecm);
    EXPECT_EQ(r->t38_status, T38Status::requested);
    EXPECT_EQ(r->image_resolution, (Resolution{8040, 3850}));
    EXPECT_EQ(r->remote_station_id, "+49 30 1234");
}

TEST(SpandspParseTest, ParseResolution) {
    EXPECT_EQ(fax::fax::parse_resolution("8040x7700"), (Resolution{8040, 7700}));
    EXPECT_EQ(fax::fax::parse_resolution("8031x7716"), (Resolution{8031, 7716}));
    EXPECT_EQ(fax::fax::parse_resolution("0x0"), (Resolution{0, 0}));
    EXPECT_EQ(fax::fax::parse_resolution("1x2"), (Resolution{1, 2}));
    for (const std::string_view bad : {"", "x", "8040", "8040x", "x7700", "8040X7700", "8040*7700", "8040x7700x1",
                                       "8040x7700 ", " 8040x7700", "abcx7700", "8040xabc", "8040 x 7700",
                                       "99999999999x1"}) {
        EXPECT_EQ(fax::fax::parse_resolution(bad), (Resolution{0, 0})) << "'" << bad << "'";
    }
}

TEST(SpandspParseTest, ParsePixelSize) {
    EXPECT_EQ(fax::fax::parse_pixel_size("1728x2156"), (PixelSize{1728, 2156}));
    EXPECT_EQ(fax::fax::parse_pixel_size("1728x1"), (PixelSize{1728, 1}));
    for (const std::string_view bad : {"", "1728", "1728x", "x2156", "1728x2156x", "1728,2156"}) {
        EXPECT_EQ(fax::fax::parse_pixel_size(bad), (PixelSize{0, 0})) << "'" << bad << "'";
    }
    // Round trip with the printer.
    const PixelSize p{1728, 2286};
    EXPECT_EQ(fax::fax::parse_pixel_size(p.text()), p);
    const Resolution r{8031, 7700};
    EXPECT_EQ(fax::fax::parse_resolution(r.text()), r);
}

}  // namespace
