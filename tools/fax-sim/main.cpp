// fax-sim: a FreeSWITCH stand-in that really faxes (spandsp), for tests and demos.
#include <fmt/format.h>

#include "cli/app.hpp"
#include "config/esl_settings.hpp"
#include "fax/sim_commands.hpp"
#include "fax/sim_serve.hpp"
#include "tiff/test_document.hpp"

namespace ff = fax::fax;
using fax::core::Errc;

int main(int argc, char** argv) {
    return fax::cli::run_main("fax-sim", [&] {
        fax::cli::App app("fax-sim", "A FreeSWITCH stand-in: Event Socket, outbound socket, real spandsp faxing");
        auto& c = app.cli();
        c.require_subcommand(1);

        auto* serve = c.add_subcommand("serve", "Serve the Event Socket as FreeSWITCH 1.10 does");
        std::string listen = "127.0.0.1:8021";
        std::optional<std::string> password_file;
        std::optional<std::string> scenario_path;
        ff::ServeOptions so;
        so.config.db_path = "fax-sim.db";
        so.config.received_dir = "received";
        serve->add_option("-l,--listen", listen, "Event Socket address HOST:PORT (port 0: any free port)")
            ->type_name("HOST:PORT");
        serve->add_option("--password-file", password_file, "Read the ESL password from FILE (default ClueCon)")
            ->type_name("FILE");
        serve->add_option("--scenario", scenario_path, "Scenario file (JSON): gateways and numbers")->type_name("FILE");
        serve->add_option("--db", so.config.db_path, "SQLite file for the db api (mod_db)")->type_name("FILE");
        serve->add_option("--received-dir", so.config.received_dir, "Where simulated fax machines store received pages")
            ->type_name("DIR");
        serve->add_option("--port-file", so.port_file, "Write the bound port to FILE once listening")->type_name("FILE");
        serve->add_flag("--realtime", so.config.realtime, "Pace audio at 8000 samples/s and wait ring times for real");
        serve->add_option("--acl", so.config.server.acl,
                          "Allowed ESL peers: address, CIDR or loopback.auto (repeatable); others get a rude rejection")
            ->type_name("CIDR");

        auto* call = c.add_subcommand("call", "Place an incoming call to an outbound-socket server (fax-recv)");
        ff::IncomingCallOptions co;
        std::string socket;
        bool realtime = false;
        ff::add_call_options(*call, co, socket);
        call->add_flag("--realtime", realtime, "Pace audio at 8000 samples/s");

        auto* load = c.add_subcommand("load", "Place many incoming calls at a given rate (benchmarks)");
        ff::LoadOptions lo;
        std::string load_socket;
        ff::add_call_options(*load, lo.call, load_socket);
        load->add_option("--calls", lo.calls, "Number of calls")->check(CLI::Range(1, 1000000));
        load->add_option("--rate", lo.rate, "Calls started per second")->check(CLI::Range(0.001, 1e6));
        load->add_flag("--realtime", lo.realtime, "Pace audio at 8000 samples/s");

        auto* make_tiff = c.add_subcommand("make-tiff", "Write a deterministic TIFF-F test document");
        fax::tiff::TestDocumentOptions to;
        std::string out_path;
        make_tiff->add_option("--pages", to.pages, "Number of pages")->check(CLI::Range(1, 999));
        make_tiff->add_option("--seed", to.seed, "Content variant");
        make_tiff->add_option("FILE", out_path, "Output TIFF")->required()->type_name("FILE");

        auto* compare = c.add_subcommand("compare", "Exit 0 when two TIFF documents have the same pages");
        std::vector<std::string> docs;
        compare->add_option("FILE", docs, "Two TIFF files")->required()->expected(2)->type_name("FILE");

        if (auto code = app.parse(argc, argv)) {
            return *code;
        }
        const auto& diag = app.diag();
        auto print = [&](const std::string& line) {
            std::fputs((line + "\n").c_str(), stdout);
            return std::fflush(stdout) == 0 ? 0 : 74;
        };
        if (make_tiff->parsed()) {
            auto r = fax::tiff::write_test_document(out_path, to);
            return r ? 0 : diag.fail(r.error());
        }
        if (compare->parsed()) {
            auto r = ff::compare_documents(docs[0], docs[1]);
            if (!r) {
                return diag.fail(r.error());
            }
            if (*r) {
                diag.error(fmt::format("{} and {} differ: {}", docs[0], docs[1], **r));
                return 1;
            }
            return 0;
        }
        if (call->parsed()) {
            if (auto s = ff::apply_socket(co, socket); !s) {
                return diag.fail(s.error());
            }
            auto r = ff::run_call(co, realtime);
            if (!r) {
                return diag.fail(r.error());
            }
            const int rc = print(ff::call_record(*r));
            return rc != 0 ? rc : (r->receiver && r->receiver->success ? 0 : 1);
        }
        if (load->parsed()) {
            if (auto s = ff::apply_socket(lo.call, load_socket); !s) {
                return diag.fail(s.error());
            }
            auto r = ff::run_load(lo);
            if (!r) {
                return diag.fail(r.error());
            }
            const int rc = print(r->record);
            return rc != 0 ? rc : (r->failed > 0 ? 1 : 0);
        }
        auto hp = fax::config::parse_host_port(listen, 8021, true);
        auto settings = fax::config::esl_settings(nullptr, std::nullopt, password_file);
        if (!hp || !settings) {
            return diag.fail(!hp ? hp.error() : settings.error());
        }
        so.config.server.host = hp->first;
        so.config.server.port = hp->second;
        so.config.server.password = settings->password;
        if (scenario_path) {
            auto sc = ff::Scenario::load(*scenario_path);
            if (!sc) {
                return diag.fail(sc.error());
            }
            so.config.scenario = std::move(*sc);
        }
        auto r = ff::run_serve(std::move(so), diag);
        return r ? 0 : diag.fail(r.error());
    });
}
