#include "jsonl/writer.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <fmt/format.h>

#include "core/time.hpp"
#include "jsonl/escape.hpp"

namespace fax::jsonl {

void RecordBuilder::separate() {
    if (m_need_comma) {
        m_out.push_back(',');
    }
    m_need_comma = true;
}

RecordBuilder& RecordBuilder::begin_object() {
    separate();
    m_out.push_back('{');
    m_need_comma = false;
    return *this;
}

RecordBuilder& RecordBuilder::end_object() {
    m_out.push_back('}');
    m_need_comma = true;
    return *this;
}

RecordBuilder& RecordBuilder::begin_array() {
    separate();
    m_out.push_back('[');
    m_need_comma = false;
    return *this;
}

RecordBuilder& RecordBuilder::end_array() {
    m_out.push_back(']');
    m_need_comma = true;
    return *this;
}

RecordBuilder& RecordBuilder::key(std::string_view k) {
    separate();
    append_json_string(m_out, k);
    m_out.push_back(':');
    m_need_comma = false;
    return *this;
}

RecordBuilder& RecordBuilder::string(std::string_view v) {
    separate();
    append_json_string(m_out, v);
    return *this;
}

RecordBuilder& RecordBuilder::number(std::int64_t v) {
    separate();
    fmt::format_to(std::back_inserter(m_out), "{}", v);
    return *this;
}

RecordBuilder& RecordBuilder::boolean(bool v) {
    separate();
    m_out.append(v ? "true" : "false");
    return *this;
}

RecordBuilder& RecordBuilder::null() {
    separate();
    m_out.append("null");
    return *this;
}

RecordBuilder& RecordBuilder::raw(std::string_view json) {
    separate();
    m_out.append(json);
    return *this;
}

RecordBuilder& RecordBuilder::envelope(std::string_view type) {
    key("type").string(type);
    char ts[24];
    core::format_utc_ms(core::now_unix_ms(), ts);
    key("ts");
    separate();
    m_out.push_back('"');
    m_out.append(ts, sizeof ts);
    m_out.push_back('"');
    return *this;
}

Writer::~Writer() { (void)flush(); }

core::Result<void> Writer::write(std::string_view record) {
    if (!m_failed) {
        m_buf.append(record);
    }
    return end_record();
}

core::Result<void> Writer::end_record() {
    if (m_failed) {
        return core::make_error(core::Errc::io, "output closed after an earlier write error");
    }
    m_buf.push_back('\n');
    if (m_mode == Flush::per_record || m_buf.size() >= (1U << 16)) {
        return flush();
    }
    return {};
}

core::Result<void> Writer::flush() {
    std::size_t off = 0;
    while (off < m_buf.size()) {
        const ssize_t n = ::write(m_fd, m_buf.data() + off, m_buf.size() - off);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int err = errno;
            m_buf.clear();
            m_failed = true;
            // A closed pipe (`| head`) ends the tool quietly: empty message.
            return core::make_error(core::Errc::io,
                                    err == EPIPE ? std::string() : fmt::format("cannot write output: {}", std::strerror(err)));
        }
        off += static_cast<std::size_t>(n);
    }
    m_buf.clear();
    return {};
}

}  // namespace fax::jsonl
