#pragma once
/// Private to lib/fax: the switch's state shared by switch.cpp (api,
/// events) and outbound_call.cpp (originate and txfax).

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/loop.hpp"
#include "esl/event_data.hpp"
#include "esl/inbound_server.hpp"
#include "fax/channel.hpp"
#include "fax/exchange.hpp"
#include "fax/incoming_call.hpp"
#include "fax/switch.hpp"
#include "store/fs_db.hpp"

namespace fax::fax {

struct Call;

struct Switch::Impl : std::enable_shared_from_this<Switch::Impl> {
    Impl(core::Loop& l, SwitchConfig c);

    core::Loop& loop;
    SwitchConfig config;
    esl::InboundServer server;
    std::optional<store::FsDb> db;
    std::map<std::string, std::shared_ptr<Call>, std::less<>> calls;  ///< by channel uuid
    std::uint64_t sessions_since_start = 0;
    std::size_t peak_sessions = 0;
    std::int64_t started_us = 0;

    /// Fires \a name for \a ch: standard headers, \a before, the channel's
    /// event data (with variables when FreeSWITCH adds them), \a after.
    void emit(const Channel& ch, std::string_view name, esl::CallSite site, const HeaderList& before = {},
              const HeaderList& after = {}, std::string_view subclass = {});

    void dispatch_api(const esl::InboundServer::ApiCall& call, esl::InboundServer::ApiDone done);
    void originate(const std::string& args, esl::InboundServer::ApiDone done);
    /// An originated leg runs `&socket(host:port async full)`: the server at
    /// \a options.host/port controls \a call from now on.
    void attach_socket(const std::shared_ptr<Call>& call, IncomingCallOptions options);
    /// Places an incoming call to an outbound-socket server.
    void incoming_call(IncomingCallOptions options, std::function<void(core::Result<IncomingCallResult>)> done);
    std::string kill(std::string_view uuid, std::string_view cause);
};

/// One outbound channel placed by `originate`, running its application.
struct Call : std::enable_shared_from_this<Call> {
    Call(std::weak_ptr<Switch::Impl> owner, Channel channel) : sw(std::move(owner)), ch(std::move(channel)) {}

    std::weak_ptr<Switch::Impl> sw;
    Channel ch;
    std::string app;            ///< "txfax", "park"
    std::string app_arg;
    std::optional<Exchange> fax;
    /// A far end that re-INVITEs to T.38 after the sender's first
    /// negotiation ("late"): the exchange to continue with over T.38.
    std::optional<ExchangeConfig> t38_switch;
    bool switch_now = false;  ///< the audio exchange has negotiated: its later events are dropped, T.38 follows
    std::optional<FaxResult> held_result;  ///< txfax that never ends: phase E kept until a kill
    bool hold_phase_e = false;
    bool finished = false;
    core::Loop::TimerId timer = 0;
    /// Events of this channel also go here (the controlling outbound socket).
    std::function<void(const esl::EventData&)> sink;
    /// Called once the call has ended (after CHANNEL_HANGUP_COMPLETE).
    std::function<void()> on_finished;
};

/// Microseconds since the Unix epoch.
std::int64_t now_us();

/// Ends \a call: CHANNEL_HANGUP (unless hung up already), the txfax
/// EXECUTE_COMPLETE, CHANNEL_HANGUP_COMPLETE, CHANNEL_DESTROY; forgets it.
void finish_call(Switch::Impl& sw, const std::shared_ptr<Call>& call, std::string_view cause);

/// Hangs \a call up with \a cause: a running fax ends (phase E), then
/// CHANNEL_HANGUP … CHANNEL_DESTROY are fired and the call is forgotten.
void hangup_call(Switch::Impl& sw, const std::shared_ptr<Call>& call, std::string_view cause);

}  // namespace fax::fax
