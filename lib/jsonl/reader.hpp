#pragma once
/// JSON-lines input: splits a byte stream into lines and parses each as one
/// JSON object. A bad line is reported (with its 1-based number) and skipped;
/// reading always goes on.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fax::jsonl {

/// Incremental JSON-lines reader. Not thread-safe.
/// Rules: '\n' ends a line, a '\r' before it is dropped, blank lines are
/// ignored, a last line without '\n' counts (on finish()); a line must be a
/// JSON object and at most max_line bytes long.
class Reader {
public:
    using RecordFn = std::function<void(nlohmann::ordered_json&& record, std::size_t line_no)>;
    using BadFn = std::function<void(std::size_t line_no, std::string_view why)>;

    Reader(RecordFn on_record, BadFn on_bad, std::size_t max_line = std::size_t{1} << 20);

    /// Consumes \a bytes, calling on_record/on_bad for every complete line.
    void feed(std::string_view bytes);
    /// Ends the input: a pending unterminated line is processed.
    void finish();
    /// Number of bad lines seen so far.
    std::size_t bad_lines() const noexcept { return m_bad; }

private:
    void line(std::string_view text);
    RecordFn m_on_record;
    BadFn m_on_bad;
    std::size_t m_max_line;
    std::string m_partial;
    std::size_t m_line_no = 0;
    std::size_t m_bad = 0;
    bool m_overlong = false;
};

}  // namespace fax::jsonl
