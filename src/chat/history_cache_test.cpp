#include "chat/history_cache.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "accounts/service.hpp"
#include "chat/service.hpp"
#include "db/database.hpp"
#include "invitations/service.hpp"
#include "testing/test_app.hpp"

namespace ps::chat {
namespace {

using nlohmann::json;

TEST(HistoryCache, ServesACopyOnlyWhileItsTicketIsCurrent) {
  history_cache cache;
  auto ticket = cache.current(7);
  cache.store(7, 50, ticket, "page");
  ASSERT_NE(cache.find(7, 50), nullptr);
  EXPECT_EQ(*cache.find(7, 50), "page");
  EXPECT_EQ(cache.find(7, 20), nullptr);  // another page size
  EXPECT_EQ(cache.find(8, 50), nullptr);
  cache.channel_changed(8);  // another channel: no effect
  EXPECT_NE(cache.find(7, 50), nullptr);
  cache.channel_changed(7);
  EXPECT_EQ(cache.find(7, 50), nullptr);
  cache.store(7, 50, cache.current(7), "again");
  cache.everything_changed();
  EXPECT_EQ(cache.find(7, 50), nullptr);
}

TEST(HistoryCache, NeverStoresAPageReadBeforeAChange) {
  history_cache cache;
  auto ticket = cache.current(7);  // a reader starts...
  cache.channel_changed(7);        // ...a post commits meanwhile...
  cache.store(7, 50, ticket, "without the post");
  EXPECT_EQ(cache.find(7, 50), nullptr);  // ...and the old page is not kept
  auto before_rename = cache.current(7);
  cache.everything_changed();
  cache.store(7, 50, before_rename, "old names");
  EXPECT_EQ(cache.find(7, 50), nullptr);
}

TEST(HistoryCache, KeepsAtMostItsLimit) {
  history_cache cache(3);
  for (std::int64_t c = 1; c <= 10; ++c) cache.store(c, 50, cache.current(c), "p");
  EXPECT_EQ(cache.size(), 3u);
}

// Through the service: the latest page a member reads always shows every committed change.
class LatestPage : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");
  caller bea = t.person("Bea");
  caller eve = t.person("Eve");  // not a member
  std::string slug = t.community(ana);
  std::int64_t channel = 0;

  void SetUp() override {
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(inv.ok());
    ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
    auto c = create_channel(a(), ana, slug, "général", "chat");
    ASSERT_TRUE(c.ok());
    channel = c->id;
  }

  json page(const caller& who) {
    auto text = latest_page_json(a(), who, channel, 50);
    EXPECT_TRUE(text.ok());
    return text ? json::parse(*text)["messages"] : json::array();
  }

  // Changes a body in the database without telling the cache (no service, no after-commit): a
  // read served from a cached copy still shows the old body, a read of the database the new one.
  void change_behind_the_cache(std::int64_t message_id, const std::string& body) {
    t.db->write([&](db::transaction& tx) {
      tx.execute("UPDATE messages SET body = $1 WHERE id = $2", body, message_id);
    });
  }
};

TEST_F(LatestPage, ShowsEveryChangeOnceCommitted) {
  auto first = post_message(a(), ana, channel, {"bonjour", std::nullopt, std::nullopt});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(page(bea).size(), 1u);
  EXPECT_EQ(t.history.size(), 1u);
  // The second read is served from the cache: it does not see a change the cache was not told.
  change_behind_the_cache(first->id, "vu seulement sans cache");
  EXPECT_EQ(page(bea)[0]["body"], "bonjour");

  ASSERT_TRUE(post_message(a(), bea, channel, {"salut", first->id, std::nullopt}).ok());
  auto p = page(ana);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0]["reply_count"], 1);  // the parent's count moved too

  ASSERT_TRUE(edit_message(a(), ana, first->id, "bonjour à tous").ok());
  EXPECT_EQ(page(bea)[0]["body"], "bonjour à tous");

  ASSERT_TRUE(react(a(), bea, first->id, "👍", true).ok());
  EXPECT_EQ(page(ana)[0]["reactions"][0]["emoji"], "👍");

  ASSERT_TRUE(accounts::update_profile(a(), ana, std::string("Ana B."), std::nullopt).ok());
  EXPECT_EQ(page(bea)[0]["author"]["display_name"], "Ana B.");

  ASSERT_TRUE(delete_message(a(), ana, first->id).ok());
  EXPECT_EQ(page(bea)[0]["deleted"], true);
}

TEST_F(LatestPage, ACachedPageIsStillOnlyForMembers) {
  auto posted = post_message(a(), ana, channel, {"entre nous", std::nullopt, std::nullopt});
  ASSERT_TRUE(posted.ok());
  EXPECT_EQ(page(ana).size(), 1u);  // now cached...
  change_behind_the_cache(posted->id, "vu seulement sans cache");
  EXPECT_EQ(page(ana)[0]["body"], "entre nous");  // ...and served from the cache
  auto stranger = latest_page_json(a(), eve, channel, 50);
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, error_code::not_found);
  EXPECT_FALSE(latest_page_json(a(), ana, channel, 0).ok());
  EXPECT_FALSE(latest_page_json(a(), ana, channel, max_page + 1).ok());
}

}  // namespace
}  // namespace ps::chat
