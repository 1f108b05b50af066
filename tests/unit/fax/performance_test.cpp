// fax::fax::Exchange cost: wall time of a 3-page fax in fast mode and heap per
// call. Printed for the record, not asserted (machines differ).

#include <chrono>
#include <cstdio>
#include <malloc.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fax/exchange.hpp"
#include "fax_fixture.hpp"

namespace {

using fax::fax::Exchange;
using fax::fax::Side;
using fax::fax::Transport;
using faxkit_test::FaxFixture;

std::size_t heap_in_use() {
    const struct mallinfo2 m = ::mallinfo2();
    return m.uordblks + m.hblkhd;
}

class FaxPerformanceTest : public FaxFixture, public ::testing::WithParamInterface<Transport> {};

TEST_P(FaxPerformanceTest, ThreePageFaxInFastMode) {
    const auto c = config(GetParam());
    constexpr int k_runs = 5;
    double best = 1e9;
    std::int64_t simulated = 0;
    for (int i = 0; i < k_runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        auto ex = Exchange::create(c);
        ASSERT_TRUE(ex.ok());
        ex->run_to_end();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::min(best, s);
        simulated = ex->elapsed_samples();
        ASSERT_TRUE(ex->result(Side::answerer) && ex->result(Side::answerer)->success);
    }
    std::printf("[ info ] 3-page fine fax over %s (ECM, 14400): %.1f s simulated, %.1f ms wall (best of %d), "
                "%.0fx real time\n",
                std::string(fax::fax::transport_name(GetParam())).c_str(), static_cast<double>(simulated) / 8000.0,
                best * 1000.0, k_runs, static_cast<double>(simulated) / 8000.0 / best);
}

TEST_P(FaxPerformanceTest, HeapPerCall) {
    constexpr int k_calls = 16;
    const std::size_t before = heap_in_use();
    std::vector<Exchange> calls;
    for (int i = 0; i < k_calls; ++i) {
        auto c = config(GetParam());
        c.answerer.tiff_path = path("rx" + std::to_string(i) + ".tif");
        auto ex = Exchange::create(c);
        ASSERT_TRUE(ex.ok());
        calls.push_back(std::move(ex).value());
    }
    const std::size_t created = heap_in_use();
    for (auto& ex : calls) {
        ex.step(8000 * 12);  // into page 1: both TIFFs open, image buffers in use
    }
    const std::size_t mid = heap_in_use();
    std::printf("[ info ] heap per %s call: %zu KiB after create, %zu KiB in page 1 (%d calls)\n",
                std::string(fax::fax::transport_name(GetParam())).c_str(), (created - before) / k_calls / 1024,
                (mid - before) / k_calls / 1024, k_calls);
    for (auto& ex : calls) {
        EXPECT_TRUE(ex.running());
    }
}

INSTANTIATE_TEST_SUITE_P(Fax, FaxPerformanceTest, ::testing::Values(Transport::audio, Transport::t38),
                         [](const auto& p) { return std::string(fax::fax::transport_name(p.param)); });

}  // namespace
