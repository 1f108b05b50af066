#include "cli/app.hpp"

#include <csignal>
#include <exception>

#include <fmt/format.h>

#include "core/version.hpp"

namespace fax::cli {

void ensure_iostreams() {
    static const std::ios_base::Init init;
}

App::App(std::string tool, std::string summary) : m_tool(tool), m_app(std::move(summary), tool), m_diag(tool) {
    ensure_iostreams();
    m_app.set_help_flag("-h,--help", "Print this help and exit");
    m_app.fallthrough(true);  // global options may also follow the subcommand
    m_app.set_version_flag("-V,--version", fmt::format("{} (faxkit) {}", tool, core::k_version), "Print the version and exit");
    m_app.add_option("-c,--config", m_config, "Config file (gofax.conf format); default $FAXKIT_CONFIG, then /etc/faxkit/faxkit.conf, then /etc/gofax.conf")
        ->type_name("FILE");
    m_app.add_flag("-v,--verbose", m_verbose, "More diagnostics on stderr (repeatable)");
    m_app.add_flag("-q,--quiet", m_quiet, "Errors only on stderr");
    m_app.footer(fmt::format("Exit status follows sysexits(3); see {}(1).\n", tool));
}

std::optional<int> App::parse(int argc, char** argv) {
    try {
        m_app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return m_app.exit(e, std::cout, std::cerr);
    } catch (const CLI::CallForAllHelp& e) {
        return m_app.exit(e, std::cout, std::cerr);
    } catch (const CLI::CallForVersion& e) {
        return m_app.exit(e, std::cout, std::cerr);
    } catch (const CLI::ParseError& e) {
        m_diag.error(fmt::format("{} (try '{} --help')", e.what(), m_tool));
        return 64;
    }
    m_diag.set_verbosity(m_quiet ? -1 : m_verbose);
    return std::nullopt;
}

int run_main(const std::string& tool, const std::function<int()>& body) noexcept {
    try {
        return body();
    } catch (const std::exception& e) {
        Diag(tool).error(fmt::format("internal error: {}", e.what()));
    } catch (...) {
        Diag(tool).error("internal error: unknown exception");
    }
    return 70;
}

}  // namespace fax::cli
