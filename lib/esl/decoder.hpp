#pragma once
/// Incremental ESL framing: bytes in, Messages out. No I/O.
///
/// Contract: for any split of a byte stream into feed() calls, next() yields
/// the same sequence of messages. A header block ends at the first empty line
/// ("\n\n", also "\n\r\n"); it carries a body iff it has Content-Length.
/// Line ends may be LF or CRLF; leading empty lines before a block are skipped.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "esl/message.hpp"

namespace fax::esl {

/// Size limits; exceeding one is an Errc::protocol error.
struct DecoderLimits {
    std::size_t max_header_bytes = std::size_t{4} << 20;  ///< one header block
    std::size_t max_body_bytes = std::size_t{32} << 20;   ///< one body
};

/// Splits a byte stream into Messages. Not thread-safe. After an error the
/// decoder stays failed (the stream cannot be resynchronised).
class Decoder {
public:
    explicit Decoder(DecoderLimits limits = {}) : m_limits(limits) {}

    /// Appends received bytes.
    void feed(std::string_view bytes);

    /// Zero-copy form of feed(): returns room for up to \a n bytes to read
    /// into; then commit() the count actually read. Nothing else may be
    /// called in between.
    char* prepare(std::size_t n);
    void commit(std::size_t n) noexcept;

    /// Fills \a out with the next complete message and returns true, or
    /// returns false when more bytes are needed, or an Errc::protocol error
    /// (malformed Content-Length, a limit exceeded).
    core::Result<bool> next(Message& out);

    /// Bytes buffered but not yet returned as a message.
    std::size_t buffered() const noexcept { return m_end - m_pos; }

    /// Forgets everything buffered and any error (for a new connection).
    void reset();

private:
    DecoderLimits m_limits;
    void compact();
    void reserve_tail(std::size_t n);
    std::string m_buf;            ///< storage; bytes [m_pos, m_end) are unconsumed
    std::size_t m_end = 0;
    std::size_t m_pos = 0;        ///< start of the unconsumed bytes
    std::size_t m_scan = 0;       ///< where the search for "\n\n" resumes
    std::size_t m_head_end = 0;   ///< header block length (state body)
    std::size_t m_block_len = 0;  ///< header block incl. terminator (state body)
    std::size_t m_body_len = 0;
    bool m_in_body = false;
    bool m_has_length = false;    ///< the pending block has Content-Length
    bool m_failed = false;
    std::string m_error;
};

}  // namespace fax::esl
