// The limits counted in the database (several nodes): the same answers as the in-memory
// rate_limiter, and two nodes on one database share the counts. On SQLite, and on PostgreSQL in
// scripts/test.sh's second pass.
#include "accounts/shared_throttle.hpp"

#include <gtest/gtest.h>

#include "accounts/throttle.hpp"
#include "testing/test_app.hpp"

namespace ps::accounts {
namespace {

constexpr rate_limit three_a_minute{"test.three", 3, 60'000};

class SharedThrottle : public ::testing::Test {
 protected:
  testing::test_app t;
  shared_throttle node_a{*t.db, t.clock};
  shared_throttle node_b{*t.db, t.clock};  // another node on the same database
  const rate_check checks[1] = {{three_a_minute, "203.0.113.7"}};
};

TEST_F(SharedThrottle, AllowsTheLimitThenSaysHowLongToWait) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(node_a.retry_after(checks), 0);
    node_a.record(checks);
    t.clock.advance(1000);
  }
  // The first of the three leaves the window 60 s after it, 57 s from now.
  EXPECT_EQ(node_a.retry_after(checks), 57);
  t.clock.advance(57'000);
  EXPECT_EQ(node_a.retry_after(checks), 0);
}

TEST_F(SharedThrottle, TwoNodesCountTheSameAttempts) {
  node_a.record(checks);
  node_b.record(checks);
  node_a.record(checks);
  EXPECT_GT(node_b.retry_after(checks), 0) << "node B sees node A's attempts";
  EXPECT_GT(node_a.acquire(checks), 0);
  node_b.forget(checks[0]);
  EXPECT_EQ(node_a.retry_after(checks), 0) << "forgotten on every node";
}

TEST_F(SharedThrottle, AcquireCountsOnlyWhenAllowedAndKeysStayApart) {
  const rate_check other[1] = {{three_a_minute, "198.51.100.1"}};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(node_a.acquire(checks), 0);
  EXPECT_GT(node_b.acquire(checks), 0);
  EXPECT_EQ(node_b.acquire(other), 0) << "another key has its own count";
  // A refused acquire counted nothing: once the window passes, three more are allowed.
  t.clock.advance(60'001);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(node_b.acquire(checks), 0);
}

TEST_F(SharedThrottle, RowsOutsideTheWindowAreDeletedAsTheKeyIsUsed) {
  for (int i = 0; i < 3; ++i) node_a.record(checks);
  t.clock.advance(120'000);
  node_a.record(checks);
  const auto rows = t.db->read(
      [](db::session& s) { return s.query_one("SELECT COUNT(*) FROM rate_events")->integer(0); });
  EXPECT_EQ(rows, 1);
}

}  // namespace
}  // namespace ps::accounts
