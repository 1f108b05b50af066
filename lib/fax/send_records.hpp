#pragma once
/// fax-send's JSON-lines records (faxkit-events(7)): fax.dialing,
/// fax.negotiated, fax.page, then fax.sent or fax.failed; and the human
/// progress line for a terminal.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "fax/send_call.hpp"
#include "jsonl/writer.hpp"

namespace fax::fax {

/// Fields every record of one send carries after "id", in this order
/// (HylaFAX mode: jobid, commid, modem).
using RecordContext = std::vector<std::pair<std::string, std::string>>;

/// An observer that turns progress into records handed to \a sink (one JSON
/// object, no newline) and, when \a progress is set, one human line per step
/// to it. Forwards every callback to \a next when given.
class SendRecorder : public SendObserver {
public:
    using Sink = std::function<void(const std::string& record)>;
    using Progress = std::function<void(const std::string& line)>;

    SendRecorder(std::string id, RecordContext context, Sink sink, Progress progress = {}, SendObserver* next = nullptr);

    void dialing(const SendRequest& req, const LegAttempt& leg, int attempt) override;
    void leg_failed(const LegAttempt& leg) override;
    void answered(const LegAttempt& leg) override;
    void negotiated(const Negotiation& n, int count) override;
    void page(const PageResult& p) override;
    void note(const std::string& text) override;

    /// The final fax.sent / fax.failed record; \a extra fields go last
    /// (HylaFAX mode: returned).
    void finished(const SendRequest& req, const SendOutcome& out, const RecordContext& extra = {});

private:
    /// "id" and the context fields, after the envelope.
    void head(jsonl::RecordBuilder& b) const;
    std::string m_id;
    RecordContext m_context;
    Sink m_sink;
    Progress m_progress;
    SendObserver* m_next;
    int m_attempt = 0;
    std::string m_uuid;
};

}  // namespace fax::fax
