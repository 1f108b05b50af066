// fax-sim's incoming calls: FreeSWITCH's `socket host:port async full`
// (mod_event_socket's outbound mode, esl-protocol.md §4) played against an
// outbound-socket server such as fax-recv. The session is in socket_session.hpp.
#include "fax/socket_session.hpp"

namespace fax::fax {

namespace detail {

namespace asio = boost::asio;
using boost::system::error_code;

void Session::finish(core::Result<IncomingCallResult> r) {
    if (done) {
        auto fn = std::move(done);
        done = nullptr;
        fn(std::move(r));
    }
}

void Session::send(std::string bytes) {
    if (closed) {
        return;
    }
    outbox += bytes;
    flush();
}

void Session::flush() {
    if (writing_now || outbox.empty() || closed) {
        return;
    }
    writing.swap(outbox);
    outbox.clear();
    writing_now = true;
    auto self = shared_from_this();
    asio::async_write(socket, asio::buffer(writing), [self](const error_code& ec, std::size_t) {
        self->writing_now = false;
        self->writing.clear();
        if (ec) {
            self->close_socket();
            return;
        }
        self->flush();
    });
}

void Session::close_socket() {
    if (closed) {
        return;
    }
    closed = true;
    error_code ec;
    timer.cancel();
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket.close(ec);
    if (call && !call->finished) {
        // The controller went away: the channel continues the dialplan,
        // which for a fax-sim call means it hangs up.
        hangup_call(*sw, call, "NORMAL_CLEARING");
    }
}

void Session::send_goodbye_and_close() {
    send(fmt::format("Content-Type: text/disconnect-notice\nControlled-Session-UUID: {}\n"
                     "Content-Disposition: disconnect\nContent-Length: {}\n\n{}",
                     call->ch.uuid(), k_goodbye.size(), k_goodbye));
    auto self = shared_from_this();
    asio::post(sw->loop.impl().io, [self] { self->close_when_flushed(); });
}

void Session::close_when_flushed() {
    if (writing_now || !outbox.empty()) {
        auto self = shared_from_this();
        timer.expires_after(std::chrono::milliseconds(5));
        timer.async_wait([self](const error_code& ec) {
            if (!ec) {
                self->close_when_flushed();
            }
        });
        return;
    }
    close_socket();
}

bool Session::wants(const esl::EventData& e) const {
    const auto name = e.get("Event-Name").value_or("");
    if (name == "CHANNEL_DESTROY") {
        return false;  // the channel cannot be destroyed while the socket holds it
    }
    if (all_events) {
        return true;
    }
    if (name == "CUSTOM") {
        const auto sub = e.get("Event-Subclass").value_or("");
        return std::find(subclasses.begin(), subclasses.end(), sub) != subclasses.end();
    }
    if (myevents && in_myevents(name)) {
        return true;
    }
    return std::find(event_names.begin(), event_names.end(), name) != event_names.end();
}

void Session::deliver(const esl::EventData& e) {
    if (!connected || closed || !wants(e)) {
        return;
    }
    const auto headers = e.headers();
    const auto& body = e.body();
    send(esl::event_message(format, headers,
                            body ? esl::Body(std::string_view(*body)) : esl::Body(std::nullopt)));
}

void Session::start() {
    auto self = shared_from_this();
    asio::ip::tcp::resolver resolver(sw->loop.impl().io);
    error_code ec;
    auto endpoints = resolver.resolve(opts.host, std::to_string(opts.port), ec);
    if (ec) {
        finish(core::make_error(core::Errc::unavailable, fmt::format("cannot resolve {}: {}", opts.host, ec.message())));
        return;
    }
    asio::async_connect(socket, endpoints, [self](const error_code& e, const auto&) {
        if (e) {
            self->finish(core::make_error(core::Errc::unavailable, fmt::format("cannot connect to {}:{}: {}",
                                                                               self->opts.host, self->opts.port,
                                                                               e.message())));
            return;
        }
        error_code ignore;
        self->socket.set_option(asio::ip::tcp::no_delay(true), ignore);
        if (self->adopted) {
            self->adopt_channel();
        } else {
            self->create_channel();
        }
        self->timer.expires_after(self->opts.connect_timeout);
        self->timer.async_wait([self](const error_code& te) {
            if (!te && !self->connected) {
                // FreeSWITCH: "Socket Error!" and the call continues without the socket.
                self->close_socket();
            }
        });
        self->read();
    });
}

void Session::adopt_channel() {
    call = adopted;
    Channel& ch = call->ch;
    ch.set_variable("socket_host", opts.host);
    ch.set_variable("current_application_data", fmt::format("{}:{} async full", opts.host, opts.port));
    ch.set_variable("current_application", "socket");
    call->app = "socket";
    result.uuid = ch.uuid();
    auto self = shared_from_this();
    call->sink = [weak = std::weak_ptr<Session>(self)](const esl::EventData& e) {
        if (auto s = weak.lock()) {
            s->deliver(e);
        }
    };
    call->on_finished = [weak = std::weak_ptr<Session>(self)] {
        if (auto s = weak.lock()) {
            s->ended();
        }
    };
}

void Session::create_channel() {
    CallerProfile p;
    p.direction = "inbound";
    p.logical_direction = "inbound";
    p.username = opts.from;
    p.caller_id_name = opts.from_name.empty() ? opts.from : opts.from_name;
    p.caller_id_number = opts.from;
    p.orig_caller_id_name = p.caller_id_name;
    p.orig_caller_id_number = p.caller_id_number;
    p.network_addr = "127.0.0.1";
    p.ani = opts.from;
    p.destination_number = opts.to;
    p.source = "mod_sofia";
    p.context = "public";
    p.created_us = p.profile_created_us = now_us();
    const std::string uuid = core::random_uuid();
    call = std::make_shared<Call>(sw, Channel(uuid, fmt::format("sofia/external/{}@127.0.0.1", opts.from), p));
    Channel& ch = call->ch;
    ch.set_variable("direction", "inbound");
    ch.set_variable("uuid", uuid);
    ch.set_variable("session_id", std::to_string(sw->sessions_since_start + 1));
    ch.set_variable("sip_from_user", opts.from);
    ch.set_variable("sip_to_user", opts.to);
    ch.set_variable("sip_req_user", opts.to);
    ch.set_variable("sip_gateway", opts.gateway);
    ch.set_variable("sip_gateway_name", opts.gateway);
    if (opts.diversion) {
        ch.set_variable("sip_h_Diversion", fmt::format("<sip:{}@127.0.0.1>;reason=unconditional", *opts.diversion));
    }
    ch.set_variable("call_uuid", uuid);
    ch.set_variable("socket_host", opts.host);
    ch.set_variable("current_application_data", fmt::format("{}:{} async full", opts.host, opts.port));
    ch.set_variable("current_application", "socket");
    ch.set_state(ChannelState::cs_execute);
    ch.set_call_state(CallState::ringing);
    call->app = "socket";
    result.uuid = uuid;
    auto self = shared_from_this();
    call->sink = [weak = std::weak_ptr<Session>(self)](const esl::EventData& e) {
        if (auto s = weak.lock()) {
            s->deliver(e);
        }
    };
    call->on_finished = [weak = std::weak_ptr<Session>(self)] {
        if (auto s = weak.lock()) {
            s->ended();
        }
    };
    sw->calls.emplace(uuid, call);
    ++sw->sessions_since_start;
    sw->peak_sessions = std::max(sw->peak_sessions, sw->calls.size());
    sw->emit(ch, "CHANNEL_CREATE", k_create);
}

void Session::read() {
    auto self = shared_from_this();
    socket.async_read_some(asio::buffer(buf), [self](const error_code& ec, std::size_t n) {
        if (self->closed) {
            return;
        }
        if (n > 0) {
            self->parser.feed(std::string_view(self->buf.data(), n));
            esl::Command cmd;
            while (!self->closed) {
                auto got = self->parser.next(cmd);
                if (!got || !*got) {
                    break;
                }
                self->command(cmd);
            }
        }
        if (ec) {
            self->close_socket();
            return;
        }
        self->read();
    });
}

std::string Session::first_line(const esl::Command& c) {
    std::string_view b = c.block;
    const auto nl = b.find('\n');
    std::string_view line = b.substr(0, nl);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
        line.remove_suffix(1);
    }
    return std::string(line);
}

std::vector<std::string> Session::words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        const auto sp = s.find(' ', pos);
        const auto end = sp == std::string_view::npos ? s.size() : sp;
        if (end > pos) {
            out.emplace_back(s.substr(pos, end - pos));
        }
        pos = end + 1;
    }
    return out;
}

void Session::command(const esl::Command& c) {
    const std::string line = first_line(c);
    const auto w = words(line);
    const std::string verb = w.empty() ? "" : w[0];
    if (!connected) {
        if (verb != "connect") {
            return;  // FreeSWITCH runs it but never answers before `connect`
        }
        connected = true;
        timer.cancel();
        // The CHANNEL_DATA event (standard headers, then the channel data),
        // serialized plain and closed as a command/reply (outbound-session.txt).
        esl::EventData e = sw->server.stamper().create(
            "CHANNEL_DATA", esl::CallSite{"mod_event_socket.c", "parse_command", 2021});
        HeaderList data;
        call->ch.append_channel_data(data);
        for (const auto& [k, v] : data) {
            e.add(k, v);
        }
        std::string out;
        esl::append_plain(out, e.headers(), std::nullopt);
        if (!out.empty() && out.back() == '\n') {
            out.pop_back();  // the blank line comes after the reply headers
        }
        out += "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n";
        send(std::move(out));
        return;
    }
    if (verb == "myevents") {
        myevents = true;
        if (w.size() > 1 && (w.back() == "json" || w.back() == "xml")) {
            format = w.back() == "json" ? esl::EventFormat::json : esl::EventFormat::xml;
        }
        reply("+OK Events Enabled");
    } else if (verb == "event") {
        std::size_t i = 1;
        if (i < w.size() && (w[i] == "plain" || w[i] == "json" || w[i] == "xml")) {
            format = w[i] == "json" ? esl::EventFormat::json
                                    : (w[i] == "xml" ? esl::EventFormat::xml : esl::EventFormat::plain);
            ++i;
        }
        bool custom = false;
        for (; i < w.size(); ++i) {
            if (custom) {
                subclasses.push_back(w[i]);
            } else if (w[i] == "CUSTOM") {
                custom = true;
            } else if (w[i] == "ALL") {
                all_events = true;
            } else {
                event_names.push_back(w[i]);
            }
        }
        reply(fmt::format("+OK event listener enabled {}", esl::format_name(format)));
    } else if (verb == "linger") {
        if (w.size() > 1) {
            linger = std::atoi(w[1].c_str());
            reply(fmt::format("+OK will linger {} seconds", *linger));
        } else {
            linger = -1;
            reply("+OK will linger");
        }
    } else if (verb == "nolinger") {
        linger.reset();
        reply("+OK will not linger");
    } else if (verb == "filter") {
        reply(w.size() >= 3 ? fmt::format("+OK filter added. [{}]=[{}]", w[1], w[2]) : "+OK filter added.");
    } else if (verb == "sendmsg") {
        sendmsg(c);
    } else if (verb == "exit") {
        reply("+OK bye");
        send_goodbye_and_close();
    } else if (verb == "api" || verb == "bgapi") {
        api(verb == "bgapi", line.substr(verb.size() + (line.size() > verb.size() ? 1 : 0)));
    } else {
        reply("-ERR command not found");
    }
}

void Session::api(bool background, std::string text) {
    const auto sp = text.find(' ');
    esl::InboundServer::ApiCall ac;
    ac.command = text.substr(0, sp);
    if (sp != std::string::npos) {
        ac.args = text.substr(sp + 1);
    }
    auto self = shared_from_this();
    if (background) {
        reply(fmt::format("+OK Job-UUID: {}", core::random_uuid()));
        sw->dispatch_api(ac, [](esl::InboundServer::ApiOutput) {});
        return;
    }
    sw->dispatch_api(ac, [self, cmd = ac.command](esl::InboundServer::ApiOutput out) {
        std::string body = out.found ? out.text : fmt::format("-ERR {} Command not found!\n", cmd);
        if (body.empty()) {
            body = "-ERR no reply\n";
        }
        self->send(fmt::format("Content-Type: api/response\nContent-Length: {}\n\n{}", body.size(), body));
    });
}

void Session::sendmsg(const esl::Command& c) {
    const std::string cc(c.header("call-command").value_or(""));
    Exec e;
    if (cc == "execute") {
        e.app = std::string(c.header("execute-app-name").value_or(""));
        e.arg = std::string(c.header("execute-app-arg").value_or(""));
        if (e.arg.empty() && c.body) {
            e.arg = *c.body;
        }
        e.event_uuid = std::string(c.header("Event-UUID").value_or(""));
        if (e.event_uuid.empty()) {
            e.event_uuid = core::random_uuid();
        }
    } else if (cc == "hangup") {
        e.hangup = true;
        e.cause = std::string(c.header("hangup-cause").value_or("NORMAL_CLEARING"));
    } else {
        reply("+OK");
        return;
    }
    reply("+OK");
    queue.push_back(std::move(e));
    run_next();
}

void Session::run_next() {
    if (app_running || queue.empty() || !call || call->finished) {
        return;
    }
    Exec e = std::move(queue.front());
    queue.pop_front();
    if (e.hangup) {
        hangup_call(*sw, call, e.cause);
        return;
    }
    app_running = true;
    Channel& ch = call->ch;
    ch.set_variable("current_application_data", e.arg);
    ch.set_variable("current_application", e.app);
    sw->emit(ch, "CHANNEL_EXECUTE", k_execute, {},
             {{"Application", e.app}, {"Application-Data", e.arg}, {"Application-UUID", e.event_uuid}});
    auto self = shared_from_this();
    auto complete_after = [self, e](std::chrono::milliseconds delay) {
        self->timer.expires_after(delay);
        self->timer.async_wait([self, e](const error_code& ec) {
            if (!ec) {
                self->complete(e, "_none_");
            }
        });
    };
    if (e.app == "answer" || e.app == "pre_answer") {
        answer();
        complete(e, "_none_");
    } else if (e.app == "ring_ready") {
        complete(e, "_none_");
    } else if (e.app == "sleep") {
        complete_after(std::chrono::milliseconds(std::atoi(e.arg.c_str())));
    } else if (e.app == "playback" && e.arg.rfind("silence_stream://", 0) == 0) {
        if (!call->ch.profile().answered_us) {
            answer();
        }
        complete_after(std::chrono::milliseconds(std::atoi(e.arg.c_str() + 17)));
    } else if (e.app == "set") {
        const auto eq = e.arg.find('=');
        if (eq != std::string::npos) {
            ch.set_variable(e.arg.substr(0, eq), e.arg.substr(eq + 1));
        }
        complete(e, "_none_");
    } else if (e.app == "respond") {
        const int code = std::atoi(e.arg.c_str());
        complete(e, "_none_");
        hangup_call(*sw, call, esl::cause_name(esl::sip_status_to_cause(code)));
    } else if (e.app == "rxfax") {
        rxfax(e);
    } else if (e.app == "txfax") {
        txfax(e);
    } else if (e.app == "hangup") {
        complete(e, "_none_");
        hangup_call(*sw, call, e.arg.empty() ? "NORMAL_CLEARING" : e.arg);
    } else {
        complete(e, "_none_");
    }
}

void Session::answer() {
    Channel& ch = call->ch;
    if (ch.profile().answered_us != 0) {
        return;
    }
    ch.answer(now_us());
    sw->emit(ch, "CHANNEL_ANSWER", k_answer);
    ch.set_call_state(CallState::active);
}

void Session::complete(const Exec& e, std::string_view response) {
    if (!call || call->finished) {
        return;
    }
    app_running = false;
    sw->emit(call->ch, "CHANNEL_EXECUTE_COMPLETE", k_execute_complete, {},
             {{"Application", e.app},
              {"Application-Data", e.arg},
              {"Application-Response", std::string(response)},
              {"Application-UUID", e.event_uuid}});
    run_next();
}

void Session::ended() {
    result.hangup_cause = call->ch.hangup_cause().value_or("NORMAL_CLEARING");
    finish(result);
    if (closed) {
        return;
    }
    if (!linger) {
        send_goodbye_and_close();
        return;
    }
    send(fmt::format("Content-Type: text/disconnect-notice\nControlled-Session-UUID: {}\n"
                     "Content-Disposition: linger\nChannel-Name: {}\nLinger-Time: {}\nContent-Length: 0\n\n",
                     call->ch.uuid(), call->ch.name(), *linger));
    const auto wait = *linger < 0 ? opts.linger_cap : std::chrono::milliseconds(*linger * 1000);
    auto self = shared_from_this();
    timer.expires_after(wait);
    timer.async_wait([self](const error_code& ec) {
        if (!ec) {
            self->send_goodbye_and_close();
        }
    });
}

}  // namespace detail

using detail::Session;

void Switch::Impl::attach_socket(const std::shared_ptr<Call>& call, IncomingCallOptions options) {
    auto s = std::make_shared<Session>(shared_from_this(), std::move(options));
    s->adopted = call;
    std::weak_ptr<Switch::Impl> weak = shared_from_this();
    s->done = [weak, call](core::Result<IncomingCallResult> r) {
        // No server to connect to: the socket app returns ("Socket Error!")
        // and the originated leg, with nothing left to run, hangs up.
        auto self = weak.lock();
        if (!r && self && !call->finished) {
            hangup_call(*self, call, "NORMAL_CLEARING");
        }
    };
    s->start();
}

void Switch::Impl::incoming_call(IncomingCallOptions options,
                                 std::function<void(core::Result<IncomingCallResult>)> done) {
    auto s = std::make_shared<Session>(shared_from_this(), std::move(options));
    s->done = std::move(done);
    s->start();
}

}  // namespace fax::fax
