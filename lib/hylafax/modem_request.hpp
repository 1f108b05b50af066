#pragma once
/// Requests that arrive on a virtual modem's FIFO (<spool>/FIFO.<id>), from
/// faxq and from the sender (hylafax-integration.md §3, faxgetty's
/// FIFOMessage): framing and meaning.
///
/// Framing: a message ends with NUL (faxq writes "L\0", "HELLO\0") or a line
/// break (`echo SR > FIFO.x`). One read may hold several messages or part of
/// one; the splitter keeps the rest for the next read. gofaxd treated a whole
/// read as one message; this does not.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fax::hylafax {

/// What a FIFO.<id> message asks for. Only the first character counts for
/// H and L (faxgetty's rule); S needs exactly "SR" or "SB".
enum class ModemRequest {
    hello,      ///< "H…" (faxq sends "HELLO" when it starts): report the modem's state again
    lock,       ///< "L…": faxq assigned the modem to a job and holds its UUCP lock
    set_ready,  ///< "SR": the sender is done with the modem
    set_busy,   ///< "SB": a sender is using the modem
    unknown,    ///< anything else (faxgetty's A, C, Q, Z, other S values): ignored
};

/// The request \a message (one framed message, already trimmed) stands for.
ModemRequest classify_modem_request(std::string_view message) noexcept;

/// Stable lower-case name of \a request ("hello", "set_busy", …).
const char* modem_request_name(ModemRequest request) noexcept;

/// Cuts a FIFO byte stream into messages.
class ModemRequestSplitter {
public:
    /// A message longer than this is dropped whole (faxq's own limit is far lower).
    static constexpr std::size_t k_max_message = 1024;

    /// Appends \a bytes and returns the messages completed by them, in order:
    /// split at NUL, '\n' or '\r', ASCII blanks trimmed at both ends, empty
    /// ones skipped. An unfinished tail is kept for the next call.
    std::vector<std::string> feed(std::string_view bytes);

    /// Messages dropped because they exceeded k_max_message.
    std::size_t dropped() const noexcept { return m_dropped; }
    /// True while part of a message is buffered.
    bool partial() const noexcept { return !m_partial.empty() || m_overflow; }

private:
    std::string m_partial;
    bool m_overflow = false;
    std::size_t m_dropped = 0;
};

}  // namespace fax::hylafax
