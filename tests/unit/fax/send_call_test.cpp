// fax::fax::classify, fallback_rule_matches and SendOutcome::pages_sent on
// hand-built outcomes: the sent / retry / failed decision of fax-send.

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fax/send_call.hpp"

namespace {

using fax::fax::classify;
using fax::fax::fallback_rule_matches;
using fax::fax::FaxResult;
using fax::fax::PageResult;
using fax::fax::SendOutcome;
using fax::fax::SendRequest;
using fax::fax::SendStatus;

PageResult page(int transferred, int total, int bad_rows = 0) {
    PageResult p;
    p.pages_transferred = transferred;
    p.total_pages = total;
    p.bad_rows = bad_rows;
    return p;
}

FaxResult result(bool success, int code, int transferred, int total = 3) {
    FaxResult r;
    r.success = success;
    r.result_code = code;
    r.result_text = std::string(success ? "OK" : "The call dropped prematurely");
    r.pages_transferred = transferred;
    r.total_pages = total;
    return r;
}

SendOutcome answered_with(std::vector<PageResult> pages, std::optional<FaxResult> r = std::nullopt) {
    SendOutcome o;
    o.answered = true;
    o.negotiations = 1;
    o.cause = "NORMAL_CLEARING";
    o.pages = std::move(pages);
    o.result = std::move(r);
    return o;
}

SendOutcome unanswered(std::string cause) {
    SendOutcome o;
    o.cause = std::move(cause);
    return o;
}

SendRequest request(std::vector<std::string> failed_causes = {"UNALLOCATED_NUMBER", "CALL_REJECTED"}) {
    SendRequest r;
    r.failed_causes = std::move(failed_causes);
    return r;
}

TEST(SendClassifyTest, SuccessfulResultIsSent) {
    EXPECT_EQ(classify(request(), answered_with({page(1, 3), page(2, 3), page(3, 3)}, result(true, 0, 3))),
              SendStatus::sent);
    // The result decides even when the pages were not all reported.
    EXPECT_EQ(classify(request(), answered_with({}, result(true, 0, 3))), SendStatus::sent);
}

TEST(SendClassifyTest, AllPagesConfirmedWithoutPhaseEIsSent) {
    EXPECT_EQ(classify(request(), answered_with({page(1, 3), page(2, 3), page(3, 3)})), SendStatus::sent);
    // A late phase E error after the last page's confirmation does not undo it.
    EXPECT_EQ(classify(request(), answered_with({page(1, 2), page(2, 2)}, result(false, 49, 2, 2))),
              SendStatus::sent);
}

TEST(SendClassifyTest, MissingPagesAreRetried) {
    EXPECT_EQ(classify(request(), answered_with({page(1, 3), page(2, 3)})), SendStatus::retry);
    EXPECT_EQ(classify(request(), answered_with({page(1, 3), page(2, 3)}, result(false, 49, 2))), SendStatus::retry);
    EXPECT_EQ(classify(request(), answered_with({})), SendStatus::retry);
    EXPECT_EQ(classify(request(), answered_with({}, result(false, 48, 0))), SendStatus::retry);
    // Without a page total (receiver-style reports) nothing counts as all confirmed.
    EXPECT_EQ(classify(request(), answered_with({page(1, 0)})), SendStatus::retry);
    // The last report decides, not an earlier one.
    EXPECT_EQ(classify(request(), answered_with({page(1, 1), page(1, 2)})), SendStatus::retry);
}

TEST(SendClassifyTest, PagesOfAnUnansweredCallDoNotCount) {
    SendOutcome o = answered_with({page(1, 1)});
    o.answered = false;
    EXPECT_EQ(classify(request(), o), SendStatus::retry);
}

TEST(SendClassifyTest, FailedCausesOnlyBeforeAnswer) {
    EXPECT_EQ(classify(request(), unanswered("CALL_REJECTED")), SendStatus::failed);
    EXPECT_EQ(classify(request(), unanswered("UNALLOCATED_NUMBER")), SendStatus::failed);
    EXPECT_EQ(classify(request(), unanswered("USER_BUSY")), SendStatus::retry);
    EXPECT_EQ(classify(request(), unanswered("")), SendStatus::retry);
    EXPECT_EQ(classify(request(), unanswered("call_rejected")), SendStatus::retry);  // exact names
    EXPECT_EQ(classify(request({}), unanswered("CALL_REJECTED")), SendStatus::retry);
    EXPECT_EQ(classify(request({""}), unanswered("")), SendStatus::retry);
    EXPECT_EQ(classify(request({"USER_BUSY"}), unanswered("USER_BUSY")), SendStatus::failed);
    // Answered: the hangup cause is not an originate cause.
    SendOutcome o = answered_with({page(1, 3)});
    o.cause = "CALL_REJECTED";
    EXPECT_EQ(classify(request(), o), SendStatus::retry);
    // A success wins over everything.
    SendOutcome s = unanswered("CALL_REJECTED");
    s.result = result(true, 0, 1, 1);
    EXPECT_EQ(classify(request(), s), SendStatus::sent);
}

TEST(SendFallbackRuleTest, Rule) {
    SendOutcome o = answered_with({page(1, 3)}, result(false, 49, 1));
    o.negotiations = 2;
    EXPECT_TRUE(fallback_rule_matches(o));
    o.negotiations = 1;
    EXPECT_FALSE(fallback_rule_matches(o));
    o.bad_rows = 1;
    EXPECT_TRUE(fallback_rule_matches(o));
    o.negotiations = 0;  // no phase B: the line never carried a fax
    EXPECT_FALSE(fallback_rule_matches(o));
    o.negotiations = 5;
    o.bad_rows = 0;
    EXPECT_TRUE(fallback_rule_matches(o));
    // No phase E at all counts as failed.
    o.result.reset();
    EXPECT_TRUE(fallback_rule_matches(o));
}

TEST(SendFallbackRuleTest, NeverOnSuccess) {
    SendOutcome o = answered_with({page(1, 1, 40)}, result(true, 0, 1, 1));
    o.negotiations = 3;
    o.bad_rows = 40;
    EXPECT_FALSE(fallback_rule_matches(o));
    o.negotiations = 1;
    EXPECT_FALSE(fallback_rule_matches(o));
}

TEST(SendOutcomeTest, PagesSent) {
    SendOutcome o;
    EXPECT_EQ(o.pages_sent(), 0);
    o.pages = {page(1, 3), page(2, 3)};
    EXPECT_EQ(o.pages_sent(), 2);
    o.result = result(false, 49, 1);  // an older count in phase E does not lower it
    EXPECT_EQ(o.pages_sent(), 2);
    o.result = result(true, 0, 3);
    EXPECT_EQ(o.pages_sent(), 3);
    o.pages.clear();
    EXPECT_EQ(o.pages_sent(), 3);
    o.result.reset();
    EXPECT_EQ(o.pages_sent(), 0);
}

TEST(SendOutcomeTest, StatusNames) {
    EXPECT_STREQ(fax::fax::send_status_name(SendStatus::sent), "sent");
    EXPECT_STREQ(fax::fax::send_status_name(SendStatus::retry), "retry");
    EXPECT_STREQ(fax::fax::send_status_name(SendStatus::failed), "failed");
}

}  // namespace
