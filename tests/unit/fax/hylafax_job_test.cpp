// fax::fax::read_job, make_request, job_status, requeue_delay, send_return
// and advance_documents: what fax-send reads from a HylaFAX qfile, the
// derivations gofaxsend makes (gofax-anchors.md §2.3–2.6) and how the qfile
// is advanced for faxq's retry.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/dynamic_config.hpp"
#include "fax/hylafax_job.hpp"
#include "hylafax/queue_file.hpp"

namespace {

using fax::config::DynamicConfigAnswer;
using fax::core::Errc;
using fax::fax::JobFields;
using fax::fax::SendOutcome;
using fax::fax::SendReturn;
using fax::fax::SendSettings;
using fax::fax::SendStatus;
using fax::hylafax::QueueFile;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(FAXKIT_FIXTURES_DIR) + "/hylafax/" + name, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

JobFields job_of(const std::string& text) {
    auto r = fax::fax::read_job(QueueFile::parse(text));
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : JobFields{};
}

fax::core::Error job_error(const std::string& text) {
    auto r = fax::fax::read_job(QueueFile::parse(text));
    EXPECT_FALSE(r) << "accepted: " << text;
    return r ? fax::core::Error{} : r.error();
}

// ---------------------------------------------------------------- read_job

TEST(HylafaxJobTest, ReadsTheRealQfile) {
    const std::string text = fixture("qfile-as-passed-to-SendFaxCmd.txt");
    ASSERT_FALSE(text.empty());
    const JobFields j = job_of(text);
    EXPECT_EQ(j.jobid, "2");
    EXPECT_EQ(j.external, "5551234");
    EXPECT_EQ(j.number, "5551234");
    EXPECT_EQ(j.owner, "root");
    EXPECT_EQ(j.sender, "root");
    EXPECT_EQ(j.mailaddr, "root@vm");
    EXPECT_EQ(j.jobtag, "");
    EXPECT_EQ(j.tottries, 0);
    EXPECT_EQ(j.totpages, 2);
    ASSERT_TRUE(j.desiredec);
    EXPECT_EQ(*j.desiredec, 2);  // ECM with 256-byte frames
    ASSERT_TRUE(j.desiredbr);
    EXPECT_EQ(*j.desiredbr, 13);  // BR_33600
    // `!tiff:` (the original, already converted) is not sent; `fax:` is.
    ASSERT_EQ(j.documents.size(), 1U);
    EXPECT_EQ(j.documents[0].op, "fax");
    EXPECT_EQ(j.documents[0].path, "docq/doc2.tif;c0");
    EXPECT_EQ(j.documents[0].dirnum, 0);
}

TEST(HylafaxJobTest, JobidMustBeAPositiveNumber) {
    const std::string rest = "number:123\n";
    auto missing = job_error(rest);
    EXPECT_EQ(missing.code, Errc::data);
    EXPECT_EQ(missing.message, "qfile has no jobid");
    EXPECT_EQ(job_error("jobid:\n" + rest).code, Errc::data);
    for (const std::string bad : {"0", "-1", "abc", "x12", "99999999999999999999"}) {
        auto e = job_error(fmt::format("jobid:{}\n{}", bad, rest));
        EXPECT_EQ(e.code, Errc::data) << bad;
        EXPECT_THAT(e.message, HasSubstr(fmt::format("'{}'", bad))) << bad;
    }
    EXPECT_EQ(job_of("jobid:1\n").jobid, "1");
    EXPECT_EQ(job_of("jobid:213137\n").jobid, "213137");
}

TEST(HylafaxJobTest, JobidWithTrailingGarbageIsRefused) {
    // gofaxsend: strconv.Atoi, so "12abc" is not a job number.
    for (const std::string bad : {"12abc", "1.5", "0x1f"}) {
        auto r = fax::fax::read_job(QueueFile::parse(fmt::format("jobid:{}\nnumber:1\n", bad)));
        EXPECT_FALSE(r) << "accepted jobid '" << bad << "'";
    }
}

TEST(HylafaxJobTest, ExternalFallsBackToNumber) {
    EXPECT_EQ(job_of("jobid:1\nnumber:5551234\n").external, "5551234");
    EXPECT_EQ(job_of("jobid:1\nnumber:5551234\nexternal:\n").external, "5551234");
    const JobFields j = job_of("jobid:1\nnumber:+1 (555) 1234\nexternal:15551234\n");
    EXPECT_EQ(j.external, "15551234");
    EXPECT_EQ(j.number, "+1 (555) 1234");  // kept as submitted
    EXPECT_EQ(job_of("jobid:1\n").external, "");  // the caller refuses an empty number
}

TEST(HylafaxJobTest, OnlyFaxItemsAreDocuments) {
    const JobFields j = job_of(
        "jobid:7\n"
        "!pdf:0::docq/doc1.pdf\n"
        "fax:0::docq/doc1.pdf;c0\n"
        "!fax:0::docq/old.tif\n"
        "tiff:0::docq/doc3.tif\n"
        "postscript:0::docq/doc4.ps\n"
        "fax:2:sub:docq/doc5.tif;c0\n"
        "!tiff:0::docq/doc6.tif\n");
    ASSERT_EQ(j.documents.size(), 2U);
    EXPECT_EQ(j.documents[0].path, "docq/doc1.pdf;c0");
    EXPECT_EQ(j.documents[0].dirnum, 0);
    EXPECT_EQ(j.documents[1].path, "docq/doc5.tif;c0");
    EXPECT_EQ(j.documents[1].dirnum, 2);
    EXPECT_EQ(j.documents[1].addr, "sub");
    for (const auto& d : j.documents) {
        EXPECT_EQ(d.op, "fax");
        EXPECT_FALSE(d.converted);
    }
}

TEST(HylafaxJobTest, CountersAndOptionalFields) {
    const JobFields j = job_of(
        "jobid:3\ntottries:4\ntotdials:5\nndials:2\nnpages:1\ntotpages:6\ndesiredec:0\ndesiredbr:3\n"
        "owner:alice\nsender:Alice A\nmailaddr:alice@example.org\njobtag:tag 1\n");
    EXPECT_EQ(j.tottries, 4);
    EXPECT_EQ(j.totdials, 5);
    EXPECT_EQ(j.ndials, 2);
    EXPECT_EQ(j.npages, 1);
    EXPECT_EQ(j.totpages, 6);
    EXPECT_EQ(j.desiredec, 0);
    EXPECT_EQ(j.desiredbr, 3);
    EXPECT_EQ(j.owner, "alice");
    EXPECT_EQ(j.sender, "Alice A");
    EXPECT_EQ(j.mailaddr, "alice@example.org");
    EXPECT_EQ(j.jobtag, "tag 1");
    const JobFields empty = job_of("jobid:3\ndesiredec:\ndesiredbr:x\ntottries:x\n");
    EXPECT_FALSE(empty.desiredec);
    EXPECT_FALSE(empty.desiredbr);
    EXPECT_EQ(empty.tottries, 0);
    EXPECT_FALSE(job_of("jobid:3\n").desiredec);
}

// ---------------------------------------------------------------- make_request

SendSettings settings() {
    SendSettings s;
    s.gateways = {"gw1", "gw2"};
    s.ident = "+1 337";
    s.header = "ACME LABS";
    s.faxnumber = "4711";
    s.callprefix = "0";
    s.cidname = "sender";
    s.enable_t38 = true;
    s.request_t38 = false;
    s.verbose = true;
    s.softmodem_fallback = true;
    s.ring_timeout = 45s;
    s.page_timeout = 123s;
    s.total_timeout = 4567s;
    s.failed_causes = {"UNALLOCATED_NUMBER", "CALL_REJECTED"};
    return s;
}

JobFields job() {
    JobFields j;
    j.jobid = std::string("9");
    j.number = std::string("555-1234");
    j.external = std::string("5551234");
    j.sender = std::string("John Doe");
    j.owner = std::string("john");
    return j;
}

DynamicConfigAnswer dc(std::string_view text) { return DynamicConfigAnswer::parse(text); }

TEST(HylafaxJobTest, RequestFromSettings) {
    const auto r = fax::fax::make_request(settings(), job(), nullptr, "/tmp/doc.tif");
    EXPECT_EQ(r.number, "05551234");  // callprefix + external (not number)
    EXPECT_THAT(r.gateways, ElementsAre("gw1", "gw2"));
    EXPECT_EQ(r.document, "/tmp/doc.tif");
    EXPECT_EQ(r.ident, "+1 337");
    EXPECT_EQ(r.header, "ACME LABS");
    EXPECT_EQ(r.cid_number, "4711");
    EXPECT_EQ(r.cid_name, "John Doe");
    EXPECT_TRUE(r.ecm);
    EXPECT_FALSE(r.disable_v17);
    EXPECT_TRUE(r.t38);
    EXPECT_FALSE(r.t38_request);
    EXPECT_TRUE(r.verbose);
    EXPECT_TRUE(r.softmodem_fallback);
    EXPECT_EQ(r.ring_timeout, 45s);
    EXPECT_EQ(r.page_timeout, 123s);
    EXPECT_EQ(r.total_timeout, 4567s);
    EXPECT_THAT(r.failed_causes, ElementsAre("UNALLOCATED_NUMBER", "CALL_REJECTED"));
    EXPECT_TRUE(r.handle_signals);
    auto s = settings();
    s.enable_t38 = false;
    s.request_t38 = true;
    s.callprefix.clear();
    const auto r2 = fax::fax::make_request(s, job(), nullptr, "/d.tif");
    EXPECT_FALSE(r2.t38);
    EXPECT_TRUE(r2.t38_request);
    EXPECT_EQ(r2.number, "5551234");
}

TEST(HylafaxJobTest, DynamicConfigOverrides) {
    const auto answer = dc("CallPrefix: 9\nFAXNumber: 999\nLocalIdentifier: LID 1\nTagLine: Tag Line\n"
                           "Gateway: gwA, gwB\n");
    const auto r = fax::fax::make_request(settings(), job(), &answer, "/d.tif");
    EXPECT_EQ(r.number, "95551234");  // replaces the configured prefix, not added to it
    EXPECT_EQ(r.cid_number, "999");
    EXPECT_EQ(r.ident, "LID 1");
    EXPECT_EQ(r.header, "Tag Line");
    EXPECT_THAT(r.gateways, ElementsAre("gwA", "gwB"));  // replaces the list
    EXPECT_EQ(r.cid_name, "John Doe");
}

TEST(HylafaxJobTest, DynamicConfigWithoutKeysKeepsTheConfiguration) {
    for (const std::string_view text :
         {"", "RejectCall: false\n", "CallPrefix:\nFAXNumber:\nLocalIdentifier:\nTagLine:\nGateway:\n",
          "Gateway: , ,\n"}) {
        const auto answer = dc(text);
        const auto r = fax::fax::make_request(settings(), job(), &answer, "/d.tif");
        EXPECT_EQ(r.number, "05551234") << text;
        EXPECT_EQ(r.cid_number, "4711") << text;
        EXPECT_EQ(r.ident, "+1 337") << text;
        EXPECT_EQ(r.header, "ACME LABS") << text;
        EXPECT_THAT(r.gateways, ElementsAre("gw1", "gw2")) << text;
    }
}

TEST(HylafaxJobTest, CidName) {
    auto with = [](std::string cidname, const DynamicConfigAnswer* answer) {
        auto s = settings();
        s.cidname = std::move(cidname);
        return fax::fax::make_request(s, job(), answer, "/d.tif").cid_name;
    };
    EXPECT_EQ(with("sender", nullptr), "John Doe");
    EXPECT_EQ(with("number", nullptr), "555-1234");  // the qfile number, not external
    EXPECT_EQ(with("cidnum", nullptr), "4711");
    EXPECT_EQ(with("ACME Corp", nullptr), "ACME Corp");
    EXPECT_EQ(with("", nullptr), "");
    EXPECT_EQ(with("Sender", nullptr), "Sender");  // the keywords are exact
    const auto answer = dc("FAXNumber: 999\n");
    EXPECT_EQ(with("cidnum", &answer), "999");  // applied after DynamicConfig
    EXPECT_EQ(with("sender", &answer), "John Doe");
}

TEST(HylafaxJobTest, EcmFromDesiredecAndRetries) {
    auto ecm = [](std::optional<int> desiredec, int after, int tottries) {
        auto s = settings();
        s.disable_ecm_after_retry = after;
        auto j = job();
        j.desiredec = desiredec;
        j.tottries = tottries;
        return fax::fax::make_request(s, j, nullptr, "/d.tif").ecm;
    };
    EXPECT_TRUE(ecm(std::nullopt, 0, 0));
    EXPECT_FALSE(ecm(0, 0, 0));
    EXPECT_TRUE(ecm(1, 0, 0));
    EXPECT_TRUE(ecm(2, 0, 0));
    EXPECT_TRUE(ecm(std::nullopt, 0, 100));  // 0: never
    EXPECT_TRUE(ecm(std::nullopt, 3, 2));
    EXPECT_FALSE(ecm(std::nullopt, 3, 3));
    EXPECT_FALSE(ecm(std::nullopt, 3, 4));
    EXPECT_FALSE(ecm(std::nullopt, 1, 1));
    EXPECT_TRUE(ecm(std::nullopt, 1, 0));
    EXPECT_FALSE(ecm(0, 3, 0));
}

TEST(HylafaxJobTest, V17FromDesiredbrAndRetries) {
    auto v17_off = [](std::optional<int> desiredbr, int after, int tottries) {
        auto s = settings();
        s.disable_v17_after_retry = after;
        auto j = job();
        j.desiredbr = desiredbr;
        j.tottries = tottries;
        return fax::fax::make_request(s, j, nullptr, "/d.tif").disable_v17;
    };
    EXPECT_FALSE(v17_off(std::nullopt, 0, 0));
    EXPECT_TRUE(v17_off(0, 0, 0));
    EXPECT_TRUE(v17_off(3, 0, 0));  // sendfax -B 9600
    EXPECT_TRUE(v17_off(4, 0, 0));
    EXPECT_FALSE(v17_off(5, 0, 0));
    EXPECT_FALSE(v17_off(13, 0, 0));
    EXPECT_FALSE(v17_off(std::nullopt, 0, 50));
    EXPECT_FALSE(v17_off(std::nullopt, 2, 1));
    EXPECT_TRUE(v17_off(std::nullopt, 2, 2));
    EXPECT_TRUE(v17_off(std::nullopt, 2, 3));
    // The ECM rules do not touch V.17 and back.
    auto s = settings();
    s.disable_ecm_after_retry = 1;
    auto j = job();
    j.tottries = 5;
    const auto r = fax::fax::make_request(s, j, nullptr, "/d.tif");
    EXPECT_FALSE(r.ecm);
    EXPECT_FALSE(r.disable_v17);
}

// ---------------------------------------------------------------- job_status

SendOutcome unanswered(std::string cause, std::string reason = {}) {
    SendOutcome o;
    o.status = SendStatus::retry;
    o.cause = std::move(cause);
    o.reason = std::move(reason);
    return o;
}

TEST(HylafaxJobTest, StatusBusy) {
    for (const std::string cause : {"USER_BUSY", "NORMAL_CIRCUIT_CONGESTION", "SWITCH_CONGESTION"}) {
        const auto st = fax::fax::job_status(unanswered(cause, cause));
        EXPECT_EQ(st.code, 1) << cause;
        EXPECT_EQ(st.text, "Busy signal detected");
    }
}

TEST(HylafaxJobTest, StatusNoAnswer) {
    for (const std::string cause :
         {"NO_ANSWER", "NO_USER_RESPONSE", "ALLOTTED_TIMEOUT", "PROGRESS_TIMEOUT", "RECOVERY_ON_TIMER_EXPIRE"}) {
        const auto st = fax::fax::job_status(unanswered(cause, cause));
        EXPECT_EQ(st.code, 3) << cause;
        EXPECT_EQ(st.text, "No answer from remote");
    }
}

TEST(HylafaxJobTest, StatusOtherCallFailures) {
    auto st = fax::fax::job_status(unanswered("CALL_REJECTED", "CALL_REJECTED"));
    EXPECT_EQ(st.code, 6);
    EXPECT_EQ(st.text, "Call failed: CALL_REJECTED");
    st = fax::fax::job_status(unanswered("GATEWAY_DOWN"));
    EXPECT_EQ(st.code, 6);
    EXPECT_EQ(st.text, "Call failed: GATEWAY_DOWN");
    st = fax::fax::job_status(unanswered("NORMAL_CLEARING", "interrupted by signal 15"));
    EXPECT_EQ(st.code, 6);
    EXPECT_EQ(st.text, "interrupted by signal 15 (NORMAL_CLEARING)");
    st = fax::fax::job_status(unanswered("", "FreeSWITCH connection: connection refused"));
    EXPECT_EQ(st.code, 6);
    EXPECT_EQ(st.text, "FreeSWITCH connection: connection refused");
    st = fax::fax::job_status(unanswered(""));
    EXPECT_EQ(st.code, 6);
    EXPECT_EQ(st.text, "Unknown problem");
    // Busy is recognised by the cause only, never by the reason text.
    EXPECT_EQ(fax::fax::job_status(unanswered("CALL_REJECTED", "USER_BUSY")).code, 6);
}

TEST(HylafaxJobTest, StatusAnswered) {
    SendOutcome o;
    o.answered = true;
    o.cause = "NORMAL_CLEARING";
    o.reason = "call ended without a fax result (NORMAL_CLEARING)";
    auto st = fax::fax::job_status(o);
    EXPECT_EQ(st.code, 7);  // carrier but no phase B
    EXPECT_EQ(st.text, "Carrier established, but Phase A failure: call ended without a fax result (NORMAL_CLEARING)");
    o.negotiations = 1;
    o.reason = "The call dropped prematurely (T.30 code 49)";
    st = fax::fax::job_status(o);
    EXPECT_EQ(st.code, 6);
    EXPECT_EQ(st.text, "The call dropped prematurely (T.30 code 49)");
    // A phase E result without a phase B report is not a phase A failure.
    o.negotiations = 0;
    o.result = fax::fax::FaxResult{};
    o.result->result_code = 48;
    o.reason = "Disconnected after permitted retries (T.30 code 48)";
    st = fax::fax::job_status(o);
    EXPECT_EQ(st.code, 6);
    EXPECT_EQ(st.text, o.reason);
    // Answered: a busy cause does not make it a busy signal.
    o.cause = "USER_BUSY";
    EXPECT_EQ(fax::fax::job_status(o).code, 6);
    o.reason.clear();
    EXPECT_EQ(fax::fax::job_status(o).text, "Unknown problem");
}

TEST(HylafaxJobTest, RequeueDelay) {
    SendSettings s;
    s.requeue_busy = 11s;
    s.requeue_no_answer = 22s;
    s.requeue_other = 33s;
    s.requeue_protocol = 44s;
    EXPECT_EQ(fax::fax::requeue_delay(s, unanswered("USER_BUSY")), 11s);
    EXPECT_EQ(fax::fax::requeue_delay(s, unanswered("SWITCH_CONGESTION")), 11s);
    EXPECT_EQ(fax::fax::requeue_delay(s, unanswered("NO_ANSWER")), 22s);
    EXPECT_EQ(fax::fax::requeue_delay(s, unanswered("NO_USER_RESPONSE")), 22s);
    EXPECT_EQ(fax::fax::requeue_delay(s, unanswered("CALL_REJECTED")), 33s);
    EXPECT_EQ(fax::fax::requeue_delay(s, unanswered("", "FreeSWITCH connection: refused")), 33s);
    SendOutcome answered;
    answered.answered = true;
    answered.cause = "USER_BUSY";
    EXPECT_EQ(fax::fax::requeue_delay(s, answered), 44s);
    answered.negotiations = 2;
    EXPECT_EQ(fax::fax::requeue_delay(s, answered), 44s);
    // HylaFAX's defaults.
    const SendSettings d;
    EXPECT_EQ(fax::fax::requeue_delay(d, unanswered("USER_BUSY")), 180s);
    EXPECT_EQ(fax::fax::requeue_delay(d, unanswered("NO_ANSWER")), 300s);
    EXPECT_EQ(fax::fax::requeue_delay(d, unanswered("CALL_REJECTED")), 300s);
    EXPECT_EQ(fax::fax::requeue_delay(d, answered), 60s);
}

TEST(HylafaxJobTest, SendReturn) {
    EXPECT_EQ(fax::fax::send_return(SendStatus::sent), SendReturn::done);
    EXPECT_EQ(fax::fax::send_return(SendStatus::failed), SendReturn::failed);
    EXPECT_EQ(fax::fax::send_return(SendStatus::retry), SendReturn::retry);
    // faxq's FaxSendStatus numbers (gofax-anchors.md §2.2).
    EXPECT_EQ(static_cast<int>(SendReturn::retry), 0);
    EXPECT_EQ(static_cast<int>(SendReturn::failed), 1);
    EXPECT_EQ(static_cast<int>(SendReturn::done), 2);
}

// ---------------------------------------------------------------- advance_documents

const std::string k_two_docs =
    "jobid:5\n"
    "fax:0::docq/a.tif;c0\n"
    "status:Sending\n"
    "!pdf:0::docq/b.pdf\n"
    "fax:0::docq/b.tif;c0\n"
    "returned:0\n";

std::string advanced(const std::string& text, const std::vector<int>& counts, int sent) {
    QueueFile q = QueueFile::parse(text);
    const JobFields j = job_of(text);
    fax::fax::advance_documents(q, j.documents, counts, sent);
    return q.serialize();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) {
        text.replace(at, from.size(), to);
    }
    return text;
}

TEST(HylafaxJobTest, AdvanceDocuments) {
    ASSERT_EQ(QueueFile::parse(k_two_docs).serialize(), k_two_docs);
    const std::vector<int> counts{3, 2};
    EXPECT_EQ(advanced(k_two_docs, counts, 0), k_two_docs);
    EXPECT_EQ(advanced(k_two_docs, counts, 1), replace(k_two_docs, "fax:0::docq/a.tif;c0", "fax:1::docq/a.tif;c0"));
    EXPECT_EQ(advanced(k_two_docs, counts, 2), replace(k_two_docs, "fax:0::docq/a.tif;c0", "fax:2::docq/a.tif;c0"));
    EXPECT_EQ(advanced(k_two_docs, counts, 3), replace(k_two_docs, "fax:0::docq/a.tif;c0\n", ""));
    EXPECT_EQ(advanced(k_two_docs, counts, 4),
              replace(replace(k_two_docs, "fax:0::docq/a.tif;c0\n", ""), "fax:0::docq/b.tif;c0", "fax:1::docq/b.tif;c0"));
    const std::string none = replace(replace(k_two_docs, "fax:0::docq/a.tif;c0\n", ""), "fax:0::docq/b.tif;c0\n", "");
    EXPECT_EQ(advanced(k_two_docs, counts, 5), none);
    EXPECT_EQ(advanced(k_two_docs, counts, 6), none);  // more than the document: nothing left, no crash
    EXPECT_EQ(advanced(k_two_docs, counts, -1), k_two_docs);
}

TEST(HylafaxJobTest, AdvanceDocumentsFromAPartlySentItem) {
    // A retry of a job whose first item was partly sent before: dirnum 2, 1 page left.
    const std::string text = "jobid:5\nfax:2::docq/a.tif;c0\nfax:0::docq/b.tif;c0\n";
    EXPECT_EQ(advanced(text, {1, 2}, 0), text);
    EXPECT_EQ(advanced(text, {1, 2}, 1), "jobid:5\nfax:0::docq/b.tif;c0\n");
    EXPECT_EQ(advanced(text, {1, 2}, 2), "jobid:5\nfax:1::docq/b.tif;c0\n");
    // The dirnum grows from where the item started, not from 0.
    EXPECT_EQ(advanced("jobid:5\nfax:2::docq/a.tif;c0\n", {4}, 3), "jobid:5\nfax:5::docq/a.tif;c0\n");
}

TEST(HylafaxJobTest, AdvanceDocumentsLeavesOtherItemsAlone) {
    // Same path converted (!fax) and unconverted: only the `fax:` line moves.
    const std::string text = "jobid:5\n!fax:0::docq/a.tif\nfax:0::docq/a.tif\ntiff:0::docq/a.tif\n";
    EXPECT_EQ(advanced(text, {2}, 1), "jobid:5\n!fax:0::docq/a.tif\nfax:1::docq/a.tif\ntiff:0::docq/a.tif\n");
    EXPECT_EQ(advanced(text, {2}, 2), "jobid:5\n!fax:0::docq/a.tif\ntiff:0::docq/a.tif\n");
}

TEST(HylafaxJobTest, AdvanceDocumentsWithFewerCountsThanItems) {
    // Page counts only for the first item: the second is never touched.
    EXPECT_EQ(advanced(k_two_docs, {3}, 5), replace(k_two_docs, "fax:0::docq/a.tif;c0\n", ""));
    EXPECT_EQ(advanced(k_two_docs, {}, 5), k_two_docs);
}

TEST(HylafaxJobTest, AdvanceDocumentsOnTheRealQfile) {
    const std::string text = fixture("qfile-as-passed-to-SendFaxCmd.txt");
    EXPECT_EQ(advanced(text, {2}, 1), replace(text, "fax:0::docq/doc2.tif;c0", "fax:1::docq/doc2.tif;c0"));
    EXPECT_EQ(advanced(text, {2}, 2), replace(text, "fax:0::docq/doc2.tif;c0\n", ""));
}

}  // namespace
