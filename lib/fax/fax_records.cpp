#include "fax/fax_records.hpp"

namespace fax::fax {

void append_negotiation_fields(jsonl::RecordBuilder& b, const Negotiation& n) {
    b.key("transfer_rate").number(n.transfer_rate).key("ecm").boolean(n.ecm);
    b.key("t38_status").string(t38_status_name(n.t38_status));
    b.key("local_station_id").string(n.local_station_id).key("remote_station_id").string(n.remote_station_id);
    b.key("remote_country").string(n.remote_country).key("remote_vendor").string(n.remote_vendor);
    b.key("remote_model").string(n.remote_model);
}

void append_page_fields(jsonl::RecordBuilder& b, const PageResult& p) {
    b.key("page").number(p.pages_transferred).key("total_pages").number(p.total_pages);
    b.key("bad_rows").number(p.bad_rows).key("longest_bad_row_run").number(p.longest_bad_row_run);
    b.key("encoding").string(p.encoding_name).key("image_size").number(p.image_size);
    b.key("image_resolution").string(p.image_resolution.text());
    b.key("image_pixel_size").string(p.image_pixel_size.text());
}

void append_result_code(jsonl::RecordBuilder& b, const FaxResult* r) {
    b.key("result_code");
    if (r != nullptr) {
        b.number(r->result_code);
    } else {
        b.null();
    }
    b.key("result_text");
    if (r != nullptr) {
        b.string(r->result_text);
    } else {
        b.null();
    }
}

}  // namespace fax::fax
