// fax-sim: a FreeSWITCH stand-in that really faxes (spandsp), for tests and demos.
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "config/esl_settings.hpp"
#include "fax/sim_serve.hpp"
#include "tiff/test_document.hpp"

using namespace fax;

int main(int argc, char** argv) {
    return cli::run_main("fax-sim", [&] {
        cli::App app("fax-sim", "A FreeSWITCH stand-in: inbound Event Socket, real spandsp faxing");
        auto& c = app.cli();
        c.require_subcommand(1);

        auto* serve = c.add_subcommand("serve", "Serve the Event Socket as FreeSWITCH 1.10 does");
        std::string listen = "127.0.0.1:8021";
        std::optional<std::string> password_file;
        std::optional<std::string> scenario_path;
        std::optional<std::string> port_file;
        std::string db_path = "fax-sim.db";
        std::string received_dir = "received";
        bool realtime = false;
        serve->add_option("-l,--listen", listen, "Event Socket address HOST:PORT (port 0: any free port)")
            ->type_name("HOST:PORT");
        serve->add_option("--password-file", password_file, "Read the ESL password from FILE (default ClueCon)")
            ->type_name("FILE");
        serve->add_option("--scenario", scenario_path, "Scenario file (JSON): gateways and numbers")->type_name("FILE");
        serve->add_option("--db", db_path, "SQLite file for the db api (mod_db)")->type_name("FILE");
        serve->add_option("--received-dir", received_dir, "Where simulated fax machines store received pages")
            ->type_name("DIR");
        serve->add_option("--port-file", port_file, "Write the bound port to FILE once listening")->type_name("FILE");
        serve->add_flag("--realtime", realtime, "Pace audio at 8000 samples/s and wait ring times for real");

        auto* make_tiff = c.add_subcommand("make-tiff", "Write a deterministic TIFF-F test document");
        int pages = 3;
        std::uint32_t seed = 1;
        std::string out_path;
        make_tiff->add_option("--pages", pages, "Number of pages")->check(CLI::Range(1, 999));
        make_tiff->add_option("--seed", seed, "Content variant");
        make_tiff->add_option("FILE", out_path, "Output TIFF")->required()->type_name("FILE");

        if (auto code = app.parse(argc, argv)) {
            return *code;
        }
        const auto& diag = app.diag();
        if (make_tiff->parsed()) {
            tiff::TestDocumentOptions opts;
            opts.pages = pages;
            opts.seed = seed;
            auto r = tiff::write_test_document(out_path, opts);
            return r ? 0 : diag.fail(r.error());
        }
        ::fax::fax::ServeOptions opts;
        auto hp = config::parse_host_port(listen, 8021, true);
        if (!hp) {
            return diag.fail(hp.error());
        }
        opts.config.server.host = hp->first;
        opts.config.server.port = hp->second;
        auto settings = config::esl_settings(nullptr, std::nullopt, password_file);
        if (!settings) {
            return diag.fail(settings.error());
        }
        opts.config.server.password = settings->password;
        if (scenario_path) {
            auto sc = ::fax::fax::Scenario::load(*scenario_path);
            if (!sc) {
                return diag.fail(sc.error());
            }
            opts.config.scenario = std::move(*sc);
        }
        opts.config.db_path = db_path;
        opts.config.received_dir = received_dir;
        opts.config.realtime = realtime;
        opts.port_file = port_file;
        auto r = ::fax::fax::run_serve(std::move(opts), diag);
        return r ? 0 : diag.fail(r.error());
    });
}
