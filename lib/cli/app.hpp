#pragma once
/// The command-line surface every faxkit tool shares, on CLI11: -h/--help,
/// -V/--version, -c/--config, -v/--verbose, -q/--quiet; usage errors print one
/// line plus "Try '<tool> --help' …" and exit 64 (CLI11's own codes never leak).

#include <functional>
#include <optional>
#include <string>

#include "cli/cli11.hpp"
#include "cli/diag.hpp"

namespace fax::cli {

class App {
public:
    /// \a tool is the program name ("fax-esl"), \a summary its one-line purpose.
    App(std::string tool, std::string summary);

    CLI::App& cli() noexcept { return m_app; }
    Diag& diag() noexcept { return m_diag; }
    /// The -c value, if given.
    const std::optional<std::string>& config_path() const noexcept { return m_config; }

    /// Parses argv. Returns an exit code when the tool must stop now (help
    /// and version: 0; usage error: 64), or nullopt to go on.
    std::optional<int> parse(int argc, char** argv);

private:
    std::string m_tool;
    CLI::App m_app;
    Diag m_diag;
    std::optional<std::string> m_config;
    int m_verbose = 0;
    bool m_quiet = false;
};

/// Runs \a body, turning any escaped exception into "internal error" and 70.
int run_main(const std::string& tool, const std::function<int()>& body) noexcept;

}  // namespace fax::cli
