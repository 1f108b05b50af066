#include "fax/send_settings.hpp"

#include <charconv>
#include <tuple>

#include <fmt/format.h>

#include "config/values.hpp"
#include "fax/send_call.hpp"

namespace fax::fax {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

core::Result<void> get_int(const config::Ini& ini, std::string_view section, std::string_view key, int& out) {
    unsigned n = static_cast<unsigned>(out);
    if (auto r = config::read_uint(ini, section, key, n); !r) {
        return r;
    }
    if (n > 1000000) {
        return config::value_error(ini, section, key, "at most 1000000");
    }
    out = static_cast<int>(n);
    return {};
}

core::Result<void> get_s(const config::Ini& ini, std::string_view section, std::string_view key, seconds& out) {
    milliseconds ms = out;
    if (auto r = config::read_duration(ini, section, key, ms); !r) {
        return r;
    }
    out = duration_cast<seconds>(ms);
    return {};
}

}  // namespace

core::Result<SendSettings> load_send_settings(const config::Ini* ini) {
    SendSettings s;
    auto esl = config::esl_settings(ini, std::nullopt, std::nullopt);
    if (!esl) {
        return std::move(esl).error();
    }
    s.esl = *esl;
    if (ini == nullptr) {
        return s;
    }
    const auto& c = *ini;
    s.gateways = c.get_all("freeswitch", "gateway");
    config::read_string(c, "freeswitch", "ident", s.ident);
    config::read_string(c, "freeswitch", "header", s.header);
    config::read_string(c, "hylafax", "spooldir", s.spool_dir);
    config::read_string(c, "hylafax", "xferfaxlog", s.xferfaxlog);
    config::read_string(c, "gofaxsend", "faxnumber", s.faxnumber);
    config::read_string(c, "gofaxsend", "callprefix", s.callprefix);
    config::read_string(c, "gofaxsend", "cidname", s.cidname);
    config::read_string(c, "gofaxsend", "dynamicconfig", s.dynamic_config);
    s.failed_causes = c.get_all("gofaxsend", "failedresponse");
    for (auto [sec, key, out] : {std::tuple{"freeswitch", "verbose", &s.verbose},
                                 std::tuple{"freeswitch", "softmodemfallback", &s.softmodem_fallback},
                                 std::tuple{"gofaxsend", "enablet38", &s.enable_t38},
                                 std::tuple{"gofaxsend", "requestt38", &s.request_t38}}) {
        if (auto r = config::read_bool(c, sec, key, *out); !r) {
            return std::move(r).error();
        }
    }
    if (auto r = get_int(c, "gofaxsend", "disablev17afterretry", s.disable_v17_after_retry); !r) {
        return std::move(r).error();
    }
    if (auto r = get_int(c, "gofaxsend", "disableecmafterretry", s.disable_ecm_after_retry); !r) {
        return std::move(r).error();
    }
    for (auto [sec, key, out] : {std::tuple{"gofaxsend", "pagetimeout", &s.page_timeout},
                                 std::tuple{"fax-send", "pagetimeout", &s.page_timeout},
                                 std::tuple{"fax-send", "dynamicconfigtimeout", &s.dynamic_config_timeout},
                                 std::tuple{"fax-send", "timeout", &s.total_timeout},
                                 std::tuple{"fax-send", "esltimeout", &s.esl_timeout}}) {
        if (auto r = config::read_duration(c, sec, key, *out); !r) {
            return std::move(r).error();
        }
    }
    for (auto [key, out] : {std::pair{"ringtimeout", &s.ring_timeout}, std::pair{"jobreqbusy", &s.requeue_busy},
                            std::pair{"jobreqnoanswer", &s.requeue_no_answer}, std::pair{"jobreqother", &s.requeue_other},
                            std::pair{"jobreqproto", &s.requeue_protocol}}) {
        if (auto r = get_s(c, "fax-send", key, *out); !r) {
            return std::move(r).error();
        }
    }
    if (s.esl_timeout.count() <= 0) {
        return config::value_error(c, "fax-send", "esltimeout", "must be more than 0");
    }
    config::read_string(c, "fax-send", "tmpdir", s.tmp_dir);
    config::read_string(c, "fax-send", "events", s.events);
    if (s.tmp_dir.empty() || s.tmp_dir.front() != '/') {
        return config::value_error(c, "fax-send", "tmpdir", "must be an absolute path");
    }
    return s;
}

void apply_call_settings(const SendSettings& s, SendRequest& req) {
    req.verbose = s.verbose;
    req.softmodem_fallback = s.softmodem_fallback;
    req.ring_timeout = s.ring_timeout;
    req.page_timeout = s.page_timeout;
    req.total_timeout = s.total_timeout;
    req.failed_causes = s.failed_causes;
    req.handle_signals = true;
}

}  // namespace fax::fax
