#include "cli/diag.hpp"

#include <unistd.h>

#include <string>

namespace fax::cli {

void Diag::print(std::string_view level, std::string_view message) const {
    std::string line;
    line.reserve(m_tool.size() + level.size() + message.size() + 6);
    line.append(m_tool).append(": ").append(level).append(": ");
    // One line per diagnostic: fold embedded line breaks.
    for (const char c : message) {
        line.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    while (!line.empty() && line.back() == ' ') {
        line.pop_back();
    }
    line.push_back('\n');
    // A closed stderr must not kill the tool: ignore the result.
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

void Diag::error(std::string_view message) const { print("error", message); }

void Diag::warning(std::string_view message) const {
    if (m_verbosity >= 0) {
        print("warning", message);
    }
}

void Diag::note(std::string_view message) const {
    if (m_verbosity >= 1) {
        print("note", message);
    }
}

void Diag::debug(std::string_view message) const {
    if (m_verbosity >= 2) {
        print("debug", message);
    }
}

int Diag::fail(const core::Error& e) const {
    if (!e.message.empty()) {
        error(e.message);
    }
    return core::exit_code(e.code);
}

}  // namespace fax::cli
