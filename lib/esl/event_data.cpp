#include "esl/event_data.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>
#include <unistd.h>

#include "core/uuid.hpp"
#include "esl/event.hpp"

namespace fax::esl {

namespace {

std::string join_array(const std::vector<std::string>& items) {
    if (items.size() == 1) {
        return items.front();  // FreeSWITCH writes "ARRAY::" only from two items on
    }
    std::string v = "ARRAY::";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            v += "|:";
        }
        v += items[i];
    }
    return v;
}

std::int64_t system_now_us() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::tm broken_down(std::int64_t unix_us, bool local) {
    const auto secs = static_cast<std::time_t>(unix_us / 1000000);
    std::tm tm{};
    if (local) {
        localtime_r(&secs, &tm);
    } else {
        gmtime_r(&secs, &tm);
    }
    return tm;
}

std::string this_host() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') {
        return "localhost";
    }
    return buf;
}

}  // namespace

EventData::Field* EventData::find(std::string_view name) noexcept {
    for (auto& f : m_fields) {
        if (header_name_equal(f.name, name)) {
            return &f;
        }
    }
    return nullptr;
}

void EventData::append(std::string_view name, std::string_view value) {
    m_fields.push_back(Field{std::string(name), std::string(value), {}});
}

void EventData::add(std::string_view name, std::string_view value) {
    if (name == "_body") {
        set_body(std::string(value));
    }
    if (value.empty()) {
        remove(name);
        return;
    }
    constexpr std::string_view k_array = "ARRAY::";
    if (value.substr(0, k_array.size()) == k_array) {
        // switch_event_add_array(): at least one byte after the prefix, split at "|:".
        if (value.size() > k_array.size()) {
            std::string_view rest = value.substr(k_array.size());
            while (true) {
                const auto sep = rest.find("|:");
                push(name, rest.substr(0, sep));
                if (sep == std::string_view::npos) {
                    break;
                }
                rest.remove_prefix(sep + 2);
            }
        }
        return;
    }
    append(name, value);
}

void EventData::push(std::string_view name, std::string_view value) {
    Field* f = find(name);
    if (f == nullptr) {
        if (value.empty()) {
            return;  // as add(): an empty value only removes
        }
        m_fields.push_back(Field{std::string(name), std::string(value), {std::string(value)}});
        return;
    }
    if (f->items.empty()) {
        f->items.push_back(f->value);
    }
    f->items.emplace_back(value);
    f->value = join_array(f->items);
}

void EventData::remove(std::string_view name) {
    std::erase_if(m_fields, [&](const Field& f) { return header_name_equal(f.name, name); });
}

std::optional<std::string_view> EventData::get(std::string_view name) const noexcept {
    for (const auto& f : m_fields) {
        if (header_name_equal(f.name, name)) {
            return std::string_view(f.value);
        }
    }
    return std::nullopt;
}

std::vector<Header> EventData::headers() const {
    std::vector<Header> out;
    out.reserve(m_fields.size());
    for (const auto& f : m_fields) {
        if (f.items.empty()) {
            out.push_back(Header{f.name, f.value});
        } else {
            for (const auto& item : f.items) {
                out.push_back(Header{f.name, item, true});
            }
        }
    }
    return out;
}

EventData EventData::from(const Event& e) {
    EventData d;
    const auto hs = e.headers();
    for (std::size_t i = 0; i < hs.size(); ++i) {
        if (!hs[i].array_item) {
            d.append(hs[i].name, hs[i].value);  // a copy, verbatim: no add() rules
            continue;
        }
        // A run of items with one name is one array header, even a run of one.
        Field f{std::string(hs[i].name), {}, {std::string(hs[i].value)}};
        while (i + 1 < hs.size() && hs[i + 1].array_item && hs[i + 1].name == hs[i].name) {
            f.items.emplace_back(hs[++i].value);
        }
        f.value = join_array(f.items);
        d.m_fields.push_back(std::move(f));
    }
    if (e.has_body()) {
        d.set_body(std::string(e.body()));
    }
    return d;
}

std::string event_date_local(std::int64_t unix_us) {
    const std::tm tm = broken_down(unix_us, true);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
}

std::string event_date_gmt(std::int64_t unix_us) {
    static constexpr const char* k_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::tm tm = broken_down(unix_us, false);
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", k_days[tm.tm_wday % 7], tm.tm_mday,
                       k_months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

EventStamper::EventStamper(SwitchIdentity identity) : m_id(std::move(identity)), m_clock(system_now_us) {
    if (m_id.core_uuid.empty()) {
        m_id.core_uuid = core::random_uuid();
    }
    if (m_id.hostname.empty()) {
        m_id.hostname = this_host();
    }
    if (m_id.switchname.empty()) {
        m_id.switchname = m_id.hostname;
    }
}

void EventStamper::stamp(EventData& e, std::string_view event_name, CallSite site) {
    const std::int64_t ts = m_clock();
    e.add("Event-Name", event_name);
    e.add("Core-UUID", m_id.core_uuid);
    e.add("FreeSWITCH-Hostname", m_id.hostname);
    e.add("FreeSWITCH-Switchname", m_id.switchname);
    e.add("FreeSWITCH-IPv4", m_id.ipv4);
    e.add("FreeSWITCH-IPv6", m_id.ipv6);
    e.add("Event-Date-Local", event_date_local(ts));
    e.add("Event-Date-GMT", event_date_gmt(ts));
    e.add("Event-Date-Timestamp", fmt::format("{}", ts));
    e.add("Event-Calling-File", site.file);
    e.add("Event-Calling-Function", site.function);
    e.add("Event-Calling-Line-Number", fmt::format("{}", site.line));
    e.add("Event-Sequence", fmt::format("{}", ++m_sequence));
}

EventData EventStamper::create(std::string_view event_name, CallSite site, std::string_view subclass) {
    EventData e;
    stamp(e, event_name, site);
    if (!subclass.empty()) {
        e.add("Event-Subclass", subclass);
    }
    return e;
}

}  // namespace fax::esl
