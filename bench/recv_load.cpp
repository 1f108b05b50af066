// Load driver for fax-recv's speed figures (issue #5 item 7, docs/performance.md
// "fax-recv"): plays FreeSWITCH's side of N outbound-socket connections
// (`socket host:port async full`, esl-protocol.md §4) the way fax-sim does,
// without the fax itself:
//  - `connect` → the CHANNEL_DATA reply of a fresh inbound channel;
//  - filter / myevents / event / linger / nolinger → their +OK replies;
//  - `sendmsg` execute → +OK at once, then CHANNEL_EXECUTE and
//    CHANNEL_EXECUTE_COMPLETE (matching Application-UUID), CHANNEL_ANSWER for
//    answer; `rxfax` is held open: the call is then "open";
//  - `api uuid_kill` → +OK and the hangup below; `api db …` → "false".
// At the end every open call is hung up as FreeSWITCH does when the caller
// hangs up during rxfax: linger notice, CHANNEL_HANGUP, spandsp::rxfaxresult
// (failed, code 49, 0 pages), rxfax's CHANNEL_EXECUTE_COMPLETE,
// CHANNEL_HANGUP_COMPLETE; then it waits for fax-recv to close (or, without
// linger, says goodbye and closes).
//
// A call setup runs from the TCP connect to the arrival of fax-recv's rxfax
// execute. Events carry the full channel data and variables (fax::Channel),
// only those the session subscribed to are sent.
//
// Phases: --preopen K calls opened first (not measured), then --calls N calls
// measured (setups/s, latency percentiles), then held (--hold), then hung up.
// With --pid, fax-recv's CPU time, RSS and open descriptors are read from /proc
// at each phase boundary. Prints one "key: value" line per figure on stdout.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "core/fd_limit.hpp"
#include "core/uuid.hpp"
#include "esl/command_parser.hpp"
#include "esl/event_data.hpp"
#include "esl/serializer.hpp"
#include "esl/url.hpp"
#include "fax/channel.hpp"
#include "fax/spandsp_events.hpp"

namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using fax::fax::HeaderList;

constexpr fax::esl::CallSite k_channel_data{"mod_event_socket.c", "parse_command", 2021};
constexpr fax::esl::CallSite k_execute{"switch_core_session.c", "switch_core_session_exec", 2944};
constexpr fax::esl::CallSite k_execute_complete{"switch_core_session.c", "switch_core_session_exec", 2967};
constexpr fax::esl::CallSite k_answer{"switch_channel.c", "switch_channel_perform_mark_answered", 3846};
constexpr fax::esl::CallSite k_hangup{"switch_channel.c", "switch_channel_perform_hangup", 3445};
constexpr fax::esl::CallSite k_hangup_complete{"switch_core_state_machine.c", "switch_core_session_reporting_state", 943};
constexpr std::string_view k_goodbye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";

std::int64_t now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool in_myevents(std::string_view name) {
    static constexpr std::string_view k_names[] = {
        "CHANNEL_ANSWER",  "CHANNEL_APPLICATION", "CHANNEL_BRIDGE",  "CHANNEL_CREATE",   "CHANNEL_DATA",
        "CHANNEL_DESTROY", "CHANNEL_EXECUTE",     "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HANGUP",
        "CHANNEL_HANGUP_COMPLETE", "CHANNEL_ORIGINATE", "CHANNEL_UUID", "CHANNEL_OUTGOING", "CHANNEL_PARK",
        "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_STATE", "CHANNEL_UNBRIDGE", "CHANNEL_UNPARK",
        "DETECTED_SPEECH", "DTMF", "NOTALK", "TALK"};
    return std::find(std::begin(k_names), std::end(k_names), name) != std::end(k_names);
}

struct Options {
    std::string socket = "127.0.0.1:8022";
    std::string port_file;
    long calls = 1000;
    long preopen = 0;
    long concurrency = 100;
    double rate = 0;
    double hold = 0;           ///< seconds; < 0: until SIGINT/SIGTERM/SIGUSR1
    double close_timeout = 30;  ///< after the hangup, fax-recv must close within this
    double setup_timeout = 30;  ///< from the TCP connect to rxfax, else the call is given up
    int pid = 0;
};

/// fax-recv's figures from /proc.
struct ProcSample {
    double cpu_s = 0;  ///< user + system
    long rss_kb = 0;
    long fds = 0;
    long threads = 0;
};

std::optional<ProcSample> sample_proc(int pid) {
    if (pid <= 0) {
        return std::nullopt;
    }
    ProcSample s;
    {
        std::ifstream in(fmt::format("/proc/{}/stat", pid));
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto rp = text.rfind(')');
        if (rp == std::string::npos) {
            return std::nullopt;
        }
        std::vector<std::string> f;
        std::size_t pos = rp + 2;
        while (pos < text.size()) {
            const auto sp = text.find(' ', pos);
            f.push_back(text.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
            if (sp == std::string::npos) {
                break;
            }
            pos = sp + 1;
        }
        // After the comm field: state(0) … utime(11) stime(12) … num_threads(17).
        if (f.size() > 17) {
            const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
            s.cpu_s = (std::stod(f[11]) + std::stod(f[12])) / tick;
            s.threads = std::stol(f[17]);
        }
    }
    {
        std::ifstream in(fmt::format("/proc/{}/status", pid));
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("VmRSS:", 0) == 0) {
                s.rss_kb = std::stol(line.substr(6));
            }
        }
    }
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(fmt::format("/proc/{}/fd", pid), ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        ++s.fds;
    }
    return s;
}

double own_cpu_s() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Appends \a hs in the plain form, without the closing empty line.
void append_headers(std::string& out, std::span<const fax::esl::Header> hs) {
    fax::esl::append_plain(out, hs, std::nullopt);
    out.pop_back();
}

void append_headers(std::string& out, const HeaderList& hs) {
    std::vector<fax::esl::Header> v;
    v.reserve(hs.size());
    for (const auto& [k, val] : hs) {
        if (!val.empty()) {  // as EventData::add: an empty value adds nothing
            v.push_back(fax::esl::Header{k, val});
        }
    }
    append_headers(out, v);
}

/// EventStamper's standard headers, rendered straight into a string: the same
/// bytes as append_headers(stamper.create(…).headers()), without an EventData
/// of 13 owned headers per event (the driver's largest cost after the kernel).
/// The constant part is rendered once, the dates once a second.
class StandardHeaders {
public:
    explicit StandardHeaders(const fax::esl::SwitchIdentity& id) {
        fax::esl::EventData e;
        e.add("Core-UUID", id.core_uuid);
        e.add("FreeSWITCH-Hostname", id.hostname);
        e.add("FreeSWITCH-Switchname", id.switchname);
        e.add("FreeSWITCH-IPv4", id.ipv4);
        e.add("FreeSWITCH-IPv6", id.ipv6);
        append_headers(m_constant, e.headers());
    }

    void append(std::string& out, std::string_view name, fax::esl::CallSite site, std::string_view subclass,
                std::int64_t unix_us, std::uint64_t sequence) {
        out += "Event-Name: ";
        fax::esl::switch_url_encode_append(out, name);
        out.push_back('\n');
        out += m_constant;
        if (unix_us / 1000000 != m_second) {
            m_second = unix_us / 1000000;
            fax::esl::EventData e;
            e.add("Event-Date-Local", fax::esl::event_date_local(unix_us));
            e.add("Event-Date-GMT", fax::esl::event_date_gmt(unix_us));
            m_dates.clear();
            append_headers(m_dates, e.headers());
        }
        out += m_dates;
        fmt::format_to(std::back_inserter(out), "Event-Date-Timestamp: {}\nEvent-Calling-File: ", unix_us);
        fax::esl::switch_url_encode_append(out, site.file);
        out += "\nEvent-Calling-Function: ";
        fax::esl::switch_url_encode_append(out, site.function);
        fmt::format_to(std::back_inserter(out), "\nEvent-Calling-Line-Number: {}\nEvent-Sequence: {}\n", site.line,
                       sequence);
        if (!subclass.empty()) {
            out += "Event-Subclass: ";
            fax::esl::switch_url_encode_append(out, subclass);
            out.push_back('\n');
        }
    }

    /// True when append() renders exactly what \a ref (fresh) does.
    static bool agrees_with(fax::esl::EventStamper& ref) {
        const std::int64_t t = 1795441638080905;
        ref.set_clock([t] { return t; });
        StandardHeaders mine(ref.identity());
        for (const auto& [name, sub] : {std::pair<std::string_view, std::string_view>{"CHANNEL_EXECUTE", ""},
                                        {"CUSTOM", "spandsp::rxfaxresult"}}) {
            std::string a;
            std::string b;
            append_headers(a, ref.create(name, k_execute, sub).headers());
            mine.append(b, name, k_execute, sub, t, ref.sequence());
            if (a != b) {
                std::fprintf(stderr, "recv_load: standard headers differ:\n%s---\n%s", a.c_str(), b.c_str());
                return false;
            }
        }
        return true;
    }

private:
    std::string m_constant;
    std::string m_dates;
    std::int64_t m_second = -1;
};

class Driver;

struct Exec {
    std::string app;
    std::string arg;
    std::string event_uuid;
    bool hangup = false;
};

/// One outbound-socket connection and its channel.
class Call : public std::enable_shared_from_this<Call> {
public:
    Call(Driver& d, long index);
    void start();
    /// The caller hangs up (the end of the run, or uuid_kill).
    void hangup(std::string_view cause);
    bool open() const noexcept { return m_open; }
    bool finished() const noexcept { return m_closed; }

private:
    void read();
    void command(const fax::esl::Command& c);
    void connect_reply();
    void sendmsg(const fax::esl::Command& c);
    void api(std::string_view text);
    void run_next();
    void complete(const Exec& e);
    void answer();
    void reply(std::string_view text) { send(fmt::format("Content-Type: command/reply\nReply-Text: {}\n\n", text)); }
    bool wants(std::string_view name, std::string_view subclass) const;
    void emit(std::string_view name, fax::esl::CallSite site, const HeaderList& before = {}, const HeaderList& after = {},
              std::string_view subclass = {});
    void send(std::string bytes);
    void flush();
    void goodbye_and_close();
    void close_socket();
    void peer_closed();

    Driver& m_d;
    long m_index;
    asio::ip::tcp::socket m_sock;
    asio::steady_timer m_timer;
    std::optional<fax::fax::Channel> m_ch;
    /// The rendered channel headers and variable_* headers are reused while
    /// their version stays the same: bump it on every change.
    struct Block {
        unsigned version = 1;
        unsigned rendered = 0;
        std::string text;
    };
    Block m_headers_block;
    Block m_vars_block;
    /// For a change of state (bumps both, as the variables may change too).
    fax::fax::Channel& change() {
        ++m_headers_block.version;
        ++m_vars_block.version;
        return *m_ch;
    }
    /// For a change of variables only.
    fax::fax::Channel& vars() {
        ++m_vars_block.version;
        return *m_ch;
    }
    fax::esl::CommandParser m_parser;
    std::array<char, 4096> m_buf{};
    std::string m_outbox;
    std::string m_writing;
    bool m_writing_now = false;
    bool m_closing = false;  ///< close once the outbox is written
    bool m_connected = false;
    bool m_closed = false;
    bool m_open = false;     ///< sitting in rxfax
    bool m_hung_up = false;
    bool m_myevents = false;
    bool m_all = false;
    std::vector<std::string> m_names;
    std::vector<std::string> m_subclasses;
    std::optional<int> m_linger;
    std::deque<Exec> m_queue;
    bool m_app_running = false;
    std::optional<Exec> m_rx;
    Clock::time_point m_t0;
    Clock::time_point m_hangup_at;
};

class Driver {
public:
    explicit Driver(Options o) : opt(std::move(o)), signals(io, SIGINT, SIGTERM, SIGUSR1), tick(io) {}

    Options opt;
    asio::io_context io{1};
    asio::ip::tcp::endpoint target;
    fax::esl::EventStamper stamper;  ///< the identity (Core-UUID, host) and the reference
    StandardHeaders standard{stamper.identity()};
    std::uint64_t sequence = 0;  ///< Event-Sequence
    asio::signal_set signals;
    asio::steady_timer tick;
    std::string scratch;  ///< one event being rendered

    // Counters of the current phase.
    long target_calls = 0;  ///< started calls the phase ends at
    long started = 0;
    long setups = 0;        ///< setups done (all phases)
    long phase_setups = 0;
    long phase_failed = 0;
    bool measuring = false;
    Clock::time_point phase_start;
    std::vector<double> latencies_ms;
    std::vector<std::shared_ptr<Call>> calls;

    // Errors, by kind.
    long err_connect = 0;
    long err_early_close = 0;   ///< fax-recv closed before rxfax
    long err_open_close = 0;    ///< fax-recv closed an open call before our hangup
    long err_refused = 0;       ///< -ERR replies we sent (unknown commands)
    long err_rejected = 0;      ///< hung up by fax-recv before rxfax (respond, hangup)
    long err_setup_timeout = 0; ///< no rxfax within setup_timeout
    long err_no_close = 0;      ///< no close within close_timeout after our hangup
    long hangups_sent = 0;
    long closed_after_hangup = 0;
    std::vector<double> close_ms;
    Clock::time_point hangup_start;
    Clock::time_point last_close;

    int run();
    void setup_done(Clock::time_point t0, bool ok);
    void call_closed_after_hangup(Clock::time_point hung_up_at);
    void launch_more();

private:
    enum class Phase { preopen, measured, hold, hangup, done };
    Phase phase = Phase::preopen;
    std::optional<ProcSample> proc_before;
    double own_before = 0;
    void begin_phase(Phase p);
    void end_phase();
    void arm_rate_tick();
    void hangup_all();
    void finish();
    void print_proc(std::string_view label);
};

Call::Call(Driver& d, long index) : m_d(d), m_index(index), m_sock(d.io), m_timer(d.io) {}

void Call::start() {
    m_t0 = Clock::now();
    auto self = shared_from_this();
    // FreeSWITCH gives up on a socket app that does not take the call.
    m_timer.expires_after(std::chrono::milliseconds(static_cast<long>(m_d.opt.setup_timeout * 1000)));
    m_timer.async_wait([self](const error_code& ec) {
        if (ec || self->m_closed || self->m_open || self->m_hung_up) {
            return;
        }
        ++self->m_d.err_setup_timeout;
        self->close_socket();
        self->m_d.setup_done(self->m_t0, false);
    });
    m_sock.async_connect(m_d.target, [self](const error_code& ec) {
        if (ec) {
            ++self->m_d.err_connect;
            if (self->m_d.err_connect <= 3) {
                std::fprintf(stderr, "recv_load: connect: %s\n", ec.message().c_str());
            }
            self->close_socket();
            self->m_d.setup_done(self->m_t0, false);
            return;
        }
        error_code ignore;
        self->m_sock.set_option(asio::ip::tcp::no_delay(true), ignore);
        self->read();
    });
}

void Call::read() {
    auto self = shared_from_this();
    m_sock.async_read_some(asio::buffer(m_buf), [self](const error_code& ec, std::size_t n) {
        if (self->m_closed) {
            return;
        }
        if (n > 0) {
            self->m_parser.feed(std::string_view(self->m_buf.data(), n));
            fax::esl::Command cmd;
            while (!self->m_closed) {
                auto got = self->m_parser.next(cmd);
                if (!got || !*got) {
                    break;
                }
                self->command(cmd);
            }
        }
        if (ec) {
            self->peer_closed();
            return;
        }
        self->read();
    });
}

void Call::peer_closed() {
    if (m_closed) {
        return;
    }
    close_socket();
    if (m_hung_up) {
        m_d.call_closed_after_hangup(m_hangup_at);
    } else if (m_open) {
        ++m_d.err_open_close;
    } else {
        ++m_d.err_early_close;
        m_d.setup_done(m_t0, false);
    }
}

void Call::close_socket() {
    if (m_closed) {
        return;
    }
    m_closed = true;
    m_timer.cancel();
    error_code ec;
    m_sock.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    m_sock.close(ec);
}

void Call::send(std::string bytes) {
    if (m_closed) {
        return;
    }
    m_outbox += bytes;
    flush();
}

void Call::flush() {
    if (m_writing_now || m_outbox.empty() || m_closed) {
        return;
    }
    m_writing.swap(m_outbox);
    m_outbox.clear();
    m_writing_now = true;
    auto self = shared_from_this();
    asio::async_write(m_sock, asio::buffer(m_writing), [self](const error_code& ec, std::size_t) {
        self->m_writing_now = false;
        self->m_writing.clear();
        if (ec) {
            self->peer_closed();
            return;
        }
        self->flush();
        if (self->m_closing && !self->m_writing_now) {
            self->close_socket();
        }
    });
}

bool Call::wants(std::string_view name, std::string_view subclass) const {
    if (m_all) {
        return true;
    }
    if (name == "CUSTOM") {
        return std::find(m_subclasses.begin(), m_subclasses.end(), subclass) != m_subclasses.end();
    }
    if (m_myevents && in_myevents(name)) {
        return true;
    }
    return std::find(m_names.begin(), m_names.end(), name) != m_names.end();
}

// The event as FreeSWITCH serializes it (standard headers, \a before, the
// channel's headers, \a after). The channel part is rendered once per change
// of the channel and reused: it is most of every event.
void Call::emit(std::string_view name, fax::esl::CallSite site, const HeaderList& before, const HeaderList& after,
                std::string_view subclass) {
    if (!m_connected || m_closed || !wants(name, subclass)) {
        return;
    }
    // Channel::append_event_data(…, true) is the headers without variables,
    // then one variable_<name> per variable: rendered and cached in two parts.
    if (m_headers_block.rendered != m_headers_block.version) {
        HeaderList data;
        m_ch->append_event_data(data, false);
        m_headers_block.text.clear();
        append_headers(m_headers_block.text, data);
        m_headers_block.rendered = m_headers_block.version;
    }
    const bool with_vars = fax::fax::event_carries_variables(name);
    if (with_vars && m_vars_block.rendered != m_vars_block.version) {
        std::vector<fax::esl::Header> hs;
        std::vector<std::string> names;
        names.reserve(m_ch->variables().items().size());
        for (const auto& v : m_ch->variables().items()) {
            names.push_back("variable_" + v.name);
        }
        for (std::size_t i = 0; i < names.size(); ++i) {
            const auto& value = m_ch->variables().items()[i].value;
            if (!value.empty()) {
                hs.push_back(fax::esl::Header{names[i], value});
            }
        }
        m_vars_block.text.clear();
        append_headers(m_vars_block.text, hs);
        m_vars_block.rendered = m_vars_block.version;
    }
    std::string& inner = m_d.scratch;  // reused: no allocation per event
    inner.clear();
    m_d.standard.append(inner, name, site, subclass, now_us(), ++m_d.sequence);
    append_headers(inner, before);
    inner += m_headers_block.text;
    if (with_vars) {
        inner += m_vars_block.text;
    }
    append_headers(inner, after);
    inner.push_back('\n');
    fmt::format_to(std::back_inserter(m_outbox), "Content-Length: {}\nContent-Type: text/event-plain\n\n", inner.size());
    m_outbox += inner;
    flush();
}

void Call::connect_reply() {
    const std::string from = fmt::format("4930{:07d}", m_index % 10000000);
    const std::string to = "4930555000";
    fax::fax::CallerProfile p;
    p.direction = "inbound";
    p.logical_direction = "inbound";
    p.username = from;
    p.caller_id_name = from;
    p.caller_id_number = from;
    p.orig_caller_id_name = from;
    p.orig_caller_id_number = from;
    p.network_addr = "192.0.2.10";
    p.ani = from;
    p.destination_number = to;
    p.source = "mod_sofia";
    p.context = "public";
    p.created_us = p.profile_created_us = now_us();
    const std::string uuid = fax::core::random_uuid();
    m_ch.emplace(uuid, fmt::format("sofia/external/{}@192.0.2.10", from), p);
    auto& ch = *m_ch;
    ch.set_variable("direction", "inbound");
    ch.set_variable("uuid", uuid);
    ch.set_variable("session_id", std::to_string(m_index + 1));
    ch.set_variable("sip_from_user", from);
    ch.set_variable("sip_to_user", to);
    ch.set_variable("sip_req_user", to);
    ch.set_variable("sip_gateway", "gw1");
    ch.set_variable("sip_gateway_name", "gw1");
    ch.set_variable("call_uuid", uuid);
    ch.set_variable("socket_host", "127.0.0.1");
    ch.set_variable("current_application_data", m_d.opt.socket + " async full");
    ch.set_variable("current_application", "socket");
    ch.set_state(fax::fax::ChannelState::cs_execute);
    ch.set_call_state(fax::fax::CallState::ringing);
    HeaderList data;
    ch.append_channel_data(data);
    std::string out;
    m_d.standard.append(out, "CHANNEL_DATA", k_channel_data, {}, now_us(), ++m_d.sequence);
    append_headers(out, data);  // the blank line comes after the reply headers
    out += "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n";
    send(std::move(out));
}

void Call::command(const fax::esl::Command& c) {
    std::string_view line = std::string_view(c.block).substr(0, c.block.find('\n'));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
        line.remove_suffix(1);
    }
    std::vector<std::string_view> w;
    for (std::size_t pos = 0; pos < line.size();) {
        const auto sp = line.find(' ', pos);
        const auto end = sp == std::string_view::npos ? line.size() : sp;
        if (end > pos) {
            w.push_back(line.substr(pos, end - pos));
        }
        pos = end + 1;
    }
    const std::string_view verb = w.empty() ? std::string_view() : w[0];
    if (!m_connected) {
        if (verb == "connect") {
            connect_reply();
            m_connected = true;
        }
        return;
    }
    if (verb == "myevents") {
        m_myevents = true;
        reply("+OK Events Enabled");
    } else if (verb == "event") {
        bool custom = false;
        for (std::size_t i = 1; i < w.size(); ++i) {
            if (i == 1 && (w[i] == "plain" || w[i] == "json" || w[i] == "xml")) {
                continue;
            }
            if (custom) {
                m_subclasses.emplace_back(w[i]);
            } else if (w[i] == "CUSTOM") {
                custom = true;
            } else if (w[i] == "ALL") {
                m_all = true;
            } else {
                m_names.emplace_back(w[i]);
            }
        }
        reply("+OK event listener enabled plain");
    } else if (verb == "linger") {
        m_linger = w.size() > 1 ? std::atoi(std::string(w[1]).c_str()) : -1;
        reply(w.size() > 1 ? fmt::format("+OK will linger {} seconds", *m_linger) : std::string("+OK will linger"));
    } else if (verb == "nolinger") {
        m_linger.reset();
        reply("+OK will not linger");
    } else if (verb == "filter") {
        reply(w.size() >= 3 ? fmt::format("+OK filter added. [{}]=[{}]", w[1], w[2]) : std::string("+OK filter added."));
    } else if (verb == "sendmsg") {
        sendmsg(c);
    } else if (verb == "api") {
        api(line.substr(std::min(line.size(), std::size_t{4})));
    } else if (verb == "exit") {
        reply("+OK bye");
        goodbye_and_close();
    } else {
        ++m_d.err_refused;
        reply("-ERR command not found");
    }
}

void Call::api(std::string_view text) {
    auto respond = [&](std::string_view body) {
        send(fmt::format("Content-Type: api/response\nContent-Length: {}\n\n{}", body.size(), body));
    };
    if (text.rfind("uuid_kill ", 0) == 0) {
        respond("+OK\n");
        hangup("NORMAL_CLEARING");
    } else if (text.rfind("db ", 0) == 0) {
        respond("false");
    } else {
        ++m_d.err_refused;
        respond(fmt::format("-ERR {} Command not found!\n", text.substr(0, text.find(' '))));
    }
}

void Call::sendmsg(const fax::esl::Command& c) {
    const std::string_view cc = c.header("call-command").value_or("");
    Exec e;
    if (cc == "execute") {
        e.app = std::string(c.header("execute-app-name").value_or(""));
        e.arg = std::string(c.header("execute-app-arg").value_or(""));
        if (e.arg.empty() && c.body) {
            e.arg = *c.body;
        }
        e.event_uuid = std::string(c.header("Event-UUID").value_or(""));
        if (e.event_uuid.empty()) {
            e.event_uuid = fax::core::random_uuid();
        }
    } else if (cc == "hangup") {
        e.hangup = true;
    } else {
        reply("+OK");
        return;
    }
    const bool rx = e.app == "rxfax" && !m_hung_up;
    reply("+OK");
    if (m_hung_up) {
        return;  // a hung-up channel runs nothing more
    }
    m_queue.push_back(std::move(e));
    run_next();
    if (rx) {
        m_timer.cancel();
        m_d.setup_done(m_t0, true);  // the setup ends when rxfax arrives
    }
}

void Call::run_next() {
    if (m_app_running || m_queue.empty() || m_hung_up) {
        return;
    }
    Exec e = std::move(m_queue.front());
    m_queue.pop_front();
    if (e.hangup) {
        hangup("NORMAL_CLEARING");
        return;
    }
    m_app_running = true;
    vars().set_variable("current_application_data", e.arg);
    vars().set_variable("current_application", e.app);
    emit("CHANNEL_EXECUTE", k_execute, {},
         {{"Application", e.app}, {"Application-Data", e.arg}, {"Application-UUID", e.event_uuid}});
    if (e.app == "answer" || e.app == "pre_answer") {
        answer();
    } else if (e.app == "set") {
        const auto eq = e.arg.find('=');
        if (eq != std::string::npos) {
            vars().set_variable(std::string_view(e.arg).substr(0, eq), std::string_view(e.arg).substr(eq + 1));
        }
    } else if (e.app == "rxfax") {
        answer();
        vars().set_variable("fax_filename", e.arg);
        m_rx = std::move(e);
        m_open = true;
        return;  // held until the hangup
    } else if (e.app == "hangup") {
        complete(e);
        hangup(e.arg.empty() ? std::string_view("NORMAL_CLEARING") : std::string_view(e.arg));
        return;
    }
    complete(e);
}

void Call::complete(const Exec& e) {
    m_app_running = false;
    emit("CHANNEL_EXECUTE_COMPLETE", k_execute_complete, {},
         {{"Application", e.app},
          {"Application-Data", e.arg},
          {"Application-Response", "_none_"},
          {"Application-UUID", e.event_uuid}});
    run_next();
}

void Call::answer() {
    if (m_ch->profile().answered_us != 0) {
        return;
    }
    change().answer(now_us());
    emit("CHANNEL_ANSWER", k_answer);
    change().set_call_state(fax::fax::CallState::active);
}

void Call::hangup(std::string_view cause) {
    if (m_hung_up || m_closed || !m_connected) {
        return;
    }
    m_hung_up = true;
    m_hangup_at = Clock::now();
    ++m_d.hangups_sent;
    if (!m_open) {
        // fax-recv hung up (or rejected) the call before rxfax: a failed setup.
        ++m_d.err_rejected;
        m_d.setup_done(m_t0, false);
    }
    auto& ch = *m_ch;  // each change below is followed by change()
    const std::string c(cause);
    if (m_linger) {
        send(fmt::format("Content-Type: text/disconnect-notice\nControlled-Session-UUID: {}\n"
                         "Content-Disposition: linger\nChannel-Name: {}\nLinger-Time: {}\nContent-Length: 0\n\n",
                         ch.uuid(), ch.name(), *m_linger));
    }
    ch.hangup(c, now_us());
    ch.set_state(fax::fax::ChannelState::cs_hangup);
    change();
    emit("CHANNEL_HANGUP", k_hangup, {{"Hangup-Cause", c}});
    if (m_rx) {
        // mod_spandsp's phase E on a dropped call; rxfax returns.
        fax::fax::FaxResult r;
        r.role = fax::fax::Role::receive;
        r.success = false;
        r.result_code = 49;
        r.result_text = "The call dropped prematurely";
        r.local_station_id = std::string(ch.variable("fax_ident").value_or(""));
        const fax::fax::FaxEvent ev = r;
        fax::fax::set_fax_variables(ch, ev);
        change();
        HeaderList extra;
        fax::fax::append_spandsp_headers(extra, ev, ch.uuid());
        const auto site = fax::fax::spandsp_call_site(ev);
        emit("CUSTOM", fax::esl::CallSite{"mod_spandsp_fax.c", site.function, site.line}, {}, extra,
             fax::fax::event_subclass(ev));
        const Exec e = std::move(*m_rx);
        m_rx.reset();
        emit("CHANNEL_EXECUTE_COMPLETE", k_execute_complete, {},
             {{"Application", e.app},
              {"Application-Data", e.arg},
              {"Application-Response", "_none_"},
              {"Application-UUID", e.event_uuid}});
    }
    m_queue.clear();
    const auto& p = ch.profile();
    ch.set_variable("hangup_cause", c);
    ch.set_variable("hangup_cause_q850", "16");
    ch.set_variable("duration", std::to_string((p.hangup_us - p.created_us) / 1000000));
    ch.set_variable("billsec", std::to_string(p.answered_us > 0 ? (p.hangup_us - p.answered_us) / 1000000 : 0));
    ch.set_state(fax::fax::ChannelState::cs_reporting);
    change();
    emit("CHANNEL_HANGUP_COMPLETE", k_hangup_complete, {{"Hangup-Cause", c}});
    auto self = shared_from_this();
    if (!m_linger) {
        goodbye_and_close();
        m_d.call_closed_after_hangup(m_hangup_at);
        return;
    }
    // Lingering (fax-recv asks for "until we close"): wait for fax-recv to close.
    const auto wait = *m_linger >= 0 ? std::chrono::milliseconds(*m_linger * 1000)
                                     : std::chrono::milliseconds(static_cast<long>(m_d.opt.close_timeout * 1000));
    m_timer.expires_after(wait);
    m_timer.async_wait([self](const error_code& ec) {
        if (ec || self->m_closed) {
            return;
        }
        if (!self->m_linger || *self->m_linger < 0) {
            ++self->m_d.err_no_close;
        }
        self->goodbye_and_close();
        self->m_d.call_closed_after_hangup(self->m_hangup_at);
    });
}

void Call::goodbye_and_close() {
    if (m_closed) {
        return;
    }
    send(fmt::format("Content-Type: text/disconnect-notice\nControlled-Session-UUID: {}\n"
                     "Content-Disposition: disconnect\nContent-Length: {}\n\n{}",
                     m_ch ? m_ch->uuid() : std::string(), k_goodbye.size(), k_goodbye));
    // FreeSWITCH closes right after the goodbye: close once it is written.
    m_closing = true;
    if (!m_writing_now && m_outbox.empty()) {
        close_socket();
    }
}

void Driver::setup_done(Clock::time_point t0, bool ok) {
    if (ok) {
        ++setups;
        ++phase_setups;
        if (measuring) {
            latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
    } else {
        ++phase_failed;
    }
    if (phase_setups + phase_failed >= target_calls && started >= target_calls &&
        (phase == Phase::preopen || phase == Phase::measured)) {
        end_phase();
        return;
    }
    launch_more();
}

void Driver::call_closed_after_hangup(Clock::time_point hung_up_at) {
    ++closed_after_hangup;
    last_close = Clock::now();
    close_ms.push_back(std::chrono::duration<double, std::milli>(last_close - hung_up_at).count());
    if (phase == Phase::hangup && closed_after_hangup >= hangups_sent) {
        finish();
    }
}

void Driver::launch_more() {
    if (phase != Phase::preopen && phase != Phase::measured) {
        return;
    }
    if (opt.rate > 0 && phase == Phase::measured) {
        return;  // the rate tick starts calls
    }
    while (started < target_calls && started - (phase_setups + phase_failed) < opt.concurrency) {
        auto c = std::make_shared<Call>(*this, static_cast<long>(calls.size()));
        calls.push_back(c);
        ++started;
        c->start();
    }
}

void Driver::arm_rate_tick() {
    tick.expires_after(std::chrono::milliseconds(1));
    tick.async_wait([this](const error_code& ec) {
        if (ec || phase != Phase::measured) {
            return;
        }
        const double secs = std::chrono::duration<double>(Clock::now() - phase_start).count();
        const long due = std::min(target_calls, static_cast<long>(secs * opt.rate) + 1);
        while (started < due && started - (phase_setups + phase_failed) < opt.concurrency) {
            auto c = std::make_shared<Call>(*this, static_cast<long>(calls.size()));
            calls.push_back(c);
            ++started;
            c->start();
        }
        if (started < target_calls) {
            arm_rate_tick();
        }
    });
}

void Driver::print_proc(std::string_view label) {
    if (auto s = sample_proc(opt.pid)) {
        std::printf("%.*s_rss_kb: %ld\n%.*s_fds: %ld\n%.*s_threads: %ld\n", static_cast<int>(label.size()), label.data(),
                    s->rss_kb, static_cast<int>(label.size()), label.data(), s->fds, static_cast<int>(label.size()),
                    label.data(), s->threads);
    }
}

void Driver::begin_phase(Phase p) {
    phase = p;
    phase_start = Clock::now();
    proc_before = sample_proc(opt.pid);
    own_before = own_cpu_s();
    phase_setups = 0;
    phase_failed = 0;
    started = 0;
    if (p == Phase::preopen) {
        target_calls = opt.preopen;
        measuring = false;
        if (target_calls == 0) {
            end_phase();
            return;
        }
        launch_more();
    } else if (p == Phase::measured) {
        target_calls = opt.calls;
        measuring = true;
        if (target_calls == 0) {
            end_phase();
            return;
        }
        if (opt.rate > 0) {
            arm_rate_tick();
        } else {
            launch_more();
        }
    }
}

void Driver::end_phase() {
    const double secs = std::chrono::duration<double>(Clock::now() - phase_start).count();
    const auto after = sample_proc(opt.pid);
    const double own = own_cpu_s() - own_before;
    if (phase == Phase::preopen) {
        std::printf("preopen_calls: %ld\npreopen_failed: %ld\npreopen_s: %.3f\n", phase_setups, phase_failed, secs);
        print_proc("preopen");
        std::fflush(stdout);
        begin_phase(Phase::measured);
        return;
    }
    if (phase == Phase::measured) {
        std::sort(latencies_ms.begin(), latencies_ms.end());
        auto pct = [&](double q) {
            if (latencies_ms.empty()) {
                return 0.0;
            }
            const auto i = static_cast<std::size_t>(q * static_cast<double>(latencies_ms.size() - 1));
            return latencies_ms[i];
        };
        std::printf("measured_calls: %ld\nmeasured_failed: %ld\nmeasured_s: %.3f\nsetups_per_s: %.0f\n", phase_setups,
                    phase_failed, secs, static_cast<double>(phase_setups) / secs);
        std::printf("latency_ms_p50: %.2f\nlatency_ms_p90: %.2f\nlatency_ms_p99: %.2f\nlatency_ms_max: %.2f\n", pct(0.5),
                    pct(0.9), pct(0.99), pct(1.0));
        std::printf("driver_cpu_us_per_setup: %.1f\n", phase_setups > 0 ? own * 1e6 / static_cast<double>(phase_setups) : 0);
        if (proc_before && after) {
            std::printf("recv_cpu_s: %.2f\nrecv_cpu_us_per_setup: %.1f\n", after->cpu_s - proc_before->cpu_s,
                        phase_setups > 0 ? (after->cpu_s - proc_before->cpu_s) * 1e6 / static_cast<double>(phase_setups) : 0);
        }
        long open = 0;
        for (const auto& c : calls) {
            open += c->open() && !c->finished() ? 1 : 0;
        }
        std::printf("open_calls: %ld\n", open);
        print_proc("open");
        std::fflush(stdout);
        phase = Phase::hold;
        if (opt.hold < 0) {
            std::fprintf(stderr, "recv_load: %ld calls open; SIGUSR1/SIGINT/SIGTERM hangs them up\n", open);
        } else {
            tick.expires_after(std::chrono::milliseconds(static_cast<long>(opt.hold * 1000)));
            tick.async_wait([this](const error_code& ec) {
                if (!ec) {
                    hangup_all();
                }
            });
        }
    }
}

void Driver::hangup_all() {
    phase = Phase::hangup;
    phase_start = Clock::now();
    proc_before = sample_proc(opt.pid);
    hangup_start = phase_start;
    for (const auto& c : calls) {
        if (c->open() && !c->finished()) {
            c->hangup("NORMAL_CLEARING");
        }
    }
    if (closed_after_hangup >= hangups_sent) {
        finish();
    }
}

void Driver::finish() {
    if (phase == Phase::done) {
        return;
    }
    phase = Phase::done;
    const double secs = std::chrono::duration<double>(last_close - hangup_start).count();
    std::sort(close_ms.begin(), close_ms.end());
    std::printf("hangups: %ld\nclosed_by_recv: %ld\nteardown_s: %.3f\nteardowns_per_s: %.0f\n", hangups_sent,
                closed_after_hangup - err_no_close, secs,
                secs > 0 ? static_cast<double>(closed_after_hangup) / secs : 0.0);
    if (!close_ms.empty()) {
        std::printf("close_ms_p50: %.2f\nclose_ms_max: %.2f\n", close_ms[close_ms.size() / 2], close_ms.back());
    }
    if (const auto after = sample_proc(opt.pid); after && proc_before) {
        std::printf("teardown_recv_cpu_us_per_call: %.1f\n",
                    hangups_sent > 0 ? (after->cpu_s - proc_before->cpu_s) * 1e6 / static_cast<double>(hangups_sent) : 0);
    }
    const long errors = err_connect + err_early_close + err_open_close + err_refused + err_no_close + err_rejected + err_setup_timeout;
    std::printf("err_connect: %ld\nerr_early_close: %ld\nerr_open_close: %ld\nerr_refused: %ld\nerr_no_close: %ld\n"
                "err_rejected: %ld\nerr_setup_timeout: %ld\nerrors: %ld\n",
                err_connect, err_early_close, err_open_close, err_refused, err_no_close, err_rejected, err_setup_timeout,
                errors);
    std::fflush(stdout);
    // Let the last goodbyes go out, then stop.
    tick.expires_after(std::chrono::milliseconds(100));
    tick.async_wait([this](const error_code&) { io.stop(); });
}

int Driver::run() {
    std::string host = opt.socket;
    std::string port;
    if (!opt.port_file.empty()) {
        std::ifstream in(opt.port_file);
        in >> port;
        const auto colon = host.rfind(':');
        host = colon == std::string::npos ? host : host.substr(0, colon);
    } else {
        const auto colon = host.rfind(':');
        if (colon == std::string::npos) {
            std::fprintf(stderr, "recv_load: --socket HOST:PORT\n");
            return 64;
        }
        port = host.substr(colon + 1);
        host = host.substr(0, colon);
    }
    error_code ec;
    asio::ip::tcp::resolver resolver(io);
    auto eps = resolver.resolve(host, port, ec);
    if (ec || eps.empty()) {
        std::fprintf(stderr, "recv_load: cannot resolve %s:%s: %s\n", host.c_str(), port.c_str(), ec.message().c_str());
        return 69;
    }
    target = *eps.begin();
    // A signal while the calls are held hangs them up; earlier, it aborts.
    signals.async_wait([this](const error_code& e, int) {
        if (e) {
            return;
        }
        if (phase == Phase::hold) {
            tick.cancel();
            hangup_all();
        } else if (phase != Phase::hangup && phase != Phase::done) {
            std::fprintf(stderr, "recv_load: interrupted during the setups\n");
            io.stop();
        }
    });
    begin_phase(Phase::preopen);
    io.run();
    const long errors = err_connect + err_early_close + err_open_close + err_refused + err_no_close + err_rejected + err_setup_timeout;
    return errors == 0 && phase == Phase::done ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app("Outbound-socket load driver for fax-recv: opens calls up to rxfax, holds them, hangs them up");
    app.add_option("--socket", o.socket, "fax-recv's address (HOST:PORT)");
    app.add_option("--port-file", o.port_file, "Read the port from FILE (fax-recv --port-file)");
    app.add_option("--calls", o.calls, "Calls whose setup is measured");
    app.add_option("--preopen", o.preopen, "Calls opened (and kept open) before the measured ones");
    app.add_option("--concurrency", o.concurrency, "Setups in progress at once");
    app.add_option("--rate", o.rate, "Start the measured calls at this many per second (0: as fast as --concurrency allows)");
    app.add_option("--hold", o.hold, "Seconds to keep the calls open before hanging up (< 0: until SIGUSR1/SIGINT/SIGTERM)");
    app.add_option("--close-timeout", o.close_timeout, "Seconds fax-recv has to close a call after its hangup");
    app.add_option("--setup-timeout", o.setup_timeout, "Seconds from the connect to rxfax before a call is given up");
    app.add_option("--pid", o.pid, "fax-recv's pid: report its CPU time, RSS and descriptors");
    CLI11_PARSE(app, argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    if (auto r = fax::core::raise_fd_limit(); !r) {
        std::fprintf(stderr, "recv_load: %s\n", r.error().message.c_str());
    }
    {
        fax::esl::EventStamper reference;
        if (!StandardHeaders::agrees_with(reference)) {
            return 70;
        }
    }
    Driver d(o);
    return d.run();
}
