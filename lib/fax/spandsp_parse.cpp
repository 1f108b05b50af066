#include "fax/spandsp_parse.hpp"

#include <charconv>
#include <optional>
#include <string>

namespace fax::fax {

namespace {

/// The whole of \a text as a number, else nullopt.
std::optional<int> whole_int(std::string_view text) noexcept {
    int v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    return v;
}

int to_int(std::string_view text) noexcept { return whole_int(text).value_or(0); }

std::pair<int, int> two_ints(std::string_view text) noexcept {
    const auto x = text.find('x');
    if (x == std::string_view::npos) {
        return {0, 0};
    }
    const auto a = whole_int(text.substr(0, x));
    const auto b = whole_int(text.substr(x + 1));
    if (!a || !b) {
        return {0, 0};
    }
    return {*a, *b};
}

bool on(std::string_view v) noexcept { return v == "on" || v == "1" || v == "true"; }

T38Status t38(std::string_view v) noexcept {
    if (v == "negotiated") {
        return T38Status::negotiated;
    }
    if (v == "requested") {
        return T38Status::requested;
    }
    if (v == "refused") {
        return T38Status::refused;
    }
    return T38Status::off;
}

/// The fields of a spandsp::{tx,rx}faxresult, from \a get(name) of its
/// header names ("fax-result-code", ...).
template <typename Get>
FaxResult fax_result(Role role, const Get& g) {
    FaxResult r;
    r.role = role;
    r.success = g("fax-success") == "1";
    r.result_code = to_int(g("fax-result-code"));
    r.result_text = g("fax-result-text");
    r.pages_transferred = to_int(g("fax-document-transferred-pages"));
    r.total_pages = to_int(g("fax-document-total-pages"));
    r.image_resolution = parse_resolution(g("fax-image-resolution"));
    r.image_size = to_int(g("fax-image-size"));
    r.bad_rows = to_int(g("fax-bad-rows"));
    r.transfer_rate = to_int(g("fax-transfer-rate"));
    r.ecm = on(g("fax-ecm-used"));
    r.t38_status = t38(g("fax-t38-status"));
    r.local_station_id = g("fax-local-station-id");
    r.remote_station_id = g("fax-remote-station-id");
    r.remote_country = g("fax-remote-country");
    r.remote_vendor = g("fax-remote-vendor");
    r.remote_model = g("fax-remote-model");
    return r;
}

}  // namespace

Resolution parse_resolution(std::string_view text) noexcept {
    const auto [x, y] = two_ints(text);
    return {x, y};
}

PixelSize parse_pixel_size(std::string_view text) noexcept {
    const auto [w, h] = two_ints(text);
    return {w, h};
}

std::optional<FaxEvent> parse_spandsp_event(const esl::Event& e) {
    std::string_view sub = e.subclass();
    if (sub.substr(0, 9) != "spandsp::" || sub.size() < 11) {
        return std::nullopt;
    }
    sub.remove_prefix(9);
    Role role;
    if (sub.substr(0, 2) == "tx") {
        role = Role::send;
    } else if (sub.substr(0, 2) == "rx") {
        role = Role::receive;
    } else {
        return std::nullopt;
    }
    sub.remove_prefix(2);
    auto g = [&](std::string_view name) { return e.get(name); };
    if (sub == "faxnegociateresult") {
        Negotiation n;
        n.role = role;
        n.transfer_rate = to_int(g("fax-transfer-rate"));
        n.ecm = on(g("fax-ecm-used"));
        n.t38_status = t38(g("fax-t38-status"));
        n.local_station_id = g("fax-local-station-id");
        n.remote_station_id = g("fax-remote-station-id");
        n.remote_country = g("fax-remote-country");
        n.remote_vendor = g("fax-remote-vendor");
        n.remote_model = g("fax-remote-model");
        n.total_pages = to_int(g("fax-document-total-pages"));
        return FaxEvent{std::move(n)};
    }
    if (sub == "faxpageresult") {
        PageResult p;
        p.role = role;
        p.pages_transferred = to_int(g("fax-document-transferred-pages"));
        p.total_pages = to_int(g("fax-document-total-pages"));
        p.image_resolution = parse_resolution(g("fax-image-resolution"));
        p.file_image_resolution = parse_resolution(g("fax-file-image-resolution"));
        p.image_size = to_int(g("fax-image-size"));
        p.image_pixel_size = parse_pixel_size(g("fax-image-pixel-size"));
        p.file_image_pixel_size = parse_pixel_size(g("fax-file-image-pixel-size"));
        p.bad_rows = to_int(g("fax-bad-rows"));
        p.longest_bad_row_run = to_int(g("fax-longest-bad-row-run"));
        p.encoding = to_int(g("fax-encoding"));
        p.encoding_name = g("fax-encoding-name");
        return FaxEvent{std::move(p)};
    }
    if (sub == "faxresult") {
        return FaxEvent{fax_result(role, g)};
    }
    return std::nullopt;
}

std::optional<FaxResult> fax_result_from_variables(const esl::Event& e, Role role) {
    const auto code = e.header("variable_fax_result_code");
    if (!code) {
        return std::nullopt;
    }
    // The same names as the event headers, as variables: variable_fax_result_code.
    auto g = [&](std::string_view name) {
        std::string key = "variable_";
        for (const char c : name) {
            key += c == '-' ? '_' : c;
        }
        return e.get(key);
    };
    return fax_result(role, g);
}

}  // namespace fax::fax
