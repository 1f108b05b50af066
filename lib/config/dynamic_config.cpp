#include "config/dynamic_config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/subprocess.hpp"

namespace fax::config {

namespace {

constexpr std::size_t k_stdout_limit = 64 * 1024;
constexpr std::size_t k_stderr_limit = 4 * 1024;

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return lower(x) == lower(y);
           });
}

std::string_view trim(std::string_view s) noexcept {
    constexpr std::string_view space = " \t\r\n\v\f";
    const std::size_t b = s.find_first_not_of(space);
    if (b == std::string_view::npos) {
        return {};
    }
    return s.substr(b, s.find_last_not_of(space) - b + 1);
}

}  // namespace

bool dynamic_config_bool(std::string_view value) noexcept {
    return iequals(value, "true") || value == "1" || iequals(value, "yes");
}

DynamicConfigAnswer DynamicConfigAnswer::parse(std::string_view text) {
    DynamicConfigAnswer answer;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        std::string key(trim(line.substr(0, colon)));
        std::transform(key.begin(), key.end(), key.begin(), lower);
        answer.m_entries.emplace_back(std::move(key), std::string(trim(line.substr(colon + 1))));
    }
    return answer;
}

std::optional<std::string> DynamicConfigAnswer::get(std::string_view key) const {
    const std::string_view wanted = trim(key);
    for (const auto& [k, v] : m_entries) {
        if (iequals(k, wanted)) {
            return v;
        }
    }
    return std::nullopt;
}

std::optional<std::string> DynamicConfigAnswer::non_empty(std::string_view key) const {
    auto v = get(key);
    if (v && v->empty()) {
        return std::nullopt;
    }
    return v;
}

bool DynamicConfigAnswer::reject_call() const {
    const auto v = get("RejectCall");
    return v && dynamic_config_bool(*v);
}

std::optional<std::string> DynamicConfigAnswer::local_identifier() const { return non_empty("LocalIdentifier"); }
std::optional<std::string> DynamicConfigAnswer::tag_line() const { return non_empty("TagLine"); }
std::optional<std::string> DynamicConfigAnswer::fax_number() const { return non_empty("FAXNumber"); }
std::optional<std::string> DynamicConfigAnswer::call_prefix() const { return non_empty("CallPrefix"); }

std::vector<std::string> DynamicConfigAnswer::gateways() const {
    std::vector<std::string> out;
    const auto v = get("Gateway");
    if (!v) {
        return out;
    }
    std::string_view rest = *v;
    for (;;) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        if (!item.empty()) {
            out.emplace_back(item);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        rest = rest.substr(comma + 1);
    }
    return out;
}

core::Result<DynamicConfigAnswer> run_dynamic_config(const std::string& script, const std::vector<std::string>& args,
                                                     std::chrono::milliseconds timeout, const std::string& cwd) {
    std::vector<std::string> argv;
    argv.reserve(args.size() + 1);
    argv.push_back(script);
    argv.insert(argv.end(), args.begin(), args.end());
    core::SubprocessOptions options;
    options.cwd = cwd;
    options.timeout = timeout;
    options.stdout_limit = k_stdout_limit;
    options.stderr_limit = k_stderr_limit;
    auto run = core::run_subprocess(argv, options);
    if (!run) {
        core::Error e = std::move(run).error();
        e.message = fmt::format("DynamicConfig: {}", e.message);
        return e;
    }
    if (run->success()) {
        return DynamicConfigAnswer::parse(run->out);
    }
    std::string message;
    if (run->timed_out) {
        message = fmt::format("DynamicConfig {}: timed out after {} ms", script, timeout.count());
    } else {
        message = fmt::format("DynamicConfig {}: {}", script, run->describe());
    }
    const std::string said = core::first_line(run->err);
    if (!said.empty()) {
        message.append(": ");
        message.append(said);
    }
    return core::make_error(core::Errc::temporary, std::move(message));
}

}  // namespace fax::config
