#include "accounts/credential_cache.hpp"

#include <gtest/gtest.h>

namespace ps::accounts {
namespace {

store::credential_owner owner(std::int64_t credential, std::int64_t account) {
  return store::credential_owner{credential, account, locale::fr, std::nullopt};
}

TEST(CredentialCache, RemembersForItsLifetimeOnly) {
  credential_cache cache(5'000);
  cache.remember("session a", owner(1, 10), 1'000, cache.ticket());
  ASSERT_TRUE(cache.find("session a", 5'999).has_value());
  EXPECT_EQ(cache.find("session a", 5'999)->account_id, 10);
  EXPECT_FALSE(cache.find("session a", 6'000).has_value());
  EXPECT_FALSE(cache.find("token a", 1'000).has_value());
}

TEST(CredentialCache, AnEndingForgetsEveryCredentialOfThatAccountOnly) {
  credential_cache cache(5'000);
  const auto ticket = cache.ticket();
  cache.remember("session a", owner(1, 10), 0, ticket);
  cache.remember("token b", owner(2, 10), 0, ticket);
  cache.remember("session c", owner(3, 11), 0, ticket);
  cache.forget_account(10);
  EXPECT_FALSE(cache.find("session a", 1).has_value());
  EXPECT_FALSE(cache.find("token b", 1).has_value());
  EXPECT_TRUE(cache.find("session c", 1).has_value());
}

TEST(CredentialCache, WhatWasReadBeforeAnEndingIsNotRemembered) {
  credential_cache cache(5'000);
  const auto before = cache.ticket();  // the read starts
  cache.forget_account(10);            // the session ends meanwhile, on this node or another
  cache.remember("session a", owner(1, 10), 0, before);
  EXPECT_FALSE(cache.find("session a", 1).has_value());
  cache.remember("session a", owner(1, 10), 0, cache.ticket());
  EXPECT_TRUE(cache.find("session a", 1).has_value());
}

TEST(CredentialCache, KeepsTheLastUseAndStaysBounded) {
  credential_cache cache(5'000, 2);
  cache.remember("session a", owner(1, 10), 0, cache.ticket());
  cache.touched("session a", 42);
  EXPECT_EQ(cache.find("session a", 50)->last_used_at, 42);
  cache.remember("session b", owner(2, 11), 0, cache.ticket());
  cache.remember("session c", owner(3, 12), 0, cache.ticket());  // past the capacity
  EXPECT_LE(cache.size(), 2u);
  EXPECT_TRUE(cache.find("session c", 1).has_value());
}

}  // namespace
}  // namespace ps::accounts
