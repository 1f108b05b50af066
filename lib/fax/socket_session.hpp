#pragma once
/// Private to lib/fax: one outbound-socket session as FreeSWITCH's
/// `socket host:port async full` runs it (socket_call.cpp: connection,
/// commands, executes; socket_fax.cpp: rxfax/txfax and their events).

#include <array>
#include <deque>
#include <filesystem>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "core/loop_asio.hpp"
#include "core/uuid.hpp"
#include "esl/command_parser.hpp"
#include "esl/hangup_cause.hpp"
#include "esl/originate.hpp"
#include "esl/serializer.hpp"
#include "esl/url.hpp"
#include "fax/spandsp_events.hpp"
#include "fax/switch_impl.hpp"

namespace fax::fax::detail {

namespace asio = boost::asio;
using boost::system::error_code;

inline constexpr std::string_view k_goodbye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
inline constexpr esl::CallSite k_execute{"switch_core_session.c", "switch_core_session_exec", 2944};
inline constexpr esl::CallSite k_execute_complete{"switch_core_session.c", "switch_core_session_exec", 2967};
inline constexpr esl::CallSite k_answer{"switch_channel.c", "switch_channel_perform_mark_answered", 3846};
inline constexpr esl::CallSite k_hangup{"switch_channel.c", "switch_channel_perform_hangup", 3445};
inline constexpr esl::CallSite k_create{"switch_core_state_machine.c", "switch_core_session_run", 626};
inline constexpr int k_fast_blocks = 50;

// The channel events `myevents` subscribes to (mod_event_socket), CUSTOM excluded.
inline bool in_myevents(std::string_view name) {
    static constexpr std::string_view k_names[] = {
        "CHANNEL_ANSWER",  "CHANNEL_APPLICATION", "CHANNEL_BRIDGE",  "CHANNEL_CREATE",   "CHANNEL_DATA",
        "CHANNEL_DESTROY", "CHANNEL_EXECUTE",     "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HANGUP",
        "CHANNEL_HANGUP_COMPLETE", "CHANNEL_ORIGINATE", "CHANNEL_UUID", "CHANNEL_OUTGOING", "CHANNEL_PARK",
        "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_STATE", "CHANNEL_UNBRIDGE", "CHANNEL_UNPARK",
        "DETECTED_SPEECH", "DTMF", "NOTALK", "TALK"};
    return std::find(std::begin(k_names), std::end(k_names), name) != std::end(k_names);
}

struct Exec {
    std::string app;
    std::string arg;
    std::string event_uuid;
    bool hangup = false;  ///< call-command: hangup
    std::string cause;
};

struct Session : std::enable_shared_from_this<Session> {
    Session(std::shared_ptr<Switch::Impl> s, IncomingCallOptions o)
        : sw(std::move(s)), opts(std::move(o)), socket(sw->loop.impl().io), timer(sw->loop.impl().io) {}

    std::shared_ptr<Switch::Impl> sw;
    IncomingCallOptions opts;
    asio::ip::tcp::socket socket;
    asio::steady_timer timer;
    std::shared_ptr<Call> call;
    esl::CommandParser parser;
    std::array<char, 16384> buf{};
    std::string outbox;
    std::string writing;
    bool writing_now = false;
    bool connected = false;  ///< `connect` answered
    bool closed = false;
    bool myevents = false;
    bool all_events = false;
    std::vector<std::string> event_names;
    std::vector<std::string> subclasses;
    esl::EventFormat format = esl::EventFormat::plain;
    std::optional<int> linger;  ///< seconds; -1 = until we are closed
    bool lingering = false;
    std::deque<Exec> queue;
    bool app_running = false;
    IncomingCallResult result;
    std::function<void(core::Result<IncomingCallResult>)> done;
    void finish(core::Result<IncomingCallResult> r);

    void send(std::string bytes);
    void flush();

    void close_socket();

    // After the last bytes are written, close (FreeSWITCH closes after the goodbye).
    void send_goodbye_and_close();
    void close_when_flushed();

    void reply(std::string_view text) { send(fmt::format("Content-Type: command/reply\nReply-Text: {}\n\n", text)); }

    bool wants(const esl::EventData& e) const;
    void deliver(const esl::EventData& e);

    void start();

    std::shared_ptr<Call> adopted;  ///< an originated leg running &socket(…)

    // An originated leg runs the socket app: the server controls that channel.
    void adopt_channel();
    void create_channel();

    void read();
    static std::string first_line(const esl::Command& c);

    static std::vector<std::string> words(std::string_view s);
    void command(const esl::Command& c);

    void api(bool background, std::string text);
    void sendmsg(const esl::Command& c);

    void run_next();
    void answer();

    void complete(const Exec& e, std::string_view response);
    void rxfax(const Exec& e);

    std::optional<Exec> current_rx;
    bool we_send = false;  ///< txfax under socket control: our channel is the sender

    void txfax(const Exec& e);
    void fax_event(Side side, const FaxEvent& ev);

    void remote_hangup_later();
    void step();

    // After CHANNEL_HANGUP_COMPLETE: linger or say goodbye, then close.
    void ended();
};

}  // namespace fax::fax::detail
