// fax-recv: receive faxes from FreeSWITCH's outbound socket into HylaFAX's recvq, with virtual modems.
#include <unistd.h>

#include <csignal>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "core/stdio.hpp"
#include "fax/recv_server.hpp"

using namespace fax;

int main(int argc, char** argv) {
    core::ensure_standard_fds();
    return cli::run_main("fax-recv", [&] {
        cli::App app("fax-recv", "Receive faxes from FreeSWITCH's outbound socket into a HylaFAX spool");
        auto& c = app.cli();
        ::fax::fax::ReceiverOptions o;
        std::string spool;
        std::string listen;
        c.add_option("-l,--listen", listen, "Address for FreeSWITCH's socket app (default [gofaxd] socket, else 127.0.0.1:8022)")
            ->type_name("HOST:PORT");
        c.add_option("--spool", spool, "Spool directory (default [hylafax] spooldir); created when missing")
            ->type_name("DIR");
        c.add_option("--port-file", o.port_file, "Write the bound port to FILE once listening")->type_name("FILE");
        c.add_flag("--no-modems", o.no_modems, "Do not present virtual modems to HylaFAX ([hylafax] modems ignored)");
        c.footer("Records (JSON lines) go to stdout; see fax-recv(1) and faxkit-events(7).\n");
        if (auto code = app.parse(argc, argv)) {
            return *code;
        }
        const auto& diag = app.diag();
        std::optional<config::Ini> ini;
        if (auto path = config::resolve_config_path(app.config_path())) {
            auto loaded = config::Ini::load(*path);
            if (!loaded) {
                return diag.fail(loaded.error());
            }
            ini = std::move(*loaded);
        }
        auto settings = ::fax::fax::load_recv_settings(ini ? &*ini : nullptr);
        if (!settings) {
            return diag.fail(settings.error());
        }
        if (!spool.empty()) {
            o.spool = spool;
        }
        if (!listen.empty()) {
            o.listen = listen;
        }
        std::signal(SIGPIPE, SIG_IGN);
        return ::fax::fax::run_receiver(*settings, o, STDOUT_FILENO, diag);
    });
}
