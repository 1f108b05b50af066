#pragma once
/// The reading side of mod_spandsp's events: turns a received
/// spandsp::{tx,rx}fax{negociate,page,}result event (esl-protocol.md §5.3)
/// back into fax::FaxEvent, and reads the fax_* channel variables of a
/// CHANNEL_EXECUTE_COMPLETE or CHANNEL_HANGUP_COMPLETE (§5.4) as a FaxResult
/// for when the CUSTOM event was missed.

#include <optional>
#include <string_view>

#include "esl/event.hpp"
#include "fax/events.hpp"

namespace fax::fax {

/// The FaxEvent carried by \a e, or nullopt when \a e is not a mod_spandsp
/// event. Missing or malformed numbers read as 0; unknown T.38 states as off.
std::optional<FaxEvent> parse_spandsp_event(const esl::Event& e);

/// The phase E result in the `variable_fax_*` headers of \a e (set once the
/// app ended), or nullopt when \a e has no variable_fax_result_code.
std::optional<FaxResult> fax_result_from_variables(const esl::Event& e, Role role);

/// "8040x7700" → {8040, 7700}; malformed text gives {0, 0}.
Resolution parse_resolution(std::string_view text) noexcept;
PixelSize parse_pixel_size(std::string_view text) noexcept;

}  // namespace fax::fax
