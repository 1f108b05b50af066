// fax::esl::Acl: the inbound listener's allowed peers.

#include <gtest/gtest.h>

#include "esl/acl.hpp"

namespace {

using fax::esl::Acl;

TEST(AclTest, EmptyAllowsEveryone) {
    auto acl = Acl::parse({});
    ASSERT_TRUE(acl.ok());
    EXPECT_TRUE(acl->allows("203.0.113.9"));
}

TEST(AclTest, CidrsAddressesV6AndMappedV4) {
    auto acl = Acl::parse({"10.0.0.0/8, 192.168.1.7", "fd00::/8"});
    ASSERT_TRUE(acl.ok());
    EXPECT_TRUE(acl->allows("10.200.3.4"));
    EXPECT_TRUE(acl->allows("192.168.1.7"));
    EXPECT_FALSE(acl->allows("192.168.1.8"));
    EXPECT_TRUE(acl->allows("::ffff:10.1.1.1"));
    EXPECT_TRUE(acl->allows("fd00::2"));
    EXPECT_FALSE(acl->allows("127.0.0.1"));
    EXPECT_FALSE(acl->allows("not an address"));
}

TEST(AclTest, LoopbackAutoAndBadEntries) {
    auto acl = Acl::parse({"loopback.auto"});
    ASSERT_TRUE(acl.ok());
    EXPECT_TRUE(acl->allows("127.0.0.1"));
    EXPECT_TRUE(acl->allows("::1"));
    EXPECT_FALSE(acl->allows("10.0.0.1"));
    EXPECT_FALSE(Acl::parse({"10.0.0.0/33"}).ok());
    EXPECT_FALSE(Acl::parse({"localhost"}).ok());
}

}  // namespace
