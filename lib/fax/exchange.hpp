#pragma once
/// Two spandsp fax terminals exchanging a real fax, driven step by step in
/// simulated time.
///
/// The two terminals are the calling one (Side::caller: sends CNG, like the
/// FreeSWITCH leg that runs txfax after originate) and the answering one
/// (Side::answerer: sends CED and DIS). Each has a Role: send a TIFF or
/// receive into one. The line between them is either
///   - Transport::audio: T.30 over simulated G.711 (spandsp fax_state_t on both
///     ends, 160-sample blocks each way, every sample A-law encoded and decoded,
///     optional white Gaussian noise added before encoding), or
///   - Transport::t38: two spandsp T.38 terminals passing IFP packets to each
///     other without loss, each packet delivered within the 20 ms block it was
///     sent in.
/// Nothing is global: every Exchange owns its spandsp states, so any number can
/// run side by side in one thread. An Exchange is not thread-safe; different
/// Exchanges may run on different threads.
///
/// Events (phase B, each page, phase E) are delivered through the handler
/// given to create(), synchronously, from inside step() or hangup(), in the
/// order spandsp produces them (for a good fax: tx then rx negotiation, each
/// page rx then tx, rx then tx result — FreeSWITCH's order). A handler must
/// not destroy the Exchange and should not throw (an exception cannot cross
/// spandsp's C code: it is caught and dropped). It may call hangup(), which
/// then takes effect at the end of the current 20 ms block (or of the
/// hangup() call that raised the event).
///
/// Cost (measured, see FaxPerformanceTest): a 3-page fine fax (about 64 s of
/// line time) takes about 60 ms of CPU over audio and 18 ms over T.38; a call
/// holds about 180 KiB of heap, about 280 KiB while a page is in flight.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "fax/events.hpp"

namespace fax::fax {

enum class Transport { audio, t38 };
/// "audio" or "t38".
std::string_view transport_name(Transport t) noexcept;

enum class Side { caller = 0, answerer = 1 };
/// "caller" or "answerer".
std::string_view side_name(Side s) noexcept;
constexpr Side other(Side s) noexcept { return s == Side::caller ? Side::answerer : Side::caller; }

/// Samples per simulated second, and per block (20 ms).
inline constexpr int k_sample_rate = 8000;
inline constexpr int k_block_samples = 160;

/// One fax terminal, as mod_spandsp's channel variables configure it.
struct TerminalConfig {
    Role role = Role::receive;
    /// send: the TIFF to transmit; receive: the TIFF to write (created; on
    /// success it holds the pages received; spandsp writes it page by page).
    std::string tiff_path;
    /// send only: first and last page to send, as 0-based TIFF directory
    /// indexes (fax_start_page / fax_end_page); -1 = first / last page.
    int start_page = -1;
    int end_page = -1;
    /// fax_ident: our TSI (send) or CSI (receive), at most 20 characters.
    std::string ident = "SpanDSP Fax Ident";
    /// fax_header: the page header line the sender prints at the top of each
    /// page (spandsp adds header rows above the image). Empty = no header line,
    /// the received pages are then pixel-identical to the sent ones.
    std::string header;
    bool ecm = true;   ///< fax_use_ecm: offer error correction mode
    bool v17 = true;   ///< !fax_disable_v17: V.17 (14400) allowed, else V.29 (9600) at most
    /// Highest image data rate in bit/s. spandsp selects modems, not rates:
    /// >= 14400 allows V.17 + V.29 + V.27ter; 7200..14399 V.29 + V.27ter
    /// (9600 at most); below 7200 V.27ter only (4800). Over T.38 it is also
    /// the T38MaxBitRate.
    int max_bit_rate = 14400;
    /// fax_enable_t38: this terminal does T.38. T.38 is used only when the
    /// exchange asks for it and both terminals support it.
    bool t38 = true;
    /// fax_verbose: spandsp's protocol log for this terminal, to stderr
    /// (spandsp 0.0.6 log handlers carry no context, so they cannot be routed).
    bool verbose = false;
};

/// Faults injected into the exchange (fax-sim scenarios). Defaults: none.
struct Impairments {
    /// Hang up both terminals (as hangup()) once the sending terminal has had
    /// this many pages confirmed (its phase D for page N) plus
    /// hangup_delay_ms of simulated time. -1 = never. With a delay of 0 the
    /// line drops between pages: the receiver keeps N pages and both sides end
    /// with code 49. A delay of a few seconds drops it during page N+1.
    int hangup_after_pages = -1;
    int hangup_delay_ms = 0;
    /// Hang up both terminals after this much simulated time. -1 = never.
    std::int64_t hangup_after_ms = -1;
    /// Audio only: white Gaussian noise of this power (dBm0) added to the
    /// image data, i.e. sender-to-receiver audio while the sender transmits a
    /// page (from its receipt of CFR, MCF or RTP to its next command; only on
    /// non-silent samples). Control frames and the TCF training check stay
    /// clean. Noise in silences would not do: a receiver hearing noise
    /// above about -45 dBm0 keeps its carrier detector on and spandsp waits
    /// for carrier off before answering, so T.30 stalls. spandsp's modems
    /// send at about -13 dBm0. Measured with the 3-page test document and
    /// V.29 (seeds 1..6):
    ///   - ECM off, -35 dBm0: 0..5 bad rows per page, the fax succeeds;
    ///   - ECM off, -32 dBm0: 23..68 bad rows per page, the fax succeeds;
    ///   - ECM off, -20 dBm0: no page arrives, rx code 26 "Carrier lost
    ///     during fax receive", tx code 38;
    ///   - ECM on, -32 dBm0: corrected by retransmission, 0 bad rows;
    ///     from -30 dBm0 the receiver gives up (code 36).
    /// spandsp 0.0.6's V.17 receiver fails at random under any noise (even
    /// -55 dBm0, far below the A-law quantisation noise), while V.29 is
    /// robust: give a noisy line's terminals v17 = false.
    std::optional<double> noise_dbm0;
    std::uint32_t noise_seed = 1;  ///< the noise is deterministic per seed
};

struct ExchangeConfig {
    Transport transport = Transport::audio;  ///< requested; see TerminalConfig::t38
    TerminalConfig caller;
    TerminalConfig answerer;
    Impairments impairments;
    /// Safety stop: hang up after this much simulated time if spandsp has not
    /// finished. spandsp's T.30 timers end a dead call within about 40 s, but
    /// not one whose receivers never see the carrier drop (continuous loud
    /// noise): spandsp waits for that forever.
    std::int64_t max_duration_ms = 30 * 60 * 1000;
};

class Exchange {
public:
    using EventHandler = std::function<void(Side side, const FaxEvent& event)>;

    /// Builds both terminals. Errors: Errc::usage (bad configuration: empty
    /// TIFF path, ident over 20 characters, max_bit_rate < 2400),
    /// Errc::internal (spandsp failed to initialise). A TIFF that cannot be
    /// read is not an error here: spandsp reports it in phase E (code 41 …).
    static core::Result<Exchange> create(const ExchangeConfig& config, EventHandler on_event = {});

    Exchange(Exchange&&) noexcept;
    Exchange& operator=(Exchange&&) noexcept;
    ~Exchange();

    /// Advances simulated time by \a samples (rounded up to whole 160-sample
    /// blocks; <= 0 runs one block). Returns running().
    bool step(int samples = k_block_samples);
    /// Steps until running() is false.
    void run_to_end();
    /// True until both terminals have reached phase E (or both hung up).
    bool running() const noexcept;
    /// True once \a side has reached phase E.
    bool finished(Side side) const noexcept;

    /// The channels hang up (FreeSWITCH's spanfax_destroy): each terminal
    /// still running is terminated (t30_terminate) and reports phase E with
    /// code 49 "The call dropped prematurely". No further audio or packets flow.
    void hangup();
    /// Only \a side hangs up: it ends with code 49; the other terminal hears
    /// silence (audio) or nothing (T.38) and ends when its own T.30 timers expire.
    void hangup(Side side);

    /// Simulated time so far, in samples (8000 per second).
    std::int64_t elapsed_samples() const noexcept;
    /// The transport in use (audio when T.38 was asked for but a terminal lacks it).
    Transport transport() const noexcept;
    /// mod_spandsp's fax-t38-status for \a side: negotiated when T.38 is used;
    /// refused when T.38 was asked for, \a side supports it and the other does
    /// not; off otherwise.
    T38Status t38_status(Side side) const noexcept;
    /// The phase E result of \a side, once finished.
    const std::optional<FaxResult>& result(Side side) const noexcept;
    const ExchangeConfig& config() const noexcept;

    class Impl;

private:
    explicit Exchange(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace fax::fax
