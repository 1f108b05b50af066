#include "tiff/merge.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "tiff/page_copy.hpp"

namespace fax::tiff {

namespace {

using namespace detail;
using core::Errc;
using core::make_error;

/// An input document, open for reading.
struct Source {
    const MergeInput* input = nullptr;
    ErrorLog log;  // referenced by the open TIFF: a Source does not move once opened
    TiffPtr tif;
    std::size_t directories = 0;
};

core::Result<void> open_source(Source& s) {
    const std::string& path = s.input->path;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return make_error(Errc::no_input, fmt::format("{}: {}", path, std::strerror(errno)));
    }
    s.tif = open_fd(fd, path, "r", s.log);
    if (!s.tif) {
        ::close(fd);
        return make_error(Errc::data, fmt::format("{}: not a TIFF file: {}", path, reason(s.log, "cannot read")));
    }
    s.directories = TIFFNumberOfDirectories(s.tif.get());
    if (s.input->first_directory >= s.directories) {
        return make_error(Errc::data, fmt::format("{}: starts at page {} but has {} page{}", path,
                                                  s.input->first_directory + 1, s.directories,
                                                  s.directories == 1 ? "" : "s"));
    }
    return {};
}

}  // namespace

core::Result<MergeResult> merge_documents(std::span<const MergeInput> inputs, const std::string& output) {
    if (inputs.empty()) {
        return make_error(Errc::usage, fmt::format("{}: no documents to merge", output));
    }
    std::vector<Source> sources(inputs.size());
    MergeResult result;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        sources[i].input = &inputs[i];
        if (auto r = open_source(sources[i]); !r) {
            return std::move(r).error();
        }
        const std::size_t pages = sources[i].directories - inputs[i].first_directory;
        result.pages_per_input.push_back(pages);
        result.pages += pages;
    }
    if (result.pages > std::numeric_limits<std::uint16_t>::max()) {
        return make_error(Errc::data, fmt::format("{}: {} pages do not fit PageNumber", output, result.pages));
    }
    const auto total = static_cast<std::uint16_t>(result.pages);

    TempFile temp;
    auto fd = temp.create(output);
    if (!fd) {
        return std::move(fd).error();
    }
    ErrorLog out_log;
    TiffPtr out = open_fd(*fd, temp.path(), "w", out_log);
    if (!out) {
        ::close(*fd);
        return make_error(Errc::io, fmt::format("{}: {}", temp.path(), reason(out_log, "cannot create TIFF")));
    }

    std::vector<std::uint8_t> buf;
    std::uint16_t page = 0;
    for (Source& s : sources) {
        TIFF* in = s.tif.get();
        const std::string& path = s.input->path;
        const auto first = static_cast<tdir_t>(s.input->first_directory);
        // Still on directory 0 after opening (TIFFNumberOfDirectories only follows offsets).
        if (first != 0 && TIFFSetDirectory(in, first) != 1) {
            return make_error(Errc::data, fmt::format("{}: page {}: {}", path, s.input->first_directory + 1,
                                                      reason(s.log, "cannot read directory")));
        }
        for (std::size_t dir = s.input->first_directory;; ++dir) {
            // Reading errors name the input and its page, writing errors the output and its page.
            auto fail = [&](core::Error e) {
                const bool writing = e.code == Errc::io;
                const ErrorLog& log = writing ? out_log : s.log;
                const std::string& file = writing ? output : path;
                const std::size_t at = writing ? std::size_t{page} + 1 : dir + 1;
                e.message = log.first.empty() ? fmt::format("{}: page {}: {}", file, at, e.message)
                                              : fmt::format("{}: page {}: {}: {}", file, at, e.message, log.first);
                return e;
            };
            auto tags = read_page_tags(in);
            if (!tags) {
                return fail(std::move(tags).error());
            }
            set_page_tags(out.get(), *tags, page, total);
            auto copied = copy_page_image(in, out.get(), *tags, buf);
            if (!copied) {
                return fail(std::move(copied).error());
            }
            if (TIFFWriteDirectory(out.get()) != 1) {
                return fail(make_error(Errc::io, "cannot write directory"));
            }
            ++page;
            if (dir + 1 >= s.directories) {
                break;
            }
            if (TIFFReadDirectory(in) != 1) {
                return make_error(Errc::data, fmt::format("{}: page {}: {}", path, dir + 2,
                                                          reason(s.log, "cannot read directory")));
            }
        }
    }
    const bool flushed = TIFFFlush(out.get()) == 1;
    out.reset();  // closes the file
    if (!flushed || !out_log.first.empty()) {
        return make_error(Errc::io, fmt::format("{}: {}", temp.path(), reason(out_log, "cannot write")));
    }
    if (auto r = temp.commit(output); !r) {
        return std::move(r).error();
    }
    return result;
}

}  // namespace fax::tiff
