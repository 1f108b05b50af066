#include "esl/shell.hpp"

#include <csignal>
#include <optional>

#include <fmt/format.h>

#include "core/loop.hpp"
#include "core/time.hpp"
#include "esl/event_record.hpp"
#include "jsonl/reader.hpp"
#include "jsonl/writer.hpp"

namespace fax::esl {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* k_commands[] = {"api", "bgapi", "event", "filter", "filter_delete", "nixevent", "noevents"};

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A list argument: an array of strings, or one string split on spaces.
std::optional<std::vector<std::string>> words(const Json& v) {
    std::vector<std::string> out;
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        std::size_t pos = 0;
        while (pos < s.size()) {
            const auto sp = s.find(' ', pos);
            const auto end = sp == std::string::npos ? s.size() : sp;
            if (end > pos) {
                out.push_back(s.substr(pos, end - pos));
            }
            pos = end + 1;
        }
        return out;
    }
    if (!v.is_array()) {
        return std::nullopt;
    }
    for (const auto& item : v) {
        if (!item.is_string()) {
            return std::nullopt;
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

}  // namespace

core::Result<void> run_shell(ClientConfig config, int in_fd, int out_fd, const cli::Diag& diag,
                             std::chrono::milliseconds job_timeout) {
    core::Loop loop;
    config.reconnect = false;
    InboundClient client(loop, config);
    jsonl::Writer out(out_fd, jsonl::Writer::Flush::per_record);
    EventRecordFormatter formatter;
    std::optional<core::Error> result;
    std::size_t outstanding = 0;
    std::size_t bad_lines = 0;
    bool input_done = false;
    std::string record;

    auto finish = [&](std::optional<core::Error> r) {
        if (!result && r) {
            result = std::move(r);
        }
        client.stop();
        loop.stop();
    };
    auto emit = [&](const std::string& rec) {
        if (auto w = out.write(rec); !w) {
            finish(w.error());
        }
    };
    auto maybe_done = [&] {
        if (input_done && outstanding == 0) {
            finish(std::nullopt);
        }
    };

    client.on_event([&](const Event& ev) {
        record.clear();
        formatter.append(record, ev, core::now_unix_ms());
        emit(record);
    });
    client.on_state([&](const ConnectionState& st) {
        if (!st.connected) {
            finish(st.error);
        }
    });

    // Builds the reply record: envelope, id, pass-through keys, then \a fill's keys.
    auto reply_record = [](std::string_view type, const Json& request, const std::string& id, const char* cmd_key) {
        Json rec = Json::object();
        rec["type"] = type;
        rec["ts"] = core::utc_ms_string(core::now_unix_ms());
        rec["id"] = id;
        for (const auto& [k, v] : request.items()) {
            if (k != cmd_key && k != "id" && k != "type" && k != "ts" && !(std::string_view(cmd_key) == "event" && k == "format")) {
                rec[k] = v;
            }
        }
        return rec;
    };

    auto on_reply = [&](Json rec, std::string_view field, std::size_t line_no) {
        return [&, rec = std::move(rec), field = std::string(field), line_no](core::Result<Reply> r) mutable {
            --outstanding;
            if (!r && r.error().code == core::Errc::usage) {
                // The command could not be encoded (a line break, a space in a
                // name…): a bad input line, not the end of the session.
                ++bad_lines;
                diag.error(fmt::format("stdin:{}: {}", line_no, r.error().message));
                maybe_done();
                return;
            }
            if (!r) {
                if (!result) {
                    finish(std::move(r).error());
                }
                return;
            }
            rec["ok"] = r->ok();
            if (!r->job_uuid.empty()) {
                rec["job_uuid"] = r->job_uuid;
            }
            rec[field] = r->text;
            emit(dump(rec));
            maybe_done();
        };
    };

    jsonl::Reader reader(
        [&](Json&& req, std::size_t line_no) {
            const char* cmd_key = nullptr;
            for (const char* k : k_commands) {
                if (req.contains(k)) {
                    if (cmd_key != nullptr) {
                        ++bad_lines;
                        diag.error(fmt::format("stdin:{}: more than one command ('{}' and '{}')", line_no, cmd_key, k));
                        return;
                    }
                    cmd_key = k;
                }
            }
            auto bad = [&](std::string_view why) {
                ++bad_lines;
                diag.error(fmt::format("stdin:{}: {}", line_no, why));
            };
            if (cmd_key == nullptr) {
                bad("no command key (api, bgapi, event, filter, filter_delete, nixevent, noevents)");
                return;
            }
            std::string id = fmt::format("cmd-{}", line_no);
            if (auto it = req.find("id"); it != req.end()) {
                id = it->is_string() ? it->get<std::string>() : dump(*it);
            }
            const Json& arg = req[cmd_key];
            const std::string key(cmd_key);
            if (key == "api" || key == "bgapi") {
                if (!arg.is_string() || arg.get<std::string>().empty()) {
                    bad(fmt::format("'{}' needs a command string", key));
                    return;
                }
                Json rec = reply_record(key == "api" ? "esl.api" : "esl.bgapi", req, id, cmd_key);
                rec["command"] = arg;
                ++outstanding;
                if (key == "api") {
                    client.api(arg.get<std::string>(), on_reply(std::move(rec), "body", line_no));
                } else {
                    client.bgapi(arg.get<std::string>(), on_reply(std::move(rec), "body", line_no));
                }
                return;
            }
            Json rec = reply_record("esl.reply", req, id, cmd_key);
            if (key == "noevents") {
                rec["command"] = "noevents";
                ++outstanding;
                client.noevents(on_reply(std::move(rec), "reply", line_no));
                return;
            }
            auto list = words(arg);
            if (!list || list->empty()) {
                bad(fmt::format("'{}' needs a string or an array of strings", key));
                return;
            }
            if (key == "event") {
                EventFormat f = EventFormat::plain;
                if (auto it = req.find("format"); it != req.end()) {
                    const std::string fs = it->is_string() ? it->get<std::string>() : "";
                    if (fs == "json") {
                        f = EventFormat::json;
                    } else if (fs == "xml") {
                        f = EventFormat::xml;
                    } else if (fs != "plain") {
                        bad("'format' must be plain, json or xml");
                        return;
                    }
                }
                std::string text = fmt::format("event {}", format_name(f));
                for (const auto& w : *list) {
                    text += " " + w;
                }
                rec["command"] = text;
                ++outstanding;
                client.subscribe(f, *list, on_reply(std::move(rec), "reply", line_no));
            } else if (key == "nixevent") {
                rec["command"] = fmt::format("nixevent {}", fmt::join(*list, " "));
                ++outstanding;
                client.nixevent(*list, on_reply(std::move(rec), "reply", line_no));
            } else {
                if (list->size() > 2 || (key == "filter" && list->size() != 2)) {
                    bad(fmt::format("'{}' needs [header, value]", key));
                    return;
                }
                const std::string value = list->size() == 2 ? (*list)[1] : "";
                rec["command"] = fmt::format("{} {}{}{}", key == "filter" ? "filter" : "filter delete", (*list)[0],
                                             value.empty() ? "" : " ", value);
                ++outstanding;
                if (key == "filter") {
                    client.add_filter((*list)[0], value, on_reply(std::move(rec), "reply", line_no));
                } else {
                    client.delete_filter((*list)[0], value, on_reply(std::move(rec), "reply", line_no));
                }
            }
        },
        [&](std::size_t line_no, std::string_view why) {
            ++bad_lines;
            diag.error(fmt::format("stdin:{}: {}", line_no, why));
        });

    loop.read_fd(in_fd, [&](std::string_view bytes, bool eof) {
        if (!bytes.empty()) {
            reader.feed(bytes);
        }
        if (eof) {
            reader.finish();
            input_done = true;
            if (job_timeout.count() > 0 && outstanding > 0) {
                loop.after(job_timeout, [&] {
                    finish(core::make_error(core::Errc::temporary,
                                            fmt::format("{} command(s) still unanswered after {} ms", outstanding,
                                                        job_timeout.count())));
                });
            }
            maybe_done();
        }
    });
    loop.on_signals({SIGINT, SIGTERM}, [&](int) { finish(std::nullopt); });
    client.start();
    loop.run();
    (void)out.flush();
    if (result) {
        return *result;
    }
    if (bad_lines > 0) {
        // Each bad line was reported already; no summary line.
        return core::make_error(core::Errc::data, "");
    }
    return {};
}

}  // namespace fax::esl
