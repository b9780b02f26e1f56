#pragma once
// The cast of the broadcast tests (polls, prompts): Ana the owner, Bea and Max members, Eve an
// outsider, and a broadcast room "annonces" in Ana's community.
#include <gtest/gtest.h>

#include "chat/service.hpp"
#include "communities/service.hpp"
#include "invitations/service.hpp"
#include "testing/test_app.hpp"

namespace ps::broadcast {

class broadcast_room : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner
  caller bea = t.person("Bea");
  caller max = t.person("Max");
  caller eve = t.person("Eve");  // not a member
  std::string slug = t.community(ana);
  std::int64_t community_id = communities::access_community(a(), ana, slug)->place.id;
  std::int64_t room = 0;

  void SetUp() override {
    for (const caller* who : {&bea, &max}) {
      auto inv = invitations::create_invitation(a(), ana, slug, {});
      ASSERT_TRUE(invitations::accept_invitation(a(), *who, inv->code).ok());
    }
    auto c = chat::create_channel(a(), ana, slug, "annonces", "broadcast");
    ASSERT_TRUE(c.ok());
    room = c->id;
  }
};

}  // namespace ps::broadcast
