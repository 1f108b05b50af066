#include "fax/send_command.hpp"

#include <string_view>

#include <fmt/format.h>

#include "config/esl_settings.hpp"
#include "config/ini.hpp"
#include "fax/hylafax_send.hpp"

namespace fax::fax {

core::Result<SendSettings> load_send_config(const SendConfigArgs& args) {
    std::optional<config::Ini> ini;
    if (auto path = config::resolve_config_path(args.config_path)) {
        auto loaded = config::Ini::load(*path);
        if (!loaded) {
            return loaded.error();
        }
        ini = std::move(*loaded);
    }
    const config::Ini* file = ini ? &*ini : nullptr;
    auto settings = load_send_settings(file);
    if (settings && (args.host || args.password_file)) {
        auto esl = config::esl_settings(file, args.host, args.password_file);
        if (!esl) {
            return esl.error();
        }
        settings->esl = *esl;
    }
    return settings;
}

std::optional<FaxqCall> parse_faxq_call(int argc, const char* const* argv) {
    if (argc < 4 || std::string_view(argv[1]) != "-m") {
        return std::nullopt;
    }
    FaxqCall call;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a(argv[i]);
        if (a.empty() || a.front() == '-') {
            return std::nullopt;  // an option: the full parser decides
        }
        if (i == 2) {
            call.modem = a;
        } else {
            call.qfiles.emplace_back(a);
        }
    }
    return call;
}

int run_hylafax_mode(const std::string& modem, const std::vector<std::string>& qfiles, const std::string& events,
                     const SendConfigArgs& config, const cli::Diag& diag) {
    const HylafaxSendOptions options{modem, qfiles.front(), events};
    auto settings = load_send_config(config);
    if (!settings) {
        // faxq: a config error is the site's to fix; the job waits (retry).
        return report_setup_failure(options, settings.error(), diag);
    }
    if (qfiles.size() > 1) {
        diag.warning(fmt::format("batching is not supported: only {} is sent (set MaxBatchJobs: 1)", qfiles.front()));
    }
    return run_hylafax_send(*settings, options, diag);
}

}  // namespace fax::fax
