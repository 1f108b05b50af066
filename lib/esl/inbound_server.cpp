#include "esl/inbound_server.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "core/loop_asio.hpp"
#include "esl/listener_asio.hpp"
#include "core/uuid.hpp"
#include "esl/inbound_listener.hpp"
#include "esl/serializer.hpp"

namespace fax::esl {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::string_view k_goodbye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
constexpr std::string_view k_rude = "Access Denied, go away.\n";
constexpr std::size_t k_write_batch = 256 * 1024;  // event bytes moved to the socket at once
// Replies not yet written above which no further command is read: a client
// that sends without reading meets TCP back-pressure, as with FreeSWITCH's
// blocking send().
constexpr std::size_t k_reply_backlog = 1024 * 1024;

}  // namespace

// --- QueuedEvent ------------------------------------------------------------------

QueuedEvent::QueuedEvent(const EventData& e) : m_data(e), m_headers(m_data.headers()) {
    m_size = m_data.body() ? m_data.body()->size() : 0;
    for (const auto& h : m_headers) {
        m_size += h.name.size() + h.value.size() + 4;
    }
}

const std::string& QueuedEvent::message(EventFormat f) {
    auto& msg = m_framed[static_cast<int>(f)];
    if (!msg) {
        const auto& b = m_data.body();
        msg = std::make_shared<const std::string>(
            event_message(f, m_headers, b ? std::optional<std::string_view>(*b) : std::optional<std::string_view>()));
    }
    return *msg;
}

// --- InboundListener: connection I/O -----------------------------------------

InboundListener::InboundListener(std::weak_ptr<InboundServer::Impl> server, asio::ip::tcp::socket socket,
                                 std::uint64_t id)
    : m_server(std::move(server)),
      m_socket(std::move(socket)),
      m_timer(m_socket.get_executor()),
      m_close_timer(m_socket.get_executor()),
      m_id(id) {}

void InboundListener::start(bool refused) {
    error_code ec;
    m_socket.set_option(asio::ip::tcp::no_delay(true), ec);
    if (refused) {
        m_outbox = fmt::format("Content-Type: text/rude-rejection\nContent-Length: {}\n\n{}", k_rude.size(), k_rude);
        finish(k_goodbye);
        return;
    }
    m_outbox = "Content-Type: auth/request\n\n";
    auto srv = m_server.lock();
    if (srv && srv->config.auth_timeout.count() > 0) {
        m_timer.expires_after(srv->config.auth_timeout);
        std::weak_ptr<InboundListener> weak = shared_from_this();
        m_timer.async_wait([weak](const error_code& ec2) {
            auto self = weak.lock();
            if (!ec2 && self && !self->m_got_first) {
                self->finish(k_goodbye);  // read_packet(…, 25) timed out
            }
        });
    }
    read();
    pump();
}

void InboundListener::read() {
    if (m_reading || m_closing || m_busy || m_peer_eof) {
        return;
    }
    m_reading = true;
    m_socket.async_read_some(asio::buffer(m_rbuf), [self = shared_from_this()](const error_code& ec, std::size_t n) {
        self->m_reading = false;
        if (self->m_closed || self->m_closing) {
            return;
        }
        if (n > 0) {
            self->m_parser.feed(std::string_view(self->m_rbuf.data(), n));
        }
        if (ec) {
            self->m_peer_eof = true;  // commands already received still run
        }
        self->process();
    });
}

void InboundListener::process() {
    if (m_processing || m_closed) {
        return;
    }
    m_processing = true;
    const auto backlogged = [this] { return m_outbox.size() + m_writing.size() > k_reply_backlog; };
    while (!m_closing && !m_busy && !backlogged()) {
        Command cmd;
        auto got = m_parser.next(cmd);
        if (!got) {
            finish(k_goodbye);
            break;
        }
        if (!*got) {
            break;
        }
        if (!m_got_first) {
            m_got_first = true;
            m_timer.cancel();
        }
        handle(cmd);
    }
    m_processing = false;
    if (!m_closing && !m_busy && !backlogged()) {
        if (m_peer_eof) {
            finish(k_goodbye);
        } else {
            read();
        }
    }
    pump();
}

void InboundListener::pump() {
    if (m_writing_now || m_closed) {
        return;
    }
    if (m_outbox.empty() && !m_busy && !m_closing) {
        drain_events(k_write_batch);
    }
    if (m_outbox.empty()) {
        if (m_close_after_write) {
            force_close();
        }
        return;
    }
    m_writing.swap(m_outbox);
    m_outbox.clear();
    m_writing_now = true;
    asio::async_write(m_socket, asio::buffer(m_writing), [self = shared_from_this()](const error_code& ec, std::size_t) {
        self->m_writing_now = false;
        self->m_writing.clear();
        if (ec) {
            self->force_close();
            return;
        }
        self->pump();
        if (!self->m_reading && !self->m_closing && !self->m_busy) {
            self->process();  // resumes reading after a reply backlog
        }
    });
}

void InboundListener::enqueue(const std::shared_ptr<QueuedEvent>& event) {
    auto srv = m_server.lock();
    if (!srv || m_closing) {
        return;
    }
    const auto& cfg = srv->config;
    if (m_events.size() >= cfg.max_queued_events || m_event_bytes + event->size() > cfg.max_queued_bytes) {
        if (++m_lost > cfg.max_lost_events) {
            finish("killed listener because of lost events\n");
        }
        return;
    }
    m_lost = 0;
    m_events.push_back(event);
    m_event_bytes += event->size();
    if (!m_processing) {
        pump();  // else after the command's reply: FreeSWITCH fires events through its queue
    }
}

void InboundListener::flush_events() {
    m_events.clear();
    m_event_bytes = 0;
}

void InboundListener::drain_events(std::size_t limit) {
    const EventFormat f = m_sub.format();
    while (!m_events.empty() && m_outbox.size() < limit) {
        m_outbox += m_events.front()->message(f);
        m_event_bytes -= m_events.front()->size();
        m_events.pop_front();
    }
}

std::string InboundListener::disconnect_notice(std::string_view message) const {
    if (message.empty()) {
        message = "Disconnected.\n";
    }
    if (const auto& s = m_sub.session()) {
        return fmt::format(
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: {}\nContent-Disposition: disconnect\n"
            "Content-Length: {}\n\n{}",
            *s, message.size(), message);
    }
    return fmt::format("Content-Type: text/disconnect-notice\nContent-Length: {}\n\n{}", message.size(), message);
}

void InboundListener::finish(std::string_view message, bool deliver_queued) {
    if (m_closing || m_closed) {
        return;
    }
    m_closing = true;
    m_timer.cancel();
    if (deliver_queued) {
        drain_events(std::string::npos);
    }
    flush_events();
    m_outbox += disconnect_notice(message);
    m_close_after_write = true;
    auto srv = m_server.lock();
    m_close_timer.expires_after(srv ? srv->config.close_grace : std::chrono::milliseconds(2000));
    std::weak_ptr<InboundListener> weak = shared_from_this();
    m_close_timer.async_wait([weak](const error_code& ec) {
        if (auto self = weak.lock(); self && !ec) {
            self->force_close();
        }
    });
    pump();
}

void InboundListener::force_close() {
    if (m_closed) {
        return;
    }
    m_closed = true;
    m_closing = true;
    error_code ec;
    m_timer.cancel();
    m_close_timer.cancel();
    m_socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    m_socket.close(ec);
    flush_events();
    if (auto srv = m_server.lock()) {
        srv->forget(m_id);
    }
}

void InboundListener::channel_hangup(std::string_view channel_name) {
    if (m_hung_up || m_closing) {
        return;
    }
    m_hung_up = true;
    if (!m_lingering) {
        finish(k_goodbye, true);
        return;
    }
    drain_events(std::string::npos);  // FreeSWITCH sends what is queued before the notice
    m_outbox += fmt::format(
        "Content-Type: text/disconnect-notice\nControlled-Session-UUID: {}\nContent-Disposition: linger\n"
        "Channel-Name: {}\nLinger-Time: {}\nContent-Length: 0\n\n",
        m_sub.session().value_or(""), channel_name, m_linger);
    if (m_linger >= 0) {
        // FreeSWITCH closes once the clock is past now + N seconds.
        m_timer.expires_after(std::chrono::seconds(m_linger) + std::chrono::milliseconds(500));
        std::weak_ptr<InboundListener> weak = shared_from_this();
        m_timer.async_wait([weak](const error_code& ec) {
            if (auto self = weak.lock(); self && !ec) {
                self->finish(k_goodbye, true);
            }
        });
    }
    pump();
}

// --- InboundServer::Impl -------------------------------------------------------

InboundServer::Impl::Impl(core::Loop& l, InboundServerConfig c)
    : loop(l), config(std::move(c)), stamper(config.identity), acceptor(l.impl().io) {}

void InboundServer::Impl::accept() {
    acceptor.async_accept([self = shared_from_this()](const error_code& ec, asio::ip::tcp::socket sock) {
        if (!self->accepting) {
            return;
        }
        if (!ec) {
            error_code ec2;
            const auto ep = sock.remote_endpoint(ec2);
            std::string ip = ec2 ? std::string() : ep.address().to_string();
            const bool refused = !self->acl.empty() && !self->acl.allows(ip);
            const std::uint64_t id = self->next_id++;
            auto l = std::make_shared<InboundListener>(self, std::move(sock), id);
            self->listeners.emplace(id, l);
            l->start(refused);
        } else if (ec != asio::error::operation_aborted) {
            // Out of descriptors or the like: try again a little later, not in a busy loop.
            std::weak_ptr<Impl> weak = self;
            self->loop.after(std::chrono::milliseconds(50), [weak] {
                if (auto again = weak.lock(); again && again->accepting) {
                    again->accept();
                }
            });
            return;
        }
        self->accept();
    });
}

void InboundServer::Impl::forget(std::uint64_t id) {
    std::weak_ptr<Impl> weak = shared_from_this();
    loop.post([weak, id] {
        if (auto self = weak.lock()) {
            self->listeners.erase(id);
        }
    });
}

void InboundServer::Impl::broadcast(const EventData& e) {
    if (listeners.empty()) {
        return;
    }
    const EventRoute route = EventRoute::of(e);
    // Copy the targets first: a kill may change the map (deferred, but stay safe).
    std::vector<std::shared_ptr<InboundListener>> targets;
    for (const auto& [id, l] : listeners) {
        if (!l->closing() && l->subscription().wants(e, route)) {
            targets.push_back(l);
        }
    }
    if (targets.empty()) {
        return;
    }
    const auto queued = std::make_shared<QueuedEvent>(e);
    for (const auto& l : targets) {
        l->enqueue(queued);
    }
}

void InboundServer::Impl::run_job(std::string command, std::optional<std::string> args, std::string job_uuid) {
    ApiCall call{command, args, true, job_uuid};
    std::weak_ptr<Impl> weak = shared_from_this();
    auto once = std::make_shared<bool>(false);
    auto done = [weak, once, command, args, job_uuid](ApiOutput out) {
        auto self = weak.lock();
        if (!self || *once) {
            return;
        }
        *once = true;
        // api_exec(): the event is created after the command ran.
        EventData e = self->stamper.create("BACKGROUND_JOB", CallSite{"mod_event_socket.c", "api_exec", 1572});
        e.add("Job-UUID", job_uuid);
        e.add("Job-Command", command);
        if (args) {
            e.add("Job-Command-Arg", *args);
        }
        std::string text = out.found ? std::move(out.text) : fmt::format("-ERR {} Command not found!\n", command);
        text.resize(std::min(text.size(), text.find('\0')));
        e.set_body(std::move(text));
        self->broadcast(e);
    };
    if (api) {
        api(call, std::move(done));
    } else {
        done(ApiOutput{{}, false});
    }
}

// --- InboundServer ---------------------------------------------------------------

InboundServer::InboundServer(core::Loop& loop, InboundServerConfig config)
    : m_impl(std::make_shared<Impl>(loop, std::move(config))) {}

InboundServer::~InboundServer() {
    m_impl->accepting = false;
    error_code ec;
    m_impl->acceptor.close(ec);
    auto listeners = std::move(m_impl->listeners);
    m_impl->listeners.clear();
    for (auto& [id, l] : listeners) {
        l->force_close();
    }
}

void InboundServer::on_api(ApiFn fn) { m_impl->api = std::move(fn); }
void InboundServer::on_sendmsg(SendMsgFn fn) { m_impl->sendmsg = std::move(fn); }
void InboundServer::on_sendevent(SendEventFn fn) { m_impl->sendevent = std::move(fn); }
void InboundServer::on_channel_exists(ChannelExistsFn fn) { m_impl->channel_exists = std::move(fn); }

core::Result<void> InboundServer::listen() {
    auto& im = *m_impl;
    auto acl = Acl::parse(im.config.acl);
    if (!acl) {
        return std::move(acl).error();
    }
    im.acl = std::move(*acl);
    if (auto r = detail::open_listener(im.acceptor, im.config.host, im.config.port); !r) {
        return r;
    }
    im.accepting = true;
    im.accept();
    return {};
}

std::uint16_t InboundServer::port() const noexcept {
    error_code ec;
    const auto ep = m_impl->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

EventStamper& InboundServer::stamper() noexcept { return m_impl->stamper; }

void InboundServer::broadcast(const EventData& e) { m_impl->broadcast(e); }

void InboundServer::channel_hangup(std::string_view uuid, std::string_view channel_name) {
    std::vector<std::shared_ptr<InboundListener>> bound;
    for (const auto& [id, l] : m_impl->listeners) {
        if (l->subscription().session() == uuid) {
            bound.push_back(l);
        }
    }
    for (const auto& l : bound) {
        l->channel_hangup(channel_name);
    }
}

void InboundServer::shutdown() {
    m_impl->accepting = false;
    error_code ec;
    m_impl->acceptor.close(ec);
    std::vector<std::shared_ptr<InboundListener>> all;
    for (const auto& [id, l] : m_impl->listeners) {
        all.push_back(l);
    }
    for (const auto& l : all) {
        l->finish("The system is being shut down.\n");
    }
}

std::size_t InboundServer::listener_count() const noexcept { return m_impl->listeners.size(); }

std::size_t InboundServer::connections() const noexcept {
    std::size_t n = 0;
    for (const auto& [id, l] : m_impl->listeners) {
        n += l->closing() ? 0 : 1;
    }
    return n;
}

}  // namespace fax::esl
