// mod_event_socket.c parse_command() for inbound connections: the same order
// of (case-insensitive prefix) tests, the same argument handling, the same
// reply texts.

#include <fmt/format.h>

#include "core/uuid.hpp"
#include "esl/event_names.hpp"
#include "esl/fs_string.hpp"
#include "esl/inbound_listener.hpp"

namespace fax::esl {

namespace {

constexpr std::size_t k_reply_max = 511;    // char reply[512]
constexpr std::size_t k_uuid_length = 36;   // SWITCH_UUID_FORMATTED_LENGTH
constexpr std::string_view k_goodbye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";

/// switch_log_str2level(): 0..7 by number or name, 64 (invalid) otherwise.
int log_level_of(std::string_view s) {
    static constexpr std::string_view k_levels[] = {"CONSOLE", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG"};
    std::string_view digits = s;
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
        digits.remove_prefix(1);
    }
    bool number = true;
    for (const char c : digits) {
        number = number && ((c >= '0' && c <= '9') || c == '.');
    }
    if (number) {
        const long long x = c_atoi(s);
        return x > 64 ? 63 : x < 0 ? 0 : static_cast<int>(x);
    }
    for (int i = 0; i < 8; ++i) {
        if (header_name_equal(s, k_levels[i])) {
            return i;
        }
    }
    return 64;
}

}  // namespace

void InboundListener::reply(std::string_view text) {
    m_outbox += "Content-Type: command/reply\nReply-Text: ";
    m_outbox += text.substr(0, k_reply_max);
    m_outbox += "\n\n";
}

void InboundListener::handle(Command& c) {
    std::string cmd = c.block;
    if (contains_nocase(cmd, "unload") && contains_nocase(cmd, "mod_event_socket")) {
        cmd = "api bgapi unload mod_event_socket";
    } else if (contains_nocase(cmd, "reload") && contains_nocase(cmd, "mod_event_socket")) {
        cmd = "api bgapi reload mod_event_socket";
    }
    if (starts_with_nocase(cmd, "exit") || starts_with_nocase(cmd, "...")) {
        reply("+OK bye");
        finish(k_goodbye);
        return;
    }
    if (!m_authed) {
        if (starts_with_nocase(cmd, "auth ")) {
            strip_cr(cmd);
            auto srv = m_server.lock();
            if (srv && cmd.substr(5) == srv->config.password) {
                m_authed = true;
                reply("+OK accepted");
            } else {
                reply("-ERR invalid");
                finish(k_goodbye);
            }
        } else if (starts_with_nocase(cmd, "userauth ")) {
            // No user directory here: every userauth fails as an unknown user does.
            reply("-ERR invalid");
            finish(k_goodbye);
        } else {
            reply("-ERR command not found");
        }
        return;
    }
    handle_authed(cmd, c);
}

void InboundListener::handle_authed(std::string& cmd, Command& c) {
    auto srv = m_server.lock();
    if (!srv) {
        return;
    }
    const bool session = m_sub.session().has_value();
    std::string r;
    if (starts_with_nocase(cmd, "filter ")) {
        r = m_sub.filter(cmd);
    } else if (session && starts_with_nocase(cmd, "resume")) {
        r = "+OK";
    } else if ((session || starts_with_nocase(cmd, "myevents ")) && starts_with_nocase(cmd, "myevents")) {
        r = m_sub.myevents(cmd, srv->channel_exists);
    } else if (starts_with_nocase(cmd, "divert_events")) {
        std::string onoff = cmd.substr(13);
        const auto first = onoff.find_first_not_of(' ');
        onoff.erase(0, first == std::string::npos ? onoff.size() : first);
        if (!session) {
            r = "-ERR not controlling a session.";
        } else {
            if (!onoff.empty() && (onoff.front() == '\r' || onoff.front() == '\n')) {
                onoff.clear();
            }
            strip_cr(onoff);
            r = onoff.empty() ? "-ERR missing value."
                              : header_name_equal(onoff, "on") ? "+OK events diverted" : "+OK events not diverted";
        }
    } else if (starts_with_nocase(cmd, "sendmsg")) {
        r = sendmsg(cmd, c);
    } else if (starts_with_nocase(cmd, "sendevent")) {
        sendevent(cmd, c);
        return;
    } else if (starts_with_nocase(cmd, "api ")) {
        api(cmd, c);
        return;
    } else if (starts_with_nocase(cmd, "bgapi ")) {
        bgapi(cmd, c);
        return;
    } else if (starts_with_nocase(cmd, "log")) {
        r = log(cmd);
    } else if (starts_with_nocase(cmd, "linger")) {
        r = linger(cmd, true);
    } else if (starts_with_nocase(cmd, "nolinger")) {
        r = linger(cmd, false);
    } else if (starts_with_nocase(cmd, "nolog")) {
        r = m_log ? "+OK no longer logging" : "-ERR not loging";
        m_log = false;
    } else if (starts_with_nocase(cmd, "event")) {
        r = m_sub.event(cmd);
    } else if (starts_with_nocase(cmd, "nixevent")) {
        r = m_sub.nixevent(cmd);
    } else if (starts_with_nocase(cmd, "noevents")) {
        flush_events();  // flush_listener(listener, SWITCH_FALSE, SWITCH_TRUE)
        r = m_sub.noevents();
    }
    reply(r.empty() ? std::string_view("-ERR command not found") : std::string_view(r));
}

std::string InboundListener::sendmsg(std::string cmd, const Command& c) {
    auto srv = m_server.lock();
    std::string uuid = cmd.substr(7);
    uuid.erase(0, std::min(uuid.size(), uuid.find_first_not_of(' ')));
    if (!uuid.empty() && (uuid.front() == '\r' || uuid.front() == '\n')) {
        uuid.clear();
    } else {
        strip_cr(uuid);
    }
    if (uuid.empty()) {
        uuid = std::string(c.header("session-id").value_or(""));
    }
    const auto& session = m_sub.session();
    if (session && uuid == *session) {
        uuid.clear();
    }
    if (uuid.empty() && session) {
        if (srv && srv->sendmsg) {
            srv->sendmsg(*session, c);
        }
        return "+OK";
    }
    if (!uuid.empty() && srv && srv->sendmsg && srv->sendmsg(uuid, c)) {
        return "+OK";
    }
    return fmt::format("-ERR invalid session id [{}]", uuid);
}

void InboundListener::sendevent(std::string cmd, const Command& c) {
    auto srv = m_server.lock();
    if (!srv) {
        return;
    }
    const std::string uuid = core::random_uuid();
    // The command itself is the event: "Command", the header lines, then Event-UUID.
    std::string command = cmd;
    strip_cr(command);
    EventData e;
    e.add("Command", command);
    for (const auto& [n, v] : c.headers) {
        e.add(n, v);  // switch_event_add_header_string(): "_body", empty values and ARRAY:: apply
        if (c.body && header_name_equal(n, "content-length") && c_atoi(v) > 0) {
            e.set_body(*c.body);  // read_packet adds the body when it meets Content-Length
        }
    }
    e.add("Event-UUID", uuid);
    std::string_view ename = std::string_view(command).substr(std::min<std::size_t>(9, command.size()));
    while (!ename.empty() && (ename.front() == ' ' || ename.front() == '\t')) {
        ename.remove_prefix(1);
    }
    std::size_t type = k_event_clone;
    if (const auto t = event_type_of(ename)) {
        type = *t;
        if (type == k_event_custom) {
            if (const auto sub = e.get("Event-Subclass")) {
                const std::string subclass(*sub);
                e.remove("Event-Subclass");  // switch_event_set_subclass_name()
                e.add("Event-Subclass", subclass);
            }
        }
    }
    const bool taken = e.get("Unique-ID") && srv->sendevent && srv->sendevent(e);
    if (!taken) {
        // Line of switch_event_prep_for_delivery() in parse_command: estimated, no capture shows it.
        srv->stamper.stamp(e, event_type_names()[type], CallSite{"mod_event_socket.c", "parse_command", 2285});
        srv->broadcast(e);
    }
    reply("+OK " + uuid);
}

void InboundListener::api(std::string cmd, const Command& c) {
    auto srv = m_server.lock();
    std::string api_cmd = cmd.substr(4);
    strip_cr(api_cmd);
    const bool console = switch_true(c.header("console_execute").value_or(""));
    InboundServer::ApiCall call;
    const auto sp = api_cmd.find(' ');
    call.command = api_cmd.substr(0, sp);
    if (sp != std::string::npos) {
        call.args = api_cmd.substr(sp + 1);
    }
    // With console_execute the whole line is the command (in its error text too).
    const std::string name = console ? api_cmd : call.command;
    m_busy = true;
    std::weak_ptr<InboundListener> weak = shared_from_this();
    auto once = std::make_shared<bool>(false);
    auto done = [weak, once, name](InboundServer::ApiOutput out) {
        auto self = weak.lock();
        if (!self || *once) {
            return;
        }
        *once = true;
        if (self->m_closed) {
            return;
        }
        std::string text = out.found ? std::move(out.text) : fmt::format("-ERR {} Command not found!\n", name);
        text.resize(std::min(text.size(), text.find('\0')));
        if (text.empty()) {
            text = "-ERR no reply\n";
        }
        self->m_outbox += fmt::format("Content-Type: api/response\nContent-Length: {}\n\n", text.size());
        self->m_outbox += text;
        self->m_busy = false;
        self->process();
    };
    if (srv && srv->api) {
        srv->api(call, std::move(done));
    } else {
        done(InboundServer::ApiOutput{{}, false});
    }
}

void InboundListener::bgapi(std::string cmd, const Command& c) {
    auto srv = m_server.lock();
    std::string api_cmd = cmd.substr(6);
    strip_cr(api_cmd);
    std::optional<std::string> args;
    const auto sp = api_cmd.find(' ');
    if (sp != std::string::npos) {
        args = api_cmd.substr(sp + 1);
        api_cmd.resize(sp);
    }
    std::string job;
    if (const auto h = c.header("job-uuid")) {
        job = std::string(h->substr(0, k_uuid_length));  // switch_copy_string into a 37-byte buffer
    } else {
        job = core::random_uuid();
    }
    m_outbox += fmt::format("Content-Type: command/reply\nReply-Text: +OK Job-UUID: {}\nJob-UUID: {}\n\n", job, job);
    if (srv) {
        srv->run_job(std::move(api_cmd), std::move(args), std::move(job));
    }
}

std::string InboundListener::log(std::string cmd) {
    strip_cr(cmd);
    std::string level = cmd.substr(3);
    if (!level.empty()) {
        level.erase(0, 1);  // "move to the argument": skips one byte, whatever it is
    }
    const int ltype = level.empty() ? 7 : log_level_of(level);
    if (ltype == 64) {
        return "-ERR invalid log level";
    }
    m_log_level = ltype;
    m_log = true;
    return fmt::format("+OK log level {} [{}]", level, m_log_level);
}

std::string InboundListener::linger(const std::string& cmd, bool on) {
    if (!m_sub.session()) {
        return "-ERR not controlling a session";
    }
    if (!on) {
        m_lingering = false;
        return "+OK will not linger";
    }
    m_linger = cmd.size() > 7 && cmd[6] == ' ' ? c_atoi(std::string_view(cmd).substr(7)) : -1;
    m_lingering = true;
    return m_linger != -1 ? fmt::format("+OK will linger {} seconds", static_cast<int>(m_linger)) : "+OK will linger";
}

}  // namespace fax::esl
