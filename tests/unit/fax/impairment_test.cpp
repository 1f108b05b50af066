// fax::fax::Exchange under faults: hangups (code 49) and line noise (bad rows).

#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fax/exchange.hpp"
#include "fax_fixture.hpp"
#include "tiff/bitmap.hpp"

namespace {

using fax::fax::Exchange;
using fax::fax::FaxEvent;
using fax::fax::FaxResult;
using fax::fax::PageResult;
using fax::fax::Side;
using fax::fax::Transport;
using fax::tiff::PageBitmap;
using faxkit_test::FaxFixture;
using faxkit_test::Recorded;

constexpr int k_call_dropped = 49;

class FaxHangupTest : public FaxFixture, public ::testing::WithParamInterface<Transport> {
protected:
    /// Both sides ended with 49 "The call dropped prematurely" after \a pages pages.
    void expect_dropped(const Recorded& rec, int pages) {
        for (auto side : {Side::caller, Side::answerer}) {
            SCOPED_TRACE(std::string(fax::fax::side_name(side)));
            const auto end = rec.of<FaxResult>(side);
            ASSERT_EQ(end.size(), 1U);
            EXPECT_FALSE(end[0].success);
            EXPECT_EQ(end[0].result_code, k_call_dropped);
            EXPECT_EQ(end[0].result_text, "The call dropped prematurely");
            EXPECT_EQ(end[0].pages_transferred, pages);
        }
        // The receiver's TIFF holds exactly the pages it confirmed, intact.
        const auto got = received();
        ASSERT_EQ(got.size(), static_cast<std::size_t>(pages));
        EXPECT_FALSE(fax::tiff::first_difference(std::span<const PageBitmap>(m_sent).first(got.size()),
                                                 std::span<const PageBitmap>(got)));
        EXPECT_EQ(rec.of<FaxResult>(Side::answerer)[0].total_pages, pages);  // pages in the rx file
        EXPECT_EQ(rec.of<FaxResult>(Side::caller)[0].total_pages, 3);
    }
};

TEST_P(FaxHangupTest, AfterOnePageBetweenPages) {
    auto c = config(GetParam());
    c.impairments.hangup_after_pages = 1;
    const auto rec = run(c);
    // Page 1 reported on both sides, then the results: tx first (it is
    // terminated first, as the caller's channel goes first).
    EXPECT_EQ(rec.sequence(), (std::vector<std::string>{
                                  "caller:spandsp::txfaxnegociateresult", "answerer:spandsp::rxfaxnegociateresult",
                                  "answerer:spandsp::rxfaxpageresult", "caller:spandsp::txfaxpageresult",
                                  "caller:spandsp::txfaxresult", "answerer:spandsp::rxfaxresult"}));
    expect_dropped(rec, 1);
}

TEST_P(FaxHangupTest, DuringTheSecondPage) {
    auto c = config(GetParam());
    c.impairments.hangup_after_pages = 1;
    c.impairments.hangup_delay_ms = 3000;  // page 2 is on the line
    const auto rec = run(c);
    expect_dropped(rec, 1);
}

TEST_P(FaxHangupTest, ExplicitHangupFromTheEventHandler) {
    Recorded rec;
    Exchange* self = nullptr;
    auto ex = Exchange::create(config(GetParam()), [&](Side side, const FaxEvent& e) {
        rec.events.emplace_back(side, e);
        const auto* p = std::get_if<PageResult>(&e);
        if (p != nullptr && side == Side::answerer && p->pages_transferred == 2) {
            self->hangup();  // deferred to the end of the current block
        }
    });
    ASSERT_TRUE(ex.ok());
    self = &ex.value();
    ex->run_to_end();
    // The receiver had page 2 when the line dropped; the sender had not yet had it confirmed.
    ASSERT_EQ(rec.of<FaxResult>(Side::answerer).size(), 1U);
    EXPECT_EQ(rec.of<FaxResult>(Side::answerer)[0].result_code, k_call_dropped);
    EXPECT_EQ(rec.of<FaxResult>(Side::answerer)[0].pages_transferred, 2);
    ASSERT_EQ(rec.of<FaxResult>(Side::caller).size(), 1U);
    EXPECT_EQ(rec.of<FaxResult>(Side::caller)[0].result_code, k_call_dropped);
    EXPECT_EQ(rec.of<FaxResult>(Side::caller)[0].pages_transferred, 1);
    EXPECT_EQ(received().size(), 2U);
}

TEST_P(FaxHangupTest, HangupBeforeAnythingHappens) {
    auto ex = Exchange::create(config(GetParam()));
    ASSERT_TRUE(ex.ok());
    ex->step(8000);
    ex->hangup();
    EXPECT_FALSE(ex->running());
    ASSERT_TRUE(ex->result(Side::caller));
    ASSERT_TRUE(ex->result(Side::answerer));
    EXPECT_EQ(ex->result(Side::caller)->result_code, k_call_dropped);
    EXPECT_EQ(ex->result(Side::answerer)->result_code, k_call_dropped);
    EXPECT_EQ(ex->result(Side::answerer)->pages_transferred, 0);
    ex->hangup();  // idempotent
    EXPECT_FALSE(ex->step());
}

TEST_P(FaxHangupTest, OneSideHangsUpTheOtherTimesOut) {
    Recorded rec;
    auto ex = Exchange::create(config(GetParam()), rec.handler());
    ASSERT_TRUE(ex.ok());
    while (ex->running() && rec.of<PageResult>(Side::caller).empty()) {
        ex->step();
    }
    ex->hangup(Side::answerer);  // the receiving machine goes on-hook after page 1
    ASSERT_TRUE(ex->finished(Side::answerer));
    EXPECT_EQ(ex->result(Side::answerer)->result_code, k_call_dropped);
    EXPECT_FALSE(ex->finished(Side::caller));
    const auto dropped_at = ex->elapsed_samples();
    ex->run_to_end();
    // The sender hears nothing after its next command and gives up on its own
    // T.30 timers: code 21 "No response after sending a page" (3 tries of T4).
    ASSERT_TRUE(ex->result(Side::caller));
    EXPECT_EQ(ex->result(Side::caller)->result_code, 21);
    EXPECT_GT(ex->elapsed_samples() - dropped_at, 8000 * 3);
}

TEST_P(FaxHangupTest, AfterAbsoluteTime) {
    auto c = config(GetParam());
    c.impairments.hangup_after_ms = 5000;  // still in phase B
    auto ex = Exchange::create(c);
    ASSERT_TRUE(ex.ok());
    ex->run_to_end();
    EXPECT_EQ(ex->elapsed_samples(), 5000 * 8);
    ASSERT_TRUE(ex->result(Side::caller));
    ASSERT_TRUE(ex->result(Side::answerer));
    EXPECT_EQ(ex->result(Side::caller)->result_code, k_call_dropped);
    EXPECT_EQ(ex->result(Side::answerer)->result_code, k_call_dropped);
}

INSTANTIATE_TEST_SUITE_P(Fax, FaxHangupTest, ::testing::Values(Transport::audio, Transport::t38),
                         [](const auto& p) { return std::string(fax::fax::transport_name(p.param)); });

// --- Noise ---------------------------------------------------------------------

class FaxNoiseTest : public FaxFixture {
protected:
    /// V.29 (spandsp 0.0.6's V.17 receiver fails at random under any noise, see
    /// exchange.hpp), noise on the image data at \a dbm0.
    fax::fax::ExchangeConfig noisy(double dbm0, bool ecm) const {
        auto c = config();
        c.caller.v17 = false;
        c.caller.ecm = ecm;
        c.answerer.ecm = ecm;
        c.impairments.noise_dbm0 = dbm0;
        return c;
    }
    static int bad_rows(const Recorded& rec, Side side) {
        const auto pages = rec.of<PageResult>(side);
        return std::accumulate(pages.begin(), pages.end(), 0,
                               [](int n, const PageResult& p) { return n + p.bad_rows; });
    }
};

TEST_F(FaxNoiseTest, NoisyLineWithoutEcmGivesBadRowsButCompletes) {
    // -32 dBm0: about 18 dB below the V.29 signal. Measured over noise seeds
    // 1..6: every fax completes at 9600 with 23..68 bad rows per page.
    const auto rec = run(noisy(-32, false));
    for (auto side : {Side::caller, Side::answerer}) {
        const auto end = rec.of<FaxResult>(side);
        ASSERT_EQ(end.size(), 1U);
        EXPECT_TRUE(end[0].success) << end[0].result_text;
        EXPECT_EQ(end[0].pages_transferred, 3);
    }
    EXPECT_GT(bad_rows(rec, Side::answerer), 0);
    EXPECT_EQ(bad_rows(rec, Side::caller), 0);  // the sender never sees bad rows
    const auto rx_pages = rec.of<PageResult>(Side::answerer);
    ASSERT_EQ(rx_pages.size(), 3U);
    for (const auto& p : rx_pages) {
        EXPECT_GT(p.bad_rows, 0);
        EXPECT_GT(p.longest_bad_row_run, 0);
    }
    EXPECT_GT(rec.of<FaxResult>(Side::answerer)[0].bad_rows, 0);
    // The received image is damaged, but all 3 pages are there.
    const auto got = received();
    ASSERT_EQ(got.size(), 3U);
    EXPECT_TRUE(fax::tiff::first_difference(std::span<const PageBitmap>(m_sent), std::span<const PageBitmap>(got)));
}

TEST_F(FaxNoiseTest, EcmCorrectsTheSameNoise) {
    const auto rec = run(noisy(-32, true));
    const auto end = rec.of<FaxResult>(Side::answerer);
    ASSERT_EQ(end.size(), 1U);
    EXPECT_TRUE(end[0].success);
    EXPECT_EQ(bad_rows(rec, Side::answerer), 0);
    const auto got = received();
    EXPECT_FALSE(fax::tiff::first_difference(std::span<const PageBitmap>(m_sent), std::span<const PageBitmap>(got)));
}

TEST_F(FaxNoiseTest, VeryNoisyLineFails) {
    // -20 dBm0: the receiver loses the image carrier; no page arrives.
    const auto rec = run(noisy(-20, false));
    const auto rx = rec.of<FaxResult>(Side::answerer);
    const auto tx = rec.of<FaxResult>(Side::caller);
    ASSERT_EQ(rx.size(), 1U);
    ASSERT_EQ(tx.size(), 1U);
    EXPECT_FALSE(rx[0].success);
    EXPECT_FALSE(tx[0].success);
    EXPECT_EQ(rx[0].result_code, 26);  // "Carrier lost during fax receive"
    EXPECT_EQ(tx[0].result_code, 38);  // "Unexpected DCN after EOM or MPS sequence"
    EXPECT_EQ(rx[0].pages_transferred, 0);
    EXPECT_TRUE(rec.of<PageResult>(Side::answerer).empty());
}

TEST_F(FaxNoiseTest, NoiseIsDeterministicPerSeed) {
    auto c = noisy(-32, false);
    const auto a = run(c);
    const auto b = run(c);
    EXPECT_EQ(bad_rows(a, Side::answerer), bad_rows(b, Side::answerer));
    c.impairments.noise_seed = 2;
    const auto other = run(c);
    EXPECT_NE(bad_rows(a, Side::answerer), bad_rows(other, Side::answerer));
}

}  // namespace
