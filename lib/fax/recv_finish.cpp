#include "fax/recv_finish.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/subprocess.hpp"
#include "core/time.hpp"
#include "core/version.hpp"
#include "fax/fax_records.hpp"
#include "hylafax/class2_params.hpp"
#include "hylafax/xferfaxlog.hpp"
#include "jsonl/writer.hpp"
#include "tiff/bitmap.hpp"
#include "tiff/fax_tags.hpp"

namespace fax::fax {

bool received_fallback_rule(const CallState& c) noexcept {
    if (c.result && c.result->success) {
        return false;
    }
    return c.negotiations > 1 || (c.negotiations == 1 && c.bad_rows > 0);
}

std::uint32_t received_params(const CallState& c) noexcept {
    hylafax::Class2Params p;
    if (c.negotiation) {
        p.br = hylafax::bit_rate_code(c.negotiation->transfer_rate);
        p.ec = c.negotiation->ecm ? 1 : 0;
    }
    if (!c.pages.empty()) {
        p.vr = hylafax::vertical_resolution_code(c.pages.front().image_resolution.y);
        p.df = hylafax::data_format_code(c.pages.front().encoding_name);
    }
    return hylafax::encode(p);
}

namespace {

/// What the worker found and did.
struct Finished {
    int pages = 0;
    bool kept = false;
    std::string problem;  ///< tagging or logging trouble, for the log
};

bool success(const CallState& c) { return c.result && c.result->success; }

std::string error_message(const CallState& c) {
    if (success(c)) {
        return {};
    }
    if (!c.killed_reason.empty()) {
        return c.killed_reason;
    }
    if (c.result) {
        return c.result->result_text;
    }
    return c.hangup_cause.empty() ? std::string("call ended before the fax") : c.hangup_cause;
}

void finish_files(const RecvContext& ctx, CallState& c, Finished& f) {
    auto& slot = *c.slot;
    auto geometry = tiff::read_geometry(slot.path);
    f.pages = geometry ? static_cast<int>(geometry->size()) : 0;
    const std::int64_t conn_s = c.answer_ms > 0 ? (c.end_ms - c.answer_ms) / 1000 : 0;
    if (f.pages == 0) {
        ::unlink(slot.path.c_str());
    } else {
        tiff::ReceivedFaxInfo info;
        info.sender_tsi = c.negotiation ? c.negotiation->remote_station_id : std::string();
        info.recv_params = received_params(c);
        info.receive_seconds = static_cast<std::uint32_t>(conn_s);
        info.received_unix = c.end_ms / 1000;
        info.software = fmt::format("faxkit {}", core::k_version);
        info.call_id = {c.cid_number, c.cid_name, c.recipient};
        info.make = "FreeSWITCH";
        info.model = "mod_spandsp";
        if (auto r = tiff::tag_received_fax(slot.path, info); !r) {
            f.problem = fmt::format("tagging {}: {}", slot.file, r.error().message);
        } else {
            f.pages = *r;
        }
        if (::chmod(slot.path.c_str(), ctx.settings.recv_file_mode) != 0) {
            f.problem = fmt::format("chmod {}: failed", slot.file);
        }
        f.kept = true;
    }
    const std::string msg = error_message(c);
    if (f.kept) {
        (void)slot.log.line(fmt::format("RECV FAX ({}): {} from \"{}\", {} page(s) in {}{}", slot.commid, slot.file,
                                        c.negotiation ? c.negotiation->remote_station_id : std::string(), f.pages,
                                        hylafax::format_duration(conn_s), msg.empty() ? "" : fmt::format(", {}", msg)));
    } else {
        (void)slot.log.line(fmt::format("RECV FAX ({}): no pages received{}", slot.commid,
                                        msg.empty() ? "" : fmt::format(": {}", msg)));
    }
    hylafax::XferRecord x;
    x.start_unix = (c.answer_ms > 0 ? c.answer_ms : c.offered_ms) / 1000;
    x.kind = "RECV";
    x.commid = slot.commid;
    x.modem = c.modem.empty() ? std::string("freeswitch") : c.modem;
    x.jobid = slot.file;
    x.sender = "fax";
    x.dest = c.recipient;
    x.remote_id = c.negotiation ? c.negotiation->remote_station_id : std::string();
    x.params = received_params(c);
    x.pages = f.pages;
    x.job_seconds = (c.end_ms - c.offered_ms) / 1000;
    x.conn_seconds = conn_s;
    x.reason = msg;
    x.cid_name = c.cid_name;
    x.cid_number = c.cid_number;
    x.callid_rest = fmt::format("{}::{}", c.recipient, c.gateway);
    const std::string xlog = ctx.settings.xferfaxlog.empty() ? fmt::format("{}/log/xferfaxlog", ctx.spool)
                             : ctx.settings.xferfaxlog.front() == '/' ? ctx.settings.xferfaxlog
                                                                      : fmt::format("{}/{}", ctx.spool, ctx.settings.xferfaxlog);
    if (auto r = hylafax::append_record(xlog, x); !r) {
        f.problem = fmt::format("xferfaxlog: {}", r.error().message);
    }
    (void)slot.log.line("SESSION END");
    slot.lock.reset();  // unlock: hfaxd now lists the file as received
}

std::string result_record(const CallState& c, const Finished& f) {
    std::string rec;
    jsonl::RecordBuilder b(rec);
    if (success(c)) {
        b.begin_object().envelope("fax.received");
    } else {
        b.begin_object().envelope("fax.failed");
    }
    b.key("id").string(c.uuid).key("uuid").string(c.uuid);
    b.key("modem");
    if (c.modem.empty()) {
        b.null();
    } else {
        b.string(c.modem);
    }
    b.key("direction").string("receive");
    b.key("commid").string(c.slot ? c.slot->commid : std::string());
    b.key("file");
    if (f.kept) {
        b.string(c.slot->file);
    } else {
        b.null();
    }
    b.key("path");
    if (f.kept) {
        b.string(c.slot->path);
    } else {
        b.null();
    }
    b.key("pages").number(f.pages).key("partial").boolean(f.kept && !success(c));
    b.key("reason").string(error_message(c)).key("hangup_cause").string(c.hangup_cause);
    b.key("caller_number").string(c.cid_number).key("caller_name").string(c.cid_name);
    b.key("recipient").string(c.recipient).key("recipient_source").string(c.recipient_source);
    b.key("gateway").string(c.gateway);
    const auto* r = c.result ? &*c.result : nullptr;
    const auto* n = c.negotiation ? &*c.negotiation : nullptr;
    b.key("transfer_rate").number(r && r->transfer_rate != 0 ? r->transfer_rate : (n ? n->transfer_rate : 0));
    b.key("ecm").boolean(r ? r->ecm : (n && n->ecm));
    b.key("t38_status").string(t38_status_name(r ? r->t38_status : (n ? n->t38_status : T38Status::off)));
    b.key("local_station_id").string(n ? n->local_station_id : c.csi);
    b.key("remote_station_id").string(n ? n->remote_station_id : std::string());
    append_result_code(b, r);
    b.key("negotiations").number(c.negotiations).key("bad_rows").number(c.bad_rows);
    b.key("encoding").string(c.pages.empty() ? std::string() : c.pages.front().encoding_name);
    b.key("duration_ms").number(c.end_ms - c.offered_ms);
    b.key("connect_ms").number(c.answer_ms > 0 ? c.end_ms - c.answer_ms : 0);
    b.key("fallback_active").boolean(c.fallback_active).key("fallback_rule").boolean(c.fallback_rule);
    b.key("fallback_written").boolean(c.fallback_written);
    b.key("killed").boolean(!c.killed_reason.empty());
    b.end_object();
    return rec;
}

void run_faxrcvd(const RecvContext& ctx, const CallState& c, std::string& problem) {
    const auto* r = c.result ? &*c.result : nullptr;
    std::vector<std::string> argv{ctx.settings.faxrcvd_cmd, c.slot->file, c.modem.empty() ? "freeswitch" : c.modem,
                                  c.slot->commid, error_message(c), c.cid_number, c.cid_name, c.recipient, c.gateway};
    core::SubprocessOptions o;
    o.cwd = ctx.spool;
    o.timeout = ctx.settings.faxrcvd_timeout;
    o.env = {{"HANGUPCAUSE", c.hangup_cause},
             {"TRANSFER_RATE", std::to_string(r ? r->transfer_rate : (c.negotiation ? c.negotiation->transfer_rate : 0))}};
    o.stderr_to = core::StderrTo::capture;
    auto res = core::run_subprocess(argv, o);
    if (!res) {
        problem = fmt::format("faxrcvd: {}", res.error().message);
    } else if (!res->success()) {
        problem = fmt::format("faxrcvd {}: {}{}", ctx.settings.faxrcvd_cmd, res->describe(),
                              res->err.empty() ? "" : fmt::format(": {}", core::first_line(res->err)));
    }
}

}  // namespace

void finish_call(RecvContext& ctx, CallState call, std::function<void()> done) {
    auto c = std::make_shared<CallState>(std::move(call));
    auto f = std::make_shared<Finished>();
    RecvContext* pctx = &ctx;
    if (!c->slot) {
        // Rejected or never prepared: nothing was stored.
        if (c->modem_assigned && ctx.modems != nullptr) {
            ctx.modems->release(c->modem);
        }
        if (!c->rejected) {
            ctx.emit(result_record(*c, *f));
        }
        done();
        return;
    }
    ctx.workers.submit([pctx, c, f] { finish_files(*pctx, *c, *f); },
                       [pctx, c, f, done = std::move(done)]() mutable {
                           auto& x = *pctx;
                           if (!f->problem.empty() && x.log) {
                               x.log(fmt::format("{}: {}", c->uuid, f->problem));
                           }
                           if (c->modem_assigned && x.modems != nullptr) {
                               x.modems->release(c->modem);
                           }
                           x.emit(result_record(*c, *f));
                           // faxrcvd gets every stored fax, partial ones too;
                           // with no page there is no file to hand over.
                           if (!x.hylafax || !x.settings.run_faxrcvd || !f->kept) {
                               done();
                               return;
                           }
                           auto problem = std::make_shared<std::string>();
                           (x.faxrcvd != nullptr ? *x.faxrcvd : x.workers).submit([pctx, c, problem] { run_faxrcvd(*pctx, *c, *problem); },
                                              [pctx, c, problem, done = std::move(done)] {
                                                  if (!problem->empty() && pctx->log) {
                                                      pctx->log(fmt::format("{}: {}", c->uuid, *problem));
                                                  }
                                                  done();
                                              });
                       });
}

}  // namespace fax::fax
