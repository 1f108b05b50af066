#include "jsonl/reader.hpp"

#include <fmt/format.h>

namespace fax::jsonl {

Reader::Reader(RecordFn on_record, BadFn on_bad, std::size_t max_line)
    : m_on_record(std::move(on_record)), m_on_bad(std::move(on_bad)), m_max_line(max_line) {}

void Reader::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto nl = bytes.find('\n');
        const std::string_view piece = bytes.substr(0, nl);
        if (!m_overlong) {
            if (m_partial.size() + piece.size() > m_max_line) {
                m_overlong = true;
                m_partial.clear();
            } else {
                m_partial.append(piece);
            }
        }
        if (nl == std::string_view::npos) {
            return;
        }
        bytes.remove_prefix(nl + 1);
        ++m_line_no;
        if (m_overlong) {
            ++m_bad;
            m_on_bad(m_line_no, fmt::format("line longer than {} bytes", m_max_line));
            m_overlong = false;
        } else {
            line(m_partial);
        }
        m_partial.clear();
    }
}

void Reader::finish() {
    if (m_overlong) {
        ++m_line_no;
        ++m_bad;
        m_on_bad(m_line_no, fmt::format("line longer than {} bytes", m_max_line));
        m_overlong = false;
    } else if (!m_partial.empty()) {
        ++m_line_no;
        line(m_partial);
    }
    m_partial.clear();
}

void Reader::line(std::string_view text) {
    if (!text.empty() && text.back() == '\r') {
        text.remove_suffix(1);
    }
    if (text.find_first_not_of(" \t") == std::string_view::npos) {
        return;
    }
    auto value = nlohmann::ordered_json::parse(text, nullptr, false);
    if (value.is_discarded()) {
        ++m_bad;
        m_on_bad(m_line_no, "not valid JSON");
        return;
    }
    if (!value.is_object()) {
        ++m_bad;
        m_on_bad(m_line_no, "not a JSON object");
        return;
    }
    m_on_record(std::move(value), m_line_no);
}

}  // namespace fax::jsonl
