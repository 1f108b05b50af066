#pragma once
/// Private to lib/tiff: libtiff with its warnings silenced, per-file error
/// collection (no global handler) and an owning TIFF pointer.

#include <cstdarg>
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wconversion"
#include <tiffio.h>
#pragma GCC diagnostic pop

namespace fax::tiff::detail {

/// Collects libtiff's messages for one open file.
struct ErrorLog {
    std::string first;
};

inline int on_tiff_error(TIFF*, void* user_data, const char* module, const char* fmt, va_list ap) {
    auto* log = static_cast<ErrorLog*>(user_data);
    if (log->first.empty()) {
        char buf[512];
        std::vsnprintf(buf, sizeof buf, fmt, ap);
        log->first = module != nullptr ? fmt::format("{}: {}", module, buf) : std::string(buf);
    }
    return 1;
}

inline int on_tiff_warning(TIFF*, void*, const char*, const char*, va_list) { return 1; }

struct TiffCloser {
    void operator()(TIFF* t) const noexcept { TIFFClose(t); }
};
using TiffPtr = std::unique_ptr<TIFF, TiffCloser>;

}  // namespace fax::tiff::detail
