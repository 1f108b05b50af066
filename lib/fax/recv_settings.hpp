#pragma once
/// fax-recv's settings: what gofaxd reads from gofax.conf ([freeswitch],
/// [hylafax], [gofaxd]; gofax-anchors.md §1, §3) plus the faxkit section
/// [fax-recv]. Keys left out take gofaxd's values unless faxkit documents a
/// safer default (listen on loopback, time limits).

#include <chrono>
#include <string>
#include <sys/types.h>

#include "config/ini.hpp"
#include "core/result.hpp"

namespace fax::fax {

enum class Overflow {
    reject,  ///< no free virtual modem: refuse the call (SIP 486 busy)
    accept,  ///< receive it anyway, on the unnumbered modem name ("freeswitch")
};

struct RecvSettings {
    std::string listen_host = "127.0.0.1";  ///< [gofaxd] socket (host part)
    std::uint16_t listen_port = 8022;       ///< [gofaxd] socket (port part)
    std::string ident;                      ///< [freeswitch] ident: our CSI
    bool softmodem_fallback = false;        ///< [freeswitch] softmodemfallback
    std::string spool_dir = "/var/spool/hylafax";  ///< [hylafax] spooldir
    unsigned modems = 0;                    ///< [hylafax] modems: freeswitch0..N-1
    std::string xferfaxlog;                 ///< [hylafax] xferfaxlog ("" = log/xferfaxlog)
    bool enable_t38 = false;                ///< [gofaxd] enablet38
    bool request_t38 = false;               ///< [gofaxd] requestt38
    bool recipient_from_diversion = false;  ///< [gofaxd] recipientfromdiversionheader
    std::chrono::milliseconds answer_after{0};  ///< [gofaxd] answerafter (ms)
    std::chrono::milliseconds wait_time{0};     ///< [gofaxd] waittime (ms)
    std::string faxrcvd_cmd = "bin/faxrcvd";    ///< [gofaxd] faxrcvdcmd
    std::string dynamic_config;                 ///< [gofaxd] dynamicconfig
    // [fax-recv]
    std::chrono::milliseconds dynamic_config_timeout{std::chrono::seconds(10)};  ///< dynamicconfigtimeout
    std::chrono::milliseconds call_timeout{std::chrono::minutes(5)};   ///< calltimeout: no fax progress → uuid_kill
    std::chrono::milliseconds grace{std::chrono::minutes(2)};          ///< grace: SIGTERM waits this long for calls
    std::chrono::milliseconds faxrcvd_timeout{std::chrono::minutes(5)};  ///< faxrcvdtimeout
    std::chrono::milliseconds reannounce{std::chrono::seconds(10)};    ///< reannounce: ready modems again (0: never); wakes a faxq that sleeps on a job
    Overflow overflow = Overflow::reject;   ///< overflow: reject | accept
    mode_t recv_file_mode = 0600;           ///< recvfilemode (HylaFAX's RecvFileMode)
    std::string local_number;               ///< faxnumber: our number (xferfaxlog, new etc/config.<modem>)
    bool run_faxrcvd = true;                ///< faxrcvd: run [gofaxd] faxrcvdcmd after each call
    /// uucplockdir: faxq's UUCPLockDir; a modem locked for an outbound job is
    /// free again once faxq's LCK..<modem> there is gone (also without SR).
    std::string uucp_lock_dir = "/var/lock";
};

/// Reads the settings from \a ini (may be null: defaults). Errc::config
/// naming the file, section and key of a bad value.
core::Result<RecvSettings> load_recv_settings(const config::Ini* ini);

}  // namespace fax::fax
