// Posts written together (chat/posting.cpp) give what each post alone would: on the engine the
// tests run on, with the writer held so that the posts queued meanwhile share one group.
#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>

#include "access/seen_rooms.hpp"
#include "chat/errors.hpp"
#include "chat/service.hpp"
#include "communities/service.hpp"
#include "invitations/service.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"

namespace ps::chat {
namespace {

using ps::testing::fails_with;

class Posting : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner
  caller bea = t.person("Bea");
  caller max = t.person("Max");
  caller eve = t.person("Eve");  // not a member
  std::string slug = t.community(ana);
  std::int64_t general = 0, other = 0;

  void SetUp() override {
    for (const caller* who : {&bea, &max}) {
      auto inv = invitations::create_invitation(a(), ana, slug, {});
      ASSERT_TRUE(inv.ok());
      ASSERT_TRUE(invitations::accept_invitation(a(), *who, inv->code).ok());
    }
    general = create_channel(a(), ana, slug, "général", "chat")->id;
    other = create_channel(a(), ana, slug, "autre", "chat")->id;
  }

  std::int64_t community_id() { return communities::access_community(a(), ana, slug)->place.id; }

  std::future<result<message>> queue(const caller& who, std::int64_t channel, std::string body,
                                     std::optional<std::string> client_id = std::nullopt) {
    auto done = std::make_shared<std::promise<result<message>>>();
    auto reply = done->get_future();
    post_message_then(a(), who, channel, new_message{std::move(body), std::nullopt, client_id},
                      [done](result<message> r) { done->set_value(std::move(r)); });
    return reply;
  }

  std::vector<message> all_messages(const caller& who, std::int64_t channel) {
    return *history(a(), who, channel, page_request{std::nullopt, std::nullopt, max_page});
  }
};

TEST_F(Posting, PostsQueuedTogetherGetTheirNumbersInOrderPerChannel) {
  auto sub = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(sub, {max.account_id}, {community_id()});
  const auto batched_before = a().db.counts().batched;
  auto release = testing::hold_writer(a().db);
  auto g1 = queue(bea, general, "un"), o1 = queue(max, other, "ailleurs"),
       g2 = queue(ana, general, "**deux**"), g3 = queue(bea, general, "trois");
  release.set_value();
  auto m1 = g1.get(), m2 = g2.get(), m3 = g3.get(), n1 = o1.get();
  ASSERT_TRUE(m1.ok() && m2.ok() && m3.ok() && n1.ok());
  EXPECT_EQ(a().db.counts().batched - batched_before, 4u);
  EXPECT_EQ(m1->seq, 1);
  EXPECT_EQ(m2->seq, 2);
  EXPECT_EQ(m3->seq, 3);
  EXPECT_EQ(n1->seq, 1);
  EXPECT_EQ(m2->html, "<p><strong>deux</strong></p>\n");
  EXPECT_EQ(m2->author_name, "Ana");
  EXPECT_NE(m1->id, m3->id);

  // What was stored is what was answered.
  auto stored = all_messages(max, general);
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[0].id, m1->id);
  EXPECT_EQ(stored[1].id, m2->id);
  EXPECT_EQ(stored[2].id, m3->id);
  EXPECT_EQ(stored[1].body, "**deux**");

  // The events went out once each, in the order of their positions, naming their messages.
  std::vector<std::int64_t> positions, ids;
  for (const auto& text : sub->texts()) {
    auto frame = nlohmann::json::parse(text);
    if (frame.at("type") != "message.created") continue;
    positions.push_back(frame.at("pos").get<std::int64_t>());
    ids.push_back(frame.at("message").at("id").get<std::int64_t>());
  }
  ASSERT_EQ(positions.size(), 4u);
  for (std::size_t i = 1; i < positions.size(); ++i) EXPECT_EQ(positions[i], positions[i - 1] + 1);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{m1->id, n1->id, m2->id, m3->id}));

  // Each author has read up to their own last message; the others have not.
  auto channels = list_channels(a(), bea, slug);
  for (const auto& c : *channels)
    if (c.id == general) {
      EXPECT_EQ(c.last_read_seq, 3);
    }
  auto max_sees = list_channels(a(), max, slug);
  for (const auto& c : *max_sees)
    if (c.id == general) {
      EXPECT_EQ(c.unread, 3);
    }
}

TEST_F(Posting, ARetryInTheSameGroupOrLaterGetsTheFirstMessage) {
  auto release = testing::hold_writer(a().db);
  auto first = queue(bea, general, "une fois", "c-1"),
       again = queue(bea, general, "une fois", "c-1"),
       someone_else = queue(max, general, "moi aussi", "c-1");
  release.set_value();
  auto m = first.get(), r = again.get(), s = someone_else.get();
  ASSERT_TRUE(m.ok() && r.ok() && s.ok());
  EXPECT_EQ(r->id, m->id);
  EXPECT_NE(s->id, m->id);  // a client_id is the author's own

  // In a later group, beside a new post: the first once more, nothing written.
  release = testing::hold_writer(a().db);
  auto later = queue(bea, general, "une fois", "c-1"), fresh = queue(bea, general, "nouveau");
  release.set_value();
  auto l = later.get(), f = fresh.get();
  ASSERT_TRUE(l.ok() && f.ok());
  EXPECT_EQ(l->id, m->id);
  EXPECT_EQ(f->seq, 3);
  EXPECT_EQ(all_messages(bea, general).size(), 3u);
}

TEST_F(Posting, ARefusedPostInAGroupWritesNothingAndTheOthersGoThrough) {
  const auto archived = create_channel(a(), ana, slug, "vieux", "chat")->id;
  ASSERT_TRUE(post_message(a(), bea, archived, {"avant", std::nullopt, std::nullopt}).ok());
  ASSERT_TRUE(update_channel(a(), ana, archived, std::nullopt, true).ok());
  auto release = testing::hold_writer(a().db);
  auto ok1 = queue(bea, general, "un"), stranger = queue(eve, general, "intrus"),
       missing = queue(bea, 999'999, "nulle part"), late = queue(bea, archived, "après"),
       ok2 = queue(max, general, "deux");
  release.set_value();
  EXPECT_TRUE(fails_with(stranger.get(), error_code::not_found));
  EXPECT_TRUE(fails_with(missing.get(), error_code::not_found));
  EXPECT_TRUE(fails_with(late.get(), channel_archived));
  auto m1 = ok1.get(), m2 = ok2.get();
  ASSERT_TRUE(m1.ok() && m2.ok());
  EXPECT_EQ(m1->seq, 1);
  EXPECT_EQ(m2->seq, 2);  // no number taken by the refused ones
  EXPECT_EQ(all_messages(bea, archived).size(), 1u);
  EXPECT_EQ(all_messages(bea, general).size(), 2u);
}

TEST_F(Posting, ARemovedMembersPostsAreRefusedInAGroup) {
  ASSERT_TRUE(communities::remove_member(a(), ana, slug, max.account_id).ok());
  auto release = testing::hold_writer(a().db);
  auto removed = queue(max, general, "encore moi"), member = queue(bea, general, "salut");
  release.set_value();
  EXPECT_TRUE(fails_with(removed.get(), error_code::not_found));
  EXPECT_TRUE(member.get().ok());
}

// The reads that remember (PostgreSQL's nodes do, access/seen_rooms.hpp): a removed member's
// next read is refused at once, the remembered yes forgotten through the hub.
TEST_F(Posting, ARememberedReadIsForgottenWhenTheMemberIsRemoved) {
  access::seen_rooms seen(60'000);
  a().seen_rooms = &seen;
  t.hub.when_access_changes([&seen](std::int64_t account) { seen.forget_account(account); });
  ASSERT_TRUE(latest_page_json(a(), max, general, 50).ok());
  ASSERT_TRUE(history(a(), max, other, {}).ok());
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_TRUE(fails_with(latest_page_json(a(), eve, general, 50), error_code::not_found));
  EXPECT_EQ(seen.size(), 2u);  // no is never remembered
  ASSERT_TRUE(communities::remove_member(a(), ana, slug, max.account_id).ok());
  EXPECT_EQ(seen.size(), 0u);
  EXPECT_TRUE(fails_with(latest_page_json(a(), max, general, 50), error_code::not_found));
  EXPECT_TRUE(fails_with(history(a(), max, other, {}), error_code::not_found));
  a().seen_rooms = nullptr;
}

}  // namespace
}  // namespace ps::chat
