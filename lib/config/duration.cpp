#include "config/duration.hpp"

#include <cctype>

#include <fmt/format.h>

namespace fax::config {

core::Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view what) {
    auto bad = [&] {
        return core::make_error(core::Errc::config,
                                fmt::format("{}: '{}' is not a duration (e.g. 90, 90s, 1500ms, 2m, 1m30s)", what, text));
    };
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    if (text.empty()) {
        return bad();
    }
    long double total_ms = 0;
    std::size_t i = 0;
    bool any = false;
    while (i < text.size()) {
        long double value = 0;
        long double scale = 0;
        bool digits = false;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.')) {
            if (text[i] == '.') {
                if (scale != 0) {
                    return bad();
                }
                scale = 1;
            } else {
                digits = true;
                if (scale != 0) {
                    scale /= 10;
                    value += (text[i] - '0') * scale;
                } else {
                    value = value * 10 + (text[i] - '0');
                }
            }
            ++i;
        }
        if (!digits) {
            return bad();
        }
        std::size_t j = i;
        while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j])) != 0) {
            ++j;
        }
        const auto unit = text.substr(i, j - i);
        i = j;
        long double ms = 0;
        if (unit.empty()) {
            if (any || i != text.size()) {
                return bad();  // a bare number only on its own
            }
            ms = 1000;
        } else if (unit == "ms") {
            ms = 1;
        } else if (unit == "s") {
            ms = 1000;
        } else if (unit == "m") {
            ms = 60000;
        } else if (unit == "h") {
            ms = 3600000;
        } else {
            return bad();
        }
        total_ms += value * ms;
        any = true;
    }
    if (total_ms > 1e15L) {
        return bad();
    }
    return std::chrono::milliseconds(static_cast<long long>(total_ms + 0.5L));
}

core::Result<std::chrono::milliseconds> get_duration(const Ini* ini, std::string_view section, std::string_view key,
                                                     std::chrono::milliseconds fallback) {
    if (ini == nullptr) {
        return fallback;
    }
    auto v = ini->get(section, key);
    if (!v) {
        return fallback;
    }
    return parse_duration(*v, fmt::format("{}:[{}] {}", ini->source(), section, key));
}

}  // namespace fax::config
