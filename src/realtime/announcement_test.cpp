// What one node reads of another's announcements: malformed lines are refused, not guessed at.
#include "realtime/announcement.hpp"

#include <gtest/gtest.h>

#include "realtime/everywhere.hpp"
#include "testing/test_app.hpp"

namespace ps::realtime {
namespace {

TEST(Announcement, SplitsTheWordsAndKeepsTheRestWhole) {
  const auto w = announcement::split("t 4 1,2 {\"type\":\"typing\", \"x\":1}", 3);
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[1], "4");
  EXPECT_EQ(w[3], "{\"type\":\"typing\", \"x\":1}");
  // Too short: the missing words come out empty, which no number reads.
  const auto short_line = announcement::split("e 1 2", 4);
  ASSERT_EQ(short_line.size(), 4u);
  EXPECT_EQ(short_line[3], "");
}

TEST(Announcement, ANumberIsAWholeDecimalWord) {
  EXPECT_EQ(announcement::number("42"), 42);
  EXPECT_EQ(announcement::number("-1"), -1);
  EXPECT_FALSE(announcement::number(""));
  EXPECT_FALSE(announcement::number("4x"));
  EXPECT_FALSE(announcement::number("99999999999999999999"));
}

TEST(Announcement, AHubChangeFromAnotherNodeIsAppliedOnlyWhenWellFormed) {
  hub h;
  EXPECT_TRUE(everywhere::apply(h, "a reconnect 7 0"));
  EXPECT_TRUE(everywhere::apply(h, "a end_account 7 -1"));
  EXPECT_FALSE(everywhere::apply(h, "a reconnect 7"));
  EXPECT_FALSE(everywhere::apply(h, "a reconnect seven 0"));
  EXPECT_FALSE(everywhere::apply(h, "a explode 7 0"));
  EXPECT_FALSE(everywhere::apply(h, "a reconnect 7 0 and more"));
  EXPECT_FALSE(everywhere::apply(h, "e 1 2 3"));
}

}  // namespace
}  // namespace ps::realtime
