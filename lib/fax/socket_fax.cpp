// The fax part of an outbound-socket session: rxfax and txfax run a real
// spandsp exchange; its events are fired on the channel as mod_spandsp does.
#include "fax/socket_session.hpp"

namespace fax::fax::detail {

void Session::rxfax(const Exec& e) {
    answer();
    Channel& ch = call->ch;
    auto var = [&](std::string_view name, std::string_view fallback) {
        const auto v = ch.variable(name);
        return v && !v->empty() ? std::string(*v) : std::string(fallback);
    };
    auto flag = [&](std::string_view name, bool fallback) {
        const auto v = ch.variable(name);
        return v ? esl::switch_true(*v) : fallback;
    };
    ExchangeConfig cfg;
    cfg.caller.role = Role::send;
    cfg.caller.tiff_path = opts.file;
    cfg.caller.ident = opts.remote_ident.empty() ? opts.from : opts.remote_ident;
    if (cfg.caller.ident.size() > 20) {
        cfg.caller.ident.erase(0, cfg.caller.ident.size() - 20);
    }
    cfg.caller.ecm = opts.remote_ecm;
    cfg.caller.t38 = true;
    cfg.answerer.role = Role::receive;
    cfg.answerer.tiff_path = e.arg;
    cfg.answerer.ident = esl::switch_url_decode(var("fax_ident", "SpanDSP Fax Ident"));
    cfg.answerer.ecm = flag("fax_use_ecm", true);
    cfg.answerer.v17 = !flag("fax_disable_v17", false);
    cfg.answerer.t38 = flag("fax_enable_t38", true);
    const bool we_request = flag("fax_enable_t38_request", false);
    cfg.transport = (opts.t38 || we_request) ? Transport::t38 : Transport::audio;
    if (!opts.t38 && we_request) {
        cfg.caller.t38 = true;
    }
    if (opts.t38 && !cfg.answerer.t38) {
        cfg.transport = Transport::audio;  // we refuse the re-INVITE; the fax goes on in G.711
    }
    if (opts.noise_dbm0) {
        cfg.impairments.noise_dbm0 = opts.noise_dbm0;
        cfg.caller.v17 = false;
    }
    ch.set_variable("fax_v17_disabled", cfg.answerer.v17 ? "0" : "1");
    ch.set_variable("fax_ecm_requested", cfg.answerer.ecm ? "1" : "0");
    ch.set_variable("fax_filename", e.arg);
    auto self = shared_from_this();
    auto ex = Exchange::create(cfg, [weak = std::weak_ptr<Session>(self)](Side side, const FaxEvent& ev) {
        if (auto s = weak.lock()) {
            s->fax_event(side, ev);
        }
    });
    if (!ex) {
        complete(e, "Cannot initialize Fax engine");
        return;
    }
    current_rx = e;
    call->fax.emplace(std::move(*ex));
    step();
}

// txfax under socket control: our channel sends \a e.arg; the far end
// (the scenario's machine for this number) receives into received_dir.
void Session::txfax(const Exec& e) {
    answer();
    Channel& ch = call->ch;
    auto flag = [&](std::string_view name, bool fallback) {
        const auto v = ch.variable(name);
        return v ? esl::switch_true(*v) : fallback;
    };
    const auto ident = ch.variable("fax_ident");
    ExchangeConfig cfg;
    cfg.caller.role = Role::send;
    cfg.caller.tiff_path = e.arg;
    cfg.caller.ident = esl::switch_url_decode(ident ? *ident : std::string_view("SpanDSP Fax Ident"));
    cfg.caller.ecm = flag("fax_use_ecm", true);
    cfg.caller.v17 = !flag("fax_disable_v17", false);
    cfg.caller.t38 = flag("fax_enable_t38", true);
    cfg.answerer.role = Role::receive;
    cfg.answerer.tiff_path =
        (std::filesystem::path(sw->config.received_dir.empty() ? "." : sw->config.received_dir) /
         (ch.uuid() + ".tif")).string();
    cfg.answerer.ident = opts.remote_ident.empty() ? opts.to.substr(opts.to.size() > 20 ? opts.to.size() - 20 : 0)
                                                   : opts.remote_ident;
    cfg.transport = flag("fax_enable_t38_request", false) ? Transport::t38 : Transport::audio;
    ch.set_variable("fax_filename", e.arg);
    auto self = shared_from_this();
    auto ex = Exchange::create(cfg, [weak = std::weak_ptr<Session>(self)](Side side, const FaxEvent& ev) {
        if (auto s = weak.lock()) {
            // Our channel is the caller (sender) here.
            s->fax_event(side == Side::caller ? Side::answerer : Side::caller, ev);
        }
    });
    if (!ex) {
        complete(e, "Cannot initialize Fax engine");
        return;
    }
    current_rx = e;
    we_send = true;
    call->fax.emplace(std::move(*ex));
    step();
}

void Session::fax_event(Side side, const FaxEvent& ev) {
    // Results are filed by role: the sending machine and the receiving one.
    auto& remote_slot = we_send ? result.receiver : result.sender;
    auto& our_slot = we_send ? result.sender : result.receiver;
    if (side == Side::caller) {
        if (const auto* r = std::get_if<FaxResult>(&ev)) {
            remote_slot = *r;
        }
        return;
    }
    if (!call || call->finished) {
        return;
    }
    set_fax_variables(call->ch, ev);
    HeaderList extra;
    append_spandsp_headers(extra, ev, call->ch.uuid());
    const SpandspCallSite site = spandsp_call_site(ev);
    sw->emit(call->ch, "CUSTOM", esl::CallSite{"mod_spandsp_fax.c", site.function, site.line}, {}, extra,
             event_subclass(ev));
    if (const auto* r = std::get_if<FaxResult>(&ev)) {
        our_slot = *r;
        if (current_rx) {
            const Exec e = *current_rx;
            current_rx.reset();
            auto self = shared_from_this();
            // rxfax returns after phase E; the next queued message runs.
            asio::post(sw->loop.impl().io, [self, e] { self->complete(e, "_none_"); self->remote_hangup_later(); });
        }
    }
}

// The calling machine hangs up once its fax is done (its BYE follows DCN).
void Session::remote_hangup_later() {
    auto self = shared_from_this();
    asio::post(sw->loop.impl().io, [self] {
        if (self->call && !self->call->finished && !self->app_running && self->queue.empty()) {
            hangup_call(*self->sw, self->call, "NORMAL_CLEARING");
        }
    });
}

void Session::step() {
    if (!call || call->finished || !call->fax) {
        return;
    }
    const bool running = call->fax->step(sw->config.realtime ? k_block_samples : k_fast_blocks * k_block_samples);
    if (!running || call->finished) {
        return;
    }
    auto self = shared_from_this();
    if (sw->config.realtime) {
        timer.expires_after(std::chrono::milliseconds(20));
        timer.async_wait([self](const error_code& ec) {
            if (!ec) {
                self->step();
            }
        });
    } else {
        asio::post(sw->loop.impl().io, [self] { self->step(); });
    }
}

}  // namespace fax::fax::detail
