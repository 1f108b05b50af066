#include "config/values.hpp"

#include <charconv>

#include <fmt/format.h>

#include "config/duration.hpp"

namespace fax::config {

core::Error value_error(const Ini& ini, std::string_view section, std::string_view key, std::string_view why) {
    return core::make_error(core::Errc::config, fmt::format("{}: [{}] {}: {}", ini.source(), section, key, why));
}

void read_string(const Ini& ini, std::string_view section, std::string_view key, std::string& out) {
    if (auto v = ini.get(section, key)) {
        out = *v;
    }
}

core::Result<void> read_bool(const Ini& ini, std::string_view section, std::string_view key, bool& out) {
    auto v = ini.get_bool(section, key);
    if (!v) {
        return std::move(v).error();
    }
    if (*v) {
        out = **v;
    }
    return {};
}

core::Result<void> read_uint(const Ini& ini, std::string_view section, std::string_view key, unsigned& out) {
    auto v = ini.get(section, key);
    if (!v || v->empty()) {
        return {};
    }
    unsigned n = 0;
    const auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    if (r.ec != std::errc{} || r.ptr != v->data() + v->size()) {
        return value_error(ini, section, key, fmt::format("'{}' is not a whole number", *v));
    }
    out = n;
    return {};
}

core::Result<void> read_duration(const Ini& ini, std::string_view section, std::string_view key,
                                 std::chrono::milliseconds& out, std::chrono::milliseconds bare_unit) {
    auto v = ini.get(section, key);
    if (!v) {
        return {};
    }
    const bool bare = !v->empty() && v->find_first_not_of("0123456789") == std::string::npos;
    if (bare && bare_unit != std::chrono::seconds(1)) {
        unsigned n = 0;
        if (auto r = read_uint(ini, section, key, n); !r) {
            return r;
        }
        out = bare_unit * n;
        return {};
    }
    auto d = parse_duration(*v, fmt::format("{}: [{}] {}", ini.source(), section, key));
    if (!d) {
        return std::move(d).error();
    }
    out = *d;
    return {};
}

}  // namespace fax::config
