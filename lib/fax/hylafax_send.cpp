#include "fax/hylafax_send.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "config/dynamic_config.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "core/version.hpp"
#include "fax/hylafax_job.hpp"
#include "fax/send_records.hpp"
#include "hylafax/class2_params.hpp"
#include "hylafax/fifo.hpp"
#include "hylafax/queue_file.hpp"
#include "hylafax/sequence.hpp"
#include "hylafax/session_log.hpp"
#include "hylafax/xferfaxlog.hpp"
#include "tiff/merge.hpp"

namespace fax::fax {

namespace {

/// Where a job's lines go: the session log, syslog ("(jobid) text") and,
/// when useful, stderr.
class JobLog {
public:
    JobLog(const cli::Diag& diag, std::string jobid) : m_diag(diag), m_jobid(std::move(jobid)) {
        ::openlog("fax-send", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    }
    ~JobLog() { ::closelog(); }
    JobLog(const JobLog&) = delete;
    JobLog& operator=(const JobLog&) = delete;

    void set_jobid(std::string id) { m_jobid = std::move(id); }
    void attach(hylafax::SessionLog log) { m_session = std::move(log); }
    hylafax::SessionLog& session() { return m_session; }

    void info(const std::string& text) {
        (void)m_session.line(text);
        ::syslog(LOG_INFO, "(%s) %s", m_jobid.c_str(), text.c_str());
        m_diag.note(text);
    }
    void error(const std::string& text) {
        (void)m_session.line(text);
        ::syslog(LOG_ERR, "(%s) %s", m_jobid.c_str(), text.c_str());
        m_diag.error(text);
    }

private:
    const cli::Diag& m_diag;
    std::string m_jobid;
    hylafax::SessionLog m_session = hylafax::SessionLog::disabled();
};

/// JSON lines to a file or FIFO, never blocking: a FIFO without a reader or a
/// full pipe loses the record (noted once), not the fax.
class EventsOut {
public:
    EventsOut(const std::string& path, JobLog& log) : m_log(log) {
        if (path.empty()) {
            return;
        }
        m_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0644);
        if (m_fd < 0) {
            m_log.info(fmt::format("events: cannot open {}: {}", path,
                                   errno == ENXIO ? "no reader on the FIFO" : std::strerror(errno)));
        }
    }
    ~EventsOut() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    EventsOut(const EventsOut&) = delete;
    EventsOut& operator=(const EventsOut&) = delete;

    void write(const std::string& record) {
        if (m_fd < 0) {
            return;
        }
        std::string line = record;
        line.push_back('\n');
        ssize_t n = 0;
        do {
            n = ::write(m_fd, line.data(), line.size());
        } while (n < 0 && errno == EINTR);
        if (n != static_cast<ssize_t>(line.size()) && !m_warned) {
            m_warned = true;
            m_log.info(fmt::format("events: record lost: {}", n < 0 ? std::strerror(errno) : "short write"));
        }
    }

private:
    JobLog& m_log;
    int m_fd = -1;
    bool m_warned = false;
};

/// Keeps the qfile and the session log current while the call runs.
class JobObserver : public SendObserver {
public:
    JobObserver(hylafax::LockedQueueFile& q, JobLog& log, const JobFields& job) : m_q(q), m_log(log), m_job(job) {}

    void dialing(const SendRequest& req, const LegAttempt& leg, int attempt) override {
        m_log.info(fmt::format("DIAL {} via gateway {} (attempt {}, channel {})", req.number, leg.gateway, attempt, leg.uuid));
    }
    void leg_failed(const LegAttempt& leg) override {
        m_log.info(fmt::format("gateway {}: {}", leg.gateway, leg.cause));
    }
    void answered(const LegAttempt& leg) override {
        m_log.info(fmt::format("CONNECTED via gateway {}", leg.gateway));
        if (!m_tried) {
            m_tried = true;
            auto& f = m_q.file();
            f.set_int("tottries", f.get_int("tottries") + 1);
            f.set_int("ndials", 0);
            save();
        }
    }
    void negotiated(const Negotiation& n, int) override {
        m_log.info(fmt::format("REMOTE CSI \"{}\", {} bit/s, ECM {}, T.38 {}", n.remote_station_id, n.transfer_rate,
                               n.ecm ? "on" : "off", t38_status_name(n.t38_status)));
        auto& f = m_q.file();
        f.set("status", fmt::format("Sending {}{}", n.transfer_rate, n.ecm ? "/ECM" : ""));
        f.set("csi", n.remote_station_id);
        f.set("signalrate", fmt::format("{} bit/s", n.transfer_rate));
        save();
    }
    void page(const PageResult& p) override {
        m_log.info(fmt::format("SEND page {}/{}: {}, {} bytes, {} bad rows", p.pages_transferred, p.total_pages,
                               p.encoding_name, p.image_size, p.bad_rows));
        auto& f = m_q.file();
        f.set_int("npages", m_job.npages + p.pages_transferred);
        f.set("dataformat", hylafax::data_format_name(hylafax::data_format_code(p.encoding_name)));
        save();
    }
    void note(const std::string& text) override { m_log.info(text); }

private:
    void save() {
        if (auto r = m_q.rewrite(); !r) {
            m_log.error(fmt::format("cannot update {}: {}", m_q.path(), r.error().message));
        }
    }
    hylafax::LockedQueueFile& m_q;
    JobLog& m_log;
    const JobFields& m_job;
    bool m_tried = false;
};

std::string modem_fifo(const std::string& modem) { return fmt::format("FIFO.{}", modem); }

/// A signal before the call (faxq's kill, a shutdown): the job is retried.
volatile std::sig_atomic_t g_signal = 0;
extern "C" void note_signal(int signo) { g_signal = signo; }

void catch_signals() {
    struct sigaction sa{};
    sa.sa_handler = note_signal;
    sigemptyset(&sa.sa_mask);
    for (int s : {SIGTERM, SIGINT, SIGHUP}) {
        ::sigaction(s, &sa, nullptr);
    }
}

/// Writes the outcome into the qfile and returns the exit status.
int finish_job(hylafax::LockedQueueFile& q, JobLog& log, SendReturn ret, int code, const std::string& status,
               std::int64_t tts = 0) {
    auto& f = q.file();
    f.set("status", status);
    f.set_int("statuscode", code);
    if (tts > 0) {
        f.set_int("tts", tts);
    }
    f.set_int("returned", static_cast<int>(ret));
    if (auto r = q.rewrite(); !r) {
        log.error(fmt::format("cannot update {}: {}", q.path(), r.error().message));
    }
    return static_cast<int>(ret);
}

}  // namespace

int run_hylafax_send(const SendSettings& settings, const HylafaxSendOptions& options, const cli::Diag& diag) {
    catch_signals();
    JobLog log(diag, options.qfile);
    struct stat st{};
    if (::stat(options.qfile.c_str(), &st) != 0 && !settings.spool_dir.empty() && options.qfile.front() != '/' &&
        ::chdir(settings.spool_dir.c_str()) != 0) {
        log.error(fmt::format("cannot enter the spool {}: {}", settings.spool_dir, std::strerror(errno)));
    }
    auto opened = hylafax::LockedQueueFile::open(options.qfile);
    if (!opened) {
        log.error(fmt::format("{}", opened.error().message));
        // Nothing can be recorded in the qfile; a missing one cannot be retried.
        return opened.error().code == core::Errc::no_input ? 1 : 0;
    }
    auto& q = *opened;
    auto job = read_job(q.file());
    if (!job) {
        log.error(job.error().message);
        return finish_job(q, log, SendReturn::failed, 6, job.error().message);
    }
    log.set_jobid(job->jobid);

    std::string commid;
    if (auto n = hylafax::next_sequence("log/seqf")) {
        commid = hylafax::format_commid(*n);
        if (auto sl = hylafax::SessionLog::create(fmt::format("log/c{}", commid), 0600)) {
            log.attach(std::move(*sl));
        } else {
            log.error(fmt::format("session log: {}", sl.error().message));
        }
        q.file().set("commid", commid);
    } else {
        log.error(fmt::format("commid: {}", n.error().message));
    }
    log.info(fmt::format("SESSION BEGIN {} {}", commid, job->number));
    log.info(fmt::format("faxkit fax-send {}", core::k_version));
    log.info(fmt::format("SEND FAX: JOB {} DEST {} COMMID {} DEVICE '{}' FROM '{} <{}>' USER {}", job->jobid,
                         job->number, commid, options.modem, job->sender, job->mailaddr, job->owner));

    EventsOut events(options.events.empty() ? settings.events : options.events, log);
    RecordContext ctx{{"jobid", job->jobid}, {"commid", commid}, {"modem", options.modem}};
    JobObserver observer(q, log, *job);
    SendRecorder recorder(job->jobid, ctx, [&](const std::string& r) { events.write(r); }, {}, &observer);

    if (hylafax::valid_modem_id(options.modem)) {
        // No FIFO.<modem> or no reader: fax-recv is not running; nothing to tell.
        if (auto r = hylafax::send_fifo_message(modem_fifo(options.modem), "SB"); !r) {
            diag.debug(fmt::format("modem {}: {}", options.modem, r.error().message));
        }
    }
    auto end_session = [&](int rc) {
        log.info("SESSION END");
        if (hylafax::valid_modem_id(options.modem)) {
            (void)hylafax::send_fifo_message(modem_fifo(options.modem), "SR");
        }
        return rc;
    };

    // Documents: every remaining fax: item, merged into one TIFF for FreeSWITCH.
    if (job->documents.empty()) {
        const std::string why = "No documents to send (no fax: entries in the qfile)";
        log.error(why);
        return end_session(finish_job(q, log, SendReturn::failed, 6, why));
    }
    const std::string merged = fmt::format("{}/fax-send-{}.tif", settings.tmp_dir, core::random_uuid());
    std::vector<tiff::MergeInput> inputs;
    for (const auto& d : job->documents) {
        inputs.push_back({d.path, static_cast<std::size_t>(d.dirnum < 0 ? 0 : d.dirnum)});
    }
    auto merge = tiff::merge_documents(inputs, merged);
    if (!merge) {
        const auto& e = merge.error();
        const std::string why = fmt::format("Document preparation failed: {}", e.message);
        log.error(why);
        const bool retry = e.code == core::Errc::io || e.code == core::Errc::os;
        return end_session(finish_job(q, log, retry ? SendReturn::retry : SendReturn::failed, 6, why,
                                      retry ? std::time(nullptr) + settings.requeue_other.count() : 0));
    }
    struct Remove {
        std::string path;
        ~Remove() { ::unlink(path.c_str()); }
    } remove_merged{merged};

    // DynamicConfigOutgoing: <script> <modem> <owner> <number> <jobid>.
    std::optional<config::DynamicConfigAnswer> dc;
    if (!settings.dynamic_config.empty()) {
        auto r = config::run_dynamic_config(settings.dynamic_config,
                                            {options.modem, job->owner, job->number, job->jobid},
                                            settings.dynamic_config_timeout, "");
        if (!r) {
            const std::string why = fmt::format("Error calling DynamicConfig: {}", r.error().message);
            log.error(why);
            return end_session(
                finish_job(q, log, SendReturn::retry, 6, why, std::time(nullptr) + settings.requeue_other.count()));
        }
        dc = std::move(*r);
        if (dc->reject_call()) {
            const std::string why = "Transmission rejected by DynamicConfig";
            log.info(why);
            SendRequest rejected;
            rejected.number = job->external;
            SendOutcome out;
            out.status = SendStatus::failed;
            out.reason = why;
            out.start_ms = out.end_ms = core::now_unix_ms();
            recorder.finished(rejected, out, {{"returned", "1"}});
            return end_session(finish_job(q, log, SendReturn::failed, 6, why));
        }
    }

    SendRequest req = make_request(settings, *job, dc ? &*dc : nullptr, merged);
    if (job->external.empty()) {
        const std::string why = "Number to dial is empty";
        log.error(why);
        return end_session(finish_job(q, log, SendReturn::failed, 5, why));
    }
    if (g_signal != 0) {
        const std::string why = fmt::format("Interrupted by signal {} before dialing", static_cast<int>(g_signal));
        log.info(why);
        return end_session(finish_job(q, log, SendReturn::retry, 6, why));
    }
    auto& f = q.file();
    f.set_int("totdials", job->totdials + 1);
    f.set("status", "Dialing");
    if (auto r = q.rewrite(); !r) {
        log.error(fmt::format("cannot update {}: {}", q.path(), r.error().message));
    }

    esl::ClientConfig esl;
    esl.host = settings.esl.host;
    esl.port = settings.esl.port;
    esl.password = settings.esl.password;
    esl.timeout = settings.esl_timeout;
    const SendOutcome out = run_send(esl, req, recorder);

    // Back into the qfile.
    const int sent_now = out.pages_sent();
    std::vector<int> counts;
    for (auto n : merge->pages_per_input) {
        counts.push_back(static_cast<int>(n));
    }
    advance_documents(f, job->documents, counts, sent_now);
    f.set_int("npages", job->npages + sent_now);
    if (!out.answered) {
        f.set_int("ndials", job->ndials + 1);
    } else if (out.status == SendStatus::sent || sent_now > 0) {
        f.set_int("ntries", 0);
    } else {
        f.set_int("ntries", f.get_int("ntries") + 1);
    }
    if (out.negotiation) {
        f.set("csi", out.negotiation->remote_station_id);
        f.set("signalrate", fmt::format("{} bit/s", out.negotiation->transfer_rate));
    }
    const SendReturn ret = send_return(out.status);
    int code = 0;
    std::string status;
    std::int64_t tts = 0;
    if (out.status == SendStatus::sent) {
        log.info(fmt::format("SEND FAX: JOB {} SENT {} page(s) in {}", job->jobid, sent_now,
                             hylafax::format_duration((out.end_ms - out.start_ms) / 1000)));
    } else {
        const auto js = job_status(out);
        code = js.code;
        status = js.text;
        if (out.status == SendStatus::retry) {
            tts = std::time(nullptr) + requeue_delay(settings, out).count();
        }
        log.info(fmt::format("SEND FAILED: JOB {} DEST {} ERR [{}] {}{}{}", job->jobid, req.number, code, status,
                             out.cause.empty() || status.find(out.cause) != std::string::npos
                                 ? std::string()
                                 : fmt::format(" [{}]", out.cause),
                             out.status == SendStatus::retry ? " (will retry)" : ""));
    }

    // xferfaxlog SEND record.
    hylafax::XferRecord x;
    x.start_unix = (out.answer_ms > 0 ? out.answer_ms : out.start_ms) / 1000;
    x.kind = "SEND";
    x.commid = commid;
    x.modem = options.modem;
    x.jobid = job->jobid;
    x.jobtag = job->jobtag;
    x.sender = job->mailaddr;
    x.dest = job->number;
    x.remote_id = out.negotiation ? out.negotiation->remote_station_id : std::string();
    if (out.negotiation) {
        hylafax::Class2Params p;
        p.br = hylafax::bit_rate_code(out.negotiation->transfer_rate);
        p.ec = out.negotiation->ecm ? 1 : 0;
        if (!out.pages.empty()) {
            p.vr = hylafax::vertical_resolution_code(out.pages.front().image_resolution.y);
            p.df = hylafax::data_format_code(out.pages.front().encoding_name);
        }
        x.params = hylafax::encode(p);
    }
    x.pages = sent_now;
    x.job_seconds = (out.end_ms - out.start_ms) / 1000;
    x.conn_seconds = out.answer_ms > 0 ? (out.end_ms - out.answer_ms) / 1000 : 0;
    x.reason = status;
    x.owner = job->owner;
    const std::string xlog = settings.xferfaxlog.empty() ? std::string("log/xferfaxlog") : settings.xferfaxlog;
    if (auto r = hylafax::append_record(xlog, x); !r) {
        log.error(fmt::format("xferfaxlog: {}", r.error().message));
    }
    recorder.finished(req, out, {{"returned", std::to_string(static_cast<int>(ret))}});
    return end_session(finish_job(q, log, ret, code, status, tts));
}

int report_setup_failure(const HylafaxSendOptions& options, const core::Error& error, const cli::Diag& diag) {
    JobLog log(diag, options.qfile);
    const std::string why = fmt::format("fax-send cannot start: {}", error.message);
    log.error(why);
    if (auto q = hylafax::LockedQueueFile::open(options.qfile)) {
        return finish_job(*q, log, SendReturn::retry, 6, why, std::time(nullptr) + 300);
    }
    return 0;
}

}  // namespace fax::fax
