#pragma once
/// JSON-lines output: records are built in memory with RecordBuilder and
/// handed to Writer, which owns the output descriptor.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace fax::jsonl {

/// Builds one compact JSON object, appending to a caller-owned string.
/// Keys are written as given (they must already be valid JSON key text once
/// escaped); values are escaped. Nesting is the caller's duty: every
/// begin_object/begin_array needs its end_*.
class RecordBuilder {
public:
    explicit RecordBuilder(std::string& out) : m_out(out) {}

    RecordBuilder& begin_object();
    RecordBuilder& end_object();
    RecordBuilder& begin_array();
    RecordBuilder& end_array();
    /// Starts a member: writes a separator if needed, then "key":.
    RecordBuilder& key(std::string_view k);
    RecordBuilder& string(std::string_view v);
    RecordBuilder& number(std::int64_t v);
    RecordBuilder& boolean(bool v);
    RecordBuilder& null();
    /// Inserts \a json verbatim as a value. Requires: valid JSON text.
    RecordBuilder& raw(std::string_view json);
    /// Writes the "type" and "ts" envelope members (ts = now, UTC ms).
    RecordBuilder& envelope(std::string_view type);

private:
    void separate();
    std::string& m_out;
    bool m_need_comma = false;
};

/// Writes newline-terminated records to a file descriptor. Not thread-safe.
/// Flushing: with Flush::per_record every record is written out at once;
/// with Flush::when_idle records are collected until flush() is called, which
/// the caller must do before it waits for input (so no record is ever held
/// back while the tool sleeps).
class Writer {
public:
    enum class Flush { per_record, when_idle };

    explicit Writer(int fd, Flush mode = Flush::per_record) : m_fd(fd), m_mode(mode) {}
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    ~Writer();

    /// Appends \a record (one JSON object, no newline) plus '\n'.
    core::Result<void> write(std::string_view record);
    /// Zero-copy form of write(): append one record (no newline) to the
    /// returned buffer, then call end_record().
    std::string& begin_record() noexcept { return m_buf; }
    core::Result<void> end_record();
    /// Writes out everything buffered. An error (ENOSPC…) is Errc::io; a
    /// closed pipe (EPIPE) is Errc::io with an empty message (exit quietly).
    core::Result<void> flush();
    /// Bytes waiting in the buffer.
    std::size_t pending() const noexcept { return m_buf.size(); }

private:
    int m_fd;
    Flush m_mode;
    std::string m_buf;
    bool m_failed = false;
};

}  // namespace fax::jsonl
