#pragma once
/// How mod_spandsp reports a fax terminal's events: the event-specific
/// headers of spandsp::{tx,rx}fax{negociate,page,}result in the order real
/// FreeSWITCH 1.10 sends them (esl-captures/spandsp-events.md), and the
/// fax_* channel variables it sets (esl-protocol.md §5.4).

#include <string_view>

#include "fax/channel.hpp"
#include "fax/events.hpp"

namespace fax::fax {

/// Appends the event-specific headers of \a e for channel \a uuid.
void append_spandsp_headers(HeaderList& out, const FaxEvent& e, std::string_view uuid);

/// Sets the channel variables mod_spandsp sets for \a e, in its order
/// (a variable set again moves to the end, as in FreeSWITCH).
void set_fax_variables(Channel& ch, const FaxEvent& e);

/// Where mod_spandsp fires \a e: phase_b_handler/386, phase_d_handler/521,
/// phase_e_handler/676 in mod_spandsp_fax.c (FreeSWITCH 1.10.12).
struct SpandspCallSite {
    std::string_view function;
    int line;
};
SpandspCallSite spandsp_call_site(const FaxEvent& e) noexcept;

}  // namespace fax::fax
