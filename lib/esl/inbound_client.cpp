#include "esl/inbound_client.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <map>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "core/loop_asio.hpp"
#include "core/uuid.hpp"
#include "esl/command.hpp"
#include "esl/connection_asio.hpp"

namespace fax::esl {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

bool Reply::ok() const noexcept {
    return !(text.rfind("-ERR", 0) == 0 || text.rfind("-USAGE", 0) == 0);
}

namespace {

bool names_include(const std::vector<std::string>& names, std::string_view what) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return header_name_equal(n, what); });
}

Reply reply_of(const Message& m) {
    Reply r;
    if (header_name_equal(m.content_type(), "api/response")) {
        r.text.assign(m.body());
    } else {
        r.text.assign(m.header("Reply-Text").value_or(""));
        r.job_uuid.assign(m.header("Job-UUID").value_or(""));
    }
    return r;
}

}  // namespace

struct InboundClient::Impl : std::enable_shared_from_this<InboundClient::Impl> {
    enum class Phase { idle, connecting, awaiting_auth, ready, stopped };

    struct Queued {
        std::string bytes;
        Connection::ReplyFn fn;
        bool session = false;  ///< replayed after every reconnect once sent
    };

    Impl(core::Loop& l, ClientConfig c) : loop(l), config(std::move(c)), resolver(l.impl().io), timer(l.impl().io) {}

    core::Loop& loop;
    ClientConfig config;
    asio::ip::tcp::resolver resolver;
    asio::steady_timer timer;
    std::shared_ptr<Connection> conn;
    Phase phase = Phase::idle;
    unsigned attempt = 0;
    std::chrono::milliseconds backoff{0};
    EventFn on_event;
    StateFn on_state;
    std::function<void(const core::Error&)> on_bad_event;
    std::vector<std::string> session;  ///< applied session state, in order
    std::deque<Queued> queued;
    std::map<std::string, ReplyFn, std::less<>> jobs;
    EventFormat format = EventFormat::plain;
    bool user_wants_bg = false;
    bool bg_subscribed = false;
    std::size_t filters = 0;
    Event event;
    Clock::time_point last_rx{};
    bool probe_outstanding = false;

    void set_phase_timeout(const char* what) {
        timer.expires_after(config.timeout);
        std::weak_ptr<Impl> weak = shared_from_this();
        const unsigned at = attempt;
        timer.async_wait([weak, what, at](const error_code& ec) {
            auto self = weak.lock();
            if (!self || ec || self->attempt != at) {
                return;
            }
            if (self->phase == Phase::connecting || self->phase == Phase::awaiting_auth) {
                self->lost(core::make_error(core::Errc::unavailable,
                                            fmt::format("timed out after {} ms {} {}:{}", self->config.timeout.count(), what,
                                                        self->config.host, self->config.port)),
                           false, false);
            }
        });
    }

    void connect() {
        phase = Phase::connecting;
        ++attempt;
        set_phase_timeout("connecting to");
        auto self = shared_from_this();
        error_code literal_ec;
        const auto address = asio::ip::make_address(config.host, literal_ec);
        if (!literal_ec) {
            // An address (the usual 127.0.0.1): no lookup, so no resolver thread.
            connect_to(std::array{asio::ip::tcp::endpoint(address, config.port)});
            return;
        }
        resolver.async_resolve(config.host, std::to_string(config.port),
                               [self](const error_code& ec, asio::ip::tcp::resolver::results_type results) {
                                   if (self->phase != Phase::connecting) {
                                       return;
                                   }
                                   if (ec) {
                                       self->lost(core::make_error(core::Errc::unavailable,
                                                                   fmt::format("cannot resolve {}: {}", self->config.host, ec.message())),
                                                  false, false);
                                       return;
                                   }
                                   self->connect_to(results);
                               });
    }

    // Tries \a endpoints in turn (asio::async_connect).
    template <class Endpoints>
    void connect_to(const Endpoints& endpoints) {
        auto self = shared_from_this();
        auto sock = std::make_shared<asio::ip::tcp::socket>(loop.impl().io);
        asio::async_connect(*sock, endpoints, [self, sock](const error_code& ec, const auto&) {
            if (self->phase != Phase::connecting) {
                return;
            }
            if (ec) {
                self->lost(core::make_error(core::Errc::unavailable, fmt::format("cannot connect to {}:{}: {}", self->config.host,
                                                                                 self->config.port, ec.message())),
                           false, false);
                return;
            }
            self->connected(std::move(*sock));
        });
    }

    void connected(asio::ip::tcp::socket sock) {
        conn = make_connection(std::move(sock));
        conn->set_reply_timeout(config.timeout);
        phase = Phase::awaiting_auth;
        set_phase_timeout("waiting for auth/request from");
        std::weak_ptr<Impl> weak = shared_from_this();
        auto c = conn;
        conn->set_handlers(
            [weak](Message& m) {
                if (auto self = weak.lock()) {
                    self->message(m);
                }
            },
            [weak, c](const core::Error& why, bool orderly) {
                auto self = weak.lock();
                if (self && self->conn == c) {
                    self->lost(why, orderly, false);
                }
            });
        conn->start();
    }

    void message(Message& m) {
        last_rx = Clock::now();
        const std::string_view ct = m.content_type();
        if (phase == Phase::awaiting_auth) {
            if (header_name_equal(ct, "auth/request")) {
                authenticate();
            } else if (header_name_equal(ct, "text/rude-rejection")) {
                lost(core::make_error(core::Errc::permission,
                                      fmt::format("{}:{} refused the connection (ACL rude rejection: {})", config.host, config.port,
                                                  trim(m.body()))),
                     false, true);
            }
            return;
        }
        if (phase != Phase::ready || ct.rfind("text/event-", 0) != 0) {
            return;
        }
        if (auto r = event.take(m); !r) {
            // One bad event must not end the stream; it is reported and skipped.
            if (on_bad_event) {
                on_bad_event(r.error());
            }
            return;
        }
        if (event.name() == "BACKGROUND_JOB") {
            const auto job = event.get("Job-UUID");
            auto it = jobs.find(job);
            if (it != jobs.end()) {
                auto fn = std::move(it->second);
                jobs.erase(it);
                Reply r;
                r.text.assign(event.body());
                r.job_uuid.assign(job);
                if (filters > 0) {
                    if (auto bytes = cmd::filter_delete("Job-UUID", r.job_uuid)) {
                        conn->send(std::move(*bytes), nullptr);
                    }
                }
                if (fn) {
                    fn(std::move(r));
                }
            }
            if (!user_wants_bg) {
                return;
            }
        }
        if (on_event) {
            on_event(event);
        }
    }

    static std::string_view trim(std::string_view s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
            s.remove_suffix(1);
        }
        return s;
    }

    void authenticate() {
        auto bytes = cmd::auth(config.password);
        if (!bytes) {
            lost(core::make_error(core::Errc::config, "the password contains a line break"), false, true);
            return;
        }
        std::weak_ptr<Impl> weak = shared_from_this();
        conn->send(std::move(*bytes), [weak](core::Result<const Message*> r) {
            auto self = weak.lock();
            if (!self || !r) {
                return;  // connection loss is reported by the close handler
            }
            const auto text = (*r)->header("Reply-Text").value_or("");
            if (text.rfind("+OK", 0) != 0) {
                self->lost(core::make_error(core::Errc::permission,
                                            fmt::format("{}:{} refused the password ({})", self->config.host, self->config.port,
                                                        text)),
                           false, true);
                return;
            }
            self->ready();
        });
    }

    void ready() {
        phase = Phase::ready;
        timer.cancel();
        backoff = std::chrono::milliseconds{0};
        bg_subscribed = user_wants_bg;
        for (const auto& bytes : session) {
            conn->send(bytes, nullptr);
        }
        auto q = std::move(queued);
        queued.clear();
        for (auto& item : q) {
            if (item.session) {
                session.push_back(item.bytes);
            }
            conn->send(std::move(item.bytes), std::move(item.fn));
        }
        if (on_state) {
            ConnectionState st;
            st.connected = true;
            st.attempt = attempt;
            on_state(st);
        }
        arm_keepalive();
    }

    void arm_keepalive() {
        if (config.keepalive.count() == 0 || phase != Phase::ready) {
            return;
        }
        std::weak_ptr<Impl> weak = shared_from_this();
        auto c = conn;
        loop.after(config.keepalive, [weak, c] {
            auto self = weak.lock();
            if (!self || self->conn != c || self->phase != Phase::ready) {
                return;
            }
            if (Clock::now() - self->last_rx >= self->config.keepalive && !self->probe_outstanding) {
                self->probe_outstanding = true;
                c->send("api status\n\n", [weak](core::Result<const Message*>) {
                    if (auto s = weak.lock()) {
                        s->probe_outstanding = false;
                    }
                });
            }
            self->arm_keepalive();
        });
    }

    void lost(const core::Error& why, bool orderly, bool final_error) {
        if (phase == Phase::stopped) {
            return;
        }
        timer.cancel();
        error_code ec;
        resolver.cancel();
        auto c = std::move(conn);
        conn.reset();
        probe_outstanding = false;
        if (c) {
            c->set_handlers(nullptr, nullptr);
            c->close();
        }
        auto pending_jobs = std::move(jobs);
        jobs.clear();
        for (auto& [id, fn] : pending_jobs) {
            if (fn) {
                fn(core::make_error(core::Errc::unavailable, fmt::format("connection lost before job {} finished", id)));
            }
        }
        const bool again = config.reconnect && !final_error;
        if (!again) {
            auto q = std::move(queued);
            queued.clear();
            for (auto& item : q) {
                if (item.fn) {
                    item.fn(core::make_error(why.code, why.message));
                }
            }
        }
        ConnectionState st;
        st.connected = false;
        st.attempt = attempt;
        st.error = why;
        st.orderly = orderly;
        if (again) {
            backoff = backoff.count() == 0 ? config.backoff_initial : std::min(backoff * 2, config.backoff_max);
            st.retry_in_ms = backoff.count();
            phase = Phase::idle;
            std::weak_ptr<Impl> weak = shared_from_this();
            timer.expires_after(backoff);
            timer.async_wait([weak](const error_code& e) {
                auto self = weak.lock();
                if (self && !e && self->phase == Phase::idle) {
                    self->connect();
                }
            });
        } else {
            phase = Phase::stopped;
        }
        if (on_state && !stopping) {
            on_state(st);
        }
    }

    // Sends now when ready, else queues for the next connection; commands keep
    // their order either way.
    void issue(std::string bytes, Connection::ReplyFn fn, bool session_op = false) {
        if (phase == Phase::ready && conn) {
            if (session_op) {
                session.push_back(bytes);
            }
            conn->send(std::move(bytes), std::move(fn));
        } else if (phase == Phase::stopped) {
            if (fn) {
                fn(core::make_error(core::Errc::unavailable, "not connected"));
            }
        } else {
            queued.push_back(Queued{std::move(bytes), std::move(fn), session_op});
        }
    }

    static Connection::ReplyFn wrap(ReplyFn fn) {
        if (!fn) {
            return nullptr;
        }
        return [fn = std::move(fn)](core::Result<const Message*> r) {
            if (!r) {
                fn(std::move(r).error());
            } else {
                fn(reply_of(**r));
            }
        };
    }

    void session_op(core::Result<std::string> bytes, ReplyFn fn) {
        if (!bytes) {
            if (fn) {
                fn(std::move(bytes).error());
            }
            return;
        }
        issue(std::move(*bytes), wrap(std::move(fn)), true);
    }

    bool stopping = false;
};

InboundClient::InboundClient(core::Loop& loop, ClientConfig config)
    : m_impl(std::make_shared<Impl>(loop, std::move(config))) {}

InboundClient::~InboundClient() {
    m_impl->on_event = nullptr;
    m_impl->on_state = nullptr;
    stop();
}

void InboundClient::on_event(EventFn fn) { m_impl->on_event = std::move(fn); }
void InboundClient::on_state(StateFn fn) { m_impl->on_state = std::move(fn); }
void InboundClient::on_bad_event(std::function<void(const core::Error&)> fn) { m_impl->on_bad_event = std::move(fn); }

void InboundClient::start() {
    if (m_impl->phase == Impl::Phase::idle) {
        m_impl->connect();
    }
}

void InboundClient::stop() {
    auto& im = *m_impl;
    if (im.phase == Impl::Phase::stopped) {
        return;
    }
    im.config.reconnect = false;
    im.stopping = true;  // our own stop is not reported through on_state
    im.lost(core::make_error(core::Errc::unavailable, "client stopped"), true, true);
}

void InboundClient::subscribe(EventFormat format, std::vector<std::string> names, ReplyFn fn) {
    if (names.empty()) {
        names.emplace_back("ALL");
    }
    auto bytes = cmd::event(format, names);
    if (!bytes) {
        if (fn) {
            fn(std::move(bytes).error());
        }
        return;
    }
    m_impl->format = format;
    if (names_include(names, "ALL") || names_include(names, "BACKGROUND_JOB")) {
        m_impl->user_wants_bg = true;
        m_impl->bg_subscribed = true;
    }
    m_impl->session_op(std::move(bytes), std::move(fn));
}

void InboundClient::nixevent(std::vector<std::string> names, ReplyFn fn) {
    m_impl->session_op(cmd::nixevent(names), std::move(fn));
}

void InboundClient::noevents(ReplyFn fn) {
    auto& im = *m_impl;
    im.user_wants_bg = false;
    im.bg_subscribed = false;
    im.session_op(cmd::noevents(), std::move(fn));
    if (!im.jobs.empty()) {
        // Jobs still running need their BACKGROUND_JOB.
        im.bg_subscribed = true;
        im.session_op(cmd::event(im.format, {"BACKGROUND_JOB"}), nullptr);
    }
}

void InboundClient::add_filter(std::string header, std::string value, ReplyFn fn) {
    auto bytes = cmd::filter(header, value);
    if (bytes) {
        ++m_impl->filters;
    }
    m_impl->session_op(std::move(bytes), std::move(fn));
}

void InboundClient::delete_filter(std::string header, std::string value, ReplyFn fn) {
    if (m_impl->filters > 0) {
        --m_impl->filters;
    }
    m_impl->session_op(cmd::filter_delete(header, value), std::move(fn));
}

void InboundClient::api(std::string command, ReplyFn fn) {
    auto bytes = cmd::api(command);
    if (!bytes) {
        fn(std::move(bytes).error());
        return;
    }
    m_impl->issue(std::move(*bytes), Impl::wrap(std::move(fn)));
}

void InboundClient::bgapi(std::string command, ReplyFn fn) {
    auto& im = *m_impl;
    const std::string job = core::random_uuid();
    auto bytes = cmd::bgapi(command, job);
    if (!bytes) {
        fn(std::move(bytes).error());
        return;
    }
    if (!im.bg_subscribed) {
        // Needed to see the result; kept for reconnects, not shown to the user.
        im.bg_subscribed = true;
        im.session_op(cmd::event(im.format, {"BACKGROUND_JOB"}), nullptr);
    }
    if (im.filters > 0) {
        im.issue(*cmd::filter("Job-UUID", job), nullptr);
    }
    std::weak_ptr<Impl> weak = m_impl;
    im.jobs.emplace(job, std::move(fn));
    im.issue(std::move(*bytes), [weak, job](core::Result<const Message*> r) {
        auto self = weak.lock();
        if (!self) {
            return;
        }
        auto it = self->jobs.find(job);
        if (it == self->jobs.end()) {
            return;
        }
        if (!r) {
            return;  // the loss handler fails every pending job
        }
        const auto text = (*r)->header("Reply-Text").value_or("");
        if (text.rfind("+OK", 0) != 0) {
            auto fn2 = std::move(it->second);
            self->jobs.erase(it);
            Reply rep;
            rep.text.assign(text);
            rep.job_uuid = job;
            fn2(std::move(rep));
        }
    });
}

}  // namespace fax::esl
