// The rate limiter with a manual clock: the sliding window, several limits at once, atomic
// acquisition, and memory bounded under a flood of distinct keys.
#include "core/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ps {
namespace {

constexpr millis second = 1000;
constexpr rate_limit three_a_minute{"test.three", 3, 60 * second};
constexpr rate_limit ten_a_minute{"test.ten", 10, 60 * second};

TEST(RateLimiter, AllowsTheLimitThenSaysHowLongToWait) {
  manual_clock clock(0);
  rate_limiter limiter(clock);
  const rate_check checks[] = {{three_a_minute, "ana"}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.acquire(checks), 0) << i;
    clock.advance(10 * second);
  }
  // Events at 0, 10 and 20 s; now 30 s: the first leaves the window at 60 s.
  EXPECT_EQ(limiter.acquire(checks), 30);
  EXPECT_EQ(limiter.retry_after(checks), 30);
  clock.advance(29 * second + 1);
  EXPECT_EQ(limiter.retry_after(checks), 1);  // 999 ms, rounded up
  clock.advance(999);
  EXPECT_EQ(limiter.retry_after(checks), 0);
  EXPECT_EQ(limiter.acquire(checks), 0);
  // The window slides: the next place frees at 70 s, when the event of 10 s leaves.
  EXPECT_EQ(limiter.retry_after(checks), 10);
}

TEST(RateLimiter, RefusedAttemptsAreNotCounted) {
  manual_clock clock(0);
  rate_limiter limiter(clock);
  const rate_check checks[] = {{three_a_minute, "ana"}};
  for (int i = 0; i < 3; ++i) ASSERT_EQ(limiter.acquire(checks), 0);
  for (int i = 0; i < 50; ++i) {
    EXPECT_GT(limiter.acquire(checks), 0);
    clock.advance(second);
  }
  clock.advance(10 * second);  // 60 s after the three events
  EXPECT_EQ(limiter.acquire(checks), 0);
}

TEST(RateLimiter, KeysAndLimitsAreCountedApart) {
  manual_clock clock(0);
  rate_limiter limiter(clock);
  const rate_check ana[] = {{three_a_minute, "ana"}};
  const rate_check bea[] = {{three_a_minute, "bea"}};
  const rate_check ana_ten[] = {{ten_a_minute, "ana"}};
  for (int i = 0; i < 3; ++i) ASSERT_EQ(limiter.acquire(ana), 0);
  EXPECT_GT(limiter.retry_after(ana), 0);
  EXPECT_EQ(limiter.retry_after(bea), 0);
  EXPECT_EQ(limiter.retry_after(ana_ten), 0);  // the same key under another limit
}

TEST(RateLimiter, SeveralChecksWaitForTheLongestAndCountTogether) {
  manual_clock clock(0);
  rate_limiter limiter(clock);
  const rate_check both[] = {{three_a_minute, "pair"}, {ten_a_minute, "address"}};
  const rate_check address_only[] = {{ten_a_minute, "address"}};
  const rate_check other_pair[] = {{three_a_minute, "other pair"}, {ten_a_minute, "address"}};
  for (int i = 0; i < 3; ++i) ASSERT_EQ(limiter.acquire(both), 0);
  EXPECT_EQ(limiter.acquire(both), 60);  // the pair is full
  // The refused attempt counted against neither: 3 events on the address, 7 left.
  for (int i = 0; i < 7; ++i) EXPECT_EQ(limiter.acquire(other_pair), i < 3 ? 0 : 60) << i;
  EXPECT_EQ(limiter.retry_after(address_only), 0);
  limiter.record(address_only);
  limiter.record(address_only);
  limiter.record(address_only);
  limiter.record(address_only);
  EXPECT_EQ(limiter.retry_after(address_only), 60);
}

TEST(RateLimiter, RecordCountsPastTheLimitAndForgetClears) {
  manual_clock clock(0);
  rate_limiter limiter(clock);
  const rate_check checks[] = {{three_a_minute, "ana"}};
  for (int i = 0; i < 5; ++i) {
    limiter.record(checks);
    clock.advance(10 * second);
  }
  // Events at 0..40 s, now 50 s: allowed again when only two are left, when the one of 20 s
  // leaves the window at 80 s.
  EXPECT_EQ(limiter.retry_after(checks), 30);
  limiter.forget(checks[0]);
  EXPECT_EQ(limiter.retry_after(checks), 0);
}

TEST(RateLimiter, MemoryStaysBoundedUnderAFloodOfDistinctKeys) {
  manual_clock clock(0);
  rate_limiter limiter(clock, 100);
  for (int i = 0; i < 10'000; ++i) {
    const rate_check checks[] = {{three_a_minute, "flood " + std::to_string(i)}};
    limiter.record(checks);
    clock.advance(1);
    ASSERT_LE(limiter.key_count(), 100u) << i;
  }
  // The most recently active keys are the ones kept.
  const rate_check latest[] = {{three_a_minute, "flood 9999"}};
  limiter.record(latest);
  limiter.record(latest);
  EXPECT_GT(limiter.retry_after(latest), 0);
}

TEST(RateLimiter, KeysWhoseEventsAgedOutGoBeforeLiveOnes) {
  manual_clock clock(0);
  rate_limiter limiter(clock, 10);
  const rate_check keep[] = {{ten_a_minute, "keep"}};
  limiter.record(keep);
  for (int i = 0; i < 8; ++i) {
    const rate_check old[] = {{three_a_minute, "old " + std::to_string(i)}};
    limiter.record(old);
  }
  clock.advance(61 * second);  // the "old" keys' events (and keep's) leave their window
  limiter.record(keep);
  for (int i = 0; i < 8; ++i) {
    const rate_check fresh[] = {{three_a_minute, "fresh " + std::to_string(i)}};
    limiter.record(fresh);
  }
  EXPECT_LE(limiter.key_count(), 10u);
  // "keep" was live and survived the sweep with its event.
  for (int i = 0; i < 9; ++i) limiter.record(keep);
  EXPECT_GT(limiter.retry_after(keep), 0);
}

}  // namespace
}  // namespace ps
