// channels_for, the policy's question for posts written together, answers as channel_for does
// for each caller and room, from one query.
#include "access/policy.hpp"

#include <gtest/gtest.h>

#include "chat/service.hpp"
#include "communities/service.hpp"
#include "invitations/service.hpp"
#include "testing/test_app.hpp"

namespace ps::access {
namespace {

TEST(AccessPolicy, ManyQuestionsAtOnceGetTheAnswersOfOneAtATime) {
  testing::test_app t;
  t.cfg.test_room_kinds = true;
  caller ana = t.person("Ana"), bea = t.person("Bea"), max = t.person("Max"), eve = t.person("Eve");
  const std::string slug = t.community(ana);
  for (const caller* who : {&bea, &max}) {
    auto inv = invitations::create_invitation(t.app(), ana, slug, {});
    ASSERT_TRUE(invitations::accept_invitation(t.app(), *who, inv->code).ok());
  }
  ASSERT_TRUE(communities::change_role(t.app(), ana, slug, bea.account_id, "host").ok());
  const auto open = chat::create_channel(t.app(), ana, slug, "ouvert", "chat")->id;
  const auto closed = chat::create_channel(t.app(), ana, slug, "privé",
                                           std::string(chat::test_private_kind), {bea.account_id})
                          ->id;
  std::vector<room_request> asked;
  for (const caller* who : {&ana, &bea, &max, &eve})
    for (auto room : {open, closed, std::int64_t{999'999}}) asked.push_back({who, room});
  asked.push_back({&max, open});  // the same question twice
  auto many = t.db->read([&](db::session& s) { return channels_for(s, asked); });
  ASSERT_EQ(many.size(), asked.size());
  int allowed = 0;
  for (std::size_t i = 0; i < asked.size(); ++i) {
    auto one = t.db->read(
        [&](db::session& s) { return channel_for(s, *asked[i].who, asked[i].channel_id); });
    ASSERT_EQ(many[i].ok(), one.ok()) << "question " << i;
    if (!one) continue;
    ++allowed;
    EXPECT_EQ(many[i]->place.id, one->place.id);
    EXPECT_EQ(many[i]->member_role, one->member_role);
    EXPECT_EQ(many[i]->member_name, one->member_name);
    EXPECT_EQ(many[i]->place.visibility, one->place.visibility);
  }
  // Ana (owner) and Bea (participant) see both rooms, Max only the open one (twice), Eve none.
  EXPECT_EQ(allowed, 2 + 2 + 1 + 1);
}

}  // namespace
}  // namespace ps::access
