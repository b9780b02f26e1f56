// Direct conversations and private groups on a temporary database (SQLite, or PostgreSQL when
// the run has one): the same direct conversation every time, groups of at most 50, that only
// participants see them (not hosts, not the owner) through every path, adding and leaving, and
// the settings that refuse them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat/service.hpp"
#include "communities/service.hpp"
#include "conversations/errors.hpp"
#include "conversations/service.hpp"
#include "invitations/service.hpp"
#include "testing/assertions.hpp"
#include "testing/resume.hpp"
#include "testing/test_app.hpp"

namespace ps::conversations {
namespace {

using nlohmann::json;
using ps::testing::fails_with;

class Conversations : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner
  caller bea = t.person("Bea");
  caller max = t.person("Max");
  caller zoe = t.person("Zoe");
  caller eve = t.person("Eve");  // not a member
  std::string slug = t.community(ana);
  std::int64_t community_id = communities::access_community(a(), ana, slug)->place.id;

  void SetUp() override {
    for (const caller* who : {&bea, &max, &zoe}) {
      auto inv = invitations::create_invitation(a(), ana, slug, {});
      ASSERT_TRUE(inv.ok());
      ASSERT_TRUE(invitations::accept_invitation(a(), *who, inv->code).ok());
    }
  }

  started start(const caller& who, std::vector<std::int64_t> ids,
                std::optional<std::string> name = std::nullopt) {
    auto s = start_conversation(a(), who, slug, ids, name);
    if (!s) throw std::runtime_error("start: " + std::string(code_name(s.error())));
    return *s;
  }

  std::vector<std::int64_t> listed(const caller& who) {
    std::vector<std::int64_t> out;
    const auto list = list_conversations(a(), who, slug);
    for (const auto& c : *list) out.push_back(c.room.id);
    return out;
  }

  std::vector<json> resume(const caller& who, std::int64_t pos) {
    return testing::resume_frames(a(), who, community_id, pos);
  }

  std::int64_t last_pos() {
    return t.db->read([&](db::session& s) {
      return s.query_one("SELECT last_event_pos FROM communities WHERE id = $1", community_id)
          ->integer(0);
    });
  }
};

TEST_F(Conversations, StartingADirectConversationTwiceOpensTheSameOne) {
  auto first = start(bea, {max.account_id});
  EXPECT_TRUE(first.created);
  EXPECT_EQ(first.c.room.kind, "direct");
  EXPECT_EQ(first.c.participants.size(), 2u);
  auto again = start(max, {bea.account_id, bea.account_id, max.account_id});
  EXPECT_FALSE(again.created) << "from either side, named twice, with oneself: the same one";
  EXPECT_EQ(again.c.room.id, first.c.room.id);
  auto group = start(bea, {max.account_id, zoe.account_id}, "Les musiciens");
  EXPECT_EQ(group.c.room.kind, "group");
  EXPECT_EQ(group.c.room.name, "Les musiciens");
  EXPECT_EQ(group.c.participants.size(), 3u);
}

TEST_F(Conversations, OnlyParticipantsSeeThemNotHostsNorTheOwner) {
  auto dm = start(bea, {max.account_id});
  ASSERT_TRUE(chat::post_message(a(), bea, dm.c.room.id, {"psst", {}, {}}).ok());
  // The owner: not in the list, 404 on its messages and on posting, nothing on resume.
  EXPECT_TRUE(listed(ana).empty());
  EXPECT_TRUE(fails_with(chat::history(a(), ana, dm.c.room.id, {}), error_code::not_found));
  EXPECT_TRUE(fails_with(chat::post_message(a(), ana, dm.c.room.id, {"je lis?", {}, {}}),
                         error_code::not_found));
  for (const auto& f : resume(ana, 0))
    EXPECT_NE(f.value("channel_id", std::int64_t{0}), dm.c.room.id) << f.dump();
  const auto owners = chat::list_channels(a(), ana, slug);
  for (const auto& ch : *owners) EXPECT_NE(ch.id, dm.c.room.id);
  const auto beas = chat::list_channels(a(), bea, slug);
  for (const auto& ch : *beas)
    EXPECT_NE(ch.id, dm.c.room.id) << "conversations have their own list";
  EXPECT_EQ(listed(bea), std::vector<std::int64_t>{dm.c.room.id});
  EXPECT_EQ(chat::history(a(), max, dm.c.room.id, {})->size(), 1u);
  EXPECT_TRUE(
      fails_with(start_conversation(a(), eve, slug, {bea.account_id}, {}), error_code::not_found));
}

TEST_F(Conversations, BadStartsAreRefusedAndMakeNothing) {
  EXPECT_TRUE(fails_with(start_conversation(a(), bea, slug, {eve.account_id}, {}),
                         error_code::invalid_field, "member_ids"));
  EXPECT_TRUE(fails_with(start_conversation(a(), bea, slug, {}, {}), error_code::invalid_field,
                         "member_ids"));
  EXPECT_TRUE(fails_with(start_conversation(a(), bea, slug, {bea.account_id}, {}),
                         error_code::invalid_field, "member_ids"));
  std::vector<std::int64_t> crowd;
  for (int i = 0; i < 50; ++i) crowd.push_back(t.person("P" + std::to_string(i)).account_id);
  EXPECT_TRUE(fails_with(start_conversation(a(), bea, slug, crowd, {}), error_code::invalid_field,
                         "member_ids"))
      << "not members, and too many anyway";
  EXPECT_TRUE(listed(bea).empty());
}

TEST_F(Conversations, AGroupHoldsAtMostFifty) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 49; ++i) {
    auto p = t.person("M" + std::to_string(i));
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(invitations::accept_invitation(a(), p, inv->code).ok());
    ids.push_back(p.account_id);
  }
  auto full = start(bea, ids);
  EXPECT_EQ(full.c.participants.size(), 50u);
  EXPECT_TRUE(fails_with(add_participants(a(), bea, full.c.room.id, {max.account_id}),
                         error_code::invalid_field, "member_ids"));
  ids.push_back(max.account_id);
  EXPECT_TRUE(fails_with(start_conversation(a(), bea, slug, ids, {}), error_code::invalid_field,
                         "member_ids"));
}

TEST_F(Conversations, AddedPeopleSeeTheHistoryAndWhoLeavesLosesAccessAtOnce) {
  auto group = start(bea, {max.account_id}, std::nullopt);
  EXPECT_EQ(group.c.room.kind, "direct");
  EXPECT_TRUE(
      fails_with(add_participants(a(), bea, group.c.room.id, {zoe.account_id}), direct_is_two));
  auto g = start(bea, {max.account_id, zoe.account_id});
  ASSERT_TRUE(chat::post_message(a(), bea, g.c.room.id, {"avant", {}, {}}).ok());
  EXPECT_TRUE(fails_with(chat::history(a(), ana, g.c.room.id, {}), error_code::not_found));
  auto added = add_participants(a(), max, g.c.room.id, {ana.account_id});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->participants.size(), 4u);
  EXPECT_EQ(chat::history(a(), ana, g.c.room.id, {})->size(), 1u) << "the whole history";
  EXPECT_TRUE(
      fails_with(add_participants(a(), eve, g.c.room.id, {eve.account_id}), error_code::not_found));

  auto sub = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(sub, {zoe.account_id}, {community_id});
  ASSERT_TRUE(leave_conversation(a(), zoe, g.c.room.id).ok());
  EXPECT_TRUE(fails_with(chat::history(a(), zoe, g.c.room.id, {}), error_code::not_found));
  EXPECT_TRUE(fails_with(chat::post_message(a(), zoe, g.c.room.id, {"encore", {}, {}}),
                         error_code::not_found));
  EXPECT_EQ(sub->ended_with(), realtime::close_access_changed) << "her streams reconnect";
  EXPECT_TRUE(listed(zoe).empty());
  EXPECT_TRUE(fails_with(leave_conversation(a(), zoe, g.c.room.id), error_code::not_found));
}

TEST_F(Conversations, HostsMayTurnThemOffAndPeopleMayTakeThemOnlyFromThoseTheyKnow) {
  EXPECT_TRUE(
      fails_with(change_settings(a(), bea, slug, false, std::nullopt), error_code::forbidden));
  ASSERT_TRUE(change_settings(a(), ana, slug, false, std::nullopt).ok());
  EXPECT_TRUE(
      fails_with(start_conversation(a(), bea, slug, {max.account_id}, {}), direct_messages_off));
  ASSERT_TRUE(change_settings(a(), ana, slug, true, std::nullopt).ok());

  auto mine = change_settings(a(), max, slug, std::nullopt, true);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->from_known_only);
  EXPECT_TRUE(fails_with(start_conversation(a(), bea, slug, {max.account_id}, {}),
                         refuses_direct_messages));
  EXPECT_TRUE(fails_with(start_conversation(a(), zoe, slug, {max.account_id, ana.account_id}, {}),
                         refuses_direct_messages))
      << "nor add him to a group";
  // Someone Max already talks with (in a group he started) may write to him directly.
  start(max, {zoe.account_id, ana.account_id});
  EXPECT_TRUE(start_conversation(a(), zoe, slug, {max.account_id}, {}).ok());
  EXPECT_TRUE(start_conversation(a(), max, slug, {bea.account_id}, {}).ok())
      << "he may still write to anyone";
}

TEST_F(Conversations, TheirEventsReachOnlyTheirParticipantsLiveAndOnResume) {
  const auto from = last_pos();
  auto owner_stream = std::make_shared<testing::recording_subscriber>();
  auto max_stream = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(owner_stream, {ana.account_id}, {community_id});
  t.hub.attach(max_stream, {max.account_id}, {community_id});
  auto dm = start(bea, {max.account_id});
  ASSERT_TRUE(chat::post_message(a(), bea, dm.c.room.id, {"juste nous", {}, {}}).ok());
  EXPECT_EQ(owner_stream->count(), 0u);
  // The conversation, its message, and Max's notification of it.
  ASSERT_EQ(max_stream->count(), 3u);
  EXPECT_EQ(json::parse(max_stream->texts()[2])["type"], "notification.created");
  EXPECT_EQ(json::parse(max_stream->texts()[0])["type"], "conversation.created");
  EXPECT_EQ(json::parse(max_stream->texts()[0])["channel"]["participants"].size(), 2u);
  std::vector<std::string> types;
  for (const auto& f : resume(max, from)) types.push_back(f["type"]);
  EXPECT_EQ(types,
            (std::vector<std::string>{"conversation.created", "message.created",
                                      "notification.created", "resumed"}));
  for (const auto& f : resume(ana, from)) EXPECT_EQ(f["type"], "resumed") << f.dump();
}

}  // namespace
}  // namespace ps::conversations
