#include "fax/spandsp_events.hpp"

#include <string>
#include <type_traits>

namespace fax::fax {

namespace {

std::string num(int v) { return std::to_string(v); }
std::string on_off(bool v) { return v ? "on" : "off"; }

}  // namespace

void append_spandsp_headers(HeaderList& out, const FaxEvent& e, std::string_view uuid) {
    auto add = [&](std::string_view name, std::string value) { out.emplace_back(std::string(name), std::move(value)); };
    std::visit(
        [&](const auto& ev) {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, Negotiation>) {
                add("uuid", std::string(uuid));
                add("fax-transfer-rate", num(ev.transfer_rate));
                add("fax-ecm-used", on_off(ev.ecm));
                add("fax-t38-status", std::string(t38_status_name(ev.t38_status)));
                add("fax-local-station-id", ev.local_station_id);
                add("fax-remote-station-id", ev.remote_station_id);
                if (ev.role == Role::send) {
                    add("fax-document-total-pages", num(ev.total_pages));
                }
            } else if constexpr (std::is_same_v<T, PageResult>) {
                add("uuid", std::string(uuid));
                add("fax-document-transferred-pages", num(ev.pages_transferred));
                if (ev.role == Role::send) {
                    add("fax-document-total-pages", num(ev.total_pages));
                }
                add("fax-image-resolution", ev.image_resolution.text());
                add("fax-file-image-resolution", ev.file_image_resolution.text());
                add("fax-image-size", num(ev.image_size));
                add("fax-image-pixel-size", ev.image_pixel_size.text());
                add("fax-file-image-pixel-size", ev.file_image_pixel_size.text());
                add("fax-bad-rows", num(ev.bad_rows));
                add("fax-longest-bad-row-run", num(ev.longest_bad_row_run));
                add("fax-encoding", num(ev.encoding));
                add("fax-encoding-name", ev.encoding_name);
            } else {
                add("fax-success", ev.success ? "1" : "0");
                add("fax-result-code", num(ev.result_code));
                add("fax-result-text", ev.result_text);
                add("fax-document-transferred-pages", num(ev.pages_transferred));
                add("fax-document-total-pages", num(ev.total_pages));
                add("fax-image-resolution", ev.image_resolution.text());
                add("fax-image-size", num(ev.image_size));
                add("fax-bad-rows", num(ev.bad_rows));
                add("fax-transfer-rate", num(ev.transfer_rate));
                add("fax-ecm-used", on_off(ev.ecm));
                add("fax-t38-status", std::string(t38_status_name(ev.t38_status)));
                add("fax-local-station-id", ev.local_station_id);
                add("fax-remote-station-id", ev.remote_station_id);
            }
        },
        e);
}

void set_fax_variables(Channel& ch, const FaxEvent& e) {
    std::visit(
        [&](const auto& ev) {
            using T = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<T, Negotiation>) {
                ch.set_variable("fax_transfer_rate", num(ev.transfer_rate));
                ch.set_variable("fax_ecm_used", on_off(ev.ecm));
                ch.set_variable("fax_t38_status", t38_status_name(ev.t38_status));
                ch.set_variable("fax_local_station_id", ev.local_station_id);
                ch.set_variable("fax_remote_station_id", ev.remote_station_id);
                ch.set_variable("fax_remote_country", ev.remote_country);
                ch.set_variable("fax_remote_vendor", ev.remote_vendor);
                ch.set_variable("fax_remote_model", ev.remote_model);
                if (ev.role == Role::send) {
                    ch.set_variable("fax_document_total_pages", num(ev.total_pages));
                }
            } else if constexpr (std::is_same_v<T, PageResult>) {
                ch.set_variable("fax_image_resolution", ev.image_resolution.text());
                ch.set_variable("fax_file_image_resolution", ev.file_image_resolution.text());
                ch.set_variable("fax_image_pixel_size", ev.image_pixel_size.text());
                ch.set_variable("fax_file_image_pixel_size", ev.file_image_pixel_size.text());
                ch.set_variable("fax_image_size", num(ev.image_size));
                ch.set_variable("fax_bad_rows", num(ev.bad_rows));
                ch.set_variable("fax_longest_bad_row_run", num(ev.longest_bad_row_run));
                ch.set_variable("fax_encoding", num(ev.encoding));
                ch.set_variable("fax_encoding_name", ev.encoding_name);
                ch.set_variable("fax_document_transferred_pages", num(ev.pages_transferred));
            } else {
                ch.set_variable("fax_success", ev.success ? "1" : "0");
                ch.set_variable("fax_result_code", num(ev.result_code));
                ch.set_variable("fax_result_text", ev.result_text);
                ch.set_variable("fax_ecm_used", on_off(ev.ecm));
                ch.set_variable("fax_t38_status", t38_status_name(ev.t38_status));
                ch.set_variable("fax_local_station_id", ev.local_station_id);
                ch.set_variable("fax_remote_station_id", ev.remote_station_id);
                ch.set_variable("fax_document_transferred_pages", num(ev.pages_transferred));
                ch.set_variable("fax_document_total_pages", num(ev.total_pages));
                ch.set_variable("fax_image_resolution", ev.image_resolution.text());
                ch.set_variable("fax_image_size", num(ev.image_size));
                ch.set_variable("fax_bad_rows", num(ev.bad_rows));
                ch.set_variable("fax_transfer_rate", num(ev.transfer_rate));
            }
        },
        e);
}

SpandspCallSite spandsp_call_site(const FaxEvent& e) noexcept {
    switch (e.index()) {
        case 0: return {"phase_b_handler", 386};
        case 1: return {"phase_d_handler", 521};
        default: return {"phase_e_handler", 676};
    }
}

}  // namespace fax::fax
