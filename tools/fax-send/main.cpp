// fax-send: send a fax through FreeSWITCH, as HylaFAX's SendFaxCmd (-m MODEM qfile) or on its own (--to NUMBER FILE...).
#include <unistd.h>

#include <csignal>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "config/duration.hpp"
#include "core/stdio.hpp"
#include "fax/send_command.hpp"
#include "fax/standalone_send.hpp"

using namespace fax;

int main(int argc, char** argv) {
    core::ensure_standard_fds();
    std::signal(SIGPIPE, SIG_IGN);
    if (auto faxq = ::fax::fax::parse_faxq_call(argc, argv)) {
        // faxq's own call, once per job: no option parser needed.
        return cli::run_main("fax-send", [&] {
            const cli::Diag diag("fax-send");
            return ::fax::fax::run_hylafax_mode(faxq->modem, faxq->qfiles, "", {}, diag);
        });
    }
    return cli::run_main("fax-send", [&] {
        cli::App app("fax-send", "Send a fax through FreeSWITCH: HylaFAX SendFaxCmd, or standalone");
        auto& c = app.cli();
        std::string modem;
        std::string events;
        ::fax::fax::StandaloneOptions so;
        std::vector<std::string> files;
        std::optional<std::string> host;
        std::optional<std::string> password_file;
        std::vector<std::string> gateways;
        std::string retry_delay = "60";
        bool t38 = false, no_t38 = false, ecm = false, no_ecm = false, normal = false;
        c.add_option("-m,--modem", modem, "HylaFAX mode: the modem faxq chose; FILE is the job's qfile")->type_name("MODEM");
        c.add_option("--events", events, "HylaFAX mode: append JSON lines to FILE or FIFO (default [fax-send] events)")
            ->type_name("FILE");
        c.add_option("--to", so.to, "Standalone: the number to dial")->type_name("NUMBER");
        c.add_option("--from", so.from, "Caller-ID number (default [gofaxsend] faxnumber)")->type_name("NUMBER");
        c.add_option("--ident", so.ident, "Station identifier, TSI (default [freeswitch] ident)")->type_name("TEXT");
        c.add_option("--header", so.header, "Page header line (default [freeswitch] header)")->type_name("TEXT");
        c.add_option("--gateway", gateways, "Gateways to try in order, comma-separated (default [freeswitch] gateway)")
            ->delimiter(',')
            ->allow_extra_args(false)
            ->type_name("GW[,GW...]");
        c.add_flag("--t38", t38, "Offer and request T.38");
        c.add_flag("--no-t38", no_t38, "Stay on G.711 audio (no T.38)");
        c.add_flag("--ecm", ecm, "Use error correction mode (default)");
        c.add_flag("--no-ecm", no_ecm, "Do not use error correction mode");
        c.add_flag("--normal", normal, "Convert PDF/PostScript at normal resolution (204x98) instead of fine (204x196)");
        c.add_option("--retries", so.retries, "Retry a temporary failure N more times")
            ->check(CLI::Range(0, 100))
            ->type_name("N");
        c.add_option("--retry-delay", retry_delay, "Wait between retries (90, 90s, 2m; default 60 s)")->type_name("TIME");
        c.add_option("--id", so.id, "The id of the records (default: a new UUID)")->type_name("ID");
        c.add_option("-H,--host", host, "ESL address HOST[:PORT] (default: [freeswitch] socket, else 127.0.0.1:8021)")
            ->type_name("HOST[:PORT]");
        c.add_option("--password-file", password_file, "Read the ESL password from the first line of FILE")
            ->type_name("FILE");
        c.add_option("FILE", files, "Standalone: TIFF, PDF or PostScript files (default: stdin); HylaFAX mode: the qfile")
            ->type_name("");
        c.footer("Exit status: HylaFAX mode 0 retry, 1 failed, 2 done (faxq's codes); standalone 0 sent, 1 failed,\n"
                 "75 not sent but worth retrying; otherwise sysexits(3). See fax-send(1).\n");
        if (auto code = app.parse(argc, argv)) {
            return *code;
        }
        const auto& diag = app.diag();
        auto usage = [&](const std::string& msg) {
            diag.error(fmt::format("{} (try 'fax-send --help')", msg));
            return 64;
        };
        const bool hylafax = !modem.empty();
        if (hylafax && (!so.to.empty() || files.empty())) {
            return usage(files.empty() ? "-m needs the qfile (fax-send -m MODEM sendq/qN)" : "-m and --to exclude each other");
        }
        if (!hylafax && so.to.empty()) {
            return usage("no destination: give --to NUMBER (or -m MODEM QFILE as HylaFAX's SendFaxCmd)");
        }
        if ((t38 && no_t38) || (ecm && no_ecm)) {
            return usage("--t38/--no-t38 and --ecm/--no-ecm exclude each other");
        }
        const ::fax::fax::SendConfigArgs config_args{app.config_path(), host, password_file};
        if (hylafax) {
            return ::fax::fax::run_hylafax_mode(modem, files, events, config_args, diag);
        }
        auto settings = ::fax::fax::load_send_config(config_args);
        if (!settings) {
            return diag.fail(settings.error());
        }
        auto delay = config::parse_duration(retry_delay, "--retry-delay");
        if (!delay) {
            return usage(delay.error().message);
        }
        so.retry_delay = *delay;
        so.files = std::move(files);
        so.gateways = std::move(gateways);
        so.fine = !normal;
        if (t38 || no_t38) {
            so.t38 = t38;
        }
        if (ecm || no_ecm) {
            so.ecm = ecm;
        }
        return ::fax::fax::run_standalone_send(*settings, so, STDOUT_FILENO, diag);
    });
}
