#pragma once
/// Diagnostics on stderr in the one faxkit form: "<tool>: error: <message>".
/// stdout never carries diagnostics.

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace fax::cli {

/// Verbosity: -q → -1 (errors only), default 0 (errors and warnings),
/// each -v adds one (1: notes, 2: debug).
class Diag {
public:
    explicit Diag(std::string tool, int verbosity = 0) : m_tool(std::move(tool)), m_verbosity(verbosity) {}

    void set_verbosity(int v) noexcept { m_verbosity = v; }
    int verbosity() const noexcept { return m_verbosity; }
    const std::string& tool() const noexcept { return m_tool; }

    void error(std::string_view message) const;
    void warning(std::string_view message) const;
    void note(std::string_view message) const;
    void debug(std::string_view message) const;
    /// Prints \a e as an error (unless its message is empty: already
    /// reported) and returns its exit code.
    int fail(const core::Error& e) const;

private:
    void print(std::string_view level, std::string_view message) const;
    std::string m_tool;
    int m_verbosity;
};

}  // namespace fax::cli
