#pragma once
/// HylaFAX's transfer log (log/xferfaxlog): one tab-separated record per
/// call in FaxAcctInfo::record's 19-field layout (hylafax-integration.md §5).

#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace fax::hylafax {

struct XferRecord {
    std::int64_t start_unix = 0;  ///< call start; printed "%D %H:%M" in local time
    std::string kind = "SEND";    ///< SEND, RECV, CALL, POLL, PAGE
    std::string commid;           ///< 9 digits
    std::string modem;            ///< modem device id ("freeswitch0")
    std::string jobid;            ///< SEND: the job id; RECV: the recvq file name
    std::string jobtag;
    std::string sender;           ///< SEND: mailaddr; RECV: "fax"
    std::string dest;             ///< SEND: number dialled; RECV: local number
    std::string remote_id;        ///< CSI (SEND) or TSI (RECV)
    std::uint32_t params = 0;     ///< Class2Params::encode()
    int pages = 0;
    std::int64_t job_seconds = 0;
    std::int64_t conn_seconds = 0;
    std::string reason;           ///< empty when OK
    std::string cid_name;         ///< RECV
    std::string cid_number;       ///< RECV
    std::string callid_rest;      ///< RECV: callid3::callid4…
    std::string owner;            ///< SEND
    std::string dcs;
};

/// "H:MM:SS" with unpadded hours, as HylaFAX's fmtTime.
std::string format_duration(std::int64_t seconds);

/// The record line (with its final '\n'). Quoted fields are written as
/// HylaFAX does; jobtag's '"' becomes \" and its tabs spaces. Unlike HylaFAX,
/// tabs and line breaks in every other field become spaces too, so no value
/// can break the log's one-record-per-line structure.
std::string format_record(const XferRecord& r);

/// Appends the record to \a path (created 0644) with one write() under
/// flock(LOCK_EX), as faxsend and faxgetty do. Errc::io on failure.
core::Result<void> append_record(const std::string& path, const XferRecord& r);

}  // namespace fax::hylafax
