#pragma once
/// An incoming call as FreeSWITCH presents it to an outbound-socket server
/// (`socket host:port async full`): what fax-sim's `call` command needs.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "fax/events.hpp"

namespace fax::fax {

struct IncomingCallOptions {
    std::string host = "127.0.0.1";  ///< the outbound-socket server (fax-recv)
    std::uint16_t port = 8022;
    std::string to;                    ///< called number (sip_to_user, destination)
    std::string from;                  ///< calling number
    std::string from_name;             ///< caller name ("" = the number)
    std::string file;                  ///< TIFF the calling fax machine sends
    std::string gateway = "gw1";       ///< sip_gateway / sip_gateway_name
    std::optional<std::string> diversion;  ///< number in a Diversion header
    bool t38 = false;                  ///< the calling side asks for T.38 (re-INVITE)
    std::string remote_ident;          ///< the sender's TSI ("" = from)
    bool remote_ecm = true;
    /// A noisy line: white noise of this level (dBm0) on the image data; with
    /// ECM off the receiver counts bad rows (rxfax's fax-bad-rows). The modems
    /// train at V.29 then (spandsp 0.0.6's V.17 receiver fails under noise).
    std::optional<double> noise_dbm0;
    /// The server must send `connect` within this (FreeSWITCH: 25 s).
    std::chrono::milliseconds connect_timeout{25000};
    /// Lingering forever ends after this if the server never closes.
    std::chrono::milliseconds linger_cap{30000};
};

/// How the call ended.
struct IncomingCallResult {
    std::string uuid;
    std::string hangup_cause;
    std::optional<FaxResult> sender;    ///< the calling machine's phase E
    std::optional<FaxResult> receiver;  ///< our rxfax's phase E (as in spandsp::rxfaxresult)
};

}  // namespace fax::fax
