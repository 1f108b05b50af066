#include "fax/recv_call.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "config/dynamic_config.hpp"
#include "core/time.hpp"
#include "esl/command.hpp"
#include "esl/dial_string.hpp"
#include "fax/fax_records.hpp"
#include "fax/recipient.hpp"
#include "fax/recv_finish.hpp"
#include "fax/spandsp_parse.hpp"
#include "jsonl/writer.hpp"

namespace fax::fax {

namespace {

using std::chrono::milliseconds;

class Call : public std::enable_shared_from_this<Call> {
public:
    Call(RecvContext& ctx, std::shared_ptr<esl::OutboundSession> s) : m_ctx(ctx), m_s(std::move(s)) {}

    void start() {
        ++m_ctx.active;
        const auto& cd = m_s->channel_data();
        m_c.uuid = std::string(m_s->uuid());
        m_c.offered_ms = core::now_unix_ms();
        m_c.cid_number = first_of(cd, {"Caller-Caller-ID-Number", "Channel-Caller-ID-Number"});
        m_c.cid_name = first_of(cd, {"Caller-Caller-ID-Name", "Channel-Caller-ID-Name"});
        m_c.gateway = first_of(cd, {"variable_sip_gateway", "variable_sip_gateway_name"});
        const auto rcpt = find_recipient(cd, m_ctx.settings.recipient_from_diversion);
        m_c.recipient = rcpt.number;
        m_c.recipient_source = rcpt.source;
        m_s->drop_channel_data();  // all we need is copied: no few KB per open call
        m_c.csi = m_ctx.settings.ident;
        m_c.t38 = m_ctx.settings.enable_t38;
        m_c.t38_request = m_ctx.settings.request_t38;
        auto self = shared_from_this();
        m_ctx.live[m_c.uuid] = [w = std::weak_ptr<Call>(self)] {
            if (auto c = w.lock()) {
                c->kill("shutting down");
            }
        };
        m_s->on_event([self](const esl::Event& e) { self->on_event(e); });
        m_s->on_close([self](const core::Error& why) { self->closed(why); });
        if (auto f = esl::cmd::filter("Unique-ID", m_c.uuid)) {
            m_s->command(std::move(*f), {});
        }
        m_s->subscribe_call_events({"spandsp::rxfaxnegociateresult", "spandsp::rxfaxpageresult", "spandsp::rxfaxresult"},
                                   [self](core::Result<esl::Reply> r) {
                                       if (!r) {
                                           self->log(fmt::format("subscription failed: {}", r.error().message));
                                       }
                                   });
        if (m_ctx.modems != nullptr) {
            if (auto m = m_ctx.modems->acquire(m_c.uuid)) {
                m_c.modem = *m;
                m_c.modem_assigned = true;
            } else if (m_ctx.settings.overflow == Overflow::reject) {
                offered();
                reject(486, "no free modem");
                return;
            } else {
                m_c.modem = "freeswitch";
            }
        }
        offered();
        prepare();
    }

private:
    static std::string first_of(const esl::Event& e, std::initializer_list<std::string_view> names) {
        for (auto n : names) {
            if (auto v = e.header(n); v && !v->empty()) {
                return std::string(*v);
            }
        }
        return {};
    }

    void log(const std::string& text) {
        if (m_c.slot) {
            (void)m_c.slot->log.line(text);
        }
        if (m_ctx.log) {
            m_ctx.log(fmt::format("{}: {}", m_c.uuid, text));
        }
    }

    /// "id", "uuid" and "modem", after the envelope.
    void head(jsonl::RecordBuilder& b) const {
        b.key("id").string(m_c.uuid).key("uuid").string(m_c.uuid);
        b.key("modem");
        if (m_c.modem.empty()) {
            b.null();
        } else {
            b.string(m_c.modem);
        }
    }

    void offered() {
        std::string rec;
        jsonl::RecordBuilder b(rec);
        b.begin_object().envelope("call.offered");
        head(b);
        b.key("caller_number").string(m_c.cid_number).key("caller_name").string(m_c.cid_name);
        b.key("recipient").string(m_c.recipient).key("recipient_source").string(m_c.recipient_source);
        b.key("gateway").string(m_c.gateway).end_object();
        m_ctx.emit(rec);
    }

    void reject(int sip_status, const std::string& reason) {
        m_c.rejected = true;
        std::string rec;
        jsonl::RecordBuilder b(rec);
        b.begin_object().envelope("call.rejected");
        head(b);
        b.key("reason").string(reason).key("sip_status").number(sip_status);
        b.key("caller_number").string(m_c.cid_number).key("recipient").string(m_c.recipient).end_object();
        m_ctx.emit(rec);
        log(fmt::format("call rejected: {} (SIP {})", reason, sip_status));
        auto self = shared_from_this();
        m_s->execute("respond", std::to_string(sip_status), [self](auto) {
            self->m_s->execute("hangup", "", [](auto) {});
        });
    }

    /// Off the loop: DynamicConfig, then the recvq file, commid and session log.
    void prepare() {
        auto self = shared_from_this();
        auto work = std::make_shared<Prepared>();
        const bool need_slot = true;
        std::vector<std::string> dc_args{m_c.modem.empty() ? std::string("freeswitch") : m_c.modem, m_c.cid_number,
                                         m_c.cid_name, m_c.recipient, m_c.gateway};
        m_ctx.workers.submit(
            [work, dc_args, need_slot, &ctx = m_ctx] {
                if (!ctx.settings.dynamic_config.empty()) {
                    auto r = config::run_dynamic_config(ctx.settings.dynamic_config, dc_args,
                                                        ctx.settings.dynamic_config_timeout, ctx.spool);
                    if (r) {
                        work->dc = std::move(*r);
                    } else {
                        work->dc_error = r.error().message;
                    }
                }
                if (work->dc && work->dc->reject_call()) {
                    return;
                }
                if (need_slot) {
                    auto slot = hylafax::open_receive_slot(ctx.spool);
                    if (slot) {
                        work->slot = std::move(*slot);
                    } else {
                        work->slot_error = slot.error().message;
                    }
                }
            },
            [self, work] { self->prepared(*work); });
    }

    struct Prepared {
        std::optional<config::DynamicConfigAnswer> dc;
        std::string dc_error;
        std::optional<hylafax::ReceiveSlot> slot;
        std::string slot_error;
    };

    void prepared(Prepared& p) {
        if (m_c.finished) {
            // The call ended while we prepared: drop the unused file.
            if (p.slot) {
                ::unlink(p.slot->path.c_str());
                (void)p.slot->log.line("SESSION END (caller hung up before answer)");
            }
            return;
        }
        if (!p.dc_error.empty()) {
            log(fmt::format("DynamicConfig failed, defaults used: {}", p.dc_error));
        }
        if (p.dc) {
            if (p.dc->reject_call()) {
                reject(404, "rejected by DynamicConfig");
                return;
            }
            if (auto v = p.dc->local_identifier()) {
                m_c.csi = *v;
            }
        }
        if (!p.slot) {
            log(fmt::format("cannot store the fax: {}", p.slot_error));
            reject(503, "cannot store the fax");
            return;
        }
        m_c.slot = std::move(p.slot);
        if (m_s->hung_up()) {
            return;  // the caller gave up; closed() finishes
        }
        if (m_c.modem_assigned && m_ctx.modems != nullptr) {
            m_ctx.modems->set_commid(m_c.modem, m_c.slot->commid);
        }
        arm_idle();  // from here on, a call without progress is ended
        log(fmt::format("SESSION BEGIN {} {}", m_c.slot->commid, m_c.recipient));
        log(fmt::format("ANSWER: FAX CONNECTION DEVICE '{}' FROM \"{}\" <{}> TO {} ({}) GATEWAY {}", m_c.modem,
                        m_c.cid_name, m_c.cid_number, m_c.recipient, m_c.recipient_source, m_c.gateway));
        check_fallback();
    }

    void check_fallback() {
        if (!m_ctx.settings.softmodem_fallback || m_c.cid_number.empty()) {
            answer();
            return;
        }
        auto cmd = esl::db_fallback_exists(m_c.cid_number);
        auto api = cmd ? esl::cmd::api(fmt::format("db {}", *cmd)) : core::Result<std::string>(cmd.error());
        if (!api) {
            answer();
            return;
        }
        auto self = shared_from_this();
        m_s->command(std::move(*api), [self](core::Result<esl::Reply> r) {
            if (r && (r->text == "true" || r->text == "true\n")) {
                self->m_c.fallback_active = true;
                self->m_c.t38 = false;
                self->m_c.t38_request = false;
                self->log("softmodem fallback entry for the caller: T.38 off");
            }
            self->answer();
        });
    }

    void answer() {
        const auto& s = m_ctx.settings;
        std::vector<std::pair<std::string, std::string>> steps;
        if (s.answer_after.count() > 0) {
            steps.emplace_back("ring_ready", "");
            steps.emplace_back("sleep", std::to_string(s.answer_after.count()));
        }
        steps.emplace_back("answer", "");
        if (s.wait_time.count() > 0) {
            steps.emplace_back("playback", fmt::format("silence_stream://{}", s.wait_time.count()));
        }
        steps.emplace_back("set", fmt::format("fax_enable_t38={}", m_c.t38 ? "true" : "false"));
        steps.emplace_back("set", fmt::format("fax_enable_t38_request={}", m_c.t38_request ? "true" : "false"));
        if (!m_c.csi.empty()) {
            steps.emplace_back("set", fmt::format("fax_ident={}", esl::spandsp_url_encode(m_c.csi)));
        }
        steps.emplace_back("rxfax", m_c.slot->path);
        steps.emplace_back("hangup", "");
        run_steps(std::make_shared<decltype(steps)>(std::move(steps)), 0);
    }

    using Steps = std::vector<std::pair<std::string, std::string>>;

    // Sends the steps from \a i on at once (gofaxd does not wait for
    // completions either): with event-lock FreeSWITCH runs them in order, and
    // none after a hangup. One write instead of a round trip per step.
    void run_steps(std::shared_ptr<Steps> steps, std::size_t i) {
        if (m_s->hung_up()) {
            return;
        }
        auto self = shared_from_this();
        for (; i < steps->size(); ++i) {
            const auto& [app, arg] = (*steps)[i];
            if (app == "rxfax") {
                arm_idle();
            }
            m_s->execute(app, arg, [self, steps, i](core::Result<const esl::Event*> r) {
                if (!r) {
                    // The session ended (closed() finishes), or FreeSWITCH refused
                    // the command: then the call must not stay up unattended.
                    if (!self->m_s->hung_up() && !self->m_c.finished) {
                        self->kill(fmt::format("{} failed: {}", (*steps)[i].first, r.error().message));
                    }
                    return;
                }
                if ((*steps)[i].first == "answer") {
                    self->m_c.answer_ms = core::now_unix_ms();  // answered now
                }
            });
        }
    }

    void arm_idle() {
        if (m_ctx.settings.call_timeout.count() <= 0 || m_c.finished) {
            return;
        }
        if (m_idle) {
            m_ctx.loop.cancel(*m_idle);
        }
        auto w = weak_from_this();
        m_idle = m_ctx.loop.after(m_ctx.settings.call_timeout, [w] {
            if (auto c = w.lock()) {
                c->m_idle.reset();
                c->kill(fmt::format("no fax progress for {} s", c->m_ctx.settings.call_timeout.count() / 1000));
            }
        });
    }

    void kill(const std::string& why) {
        if (m_c.finished || !m_c.killed_reason.empty()) {
            return;
        }
        m_c.killed_reason = why;
        log(fmt::format("{}: uuid_kill", why));
        if (auto api = esl::cmd::api(fmt::format("uuid_kill {}", m_c.uuid))) {
            m_s->command(std::move(*api), {});
        }
        // If FreeSWITCH does not end the session, close it ourselves.
        auto w = weak_from_this();
        m_ctx.loop.after(milliseconds(10000), [w] {
            if (auto c = w.lock(); c && !c->m_c.finished) {
                c->m_s->close();
            }
        });
    }

    void on_event(const esl::Event& e) {
        if (e.name() == "CHANNEL_HANGUP_COMPLETE" || e.name() == "CHANNEL_HANGUP") {
            if (auto c = e.header("Hangup-Cause"); c && !c->empty()) {
                m_c.hangup_cause = std::string(*c);
            }
            if (!m_c.result) {
                m_c.result = fax_result_from_variables(e, Role::receive);
            }
            return;
        }
        auto fe = parse_spandsp_event(e);
        if (!fe) {
            return;
        }
        arm_idle();
        if (auto* n = std::get_if<Negotiation>(&*fe)) {
            ++m_c.negotiations;
            m_c.negotiation = *n;
            log(fmt::format("REMOTE TSI \"{}\", {} bit/s, ECM {}, T.38 {}", n->remote_station_id, n->transfer_rate,
                            n->ecm ? "on" : "off", t38_status_name(n->t38_status)));
            emit_negotiated(*n);
        } else if (auto* p = std::get_if<PageResult>(&*fe)) {
            m_c.bad_rows += p->bad_rows;
            m_c.pages.push_back(*p);
            log(fmt::format("RECV FAX: page {} ({}, {}, {} bad rows)", p->pages_transferred, p->encoding_name,
                            p->image_pixel_size.text(), p->bad_rows));
            emit_page(*p);
        } else if (auto* res = std::get_if<FaxResult>(&*fe)) {
            m_c.result = *res;
            maybe_write_fallback();
        }
    }

    void emit_negotiated(const Negotiation& n) {
        std::string rec;
        jsonl::RecordBuilder b(rec);
        b.begin_object().envelope("fax.negotiated");
        head(b);
        b.key("direction").string("receive").key("commid").string(m_c.slot ? m_c.slot->commid : std::string());
        b.key("count").number(m_c.negotiations);
        append_negotiation_fields(b, n);
        b.end_object();
        m_ctx.emit(rec);
    }

    void emit_page(const PageResult& p) {
        std::string rec;
        jsonl::RecordBuilder b(rec);
        b.begin_object().envelope("fax.page");
        head(b);
        b.key("direction").string("receive").key("commid").string(m_c.slot ? m_c.slot->commid : std::string());
        append_page_fields(b, p);
        b.end_object();
        m_ctx.emit(rec);
    }

    void maybe_write_fallback() {
        m_c.fallback_rule = received_fallback_rule(m_c);
        if (!m_ctx.settings.softmodem_fallback || m_c.cid_number.empty() || !m_c.fallback_rule) {
            return;
        }
        auto cmd = esl::db_field_safe(m_c.cid_number)
                       ? esl::cmd::api(fmt::format("db insert/fallback/{}/{}", m_c.cid_number, core::now_unix_ms() / 1000))
                       : core::Result<std::string>(core::make_error(core::Errc::data, "caller number"));
        if (!cmd) {
            return;
        }
        auto self = shared_from_this();
        m_s->command(std::move(*cmd), [self](core::Result<esl::Reply> r) {
            if (r && r->ok()) {
                self->m_c.fallback_written = true;
                self->log(fmt::format("softmodem fallback entry written for {}", self->m_c.cid_number));
            }
        });
    }

    void closed(const core::Error& why) {
        if (m_c.finished) {
            return;
        }
        m_c.finished = true;
        m_c.end_ms = core::now_unix_ms();
        if (m_idle) {
            m_ctx.loop.cancel(*m_idle);
            m_idle.reset();
        }
        m_ctx.live.erase(m_c.uuid);
        if (m_c.hangup_cause.empty() && !why.message.empty() && why.message != "closed by us") {
            log(fmt::format("session ended: {}", why.message));
        }
        auto self = shared_from_this();
        finish_call(m_ctx, std::move(m_c), [self] {
            auto& ctx = self->m_ctx;
            if (--ctx.active == 0 && ctx.on_idle) {
                ctx.on_idle();
            }
        });
    }

    RecvContext& m_ctx;
    std::shared_ptr<esl::OutboundSession> m_s;
    CallState m_c;
    std::optional<core::Loop::TimerId> m_idle;
};

}  // namespace

void serve_call(RecvContext& ctx, std::shared_ptr<esl::OutboundSession> session) {
    std::make_shared<Call>(ctx, std::move(session))->start();
}

void kill_all_calls(RecvContext& ctx) {
    auto live = ctx.live;  // kills may erase entries
    for (auto& [uuid, kill] : live) {
        kill();
    }
}

}  // namespace fax::fax
