// fax::hylafax::ModemRequestSplitter and classify_modem_request: what a
// virtual modem reads on FIFO.<id> (faxq's L and HELLO, the sender's SB/SR).

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hylafax/modem_request.hpp"

namespace {

using fax::hylafax::classify_modem_request;
using fax::hylafax::ModemRequest;
using fax::hylafax::ModemRequestSplitter;
using Messages = std::vector<std::string>;

TEST(ModemRequestTest, ClassifiesFaxqAndSenderMessages) {
    EXPECT_EQ(classify_modem_request("HELLO"), ModemRequest::hello);
    EXPECT_EQ(classify_modem_request("H"), ModemRequest::hello);
    EXPECT_EQ(classify_modem_request("L"), ModemRequest::lock);
    EXPECT_EQ(classify_modem_request("SR"), ModemRequest::set_ready);
    EXPECT_EQ(classify_modem_request("SB"), ModemRequest::set_busy);
    EXPECT_EQ(classify_modem_request("SD"), ModemRequest::unknown);
    EXPECT_EQ(classify_modem_request("SRX"), ModemRequest::unknown);
    EXPECT_EQ(classify_modem_request("S"), ModemRequest::unknown);
    EXPECT_EQ(classify_modem_request("Q"), ModemRequest::unknown);
    EXPECT_EQ(classify_modem_request("hello"), ModemRequest::unknown);
    EXPECT_EQ(classify_modem_request(""), ModemRequest::unknown);
    EXPECT_STREQ(fax::hylafax::modem_request_name(ModemRequest::set_busy), "set_busy");
}

TEST(ModemRequestTest, SplitsConcatenatedMessagesOnNulAndNewline) {
    ModemRequestSplitter s;
    EXPECT_EQ(s.feed(std::string("SB\0SR\0", 6)), (Messages{"SB", "SR"}));
    EXPECT_EQ(s.feed("L\nHELLO\r\n"), (Messages{"L", "HELLO"}));
    EXPECT_FALSE(s.partial());
}

TEST(ModemRequestTest, KeepsASplitMessageUntilItEnds) {
    ModemRequestSplitter s;
    EXPECT_EQ(s.feed("S"), Messages{});
    EXPECT_TRUE(s.partial());
    EXPECT_EQ(s.feed(std::string("B\0S", 3)), Messages{"SB"});
    EXPECT_EQ(s.feed(std::string("R\0", 2)), Messages{"SR"});
    EXPECT_FALSE(s.partial());
}

TEST(ModemRequestTest, TrimsBlanksAndSkipsEmptyMessages) {
    ModemRequestSplitter s;
    EXPECT_EQ(s.feed(std::string("\0\0 SR \n\n\t\0", 10)), Messages{"SR"});
}

TEST(ModemRequestTest, DropsAnOverlongMessageWholeAndRecovers) {
    ModemRequestSplitter s;
    EXPECT_EQ(s.feed(std::string(ModemRequestSplitter::k_max_message, 'x')), Messages{});
    EXPECT_EQ(s.feed("yy"), Messages{});  // now too long: its start and this tail are dropped
    EXPECT_EQ(s.feed(std::string("zz\0SB\0", 6)), Messages{"SB"});
    EXPECT_EQ(s.dropped(), 1U);
    EXPECT_EQ(s.feed(std::string(ModemRequestSplitter::k_max_message, 'L') + '\0'),
              Messages{std::string(ModemRequestSplitter::k_max_message, 'L')});
}

}  // namespace
