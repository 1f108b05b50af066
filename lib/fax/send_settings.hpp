#pragma once
/// fax-send's settings: everything gofaxsend reads from gofax.conf
/// ([freeswitch], [hylafax], [gofaxsend]; gofax-anchors.md §1) plus the
/// faxkit section [fax-send]. Keys left out take gofaxsend's values (its Go
/// zero values), except where faxkit documents a safer default.

#include <chrono>
#include <string>
#include <vector>

#include "config/esl_settings.hpp"
#include "config/ini.hpp"
#include "core/result.hpp"

namespace fax::fax {

struct SendRequest;

struct SendSettings {
    config::EslSettings esl;            ///< [freeswitch] socket, password
    std::vector<std::string> gateways;  ///< [freeswitch] gateway (repeatable)
    std::string ident;                  ///< [freeswitch] ident
    std::string header;                 ///< [freeswitch] header
    bool verbose = false;               ///< [freeswitch] verbose
    bool softmodem_fallback = false;    ///< [freeswitch] softmodemfallback
    std::string spool_dir = "/var/spool/hylafax";  ///< [hylafax] spooldir
    std::string xferfaxlog;             ///< [hylafax] xferfaxlog ("" = HylaFAX's log/xferfaxlog)
    bool enable_t38 = false;            ///< [gofaxsend] enablet38
    bool request_t38 = false;           ///< [gofaxsend] requestt38
    std::string faxnumber;              ///< [gofaxsend] faxnumber
    std::string callprefix;             ///< [gofaxsend] callprefix
    std::string cidname;                ///< [gofaxsend] cidname: sender, number, cidnum or literal text
    std::vector<std::string> failed_causes;  ///< [gofaxsend] failedresponse
    int disable_v17_after_retry = 0;    ///< [gofaxsend] disablev17afterretry
    int disable_ecm_after_retry = 0;    ///< [gofaxsend] disableecmafterretry
    std::string dynamic_config;         ///< [gofaxsend] dynamicconfig
    std::chrono::milliseconds page_timeout{std::chrono::minutes(3)};  ///< [gofaxsend] pagetimeout / [fax-send] pagetimeout
    // [fax-send]
    std::chrono::milliseconds dynamic_config_timeout{std::chrono::seconds(10)};  ///< dynamicconfigtimeout
    std::chrono::milliseconds total_timeout{std::chrono::hours(1)};              ///< timeout
    std::chrono::seconds ring_timeout{60};                                        ///< ringtimeout
    std::chrono::milliseconds esl_timeout{std::chrono::seconds(10)};             ///< esltimeout
    std::string tmp_dir = "/tmp";       ///< tmpdir: where the merged TIFF is written for FreeSWITCH
    std::string events;                 ///< events: FILE or FIFO for JSON lines in HylaFAX mode
    std::chrono::seconds requeue_busy{180};      ///< jobreqbusy (HylaFAX's JobReqBusy)
    std::chrono::seconds requeue_no_answer{300}; ///< jobreqnoanswer (JobReqNoAnswer)
    std::chrono::seconds requeue_other{300};     ///< jobreqother (JobReqOther)
    std::chrono::seconds requeue_protocol{60};   ///< jobreqproto (JobReqProto)
};

/// Reads the settings from \a ini (may be null: defaults). Errc::config naming
/// the file, section and key of a bad value.
core::Result<SendSettings> load_send_settings(const config::Ini* ini);

/// Copies what both modes take from the settings as they are into \a req:
/// verbose, softmodem fallback, the timeouts and failed causes; and sets
/// handle_signals.
void apply_call_settings(const SendSettings& s, SendRequest& req);

}  // namespace fax::fax
