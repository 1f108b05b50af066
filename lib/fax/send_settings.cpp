#include "fax/send_settings.hpp"

#include <charconv>
#include <tuple>

#include <fmt/format.h>

#include "config/duration.hpp"

namespace fax::fax {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

core::Error bad(const config::Ini& ini, std::string_view section, std::string_view key, std::string_view why) {
    return core::make_error(core::Errc::config, fmt::format("{}: [{}] {}: {}", ini.source(), section, key, why));
}

core::Result<void> get_bool(const config::Ini& ini, std::string_view section, std::string_view key, bool& out) {
    auto v = ini.get_bool(section, key);
    if (!v) {
        return std::move(v).error();
    }
    if (*v) {
        out = **v;
    }
    return {};
}

core::Result<void> get_int(const config::Ini& ini, std::string_view section, std::string_view key, int& out) {
    auto v = ini.get(section, key);
    if (!v || v->empty()) {
        return {};
    }
    int n = 0;
    const auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    if (r.ec != std::errc{} || r.ptr != v->data() + v->size() || n < 0) {
        return bad(ini, section, key, fmt::format("'{}' is not a whole number", *v));
    }
    out = n;
    return {};
}

void get_string(const config::Ini& ini, std::string_view section, std::string_view key, std::string& out) {
    if (auto v = ini.get(section, key)) {
        out = *v;
    }
}

core::Result<void> get_ms(const config::Ini& ini, std::string_view section, std::string_view key, milliseconds& out) {
    auto v = config::get_duration(&ini, section, key, out);
    if (!v) {
        return std::move(v).error();
    }
    out = *v;
    return {};
}

core::Result<void> get_s(const config::Ini& ini, std::string_view section, std::string_view key, seconds& out) {
    milliseconds ms = out;
    if (auto r = get_ms(ini, section, key, ms); !r) {
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
    get_string(c, "freeswitch", "ident", s.ident);
    get_string(c, "freeswitch", "header", s.header);
    get_string(c, "hylafax", "spooldir", s.spool_dir);
    get_string(c, "hylafax", "xferfaxlog", s.xferfaxlog);
    get_string(c, "gofaxsend", "faxnumber", s.faxnumber);
    get_string(c, "gofaxsend", "callprefix", s.callprefix);
    get_string(c, "gofaxsend", "cidname", s.cidname);
    get_string(c, "gofaxsend", "dynamicconfig", s.dynamic_config);
    s.failed_causes = c.get_all("gofaxsend", "failedresponse");
    for (auto [sec, key, out] : {std::tuple{"freeswitch", "verbose", &s.verbose},
                                 std::tuple{"freeswitch", "softmodemfallback", &s.softmodem_fallback},
                                 std::tuple{"gofaxsend", "enablet38", &s.enable_t38},
                                 std::tuple{"gofaxsend", "requestt38", &s.request_t38}}) {
        if (auto r = get_bool(c, sec, key, *out); !r) {
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
        if (auto r = get_ms(c, sec, key, *out); !r) {
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
        return bad(c, "fax-send", "esltimeout", "must be more than 0");
    }
    get_string(c, "fax-send", "tmpdir", s.tmp_dir);
    get_string(c, "fax-send", "events", s.events);
    if (s.tmp_dir.empty() || s.tmp_dir.front() != '/') {
        return bad(c, "fax-send", "tmpdir", "must be an absolute path");
    }
    return s;
}

}  // namespace fax::fax
