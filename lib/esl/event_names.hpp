#pragma once
/// FreeSWITCH 1.10's event types (switch_event_types_t, EVENT_NAMES in
/// switch_event.c): their names, in enum order, and switch_name_event().

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace fax::esl {

/// Number of event types, ALL included (it is the last).
inline constexpr std::size_t k_event_type_count = 91;
/// Positions of the types the event socket treats specially.
inline constexpr std::size_t k_event_custom = 0;
inline constexpr std::size_t k_event_clone = 1;
inline constexpr std::size_t k_event_all = k_event_type_count - 1;

/// The names, indexed by event type ("CUSTOM", "CLONE", …, "ALL").
std::span<const std::string_view, k_event_type_count> event_type_names() noexcept;

/// switch_name_event(): the first type whose name equals \a name, ignoring
/// case, or equals \a name without its first 13 characters when it is longer
/// than 13 (so "SWITCH_EVENT_CHANNEL_ANSWER" works); nullopt when none does.
std::optional<std::size_t> event_type_of(std::string_view name) noexcept;

/// The type of an event that carries Event-Name \a name (exact name, any
/// case); nullopt for a name FreeSWITCH does not have.
std::optional<std::size_t> event_type_by_name(std::string_view name) noexcept;

}  // namespace fax::esl
