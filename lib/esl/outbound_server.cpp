#include "esl/outbound_server.hpp"

#include <cerrno>
#include <map>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "core/loop_asio.hpp"
#include "esl/listener_asio.hpp"
#include "core/uuid.hpp"
#include "esl/command.hpp"
#include "esl/connection_asio.hpp"

namespace fax::esl {

namespace asio = boost::asio;
using boost::system::error_code;

struct OutboundSession::Impl {
    Impl(core::Loop& l, std::shared_ptr<Connection> c, const OutboundConfig& cfg)
        : loop(l), conn(std::move(c)), config(cfg), idle(l.impl().io), hangup_timer(l.impl().io) {}

    core::Loop& loop;
    std::shared_ptr<Connection> conn;
    OutboundConfig config;
    asio::steady_timer idle;
    asio::steady_timer hangup_timer;
    Event channel;
    std::string uuid;
    EventFn on_event;
    CloseFn on_close;
    std::map<std::string, ExecuteFn, std::less<>> executes;
    bool hung_up = false;
    bool hangup_complete = false;  ///< CHANNEL_HANGUP_COMPLETE seen; closing once no reply is due
    bool closed = false;
    std::function<void()> on_closed_internal;

    void touch(const std::shared_ptr<Impl>& self) {
        if (config.idle_timeout.count() == 0) {
            return;
        }
        idle.expires_after(config.idle_timeout);
        std::weak_ptr<Impl> weak = self;
        idle.async_wait([weak](const error_code& ec) {
            auto s = weak.lock();
            if (s && !ec) {
                s->end(core::make_error(core::Errc::temporary,
                                        fmt::format("call {} idle for {} ms", s->uuid, s->config.idle_timeout.count())));
            }
        });
    }

    void start_hangup_timer(const std::shared_ptr<Impl>& self) {
        if (hung_up) {
            return;
        }
        hung_up = true;
        hangup_timer.expires_after(config.hangup_timeout);
        std::weak_ptr<Impl> weak = self;
        hangup_timer.async_wait([weak](const error_code& ec) {
            auto s = weak.lock();
            if (s && !ec) {
                s->end(core::make_error(core::Errc::temporary,
                                        fmt::format("call {}: no CHANNEL_HANGUP_COMPLETE within {} ms", s->uuid,
                                                    s->config.hangup_timeout.count())));
            }
        });
    }

    void message(const std::shared_ptr<Impl>& self, Message& m) {
        touch(self);
        const std::string_view ct = m.content_type();
        if (header_name_equal(ct, "text/disconnect-notice")) {
            const auto disp = m.header("Content-Disposition").value_or("");
            if (header_name_equal(disp, "linger")) {
                start_hangup_timer(self);
            }
            return;
        }
        if (ct.rfind("text/event-", 0) != 0) {
            return;
        }
        // One event object for all sessions of the (single-threaded) loop: an
        // event is handed out for the duration of the callbacks only.
        thread_local Event event;
        if (!event.take(m)) {
            return;
        }
        const std::string_view name = event.name();
        if (name == "CHANNEL_EXECUTE_COMPLETE") {
            auto it = executes.find(event.get("Application-UUID"));
            if (it != executes.end()) {
                auto fn = std::move(it->second);
                executes.erase(it);
                if (fn) {
                    fn(&event);
                }
                if (closed) {
                    return;
                }
            }
        } else if (name == "CHANNEL_HANGUP") {
            start_hangup_timer(self);
        }
        if (on_event) {
            on_event(event);
        }
        if (!closed && name == "CHANNEL_HANGUP_COMPLETE") {
            hangup_complete = true;
            end_if_done();
        }
    }

    /// After CHANNEL_HANGUP_COMPLETE: ends the session once no command reply
    /// is due. A command sent shortly before the hangup (an `api db insert`
    /// after the fax result) is answered while FreeSWITCH lingers; closing
    /// first would lose its reply. The reply timeout bounds the wait.
    void end_if_done() {
        if (closed || !hangup_complete || (conn && conn->pending() > 0)) {
            return;
        }
        end(core::make_error(core::Errc::unavailable, fmt::format("call {} hung up", uuid)));
    }

    void end(const core::Error& why) {
        if (closed) {
            return;
        }
        closed = true;
        idle.cancel();
        hangup_timer.cancel();
        if (conn) {
            conn->set_handlers(nullptr, nullptr);
            conn->close();
        }
        auto ex = std::move(executes);
        executes.clear();
        for (auto& [id, fn] : ex) {
            if (fn) {
                fn(core::make_error(core::Errc::unavailable, fmt::format("session ended before execute {} completed: {}", id,
                                                                         why.message)));
            }
        }
        if (on_close) {
            auto fn = std::move(on_close);
            on_close = nullptr;
            fn(why);
        }
        on_event = nullptr;
        if (on_closed_internal) {
            auto fn = std::move(on_closed_internal);
            on_closed_internal = nullptr;
            fn();
        }
    }
};

OutboundSession::OutboundSession(std::shared_ptr<Impl> impl) : m_impl(std::move(impl)) {}
OutboundSession::~OutboundSession() = default;

const Event& OutboundSession::channel_data() const noexcept { return m_impl->channel; }
std::string_view OutboundSession::uuid() const noexcept { return m_impl->uuid; }
void OutboundSession::drop_channel_data() noexcept { (void)std::exchange(m_impl->channel, Event()); }
void OutboundSession::on_event(EventFn fn) { m_impl->on_event = std::move(fn); }
void OutboundSession::on_close(CloseFn fn) { m_impl->on_close = std::move(fn); }
bool OutboundSession::hung_up() const noexcept { return m_impl->hung_up; }
void OutboundSession::close() { m_impl->end(core::make_error(core::Errc::unavailable, "closed by us")); }

void OutboundSession::command(std::string bytes, ReplyFn fn) {
    if (m_impl->closed) {
        if (fn) {
            fn(core::make_error(core::Errc::unavailable, "session closed"));
        }
        return;
    }
    std::weak_ptr<Impl> weak = m_impl;
    m_impl->conn->send(std::move(bytes), [weak, fn = std::move(fn)](core::Result<const Message*> r) {
        if (fn) {
            if (!r) {
                fn(r.error());
            } else {
                Reply rep;
                rep.text.assign((*r)->header("Reply-Text").value_or(""));
                if (header_name_equal((*r)->content_type(), "api/response")) {
                    rep.text.assign((*r)->body());
                }
                fn(std::move(rep));
            }
        }
        if (auto s = weak.lock(); s && r) {
            s->end_if_done();
        }
    });
}

void OutboundSession::subscribe_call_events(std::vector<std::string> custom_subclasses, ReplyFn fn) {
    auto first_error = std::make_shared<std::optional<core::Error>>();
    auto check = [first_error](core::Result<Reply> r) {
        if (first_error->has_value()) {
            return;
        }
        if (!r) {
            *first_error = r.error();
        } else if (!r->ok()) {
            *first_error = core::make_error(core::Errc::protocol, fmt::format("FreeSWITCH refused a command: {}", r->text));
        }
    };
    command(*cmd::myevents(), check);
    if (!custom_subclasses.empty()) {
        std::vector<std::string> names{"CUSTOM"};
        names.insert(names.end(), custom_subclasses.begin(), custom_subclasses.end());
        auto bytes = cmd::event(EventFormat::plain, names);
        if (!bytes) {
            if (fn) {
                fn(std::move(bytes).error());
            }
            return;
        }
        command(std::move(*bytes), check);
    }
    command(*cmd::linger(), [first_error, check, fn = std::move(fn)](core::Result<Reply> r) {
        const bool failed = !r;
        check(r);
        if (!fn) {
            return;
        }
        if (first_error->has_value()) {
            fn(**first_error);
        } else if (!failed) {
            fn(std::move(r));
        }
    });
}

void OutboundSession::execute(std::string_view app, std::string_view arg, ExecuteFn fn) {
    const std::string id = core::random_uuid();
    cmd::Execute e;
    e.app = app;
    e.arg = arg;
    e.event_uuid = id;
    auto bytes = cmd::execute(e);
    if (!bytes) {
        fn(std::move(bytes).error());
        return;
    }
    if (m_impl->closed) {
        fn(core::make_error(core::Errc::unavailable, "session closed"));
        return;
    }
    m_impl->executes.emplace(id, std::move(fn));
    std::weak_ptr<Impl> weak = m_impl;
    command(std::move(*bytes), [weak, id](core::Result<Reply> r) {
        auto s = weak.lock();
        if (!s) {
            return;
        }
        auto it = s->executes.find(id);
        if (it == s->executes.end()) {
            return;
        }
        if (!r || !r->ok()) {
            auto f = std::move(it->second);
            s->executes.erase(it);
            f(!r ? std::move(r).error()
                 : core::make_error(core::Errc::protocol, fmt::format("execute refused: {}", r->text)));
        }
    });
}

struct OutboundServer::Impl : std::enable_shared_from_this<OutboundServer::Impl> {
    Impl(core::Loop& l, OutboundConfig c, SessionFn s, FailureFn f)
        : loop(l), config(std::move(c)), on_session(std::move(s)), on_failure(std::move(f)), acceptor(l.impl().io),
          retry(l.impl().io) {}

    core::Loop& loop;
    OutboundConfig config;
    SessionFn on_session;
    FailureFn on_failure;
    asio::ip::tcp::acceptor acceptor;
    asio::steady_timer retry;  ///< accept again after running out of descriptors
    std::map<OutboundSession::Impl*, std::shared_ptr<OutboundSession::Impl>> sessions;
    bool accepting = false;

    void fail(const core::Error& e) {
        if (on_failure) {
            on_failure(e);
        }
    }

    void accept() {
        auto self = shared_from_this();
        acceptor.async_accept([self](const error_code& ec, asio::ip::tcp::socket sock) {
            if (!self->accepting) {
                return;
            }
            if (!ec) {
                self->handshake(make_connection(std::move(sock)));
            } else if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
                       ec == asio::error::no_memory || ec.value() == ENFILE) {
                // The connection stays queued: accepting again at once would
                // spin. Try again when calls may have ended.
                self->fail(core::make_error(core::Errc::temporary, fmt::format("cannot accept a call: {}", ec.message())));
                self->retry.expires_after(std::chrono::milliseconds(100));
                self->retry.async_wait([self](const error_code& e) {
                    if (!e && self->accepting) {
                        self->accept();
                    }
                });
                return;
            }
            self->accept();
        });
    }

    void handshake(const std::shared_ptr<Connection>& conn) {
        auto self = shared_from_this();
        auto s = std::make_shared<OutboundSession::Impl>(loop, conn, config);
        conn->set_reply_timeout(config.connect_timeout);
        std::weak_ptr<OutboundSession::Impl> weak = s;
        conn->set_handlers(
            [weak](Message& m) {
                if (auto p = weak.lock()) {
                    p->message(p, m);
                }
            },
            [weak](const core::Error& why, bool) {
                if (auto p = weak.lock()) {
                    p->end(why);
                }
            });
        sessions.emplace(s.get(), s);
        std::weak_ptr<Impl> weak_server = self;
        OutboundSession::Impl* key = s.get();
        s->on_closed_internal = [weak_server, key] {
            if (auto srv = weak_server.lock()) {
                srv->loop.post([weak_server, key] {
                    if (auto srv2 = weak_server.lock()) {
                        srv2->sessions.erase(key);
                    }
                });
            }
        };
        conn->set_lean(true);  // thousands of calls wait in rxfax for minutes
        conn->start();
        conn->send(*cmd::connect(), [self, weak](core::Result<const Message*> r) {
            auto p = weak.lock();
            if (!p) {
                return;
            }
            if (!r) {
                self->fail(core::make_error(r.error().code, fmt::format("outbound connect: {}", r.error().message)));
                p->end(r.error());
                return;
            }
            p->channel.parse_headers_of(**r);
            p->uuid.assign(p->channel.unique_id());
            const auto reply = p->channel.get("Reply-Text");
            if (reply.rfind("+OK", 0) != 0 || p->uuid.empty()) {
                auto e = core::make_error(core::Errc::protocol,
                                          fmt::format("outbound connect refused or without Unique-ID: '{}'", reply));
                self->fail(e);
                p->end(e);
                return;
            }
            p->conn->set_reply_timeout(p->config.reply_timeout);
            p->touch(p);
            if (self->on_session) {
                self->on_session(std::make_shared<OutboundSession>(p));
            }
        });
    }
};

OutboundServer::OutboundServer(core::Loop& loop, OutboundConfig config, SessionFn on_session, FailureFn on_failure)
    : m_impl(std::make_shared<Impl>(loop, std::move(config), std::move(on_session), std::move(on_failure))) {}

OutboundServer::~OutboundServer() { stop_accepting(); }

core::Result<void> OutboundServer::listen() {
    auto& im = *m_impl;
    if (auto r = detail::open_listener(im.acceptor, im.config.host, im.config.port); !r) {
        return r;
    }
    im.accepting = true;
    im.accept();
    return {};
}

std::uint16_t OutboundServer::port() const noexcept {
    error_code ec;
    const auto ep = m_impl->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void OutboundServer::stop_accepting() {
    m_impl->accepting = false;
    m_impl->retry.cancel();
    error_code ec;
    m_impl->acceptor.close(ec);
}

std::size_t OutboundServer::open_sessions() const noexcept { return m_impl->sessions.size(); }

}  // namespace fax::esl
