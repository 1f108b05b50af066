#pragma once
// Shared by the fax::fax tests: a temporary directory with a 3-page test
// document, configurations, and a recorder of the events in order.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "fax/exchange.hpp"
#include "support/temp_dir.hpp"
#include "tiff/bitmap.hpp"
#include "tiff/test_document.hpp"

namespace faxkit_test {

/// Everything an exchange reported, in order.
struct Recorded {
    std::vector<std::pair<fax::fax::Side, fax::fax::FaxEvent>> events;

    /// "caller:spandsp::txfaxnegociateresult", … in order.
    std::vector<std::string> sequence() const {
        std::vector<std::string> out;
        for (const auto& [side, e] : events) {
            out.push_back(std::string(fax::fax::side_name(side)) + ":" + fax::fax::event_subclass(e));
        }
        return out;
    }
    template <typename T>
    std::vector<T> of(fax::fax::Side side) const {
        std::vector<T> out;
        for (const auto& [s, e] : events) {
            if (s == side && std::holds_alternative<T>(e)) {
                out.push_back(std::get<T>(e));
            }
        }
        return out;
    }
    fax::fax::Exchange::EventHandler handler() {
        return [this](fax::fax::Side side, const fax::fax::FaxEvent& e) { events.emplace_back(side, e); };
    }
};

/// The event sequence of a successful n-page fax from the caller (tx) to the
/// answerer (rx), as spandsp-events.md shows it for FreeSWITCH.
inline std::vector<std::string> expected_sequence(int pages) {
    std::vector<std::string> s = {"caller:spandsp::txfaxnegociateresult", "answerer:spandsp::rxfaxnegociateresult"};
    for (int i = 0; i < pages; ++i) {
        s.emplace_back("answerer:spandsp::rxfaxpageresult");
        s.emplace_back("caller:spandsp::txfaxpageresult");
    }
    s.emplace_back("answerer:spandsp::rxfaxresult");
    s.emplace_back("caller:spandsp::txfaxresult");
    return s;
}

class FaxFixture : public TempDirTest {
protected:
    FaxFixture() : TempDirTest("fax") {}
    void SetUp() override {
        TempDirTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        m_doc = path("doc.tif");
        ASSERT_TRUE(fax::tiff::write_test_document(m_doc, m_doc_options).ok());
        m_sent = fax::tiff::render_test_pages(m_doc_options);
    }
    /// Caller sends doc.tif as "TX-IDENT", answerer receives rx.tif as "RX-IDENT".
    fax::fax::ExchangeConfig config(fax::fax::Transport t = fax::fax::Transport::audio) const {
        fax::fax::ExchangeConfig c;
        c.transport = t;
        c.caller.role = fax::fax::Role::send;
        c.caller.tiff_path = m_doc;
        c.caller.ident = "TX-IDENT";
        c.answerer.role = fax::fax::Role::receive;
        c.answerer.tiff_path = path("rx.tif");
        c.answerer.ident = "RX-IDENT";
        return c;
    }

    /// Runs \a c to the end; fails the test if create() fails.
    Recorded run(const fax::fax::ExchangeConfig& c) {
        Recorded r;
        auto ex = fax::fax::Exchange::create(c, r.handler());
        EXPECT_TRUE(ex.ok()) << (ex.ok() ? "" : ex.error().message);
        if (ex.ok()) {
            ex->run_to_end();
            EXPECT_FALSE(ex->running());
        }
        return r;
    }

    /// The pages received into rx.tif (empty if unreadable).
    std::vector<fax::tiff::PageBitmap> received(const std::string& name = "rx.tif") const {
        auto pages = fax::tiff::read_pages(path(name));
        return pages.ok() ? std::move(pages).value() : std::vector<fax::tiff::PageBitmap>{};
    }

    std::string m_doc;
    fax::tiff::TestDocumentOptions m_doc_options;  // 3 pages, fine, T.4 2-D
    std::vector<fax::tiff::PageBitmap> m_sent;
};

}  // namespace faxkit_test
