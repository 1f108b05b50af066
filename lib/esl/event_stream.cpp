#include "esl/event_stream.hpp"

#include <cerrno>
#include <csignal>

#include <fmt/format.h>

#include "core/loop.hpp"
#include "core/time.hpp"
#include "esl/command.hpp"
#include "esl/event_record.hpp"
#include "jsonl/writer.hpp"

namespace fax::esl {

core::Result<std::vector<std::pair<std::string, std::string>>> pair_filters(const std::vector<std::string>& words) {
    if (words.size() % 2 != 0) {
        return core::make_error(core::Errc::usage, "--filter needs HEADER and VALUE (try 'fax-esl events --help')");
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < words.size(); i += 2) {
        out.emplace_back(words[i], words[i + 1]);
    }
    return out;
}

core::Result<void> run_event_stream(ClientConfig config, const StreamOptions& opts, int out_fd, const cli::Diag& diag) {
    core::Loop loop;
    config.reconnect = !opts.once;
    const std::string where = fmt::format("{}:{}", config.host, config.port);
    InboundClient client(loop, config);
    jsonl::Writer out(out_fd, jsonl::Writer::Flush::when_idle);
    EventRecordFormatter formatter;
    std::string record;
    std::optional<core::Error> result;
    bool flush_posted = false;
    bool batch_clock_set = false;  // batch_ms is valid for the current input batch
    std::int64_t batch_ms = 0;

    auto finish = [&](std::optional<core::Error> r) {
        if (!result && r) {
            result = std::move(r);
        }
        client.stop();
        loop.stop();
    };
    auto after_write = [&](core::Result<void> w) {
        if (!w) {
            finish(w.error());
            return;
        }
        if (!flush_posted) {
            flush_posted = true;
            loop.post([&] {
                flush_posted = false;
                batch_clock_set = false;
                if (auto f = out.flush(); !f) {
                    finish(f.error());
                }
            });
        }
    };
    auto emit = [&](std::string_view rec) { after_write(out.write(rec)); };

    client.on_event([&](const Event& ev) {
        // Events of one input batch are written together (before the next
        // read), so they share the clock reading taken at the batch's start.
        if (!batch_clock_set) {
            batch_ms = core::now_unix_ms();
            batch_clock_set = true;
        }
        formatter.append(out.begin_record(), ev, batch_ms);
        after_write(out.end_record());
    });
    client.on_state([&](const ConnectionState& st) {
        record.clear();
        jsonl::RecordBuilder b(record);
        b.begin_object().envelope(st.connected ? "esl.connected" : "esl.disconnected");
        b.key("id").string(where).key("host").string(where).key("attempt").number(st.attempt);
        if (!st.connected) {
            b.key("reason").string(st.error.message);
            if (st.retry_in_ms >= 0) {
                b.key("retry_in_ms").number(st.retry_in_ms);
            } else {
                b.key("retry_in_ms").null();
            }
        }
        b.end_object();
        emit(record);
        if (st.connected) {
            diag.note(fmt::format("connected to {}", where));
            return;
        }
        if (st.error.code == core::Errc::permission || st.error.code == core::Errc::config) {
            finish(st.error);
        } else if (st.retry_in_ms < 0) {
            finish(st.orderly ? std::nullopt : std::optional<core::Error>(st.error));
        } else {
            diag.warning(fmt::format("{}; reconnecting in {} ms", st.error.message, st.retry_in_ms));
        }
    });

    // Refuse what cannot be sent before connecting (a name with a space…).
    if (auto e = cmd::event(opts.format, opts.events.empty() ? std::vector<std::string>{"ALL"} : opts.events); !e) {
        return std::move(e).error();
    }
    for (const auto& [h, v] : opts.filters) {
        if (auto f = cmd::filter(h, v); !f) {
            return std::move(f).error();
        }
    }
    client.on_bad_event([&](const core::Error& e) { diag.warning(fmt::format("skipped an event: {}", e.message)); });
    auto check = [&](core::Result<Reply> r) {
        if (r && !r->ok()) {
            finish(core::make_error(core::Errc::usage, fmt::format("FreeSWITCH refused the subscription: {}", r->text)));
        }
    };
    client.subscribe(opts.format, opts.events, check);
    for (const auto& [h, v] : opts.filters) {
        client.add_filter(h, v, check);
    }
    loop.on_signals({SIGINT, SIGTERM}, [&](int signo) {
        diag.note(fmt::format("stopping on signal {}", signo));
        finish(std::nullopt);
    });
    client.start();
    loop.run();
    if (auto f = out.flush(); !f && !result) {
        result = f.error();
    }
    if (result) {
        return *result;
    }
    return {};
}

}  // namespace fax::esl
