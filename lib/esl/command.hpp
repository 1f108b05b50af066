#pragma once
/// Encoders for every command an ESL client sends (esl-protocol.md §1.3, §2).
/// Each returns the exact bytes to write, ending in the empty line. Arguments
/// that would end a line early (CR or LF) are rejected with Errc::usage, so no
/// value can inject a second command or header.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "esl/event.hpp"

namespace fax::esl::cmd {

using Bytes = core::Result<std::string>;

Bytes auth(std::string_view password);
/// `api <command>`.
Bytes api(std::string_view command);
/// `bgapi <command>` with an optional client-chosen `Job-UUID` header.
Bytes bgapi(std::string_view command, std::string_view job_uuid = {});
/// `event <format> <names…>`; names may include `CUSTOM` followed by subclasses.
Bytes event(EventFormat format, const std::vector<std::string>& names);
Bytes nixevent(const std::vector<std::string>& names);
Bytes noevents();
/// `filter <header> <value>`.
Bytes filter(std::string_view header, std::string_view value);
/// `filter delete <header> [<value>]`.
Bytes filter_delete(std::string_view header, std::string_view value = {});
/// `myevents [<uuid>] [<format>]` (empty uuid: the controlled channel).
Bytes myevents(std::string_view uuid = {}, std::optional<EventFormat> format = std::nullopt);
/// `linger [<seconds>]`; no value lingers until we close.
Bytes linger(std::optional<int> seconds = std::nullopt);
Bytes nolinger();
Bytes exit();
/// Outbound socket: the first command.
Bytes connect();
/// `log <level>` and `nolog`.
Bytes log(std::string_view level);
Bytes nolog();

/// Options of `sendmsg … call-command: execute`.
struct Execute {
    std::string_view uuid;        ///< empty: the controlled channel (outbound)
    std::string_view app;         ///< application name, e.g. "rxfax"
    std::string_view arg;         ///< argument; multi-line or long → body form
    bool event_lock = true;       ///< serialise with the channel's other messages
    int loops = 1;                ///< `loops` header when != 1
    std::string_view event_uuid;  ///< becomes Application-UUID in the execute events
};

/// Arguments longer than this go in the Content-Length body form.
inline constexpr std::size_t k_max_inline_arg = 1024;

Bytes execute(const Execute& e);
/// `sendmsg … call-command: hangup` with an optional cause name.
Bytes hangup(std::string_view uuid = {}, std::string_view cause = {});

}  // namespace fax::esl::cmd
