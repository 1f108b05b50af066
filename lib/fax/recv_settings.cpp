#include "fax/recv_settings.hpp"

#include <tuple>

#include <fmt/format.h>

#include "config/esl_settings.hpp"
#include "config/values.hpp"

namespace fax::fax {

core::Result<RecvSettings> load_recv_settings(const config::Ini* ini) {
    RecvSettings s;
    if (ini == nullptr) {
        return s;
    }
    const auto& c = *ini;
    if (auto addr = c.get("gofaxd", "socket"); addr && !addr->empty()) {
        auto hp = config::parse_host_port(*addr, 8022, true);
        if (!hp) {
            return config::value_error(c, "gofaxd", "socket", hp.error().message);
        }
        s.listen_host = hp->first;
        s.listen_port = hp->second;
    }
    config::read_string(c, "freeswitch", "ident", s.ident);
    config::read_string(c, "hylafax", "spooldir", s.spool_dir);
    config::read_string(c, "hylafax", "xferfaxlog", s.xferfaxlog);
    config::read_string(c, "gofaxd", "faxrcvdcmd", s.faxrcvd_cmd);
    config::read_string(c, "gofaxd", "dynamicconfig", s.dynamic_config);
    config::read_string(c, "fax-recv", "faxnumber", s.local_number);
    config::read_string(c, "fax-recv", "uucplockdir", s.uucp_lock_dir);
    if (s.faxrcvd_cmd.empty()) {
        s.faxrcvd_cmd = "bin/faxrcvd";
    }
    for (auto [sec, key, out] : {std::tuple{"freeswitch", "softmodemfallback", &s.softmodem_fallback},
                                 std::tuple{"gofaxd", "enablet38", &s.enable_t38},
                                 std::tuple{"gofaxd", "requestt38", &s.request_t38},
                                 std::tuple{"gofaxd", "recipientfromdiversionheader", &s.recipient_from_diversion},
                                 std::tuple{"fax-recv", "faxrcvd", &s.run_faxrcvd}}) {
        if (auto r = config::read_bool(c, sec, key, *out); !r) {
            return std::move(r).error();
        }
    }
    if (auto r = config::read_uint(c, "hylafax", "modems", s.modems); !r) {
        return std::move(r).error();
    }
    if (s.modems > 1000) {
        return config::value_error(c, "hylafax", "modems", "at most 1000");
    }
    // gofaxd reads answerafter and waittime as milliseconds.
    for (auto [key, out] : {std::pair{"answerafter", &s.answer_after}, std::pair{"waittime", &s.wait_time}}) {
        if (auto r = config::read_duration(c, "gofaxd", key, *out, std::chrono::milliseconds(1)); !r) {
            return std::move(r).error();
        }
    }
    for (auto [key, out] : {std::pair{"dynamicconfigtimeout", &s.dynamic_config_timeout},
                            std::pair{"calltimeout", &s.call_timeout}, std::pair{"grace", &s.grace},
                            std::pair{"faxrcvdtimeout", &s.faxrcvd_timeout}, std::pair{"reannounce", &s.reannounce}}) {
        if (auto r = config::read_duration(c, "fax-recv", key, *out); !r) {
            return std::move(r).error();
        }
    }
    if (auto v = c.get("fax-recv", "overflow")) {
        if (*v == "reject") {
            s.overflow = Overflow::reject;
        } else if (*v == "accept") {
            s.overflow = Overflow::accept;
        } else {
            return config::value_error(c, "fax-recv", "overflow", fmt::format("'{}' is not reject or accept", *v));
        }
    }
    if (auto v = c.get("fax-recv", "recvfilemode")) {
        unsigned mode = 0;
        bool ok = !v->empty() && v->size() <= 4;
        for (char ch : *v) {
            ok = ok && ch >= '0' && ch <= '7';
            mode = mode * 8 + static_cast<unsigned>(ch - '0');
        }
        if (!ok) {
            return config::value_error(c, "fax-recv", "recvfilemode", fmt::format("'{}' is not an octal mode", *v));
        }
        s.recv_file_mode = static_cast<mode_t>(mode);
    }
    return s;
}

}  // namespace fax::fax
