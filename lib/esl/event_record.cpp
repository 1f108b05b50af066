#include "esl/event_record.hpp"

#include <charconv>
#include <cstring>

#include "core/time.hpp"
#include "jsonl/escape.hpp"
#include "jsonl/swar.hpp"

namespace fax::esl {

namespace {

// Cheap hash for header names: the first and last 8 bytes and the length.
// Names like variable_* share prefixes, so the tail matters; collisions only
// cost a comparison.
std::uint32_t hash_name(std::string_view s) noexcept {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    if (s.size() >= 8) {
        std::memcpy(&a, s.data(), 8);
        std::memcpy(&b, s.data() + s.size() - 8, 8);
    } else {
        std::memcpy(&a, s.data(), s.size());
    }
    const std::uint64_t h = (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^ (s.size() * 0x165667B19E3779F9ULL);
    return static_cast<std::uint32_t>(h >> 32) ^ static_cast<std::uint32_t>(h);
}

char* put(char* d, std::string_view lit) noexcept {
    std::memcpy(d, lit.data(), lit.size());
    return d + lit.size();
}

char* put_ts(char* d, std::int64_t ms) noexcept {
    *d++ = '"';
    d += core::format_utc_ms(ms, d);
    *d++ = '"';
    return d;
}

char* put_int(char* d, std::int64_t v) noexcept { return std::to_chars(d, d + 24, v).ptr; }

// A string known to need no escaping: quotes around a plain copy, done in
// whole blocks (the source has read padding, the destination room).
char* put_quoted(char* d, std::string_view v) noexcept {
    using namespace jsonl::detail;
    *d++ = '"';
    for (std::size_t i = 0; i < v.size(); i += k_block) {
        store_block(d + i, load_block(v.data() + i));
    }
    d += v.size();
    *d++ = '"';
    return d;
}

char* put_str_or_null(char* d, std::string_view v) noexcept {
    return v.empty() ? put(d, "null") : jsonl::write_json_string(d, v);
}

bool parse_decimal(std::string_view s, std::int64_t& v) noexcept {
    if (s.empty() || s.size() > 18) {
        return false;
    }
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

}  // namespace

std::int64_t timestamp_us_to_ms(std::string_view us) noexcept {
    std::int64_t v = 0;
    if (!parse_decimal(us, v)) {
        return -1;
    }
    return v / 1000;
}

void EventRecordFormatter::append(std::string& out, const Event& ev, std::int64_t now_ms) {
    const auto& hs = ev.headers();
    const std::size_t n = hs.size();

    // One pass over the headers: group repeated names (exact, as JSON keys
    // are), pick out the envelope headers, and bound the record size.
    m_first.resize(n);
    m_count.assign(n, 0);
    std::size_t cap = 64;
    while (cap < n * 2) {
        cap <<= 1;
    }
    m_table.assign(cap, -1);
    std::string_view unique_id;
    std::string_view job_uuid;
    std::string_view core_uuid;
    std::string_view seq;
    std::string_view date_ts;
    std::string_view event_name;
    std::string_view subclass;
    std::size_t bound = 512;
    for (std::size_t i = 0; i < n; ++i) {
        const Header& h = hs[i];
        bound += jsonl::json_string_max_size(h.name.size() + h.value.size()) + 48;
        std::size_t slot = hash_name(h.name) & (cap - 1);
        while (true) {
            const std::int32_t at = m_table[slot];
            if (at < 0) {
                m_table[slot] = static_cast<std::int32_t>(i);
                m_first[i] = static_cast<std::uint32_t>(i);
                break;
            }
            if (hs[static_cast<std::size_t>(at)].name == h.name) {
                m_first[i] = static_cast<std::uint32_t>(at);
                break;
            }
            slot = (slot + 1) & (cap - 1);
        }
        ++m_count[m_first[i]];
        // Envelope headers, by length first (names are mostly longer or shorter).
        switch (h.name.size()) {
            case 8:
                if (job_uuid.empty() && header_name_equal(h.name, "Job-UUID")) {
                    job_uuid = h.value;
                }
                break;
            case 9:
                if (unique_id.empty() && header_name_equal(h.name, "Unique-ID")) {
                    unique_id = h.value;
                } else if (core_uuid.empty() && header_name_equal(h.name, "Core-UUID")) {
                    core_uuid = h.value;
                }
                break;
            case 10:
                if (event_name.empty() && header_name_equal(h.name, "Event-Name")) {
                    event_name = h.value;
                }
                break;
            case 14:
                if (seq.empty() && header_name_equal(h.name, "Event-Sequence")) {
                    seq = h.value;
                } else if (subclass.empty() && header_name_equal(h.name, "Event-Subclass")) {
                    subclass = h.value;
                }
                break;
            case 20:
                if (date_ts.empty() && header_name_equal(h.name, "Event-Date-Timestamp")) {
                    date_ts = h.value;
                }
                break;
            default:
                break;
        }
    }
    // The envelope repeats some values (id, uuid, event, subclass).
    bound += 3 * jsonl::json_string_max_size(unique_id.size() + job_uuid.size() + core_uuid.size() + seq.size() + 1) +
             jsonl::json_string_max_size(event_name.size() + subclass.size());
    if (ev.has_body()) {
        bound += jsonl::json_string_max_size(ev.body().size()) + 40;
    }
    if (m_buf.size() < bound) {
        m_buf.resize(bound * 2);
    }
    char* const start = m_buf.data();
    char* d = start;

    d = put(d, R"({"type":"esl.event","ts":)");
    if (now_ms != m_ts_ms) {
        m_ts_ms = now_ms;
        put_ts(m_ts, now_ms);
    }
    d = put(d, std::string_view(m_ts, sizeof m_ts));
    d = put(d, R"(,"id":)");
    if (!unique_id.empty()) {
        d = jsonl::write_json_string(d, unique_id);
    } else if (!job_uuid.empty()) {
        d = jsonl::write_json_string(d, job_uuid);
    } else {
        m_id.assign(core_uuid).append("/").append(seq);
        d = jsonl::write_json_string(d, m_id);
    }
    d = put(d, R"(,"event":)");
    d = jsonl::write_json_string(d, event_name);
    d = put(d, R"(,"subclass":)");
    d = put_str_or_null(d, subclass);
    d = put(d, R"(,"uuid":)");
    d = put_str_or_null(d, unique_id);
    d = put(d, R"(,"seq":)");
    std::int64_t seq_v = 0;
    d = parse_decimal(seq, seq_v) ? put_int(d, seq_v) : put(d, "null");
    d = put(d, R"(,"event_ts":)");
    const std::int64_t ev_ms = timestamp_us_to_ms(date_ts);
    d = ev_ms > 0 ? put_ts(d, ev_ms) : put(d, "null");
    d = put(d, R"(,"format":")");
    d = put(d, format_name(ev.format()));
    d = put(d, R"(","headers":{)");
    bool first_member = true;
    for (std::size_t i = 0; i < n; ++i) {
        if (m_first[i] != i) {
            continue;
        }
        if (!first_member) {
            *d++ = ',';
        }
        first_member = false;
        d = hs[i].name_json_safe ? put_quoted(d, hs[i].name) : jsonl::write_json_string_padded(d, hs[i].name);
        *d++ = ':';
        if (m_count[i] == 1 && !hs[i].array_item) {
            d = hs[i].value_json_safe ? put_quoted(d, hs[i].value) : jsonl::write_json_string_padded(d, hs[i].value);
            continue;
        }
        *d++ = '[';
        bool first_item = true;
        std::uint32_t left = m_count[i];
        for (std::size_t j = i; j < n && left > 0; ++j) {
            if (m_first[j] != i) {
                continue;
            }
            --left;
            if (!first_item) {
                *d++ = ',';
            }
            first_item = false;
            d = hs[j].value_json_safe ? put_quoted(d, hs[j].value) : jsonl::write_json_string_padded(d, hs[j].value);
        }
        *d++ = ']';
    }
    *d++ = '}';
    if (ev.has_body()) {
        d = put(d, R"(,"body":)");
        d = jsonl::write_json_string_padded(d, ev.body());
    }
    *d++ = '}';
    out.append(start, static_cast<std::size_t>(d - start));
}

}  // namespace fax::esl
