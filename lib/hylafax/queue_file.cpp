#include "hylafax/queue_file.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fax::hylafax {

namespace {

constexpr std::string_view k_document_ops[] = {"fax",  "tiff", "pdf",  "postscript", "pcl", "data",
                                               "poll", "page", "uucp"};

std::string_view strip_leading(std::string_view v) noexcept {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
        v.remove_prefix(1);
    }
    return v;
}

// Parses "<dirnum>:<addr>:<path>" after "<op>:".
std::optional<DocumentItem> parse_document(std::string_view key, std::string_view value) {
    DocumentItem d;
    if (!key.empty() && key.front() == '!') {
        d.converted = true;
        key.remove_prefix(1);
    }
    if (!is_document_op(key)) {
        return std::nullopt;
    }
    d.op = std::string(key);
    const auto c1 = value.find(':');
    if (c1 == std::string_view::npos) {
        return std::nullopt;
    }
    const auto c2 = value.find(':', c1 + 1);
    if (c2 == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view dir = value.substr(0, c1);
    int n = 0;
    auto r = std::from_chars(dir.data(), dir.data() + dir.size(), n);
    if (!dir.empty() && (r.ec != std::errc{} || r.ptr != dir.data() + dir.size())) {
        return std::nullopt;
    }
    d.dirnum = n;
    d.addr = std::string(value.substr(c1 + 1, c2 - c1 - 1));
    d.path = std::string(value.substr(c2 + 1));
    return d;
}

}  // namespace

bool is_document_op(std::string_view op) noexcept {
    return std::find(std::begin(k_document_ops), std::end(k_document_ops), op) != std::end(k_document_ops);
}

QueueFile QueueFile::parse(std::string_view text) {
    QueueFile q;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            nl = text.size();
        }
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.empty()) {
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            ++q.m_skipped;
            continue;
        }
        Line l;
        l.key = std::string(line.substr(0, colon));
        std::string value(strip_leading(line.substr(colon + 1)));
        // A trailing backslash continues the value on the next line.
        while (!value.empty() && value.back() == '\\' && pos < text.size()) {
            value.pop_back();
            auto next = text.find('\n', pos);
            if (next == std::string_view::npos) {
                next = text.size();
            }
            value.push_back('\n');
            value.append(text.substr(pos, next - pos));
            pos = next + 1;
        }
        l.value = std::move(value);
        q.m_lines.push_back(std::move(l));
    }
    return q;
}

std::optional<std::string_view> QueueFile::get(std::string_view key) const noexcept {
    for (const auto& l : m_lines) {
        if (l.key == key) {
            return l.value;
        }
    }
    return std::nullopt;
}

long long QueueFile::get_int(std::string_view key, long long fallback) const noexcept {
    const auto v = get(key);
    if (!v || v->empty()) {
        return fallback;
    }
    long long n = 0;
    auto r = std::from_chars(v->data(), v->data() + v->size(), n);
    return r.ec == std::errc{} && r.ptr == v->data() + v->size() ? n : fallback;
}

void QueueFile::set(std::string_view key, std::string_view value) {
    for (auto& l : m_lines) {
        if (l.key == key) {
            l.value = std::string(value);
            return;
        }
    }
    m_lines.push_back(Line{std::string(key), std::string(value)});
}

void QueueFile::set_int(std::string_view key, long long value) { set(key, std::to_string(value)); }

std::vector<DocumentItem> QueueFile::documents() const {
    std::vector<DocumentItem> out;
    for (const auto& l : m_lines) {
        if (auto d = parse_document(l.key, l.value)) {
            out.push_back(std::move(*d));
        }
    }
    return out;
}

std::string format_document(const DocumentItem& d) {
    return fmt::format("{}{}:{}:{}:{}", d.converted ? "!" : "", d.op, d.dirnum, d.addr, d.path);
}

bool QueueFile::remove_document(const DocumentItem& item) {
    const std::string want = format_document(item);
    for (auto it = m_lines.begin(); it != m_lines.end(); ++it) {
        if (it->key + ":" + it->value == want) {
            m_lines.erase(it);
            return true;
        }
    }
    return false;
}

bool QueueFile::replace_document(const DocumentItem& item, const DocumentItem& with) {
    const std::string want = format_document(item);
    for (auto& l : m_lines) {
        if (l.key + ":" + l.value == want) {
            const std::string text = format_document(with);
            const auto colon = text.find(':');
            l.key = text.substr(0, colon);
            l.value = text.substr(colon + 1);
            return true;
        }
    }
    return false;
}

core::Result<void> QueueFile::validate() const {
    for (const char* key : {"number", "mailaddr", "sender", "jobid", "modem", "client", "owner"}) {
        const auto v = get(key);
        if (!v || v->empty()) {
            return core::make_error(core::Errc::data, fmt::format("qfile has no {}", key));
        }
    }
    return {};
}

std::string QueueFile::serialize() const {
    std::string out;
    for (const auto& l : m_lines) {
        out += l.key;
        out.push_back(':');
        for (const char c : l.value) {
            if (c == '\n') {
                out += "\\\n";
            } else {
                out.push_back(c);
            }
        }
        out.push_back('\n');
    }
    return out;
}

LockedQueueFile::LockedQueueFile(int fd, std::string path, QueueFile file)
    : m_fd(fd), m_path(std::move(path)), m_file(std::move(file)) {}

LockedQueueFile::LockedQueueFile(LockedQueueFile&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)), m_file(std::move(other.m_file)) {}

LockedQueueFile& LockedQueueFile::operator=(LockedQueueFile&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);  // closing releases the lock
        }
        m_fd = std::exchange(other.m_fd, -1);
        m_path = std::move(other.m_path);
        m_file = std::move(other.m_file);
    }
    return *this;
}

LockedQueueFile::~LockedQueueFile() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

core::Result<LockedQueueFile> LockedQueueFile::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return core::make_error(err == ENOENT ? core::Errc::no_input : core::Errc::io,
                                fmt::format("cannot open qfile {}: {}", path, std::strerror(err)));
    }
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            const int err = errno;
            ::close(fd);
            return core::make_error(core::Errc::io, fmt::format("cannot lock qfile {}: {}", path, std::strerror(err)));
        }
    }
    std::string text;
    char buf[8192];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return core::make_error(core::Errc::io, fmt::format("cannot read qfile {}: {}", path, std::strerror(err)));
        }
        if (n == 0) {
            break;
        }
        text.append(buf, static_cast<std::size_t>(n));
    }
    return LockedQueueFile(fd, path, QueueFile::parse(text));
}

core::Result<void> LockedQueueFile::rewrite() {
    const std::string text = m_file.serialize();
    auto fail = [&](const char* what) {
        return core::make_error(core::Errc::io, fmt::format("cannot {} qfile {}: {}", what, m_path, std::strerror(errno)));
    };
    if (::lseek(m_fd, 0, SEEK_SET) < 0) {
        return fail("seek");
    }
    std::size_t off = 0;
    while (off < text.size()) {
        const ssize_t n = ::write(m_fd, text.data() + off, text.size() - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return fail("write");
        }
        off += static_cast<std::size_t>(n);
    }
    if (::ftruncate(m_fd, static_cast<off_t>(text.size())) != 0) {
        return fail("truncate");
    }
    if (::fsync(m_fd) != 0) {
        return fail("sync");
    }
    return {};
}

}  // namespace fax::hylafax
