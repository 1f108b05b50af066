#include "esl/oneshot.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "core/loop.hpp"
#include "jsonl/writer.hpp"

namespace fax::esl {

core::Result<Reply> run_oneshot(ClientConfig config, const std::string& command, bool background,
                                std::chrono::milliseconds job_timeout) {
    core::Loop loop;
    config.reconnect = false;
    InboundClient client(loop, config);
    std::optional<core::Result<Reply>> answer;
    auto done = [&](core::Result<Reply> r) {
        if (!answer) {
            answer = std::move(r);
        }
        loop.stop();
    };
    client.on_state([&](const ConnectionState& st) {
        if (!st.connected) {
            done(st.error);
        }
    });
    if (background) {
        client.bgapi(command, done);
        if (job_timeout.count() > 0) {
            loop.after(job_timeout, [&] {
                done(core::make_error(core::Errc::temporary,
                                      fmt::format("no result for bgapi {} within {} ms", command, job_timeout.count())));
            });
        }
    } else {
        client.api(command, done);
    }
    client.start();
    loop.run();
    if (!answer) {
        return core::make_error(core::Errc::internal, "the command ended without an answer");
    }
    return std::move(*answer);
}

}  // namespace fax::esl

namespace fax::esl {

std::string oneshot_record(const std::string& command, const Reply& reply, bool background) {
    std::string rec;
    jsonl::RecordBuilder b(rec);
    b.begin_object().envelope(background ? "esl.bgapi" : "esl.api");
    b.key("id").string(background ? reply.job_uuid : command);
    b.key("command").string(command).key("ok").boolean(reply.ok());
    if (background) {
        b.key("job_uuid").string(reply.job_uuid);
    }
    b.key("body").string(reply.text).end_object();
    return rec;
}

std::string oneshot_text(const Reply& reply) {
    std::string s = reply.text;
    if (s.empty() || s.back() != '\n') {
        s.push_back('\n');
    }
    return s;
}

}  // namespace fax::esl

namespace fax::esl {

int print_oneshot(const cli::Diag& diag, const std::string& command, const core::Result<Reply>& r, bool background,
                  bool json) {
    if (!r) {
        return diag.fail(r.error());
    }
    const std::string text = json ? oneshot_record(command, *r, background) + "\n" : oneshot_text(*r);
    if (json || r->ok()) {
        if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
            const int err = errno;
            return diag.fail(core::make_error(
                core::Errc::io, err == EPIPE ? std::string() : fmt::format("cannot write output: {}", std::strerror(err))));
        }
    }
    if (!r->ok()) {
        const auto first = r->text.substr(0, r->text.find('\n'));
        diag.error(fmt::format("{} {}: {}", background ? "bgapi" : "api", command, first));
        return 1;
    }
    return 0;
}

}  // namespace fax::esl
