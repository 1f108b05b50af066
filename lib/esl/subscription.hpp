#pragma once
/// What one event-socket connection listens to, and the commands that change
/// it (event, nixevent, noevents, filter, myevents), with mod_event_socket's
/// exact parsing and reply texts. No I/O.

#include <bitset>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "esl/event.hpp"
#include "esl/event_data.hpp"
#include "esl/event_names.hpp"

namespace fax::esl {

/// Properties of an event needed to route it, computed once per event.
struct EventRoute {
    std::optional<std::size_t> type;          ///< from Event-Name (event_type_by_name)
    std::optional<std::string_view> subclass; ///< Event-Subclass, for CUSTOM events
    static EventRoute of(const EventData& e);
};

/// Per-connection subscription state. Each command method takes the whole
/// command (FreeSWITCH's "Command" value) and returns the Reply-Text.
class Subscription {
public:
    Subscription();
    ~Subscription();
    Subscription(Subscription&&) noexcept;
    Subscription& operator=(Subscription&&) noexcept;

    /// `event [plain|json|xml] <names…>` (also `events …`): adds names; after
    /// CUSTOM every token is a subclass; ALL is everything. A leading format
    /// token sets the format even when the reply is an error.
    std::string event(std::string_view cmd);
    /// `nixevent <names…>`.
    std::string nixevent(std::string_view cmd);
    /// `noevents`: forgets every name and subclass (not the filters).
    std::string noevents();
    /// `filter <Header> <value>`, `filter add …`, `filter delete <Header> [<value>]`, `filter delete all`.
    std::string filter(std::string_view cmd);
    /// `myevents <uuid> [format]` (inbound) or `myevents` when a session is
    /// already bound. \a channel_exists answers whether a channel exists.
    std::string myevents(std::string_view cmd, const std::function<bool(std::string_view)>& channel_exists);

    /// Whether the connection gets \a e: subscribed (LFLAG_EVENTS and the
    /// name or subclass), passes the filters, and is the bound channel's.
    bool wants(const EventData& e, const EventRoute& route) const;

    /// Events are on (a successful `event`, `nixevent` or `myevents`).
    bool enabled() const noexcept { return m_enabled; }
    EventFormat format() const noexcept { return m_format; }
    /// The channel bound by `myevents <uuid>`, if any.
    const std::optional<std::string>& session() const noexcept { return m_session; }
    std::size_t filter_count() const noexcept;

private:
    struct Filter;
    std::bitset<k_event_type_count> m_types;
    std::set<std::string, std::less<>> m_subclasses;
    std::vector<Filter> m_filters;
    std::optional<std::string> m_session;
    EventFormat m_format = EventFormat::plain;
    bool m_enabled = false;
    bool m_myevents = false;
};

}  // namespace fax::esl
