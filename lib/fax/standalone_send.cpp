#include "fax/standalone_send.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "core/loop.hpp"
#include "core/uuid.hpp"
#include "fax/send_records.hpp"
#include "jsonl/writer.hpp"
#include "tiff/convert.hpp"
#include "tiff/merge.hpp"

namespace fax::fax {

namespace {

/// Files made for this send, removed when it ends.
struct TempFiles {
    std::vector<std::string> paths;
    ~TempFiles() {
        for (const auto& p : paths) {
            ::unlink(p.c_str());
        }
    }
    std::string make(const std::string& dir, std::string_view suffix) {
        paths.push_back(fmt::format("{}/fax-send-{}{}", dir, core::random_uuid(), suffix));
        return paths.back();
    }
};

core::Result<void> copy_stdin(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return core::make_error(core::Errc::io, fmt::format("cannot create {}: {}", path, std::strerror(errno)));
    }
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int err = errno;
            ::close(fd);
            return core::make_error(core::Errc::io, fmt::format("reading stdin: {}", std::strerror(err)));
        }
        for (ssize_t off = 0; off < n;) {
            const ssize_t w = ::write(fd, buf + off, static_cast<std::size_t>(n - off));
            if (w < 0 && errno != EINTR) {
                const int err = errno;
                ::close(fd);
                return core::make_error(core::Errc::io, fmt::format("writing {}: {}", path, std::strerror(err)));
            }
            off += w > 0 ? w : 0;
        }
    }
    ::close(fd);
    return {};
}

/// Every input as TIFF (converted when needed), then one merged TIFF-F.
core::Result<std::string> prepare(const SendSettings& s, const StandaloneOptions& o, TempFiles& tmp) {
    std::vector<std::string> files = o.files;
    if (files.empty()) {
        auto path = tmp.make(s.tmp_dir, ".in");
        if (auto r = copy_stdin(path); !r) {
            return std::move(r).error();
        }
        files.push_back(path);
    }
    std::vector<tiff::MergeInput> inputs;
    for (const auto& f : files) {
        auto kind = tiff::detect_document_file(f);
        if (!kind) {
            return std::move(kind).error();
        }
        if (*kind == tiff::DocumentType::tiff) {
            inputs.push_back({f, 0});
            continue;
        }
        if (*kind == tiff::DocumentType::unknown) {
            return core::make_error(core::Errc::data,
                                    fmt::format("{}: not a TIFF, PDF or PostScript document", o.files.empty() ? "stdin" : f));
        }
        tiff::ConvertOptions co;
        co.resolution = o.fine ? tiff::FaxResolution::fine : tiff::FaxResolution::standard;
        auto out = tmp.make(s.tmp_dir, ".tif");
        if (auto r = tiff::convert_to_fax_tiff(f, out, co); !r) {
            return std::move(r).error();
        }
        inputs.push_back({out, 0});
    }
    auto merged = tmp.make(s.tmp_dir, ".tif");
    if (auto r = tiff::merge_documents(inputs, merged); !r) {
        return std::move(r).error();
    }
    return merged;
}

bool wait_or_signal(std::chrono::milliseconds delay) {
    core::Loop loop;
    bool signalled = false;
    loop.on_signals({SIGTERM, SIGINT, SIGHUP}, [&](int) {
        signalled = true;
        loop.stop();
    });
    loop.after(delay, [&] { loop.stop(); });
    loop.run();
    return !signalled;
}

}  // namespace

int run_standalone_send(const SendSettings& settings, const StandaloneOptions& o, int out_fd, const cli::Diag& diag) {
    TempFiles tmp;
    auto doc = prepare(settings, o, tmp);
    if (!doc) {
        return diag.fail(doc.error());
    }
    SendRequest req;
    req.number = o.to;
    req.gateways = o.gateways.empty() ? settings.gateways : o.gateways;
    req.document = *doc;
    req.ident = o.ident.value_or(settings.ident);
    req.header = o.header.value_or(settings.header);
    req.cid_number = o.from.value_or(settings.faxnumber);
    req.cid_name = settings.cidname == "cidnum" ? req.cid_number
                   : (settings.cidname == "sender" || settings.cidname == "number") ? std::string()
                                                                                   : settings.cidname;
    req.ecm = o.ecm.value_or(true);
    req.t38 = o.t38.value_or(settings.enable_t38);
    req.t38_request = o.t38.value_or(settings.request_t38);
    apply_call_settings(settings, req);

    jsonl::Writer writer(out_fd);
    bool out_ok = true;
    auto sink = [&](const std::string& rec) {
        if (out_ok && !writer.write(rec)) {
            out_ok = false;  // a closed stdout must not stop the fax
        }
    };
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    SendRecorder::Progress progress;
    if (tty && diag.verbosity() >= 0) {
        progress = [](const std::string& line) { (void)!::write(STDERR_FILENO, (line + "\n").data(), line.size() + 1); };
    }
    SendRecorder recorder(o.id.empty() ? core::random_uuid() : o.id, {}, sink, progress);
    esl::ClientConfig esl;
    esl.host = settings.esl.host;
    esl.port = settings.esl.port;
    esl.password = settings.esl.password;
    esl.timeout = settings.esl_timeout;
    for (int attempt = 0;; ++attempt) {
        const SendOutcome out = run_send(esl, req, recorder);
        recorder.finished(req, out);
        if (out.status == SendStatus::sent) {
            return k_exit_sent;
        }
        if (out.status == SendStatus::failed) {
            diag.error(fmt::format("fax to {} failed: {}", req.number, out.reason));
            return k_exit_failed;
        }
        if (attempt >= o.retries || out.signal != 0) {
            diag.error(fmt::format("fax to {} not sent: {}", req.number, out.reason));
            return k_exit_retry;
        }
        diag.note(fmt::format("not sent ({}); retrying in {} s", out.reason, o.retry_delay.count() / 1000));
        if (!wait_or_signal(o.retry_delay)) {
            return k_exit_retry;
        }
    }
}

}  // namespace fax::fax
