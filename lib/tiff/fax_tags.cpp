#include "tiff/fax_tags.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "tiff/page_copy.hpp"

namespace fax::tiff {

namespace {

using namespace detail;
using core::Errc;
using core::make_error;

/// True when every strip of the current directory lies inside the file.
bool strips_inside(TIFF* in, const PageTags& p, std::uint64_t file_size) {
    const std::uint32_t strips = TIFFNumberOfStrips(in);
    if (strips == 0 || strips != (p.height - 1) / p.rows_per_strip + 1) {
        return false;
    }
    for (std::uint32_t s = 0; s < strips; ++s) {
        const std::uint64_t offset = TIFFGetStrileOffset(in, s);
        const std::uint64_t size = TIFFGetStrileByteCount(in, s);
        if (offset == 0 || size == 0 || offset > file_size || size > file_size - offset) {
            return false;
        }
    }
    return true;
}

/// The pages before the first unreadable one. Leaves \a in on an unknown
/// directory.
std::size_t readable_pages(TIFF* in, std::uint64_t file_size) {
    std::size_t pages = 0;
    do {
        auto tags = read_page_tags(in);
        if (!tags || !strips_inside(in, *tags, file_size)) {
            break;
        }
        ++pages;
    } while (TIFFReadDirectory(in) == 1);
    return pages;
}

/// FaxRecvTime of each page (see ReceivedFaxInfo::receive_seconds).
std::vector<std::optional<std::uint32_t>> page_times(const ReceivedFaxInfo& info, std::size_t pages) {
    std::vector<std::optional<std::uint32_t>> out(pages);
    const std::size_t covered = std::min(info.page_seconds.size(), pages);
    std::uint64_t used = 0;
    for (std::size_t i = 0; i < covered; ++i) {
        out[i] = info.page_seconds[i];
        used += info.page_seconds[i];
    }
    if (info.receive_seconds && covered < pages) {
        const std::uint64_t rest = *info.receive_seconds > used ? *info.receive_seconds - used : 0;
        const std::uint64_t n = pages - covered;
        for (std::size_t k = 0; k < n; ++k) {
            out[covered + k] = static_cast<std::uint32_t>(rest / n + (k < rest % n ? 1 : 0));
        }
    }
    return out;
}

/// "YYYY:MM:DD HH:MM:SS" in local time, as TIFF and faxgetty write it.
std::string tiff_date_time(std::int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    char buf[32];
    if (::localtime_r(&t, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y:%m:%d %H:%M:%S", &tm) == 0) {
        return "1970:01:01 00:00:00";
    }
    return buf;
}

/// \a s as printable ASCII: other bytes become '?' (as faxinfo shows them),
/// so no value can add lines to ImageDescription.
std::string printable(std::string s) {
    for (char& c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7E) {
            c = '?';
        }
    }
    return s;
}

/// "00 47 0F 22": hex octets separated by single spaces.
bool well_formed_dcs(const std::string& s) {
    if (s.empty() || s.size() % 3 != 2) {
        return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (i % 3 == 2 ? c != ' ' : std::isxdigit(c) == 0) {
            return false;
        }
    }
    return true;
}

/// ImageDescription: the TSI, then one line per caller-ID value.
std::string description(const ReceivedFaxInfo& info, const std::string& own) {
    std::string out = printable(info.sender_tsi.empty() ? own.substr(0, own.find('\n')) : info.sender_tsi);
    for (const auto& id : info.call_id) {
        out.append(1, '\n').append(printable(id));
    }
    return out;
}

/// An ASCII tag of the current directory of \a in ("" when absent).
std::string ascii_tag(TIFF* in, ttag_t tag) {
    const char* value = nullptr;
    if (TIFFGetField(in, tag, &value) == 1 && value != nullptr) {
        return value;
    }
    return {};
}

/// What the file already says about one page, kept where \a info is silent.
struct OwnTags {
    std::string description;
    std::string host;
    std::string subaddress;
    std::string dcs;
    std::optional<std::uint32_t> recv_time;
};

OwnTags own_tags(TIFF* in) {
    OwnTags o;
    o.description = ascii_tag(in, TIFFTAG_IMAGEDESCRIPTION);
    o.host = ascii_tag(in, TIFFTAG_HOSTCOMPUTER);
    o.subaddress = ascii_tag(in, TIFFTAG_FAXSUBADDRESS);
    o.dcs = ascii_tag(in, TIFFTAG_FAXDCS);
    if (!well_formed_dcs(o.dcs)) {
        o.dcs.clear();
    }
    std::uint32_t seconds = 0;
    if (TIFFGetField(in, TIFFTAG_FAXRECVTIME, &seconds) == 1) {
        o.recv_time = seconds;
    }
    return o;
}

/// Sets faxgetty's tags on the current output directory, after the image
/// (the fax tags exist once the CCITT codec is selected).
core::Result<void> set_fax_tags(TIFF* out, const ReceivedFaxInfo& info, const OwnTags& own,
                                const std::string& date_time, std::optional<std::uint32_t> seconds) {
    struct Ascii {
        ttag_t tag;
        std::string value;
        const char* name;
    };
    const Ascii ascii[] = {
        {TIFFTAG_IMAGEDESCRIPTION, description(info, own.description), "ImageDescription"},
        {TIFFTAG_SOFTWARE, printable(info.software), "Software"},
        {TIFFTAG_MAKE, printable(info.make), "Make"},
        {TIFFTAG_MODEL, printable(info.model), "Model"},
        {TIFFTAG_DATETIME, date_time, "DateTime"},
        {TIFFTAG_HOSTCOMPUTER, printable(own.host), "HostComputer"},
        {TIFFTAG_FAXSUBADDRESS, printable(info.subaddress.empty() ? own.subaddress : info.subaddress),
         "FaxSubAddress"},
        {TIFFTAG_FAXDCS, info.dcs.empty() ? own.dcs : info.dcs, "FaxDcs"},
    };
    for (const Ascii& a : ascii) {
        if (!a.value.empty() && TIFFSetField(out, a.tag, a.value.c_str()) != 1) {
            return make_error(Errc::io, fmt::format("cannot set {}", a.name));
        }
    }
    if (info.recv_params != 0 && TIFFSetField(out, TIFFTAG_FAXRECVPARAMS, info.recv_params) != 1) {
        return make_error(Errc::io, "cannot set FaxRecvParams");
    }
    if (!seconds) {
        seconds = own.recv_time;
    }
    if (seconds && TIFFSetField(out, TIFFTAG_FAXRECVTIME, *seconds) != 1) {
        return make_error(Errc::io, "cannot set FaxRecvTime");
    }
    std::uint16_t clean = 0;
    if (info.clean && TIFFGetField(out, TIFFTAG_CLEANFAXDATA, &clean) != 1 &&
        TIFFSetField(out, TIFFTAG_CLEANFAXDATA, *info.clean ? CLEANFAXDATA_CLEAN : CLEANFAXDATA_REGENERATED) != 1) {
        return make_error(Errc::io, "cannot set CleanFaxData");
    }
    return {};
}

/// Gives the new file the original's owner (when permitted) and mode.
void copy_ownership(int fd, const struct stat& st) {
    if (st.st_uid != ::geteuid() || st.st_gid != ::getegid()) {
        if (::fchown(fd, st.st_uid, st.st_gid) != 0) {
            (void)::fchown(fd, static_cast<uid_t>(-1), st.st_gid);  // a group we belong to, at least
        }
    }
    (void)::fchmod(fd, st.st_mode & 07777);
}

/// fsync of the directory holding \a path, so the rename survives a crash.
void sync_directory(const std::string& path) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash == 0 ? 1 : slash);
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

core::Result<int> tag_received_fax(const std::string& path, const ReceivedFaxInfo& info) {
    if (!info.dcs.empty() && !well_formed_dcs(info.dcs)) {
        return make_error(Errc::usage, fmt::format("{}: FaxDcs is not hex octets: {}", path, printable(info.dcs)));
    }
    const int in_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in_fd < 0) {
        if (errno == ELOOP) {
            return make_error(Errc::data, fmt::format("{}: is a symbolic link", path));
        }
        return make_error(Errc::no_input, fmt::format("{}: {}", path, std::strerror(errno)));
    }
    struct stat st {};
    if (::fstat(in_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(in_fd);
        return make_error(Errc::data, fmt::format("{}: not a regular file", path));
    }
    ErrorLog in_log;
    TiffPtr in = open_fd(in_fd, path, "r", in_log);
    if (!in) {
        ::close(in_fd);
        return make_error(Errc::data, fmt::format("{}: not a TIFF file: {}", path, reason(in_log, "cannot read")));
    }
    const std::size_t pages = readable_pages(in.get(), static_cast<std::uint64_t>(st.st_size));
    if (pages == 0) {
        return make_error(Errc::data, fmt::format("{}: no readable page: {}", path, reason(in_log, "bad image")));
    }
    if (pages > std::numeric_limits<std::uint16_t>::max()) {
        return make_error(Errc::data, fmt::format("{}: {} pages do not fit PageNumber", path, pages));
    }
    if (TIFFSetDirectory(in.get(), 0) != 1) {
        return make_error(Errc::data, fmt::format("{}: page 1: {}", path, reason(in_log, "cannot read directory")));
    }
    const auto total = static_cast<std::uint16_t>(pages);
    const auto times = page_times(info, pages);
    const std::string date_time = tiff_date_time(info.received_unix != 0 ? info.received_unix : st.st_mtime);

    TempFile temp;
    auto fd = temp.create(path, 0600);
    if (!fd) {
        return std::move(fd).error();
    }
    copy_ownership(*fd, st);
    ErrorLog out_log;
    TiffPtr out = open_fd(*fd, temp.path(), "w", out_log);
    if (!out) {
        ::close(*fd);
        return make_error(Errc::io, fmt::format("{}: {}", temp.path(), reason(out_log, "cannot create TIFF")));
    }

    std::vector<std::uint8_t> buf;
    for (std::uint16_t page = 0; page < total; ++page) {
        auto fail = [&](core::Error e) {
            const ErrorLog& log = e.code == Errc::io ? out_log : in_log;
            e.message = log.first.empty() ? fmt::format("{}: page {}: {}", path, page + 1, e.message)
                                          : fmt::format("{}: page {}: {}: {}", path, page + 1, e.message, log.first);
            return e;
        };
        if (page != 0 && TIFFReadDirectory(in.get()) != 1) {
            return fail(make_error(Errc::data, "cannot read directory"));
        }
        auto tags = read_page_tags(in.get());
        if (!tags) {
            return fail(std::move(tags).error());
        }
        const OwnTags own = own_tags(in.get());
        set_page_tags(out.get(), *tags, page, total);
        if (auto r = copy_page_image(in.get(), out.get(), *tags, buf); !r) {
            return fail(std::move(r).error());
        }
        if (auto r = set_fax_tags(out.get(), info, own, date_time, times[page]); !r) {
            return fail(std::move(r).error());
        }
        if (TIFFWriteDirectory(out.get()) != 1) {
            return fail(make_error(Errc::io, "cannot write directory"));
        }
    }
    const bool flushed = TIFFFlush(out.get()) == 1;
    const bool synced = flushed && ::fsync(TIFFFileno(out.get())) == 0;
    const int sync_errno = errno;
    out.reset();  // closes the file
    if (!flushed || !out_log.first.empty()) {
        return make_error(Errc::io, fmt::format("{}: {}", temp.path(), reason(out_log, "cannot write")));
    }
    if (!synced) {
        return make_error(Errc::io, fmt::format("{}: {}", temp.path(), std::strerror(sync_errno)));
    }
    if (auto r = temp.commit(path); !r) {
        return std::move(r).error();
    }
    sync_directory(path);
    return static_cast<int>(total);
}

}  // namespace fax::tiff
