#include "esl/subscription.hpp"

#include <regex>

#include <fmt/format.h>

#include "esl/fs_string.hpp"

namespace fax::esl {

namespace {

/// The space-separated tokens after the first space of \a line (empty tokens
/// included, as strchr(cur, ' ') produces them), or none without a space.
std::vector<std::string_view> tokens_after_space(std::string_view line) {
    std::vector<std::string_view> out;
    const auto sp = line.find(' ');
    if (sp == std::string_view::npos) {
        return out;
    }
    std::string_view rest = line.substr(sp + 1);
    while (true) {
        const auto next = rest.find(' ');
        out.push_back(rest.substr(0, next));
        if (next == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(next + 1);
    }
    return out;
}

std::optional<EventFormat> format_token(std::string_view t) {
    if (header_name_equal(t, "xml")) {
        return EventFormat::xml;
    }
    if (header_name_equal(t, "plain")) {
        return EventFormat::plain;
    }
    if (header_name_equal(t, "json")) {
        return EventFormat::json;
    }
    return std::nullopt;
}

/// switch_regex_perform() with a "/pattern/flags" expression: nullopt when it
/// cannot be compiled (FreeSWITCH then never matches).
std::shared_ptr<const std::regex> compile_filter_regex(std::string_view expr) {
    if (expr.empty() || expr.front() != '/') {
        return nullptr;
    }
    std::string tmp(expr.substr(1));
    const auto slash = tmp.rfind('/');
    if (slash == std::string::npos) {
        return nullptr;  // "missing ending '/' delimeter"
    }
    const std::string opts = tmp.substr(slash + 1);
    tmp.resize(slash);
    auto flags = std::regex::ECMAScript;
    if (opts.find('i') != std::string::npos) {
        flags |= std::regex::icase;
    }
    try {
        return std::make_shared<const std::regex>(tmp, flags);
    } catch (const std::regex_error&) {
        return nullptr;
    }
}

}  // namespace

struct Subscription::Filter {
    std::string name;
    std::string value;
    std::shared_ptr<const std::regex> re;  ///< compiled when value starts with '/'
};

EventRoute EventRoute::of(const EventData& e) {
    EventRoute r;
    if (const auto name = e.get("Event-Name")) {
        r.type = event_type_by_name(*name);
    }
    if (r.type == k_event_custom) {
        r.subclass = e.get("Event-Subclass");
    }
    return r;
}

Subscription::Subscription() = default;
Subscription::~Subscription() = default;
Subscription::Subscription(Subscription&&) noexcept = default;
Subscription& Subscription::operator=(Subscription&&) noexcept = default;

std::size_t Subscription::filter_count() const noexcept { return m_filters.size(); }

std::string Subscription::event(std::string_view cmd_in) {
    std::string cmd(cmd_in);
    strip_cr(cmd);
    const std::string_view after = cmd.size() > 5 ? std::string_view(cmd).substr(5) : std::string_view{};
    std::size_t count = 0;
    std::size_t key_count = 0;
    bool custom = false;
    for (const auto tok : tokens_after_space(after)) {
        if (count++ == 0) {
            if (const auto f = format_token(tok)) {
                m_format = *f;
                continue;
            }
        }
        if (custom) {
            m_subclasses.emplace(tok);
        } else if (const auto type = event_type_of(tok)) {
            ++key_count;
            if (*type == k_event_all) {
                for (std::size_t x = 0; x < k_event_all; ++x) {
                    m_types.set(x);
                }
            }
            m_types.set(*type);
            custom = custom || *type == k_event_custom;
        }
    }
    if (key_count == 0) {
        return "-ERR no keywords supplied";
    }
    m_enabled = true;
    return fmt::format("+OK event listener enabled {}", format_name(m_format));
}

std::string Subscription::nixevent(std::string_view cmd_in) {
    std::string cmd(cmd_in);
    strip_cr(cmd);
    const std::string_view after = cmd.size() > 5 ? std::string_view(cmd).substr(5) : std::string_view{};
    std::size_t key_count = 0;
    bool custom = false;
    for (const auto tok : tokens_after_space(after)) {
        if (custom) {
            const auto it = m_subclasses.find(tok);
            if (it != m_subclasses.end()) {
                m_subclasses.erase(it);
            }
        } else if (const auto type = event_type_of(tok)) {
            ++key_count;
            if (*type == k_event_custom) {
                custom = true;
            } else if (*type == k_event_all) {
                m_types.reset();
            } else {
                if (m_types.test(k_event_all)) {
                    m_types.reset(k_event_all);
                    for (std::size_t x = 0; x < k_event_all; ++x) {
                        m_types.set(x);
                    }
                }
                m_types.reset(*type);
            }
        }
    }
    if (key_count == 0) {
        return "-ERR no keywords supplied";
    }
    m_enabled = true;
    return "+OK events nixed";
}

std::string Subscription::noevents() {
    if (!m_enabled) {
        return "-ERR not listening for events";
    }
    m_enabled = false;
    m_types.reset();
    m_subclasses.clear();
    return "+OK no longer listening for events";
}

std::string Subscription::filter(std::string_view cmd_in) {
    std::string line(cmd_in.substr(std::min<std::size_t>(7, cmd_in.size())));  // after "filter "
    strip_cr(line);
    std::size_t start = 0;
    while (start < line.size() && line[start] == ' ') {
        ++start;
    }
    std::string name = line.substr(start);
    std::optional<std::string> value;
    auto split = [](std::string& n, std::optional<std::string>& v) {
        const auto sp = n.find(' ');
        if (sp == std::string::npos) {
            v.reset();
        } else {
            v = n.substr(sp + 1);
            n.resize(sp);
        }
    };
    split(name, value);
    if (header_name_equal(name, "delete") && value) {
        name = *value;
        split(name, value);
        if (header_name_equal(name, "all")) {
            m_filters.clear();
        } else {
            std::erase_if(m_filters, [&](const Filter& f) {
                return header_name_equal(f.name, name) && (!value || value->empty() || f.value == *value);
            });
        }
        return fmt::format("+OK filter deleted. [{}][{}]", name, value.value_or(""));
    }
    if (value) {
        if (header_name_equal(name, "add")) {
            name = *value;
            split(name, value);
        }
        if (!value) {
            // switch_event_add_header_string() refuses a NULL value; glibc prints "(null)".
            return fmt::format("+OK filter added. [{}]=[(null)]", name);
        }
        Filter f{name, *value, nullptr};
        if (!f.value.empty() && f.value.front() == '/') {
            f.re = compile_filter_regex(f.value);
        }
        m_filters.push_back(std::move(f));
        return fmt::format("+OK filter added. [{}]=[{}]", name, *value);
    }
    return "-ERR invalid syntax";
}

std::string Subscription::myevents(std::string_view cmd_in, const std::function<bool(std::string_view)>& channel_exists) {
    if (m_myevents) {
        return "-ERR aready enabled.";
    }
    // FreeSWITCH cuts the command at the space after the uuid before looking
    // for a format word in it, so "myevents <uuid> json" keeps the format.
    std::string cmd(cmd_in);
    if (!m_session) {
        std::string uuid = cmd.size() > 9 ? cmd.substr(9) : std::string{};
        strip_cr(uuid);
        const auto sp = uuid.find(' ');
        const bool has_fmt = sp != std::string::npos;
        if (has_fmt) {
            uuid.resize(sp);
        }
        if (channel_exists && channel_exists(uuid)) {
            m_session = uuid;
        } else if (has_fmt) {
            return "-ERR invalid uuid";
        }
        cmd = cmd.substr(0, 9) + uuid;
    }
    for (const std::string_view name :
         {"CHANNEL_ANSWER", "CHANNEL_APPLICATION", "CHANNEL_BRIDGE", "CHANNEL_CREATE", "CHANNEL_DATA", "CHANNEL_DESTROY",
          "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_ORIGINATE",
          "CHANNEL_UUID", "CHANNEL_OUTGOING", "CHANNEL_PARK", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA",
          "CHANNEL_STATE", "CHANNEL_UNBRIDGE", "CHANNEL_UNPARK", "DETECTED_SPEECH", "DTMF", "NOTALK", "TALK"}) {
        m_types.set(*event_type_by_name(name));
    }
    m_myevents = true;
    m_enabled = true;
    if (cmd.find("xml") != std::string::npos || cmd.find("XML") != std::string::npos) {
        m_format = EventFormat::xml;
    }
    if (cmd.find("json") != std::string::npos || cmd.find("JSON") != std::string::npos) {
        m_format = EventFormat::json;
    }
    return "+OK Events Enabled";
}

bool Subscription::wants(const EventData& e, const EventRoute& route) const {
    if (!m_enabled) {
        return false;
    }
    bool send = false;
    if (m_types.test(k_event_all)) {
        send = true;
    } else if (route.type && m_types.test(*route.type)) {
        send = *route.type != k_event_custom || !route.subclass || m_subclasses.contains(*route.subclass);
    }
    if (send && !m_filters.empty()) {
        send = false;
        for (const Filter& f : m_filters) {
            const auto hval = e.get(f.name);
            if (!hval) {
                continue;
            }
            std::string_view comp = f.value;
            bool pos = true;
            while (!comp.empty()) {
                if (comp.front() == '+') {
                    pos = true;
                } else if (comp.front() == '-') {
                    pos = false;
                } else if (comp.front() != ' ') {
                    break;
                }
                comp.remove_prefix(1);
            }
            if (send && pos) {
                continue;
            }
            bool cmp = false;
            if (!f.value.empty() && f.value.front() == '/') {
                cmp = f.re && std::regex_search(hval->begin(), hval->end(), *f.re);
            } else {
                cmp = header_name_equal(*hval, comp);
            }
            if (cmp) {
                if (!pos) {
                    send = false;
                    break;
                }
                send = true;
            }
        }
    }
    if (send && m_myevents) {
        const auto uuid = e.get("Unique-ID");
        if (!uuid || (m_session && *uuid != *m_session)) {
            send = false;
        }
    }
    return send;
}

}  // namespace fax::esl
