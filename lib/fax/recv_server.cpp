#include "fax/recv_server.hpp"

#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "config/esl_settings.hpp"
#include "core/fd_limit.hpp"
#include "core/loop.hpp"
#include "core/privileges.hpp"
#include "core/workers.hpp"
#include "esl/outbound_server.hpp"
#include "fax/recv_call.hpp"
#include "hylafax/virtual_modems.hpp"
#include "jsonl/writer.hpp"

namespace fax::fax {

namespace {

class PoolModems : public InboundModems {
public:
    explicit PoolModems(hylafax::ModemPool& pool) : m_pool(pool) {}
    std::optional<std::string> acquire(const std::string&) override { return m_pool.acquire_inbound(); }
    void set_commid(const std::string& modem, const std::string& commid) override { m_pool.set_commid(modem, commid); }
    void release(const std::string& modem) override { m_pool.release_inbound(modem); }

private:
    hylafax::ModemPool& m_pool;
};

core::Result<std::string> prepare_spool(const std::string& dir, bool create, bool modems) {
    std::error_code ec;
    if (create) {
        std::filesystem::create_directories(dir, ec);
        if (ec) {
            return core::make_error(core::Errc::io, fmt::format("cannot create the spool {}: {}", dir, ec.message()));
        }
    }
    auto abs = std::filesystem::canonical(dir, ec);
    if (ec || !std::filesystem::is_directory(abs)) {
        return core::make_error(core::Errc::config, fmt::format("spool {}: {}", dir, ec ? ec.message() : "not a directory"));
    }
    // Started as root (systemd without User=, a shell): become the spool's
    // owner (uucp) before making any file, so faxq and hfaxd can use them.
    auto became = core::become_owner_of(abs.string());
    if (!became) {
        return std::move(became).error();
    }
    for (const char* sub : {"recvq", "log", "etc", "status"}) {
        if (!modems && (std::string_view(sub) == "etc" || std::string_view(sub) == "status")) {
            continue;
        }
        std::filesystem::create_directories(abs / sub, ec);
        if (ec) {
            return core::make_error(core::Errc::io, fmt::format("cannot create {}/{}: {}", abs.string(), sub, ec.message()));
        }
    }
    return abs.string();
}

}  // namespace

int run_receiver(const RecvSettings& settings_in, const ReceiverOptions& options, int out_fd, const cli::Diag& diag) {
    // Every open call holds a socket, the received file and its session log.
    if (auto limit = core::raise_fd_limit(); !limit) {
        diag.warning(limit.error().message);
    }
    RecvSettings settings = settings_in;
    if (options.listen) {
        auto hp = config::parse_host_port(*options.listen, 8022, true);
        if (!hp) {
            return diag.fail(hp.error());
        }
        settings.listen_host = hp->first;
        settings.listen_port = hp->second;
    }
    auto spool = prepare_spool(options.spool.value_or(settings.spool_dir), options.spool.has_value(),
                               settings.modems > 0 && !options.no_modems);
    if (!spool) {
        return diag.fail(spool.error());
    }
    // Paths given on the command line are relative to where we were started.
    const std::string port_file =
        options.port_file.empty() ? std::string() : std::filesystem::absolute(options.port_file).string();
    if (::chdir(spool->c_str()) != 0) {
        return diag.fail(core::make_error(core::Errc::io, fmt::format("cannot enter {}: {}", *spool, std::strerror(errno))));
    }
    ::openlog("fax-recv", LOG_PID | LOG_NDELAY, LOG_DAEMON);

    core::Loop loop;
    core::Workers workers(loop, 2);
    core::Workers faxrcvd_workers(loop, 4);
    jsonl::Writer writer(out_fd);
    bool out_ok = true;
    RecvContext ctx(loop, workers, settings, *spool);
    ctx.faxrcvd = &faxrcvd_workers;
    ctx.hylafax = settings.run_faxrcvd && ::access((*spool + "/" + settings.faxrcvd_cmd).c_str(), X_OK) == 0;
    if (settings.run_faxrcvd && !ctx.hylafax && settings.faxrcvd_cmd.front() == '/') {
        ctx.hylafax = ::access(settings.faxrcvd_cmd.c_str(), X_OK) == 0;
    }
    if (settings.run_faxrcvd && !ctx.hylafax) {
        const auto text = fmt::format("{} not found in {}: faxrcvd will not run", settings.faxrcvd_cmd, *spool);
        if (settings.modems > 0) {
            diag.warning(text);  // a HylaFAX site: FaxDispatch would never run
            ::syslog(LOG_WARNING, "%s", text.c_str());
        } else {
            diag.note(text);
        }
    }
    ctx.emit = [&](const std::string& rec) {
        if (out_ok && !writer.write(rec)) {
            out_ok = false;  // stdout gone: keep receiving faxes
        }
    };
    ctx.log = [&](const std::string& line) {
        ::syslog(LOG_INFO, "%s", line.c_str());
        diag.note(line);
    };

    std::optional<hylafax::ModemPool> pool;
    std::optional<PoolModems> modems;
    if (settings.modems > 0 && !options.no_modems) {
        hylafax::ModemPoolConfig mc;
        mc.spool = *spool;
        mc.count = settings.modems;
        mc.local_number = settings.local_number;
        mc.reannounce = settings.reannounce;
        mc.recv_file_mode = settings.recv_file_mode;
        mc.uucp_lock_dir = settings.uucp_lock_dir;
        pool.emplace(loop, mc);
        pool->on_log([&](hylafax::ModemPool::Level level, std::string_view line) {
            if (level == hylafax::ModemPool::Level::warning) {
                diag.warning(line);
                ::syslog(LOG_WARNING, "%.*s", static_cast<int>(line.size()), line.data());
            } else if (level == hylafax::ModemPool::Level::info) {
                diag.note(line);
            } else {
                diag.debug(line);
            }
        });
        if (auto r = pool->start(); !r) {
            return diag.fail(r.error());
        }
        modems.emplace(*pool);
        ctx.modems = &*modems;
    }

    esl::OutboundConfig oc;
    oc.host = settings.listen_host;
    oc.port = settings.listen_port;
    oc.idle_timeout = std::chrono::milliseconds(0);  // calls have their own fax-progress timeout
    esl::OutboundServer server(
        loop, oc, [&](std::shared_ptr<esl::OutboundSession> s) { serve_call(ctx, std::move(s)); },
        [&](const core::Error& e) { diag.debug(fmt::format("connection dropped before the call: {}", e.message)); });
    if (auto r = server.listen(); !r) {
        if (pool) {
            pool->shutdown();
        }
        return diag.fail(r.error());
    }
    diag.note(fmt::format("listening on {}:{} for FreeSWITCH's socket app; spool {}", settings.listen_host, server.port(),
                          *spool));
    if (!port_file.empty()) {
        const std::string tmp = port_file + ".tmp";
        std::ofstream(tmp) << server.port() << "\n";
        std::error_code ec;
        std::filesystem::rename(tmp, port_file, ec);
    }

    bool stopping = false;
    auto finish = [&] {
        if (pool) {
            pool->shutdown();
        }
        loop.stop();
    };
    loop.on_signals({SIGTERM, SIGINT, SIGHUP}, [&](int signo) {
        if (signo == SIGHUP) {
            diag.note("SIGHUP ignored (stop with SIGTERM)");
            return;
        }
        if (stopping) {
            diag.note(fmt::format("signal {} again: hanging up {} call(s) now", signo, ctx.active));
            kill_all_calls(ctx);
            return;
        }
        stopping = true;
        server.stop_accepting();
        if (ctx.active == 0) {
            finish();
            return;
        }
        diag.note(fmt::format("stopping: waiting for {} call(s) (at most {} s)", ctx.active,
                              settings.grace.count() / 1000));
        ctx.on_idle = finish;
        loop.after(settings.grace, [&] { kill_all_calls(ctx); });
    });
    loop.run();
    (void)writer.flush();
    ::closelog();
    return 0;
}

}  // namespace fax::fax
