#pragma once
/// An event as FreeSWITCH builds and delivers it (switch_event_t): headers in
/// order, duplicates allowed, a header may be an array, and an optional body.
/// EventStamper adds the standard headers every event starts with.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "esl/message.hpp"

namespace fax::esl {

class Event;

/// Owning event data. Views returned stay valid until the next change.
/// add() and push() behave as switch_event_add_header_string() does.
class EventData {
public:
    /// Appends a header at the bottom (SWITCH_STACK_BOTTOM), as FreeSWITCH
    /// does: an empty value removes every header called \a name and adds
    /// nothing; a value "ARRAY::a|:b" is pushed item by item; the name "_body"
    /// also sets the body. Header names in "name[index]" form are not special here.
    void add(std::string_view name, std::string_view value);
    /// SWITCH_STACK_PUSH: appends \a value to the first header called \a name
    /// (any case), turning it into an array; without one, starts an array of
    /// one item (plain shows it as a plain value, json as ["value"]), unless
    /// \a value is empty.
    void push(std::string_view name, std::string_view value);
    /// Removes every header called \a name (switch_event_del_header).
    void remove(std::string_view name);
    /// First value of \a name (any case); an array reads "ARRAY::a|:b" as in FreeSWITCH.
    std::optional<std::string_view> get(std::string_view name) const noexcept;

    void set_body(std::string body) { m_body = std::move(body); }
    void clear_body() noexcept { m_body.reset(); }
    const std::optional<std::string>& body() const noexcept { return m_body; }

    /// Headers counted as FreeSWITCH does (an array is one header).
    std::size_t size() const noexcept { return m_fields.size(); }
    /// The headers as serializer input: one Header per value, array items flagged.
    std::vector<Header> headers() const;

    /// A copy of a decoded event (e.g. one read from a capture).
    static EventData from(const Event& e);

private:
    struct Field {
        std::string name;
        std::string value;               ///< for an array: "ARRAY::a|:b" (one item: the item)
        std::vector<std::string> items;  ///< array items (empty: not an array)
    };
    Field* find(std::string_view name) noexcept;
    void append(std::string_view name, std::string_view value);
    std::vector<Field> m_fields;
    std::optional<std::string> m_body;
};

/// The values FreeSWITCH puts into every event's standard headers.
struct SwitchIdentity {
    std::string core_uuid;   ///< empty: a random one (FreeSWITCH makes one per start)
    std::string hostname;    ///< empty: this machine's host name
    std::string switchname;  ///< empty: the host name
    std::string ipv4 = "127.0.0.1";
    std::string ipv6 = "::1";
};

/// Where FreeSWITCH fired an event: Event-Calling-File/-Function/-Line-Number.
struct CallSite {
    std::string_view file;
    std::string_view function;
    int line = 0;
};

/// Creates events with switch_event_prep_for_delivery's standard headers
/// (Event-Name, Core-UUID, FreeSWITCH-Hostname, -Switchname, -IPv4, -IPv6,
/// Event-Date-Local, -GMT, -Timestamp (µs), Event-Calling-File, -Function,
/// -Line-Number, Event-Sequence) and one sequence counter. Not thread-safe.
class EventStamper {
public:
    explicit EventStamper(SwitchIdentity identity = {});

    /// A new event: the standard headers, then Event-Subclass if \a subclass
    /// is given (CUSTOM events).
    EventData create(std::string_view event_name, CallSite site, std::string_view subclass = {});
    /// Appends the standard headers to \a e (sendevent prepares its event last).
    void stamp(EventData& e, std::string_view event_name, CallSite site);

    const SwitchIdentity& identity() const noexcept { return m_id; }
    /// The last Event-Sequence handed out (0 before the first event).
    std::uint64_t sequence() const noexcept { return m_sequence; }
    /// Replaces the clock (µs since the Unix epoch), e.g. for tests.
    void set_clock(std::function<std::int64_t()> unix_us) { m_clock = std::move(unix_us); }

private:
    SwitchIdentity m_id;
    std::uint64_t m_sequence = 0;
    std::function<std::int64_t()> m_clock;
};

/// "YYYY-MM-DD HH:MM:SS" in local time (Event-Date-Local) of \a unix_us.
std::string event_date_local(std::int64_t unix_us);
/// RFC 822 in GMT, "Mon, 23 Nov 2026 13:44:59 GMT" (Event-Date-GMT).
std::string event_date_gmt(std::int64_t unix_us);

}  // namespace fax::esl
