#include "fax/hylafax_job.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace fax::fax {

namespace {

std::optional<int> opt_int(const hylafax::QueueFile& q, std::string_view key) {
    auto v = q.get(key);
    if (!v || v->empty()) {
        return std::nullopt;
    }
    int n = 0;
    const auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    if (r.ec != std::errc{}) {
        return std::nullopt;
    }
    return n;
}

std::string str(const hylafax::QueueFile& q, std::string_view key) {
    return std::string(q.get(key).value_or(std::string_view{}));
}

}  // namespace

core::Result<JobFields> read_job(const hylafax::QueueFile& q) {
    JobFields j;
    j.jobid = str(q, "jobid");
    const auto id = opt_int(q, "jobid");
    if (!id || *id <= 0 || j.jobid.find_first_not_of("0123456789") != std::string::npos) {
        return core::make_error(core::Errc::data, j.jobid.empty() ? std::string("qfile has no jobid")
                                                                  : fmt::format("qfile jobid '{}' is not a job number", j.jobid));
    }
    j.number = str(q, "number");
    j.external = str(q, "external");
    if (j.external.empty()) {
        j.external = j.number;
    }
    j.owner = str(q, "owner");
    j.sender = str(q, "sender");
    j.mailaddr = str(q, "mailaddr");
    j.jobtag = str(q, "jobtag");
    j.tottries = opt_int(q, "tottries").value_or(0);
    j.totdials = opt_int(q, "totdials").value_or(0);
    j.ndials = opt_int(q, "ndials").value_or(0);
    j.npages = opt_int(q, "npages").value_or(0);
    j.totpages = opt_int(q, "totpages").value_or(0);
    j.desiredec = opt_int(q, "desiredec");
    j.desiredbr = opt_int(q, "desiredbr");
    for (auto& d : q.documents()) {
        if (d.op == "fax" && !d.converted) {
            j.documents.push_back(std::move(d));
        }
    }
    return j;
}

SendRequest make_request(const SendSettings& s, const JobFields& job, const config::DynamicConfigAnswer* dc,
                         std::string document) {
    SendRequest r;
    std::string prefix = s.callprefix;
    std::string cidnum = s.faxnumber;
    r.ident = s.ident;
    r.header = s.header;
    r.gateways = s.gateways;
    if (dc != nullptr) {
        if (auto v = dc->call_prefix()) {
            prefix = *v;
        }
        if (auto v = dc->fax_number()) {
            cidnum = *v;
        }
        if (auto v = dc->local_identifier()) {
            r.ident = *v;
        }
        if (auto v = dc->tag_line()) {
            r.header = *v;
        }
        if (auto gws = dc->gateways(); !gws.empty()) {
            r.gateways = std::move(gws);
        }
    }
    r.number = prefix + job.external;
    r.cid_number = cidnum;
    if (s.cidname == "sender") {
        r.cid_name = job.sender;
    } else if (s.cidname == "number") {
        r.cid_name = job.number;
    } else if (s.cidname == "cidnum") {
        r.cid_name = cidnum;
    } else {
        r.cid_name = s.cidname;
    }
    r.document = std::move(document);
    r.ecm = !(job.desiredec && *job.desiredec == 0);
    if (s.disable_ecm_after_retry > 0 && job.tottries >= s.disable_ecm_after_retry) {
        r.ecm = false;
    }
    r.disable_v17 = (job.desiredbr && *job.desiredbr < 5) ||
                    (s.disable_v17_after_retry > 0 && job.tottries >= s.disable_v17_after_retry);
    r.t38 = s.enable_t38;
    r.t38_request = s.request_t38;
    apply_call_settings(s, r);
    return r;
}

JobStatus job_status(const SendOutcome& out) {
    if (!out.answered) {
        const auto& c = out.cause;
        if (c == "USER_BUSY" || c == "NORMAL_CIRCUIT_CONGESTION" || c == "SWITCH_CONGESTION") {
            return {1, "Busy signal detected"};  // HylaFAX's text: faxstat shows 40 characters
        }
        if (c == "NO_ANSWER" || c == "NO_USER_RESPONSE" || c == "ALLOTTED_TIMEOUT" || c == "PROGRESS_TIMEOUT" ||
            c == "RECOVERY_ON_TIMER_EXPIRE") {
            return {3, "No answer from remote"};
        }
        if (c.empty()) {
            return {6, out.reason.empty() ? std::string("Unknown problem") : out.reason};
        }
        if (!out.reason.empty() && out.reason != c) {
            return {6, fmt::format("{} ({})", out.reason, c)};
        }
        return {6, fmt::format("Call failed: {}", c)};
    }
    if (out.negotiations == 0 && !out.result) {
        return {7, fmt::format("Carrier established, but Phase A failure: {}", out.reason)};
    }
    return {6, out.reason.empty() ? std::string("Unknown problem") : out.reason};
}

std::chrono::seconds requeue_delay(const SendSettings& s, const SendOutcome& out) {
    if (!out.answered) {
        const auto status = job_status(out);
        if (status.code == 1) {
            return s.requeue_busy;
        }
        if (status.code == 3) {
            return s.requeue_no_answer;
        }
        return s.requeue_other;
    }
    return s.requeue_protocol;
}

SendReturn send_return(SendStatus s) noexcept {
    switch (s) {
    case SendStatus::sent:
        return SendReturn::done;
    case SendStatus::failed:
        return SendReturn::failed;
    case SendStatus::retry:
        return SendReturn::retry;
    }
    return SendReturn::retry;
}

void advance_documents(hylafax::QueueFile& q, const std::vector<hylafax::DocumentItem>& items,
                       const std::vector<int>& page_counts, int pages_sent) {
    int left = pages_sent;
    for (std::size_t i = 0; i < items.size() && i < page_counts.size() && left > 0; ++i) {
        if (left >= page_counts[i]) {
            q.remove_document(items[i]);
            left -= page_counts[i];
        } else {
            auto moved = items[i];
            moved.dirnum += left;
            q.replace_document(items[i], moved);
            left = 0;
        }
    }
}

}  // namespace fax::fax
