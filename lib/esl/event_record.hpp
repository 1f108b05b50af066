#pragma once
/// Formats a decoded Event as one `esl.event` JSON-lines record
/// (faxkit-events(7)). Hot path: no allocation per header once warmed up.

#include <cstdint>
#include <string>
#include <vector>

#include "esl/event.hpp"

namespace fax::esl {

/// Converts FreeSWITCH's Event-Date-Timestamp (µs since the epoch) to ms;
/// returns -1 when \a us is not a plain decimal number.
std::int64_t timestamp_us_to_ms(std::string_view us) noexcept;

/// Reusable formatter. Not thread-safe.
class EventRecordFormatter {
public:
    /// Appends the record for \a ev (no trailing newline) to \a out.
    /// Relies on Event's storage padding (Event::k_storage_padding).
    /// \a now_ms is the record's "ts".
    void append(std::string& out, const Event& ev, std::int64_t now_ms);

private:
    std::vector<std::uint32_t> m_first;   // index of the first header with the same name
    std::vector<std::uint32_t> m_count;   // group size, valid at the first index
    std::vector<std::int32_t> m_table;    // open-addressing hash of names → first index
    std::vector<char> m_buf;              // the record, written by pointer
    std::string m_id;                     // "<Core-UUID>/<seq>" when needed
    std::int64_t m_ts_ms = -1;            // "ts" of the last record, formatted in m_ts
    char m_ts[26] = {};
};

}  // namespace fax::esl
