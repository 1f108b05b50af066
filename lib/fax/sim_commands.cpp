#include "fax/sim_commands.hpp"

#include <chrono>

#include <fmt/format.h>

#include "cli/cli11.hpp"
#include "config/esl_settings.hpp"
#include "core/loop.hpp"
#include "core/time.hpp"
#include "fax/switch.hpp"
#include "jsonl/writer.hpp"
#include "tiff/bitmap.hpp"

namespace fax::fax {

void add_call_options(CLI::App& app, IncomingCallOptions& o, std::string& socket) {
    app.add_option("--to", o.to, "Called number (sip_to_user)")->required();
    app.add_option("--from", o.from, "Calling number")->required();
    app.add_option("--from-name", o.from_name, "Calling name (default: the number)");
    app.add_option("--file", o.file, "TIFF the calling fax machine sends")->required()->type_name("FILE");
    app.add_flag("--t38", o.t38, "The calling side asks for T.38");
    app.add_option("--gateway", o.gateway, "Gateway the call arrives on (sip_gateway)");
    app.add_option("--diversion", o.diversion, "Number in a Diversion header");
    app.add_option("--socket", socket, "The outbound-socket server (fax-recv), HOST:PORT (default 127.0.0.1:8022)")
        ->type_name("HOST:PORT");
    app.add_option("--ident", o.remote_ident, "The calling machine's TSI (default: the calling number)");
    app.add_flag("!--no-ecm", o.remote_ecm, "The calling machine does not offer ECM");
    app.add_option("--noise-dbm0", o.noise_dbm0, "A noisy line: white noise at this level (-90..0 dBm0)")
        ->check(CLI::Range(-90.0, 0.0))
        ->type_name("DBM0");
}

core::Result<void> apply_socket(IncomingCallOptions& o, const std::string& socket) {
    if (socket.empty()) {
        return {};
    }
    auto hp = config::parse_host_port(socket, 8022);
    if (!hp) {
        return std::move(hp).error();
    }
    o.host = hp->first;
    o.port = hp->second;
    return {};
}

core::Result<IncomingCallOptions> parse_call_arguments(const std::string& words) {
    IncomingCallOptions o;
    std::string socket;
    CLI::App app("fax-sim call", "call");
    add_call_options(app, o, socket);
    try {
        app.parse(words, false);
    } catch (const CLI::ParseError& e) {
        return core::make_error(core::Errc::usage, e.what());
    }
    if (auto r = apply_socket(o, socket); !r) {
        return std::move(r).error();
    }
    return o;
}

namespace {

void add_result(jsonl::RecordBuilder& b, std::string_view key, const std::optional<FaxResult>& r) {
    b.key(key);
    if (!r) {
        b.null();
        return;
    }
    b.begin_object()
        .key("success").boolean(r->success)
        .key("result_code").number(r->result_code)
        .key("result_text").string(r->result_text)
        .key("pages").number(r->pages_transferred)
        .key("total_pages").number(r->total_pages)
        .key("transfer_rate").number(r->transfer_rate)
        .key("ecm").boolean(r->ecm)
        .key("t38_status").string(t38_status_name(r->t38_status))
        .key("bad_rows").number(r->bad_rows)
        .key("local_station_id").string(r->local_station_id)
        .key("remote_station_id").string(r->remote_station_id)
        .end_object();
}

}  // namespace

std::string call_record(const IncomingCallResult& r) {
    std::string rec;
    jsonl::RecordBuilder b(rec);
    b.begin_object().envelope("sim.call");
    b.key("id").string(r.uuid).key("uuid").string(r.uuid).key("hangup_cause").string(r.hangup_cause);
    add_result(b, "sender", r.sender);
    add_result(b, "receiver", r.receiver);
    b.end_object();
    return rec;
}

core::Result<IncomingCallResult> run_call(const IncomingCallOptions& options, bool realtime) {
    core::Loop loop;
    SwitchConfig cfg;
    cfg.realtime = realtime;
    Switch sw(loop, std::move(cfg));
    if (auto r = sw.start(false); !r) {
        return std::move(r).error();
    }
    std::optional<core::Result<IncomingCallResult>> out;
    sw.call(options, [&](core::Result<IncomingCallResult> r) {
        out = std::move(r);
        // Let the goodbye and the close go out before stopping.
        loop.after(std::chrono::milliseconds(50), [&] { loop.stop(); });
    });
    loop.run();
    if (!out) {
        return core::make_error(core::Errc::internal, "the call ended without a result");
    }
    return std::move(*out);
}

core::Result<LoadResult> run_load(const LoadOptions& options) {
    core::Loop loop;
    SwitchConfig cfg;
    cfg.realtime = options.realtime;
    Switch sw(loop, std::move(cfg));
    if (auto r = sw.start(false); !r) {
        return std::move(r).error();
    }
    const auto start = std::chrono::steady_clock::now();
    int started = 0;
    int ended = 0;
    int ok = 0;
    int failed = 0;
    std::size_t peak = 0;
    std::string first_error;
    const auto interval = std::chrono::duration<double>(1.0 / std::max(options.rate, 0.001));
    std::function<void()> start_next = [&] {
        if (started >= options.calls) {
            return;
        }
        ++started;
        sw.call(options.call, [&](core::Result<IncomingCallResult> r) {
            ++ended;
            if (r && r->receiver && r->receiver->success) {
                ++ok;
            } else {
                ++failed;
                if (first_error.empty()) {
                    first_error = r ? fmt::format("call {} ended {}", r->uuid, r->hangup_cause) : r.error().message;
                }
            }
            if (ended == options.calls) {
                loop.after(std::chrono::milliseconds(50), [&] { loop.stop(); });
            }
        });
        peak = std::max(peak, sw.channel_count());
        const auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval * started);
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - std::chrono::steady_clock::now());
        loop.after(std::max(wait, std::chrono::milliseconds(0)), start_next);
    };
    loop.post(start_next);
    if (options.calls > 0) {
        loop.run();
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::string rec;
    jsonl::RecordBuilder b(rec);
    b.begin_object().envelope("sim.load");
    b.key("id").string(fmt::format("load-{}", core::now_unix_ms()));
    b.key("calls").number(options.calls).key("ok").number(ok).key("failed").number(failed);
    b.key("peak_channels").number(static_cast<std::int64_t>(peak)).key("duration_ms").number(ms);
    b.key("first_error");
    if (first_error.empty()) {
        b.null();
    } else {
        b.string(first_error);
    }
    b.end_object();
    return LoadResult{rec, failed};
}

core::Result<std::optional<std::string>> compare_documents(const std::string& a, const std::string& b) {
    auto r = tiff::compare_files(a, b);
    if (!r) {
        return core::make_error(core::Errc::data, r.error().message);
    }
    if (!*r) {
        return std::optional<std::string>{};
    }
    return std::optional<std::string>(tiff::describe(**r));
}

}  // namespace fax::fax
