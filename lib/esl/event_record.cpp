#include "esl/event_record.hpp"

#include <charconv>

#include "core/time.hpp"
#include "jsonl/escape.hpp"

namespace fax::esl {

namespace {

std::uint32_t hash_name(std::string_view s) noexcept {
    std::uint32_t h = 2166136261U;
    for (const char c : s) {
        h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
    }
    return h;
}

void append_ts(std::string& out, std::int64_t ms) {
    char buf[24];
    core::format_utc_ms(ms, buf);
    out.push_back('"');
    out.append(buf, sizeof buf);
    out.push_back('"');
}

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
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

    // Group headers with the same name (exact, as JSON keys are exact).
    m_first.resize(n);
    m_count.assign(n, 0);
    std::size_t cap = 64;
    while (cap < n * 2) {
        cap <<= 1;
    }
    m_table.assign(cap, -1);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t slot = hash_name(hs[i].name) & (cap - 1);
        while (true) {
            const std::int32_t at = m_table[slot];
            if (at < 0) {
                m_table[slot] = static_cast<std::int32_t>(i);
                m_first[i] = static_cast<std::uint32_t>(i);
                break;
            }
            if (hs[static_cast<std::size_t>(at)].name == hs[i].name) {
                m_first[i] = static_cast<std::uint32_t>(at);
                break;
            }
            slot = (slot + 1) & (cap - 1);
        }
        ++m_count[m_first[i]];
    }

    std::string_view unique_id;
    std::string_view job_uuid;
    std::string_view core_uuid;
    std::string_view seq;
    std::string_view date_ts;
    std::string_view event_name;
    std::string_view subclass;
    for (const auto& h : hs) {
        const auto& nm = h.name;
        if (nm.size() < 8) {
            continue;
        }
        if (unique_id.empty() && header_name_equal(nm, "Unique-ID")) {
            unique_id = h.value;
        } else if (job_uuid.empty() && header_name_equal(nm, "Job-UUID")) {
            job_uuid = h.value;
        } else if (core_uuid.empty() && header_name_equal(nm, "Core-UUID")) {
            core_uuid = h.value;
        } else if (seq.empty() && header_name_equal(nm, "Event-Sequence")) {
            seq = h.value;
        } else if (date_ts.empty() && header_name_equal(nm, "Event-Date-Timestamp")) {
            date_ts = h.value;
        } else if (event_name.empty() && header_name_equal(nm, "Event-Name")) {
            event_name = h.value;
        } else if (subclass.empty() && header_name_equal(nm, "Event-Subclass")) {
            subclass = h.value;
        }
    }

    out.append(R"({"type":"esl.event","ts":)");
    append_ts(out, now_ms);
    out.append(R"(,"id":)");
    if (!unique_id.empty()) {
        jsonl::append_json_string(out, unique_id);
    } else if (!job_uuid.empty()) {
        jsonl::append_json_string(out, job_uuid);
    } else {
        std::string id;
        id.reserve(core_uuid.size() + 1 + seq.size());
        id.append(core_uuid).append("/").append(seq);
        jsonl::append_json_string(out, id);
    }
    out.append(R"(,"event":)");
    jsonl::append_json_string(out, event_name);
    out.append(R"(,"subclass":)");
    if (subclass.empty()) {
        out.append("null");
    } else {
        jsonl::append_json_string(out, subclass);
    }
    out.append(R"(,"uuid":)");
    if (unique_id.empty()) {
        out.append("null");
    } else {
        jsonl::append_json_string(out, unique_id);
    }
    out.append(R"(,"seq":)");
    std::int64_t seq_v = 0;
    if (parse_decimal(seq, seq_v)) {
        append_int(out, seq_v);
    } else {
        out.append("null");
    }
    out.append(R"(,"event_ts":)");
    const std::int64_t ev_ms = timestamp_us_to_ms(date_ts);
    if (ev_ms > 0) {
        append_ts(out, ev_ms);
    } else {
        out.append("null");
    }
    out.append(R"(,"format":")");
    out.append(format_name(ev.format()));
    out.append(R"(","headers":{)");
    bool first_member = true;
    for (std::size_t i = 0; i < n; ++i) {
        if (m_first[i] != i) {
            continue;
        }
        if (!first_member) {
            out.push_back(',');
        }
        first_member = false;
        jsonl::append_json_string(out, hs[i].name);
        out.push_back(':');
        if (m_count[i] == 1 && !hs[i].array_item) {
            jsonl::append_json_string(out, hs[i].value);
            continue;
        }
        out.push_back('[');
        bool first_item = true;
        std::uint32_t left = m_count[i];
        for (std::size_t j = i; j < n && left > 0; ++j) {
            if (m_first[j] != i) {
                continue;
            }
            --left;
            if (!first_item) {
                out.push_back(',');
            }
            first_item = false;
            jsonl::append_json_string(out, hs[j].value);
        }
        out.push_back(']');
    }
    out.push_back('}');
    if (ev.has_body()) {
        out.append(R"(,"body":)");
        jsonl::append_json_string(out, ev.body());
    }
    out.push_back('}');
}

}  // namespace fax::esl
