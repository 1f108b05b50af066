#include "fax/sim_serve.hpp"

#include <chrono>
#include <csignal>
#include <functional>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "core/loop.hpp"

namespace fax::fax {

namespace {

core::Result<void> write_port_file(const std::string& path, std::uint16_t port) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << port << "\n";
        if (!out.flush()) {
            return core::make_error(core::Errc::io, fmt::format("cannot write {}", tmp));
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        return core::make_error(core::Errc::io, fmt::format("cannot rename {}: {}", tmp, ec.message()));
    }
    return {};
}

}  // namespace

core::Result<void> run_serve(ServeOptions options, const cli::Diag& diag) {
    core::Loop loop;
    if (!options.config.received_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(options.config.received_dir, ec);
        if (ec) {
            return core::make_error(core::Errc::io, fmt::format("cannot create {}: {}", options.config.received_dir,
                                                                ec.message()));
        }
    }
    Switch sw(loop, std::move(options.config));
    if (auto r = sw.start(); !r) {
        return r;
    }
    diag.note(fmt::format("event socket listening on port {}", sw.port()));
    if (options.port_file) {
        if (auto r = write_port_file(*options.port_file, sw.port()); !r) {
            return r;
        }
    }
    loop.on_signals({SIGINT, SIGTERM}, [&](int) {
        // Hang up every call and tell every ESL client "The system is being
        // shut down."; stop once the clients are gone or after 2 s.
        sw.shutdown();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        std::function<void()> wait = [&, deadline] {
            if (sw.connections() == 0 || std::chrono::steady_clock::now() >= deadline) {
                loop.stop();
                return;
            }
            loop.after(std::chrono::milliseconds(10), wait);
        };
        wait();
    });
    loop.run();
    return {};
}

}  // namespace fax::fax
