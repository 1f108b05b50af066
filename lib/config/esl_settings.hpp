#pragma once
/// How to reach FreeSWITCH's inbound Event Socket, from gofax.conf's
/// `[freeswitch] socket` and `password`, the environment and the command line.

#include <cstdint>
#include <optional>
#include <string>

#include "config/ini.hpp"
#include "core/result.hpp"

namespace fax::config {

struct EslSettings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8021;
    std::string password = "ClueCon";
};

/// Parses "host", "host:port", "[v6addr]:port"; \a default_port when absent.
/// Port 0 is accepted only with \a allow_any_port (a listen address: any free port).
core::Result<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text, std::uint16_t default_port,
                                                                    bool allow_any_port = false);

/// Builds the settings. Precedence: \a host_override (-H), else config
/// `[freeswitch] socket`; password from $FAX_ESL_PASSWORD, else the first
/// line of \a password_file, else config `[freeswitch] password`, else "ClueCon".
core::Result<EslSettings> esl_settings(const Ini* ini, const std::optional<std::string>& host_override,
                                       const std::optional<std::string>& password_file);

}  // namespace fax::config
