#pragma once
/// What a HylaFAX job (qfile) asks fax-send to do, and how a send outcome is
/// written back for faxq (hylafax-integration.md §2; gofax-anchors.md §2.3–2.6).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/dynamic_config.hpp"
#include "core/result.hpp"
#include "fax/send_call.hpp"
#include "fax/send_settings.hpp"
#include "hylafax/queue_file.hpp"

namespace fax::fax {

/// faxq's FaxSendStatus values, written as `returned:` and used as exit status.
enum class SendReturn : int { retry = 0, failed = 1, done = 2 };

/// The qfile fields fax-send reads.
struct JobFields {
    std::string jobid;
    std::string external;   ///< number after HylaFAX's dial rules (else `number`)
    std::string number;     ///< as submitted: DynamicConfig argument, xferfaxlog destination
    std::string owner, sender, mailaddr, jobtag;
    int tottries = 0;
    int totdials = 0;
    int ndials = 0;
    int npages = 0;         ///< pages already sent in earlier calls
    int totpages = 0;
    std::optional<int> desiredec;
    std::optional<int> desiredbr;
    std::vector<hylafax::DocumentItem> documents;  ///< the `fax:` items still to send
};

/// Reads the job; Errc::data naming the problem (no jobid, no number …).
core::Result<JobFields> read_job(const hylafax::QueueFile& q);

/// The SendRequest for the job: gofaxsend's derivations (call prefix,
/// caller id and `cidname`, ECM/V.17 after retries, desiredec/desiredbr,
/// T.38 flags, gateways), with \a dc (DynamicConfigOutgoing) applied when given.
SendRequest make_request(const SendSettings& s, const JobFields& job, const config::DynamicConfigAnswer* dc,
                         std::string document);

/// HylaFAX's status code and text for an outcome that did not succeed:
/// 1 "Busy signal detected" and 3 "No answer from remote" exactly as HylaFAX
/// writes them (faxstat shows 40 characters); other texts name the
/// FreeSWITCH cause or the T.30 result.
struct JobStatus {
    int code = 0;
    std::string text;
};
JobStatus job_status(const SendOutcome& out);

/// The retry delay faxq should use (`tts:` = now + this) for a retry outcome.
std::chrono::seconds requeue_delay(const SendSettings& s, const SendOutcome& out);

/// `returned:` for an outcome.
SendReturn send_return(SendStatus s) noexcept;

/// After \a pages_sent more pages of the merged document went through,
/// drops the `fax:` items fully sent and advances the first-page number of a
/// partly sent one, so faxq's retry resumes where this call stopped.
/// \a page_counts holds each remaining item's page count from its dirnum on.
void advance_documents(hylafax::QueueFile& q, const std::vector<hylafax::DocumentItem>& items,
                       const std::vector<int>& page_counts, int pages_sent);

}  // namespace fax::fax
