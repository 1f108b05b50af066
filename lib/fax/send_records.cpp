#include "fax/send_records.hpp"

#include <fmt/format.h>

#include "fax/fax_records.hpp"
#include "jsonl/writer.hpp"

namespace fax::fax {

SendRecorder::SendRecorder(std::string id, RecordContext context, Sink sink, Progress progress, SendObserver* next)
    : m_id(std::move(id)), m_context(std::move(context)), m_sink(std::move(sink)), m_progress(std::move(progress)),
      m_next(next) {}

void SendRecorder::head(jsonl::RecordBuilder& b) const {
    b.key("id").string(m_id);
    for (const auto& [k, v] : m_context) {
        b.key(k).string(v);
    }
    b.key("direction").string("send");
}

void SendRecorder::dialing(const SendRequest& req, const LegAttempt& leg, int attempt) {
    m_attempt = attempt;
    m_uuid = leg.uuid;
    std::string rec;
    jsonl::RecordBuilder b(rec);
    b.begin_object().envelope("fax.dialing");
    head(b);
    b.key("number").string(req.number).key("gateway").string(leg.gateway).key("attempt").number(attempt);
    b.key("uuid").string(leg.uuid).end_object();
    m_sink(rec);
    if (m_progress) {
        m_progress(fmt::format("dialing {} via {} (attempt {})", req.number, leg.gateway, attempt));
    }
    if (m_next != nullptr) {
        m_next->dialing(req, leg, attempt);
    }
}

void SendRecorder::leg_failed(const LegAttempt& leg) {
    if (m_progress) {
        m_progress(fmt::format("{}: {}", leg.gateway, leg.cause));
    }
    if (m_next != nullptr) {
        m_next->leg_failed(leg);
    }
}

void SendRecorder::answered(const LegAttempt& leg) {
    if (m_progress) {
        m_progress(fmt::format("answered via {}", leg.gateway));
    }
    if (m_next != nullptr) {
        m_next->answered(leg);
    }
}

void SendRecorder::negotiated(const Negotiation& n, int count) {
    std::string rec;
    jsonl::RecordBuilder b(rec);
    b.begin_object().envelope("fax.negotiated");
    head(b);
    b.key("uuid").string(m_uuid).key("count").number(count);
    append_negotiation_fields(b, n);
    b.end_object();
    m_sink(rec);
    if (m_progress) {
        m_progress(fmt::format("negotiated {} bit/s{}{} with \"{}\"", n.transfer_rate, n.ecm ? ", ECM" : "",
                               n.t38_status == T38Status::negotiated ? ", T.38" : "", n.remote_station_id));
    }
    if (m_next != nullptr) {
        m_next->negotiated(n, count);
    }
}

void SendRecorder::page(const PageResult& p) {
    std::string rec;
    jsonl::RecordBuilder b(rec);
    b.begin_object().envelope("fax.page");
    head(b);
    b.key("uuid").string(m_uuid);
    append_page_fields(b, p);
    b.end_object();
    m_sink(rec);
    if (m_progress) {
        m_progress(fmt::format("page {}/{} sent ({} bad rows)", p.pages_transferred, p.total_pages, p.bad_rows));
    }
    if (m_next != nullptr) {
        m_next->page(p);
    }
}

void SendRecorder::note(const std::string& text) {
    if (m_progress) {
        m_progress(text);
    }
    if (m_next != nullptr) {
        m_next->note(text);
    }
}

void SendRecorder::finished(const SendRequest& req, const SendOutcome& out, const RecordContext& extra) {
    std::string rec;
    jsonl::RecordBuilder b(rec);
    if (out.status == SendStatus::sent) {
        b.begin_object().envelope("fax.sent");
    } else {
        b.begin_object().envelope("fax.failed");
    }
    head(b);
    b.key("status").string(send_status_name(out.status)).key("final").boolean(out.status != SendStatus::retry);
    b.key("reason").string(out.reason).key("hangup_cause").string(out.cause);
    b.key("number").string(req.number).key("gateway").string(out.gateway);
    b.key("attempt").number(static_cast<std::int64_t>(out.legs.empty() ? 0 : m_attempt));
    b.key("uuid").string(out.uuid);
    b.key("legs").begin_array();
    for (std::size_t i = 0; i < out.legs.size() && (i < static_cast<std::size_t>(m_attempt)); ++i) {
        const auto& l = out.legs[i];
        b.begin_object().key("gateway").string(l.gateway).key("uuid").string(l.uuid).key("cause").string(l.cause);
        b.key("answered").boolean(l.answered).end_object();
    }
    b.end_array();
    const auto& r = out.result;
    const auto& n = out.negotiation;
    b.key("answered").boolean(out.answered);
    b.key("pages").number(out.pages_sent());
    const int total = r ? r->total_pages : (out.pages.empty() ? 0 : out.pages.back().total_pages);
    b.key("total_pages").number(total);
    b.key("transfer_rate").number(r && r->transfer_rate != 0 ? r->transfer_rate : (n ? n->transfer_rate : 0));
    b.key("ecm").boolean(r ? r->ecm : (n && n->ecm));
    b.key("t38_status").string(t38_status_name(r ? r->t38_status : (n ? n->t38_status : T38Status::off)));
    b.key("local_station_id").string(r ? r->local_station_id : (n ? n->local_station_id : std::string()));
    b.key("remote_station_id").string(r && !r->remote_station_id.empty() ? r->remote_station_id
                                                                         : (n ? n->remote_station_id : std::string()));
    append_result_code(b, r ? &*r : nullptr);
    b.key("negotiations").number(out.negotiations).key("bad_rows").number(out.bad_rows);
    b.key("encoding").string(out.pages.empty() ? std::string() : out.pages.front().encoding_name);
    b.key("duration_ms").number(out.end_ms - out.start_ms);
    b.key("connect_ms").number(out.answer_ms > 0 ? out.end_ms - out.answer_ms : 0);
    b.key("fallback_active").boolean(out.fallback_active).key("fallback_written").boolean(out.fallback_written);
    b.key("killed").boolean(out.killed);
    for (const auto& [k, v] : extra) {
        b.key(k).string(v);
    }
    b.end_object();
    m_sink(rec);
    if (m_progress) {
        if (out.status == SendStatus::sent) {
            m_progress(fmt::format("sent {} page(s) to {}", out.pages_sent(), req.number));
        } else {
            m_progress(fmt::format("{}: {}", out.status == SendStatus::retry ? "not sent, retry later" : "failed",
                                   out.reason));
        }
    }
}

}  // namespace fax::fax
