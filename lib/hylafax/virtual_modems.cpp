#include "hylafax/virtual_modems.hpp"

#include <array>
#include <cerrno>
#include <deque>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <fmt/format.h>

#include "core/loop.hpp"
#include "core/loop_asio.hpp"
#include "core/unique_fd.hpp"
#include "hylafax/fifo.hpp"
#include "hylafax/modem_files.hpp"
#include "hylafax/modem_request.hpp"

namespace fax::hylafax {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

enum class Outbound { none, locked, sending };

// Reads one FIFO.<id>. Handlers hold it by shared_ptr; owner is cleared when
// the pool stops, so a late handler touches nothing else.
struct FifoWatch {
    FifoWatch(asio::io_context& io, std::size_t i) : stream(io), index(i) {}
    asio::posix::stream_descriptor stream;
    std::size_t index;
    ModemPool::Impl* owner = nullptr;
    ModemRequestSplitter splitter;
    std::array<char, 2048> buf{};
};

struct Modem {
    std::string id;
    bool down = true;
    bool inbound = false;
    Outbound outbound = Outbound::none;
    bool ready_queued = false;  // a ready announcement waits in the queue
    bool commid_sent = false;
    std::optional<ModemState> written;  // what status/<id> says
    std::shared_ptr<FifoWatch> watch;
};

ModemState derive(const Modem& m) noexcept {
    if (m.down) {
        return ModemState::down;
    }
    if (m.inbound) {
        return ModemState::busy_inbound;
    }
    if (m.outbound == Outbound::sending) {
        return ModemState::busy_outbound;
    }
    if (m.outbound == Outbound::locked) {
        return ModemState::locked;
    }
    return ModemState::ready;
}

}  // namespace

const char* modem_state_name(ModemState state) noexcept {
    switch (state) {
    case ModemState::down:
        return "down";
    case ModemState::ready:
        return "ready";
    case ModemState::busy_inbound:
        return "busy_inbound";
    case ModemState::busy_outbound:
        return "busy_outbound";
    case ModemState::locked:
        return "locked";
    }
    return "down";
}

const char* modem_status_text(ModemState state) noexcept {
    switch (state) {
    case ModemState::down:
        return "Down";
    case ModemState::ready:
        return "Running and idle";
    case ModemState::busy_inbound:
        return "Receiving facsimile";
    case ModemState::busy_outbound:
        return "Sending facsimile";
    case ModemState::locked:
        return "Locked for sending";
    }
    return "Down";
}

struct ModemPool::Impl {
    Impl(core::Loop& l, ModemPoolConfig c) : loop(l), cfg(std::move(c)) {
        if (cfg.count > k_max_modems) {
            return;  // start() refuses it
        }
        modems.resize(cfg.count);
        for (unsigned n = 0; n < cfg.count; ++n) {
            modems[n].id = fmt::format("{}{}", cfg.prefix, n);
            ids.push_back(modems[n].id);
        }
    }

    core::Loop& loop;
    ModemPoolConfig cfg;
    std::vector<Modem> modems;
    std::vector<std::string> ids;
    std::string faxq_fifo;
    std::deque<std::size_t> ready_queue;  // entries whose modem has ready_queued unset are stale
    std::optional<Clock::time_point> last_ready;
    core::Loop::TimerId pump_timer = 0;
    core::Loop::TimerId reannounce_timer = 0;
    core::Loop::TimerId lock_timer = 0;
    bool started = false;
    bool running = false;
    LogFn log_fn;
    SentFn sent_fn;
    ModemPoolCounters counters;

    void log(Level level, std::string_view line) const {
        if (log_fn) {
            log_fn(level, line);
        }
    }

    std::optional<std::size_t> find(std::string_view id) const {
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (ids[i] == id) {
                return i;
            }
        }
        return std::nullopt;
    }

    void send(const std::string& message) {
        auto r = send_fifo_message(faxq_fifo, message);
        if (r) {
            ++counters.messages_sent;
            log(Level::debug, fmt::format("to faxq: {}", message));
        } else {
            ++counters.messages_failed;
            const bool absent = r.error().code == core::Errc::unavailable;
            log(absent ? Level::debug : Level::warning,
                fmt::format("to faxq: {} not delivered: {}", message, r.error().message));
        }
        if (sent_fn) {
            sent_fn(message, r.ok());
        }
    }

    // Brings status/<id> in line with the state and drops a queued ready
    // announcement of a modem that is no longer ready.
    void settle(std::size_t i) {
        Modem& m = modems[i];
        const ModemState s = derive(m);
        if (s != ModemState::ready) {
            m.ready_queued = false;
        }
        if (m.written == s) {
            return;
        }
        const std::string path = fmt::format("{}/status/{}", cfg.spool, m.id);
        if (auto r = write_modem_status_file(path, modem_status_text(s)); !r) {
            ++counters.status_write_errors;
            log(Level::warning, fmt::format("modem {}: {}", m.id, r.error().message));
            return;
        }
        m.written = s;
    }

    void enqueue_ready(std::size_t i) {
        Modem& m = modems[i];
        if (!running || derive(m) != ModemState::ready || m.ready_queued) {
            return;
        }
        m.ready_queued = true;
        ready_queue.push_back(i);
        pump();
    }

    // Sends queued ready announcements, at most one per announce_spacing.
    void pump() {
        while (running && pump_timer == 0) {
            while (!ready_queue.empty() && !modems[ready_queue.front()].ready_queued) {
                ready_queue.pop_front();
            }
            if (ready_queue.empty()) {
                return;
            }
            const auto now = Clock::now();
            if (last_ready && now - *last_ready < cfg.announce_spacing) {
                const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*last_ready + cfg.announce_spacing - now);
                pump_timer = loop.after(wait, [this] {
                    pump_timer = 0;
                    pump();
                });
                return;
            }
            const std::size_t i = ready_queue.front();
            ready_queue.pop_front();
            modems[i].ready_queued = false;
            send(modem_ready_message(modems[i].id, cfg.capabilities));
            last_ready = Clock::now();  // after the write: the next write is at least a spacing later
        }
    }

    void send_number(const Modem& m) {
        if (!cfg.local_number.empty()) {
            send(fmt::format("+{}:N{}", m.id, cfg.local_number));
        }
    }

    void arm_reannounce() {
        if (cfg.reannounce.count() <= 0) {
            return;
        }
        reannounce_timer = loop.after(cfg.reannounce, [this] {
            reannounce_timer = 0;
            log(Level::debug, "re-announcing ready modems");
            for (std::size_t i = 0; i < modems.size(); ++i) {
                enqueue_ready(i);
            }
            arm_reannounce();
        });
    }

    void arm_lock_poll() {
        if (cfg.uucp_lock_dir.empty() || cfg.lock_poll.count() <= 0) {
            return;
        }
        lock_timer = loop.after(cfg.lock_poll, [this] {
            lock_timer = 0;
            poll_locks();
            arm_lock_poll();
        });
    }

    void poll_locks() {
        for (std::size_t i = 0; i < modems.size(); ++i) {
            Modem& m = modems[i];
            if (m.down || m.outbound == Outbound::none) {
                continue;
            }
            const std::string lock = fmt::format("{}/LCK..{}", cfg.uucp_lock_dir, m.id);
            struct stat st {};
            if (::lstat(lock.c_str(), &st) == 0 || errno != ENOENT) {
                continue;
            }
            log(Level::info, fmt::format("modem {}: {} is gone without SR: outbound job over", m.id, lock));
            m.outbound = Outbound::none;
            settle(i);
            enqueue_ready(i);
        }
    }

    void on_bytes(std::size_t i, std::string_view bytes) {
        Modem& m = modems[i];
        const std::size_t dropped_before = m.watch->splitter.dropped();
        const auto messages = m.watch->splitter.feed(bytes);
        if (const std::size_t dropped = m.watch->splitter.dropped() - dropped_before; dropped > 0) {
            counters.requests += dropped;
            counters.unknown_requests += dropped;
            log(Level::warning, fmt::format("modem {}: overlong message on FIFO.{} ignored", m.id, m.id));
        }
        for (const std::string& message : messages) {
            if (!running) {
                return;
            }
            ++counters.requests;
            on_request(i, message);
        }
    }

    void on_request(std::size_t i, const std::string& message) {
        Modem& m = modems[i];
        const ModemRequest request = classify_modem_request(message);
        switch (request) {
        case ModemRequest::hello:
            send_number(m);
            enqueue_ready(i);
            break;
        case ModemRequest::lock:
            if (m.outbound == Outbound::none) {
                m.outbound = Outbound::locked;
            }
            settle(i);
            break;
        case ModemRequest::set_busy:
            m.outbound = Outbound::sending;
            settle(i);
            send(fmt::format("+{}:U", m.id));
            break;
        case ModemRequest::set_ready:
            m.outbound = Outbound::none;
            settle(i);
            enqueue_ready(i);
            break;
        case ModemRequest::unknown:
            ++counters.unknown_requests;
            log(Level::info, fmt::format("modem {}: ignored \"{}\" on FIFO.{}", m.id, message, m.id));
            return;
        }
        log(Level::info, fmt::format("modem {}: {} from FIFO.{}: now {}", m.id, message, m.id, modem_state_name(derive(m))));
    }

    core::Result<void> start();
    void shutdown();
};

namespace {

void read_more(const std::shared_ptr<FifoWatch>& w);

void on_read(const std::shared_ptr<FifoWatch>& w, const boost::system::error_code& ec, std::size_t n) {
    if (w->owner == nullptr) {
        return;
    }
    if (n > 0) {
        w->owner->on_bytes(w->index, std::string_view(w->buf.data(), n));
    }
    if (w->owner == nullptr || ec == asio::error::operation_aborted) {
        return;
    }
    if (ec) {
        const Modem& m = w->owner->modems[w->index];
        w->owner->log(ModemPool::Level::warning,
                      fmt::format("modem {}: cannot read FIFO.{}: {}; faxq's requests are ignored", m.id, m.id,
                                  ec.message()));
        return;
    }
    read_more(w);
}

void read_more(const std::shared_ptr<FifoWatch>& w) {
    w->stream.async_read_some(asio::buffer(w->buf),
                              [w](const boost::system::error_code& ec, std::size_t n) { on_read(w, ec, n); });
}

}  // namespace

core::Result<void> ModemPool::Impl::start() {
    if (started) {
        return core::make_error(core::Errc::usage, "modem pool: started twice");
    }
    if (cfg.spool.empty()) {
        return core::make_error(core::Errc::config, "modem pool: no spool directory");
    }
    if (cfg.count == 0 || cfg.count > k_max_modems) {
        return core::make_error(core::Errc::config,
                                fmt::format("modem pool: modem count {} not in 1..{}", cfg.count, k_max_modems));
    }
    if (!valid_modem_capabilities(cfg.capabilities)) {
        return core::make_error(core::Errc::config, fmt::format("modem pool: bad capabilities: {}", cfg.capabilities));
    }
    if (cfg.local_number.find_first_of(std::string_view("\0\n\r", 3)) != std::string::npos) {
        return core::make_error(core::Errc::config, "modem pool: bad local number (line break)");
    }
    struct stat st {};
    if (::stat(cfg.spool.c_str(), &st) != 0) {
        return spool_file_error(errno, "use spool", cfg.spool);
    }
    if (!S_ISDIR(st.st_mode)) {
        return core::make_error(core::Errc::config, fmt::format("modem pool: spool is not a directory: {}", cfg.spool));
    }
    for (const Modem& m : modems) {
        if (!valid_modem_id(m.id)) {
            return core::make_error(core::Errc::config, fmt::format("modem pool: bad modem id: {}", m.id));
        }
    }
    std::vector<std::shared_ptr<FifoWatch>> watches;
    for (std::size_t i = 0; i < modems.size(); ++i) {
        const std::string& id = modems[i].id;
        if (cfg.create_config_files) {
            auto made = create_modem_config_file(fmt::format("{}/etc/config.{}", cfg.spool, id), id, cfg.local_number, cfg.recv_file_mode);
            if (!made) {  // display only: faxq schedules without it (etc/ is often root's /etc/hylafax)
                log(Level::warning, fmt::format("modem {}: {}; faxstat -s will not list the modem until it exists",
                                                id, made.error().message));
            } else if (*made) {
                log(Level::info, fmt::format("modem {}: created etc/config.{}", id, id));
            }
        }
        const std::string fifo = fmt::format("{}/FIFO.{}", cfg.spool, id);
        auto fd = open_modem_fifo(fifo);
        if (!fd) {
            return std::move(fd).error();
        }
        auto watch = std::make_shared<FifoWatch>(loop.impl().io, i);
        boost::system::error_code ec;
        watch->stream.assign(fd->get(), ec);
        if (ec) {
            return core::make_error(core::Errc::io, fmt::format("cannot watch {}: {}", fifo, ec.message()));
        }
        fd->release();
        watches.push_back(std::move(watch));
        const ModemState idle = ModemState::ready;
        if (auto r = write_modem_status_file(fmt::format("{}/status/{}", cfg.spool, id), modem_status_text(idle)); !r) {
            return std::move(r).error();
        }
    }
    // Everything that can fail is done: go live.
    started = true;
    running = true;
    faxq_fifo = fmt::format("{}/FIFO", cfg.spool);
    for (std::size_t i = 0; i < modems.size(); ++i) {
        Modem& m = modems[i];
        m.down = false;
        m.written = ModemState::ready;
        m.watch = std::move(watches[i]);
        m.watch->owner = this;
        read_more(m.watch);
    }
    log(Level::info, fmt::format("modem pool: {} modems {}0..{}{} in {}", modems.size(), cfg.prefix, cfg.prefix,
                                 modems.size() - 1, cfg.spool));
    for (const Modem& m : modems) {
        send_number(m);
    }
    for (std::size_t i = 0; i < modems.size(); ++i) {
        enqueue_ready(i);
    }
    arm_reannounce();
    arm_lock_poll();
    return {};
}

void ModemPool::Impl::shutdown() {
    if (!running) {
        return;
    }
    running = false;
    for (core::Loop::TimerId* t : {&pump_timer, &reannounce_timer, &lock_timer}) {
        if (*t != 0) {
            loop.cancel(*t);
            *t = 0;
        }
    }
    ready_queue.clear();
    for (std::size_t i = 0; i < modems.size(); ++i) {
        Modem& m = modems[i];
        m.down = true;
        m.ready_queued = false;
        send(modem_down_message(m.id));
        settle(i);
        if (m.watch) {
            m.watch->owner = nullptr;
            boost::system::error_code ec;
            m.watch->stream.close(ec);
            m.watch.reset();
        }
    }
    log(Level::info, "modem pool: all modems down");
}

ModemPool::ModemPool(core::Loop& loop, ModemPoolConfig config)
    : m_impl(std::make_unique<Impl>(loop, std::move(config))) {}

ModemPool::~ModemPool() { m_impl->shutdown(); }

void ModemPool::on_log(LogFn fn) { m_impl->log_fn = std::move(fn); }

void ModemPool::on_sent(SentFn fn) { m_impl->sent_fn = std::move(fn); }

core::Result<void> ModemPool::start() { return m_impl->start(); }

std::optional<std::string> ModemPool::acquire_inbound(std::string_view commid) {
    Impl& p = *m_impl;
    if (p.running) {
        for (std::size_t i = 0; i < p.modems.size(); ++i) {
            Modem& m = p.modems[i];
            if (derive(m) != ModemState::ready) {
                continue;
            }
            m.inbound = true;
            p.settle(i);
            p.send(modem_busy_message(m.id));
            if (!commid.empty()) {
                p.send(fmt::format("+{}:I{}", m.id, commid));
                m.commid_sent = true;
            }
            ++p.counters.inbound_acquired;
            p.log(Level::info, fmt::format("modem {}: inbound call{}{}", m.id, commid.empty() ? "" : " ", commid));
            return m.id;
        }
    }
    ++p.counters.inbound_refused;
    p.log(Level::warning, p.running ? fmt::format("no modem free for an inbound call ({} modems, none ready)",
                                                  p.modems.size())
                                    : std::string("no modem for an inbound call: the modem pool is not running"));
    return std::nullopt;
}

bool ModemPool::set_commid(std::string_view id, std::string_view commid) {
    Impl& p = *m_impl;
    const auto i = p.find(id);
    if (!p.running || !i || !p.modems[*i].inbound || commid.empty()) {
        return false;
    }
    p.send(fmt::format("+{}:I{}", id, commid));
    p.modems[*i].commid_sent = true;
    return true;
}

bool ModemPool::release_inbound(std::string_view id) {
    Impl& p = *m_impl;
    const auto i = p.find(id);
    if (!p.running || !i || !p.modems[*i].inbound) {
        p.log(Level::debug, fmt::format("modem {}: release without an inbound call ignored", id));
        return false;
    }
    Modem& m = p.modems[*i];
    m.inbound = false;
    if (m.commid_sent) {
        p.send(fmt::format("+{}:I", m.id));
        m.commid_sent = false;
    }
    p.settle(*i);
    p.log(Level::info, fmt::format("modem {}: inbound call over: now {}", m.id, modem_state_name(derive(m))));
    p.enqueue_ready(*i);
    return true;
}

void ModemPool::shutdown() { m_impl->shutdown(); }

const std::vector<std::string>& ModemPool::ids() const noexcept { return m_impl->ids; }

std::optional<ModemState> ModemPool::state(std::string_view id) const {
    const auto i = m_impl->find(id);
    if (!i) {
        return std::nullopt;
    }
    return derive(m_impl->modems[*i]);
}

unsigned ModemPool::count(ModemState state) const noexcept {
    unsigned n = 0;
    for (const Modem& m : m_impl->modems) {
        n += derive(m) == state ? 1U : 0U;
    }
    return n;
}

const ModemPoolCounters& ModemPool::counters() const noexcept { return m_impl->counters; }

std::size_t ModemPool::queued_announcements() const noexcept {
    std::size_t n = 0;
    for (const Modem& m : m_impl->modems) {
        n += m.ready_queued ? 1U : 0U;
    }
    return n;
}

}  // namespace fax::hylafax
