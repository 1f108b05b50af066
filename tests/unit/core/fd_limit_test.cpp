// fax::core::raise_fd_limit: the soft descriptor limit goes up to the hard one.

#include <sys/resource.h>

#include <gtest/gtest.h>

#include "core/fd_limit.hpp"

namespace {

TEST(FdLimitTest, SoftLimitIsRaisedToTheHardLimit) {
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 512) {
        GTEST_SKIP() << "hard limit too low to lower the soft one";
    }
    rlimit low = saved;
    low.rlim_cur = 256;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);

    auto r = fax::core::raise_fd_limit();
    auto again = fax::core::raise_fd_limit();  // already there: the same answer
    rlimit now{};
    ::getrlimit(RLIMIT_NOFILE, &now);
    ::setrlimit(RLIMIT_NOFILE, &saved);

    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(now.rlim_max, saved.rlim_max) << "the hard limit is left alone";
    if (saved.rlim_max != RLIM_INFINITY) {
        EXPECT_EQ(now.rlim_cur, saved.rlim_max);
        EXPECT_EQ(*r, saved.rlim_max);
    } else {
        EXPECT_GT(now.rlim_cur, 256U);
        EXPECT_EQ(*r, now.rlim_cur);
    }
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *r);
}

}  // namespace
