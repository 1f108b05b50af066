#include "fax/exchange.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <vector>

#include <fmt/format.h>

#include <spandsp.h>

#include "tiff/bitmap.hpp"

namespace fax::fax {

namespace {

using core::Errc;
using core::make_error;

constexpr std::size_t k_max_ident = 20;  // T30_MAX_IDENT_LEN
constexpr int k_t38_max_datagram = 400;  // mod_spandsp's LOCAL_FAX_MAX_DATAGRAM
constexpr int k_fcf_fcd = 0x06;          // T.4 Annex A ECM frames: facsimile coded data
constexpr int k_fcf_rcp = 0x86;          // … and return to control for partial page

std::string nil_safe(const char* s) { return s != nullptr ? std::string(s) : std::string(); }

/// pixels per metre from dots per inch, truncated as spandsp does.
int per_metre(double dpi) noexcept { return static_cast<int>(dpi * 100.0 / 2.54); }

int supported_modems(const TerminalConfig& c) noexcept {
    const int cap = c.v17 ? c.max_bit_rate : std::min(c.max_bit_rate, 9600);
    if (cap >= 14400) {
        return T30_SUPPORT_V17 | T30_SUPPORT_V29 | T30_SUPPORT_V27TER;
    }
    if (cap >= 7200) {
        return T30_SUPPORT_V29 | T30_SUPPORT_V27TER;
    }
    return T30_SUPPORT_V27TER;
}

core::Result<void> validate(const TerminalConfig& c, Side side) {
    const auto where = side_name(side);
    if (c.tiff_path.empty()) {
        return make_error(Errc::usage, fmt::format("{}: no TIFF path", where));
    }
    if (c.ident.size() > k_max_ident) {
        return make_error(Errc::usage, fmt::format("{}: ident longer than {} characters", where, k_max_ident));
    }
    if (c.max_bit_rate < 2400) {
        return make_error(Errc::usage, fmt::format("{}: max_bit_rate {} below 2400", where, c.max_bit_rate));
    }
    return {};
}

}  // namespace

std::string_view transport_name(Transport t) noexcept { return t == Transport::t38 ? "t38" : "audio"; }

std::string_view side_name(Side s) noexcept { return s == Side::caller ? "caller" : "answerer"; }

class Exchange::Impl {
public:
    /// One fax terminal: its spandsp state and what it has reported.
    struct Terminal {
        Impl* owner = nullptr;
        Side side = Side::caller;
        TerminalConfig config;
        fax_state_t* fax = nullptr;              // audio
        t38_terminal_state_t* t38 = nullptr;     // T.38
        t30_state_t* t30 = nullptr;              // inside one of the above
        T38Status t38_status = T38Status::off;
        std::vector<tiff::PageGeometry> file_pages;  // send: the TIFF's pages
        bool hung_up = false;                    // no more audio/packets in or out
        std::optional<FaxResult> result;         // phase E seen
        bool image_window = false;               // send: image data on the line (noise applies)
        bool more_pages = false;                 // send: the last post-page command was MPS/EOM/PPS-non-EOP
        std::uint16_t tx_seq = 0;                // T.38 IFP sequence number
        std::deque<std::vector<std::uint8_t>> outbox;  // T.38 packets not yet delivered
    };

    Impl(const ExchangeConfig& config, EventHandler on_event) : m_config(config), m_on_event(std::move(on_event)) {
        m_terminals[0].config = config.caller;
        m_terminals[1].config = config.answerer;
    }
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    core::Result<void> init();
    bool step(int samples);
    bool running() const noexcept { return !m_stopped && (!m_terminals[0].result || !m_terminals[1].result); }
    void hangup(bool caller, bool answerer);

    ExchangeConfig m_config;
    EventHandler m_on_event;
    std::array<Terminal, 2> m_terminals;
    Transport m_transport = Transport::audio;
    std::int64_t m_elapsed = 0;
    std::array<awgn_state_t*, 2> m_noise{};  // noise added to what terminal i sends
    int m_in_callback = 0;
    std::array<bool, 2> m_pending_hangup{};  // hangups asked for, not yet done
    std::int64_t m_hangup_at = -1;  // scheduled (samples), -1 = none
    bool m_stopped = false;         // both hung up: nothing can happen any more

    // spandsp callbacks
    static int on_phase_b(t30_state_t* s, void* user_data, int result);
    static int on_phase_d(t30_state_t* s, void* user_data, int result);
    static void on_phase_e(t30_state_t* s, void* user_data, int result);
    static void on_frame(t30_state_t* s, void* user_data, int incoming, const uint8_t* msg, int len);
    static int on_t38_packet(t38_core_state_t* s, void* user_data, const uint8_t* buf, int len, int count);

private:
    core::Result<void> init_terminal(Terminal& t);
    void audio_block();
    void t38_block();
    void emit(Terminal& t, const FaxEvent& e) noexcept;
    void report_negotiation(Terminal& t);
    void report_page(Terminal& t);
    void finish(Terminal& t, int result);
    void terminate(Terminal& t);
    void after_block();
};

Exchange::Impl::~Impl() {
    for (auto& t : m_terminals) {
        if (t.fax != nullptr) {
            fax_free(t.fax);
        }
        if (t.t38 != nullptr) {
            t38_terminal_free(t.t38);
        }
    }
    for (auto* n : m_noise) {
        if (n != nullptr) {
            awgn_free(n);
        }
    }
}

core::Result<void> Exchange::Impl::init() {
    for (int i = 0; i < 2; ++i) {
        Terminal& t = m_terminals[static_cast<std::size_t>(i)];
        t.owner = this;
        t.side = static_cast<Side>(i);
        if (auto r = validate(t.config, t.side); !r) {
            return r;
        }
    }
    const bool both_t38 = m_terminals[0].config.t38 && m_terminals[1].config.t38;
    m_transport = m_config.transport == Transport::t38 && both_t38 ? Transport::t38 : Transport::audio;
    for (auto& t : m_terminals) {
        if (m_transport == Transport::t38) {
            t.t38_status = T38Status::negotiated;
        } else if (m_config.transport == Transport::t38 && t.config.t38) {
            t.t38_status = T38Status::refused;
        }
        if (auto r = init_terminal(t); !r) {
            return r;
        }
    }
    if (m_transport == Transport::audio && m_config.impairments.noise_dbm0) {
        for (int i = 0; i < 2; ++i) {
            const auto seed = static_cast<int>(m_config.impairments.noise_seed * 2U + static_cast<unsigned>(i));
            const auto level = static_cast<float>(*m_config.impairments.noise_dbm0);
            auto*& noise = m_noise[static_cast<std::size_t>(i)];
            noise = awgn_init_dbm0(nullptr, seed, level);
            if (noise == nullptr) {
                return make_error(Errc::internal, "spandsp: awgn_init_dbm0 failed");
            }
        }
    }
    if (m_config.impairments.hangup_after_ms >= 0) {
        m_hangup_at = m_config.impairments.hangup_after_ms * (k_sample_rate / 1000);
    }
    return {};
}

core::Result<void> Exchange::Impl::init_terminal(Terminal& t) {
    const TerminalConfig& c = t.config;
    const int calling_party = t.side == Side::caller ? 1 : 0;
    logging_state_t* log = nullptr;
    if (m_transport == Transport::audio) {
        t.fax = fax_init(nullptr, calling_party);
        if (t.fax == nullptr) {
            return make_error(Errc::internal, "spandsp: fax_init failed");
        }
        fax_set_transmit_on_idle(t.fax, 1);
        t.t30 = fax_get_t30_state(t.fax);
        log = fax_get_logging_state(t.fax);
    } else {
        t.t38 = t38_terminal_init(nullptr, calling_party, &Impl::on_t38_packet, &t);
        if (t.t38 == nullptr) {
            return make_error(Errc::internal, "spandsp: t38_terminal_init failed");
        }
        t.t30 = t38_terminal_get_t30_state(t.t38);
        t38_core_state_t* core = t38_terminal_get_t38_core_state(t.t38);
        // What mod_spandsp's configure_t38() sets from FreeSWITCH's default T.38 SDP.
        t38_set_t38_version(core, 0);
        t38_set_max_buffer_size(core, 2000);
        t38_set_fastest_image_data_rate(core, c.v17 ? std::min(c.max_bit_rate, 14400) : std::min(c.max_bit_rate, 9600));
        t38_set_fill_bit_removal(core, 0);
        t38_set_mmr_transcoding(core, 0);
        t38_set_jbig_transcoding(core, 0);
        t38_set_max_datagram_size(core, k_t38_max_datagram);
        t38_set_data_rate_management_method(core, T38_DATA_RATE_MANAGEMENT_TRANSFERRED_TCF);
        log = t38_terminal_get_logging_state(t.t38);
    }
    if (c.verbose) {
        const int level = SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL | SPAN_LOG_SHOW_TAG | SPAN_LOG_FLOW;
        const char* tag = t.side == Side::caller ? "caller" : "answerer";
        for (logging_state_t* l : {log, t30_get_logging_state(t.t30)}) {
            span_log_set_level(l, level);
            span_log_set_tag(l, tag);
        }
    }

    // The settings of mod_spandsp's spanfax_init() that spandsp 0.0.6 has.
    t30_set_tx_ident(t.t30, c.ident.c_str());
    if (!c.header.empty()) {
        t30_set_tx_page_header_info(t.t30, c.header.c_str());
    }
    t30_set_phase_b_handler(t.t30, &Impl::on_phase_b, &t);
    t30_set_phase_d_handler(t.t30, &Impl::on_phase_d, &t);
    t30_set_phase_e_handler(t.t30, &Impl::on_phase_e, &t);
    t30_set_real_time_frame_handler(t.t30, &Impl::on_frame, &t);
    t30_set_supported_image_sizes(t.t30, T30_SUPPORT_US_LETTER_LENGTH | T30_SUPPORT_US_LEGAL_LENGTH |
                                             T30_SUPPORT_UNLIMITED_LENGTH | T30_SUPPORT_215MM_WIDTH |
                                             T30_SUPPORT_255MM_WIDTH | T30_SUPPORT_303MM_WIDTH);
    t30_set_supported_resolutions(t.t30, T30_SUPPORT_STANDARD_RESOLUTION | T30_SUPPORT_FINE_RESOLUTION |
                                             T30_SUPPORT_SUPERFINE_RESOLUTION | T30_SUPPORT_R8_RESOLUTION |
                                             T30_SUPPORT_R16_RESOLUTION);
    t30_set_supported_compressions(t.t30, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION |
                                              T30_SUPPORT_T6_COMPRESSION);
    t30_set_supported_modems(t.t30, supported_modems(c));
    t30_set_ecm_capability(t.t30, c.ecm ? 1 : 0);
    if (c.role == Role::send) {
        t30_set_tx_file(t.t30, c.tiff_path.c_str(), c.start_page, c.end_page);
        if (auto g = tiff::read_geometry(c.tiff_path)) {
            t.file_pages = std::move(g).value();
        }
    } else {
        t30_set_rx_file(t.t30, c.tiff_path.c_str(), -1);
    }
    return {};
}

void Exchange::Impl::emit(Terminal& t, const FaxEvent& e) noexcept {
    if (!m_on_event) {
        return;
    }
    ++m_in_callback;
    try {
        m_on_event(t.side, e);
    } catch (...) {
        // Nothing may unwind through spandsp's C frames; the handler's
        // exception is dropped (its contract is not to throw).
    }
    --m_in_callback;
}

int Exchange::Impl::on_phase_b(t30_state_t*, void* user_data, int) {
    auto& t = *static_cast<Terminal*>(user_data);
    try {
        t.owner->report_negotiation(t);
    } catch (...) {  // std::bad_alloc: must not unwind through spandsp
    }
    return T30_ERR_OK;
}

void Exchange::Impl::report_negotiation(Terminal& t) {
    t30_state_t* s = t.t30;
    t30_stats_t st{};
    t30_get_transfer_statistics(s, &st);
    Negotiation n;
    n.role = t.config.role;
    n.transfer_rate = st.bit_rate;
    n.ecm = st.error_correcting_mode != 0;
    n.t38_status = t.t38_status;
    n.local_station_id = nil_safe(t30_get_tx_ident(s));
    n.remote_station_id = nil_safe(t30_get_rx_ident(s));
    n.remote_country = nil_safe(t30_get_rx_country(s));
    n.remote_vendor = nil_safe(t30_get_rx_vendor(s));
    n.remote_model = nil_safe(t30_get_rx_model(s));
    n.total_pages = t.config.role == Role::send ? st.pages_in_file : 0;
    emit(t, n);
}

int Exchange::Impl::on_phase_d(t30_state_t*, void* user_data, int) {
    auto& t = *static_cast<Terminal*>(user_data);
    try {
        t.owner->report_page(t);
    } catch (...) {  // std::bad_alloc: must not unwind through spandsp
    }
    return T30_ERR_OK;
}

void Exchange::Impl::report_page(Terminal& t) {
    t30_stats_t st{};
    t30_get_transfer_statistics(t.t30, &st);
    PageResult p;
    p.role = t.config.role;
    const bool tx = t.config.role == Role::send;
    p.pages_transferred = tx ? st.pages_tx : st.pages_rx;
    p.total_pages = tx ? st.pages_in_file : 0;
    p.image_resolution = {st.x_resolution, st.y_resolution};
    p.image_size = st.image_size;
    p.image_pixel_size = {st.width, st.length};
    p.file_image_resolution = p.image_resolution;
    p.file_image_pixel_size = p.image_pixel_size;
    if (tx) {
        // The page just sent, as the TIFF describes it.
        const int index = std::max(t.config.start_page, 0) + st.pages_tx - 1;
        if (index >= 0 && static_cast<std::size_t>(index) < t.file_pages.size()) {
            const auto& g = t.file_pages[static_cast<std::size_t>(index)];
            p.file_image_resolution = {per_metre(g.x_dpi), per_metre(g.y_dpi)};
            p.file_image_pixel_size = {static_cast<int>(g.width), static_cast<int>(g.height)};
        }
    }
    p.bad_rows = st.bad_rows;
    p.longest_bad_row_run = st.longest_bad_row_run;
    p.encoding = st.encoding;
    p.encoding_name = nil_safe(t4_encoding_to_str(st.encoding));
    emit(t, p);
    const auto& imp = m_config.impairments;
    if (tx && imp.hangup_after_pages >= 0 && p.pages_transferred == imp.hangup_after_pages) {
        const std::int64_t at = m_elapsed + std::int64_t{imp.hangup_delay_ms} * (k_sample_rate / 1000);
        if (m_hangup_at < 0 || at < m_hangup_at) {
            m_hangup_at = at;
        }
    }
}

void Exchange::Impl::on_phase_e(t30_state_t*, void* user_data, int result) {
    auto& t = *static_cast<Terminal*>(user_data);
    try {
        t.owner->finish(t, result);
    } catch (...) {  // std::bad_alloc: must not unwind through spandsp
    }
}

void Exchange::Impl::finish(Terminal& t, int result) {
    if (t.result) {
        return;  // one phase E per terminal, as mod_spandsp's pvt->done
    }
    t30_state_t* s = t.t30;
    t30_stats_t st{};
    t30_get_transfer_statistics(s, &st);
    FaxResult r;
    r.role = t.config.role;
    r.success = result == T30_ERR_OK;
    r.result_code = result;
    r.result_text = nil_safe(t30_completion_code_to_str(result));
    r.pages_transferred = t.config.role == Role::send ? st.pages_tx : st.pages_rx;
    r.total_pages = st.pages_in_file;
    r.image_resolution = {st.x_resolution, st.y_resolution};
    r.image_size = st.image_size;
    r.bad_rows = st.bad_rows;
    r.transfer_rate = st.bit_rate;
    r.ecm = st.error_correcting_mode != 0;
    r.t38_status = t.t38_status;
    r.local_station_id = nil_safe(t30_get_tx_ident(s));
    r.remote_station_id = nil_safe(t30_get_rx_ident(s));
    r.remote_country = nil_safe(t30_get_rx_country(s));
    r.remote_vendor = nil_safe(t30_get_rx_vendor(s));
    r.remote_model = nil_safe(t30_get_rx_model(s));
    t.result = r;
    emit(t, r);
}

void Exchange::Impl::on_frame(t30_state_t*, void* user_data, int incoming, const uint8_t* msg, int len) {
    // Tracks when the sender puts image data on the line: after it receives
    // CFR (trained), MCF/RTP (page confirmed, another follows), PPR/CTR (ECM
    // retransmission), until it sends its next command. The TCF training
    // check and all control frames are thus outside the window.
    auto& t = *static_cast<Terminal*>(user_data);
    if (t.config.role != Role::send || len < 3) {
        return;
    }
    const int fcf = msg[2] & 0xFE;
    if (incoming != 0) {
        if (fcf == T30_CFR || fcf == T30_PPR || fcf == T30_CTR ||
            ((fcf == T30_MCF || fcf == T30_RTP) && t.more_pages)) {
            t.image_window = true;
        }
        return;
    }
    if (fcf == k_fcf_fcd || fcf == k_fcf_rcp) {
        return;  // ECM image frames themselves
    }
    t.image_window = false;
    if (fcf == T30_MPS || fcf == T30_EOM) {
        t.more_pages = true;
    } else if (fcf == T30_EOP) {
        t.more_pages = false;
    } else if (fcf == T30_PPS && len >= 4) {
        t.more_pages = (msg[3] & 0xFE) != T30_EOP;
    }
}

int Exchange::Impl::on_t38_packet(t38_core_state_t*, void* user_data, const uint8_t* buf, int len, int) {
    // Queued, not delivered at once: the far terminal must not run inside
    // this one's send path. Redundant copies (count > 1) are not needed on a
    // lossless link; the receiver would drop them by sequence number anyway.
    auto& t = *static_cast<Terminal*>(user_data);
    if (t.hung_up || len <= 0) {
        return 0;
    }
    try {
        t.outbox.emplace_back(buf, buf + len);
    } catch (...) {  // std::bad_alloc: the packet is lost, as on a real network
        return -1;
    }
    return 0;
}

void Exchange::Impl::audio_block() {
    std::array<std::array<int16_t, k_block_samples>, 2> line{};
    for (std::size_t i = 0; i < 2; ++i) {
        Terminal& t = m_terminals[i];
        auto& buf = line[i];
        if (!t.hung_up) {
            const int n = fax_tx(t.fax, buf.data(), k_block_samples);
            std::fill(buf.begin() + std::max(n, 0), buf.end(), int16_t{0});
        }
        // Noise rides on the carrier only: from the first to the last
        // non-silent sample of the block (a receiver that hears noise in the
        // gap before a carrier tries to train on it and misses the carrier).
        std::size_t from = buf.size();
        std::size_t to = 0;
        if (m_noise[i] != nullptr && t.image_window) {
            for (std::size_t k = 0; k < buf.size(); ++k) {
                if (buf[k] != 0) {
                    from = std::min(from, k);
                    to = k + 1;
                }
            }
        }
        for (std::size_t k = 0; k < buf.size(); ++k) {
            int v = buf[k];
            if (k >= from && k < to) {
                v += awgn(m_noise[i]);
            }
            buf[k] = alaw_to_linear(linear_to_alaw(std::clamp(v, -32768, 32767)));
        }
    }
    for (std::size_t i = 0; i < 2; ++i) {
        Terminal& t = m_terminals[i];
        if (!t.hung_up) {
            fax_rx(t.fax, line[1 - i].data(), k_block_samples);
        }
    }
}

void Exchange::Impl::t38_block() {
    for (auto& t : m_terminals) {
        if (!t.hung_up) {
            t38_terminal_send_timeout(t.t38, k_block_samples);
        }
    }
    // Deliver until both outboxes are empty (a delivery may cause a reply).
    for (int round = 0; round < 64; ++round) {
        bool any = false;
        for (std::size_t i = 0; i < 2; ++i) {
            Terminal& from = m_terminals[i];
            Terminal& to = m_terminals[1 - i];
            while (!from.outbox.empty()) {
                auto packet = std::move(from.outbox.front());
                from.outbox.pop_front();
                any = true;
                if (!to.hung_up) {
                    t38_core_rx_ifp_packet(t38_terminal_get_t38_core_state(to.t38), packet.data(),
                                           static_cast<int>(packet.size()), from.tx_seq);
                }
                ++from.tx_seq;
            }
        }
        if (!any) {
            break;
        }
    }
}

void Exchange::Impl::terminate(Terminal& t) {
    if (t.hung_up) {
        return;
    }
    t.hung_up = true;
    t.outbox.clear();
    if (!t.result) {
        // As mod_spandsp's spanfax_destroy(): phase E with T30_ERR_CALLDROPPED.
        ++m_in_callback;
        t30_terminate(t.t30);
        --m_in_callback;
    }
}

void Exchange::Impl::hangup(bool caller, bool answerer) {
    m_pending_hangup[0] = m_pending_hangup[0] || caller;
    m_pending_hangup[1] = m_pending_hangup[1] || answerer;
    if (m_in_callback > 0) {
        return;  // from an event handler: done by the outermost call or the end of the block
    }
    // A terminal's phase E handler may ask for more hangups: loop until none is left.
    while (m_pending_hangup[0] || m_pending_hangup[1]) {
        const std::size_t i = m_pending_hangup[0] ? 0 : 1;
        m_pending_hangup[i] = false;
        terminate(m_terminals[i]);
    }
    // t30_terminate() always reports phase E; should it not, no terminal can
    // make progress after both hung up, so the exchange is over regardless.
    m_stopped = m_terminals[0].hung_up && m_terminals[1].hung_up;
}

void Exchange::Impl::after_block() {
    if (m_hangup_at >= 0 && m_elapsed >= m_hangup_at) {
        m_hangup_at = -1;
        m_pending_hangup[0] = m_pending_hangup[1] = true;
    }
    if (m_elapsed >= m_config.max_duration_ms * (k_sample_rate / 1000)) {
        m_pending_hangup[0] = m_pending_hangup[1] = true;
    }
    if (m_pending_hangup[0] || m_pending_hangup[1]) {
        hangup(false, false);
    }
}

bool Exchange::Impl::step(int samples) {
    const int blocks = std::max(1, (samples + k_block_samples - 1) / k_block_samples);
    for (int i = 0; i < blocks && running(); ++i) {
        if (m_transport == Transport::audio) {
            audio_block();
        } else {
            t38_block();
        }
        m_elapsed += k_block_samples;
        after_block();
    }
    return running();
}

// ---------------------------------------------------------------------------

Exchange::Exchange(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Exchange::Exchange(Exchange&&) noexcept = default;
Exchange& Exchange::operator=(Exchange&&) noexcept = default;
Exchange::~Exchange() = default;

core::Result<Exchange> Exchange::create(const ExchangeConfig& config, EventHandler on_event) {
    auto impl = std::make_unique<Impl>(config, std::move(on_event));
    if (auto r = impl->init(); !r) {
        return std::move(r).error();
    }
    return Exchange(std::move(impl));
}

bool Exchange::step(int samples) { return m_impl->step(samples); }

void Exchange::run_to_end() {
    while (m_impl->step(k_sample_rate)) {
    }
}

bool Exchange::running() const noexcept { return m_impl->running(); }

bool Exchange::finished(Side side) const noexcept {
    return m_impl->m_terminals[static_cast<std::size_t>(side)].result.has_value();
}

void Exchange::hangup() { m_impl->hangup(true, true); }

void Exchange::hangup(Side side) { m_impl->hangup(side == Side::caller, side == Side::answerer); }

std::int64_t Exchange::elapsed_samples() const noexcept { return m_impl->m_elapsed; }

Transport Exchange::transport() const noexcept { return m_impl->m_transport; }

T38Status Exchange::t38_status(Side side) const noexcept {
    return m_impl->m_terminals[static_cast<std::size_t>(side)].t38_status;
}

const std::optional<FaxResult>& Exchange::result(Side side) const noexcept {
    return m_impl->m_terminals[static_cast<std::size_t>(side)].result;
}

const ExchangeConfig& Exchange::config() const noexcept { return m_impl->m_config; }

}  // namespace fax::fax
