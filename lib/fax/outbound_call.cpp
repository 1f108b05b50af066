// The `originate` api and the calls it places: legs tried as FreeSWITCH does,
// the scenario deciding what answers, and &txfax(path) running a real spandsp
// exchange whose events are fired as mod_spandsp fires them.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "config/esl_settings.hpp"
#include "core/uuid.hpp"
#include "tiff/test_document.hpp"
#include "esl/hangup_cause.hpp"
#include "esl/originate.hpp"
#include "fax/spandsp_events.hpp"
#include "fax/switch_impl.hpp"

namespace fax::fax {

namespace {

using ApiDone = esl::InboundServer::ApiDone;

constexpr esl::CallSite k_create{"switch_core_state_machine.c", "switch_core_session_run", 626};
constexpr esl::CallSite k_originate{"switch_core_state_machine.c", "switch_core_session_run", 632};
constexpr esl::CallSite k_callstate{"switch_channel.c", "switch_channel_perform_set_callstate", 301};
constexpr esl::CallSite k_answer{"switch_channel.c", "switch_channel_perform_mark_answered", 3846};
constexpr esl::CallSite k_execute{"switch_core_session.c", "switch_core_session_exec", 2944};
constexpr esl::CallSite k_execute_complete{"switch_core_session.c", "switch_core_session_exec", 2967};
constexpr esl::CallSite k_hangup{"switch_channel.c", "switch_channel_perform_hangup", 3445};
constexpr esl::CallSite k_hangup_complete{"switch_core_state_machine.c", "switch_core_session_reporting_state", 943};
constexpr esl::CallSite k_destroy{"switch_core_session.c", "switch_core_session_perform_destroy", 1584};

// Blocks of simulated audio per loop turn in fast mode (1 s), so other calls
// and sockets are served between them.
constexpr int k_fast_blocks = 50;

void set_call_state(Switch::Impl& sw, Call& call, CallState next) {
    const CallState prev = call.ch.call_state();
    call.ch.set_call_state(next);
    sw.emit(call.ch, "CHANNEL_CALLSTATE", k_callstate,
            {{"Original-Channel-Call-State", std::string(call_state_name(prev))},
             {"Channel-Call-State-Number", std::to_string(static_cast<int>(next))}});
}

// Fires one of our terminal's fax events (the caller side is our channel).
void on_fax_event(Switch::Impl& sw, const std::shared_ptr<Call>& call, Side side, const FaxEvent& e) {
    if (side != Side::caller || call->finished || call->switch_now) {
        return;  // the far end, or the audio exchange after its negotiation (T.38 takes over)
    }
    if (call->t38_switch && std::holds_alternative<Negotiation>(e)) {
        call->switch_now = true;  // reported below; step_fax switches after this step
    }
    if (const auto* result = std::get_if<FaxResult>(&e); result != nullptr && call->hold_phase_e &&
                                                         !call->held_result) {
        // The FreeSWITCH txfax hang: after the last page the app never returns.
        call->held_result = *result;
        return;
    }
    set_fax_variables(call->ch, e);
    HeaderList extra;
    append_spandsp_headers(extra, e, call->ch.uuid());
    const SpandspCallSite site = spandsp_call_site(e);
    if (std::holds_alternative<FaxResult>(e)) {
        // The far end's hangup ends txfax: phase E is reported on a hung-up channel.
        if (!call->ch.hangup_cause()) {
            call->ch.hangup("NORMAL_CLEARING", now_us());
            sw.emit(call->ch, "CHANNEL_HANGUP", k_hangup, {{"Hangup-Cause", "NORMAL_CLEARING"}});
        }
    }
    sw.emit(call->ch, "CUSTOM", esl::CallSite{"mod_spandsp_fax.c", site.function, site.line}, {}, extra,
            event_subclass(e));
    if (std::holds_alternative<FaxResult>(e)) {
        finish_call(sw, call, call->ch.hangup_cause().value_or("NORMAL_CLEARING"));
    }
}

// Makes \a cfg the call's exchange, replacing (freeing) any earlier one,
// which reports nothing more. False when it cannot start: the call is ended.
bool run_exchange(const std::shared_ptr<Switch::Impl>& sw, const std::shared_ptr<Call>& call, const ExchangeConfig& cfg) {
    std::weak_ptr<Switch::Impl> weak_sw = sw;
    std::weak_ptr<Call> weak_call = call;
    auto exchange = Exchange::create(cfg, [weak_sw, weak_call](Side side, const FaxEvent& e) {
        auto s = weak_sw.lock();
        auto c = weak_call.lock();
        if (s && c) {
            on_fax_event(*s, c, side, e);
        }
    });
    if (!exchange) {
        call->ch.set_variable("current_application_response", exchange.error().message);
        finish_call(*sw, call, "NORMAL_CLEARING");
        return false;
    }
    call->fax.emplace(std::move(*exchange));
    return true;
}

// Runs the exchange: a tight loop in fast mode, 20 ms blocks in real time.
void step_fax(const std::shared_ptr<Switch::Impl>& sw, const std::shared_ptr<Call>& call) {
    if (call->finished || !call->fax) {
        return;
    }
    bool running = call->fax->step(sw->config.realtime ? k_block_samples : k_fast_blocks * k_block_samples);
    if (call->finished) {
        return;
    }
    if (call->switch_now) {
        // The far end's T.38 re-INVITE: mod_spandsp restarts the fax over
        // T.38 (the audio session ends without a result) and negotiates again.
        const ExchangeConfig cfg = *call->t38_switch;
        call->t38_switch.reset();
        call->switch_now = false;
        if (!run_exchange(sw, call, cfg)) {
            return;
        }
        running = true;
    }
    if (!running && !call->hold_phase_e) {
        return;  // phase E already handled by on_fax_event
    }
    std::weak_ptr<Switch::Impl> weak_sw = sw;
    std::weak_ptr<Call> weak_call = call;
    auto next = [weak_sw, weak_call] {
        auto s = weak_sw.lock();
        auto c = weak_call.lock();
        if (s && c) {
            step_fax(s, c);
        }
    };
    if (!running) {
        return;  // txfax hangs: nothing more until uuid_kill
    }
    if (sw->config.realtime) {
        call->timer = sw->loop.after(std::chrono::milliseconds(20), next);
    } else {
        sw->loop.post(next);
    }
}

void start_txfax(const std::shared_ptr<Switch::Impl>& sw, const std::shared_ptr<Call>& call, const esl::VarList& vars,
                 const esl::LegSettings& ls, const NumberBehaviour& behaviour, std::string_view number) {
    Channel& ch = call->ch;
    ch.set_variable("current_application_data", call->app_arg);
    ch.set_variable("current_application", "txfax");
    sw->emit(ch, "CHANNEL_EXECUTE", k_execute, {},
             {{"Application", "txfax"}, {"Application-Data", call->app_arg}, {"Application-UUID", core::random_uuid()}});

    const FaxMachine& m = behaviour.machine;
    ExchangeConfig cfg;
    cfg.caller.role = Role::send;
    cfg.caller.tiff_path = call->app_arg;
    cfg.caller.ident = ls.fax_ident;
    // Deviation: without fax_header FreeSWITCH prints "SpanDSP Fax Header" on
    // every page; fax-sim prints none, so received pages equal the sent ones.
    cfg.caller.header = vars.get("fax_header") ? ls.fax_header : std::string();
    cfg.caller.ecm = ls.fax_use_ecm;
    cfg.caller.v17 = !ls.fax_disable_v17;
    cfg.caller.t38 = ls.fax_enable_t38;
    const bool request_t38 = ls.fax_enable_t38_request;
    cfg.answerer.role = Role::receive;
    cfg.answerer.tiff_path = (std::filesystem::path(sw->config.received_dir) / (ch.uuid() + ".tif")).string();
    std::string csi = m.csi_for(number);
    if (csi.size() > 20) {
        csi.erase(0, csi.size() - 20);
    }
    cfg.answerer.ident = csi;
    cfg.answerer.ecm = m.ecm;
    cfg.answerer.max_bit_rate = m.max_bit_rate;
    cfg.answerer.t38 = m.t38 != T38Support::no;
    cfg.transport = request_t38 && cfg.caller.t38 ? Transport::t38 : Transport::audio;
    cfg.impairments.hangup_after_pages = m.hangup_after_pages;
    cfg.impairments.hangup_delay_ms = m.hangup_delay_ms;
    cfg.impairments.noise_dbm0 = m.noise_dbm0;
    if (m.noise_dbm0) {
        // spandsp 0.0.6's V.17 receiver fails at random under any noise; a
        // noisy line trains down to V.29 (9600), which gives bad rows instead.
        cfg.answerer.v17 = false;
    }
    if (m.t38 == T38Support::fails && cfg.transport == Transport::t38) {
        // The peer accepts T.38 but the fax over it never gets through.
        cfg.impairments.hangup_after_ms = 8000;
    }
    call->hold_phase_e = m.txfax_hangs;
    ch.set_variable("fax_v17_disabled", cfg.caller.v17 ? "0" : "1");
    ch.set_variable("fax_ecm_requested", cfg.caller.ecm ? "1" : "0");
    ch.set_variable("fax_filename", call->app_arg);

    if ((m.t38 == T38Support::late || m.t38 == T38Support::late_fails) && cfg.caller.t38 &&
        cfg.transport == Transport::audio) {
        ExchangeConfig t38 = cfg;
        t38.transport = Transport::t38;
        if (m.t38 == T38Support::late_fails) {
            t38.impairments.hangup_after_ms = 8000;
        }
        call->t38_switch = std::move(t38);
    }
    if (run_exchange(sw, call, cfg)) {
        step_fax(sw, call);
    }
}

// A leg that answers: the channel, its events, +OK, then the application.
void answer_leg(const std::shared_ptr<Switch::Impl>& sw, const esl::OriginateRequest& req, const esl::VarList& vars,
                const esl::LegSettings& ls, const esl::Leg& leg, std::string uuid, const NumberBehaviour& behaviour,
                const ApiDone& done) {
    const esl::Endpoint& ep = leg.endpoint;
    CallerProfile p;
    p.direction = "outbound";
    p.logical_direction = "outbound";
    p.caller_id_name = ls.caller_id_name;
    p.caller_id_number = ls.caller_id_number;
    p.orig_caller_id_name = p.caller_id_name;
    p.orig_caller_id_number = p.caller_id_number;
    p.callee_id_name = "Outbound Call";
    p.callee_id_number = ep.destination;
    p.ani = p.caller_id_number;
    p.destination_number = ep.destination;
    p.source = "src/switch_ivr_originate.c";
    p.context = req.context;
    p.dialplan = req.dialplan;
    p.created_us = p.profile_created_us = now_us();
    const std::string name =
        ep.kind == esl::EndpointKind::sofia_gateway ? fmt::format("sofia/gateway/{}/{}", ep.gateway, ep.destination) : leg.text;
    auto call = std::make_shared<Call>(sw, Channel(uuid, name, p));
    Channel& ch = call->ch;
    ch.set_hit_dialplan(false);
    ch.set_variable("direction", "outbound");
    ch.set_variable("is_outbound", "true");
    ch.set_variable("uuid", uuid);
    ch.set_variable("call_uuid", uuid);
    ch.set_variable("session_id", std::to_string(sw->sessions_since_start + 1));
    ch.set_variable("read_codec", "L16");
    ch.set_variable("read_rate", "8000");
    ch.set_variable("write_codec", "L16");
    ch.set_variable("write_rate", "8000");
    ch.set_variable("channel_name", name);
    for (const auto& v : vars.items()) {
        ch.set_variable(v.name, v.value);
    }
    ch.set_variable("originate_early_media", "true");
    ch.set_variable("originate_endpoint", ep.type);
    if (ep.kind == esl::EndpointKind::sofia_gateway) {
        ch.set_variable("sip_gateway_name", ep.gateway);
        ch.set_variable("sip_to_user", ep.destination);
    }
    sw->calls.emplace(uuid, call);
    ++sw->sessions_since_start;
    sw->peak_sessions = std::max(sw->peak_sessions, sw->calls.size());

    // States as the captured originated leg shows them (inbound-session).
    ch.set_state(ChannelState::cs_init, 2);
    sw->emit(ch, "CHANNEL_CREATE", k_create);
    sw->emit(ch, "CHANNEL_ORIGINATE", k_originate);
    set_call_state(*sw, *call, CallState::ringing);
    ch.set_state(ChannelState::cs_consume_media);
    ch.answer(now_us());
    sw->emit(ch, "CHANNEL_ANSWER", k_answer);
    set_call_state(*sw, *call, CallState::active);
    ch.set_variable("endpoint_disposition", "ANSWER");
    ch.set_state(ChannelState::cs_execute);
    done(esl::InboundServer::ApiOutput{fmt::format("+OK {}\n", uuid), true});

    if (req.app && req.app->name == "txfax") {
        call->app = "txfax";
        call->app_arg = req.app->arg.value_or("");
        start_txfax(sw, call, vars, ls, behaviour, ep.destination);
    } else if (req.app && req.app->name == "socket") {
        // &socket(host[:port] [async] [full]): the outbound-socket server
        // controls the leg; its rxfax receives what the far machine sends.
        const std::string arg = req.app->arg.value_or("");
        auto hp = config::parse_host_port(arg.substr(0, arg.find(' ')), 8084);
        call->app = "socket";
        call->app_arg = arg;
        if (!hp) {
            finish_call(*sw, call, "DESTINATION_OUT_OF_ORDER");
            return;
        }
        IncomingCallOptions o;
        o.host = hp->first;
        o.port = hp->second;
        o.to = std::string(ep.destination);
        o.from = ls.caller_id_number;
        o.remote_ident = behaviour.machine.csi_for(ep.destination);
        o.file = (std::filesystem::path(sw->config.received_dir.empty() ? "." : sw->config.received_dir) /
                  "far-end-document.tif").string();
        if (!std::filesystem::exists(o.file)) {
            tiff::TestDocumentOptions d;
            d.pages = 1;
            (void)tiff::write_test_document(o.file, d);
        }
        sw->attach_socket(call, std::move(o));
    } else {
        call->app = req.app ? req.app->name : "park";
        call->app_arg = req.app ? req.app->arg.value_or("") : "";
        sw->emit(ch, "CHANNEL_PARK", esl::CallSite{"switch_ivr.c", "switch_ivr_park", 1002});
    }
}

// What happens to one leg: an answer, or the cause it fails with.
struct LegOutcome {
    std::optional<esl::Cause> cause;  ///< nullopt: answered
    NumberBehaviour behaviour;
};

LegOutcome evaluate_leg(Switch::Impl& sw, const esl::Leg& leg, const std::string& uuid) {
    LegOutcome out;
    if (sw.calls.find(uuid) != sw.calls.end()) {
        out.cause = esl::Cause::destination_out_of_order;  // FreeSWITCH logs "Duplicate UUID!"
        return out;
    }
    const esl::Endpoint& ep = leg.endpoint;
    if (ep.fails_with) {
        out.cause = *ep.fails_with;
        return out;
    }
    std::string gateway;
    switch (ep.kind) {
        case esl::EndpointKind::sofia_gateway: gateway = ep.gateway; break;
        case esl::EndpointKind::sofia_profile:
        case esl::EndpointKind::loopback:
        case esl::EndpointKind::user: break;
        default: out.cause = esl::Cause::chan_not_implemented; return out;
    }
    out.behaviour = sw.config.scenario.behaviour_for(gateway, ep.destination);
    if (out.behaviour.outcome != Outcome::fax) {
        out.cause = out.behaviour.cause;
    }
    return out;
}

}  // namespace

namespace {

// An originate in progress: legs are tried in order (`,` legs of a group and
// then the `|` groups); with --realtime each leg first rings for its time.
struct OriginateJob {
    esl::OriginateRequest req;
    ApiDone done;
    std::size_t group = 0;
    std::size_t leg = 0;
    esl::Cause last = esl::Cause::destination_out_of_order;
    /// origination_uuids of the legs tried so far: FreeSWITCH 1.10 refuses a
    /// later leg with the same uuid ("Duplicate UUID!", esl-protocol.md §6.2).
    std::vector<std::string> used_uuids;
};

void next_leg(const std::shared_ptr<Switch::Impl>& sw, const std::shared_ptr<OriginateJob>& job) {
    const auto& groups = job->req.dial.groups;
    while (job->group < groups.size() && job->leg >= groups[job->group].legs.size()) {
        ++job->group;
        job->leg = 0;
    }
    if (job->group >= groups.size()) {
        job->done(esl::InboundServer::ApiOutput{fmt::format("-ERR {}\n", esl::cause_name(job->last)), true});
        return;
    }
    const esl::Leg& leg = groups[job->group].legs[job->leg++];
    const esl::VarList vars = esl::channel_variables(job->req.dial, leg);
    const esl::LegSettings ls = esl::leg_settings(job->req, leg);
    const std::string uuid =
        ls.origination_uuid && !ls.origination_uuid->empty() ? *ls.origination_uuid : core::random_uuid();
    LegOutcome o;
    if (std::find(job->used_uuids.begin(), job->used_uuids.end(), uuid) != job->used_uuids.end()) {
        o.cause = esl::Cause::destination_out_of_order;
    } else {
        o = evaluate_leg(*sw, leg, uuid);
    }
    job->used_uuids.push_back(uuid);
    // How long the leg rings before its outcome (real time only).
    std::chrono::milliseconds ring{0};
    if (sw->config.realtime) {
        if (o.cause && o.behaviour.outcome == Outcome::no_answer) {
            ring = std::chrono::seconds(ls.leg_timeout_sec.value_or(ls.originate_timeout_sec));
        } else if (o.cause == std::nullopt || o.behaviour.outcome != Outcome::fax) {
            ring = std::chrono::milliseconds(o.behaviour.ring_ms);
        }
    }
    auto settle = [sw, job, vars, ls, o, uuid, leg] {
        if (!o.cause) {
            if (sw->calls.find(uuid) != sw->calls.end()) {
                job->last = esl::Cause::destination_out_of_order;  // taken while ringing
                next_leg(sw, job);
                return;
            }
            answer_leg(sw, job->req, vars, ls, leg, uuid, o.behaviour, job->done);
            return;
        }
        job->last = *o.cause;
        next_leg(sw, job);
    };
    if (ring.count() > 0) {
        sw->loop.after(ring, settle);
    } else {
        settle();
    }
}

}  // namespace

void Switch::Impl::originate(const std::string& args, ApiDone done) {
    auto req = esl::parse_originate(args);
    if (!req) {
        done(esl::InboundServer::ApiOutput{esl::originate_error_reply(req.error()), true});
        return;
    }
    auto job = std::make_shared<OriginateJob>();
    job->req = std::move(*req);
    job->done = std::move(done);
    next_leg(shared_from_this(), job);
}

void finish_call(Switch::Impl& sw, const std::shared_ptr<Call>& call, std::string_view cause) {
    if (call->finished) {
        return;
    }
    call->finished = true;
    if (call->timer != 0) {
        sw.loop.cancel(call->timer);
    }
    Channel& ch = call->ch;
    if (!ch.hangup_cause()) {
        ch.hangup(std::string(cause), now_us());
        sw.emit(ch, "CHANNEL_HANGUP", k_hangup, {{"Hangup-Cause", std::string(cause)}});
    }
    const std::string final_cause = ch.hangup_cause().value_or(std::string(cause));
    ch.set_variable("hangup_cause", final_cause);
    ch.set_variable("hangup_cause_q850", std::to_string(esl::cause_q850(esl::str2cause(final_cause))));
    const auto& p = ch.profile();
    const auto billsec = p.answered_us > 0 ? (p.hangup_us - p.answered_us) / 1000000 : 0;
    ch.set_variable("duration", std::to_string((p.hangup_us - p.created_us) / 1000000));
    ch.set_variable("billsec", std::to_string(billsec));
    if (call->app == "txfax") {
        sw.emit(ch, "CHANNEL_EXECUTE_COMPLETE", k_execute_complete, {},
                {{"Application", "txfax"},
                 {"Application-Data", call->app_arg},
                 {"Application-Response", std::string(ch.variable("current_application_response").value_or("_none_"))},
                 {"Application-UUID", core::random_uuid()}});
    }
    ch.set_state(ChannelState::cs_reporting);
    sw.emit(ch, "CHANNEL_HANGUP_COMPLETE", k_hangup_complete, {{"Hangup-Cause", final_cause}});
    ch.set_state(ChannelState::cs_destroy);
    sw.emit(ch, "CHANNEL_DESTROY", k_destroy);
    sw.server.channel_hangup(ch.uuid(), ch.name());
    const std::string uuid = ch.uuid();
    sw.calls.erase(uuid);
    if (call->on_finished) {
        auto fn = std::move(call->on_finished);
        call->on_finished = nullptr;
        fn();
    }
}

void hangup_call(Switch::Impl& sw, const std::shared_ptr<Call>& call, std::string_view cause) {
    if (call->finished) {
        return;
    }
    Channel& ch = call->ch;
    if (!ch.hangup_cause()) {
        ch.hangup(std::string(cause), now_us());
        sw.emit(ch, "CHANNEL_HANGUP", k_hangup, {{"Hangup-Cause", std::string(cause)}});
    }
    if (call->held_result) {
        // The hung txfax finally returns: its phase E, then the hangup.
        call->hold_phase_e = false;
        const FaxEvent e = *call->held_result;
        call->held_result.reset();
        on_fax_event(sw, call, Side::caller, e);
        return;
    }
    if (call->fax && call->fax->running()) {
        call->fax->hangup();  // phase E (code 49) arrives through on_fax_event
        if (call->finished) {
            return;
        }
    }
    finish_call(sw, call, cause);
}

}  // namespace fax::fax
