#include "tiff/convert.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/subprocess.hpp"
#include "core/unique_fd.hpp"
#include "tiff/bitmap.hpp"

namespace fax::tiff {

namespace {

constexpr std::size_t k_diagnostics_limit = 16 * 1024;

/// A path Ghostscript cannot mistake for an option, a pipe or a device.
std::string literal_path(const std::string& path) {
    if (path.empty() || path.front() == '/') {
        return path;
    }
    std::string out = "./";
    out.append(path);
    return out;
}

const char* device_for(Compression c) noexcept {
    switch (c) {
        case Compression::t6: return "tiffg4";
        case Compression::t4_2d: return "tiffg32d";
        case Compression::t4_1d: return "tiffg3";
        case Compression::none: break;
    }
    return nullptr;
}

/// Ghostscript prints "   **** Error: …" banners; keep the words.
std::string diagnostic(const core::SubprocessResult& run) {
    std::string line = core::first_line(run.err);
    if (line.empty()) {
        line = core::first_line(run.out);
    }
    const std::size_t start = line.find_first_not_of("* ");
    return start == std::string::npos ? std::string{} : line.substr(start);
}

}  // namespace

const char* document_type_name(DocumentType type) noexcept {
    switch (type) {
        case DocumentType::tiff: return "TIFF";
        case DocumentType::pdf: return "PDF";
        case DocumentType::postscript: return "PostScript";
        case DocumentType::unknown: break;
    }
    return "unknown";
}

DocumentType detect_document_type(std::string_view head) noexcept {
    using namespace std::string_view_literals;
    if (head.starts_with("II*\0"sv) || head.starts_with("MM\0*"sv)) {
        return DocumentType::tiff;
    }
    if (head.starts_with("%PDF-"sv)) {
        return DocumentType::pdf;
    }
    if (head.starts_with("%!"sv)) {
        return DocumentType::postscript;
    }
    return DocumentType::unknown;
}

core::Result<DocumentType> detect_document_file(const std::string& path) {
    const core::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        return core::make_error(core::Errc::no_input, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    }
    char head[8];
    std::size_t got = 0;
    while (got < sizeof head) {
        const ssize_t n = ::read(fd.get(), head + got, sizeof head - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return core::make_error(core::Errc::no_input,
                                    fmt::format("cannot read {}: {}", path, std::strerror(errno)));
        }
        if (n == 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    return detect_document_type(std::string_view(head, got));
}

std::vector<std::string> ghostscript_command(const std::string& input, const std::string& output,
                                             const ConvertOptions& options) {
    const char* device = device_for(options.compression);
    std::string out_file = "-sOutputFile=";
    for (const char c : literal_path(output)) {
        out_file.push_back(c);
        if (c == '%') {
            out_file.push_back('%');
        }
    }
    return {
        options.ghostscript,
        "-q",
        "-dNOPAUSE",
        "-dBATCH",
        "-dSAFER",
        "-sstdout=%stderr",  // PostScript error reports go to stdout otherwise
        fmt::format("-sDEVICE={}", device != nullptr ? device : "tiffg4"),
        options.resolution == FaxResolution::fine ? "-r204x196" : "-r204x98",
        options.paper == PaperSize::letter ? "-sPAPERSIZE=letter" : "-sPAPERSIZE=a4",
        "-dFIXEDMEDIA",
        "-dFitPage",
        std::move(out_file),
        "--",
        literal_path(input),
    };
}

core::Result<void> convert_to_fax_tiff(const std::string& input, const std::string& output,
                                       const ConvertOptions& options) {
    if (device_for(options.compression) == nullptr) {
        return core::make_error(core::Errc::usage,
                                fmt::format("cannot convert {}: fax TIFF must be CCITT-coded", input));
    }
    auto type = detect_document_file(input);
    if (!type) {
        return std::move(type).error();
    }
    if (*type != DocumentType::pdf && *type != DocumentType::postscript) {
        return core::make_error(core::Errc::data, fmt::format("cannot convert {}: {} is not PDF or PostScript", input,
                                                              document_type_name(*type)));
    }
    core::SubprocessOptions run_options;
    run_options.env = {{"GS_OPTIONS", ""}};  // read as extra options, even -dNOSAFER
    run_options.timeout = options.timeout;
    run_options.stdout_limit = k_diagnostics_limit;
    run_options.stderr_limit = k_diagnostics_limit;
    auto run = core::run_subprocess(ghostscript_command(input, output, options), run_options);
    if (!run) {
        core::Error e = std::move(run).error();
        e.message = fmt::format("cannot convert {}: {}", input, e.message);
        return e;
    }
    auto fail = [&](std::string why) {
        ::unlink(output.c_str());
        std::string said = diagnostic(*run);
        if (!said.empty()) {
            why.append(": ");
            why.append(said);
        }
        return core::make_error(core::Errc::data, fmt::format("cannot convert {}: {}", input, why));
    };
    if (run->timed_out) {
        return fail(fmt::format("{} timed out after {} ms", options.ghostscript, options.timeout.count()));
    }
    if (!run->success()) {
        return fail(fmt::format("{} failed ({})", options.ghostscript, run->describe()));
    }
    // Ghostscript exits 0 for some unreadable PDFs, having written nothing.
    const auto pages = read_geometry(output);
    if (!pages || pages->empty()) {
        return fail(fmt::format("{} produced no pages", options.ghostscript));
    }
    return {};
}

}  // namespace fax::tiff
