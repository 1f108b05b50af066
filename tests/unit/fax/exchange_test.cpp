// fax::fax::Exchange: real faxes between two spandsp terminals, over G.711
// audio and over T.38; the events and their values.

#include <algorithm>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "fax/exchange.hpp"
#include "fax_fixture.hpp"
#include "support/printers.hpp"
#include "tiff/bitmap.hpp"

namespace {

using fax::core::Errc;
using fax::fax::Exchange;
using fax::fax::FaxResult;
using fax::fax::Negotiation;
using fax::fax::PageResult;
using fax::fax::Role;
using fax::fax::Side;
using fax::fax::T38Status;
using fax::fax::Transport;
using fax::tiff::PageBitmap;
using faxkit_test::expected_sequence;
using faxkit_test::FaxFixture;
using faxkit_test::Recorded;

std::string bitmap_difference(std::span<const PageBitmap> a, std::span<const PageBitmap> b) {
    auto d = fax::tiff::first_difference(a, b);
    return d ? fax::tiff::describe(*d) : std::string("identical");
}

// --- A 3-page fax over each transport, with and without ECM ------------------

class FaxTransferTest : public FaxFixture, public ::testing::WithParamInterface<std::tuple<Transport, bool>> {};

TEST_P(FaxTransferTest, ThreePagesArriveIdenticalWithEventsInOrder) {
    const auto [transport, ecm] = GetParam();
    auto c = config(transport);
    c.caller.ecm = ecm;
    c.answerer.ecm = ecm;
    const auto rec = run(c);

    // The order FreeSWITCH shows: negotiation tx then rx, each page rx then tx, results rx then tx.
    EXPECT_EQ(rec.sequence(), expected_sequence(3));

    // The image: 3 pages, pixel for pixel what was sent.
    const auto got = received();
    ASSERT_EQ(got.size(), 3U);
    EXPECT_EQ(bitmap_difference(m_sent, got), "identical");
    EXPECT_TRUE(fax::tiff::same_resolution(m_sent[0], got[0]));

    const T38Status t38 = transport == Transport::t38 ? T38Status::negotiated : T38Status::off;
    // Phase B on both sides; station ids swapped.
    const auto tx_neg = rec.of<Negotiation>(Side::caller);
    const auto rx_neg = rec.of<Negotiation>(Side::answerer);
    ASSERT_EQ(tx_neg.size(), 1U);
    ASSERT_EQ(rx_neg.size(), 1U);
    for (const auto& n : {tx_neg[0], rx_neg[0]}) {
        EXPECT_EQ(n.transfer_rate, 14400);
        EXPECT_EQ(n.ecm, ecm);
        EXPECT_EQ(n.t38_status, t38);
    }
    EXPECT_EQ(tx_neg[0].role, Role::send);
    EXPECT_EQ(rx_neg[0].role, Role::receive);
    EXPECT_EQ(tx_neg[0].local_station_id, "TX-IDENT");
    EXPECT_EQ(tx_neg[0].remote_station_id, "RX-IDENT");
    EXPECT_EQ(rx_neg[0].local_station_id, "RX-IDENT");
    EXPECT_EQ(rx_neg[0].remote_station_id, "TX-IDENT");
    EXPECT_EQ(tx_neg[0].total_pages, 0);  // as in the FreeSWITCH capture: not known yet at phase B

    // Phase D: pages 1..3 on both sides, with the page geometry.
    const auto tx_pages = rec.of<PageResult>(Side::caller);
    const auto rx_pages = rec.of<PageResult>(Side::answerer);
    ASSERT_EQ(tx_pages.size(), 3U);
    ASSERT_EQ(rx_pages.size(), 3U);
    const std::string encoding = ecm ? "T.6" : "T.4 2-D";  // spandsp 0.0.6 picks T.6 when ECM allows it
    for (int i = 0; i < 3; ++i) {
        const auto& tx = tx_pages[static_cast<std::size_t>(i)];
        const auto& rx = rx_pages[static_cast<std::size_t>(i)];
        EXPECT_EQ(tx.pages_transferred, i + 1);
        EXPECT_EQ(rx.pages_transferred, i + 1);
        EXPECT_EQ(tx.total_pages, 3);
        EXPECT_EQ(rx.total_pages, 0);
        for (const auto& p : {tx, rx}) {
            EXPECT_EQ(p.image_resolution.text(), "8031x7700");
            EXPECT_EQ(p.image_pixel_size.text(), "1728x2286");
            EXPECT_EQ(p.file_image_pixel_size.text(), "1728x2286");
            EXPECT_EQ(p.bad_rows, 0);
            EXPECT_EQ(p.longest_bad_row_run, 0);
            EXPECT_EQ(p.encoding_name, encoding);
            EXPECT_GT(p.image_size, 10000);
        }
        EXPECT_EQ(tx.file_image_resolution.text(), "8031x7716");  // 204 x 196 dpi in the TIFF, truncated
        EXPECT_EQ(rx.file_image_resolution.text(), "8031x7700");
        EXPECT_NEAR(tx.image_size, rx.image_size, 2);
    }

    // Phase E on both sides.
    const auto tx_end = rec.of<FaxResult>(Side::caller);
    const auto rx_end = rec.of<FaxResult>(Side::answerer);
    ASSERT_EQ(tx_end.size(), 1U);
    ASSERT_EQ(rx_end.size(), 1U);
    for (const auto& r : {tx_end[0], rx_end[0]}) {
        EXPECT_TRUE(r.success);
        EXPECT_EQ(r.result_code, 0);
        EXPECT_EQ(r.result_text, "OK");
        EXPECT_EQ(r.pages_transferred, 3);
        EXPECT_EQ(r.total_pages, 3);
        EXPECT_EQ(r.image_resolution.text(), "8031x7700");
        EXPECT_EQ(r.transfer_rate, 14400);
        EXPECT_EQ(r.ecm, ecm);
        EXPECT_EQ(r.t38_status, t38);
        EXPECT_EQ(r.bad_rows, 0);
    }
    EXPECT_EQ(tx_end[0].local_station_id, "TX-IDENT");
    EXPECT_EQ(tx_end[0].remote_station_id, "RX-IDENT");
    EXPECT_EQ(rx_end[0].local_station_id, "RX-IDENT");
    EXPECT_EQ(rx_end[0].remote_station_id, "TX-IDENT");
    EXPECT_EQ(tx_end[0].image_size, tx_pages.back().image_size);
    // As in the capture, an ECM receiver reports image size 0 at the end.
    if (ecm) {
        EXPECT_EQ(rx_end[0].image_size, 0);
    }
}

INSTANTIATE_TEST_SUITE_P(Fax, FaxTransferTest,
                         ::testing::Combine(::testing::Values(Transport::audio, Transport::t38), ::testing::Bool()),
                         [](const auto& p) {
                             return std::string(fax::fax::transport_name(std::get<0>(p.param))) +
                                    (std::get<1>(p.param) ? "_ecm" : "_no_ecm");
                         });

// --- Modems -----------------------------------------------------------------

class FaxExchangeTest : public FaxFixture {};

TEST_F(FaxExchangeTest, V17DisabledCapsAt9600) {
    for (auto transport : {Transport::audio, Transport::t38}) {
        SCOPED_TRACE(std::string(fax::fax::transport_name(transport)));
        auto c = config(transport);
        c.caller.v17 = false;  // fax_disable_v17 on the sender is enough
        const auto rec = run(c);
        const auto end = rec.of<FaxResult>(Side::answerer);
        ASSERT_EQ(end.size(), 1U);
        EXPECT_TRUE(end[0].success);
        EXPECT_EQ(end[0].transfer_rate, 9600);
        for (const auto& n : rec.of<Negotiation>(Side::caller)) {
            EXPECT_LE(n.transfer_rate, 9600);
        }
        EXPECT_EQ(bitmap_difference(m_sent, received()), "identical");
    }
}

TEST_F(FaxExchangeTest, MaxBitRateSelectsTheModem) {
    auto c = config();
    c.answerer.max_bit_rate = 4800;  // the receiver offers V.27ter only
    const auto rec = run(c);
    const auto end = rec.of<FaxResult>(Side::caller);
    ASSERT_EQ(end.size(), 1U);
    EXPECT_TRUE(end[0].success);
    EXPECT_EQ(end[0].transfer_rate, 4800);
    EXPECT_EQ(bitmap_difference(m_sent, received()), "identical");
}

// --- T.38 -------------------------------------------------------------------

TEST_F(FaxExchangeTest, T38WithoutPeerSupportFallsBackToAudio) {
    auto c = config(Transport::t38);
    c.answerer.t38 = false;
    Recorded rec;
    auto ex = Exchange::create(c, rec.handler());
    ASSERT_TRUE(ex.ok());
    EXPECT_EQ(ex->transport(), Transport::audio);
    EXPECT_EQ(ex->t38_status(Side::caller), T38Status::refused);
    EXPECT_EQ(ex->t38_status(Side::answerer), T38Status::off);
    ex->run_to_end();
    ASSERT_TRUE(ex->result(Side::caller));
    EXPECT_TRUE(ex->result(Side::caller)->success);
    ASSERT_TRUE(ex->result(Side::answerer));
    EXPECT_EQ(ex->result(Side::caller)->t38_status, T38Status::refused);
    EXPECT_EQ(ex->result(Side::answerer)->t38_status, T38Status::off);
    EXPECT_EQ(rec.sequence(), expected_sequence(3));
}

// --- Documents ----------------------------------------------------------------

TEST_F(FaxExchangeTest, PageRangeSendsTheSelectedPages) {
    auto c = config();
    c.caller.start_page = 1;  // 0-based TIFF directories, as fax_start_page
    c.caller.end_page = 1;
    const auto rec = run(c);
    const auto end = rec.of<FaxResult>(Side::caller);
    ASSERT_EQ(end.size(), 1U);
    EXPECT_TRUE(end[0].success);
    EXPECT_EQ(end[0].pages_transferred, 1);
    const auto got = received();
    ASSERT_EQ(got.size(), 1U);
    EXPECT_FALSE(fax::tiff::first_difference(m_sent[1], got[0]));
}

TEST_F(FaxExchangeTest, StandardResolutionDocument) {
    fax::tiff::TestDocumentOptions o;
    o.pages = 2;
    o.resolution = fax::tiff::FaxResolution::standard;
    o.compression = fax::tiff::Compression::t4_1d;
    ASSERT_TRUE(fax::tiff::write_test_document(path("std.tif"), o).ok());
    auto c = config();
    c.caller.tiff_path = path("std.tif");
    const auto rec = run(c);
    const auto pages = rec.of<PageResult>(Side::answerer);
    ASSERT_EQ(pages.size(), 2U);
    EXPECT_EQ(pages[0].image_resolution.text(), "8031x3850");
    EXPECT_EQ(pages[0].image_pixel_size.text(), "1728x1143");
    EXPECT_EQ(rec.of<PageResult>(Side::caller)[0].file_image_resolution.text(), "8031x3858");
    EXPECT_EQ(bitmap_difference(fax::tiff::render_test_pages(o), received()), "identical");
}

TEST_F(FaxExchangeTest, PageHeaderAddsRowsAboveTheImage) {
    // spandsp 0.0.6 prints the header line in 32 extra rows (fine) on top of
    // each page; the image below is unchanged.
    auto c = config();
    c.caller.header = "ACME Fax Header";
    const auto rec = run(c);
    const auto got = received();
    ASSERT_EQ(got.size(), 3U);
    for (std::size_t i = 0; i < 3; ++i) {
        ASSERT_EQ(got[i].height, m_sent[i].height + 32);
        EXPECT_GT(got[i].black_count(), m_sent[i].black_count());
        for (std::uint32_t y = 0; y < m_sent[i].height; ++y) {
            auto a = m_sent[i].row(y);
            auto b = got[i].row(y + 32);
            ASSERT_TRUE(std::equal(a.begin(), a.end(), b.begin())) << "page " << i + 1 << " row " << y;
        }
    }
    EXPECT_EQ(rec.of<PageResult>(Side::answerer)[0].image_pixel_size.text(), "1728x2318");
}

TEST_F(FaxExchangeTest, MissingDocumentEndsWithTiffError) {
    auto c = config();
    c.caller.tiff_path = path("missing.tif");
    const auto rec = run(c);
    const auto end = rec.of<FaxResult>(Side::caller);
    ASSERT_EQ(end.size(), 1U);
    EXPECT_FALSE(end[0].success);
    EXPECT_EQ(end[0].result_code, 41);
    EXPECT_EQ(end[0].result_text, "TIFF/F file cannot be opened");
    ASSERT_EQ(rec.of<FaxResult>(Side::answerer).size(), 1U);
    EXPECT_FALSE(rec.of<FaxResult>(Side::answerer)[0].success);
}

// --- The step API -------------------------------------------------------------

TEST_F(FaxExchangeTest, StepAdvancesWholeBlocks) {
    auto ex = Exchange::create(config());
    ASSERT_TRUE(ex.ok());
    EXPECT_TRUE(ex->running());
    EXPECT_EQ(ex->elapsed_samples(), 0);
    EXPECT_TRUE(ex->step(1));
    EXPECT_EQ(ex->elapsed_samples(), 160);
    EXPECT_TRUE(ex->step(161));
    EXPECT_EQ(ex->elapsed_samples(), 480);
    EXPECT_TRUE(ex->step(0));
    EXPECT_EQ(ex->elapsed_samples(), 640);
    int steps = 0;
    while (ex->step()) {
        ++steps;
    }
    EXPECT_GT(steps, 1000);  // a 3-page fax takes about a minute: thousands of 20 ms blocks
    EXPECT_TRUE(ex->finished(Side::caller));
    EXPECT_TRUE(ex->finished(Side::answerer));
    const auto end = ex->elapsed_samples();
    EXPECT_FALSE(ex->step(8000));  // finished: time stands still
    EXPECT_EQ(ex->elapsed_samples(), end);
    ASSERT_TRUE(ex->result(Side::answerer));
    EXPECT_TRUE(ex->result(Side::answerer)->success);
}

TEST_F(FaxExchangeTest, ExchangesRunInterleavedIndependently) {
    // No global state: several calls stepped in turn, as on one event loop.
    constexpr int k_calls = 6;
    std::vector<Exchange> calls;
    std::vector<faxkit_test::Recorded> recs(k_calls);
    for (int i = 0; i < k_calls; ++i) {
        auto c = config(i % 2 == 0 ? Transport::audio : Transport::t38);
        c.answerer.tiff_path = path("rx" + std::to_string(i) + ".tif");
        c.caller.ecm = i % 3 != 0;
        auto ex = Exchange::create(c, recs[static_cast<std::size_t>(i)].handler());
        ASSERT_TRUE(ex.ok());
        calls.push_back(std::move(ex).value());
    }
    for (bool any = true; any;) {
        any = false;
        for (auto& ex : calls) {
            any = ex.step() || any;
        }
    }
    for (int i = 0; i < k_calls; ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(recs[static_cast<std::size_t>(i)].sequence(), expected_sequence(3));
        EXPECT_EQ(bitmap_difference(m_sent, received("rx" + std::to_string(i) + ".tif")), "identical");
    }
}

TEST_F(FaxExchangeTest, ThrowingHandlerDoesNotDisturbTheFax) {
    int calls = 0;
    auto ex = Exchange::create(config(Transport::t38), [&](Side, const fax::fax::FaxEvent&) {
        ++calls;
        throw std::runtime_error("handler bug");
    });
    ASSERT_TRUE(ex.ok());
    ex->run_to_end();
    EXPECT_EQ(calls, 10);
    ASSERT_TRUE(ex->result(Side::answerer));
    EXPECT_TRUE(ex->result(Side::answerer)->success);
    EXPECT_EQ(bitmap_difference(m_sent, received()), "identical");
}

TEST_F(FaxExchangeTest, RejectsBadConfiguration) {
    auto c = config();
    c.answerer.tiff_path.clear();
    auto ex = Exchange::create(c);
    ASSERT_FALSE(ex.ok());
    EXPECT_EQ(ex.error().code, Errc::usage);

    c = config();
    c.caller.ident = std::string(21, 'x');
    ex = Exchange::create(c);
    ASSERT_FALSE(ex.ok());
    EXPECT_EQ(ex.error().code, Errc::usage);

    c = config();
    c.caller.max_bit_rate = 1200;
    EXPECT_FALSE(Exchange::create(c).ok());
}

TEST(FaxEventsTest, NamesAsModSpandsp) {
    Negotiation n;
    EXPECT_EQ(fax::fax::event_subclass(n), "spandsp::txfaxnegociateresult");
    n.role = Role::receive;
    EXPECT_EQ(fax::fax::event_subclass(n), "spandsp::rxfaxnegociateresult");
    PageResult p;
    p.role = Role::receive;
    EXPECT_EQ(fax::fax::event_subclass(p), "spandsp::rxfaxpageresult");
    EXPECT_EQ(fax::fax::event_subclass(FaxResult()), "spandsp::txfaxresult");
    EXPECT_EQ(fax::fax::t38_status_name(T38Status::negotiated), "negotiated");
    EXPECT_EQ(fax::fax::t38_status_name(T38Status::off), "off");
    EXPECT_EQ((fax::fax::Resolution{8031, 7700}.text()), "8031x7700");
    EXPECT_EQ((fax::fax::PixelSize{1728, 2286}.text()), "1728x2286");
}

}  // namespace
