#pragma once
/// FreeSWITCH's reading of client commands (mod_event_socket.c read_packet):
/// a header block ended by two LFs with only CRs between them ("\n\n",
/// "\r\n\r\n", "\n\r\n"), leading CR/LF bytes skipped, "Name: value" lines
/// after the first, and for every Content-Length header with a positive
/// value that many body bytes after the block. No I/O.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace fax::esl {

/// One command as FreeSWITCH stores it.
struct Command {
    /// The value of FreeSWITCH's "Command" header: the whole header block,
    /// every line and the terminating blank line, up to its first NUL byte.
    std::string block;
    /// The further lines split at the first ':' (spaces after it skipped), in
    /// order; lines without ':' are dropped. Duplicates are kept.
    std::vector<std::pair<std::string, std::string>> headers;
    /// The body (up to its first NUL byte), if a Content-Length asked for one.
    std::optional<std::string> body;

    /// First value of \a name, any case.
    std::optional<std::string_view> header(std::string_view name) const noexcept;
};

/// Splits a byte stream into Commands. After an error it stays failed.
class CommandParser {
public:
    /// A header block this long counts as complete (FreeSWITCH: 10 MiB).
    static constexpr std::size_t k_max_block = 10485760;
    /// Larger Content-Length values are a protocol error (FreeSWITCH ≥ 2026: 16 MiB).
    static constexpr std::size_t k_max_body = std::size_t{16} << 20;

    void feed(std::string_view bytes);
    /// Fills \a out with the next complete command and returns true; false
    /// when more bytes are needed; Errc::protocol for an oversize body.
    core::Result<bool> next(Command& out);
    /// A command has begun but is not complete (FreeSWITCH: `*mbuf != 0`).
    bool in_progress() const noexcept { return !m_block.empty() || m_body_need > 0; }
    /// Bytes received and not yet returned in a command.
    std::size_t buffered() const noexcept { return m_in.size() - m_pos + m_block.size(); }

private:
    void finish_block();
    std::string m_in;
    std::size_t m_pos = 0;
    std::string m_block;
    unsigned m_crcount = 0;
    Command m_pending;
    std::vector<std::size_t> m_bodies;  ///< body lengths still to read, in order
    std::size_t m_body_need = 0;
    bool m_have_block = false;
    bool m_failed = false;
};

}  // namespace fax::esl
