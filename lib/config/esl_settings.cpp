#include "config/esl_settings.hpp"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "core/file.hpp"

namespace fax::config {

core::Result<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text, std::uint16_t default_port,
                                                                    bool allow_any_port) {
    auto bad = [&](std::string_view why) {
        return core::make_error(core::Errc::usage, fmt::format("bad address '{}': {}", text, why));
    };
    std::string_view host = text;
    std::optional<std::string_view> port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return bad("missing ']'");
        }
        host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return bad("text after ']'");
            }
            port = rest.substr(1);
        }
    } else if (const auto colon = text.find(':'); colon != std::string_view::npos && colon == text.rfind(':')) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.empty() || host.find_first_of(" \t\r\n/") != std::string_view::npos) {
        return bad("no host");
    }
    std::uint16_t p = default_port;
    if (port) {
        unsigned v = 0;
        const auto r = std::from_chars(port->data(), port->data() + port->size(), v);
        if (port->empty() || r.ec != std::errc{} || r.ptr != port->data() + port->size() || (v == 0 && !allow_any_port) ||
            v > 65535) {
            return bad(allow_any_port ? "port must be 0..65535" : "port must be 1..65535");
        }
        p = static_cast<std::uint16_t>(v);
    }
    return std::make_pair(std::string(host), p);
}

core::Result<EslSettings> esl_settings(const Ini* ini, const std::optional<std::string>& host_override,
                                       const std::optional<std::string>& password_file) {
    EslSettings s;
    std::optional<std::string> addr = host_override;
    bool from_config = false;
    if (!addr && ini != nullptr) {
        addr = ini->get("freeswitch", "socket");
        from_config = addr.has_value() && !addr->empty();
        if (addr && addr->empty()) {
            addr.reset();
        }
    }
    if (addr) {
        auto hp = parse_host_port(*addr, 8021);
        if (!hp) {
            return core::make_error(from_config ? core::Errc::config : core::Errc::usage,
                                    from_config ? fmt::format("{}: [freeswitch] socket: {}", ini->source(), hp.error().message)
                                                : hp.error().message);
        }
        s.host = hp->first;
        s.port = hp->second;
    }
    if (const char* env = std::getenv("FAX_ESL_PASSWORD"); env != nullptr && *env != '\0') {
        s.password = env;
    } else if (password_file) {
        auto text = core::read_file(*password_file, 64U << 10U);
        if (!text) {
            return core::make_error(core::Errc::config,
                                    fmt::format("cannot read password file {}: {}", *password_file, text.error().message));
        }
        s.password = text->substr(0, text->find('\n'));
        if (!s.password.empty() && s.password.back() == '\r') {
            s.password.pop_back();
        }
        if (s.password.empty()) {
            return core::make_error(core::Errc::config, fmt::format("password file {} is empty", *password_file));
        }
    } else if (ini != nullptr) {
        if (auto pw = ini->get("freeswitch", "password"); pw && !pw->empty()) {
            s.password = *pw;
        }
    }
    return s;
}

}  // namespace fax::config
