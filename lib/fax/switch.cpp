#include "fax/switch.hpp"

#include <chrono>

#include <fmt/format.h>

#include "esl/hangup_cause.hpp"
#include "fax/sim_commands.hpp"
#include "fax/switch_impl.hpp"
#include "jsonl/escape.hpp"

namespace fax::fax {

namespace {

// The captured FreeSWITCH 1.10.12 `version` output.
constexpr std::string_view k_version = "FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n";

std::string status_text(const Switch::Impl& im) {
    const auto up_us = now_us() - im.started_us;
    auto us = up_us;
    const auto years = us / (365LL * 86400 * 1000000);
    us -= years * 365LL * 86400 * 1000000;
    const auto days = us / (86400LL * 1000000);
    us -= days * 86400LL * 1000000;
    const auto hours = us / (3600LL * 1000000);
    us -= hours * 3600LL * 1000000;
    const auto minutes = us / (60LL * 1000000);
    us -= minutes * 60LL * 1000000;
    const auto seconds = us / 1000000;
    us -= seconds * 1000000;
    return fmt::format(
        "UP {} years, {} days, {} hours, {} minutes, {} seconds, {} milliseconds, {} microseconds\n"
        "FreeSWITCH (Version 1.10.12-release  64bit) is ready\n"
        "{} session(s) since startup\n"
        "{} session(s) - peak {}, last 5min {} \n"
        "0 session(s) per Sec out of max 50, peak 0, last 5min 0 \n"
        "1000 session(s) max\n"
        "min idle cpu 0.00/100.00\n"
        "Current Stack Size/Max 240K/8192K\n",
        years, days, hours, minutes, seconds, us / 1000, us % 1000, im.sessions_since_start, im.calls.size(),
        im.peak_sessions, im.peak_sessions);
}

// `show channels [as json]` with the columns FreeSWITCH's channels view has.
std::string show_channels(const Switch::Impl& im, bool json) {
    static constexpr const char* k_cols[] = {"uuid", "direction", "created", "created_epoch", "name", "state",
                                             "cid_name", "cid_num", "ip_addr", "dest", "application",
                                             "application_data", "dialplan", "context", "read_codec", "read_rate",
                                             "read_bit_rate", "write_codec", "write_rate", "write_bit_rate", "secure",
                                             "hostname", "presence_id", "presence_data", "accountcode", "callstate",
                                             "callee_name", "callee_num", "callee_direction", "call_uuid"};
    std::vector<std::vector<std::string>> rows;
    for (const auto& [uuid, call] : im.calls) {
        const Channel& ch = call->ch;
        const auto& p = ch.profile();
        const auto created_s = p.created_us / 1000000;
        rows.push_back({uuid, p.direction, esl::event_date_local(p.created_us), std::to_string(created_s), ch.name(),
                        std::string(state_name(ch.state())), p.caller_id_name, p.caller_id_number, p.network_addr,
                        p.destination_number, call->app, call->app_arg, p.dialplan, p.context, "L16", "8000", "128000",
                        "L16", "8000", "128000", "", im.config.server.identity.hostname, "", "", "",
                        std::string(call_state_name(ch.call_state())), "", "", "", uuid});
    }
    std::string out;
    if (json) {
        if (rows.empty()) {
            return "{\"row_count\":0}\n";
        }
        out = fmt::format("{{\"row_count\":{},\"rows\":[", rows.size());
        for (std::size_t r = 0; r < rows.size(); ++r) {
            out += r == 0 ? "{" : ",{";
            for (std::size_t c = 0; c < std::size(k_cols); ++c) {
                if (c != 0) {
                    out.push_back(',');
                }
                jsonl::append_json_string(out, k_cols[c]);
                out.push_back(':');
                jsonl::append_json_string(out, rows[r][c]);
            }
            out.push_back('}');
        }
        out += "]}\n";
        return out;
    }
    for (std::size_t c = 0; c < std::size(k_cols); ++c) {
        out += c == 0 ? "" : ",";
        out += k_cols[c];
    }
    out.push_back('\n');
    for (const auto& row : rows) {
        for (std::size_t c = 0; c < row.size(); ++c) {
            out += c == 0 ? "" : ",";
            out += row[c];
        }
        out.push_back('\n');
    }
    out += fmt::format("\n{} total.\n", rows.size());
    return out;
}

// Splits "uuid rest…" at the first space.
std::pair<std::string, std::string> first_word(std::string_view s) {
    while (!s.empty() && s.front() == ' ') {
        s.remove_prefix(1);
    }
    const auto sp = s.find(' ');
    if (sp == std::string_view::npos) {
        return {std::string(s), ""};
    }
    std::string_view rest = s.substr(sp + 1);
    while (!rest.empty() && rest.front() == ' ') {
        rest.remove_prefix(1);
    }
    return {std::string(s.substr(0, sp)), std::string(rest)};
}

}  // namespace

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Switch::Impl::Impl(core::Loop& l, SwitchConfig c) : loop(l), config(std::move(c)), server(l, config.server) {}

void Switch::Impl::emit(const Channel& ch, std::string_view name, esl::CallSite site, const HeaderList& before,
                        const HeaderList& after, std::string_view subclass) {
    esl::EventData e = server.stamper().create(name, site, subclass);
    for (const auto& [k, v] : before) {
        e.add(k, v);
    }
    HeaderList data;
    ch.append_event_data(data, event_carries_variables(name));
    for (const auto& [k, v] : data) {
        e.add(k, v);
    }
    for (const auto& [k, v] : after) {
        e.add(k, v);
    }
    server.broadcast(e);
    if (auto it = calls.find(ch.uuid()); it != calls.end() && it->second->sink) {
        it->second->sink(e);
    }
}

std::string Switch::Impl::kill(std::string_view uuid, std::string_view cause_text) {
    auto it = calls.find(uuid);
    if (it == calls.end()) {
        return "-ERR No such channel!\n";
    }
    std::string cause = "NORMAL_CLEARING";
    if (!cause_text.empty()) {
        cause = std::string(esl::cause_name(esl::str2cause(cause_text)));
    }
    auto call = it->second;
    hangup_call(*this, call, cause);
    return "+OK\n";
}

void Switch::Impl::dispatch_api(const esl::InboundServer::ApiCall& call, esl::InboundServer::ApiDone done) {
    const std::string& cmd = call.command;
    const std::string args = call.args.value_or("");
    {
        // switch_api_execute fires an API event for every command.
        esl::EventData e =
            server.stamper().create("API", esl::CallSite{"switch_loadable_module.c", "switch_api_execute", 2954});
        e.add("API-Command", cmd);
        if (call.args) {
            e.add("API-Command-Argument", *call.args);
        }
        server.broadcast(e);
    }
    auto reply = [&](std::string text) { done(esl::InboundServer::ApiOutput{std::move(text), true}); };
    if (cmd == "status") {
        reply(status_text(*this));
    } else if (cmd == "version") {
        reply(std::string(k_version));
    } else if (cmd == "db") {
        if (!db) {
            reply("!err!");
            return;
        }
        auto r = db->api(args);
        reply(r ? *r : std::string("!err!"));
    } else if (cmd == "show") {
        if (args == "channels" || args == "channels as json") {
            reply(show_channels(*this, args.size() > 8));
        } else {
            reply("-USAGE: show channels [as json]\n");
        }
    } else if (cmd == "uuid_kill") {
        const auto [uuid, cause] = first_word(args);
        reply(uuid.empty() ? std::string("-USAGE: <uuid> [cause]\n") : kill(uuid, cause));
    } else if (cmd == "hupall") {
        const auto [cause_word, rest] = first_word(args);
        const std::string cause =
            cause_word.empty() ? "NORMAL_CLEARING" : std::string(esl::cause_name(esl::str2cause(cause_word)));
        std::vector<std::string> uuids;
        for (const auto& [uuid, c] : calls) {
            uuids.push_back(uuid);
        }
        for (const auto& uuid : uuids) {
            kill(uuid, cause);
        }
        reply(fmt::format("+OK hangup all channels with cause {}\n", cause));
    } else if (cmd == "uuid_getvar") {
        const auto [uuid, var] = first_word(args);
        auto it = calls.find(uuid);
        if (it == calls.end()) {
            reply("-ERR No such channel!\n");
        } else {
            const auto v = it->second->ch.variable(var);
            reply(v ? std::string(*v) : std::string("_undef_"));
        }
    } else if (cmd == "uuid_dump") {
        const auto [uuid, format] = first_word(args);
        auto it = calls.find(uuid);
        if (it == calls.end()) {
            reply("-ERR No such channel!\n");
            return;
        }
        HeaderList data;
        it->second->ch.append_event_data(data, true);
        std::string out;
        out += fmt::format("Event-Name: CHANNEL_DATA\n");
        for (const auto& [k, v] : data) {
            out += k + ": " + v + "\n";
        }
        reply(out);
    } else if (cmd == "originate") {
        originate(args, std::move(done));
    } else if (cmd == "fax-sim") {
        // fax-sim's own command: `fax-sim call <options>` (fax-sim(1)).
        const auto [sub, rest] = first_word(args);
        if (sub != "call") {
            reply("-USAGE: fax-sim call --to NUMBER --from NUMBER --file TIFF [options]\n");
            return;
        }
        auto opts = parse_call_arguments(rest);
        if (!opts) {
            reply(fmt::format("-ERR {}\n", opts.error().message));
            return;
        }
        incoming_call(std::move(*opts), [done = std::move(done)](core::Result<IncomingCallResult> r) {
            done(esl::InboundServer::ApiOutput{r ? call_record(*r) + "\n" : fmt::format("-ERR {}\n", r.error().message),
                                               true});
        });
    } else {
        done(esl::InboundServer::ApiOutput{"", false});
    }
}

Switch::Switch(core::Loop& loop, SwitchConfig config) : m_impl(std::make_shared<Impl>(loop, std::move(config))) {}

Switch::~Switch() = default;

core::Result<void> Switch::start(bool listen) {
    auto& im = *m_impl;
    im.started_us = now_us();
    if (!im.config.db_path.empty()) {
        auto db = store::FsDb::open(im.config.db_path,
                                    im.config.server.identity.switchname.empty() ? "fax-sim"
                                                                                 : im.config.server.identity.switchname);
        if (!db) {
            return std::move(db).error();
        }
        im.db.emplace(std::move(*db));
    }
    std::weak_ptr<Impl> weak = m_impl;
    im.server.on_api([weak](const esl::InboundServer::ApiCall& call, esl::InboundServer::ApiDone done) {
        if (auto self = weak.lock()) {
            self->dispatch_api(call, std::move(done));
        }
    });
    im.server.on_channel_exists([weak](std::string_view uuid) {
        auto self = weak.lock();
        return self && self->calls.find(uuid) != self->calls.end();
    });
    if (!listen) {
        return {};
    }
    return im.server.listen();
}

void Switch::call(IncomingCallOptions options, std::function<void(core::Result<IncomingCallResult>)> done) {
    m_impl->incoming_call(std::move(options), std::move(done));
}

std::uint16_t Switch::port() const noexcept { return m_impl->server.port(); }

void Switch::api(const std::string& command, const std::optional<std::string>& args,
                 std::function<void(std::string, bool)> done) {
    esl::InboundServer::ApiCall call;
    call.command = command;
    call.args = args;
    m_impl->dispatch_api(call, [done = std::move(done)](esl::InboundServer::ApiOutput out) {
        done(std::move(out.text), out.found);
    });
}

std::size_t Switch::channel_count() const noexcept { return m_impl->calls.size(); }

std::size_t Switch::connections() const noexcept { return m_impl->server.sockets(); }

void Switch::shutdown() {
    auto& im = *m_impl;
    std::vector<std::string> uuids;
    for (const auto& [uuid, c] : im.calls) {
        uuids.push_back(uuid);
    }
    for (const auto& uuid : uuids) {
        im.kill(uuid, "SYSTEM_SHUTDOWN");
    }
    im.server.shutdown();
}

}  // namespace fax::fax
