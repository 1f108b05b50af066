#pragma once
/// The T.30 fields that fax-send's and fax-recv's records share
/// (faxkit-events(7): fax.negotiated, fax.page, and the statistics of
/// fax.sent, fax.received and fax.failed).

#include "fax/events.hpp"
#include "jsonl/writer.hpp"

namespace fax::fax {

/// transfer_rate, ecm, t38_status, local_station_id, remote_station_id,
/// remote_country, remote_vendor, remote_model.
void append_negotiation_fields(jsonl::RecordBuilder& b, const Negotiation& n);

/// page, total_pages, bad_rows, longest_bad_row_run, encoding, image_size,
/// image_resolution, image_pixel_size.
void append_page_fields(jsonl::RecordBuilder& b, const PageResult& p);

/// result_code and result_text (null without a phase E result).
void append_result_code(jsonl::RecordBuilder& b, const FaxResult* r);

}  // namespace fax::fax
