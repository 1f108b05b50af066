#include "fax/send_call.hpp"

#include <algorithm>
#include <csignal>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "core/loop.hpp"
#include "core/time.hpp"
#include "core/uuid.hpp"
#include "esl/dial_string.hpp"
#include "esl/inbound_client.hpp"
#include "fax/send_dial.hpp"
#include "fax/spandsp_parse.hpp"

namespace fax::fax {

const char* send_status_name(SendStatus s) noexcept {
    switch (s) {
    case SendStatus::sent:
        return "sent";
    case SendStatus::retry:
        return "retry";
    case SendStatus::failed:
        return "failed";
    }
    return "retry";
}

int SendOutcome::pages_sent() const noexcept {
    int n = pages.empty() ? 0 : pages.back().pages_transferred;
    if (result) {
        n = std::max(n, result->pages_transferred);
    }
    return n;
}

namespace {

/// All pages of the document were confirmed by the far end (phase D reports
/// come after its MCF), even if phase E never came or reported a late error.
bool all_pages_confirmed(const SendOutcome& out) noexcept {
    if (out.pages.empty()) {
        return false;
    }
    const auto& last = out.pages.back();
    return last.total_pages > 0 && last.pages_transferred >= last.total_pages;
}

}  // namespace

SendStatus classify(const SendRequest& req, const SendOutcome& out) noexcept {
    if (out.result && out.result->success) {
        return SendStatus::sent;
    }
    if (out.answered && all_pages_confirmed(out)) {
        return SendStatus::sent;
    }
    if (!out.answered && !out.cause.empty() &&
        std::any_of(req.failed_causes.begin(), req.failed_causes.end(),
                    [&](const std::string& c) { return c == out.cause; })) {
        return SendStatus::failed;
    }
    return SendStatus::retry;
}

bool fallback_rule_matches(const SendOutcome& out) noexcept {
    if (out.result && out.result->success) {
        return false;
    }
    return out.negotiations > 1 || (out.negotiations == 1 && out.bad_rows > 0);
}

namespace {

using std::chrono::milliseconds;

/// One send on its own loop and connection.
class Sender {
public:
    Sender(const esl::ClientConfig& cfg, const SendRequest& req, SendObserver& obs)
        : m_req(req), m_obs(obs), m_client(m_loop, no_reconnect(cfg)) {}

    SendOutcome run() {
        m_out.start_ms = core::now_unix_ms();
        m_client.on_state([this](const esl::ConnectionState& st) {
            if (!st.connected && !m_finished) {
                lost(st.error.message);
            }
        });
        m_client.on_event([this](const esl::Event& e) { on_event(e); });
        if (m_req.handle_signals) {
            m_loop.on_signals({SIGTERM, SIGINT, SIGHUP}, [this](int signo) { on_signal(signo); });
        }
        if (m_req.total_timeout.count() > 0) {
            m_loop.after(m_req.total_timeout, [this] {
                interrupt(fmt::format("the send took longer than {} s", m_req.total_timeout.count() / 1000));
            });
        }
        if (m_req.gateways.empty()) {
            return fail_now("no gateway configured");
        }
        for (const auto& gw : m_req.gateways) {
            m_out.legs.push_back({gw, core::random_uuid(), {}, false});
        }
        // Filters first, so no event of ours is missed or anyone else's seen.
        for (const auto& leg : m_out.legs) {
            m_client.add_filter("Unique-ID", leg.uuid);
        }
        m_client.subscribe(esl::EventFormat::plain,
                           {"CHANNEL_ANSWER", "CHANNEL_HANGUP_COMPLETE", "CUSTOM", "spandsp::txfaxnegociateresult",
                            "spandsp::txfaxpageresult", "spandsp::txfaxresult"});
        m_client.start();
        check_fallback();
        m_loop.run();
        m_client.stop();
        if (m_out.end_ms == 0) {
            m_out.end_ms = core::now_unix_ms();
        }
        return std::move(m_out);
    }

private:
    static esl::ClientConfig no_reconnect(esl::ClientConfig c) {
        c.reconnect = false;
        c.keepalive = milliseconds(0);
        return c;
    }

    SendOutcome fail_now(std::string reason) {
        m_out.status = SendStatus::failed;
        m_out.reason = std::move(reason);
        m_out.end_ms = core::now_unix_ms();
        return std::move(m_out);
    }

    // ------------------------------------------------------------ before dialling

    void check_fallback() {
        if (!m_req.softmodem_fallback) {
            check_overrides();
            return;
        }
        auto cmd = esl::db_fallback_exists(m_req.number);
        if (!cmd) {
            check_overrides();  // an undiallable number fails when the dial string is built
            return;
        }
        m_client.api(fmt::format("db {}", *cmd), [this](core::Result<esl::Reply> r) {
            if (!r || m_finished) {
                return;  // on_state reports the loss
            }
            if (r->text == "true" || r->text == "true\n") {
                m_out.fallback_active = true;
                m_obs.note(fmt::format("softmodem fallback entry for {}: T.38 off", m_req.number));
            }
            check_overrides();
        });
    }

    void check_overrides() {
        auto cmd = esl::db_override_list(m_req.number);
        if (!m_req.overrides || !cmd) {
            dial(0);
            return;
        }
        m_client.api(fmt::format("db {}", *cmd), [this](core::Result<esl::Reply> r) {
            if (!r || m_finished) {
                return;
            }
            auto keys = esl::parse_override_keys(r->text);
            if (!keys) {
                m_obs.note(fmt::format("override-{} ignored: {}", m_req.number, keys.error().message));
                dial(0);
                return;
            }
            select_override(std::move(*keys), 0);
        });
    }

    void select_override(std::vector<std::string> keys, std::size_t i) {
        if (i >= keys.size()) {
            dial(0);
            return;
        }
        auto cmd = esl::db_override_select(m_req.number, keys[i]);
        if (!cmd) {
            select_override(std::move(keys), i + 1);
            return;
        }
        m_client.api(fmt::format("db {}", *cmd), [this, keys = std::move(keys), i](core::Result<esl::Reply> r) mutable {
            if (!r || m_finished) {
                return;
            }
            if (auto value = esl::parse_db_value(r->text)) {
                m_out.overrides.emplace_back(keys[i], std::move(*value));
            }
            select_override(std::move(keys), i + 1);
        });
    }

    // ------------------------------------------------------------ dialling

    void dial(std::size_t i) {
        if (m_finished) {
            return;
        }
        m_leg = i;
        auto& leg = m_out.legs[i];
        DialOptions opts{m_req, m_out.fallback_active, m_out.overrides};
        auto args = originate_argument(opts, leg.gateway, leg.uuid);
        if (!args) {
            finish(SendStatus::failed, args.error().message);
            return;
        }
        m_out.gateway = leg.gateway;
        m_out.uuid = leg.uuid;
        m_obs.dialing(m_req, leg, static_cast<int>(i) + 1);
        m_client.bgapi(fmt::format("originate {}", *args), [this, i](core::Result<esl::Reply> r) {
            if (!r || m_finished || i != m_leg) {
                return;
            }
            originated(*r);
        });
    }

    void originated(const esl::Reply& r) {
        auto& leg = m_out.legs[m_leg];
        if (r.ok()) {
            // +OK <uuid>: answered and txfax scheduled (events may be ahead of us).
            mark_answered();
            return;
        }
        std::string_view text = r.text;
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
            text.remove_suffix(1);
        }
        if (text.substr(0, 5) == "-ERR ") {
            text.remove_prefix(5);
        } else {
            leg.cause = std::string(text);
            m_out.cause = leg.cause;
            finish(SendStatus::failed, fmt::format("originate refused: {}", text));
            return;
        }
        leg.cause = std::string(text);
        m_out.cause = leg.cause;
        m_obs.leg_failed(leg);
        if (m_interrupted) {
            finish_classified(m_interrupt_reason);
            return;
        }
        if (m_leg + 1 < m_out.legs.size()) {
            dial(m_leg + 1);
            return;
        }
        finish_classified(leg.cause);
    }

    void mark_answered() {
        auto& leg = m_out.legs[m_leg];
        if (leg.answered) {
            return;
        }
        leg.answered = true;
        m_out.answered = true;
        m_out.answer_ms = core::now_unix_ms();
        m_obs.answered(leg);
        arm_page_timer();
    }

    void arm_page_timer() {
        if (m_req.page_timeout.count() <= 0 || m_killing) {
            return;
        }
        if (m_page_timer) {
            m_loop.cancel(*m_page_timer);
        }
        m_page_timer = m_loop.after(m_req.page_timeout, [this] {
            m_page_timer.reset();
            kill_call(fmt::format("no fax progress for {} s", m_req.page_timeout.count() / 1000));
        });
    }

    // ------------------------------------------------------------ events

    void on_event(const esl::Event& e) {
        if (m_finished || m_out.legs.empty() || e.unique_id() != m_out.legs[m_leg].uuid) {
            return;
        }
        const auto name = e.name();
        if (name == "CHANNEL_ANSWER") {
            mark_answered();
            return;
        }
        if (name == "CHANNEL_HANGUP_COMPLETE") {
            hung_up(e);
            return;
        }
        auto fe = parse_spandsp_event(e);
        if (!fe) {
            return;
        }
        if (auto* n = std::get_if<Negotiation>(&*fe)) {
            mark_answered();
            ++m_out.negotiations;
            m_out.negotiation = *n;
            m_obs.negotiated(*n, m_out.negotiations);
            arm_page_timer();
        } else if (auto* p = std::get_if<PageResult>(&*fe)) {
            m_out.bad_rows += p->bad_rows;
            m_out.pages.push_back(*p);
            m_obs.page(*p);
            arm_page_timer();
        } else if (auto* res = std::get_if<FaxResult>(&*fe)) {
            m_out.result = *res;
        }
    }

    void hung_up(const esl::Event& e) {
        auto& leg = m_out.legs[m_leg];
        std::string cause(e.get("Hangup-Cause"));
        if (cause.empty()) {
            cause = std::string(e.get("variable_hangup_cause"));
        }
        leg.cause = cause;
        m_out.cause = cause;
        if (!m_out.result) {
            m_out.result = fax_result_from_variables(e, Role::send);
        }
        if (!leg.answered && !m_out.result) {
            // Hung up before the bgapi answered: the -ERR reply decides.
            return;
        }
        std::string reason;
        if (m_killing) {
            reason = m_kill_reason;
        } else if (m_out.result && !m_out.result->success) {
            reason = fmt::format("{} (T.30 code {})", m_out.result->result_text, m_out.result->result_code);
        } else if (!m_out.result) {
            reason = fmt::format("call ended without a fax result ({})", cause);
        }
        finish_classified(std::move(reason));
    }

    // ------------------------------------------------------------ ending

    void kill_call(std::string reason) {
        if (m_finished || m_killing) {
            return;
        }
        m_killing = true;
        m_out.killed = true;
        m_kill_reason = std::move(reason);
        m_obs.note(fmt::format("{}: uuid_kill {}", m_kill_reason, m_out.legs[m_leg].uuid));
        m_client.api(fmt::format("uuid_kill {}", m_out.legs[m_leg].uuid), [](core::Result<esl::Reply>) {});
        // Wait for CHANNEL_HANGUP_COMPLETE, but not forever.
        m_loop.after(milliseconds(10000), [this] {
            if (!m_finished) {
                finish_classified(fmt::format("{}; no hangup seen after uuid_kill", m_kill_reason));
            }
        });
    }

    void interrupt(std::string reason) {
        if (m_finished) {
            return;
        }
        m_interrupted = true;
        m_interrupt_reason = reason;
        if (m_out.legs.empty() || m_out.uuid.empty()) {
            finish(SendStatus::retry, std::move(reason));
            return;
        }
        // Ringing or answered: hang the leg up (uuid_kill also ends a ringing leg).
        kill_call(std::move(reason));
    }

    void on_signal(int signo) {
        m_out.signal = signo;
        interrupt(fmt::format("interrupted by signal {}", signo));
    }

    void lost(const std::string& why) {
        finish(SendStatus::retry, fmt::format("FreeSWITCH connection: {}", why));
    }

    void finish_classified(std::string reason) {
        auto status = classify(m_req, m_out);
        if (status == SendStatus::sent && m_interrupted && !(m_out.result && m_out.result->success) &&
            !all_pages_confirmed(m_out)) {
            status = SendStatus::retry;
        }
        if (m_interrupted && status != SendStatus::sent) {
            status = SendStatus::retry;
            reason = m_interrupt_reason;
        }
        finish(status, std::move(reason));
    }

    void finish(SendStatus status, std::string reason) {
        if (m_finished) {
            return;
        }
        m_finished = true;
        m_out.status = status;
        m_out.reason = status == SendStatus::sent ? std::string() : std::move(reason);
        m_out.end_ms = core::now_unix_ms();
        if (m_page_timer) {
            m_loop.cancel(*m_page_timer);
            m_page_timer.reset();
        }
        if (m_req.softmodem_fallback && m_out.answered && status != SendStatus::sent && fallback_rule_matches(m_out)) {
            const auto ts = m_out.end_ms / 1000;
            m_client.api(fmt::format("db insert/fallback/{}/{}", m_req.number, ts),
                         [this](core::Result<esl::Reply> r) {
                             if (r && r->ok()) {
                                 m_out.fallback_written = true;
                                 m_obs.note(fmt::format("softmodem fallback entry written for {}", m_req.number));
                             }
                             m_loop.stop();
                         });
            m_loop.after(milliseconds(5000), [this] { m_loop.stop(); });
            return;
        }
        m_loop.stop();
    }

    const SendRequest& m_req;
    SendObserver& m_obs;
    core::Loop m_loop;
    esl::InboundClient m_client;
    SendOutcome m_out;
    std::size_t m_leg = 0;
    bool m_finished = false;
    bool m_killing = false;
    bool m_interrupted = false;
    std::string m_kill_reason;
    std::string m_interrupt_reason;
    std::optional<core::Loop::TimerId> m_page_timer;
};

}  // namespace

SendOutcome run_send(const esl::ClientConfig& esl, const SendRequest& req, SendObserver& observer) {
    Sender s(esl, req, observer);
    return s.run();
}

}  // namespace fax::fax
