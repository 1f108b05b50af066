#pragma once
/// fax-sim's switch: what FreeSWITCH 1.10 + mod_spandsp look like from the
/// Event Socket. It serves inbound ESL (esl::InboundServer), answers the api
/// commands fax tools use, and runs calls whose faxes are real spandsp
/// exchanges (fax::Exchange) against the world described by a Scenario.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "esl/inbound_server.hpp"
#include "fax/incoming_call.hpp"
#include "fax/scenario.hpp"

namespace fax::core {
class Loop;
}

namespace fax::fax {

struct SwitchConfig {
    esl::InboundServerConfig server;  ///< listen address (loopback), password, ACL, identity
    std::string db_path;              ///< mod_db's SQLite file (WAL)
    /// Where the simulated far-end fax machines write the pages they receive
    /// (<dir>/<channel uuid>.tif).
    std::string received_dir;
    Scenario scenario;
    /// Pace audio at 8000 samples/s and wait ring times and timeouts for
    /// real. Off: faxes run as fast as the CPU allows, ringing is instant.
    bool realtime = false;
};

/// Use from the loop thread only.
class Switch {
public:
    Switch(core::Loop& loop, SwitchConfig config);
    ~Switch();
    Switch(const Switch&) = delete;
    Switch& operator=(const Switch&) = delete;

    /// Opens the db and starts the event socket (unless \a listen is false:
    /// a switch for one `fax-sim call`). Errc::io (db), Errc::config/unavailable (listen).
    core::Result<void> start(bool listen = true);
    /// The event socket's port (after start()).
    std::uint16_t port() const noexcept;
    /// Runs one api command as the event socket would; \a done gets the output.
    void api(const std::string& command, const std::optional<std::string>& args,
             std::function<void(std::string output, bool found)> done);
    /// Places an incoming call to an outbound-socket server (fax-recv), as
    /// FreeSWITCH's `socket host:port async full` does; \a done gets how it ended.
    void call(IncomingCallOptions options, std::function<void(core::Result<IncomingCallResult>)> done);
    /// Channels up now.
    std::size_t channel_count() const noexcept;
    /// Event Socket connections not yet fully closed (closing ones included).
    std::size_t connections() const noexcept;
    /// Hangs up every channel (SYSTEM_SHUTDOWN) and closes the event socket.
    void shutdown();

    struct Impl;

private:
    std::shared_ptr<Impl> m_impl;
};

}  // namespace fax::fax
