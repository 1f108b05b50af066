#include "esl/command.hpp"

#include <fmt/format.h>

namespace fax::esl::cmd {

namespace {

bool has_line_break(std::string_view s) noexcept { return s.find_first_of("\r\n") != std::string_view::npos; }

core::Error bad(std::string_view what) {
    return core::make_error(core::Errc::usage, fmt::format("{} contains a line break", what));
}

// A single-line command: words must not contain CR/LF.
Bytes line(std::string_view verb, std::string_view rest, std::string_view what) {
    if (has_line_break(rest)) {
        return bad(what);
    }
    std::string out;
    out.reserve(verb.size() + rest.size() + 3);
    out.append(verb);
    if (!rest.empty()) {
        out.push_back(' ');
        out.append(rest);
    }
    out.append("\n\n");
    return out;
}

Bytes names_command(std::string_view verb, const std::vector<std::string>& names) {
    std::string rest;
    for (const auto& n : names) {
        if (has_line_break(n) || n.find(' ') != std::string::npos || n.empty()) {
            return core::make_error(core::Errc::usage, fmt::format("bad event name '{}'", n));
        }
        if (!rest.empty()) {
            rest.push_back(' ');
        }
        rest.append(n);
    }
    return line(verb, rest, "event name");
}

}  // namespace

Bytes auth(std::string_view password) { return line("auth", password, "password"); }

Bytes api(std::string_view command) {
    if (command.empty()) {
        return core::make_error(core::Errc::usage, "empty api command");
    }
    return line("api", command, "api command");
}

Bytes bgapi(std::string_view command, std::string_view job_uuid) {
    if (command.empty()) {
        return core::make_error(core::Errc::usage, "empty bgapi command");
    }
    if (has_line_break(command)) {
        return bad("bgapi command");
    }
    if (has_line_break(job_uuid)) {
        return bad("Job-UUID");
    }
    std::string out = fmt::format("bgapi {}\n", command);
    if (!job_uuid.empty()) {
        out += fmt::format("Job-UUID: {}\n", job_uuid);
    }
    out.push_back('\n');
    return out;
}

Bytes event(EventFormat format, const std::vector<std::string>& names) {
    std::vector<std::string> all;
    all.reserve(names.size() + 1);
    all.emplace_back(format_name(format));
    all.insert(all.end(), names.begin(), names.end());
    if (names.empty()) {
        return core::make_error(core::Errc::usage, "event: no event names");
    }
    return names_command("event", all);
}

Bytes nixevent(const std::vector<std::string>& names) {
    if (names.empty()) {
        return core::make_error(core::Errc::usage, "nixevent: no event names");
    }
    return names_command("nixevent", names);
}

Bytes noevents() { return std::string("noevents\n\n"); }

Bytes filter(std::string_view header, std::string_view value) {
    if (header.empty() || header.find(' ') != std::string_view::npos) {
        return core::make_error(core::Errc::usage, fmt::format("bad filter header '{}'", header));
    }
    if (has_line_break(header) || has_line_break(value)) {
        return bad("filter");
    }
    return fmt::format("filter {} {}\n\n", header, value);
}

Bytes filter_delete(std::string_view header, std::string_view value) {
    if (header.empty() || header.find(' ') != std::string_view::npos) {
        return core::make_error(core::Errc::usage, fmt::format("bad filter header '{}'", header));
    }
    if (has_line_break(header) || has_line_break(value)) {
        return bad("filter");
    }
    if (value.empty()) {
        return fmt::format("filter delete {}\n\n", header);
    }
    return fmt::format("filter delete {} {}\n\n", header, value);
}

Bytes myevents(std::string_view uuid, std::optional<EventFormat> format) {
    std::string rest(uuid);
    if (format) {
        if (!rest.empty()) {
            rest.push_back(' ');
        }
        rest.append(format_name(*format));
    }
    return line("myevents", rest, "uuid");
}

Bytes linger(std::optional<int> seconds) {
    if (seconds) {
        return fmt::format("linger {}\n\n", *seconds);
    }
    return std::string("linger\n\n");
}

Bytes nolinger() { return std::string("nolinger\n\n"); }
Bytes exit() { return std::string("exit\n\n"); }
Bytes connect() { return std::string("connect\n\n"); }
Bytes log(std::string_view level) { return line("log", level, "log level"); }
Bytes nolog() { return std::string("nolog\n\n"); }

Bytes execute(const Execute& e) {
    if (e.app.empty() || e.app.find_first_of(" \r\n") != std::string_view::npos) {
        return core::make_error(core::Errc::usage, fmt::format("bad application name '{}'", e.app));
    }
    if (has_line_break(e.uuid) || has_line_break(e.event_uuid)) {
        return bad("uuid");
    }
    std::string out = e.uuid.empty() ? std::string("sendmsg\n") : fmt::format("sendmsg {}\n", e.uuid);
    out += "call-command: execute\n";
    out += fmt::format("execute-app-name: {}\n", e.app);
    const bool body_form = has_line_break(e.arg) || e.arg.size() > k_max_inline_arg;
    if (!body_form && !e.arg.empty()) {
        out += fmt::format("execute-app-arg: {}\n", e.arg);
    }
    if (e.event_lock) {
        out += "event-lock: true\n";
    }
    if (e.loops != 1) {
        out += fmt::format("loops: {}\n", e.loops);
    }
    if (!e.event_uuid.empty()) {
        out += fmt::format("Event-UUID: {}\n", e.event_uuid);
    }
    if (body_form) {
        out += fmt::format("content-type: text/plain\ncontent-length: {}\n\n", e.arg.size());
        out.append(e.arg);
        return out;
    }
    out.push_back('\n');
    return out;
}

Bytes hangup(std::string_view uuid, std::string_view cause) {
    if (has_line_break(uuid) || has_line_break(cause)) {
        return bad("hangup");
    }
    std::string out = uuid.empty() ? std::string("sendmsg\n") : fmt::format("sendmsg {}\n", uuid);
    out += "call-command: hangup\n";
    if (!cause.empty()) {
        out += fmt::format("hangup-cause: {}\n", cause);
    }
    out.push_back('\n');
    return out;
}

}  // namespace fax::esl::cmd
