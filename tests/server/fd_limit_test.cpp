#include "server/fd_limit.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace pactwatch::server {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

// Verifies the soft limit is raised to max_connections plus the reserve when the hard limit allows it (the
// default 10,000 connections against a soft limit of 1,024 failed accept() with EMFILE from the 1,000th on).
TEST(FdLimit, RaisesTheSoftLimitToWhatIsNeeded) {
  const auto plan = plan_fd_limit(10'000, 76, 1024, 1'048'576);
  EXPECT_EQ(plan.needed, 10'076u);
  EXPECT_EQ(plan.soft_after, 10'076u);
  EXPECT_EQ(plan.max_connections, 10'000u);
  EXPECT_FALSE(plan.connections_cut);
  EXPECT_EQ(plan_fd_limit(10'000, 76, 1024, kUnlimited).soft_after, 10'076u);
}

// Verifies a soft limit that is already high enough is left alone (never lowered).
TEST(FdLimit, LeavesAHighSoftLimitAlone) {
  const auto plan = plan_fd_limit(100, 76, 65'536, 65'536);
  EXPECT_EQ(plan.soft_after, 65'536u);
  EXPECT_EQ(plan.max_connections, 100u);
}

// Verifies that when even the hard limit is too low, the soft limit goes to the hard one and max_connections
// is cut to what fits beside the reserve, so that the server refuses the rest itself.
TEST(FdLimit, CutsMaxConnectionsToTheHardLimit) {
  const auto plan = plan_fd_limit(10'000, 76, 1024, 4096);
  EXPECT_EQ(plan.soft_after, 4096u);
  EXPECT_TRUE(plan.connections_cut);
  EXPECT_EQ(plan.max_connections, 4096u - 76u);
  EXPECT_EQ(plan_fd_limit(10'000, 76, 50, 50).max_connections, 1u);
}

// Verifies the reserve grows with the database pool (SQLite keeps three files per session).
TEST(FdLimit, ReserveCountsThePool) {
  EXPECT_EQ(fd_reserve(4), 76u);
  EXPECT_GT(fd_reserve(64), fd_reserve(4));
}

}  // namespace
}  // namespace pactwatch::server
