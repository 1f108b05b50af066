// fax-esl: FreeSWITCH Event Socket client — event stream as JSON lines, api/bgapi, scripting shell.
#include <unistd.h>

#include <chrono>
#include <csignal>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "config/esl_settings.hpp"
#include "esl/event.hpp"
#include "esl/event_stream.hpp"
#include "esl/oneshot.hpp"
#include "esl/shell.hpp"

using namespace fax;

namespace {

std::chrono::milliseconds seconds(double s) { return std::chrono::milliseconds(static_cast<long long>(s * 1000.0)); }

}  // namespace

int main(int argc, char** argv) {
    esl::Event::enable_json();  // `events --format json`, the shell's json subscriptions
    return cli::run_main("fax-esl", [&] {
        cli::App app("fax-esl", "FreeSWITCH Event Socket client: events as JSON lines, api and bgapi commands");
        auto& c = app.cli();
        std::optional<std::string> host;
        std::optional<std::string> password_file;
        double timeout = 10;
        c.add_option("-H,--host", host, "ESL address HOST[:PORT] (default: [freeswitch] socket, else 127.0.0.1:8021)")
            ->type_name("HOST[:PORT]");
        c.add_option("--password-file", password_file, "Read the ESL password from the first line of FILE")
            ->type_name("FILE");
        c.add_option("-t,--timeout", timeout, "Seconds allowed to connect, authenticate and get each reply")
            ->check(CLI::Range(0.001, 3600.0))
            ->type_name("SECONDS");
        c.require_subcommand(1);

        auto* events = c.add_subcommand("events", "Subscribe and write one JSON line per event");
        std::string format = "plain";
        std::vector<std::string> filters;
        std::vector<std::string> names;
        bool once = false;
        double reconnect_max = 30;
        double keepalive = 30;
        events->add_option("--format", format, "Event format on the wire: plain, json or xml")
            ->check(CLI::IsMember({"plain", "json", "xml"}))
            ->type_name("FORMAT");
        events->add_option("--filter", filters, "Deliver only events whose HEADER equals VALUE (repeatable)")
            ->type_name("HEADER VALUE")
            ->expected(2)
            ->allow_extra_args(false)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
        events->add_flag("--once", once, "Exit at the first disconnect instead of reconnecting");
        events->add_option("--reconnect-max", reconnect_max, "Longest wait between reconnect attempts, in seconds")
            ->check(CLI::Range(0.001, 3600.0))
            ->type_name("SECONDS");
        events->add_option("--keepalive", keepalive, "Probe an idle connection after SECONDS (0: never)")
            ->check(CLI::Range(0.0, 3600.0))
            ->type_name("SECONDS");
        events->add_option("EVENT", names, "Event names (default ALL); CUSTOM is followed by subclasses")
            ->type_name("");

        bool json = false;
        double job_timeout = 300;
        auto* api = c.add_subcommand("api", "Run an API command and print its answer");
        api->add_flag("--json", json, "Print an esl.api JSON record instead of the bare answer");
        api->prefix_command();
        api->fallthrough(false);  // every word after the options is the command
        api->footer("Words after the options form the command, e.g. fax-esl api show channels as json\n");
        auto* bgapi = c.add_subcommand("bgapi", "Run an API command in the background and print its job's answer");
        bgapi->add_flag("--json", json, "Print an esl.bgapi JSON record instead of the bare answer");
        bgapi->add_option("--job-timeout", job_timeout, "Seconds to wait for the BACKGROUND_JOB (0: forever)")
            ->check(CLI::Range(0.0, 86400.0))
            ->type_name("SECONDS");
        bgapi->prefix_command();
        bgapi->fallthrough(false);
        auto* shell = c.add_subcommand("shell", "Read JSON-lines commands on stdin, write replies and events");
        shell->footer("Commands are read from standard input, one JSON object per line.\n");
        shell->add_option("--job-timeout", job_timeout, "Seconds to wait at end of input for open jobs (0: forever)")
            ->check(CLI::Range(0.0, 86400.0))
            ->type_name("SECONDS");

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
        auto settings = config::esl_settings(ini ? &*ini : nullptr, host, password_file);
        if (!settings) {
            return diag.fail(settings.error());
        }
        esl::ClientConfig cfg;
        cfg.host = settings->host;
        cfg.port = settings->port;
        cfg.password = settings->password;
        cfg.timeout = seconds(timeout);
        std::signal(SIGPIPE, SIG_IGN);

        if (events->parsed()) {
            esl::StreamOptions opts;
            opts.format = format == "json" ? esl::EventFormat::json
                                           : (format == "xml" ? esl::EventFormat::xml : esl::EventFormat::plain);
            opts.events = names;
            auto pairs = esl::pair_filters(filters);
            if (!pairs) {
                return diag.fail(pairs.error());
            }
            opts.filters = std::move(*pairs);
            opts.once = once;
            cfg.backoff_max = seconds(reconnect_max);
            cfg.keepalive = seconds(keepalive);
            auto r = esl::run_event_stream(cfg, opts, STDOUT_FILENO, diag);
            return r ? 0 : diag.fail(r.error());
        }
        if (shell->parsed()) {
            auto r = esl::run_shell(cfg, STDIN_FILENO, STDOUT_FILENO, diag, seconds(job_timeout));
            return r ? 0 : diag.fail(r.error());
        }
        auto* sub = api->parsed() ? api : bgapi;
        const auto words = sub->remaining();
        if (words.empty()) {
            diag.error(fmt::format("{}: missing command (try 'fax-esl {} --help')", sub->get_name(), sub->get_name()));
            return 64;
        }
        const std::string command = fmt::format("{}", fmt::join(words, " "));
        const bool background = sub == bgapi;
        return esl::print_oneshot(diag, command, esl::run_oneshot(cfg, command, background, seconds(job_timeout)),
                                  background, json);
    });
}
