#include "access/seen_rooms.hpp"

#include <gtest/gtest.h>

namespace ps::access {
namespace {

TEST(SeenRooms, RemembersAYesForItsLifetime) {
  seen_rooms seen(1000);
  EXPECT_FALSE(seen.allowed(1, 10, 0));
  seen.remember(1, 10, 0, seen.ticket());
  EXPECT_TRUE(seen.allowed(1, 10, 999));
  EXPECT_FALSE(seen.allowed(1, 10, 1000));
  EXPECT_FALSE(seen.allowed(1, 11, 0));
  EXPECT_FALSE(seen.allowed(2, 10, 0));
}

TEST(SeenRooms, ForgettingAnAccountForgetsOnlyItsRooms) {
  seen_rooms seen(1000);
  seen.remember(1, 10, 0, seen.ticket());
  seen.remember(1, 11, 0, seen.ticket());
  seen.remember(2, 10, 0, seen.ticket());
  EXPECT_EQ(seen.size(), 3u);
  seen.forget_account(1);
  EXPECT_FALSE(seen.allowed(1, 10, 0));
  EXPECT_FALSE(seen.allowed(1, 11, 0));
  EXPECT_TRUE(seen.allowed(2, 10, 0));
  EXPECT_EQ(seen.size(), 1u);
}

TEST(SeenRooms, AnAnswerReadBeforeAForgetIsNotKept) {
  seen_rooms seen(1000);
  const auto ticket = seen.ticket();  // a read starts
  seen.forget_account(7);             // someone's access shrinks meanwhile
  seen.remember(1, 10, 0, ticket);    // the read's answer may predate it
  EXPECT_FALSE(seen.allowed(1, 10, 0));
  seen.remember(1, 10, 0, seen.ticket());
  EXPECT_TRUE(seen.allowed(1, 10, 0));
}

TEST(SeenRooms, PastItsCapacityEverythingGoes) {
  seen_rooms seen(1000, 2);
  seen.remember(1, 10, 0, seen.ticket());
  seen.remember(1, 10, 0, seen.ticket());  // the same again does not count twice
  seen.remember(2, 10, 0, seen.ticket());
  EXPECT_EQ(seen.size(), 2u);
  seen.remember(3, 10, 0, seen.ticket());
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen.allowed(3, 10, 0));
  EXPECT_FALSE(seen.allowed(1, 10, 0));
}

}  // namespace
}  // namespace ps::access
