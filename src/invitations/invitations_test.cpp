// The rules of invitation links on a temporary SQLite with a manual clock: who may make them,
// previewing, accepting, and every way a link stops working.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "communities/service.hpp"
#include "invitations/service.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"
#include "invitations/errors.hpp"

namespace ps::invitations {
namespace {

constexpr millis hour = 60 * 60 * 1000;

using ps::testing::fails_with;

invitation_form with_max_uses(std::int64_t n) {
  return invitation_form{n, std::nullopt, std::nullopt};
}
invitation_form expiring_in(std::int64_t hours) {
  return invitation_form{std::nullopt, hours, std::nullopt};
}

class InvitationsService : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner
  std::string slug = t.community(ana);

  invitation make(const caller& who, const invitation_form& form = {}) {
    auto inv = create_invitation(a(), who, slug, form);
    if (!inv)
      throw std::runtime_error("create_invitation: " + std::string(code_name(inv.error().code)));
    return *inv;
  }
  communities::membership join(const caller& inviter, const caller& who) {
    auto joined = accept_invitation(a(), who, make(inviter).code);
    if (!joined)
      throw std::runtime_error("accept_invitation: " + std::string(code_name(joined.error().code)));
    return joined->membership;
  }
  std::int64_t uses_of(const std::string& code) {
    auto all = list_invitations(a(), ana, slug);
    if (!all) throw std::runtime_error("list_invitations");
    for (const auto& inv : *all)
      if (inv.code == code) return inv.uses;
    throw std::runtime_error("no such invitation");
  }
  void set_member_invites(bool allowed, std::int64_t quota) {
    auto ok = communities::update_community(
        a(), ana, slug, communities::community_changes{{}, {}, {}, {}, allowed, quota});
    if (!ok) throw std::runtime_error("update_community");
  }
};

// --- creating ---

TEST_F(InvitationsService, HostsCreateInvitations) {
  auto inv = create_invitation(a(), ana, slug,
                               invitation_form{10, 48, std::string("  Pour les voisins du 3e  ")});
  ASSERT_TRUE(inv.ok());
  EXPECT_GE(inv->code.size(), 12u);
  EXPECT_EQ(inv->created_by, ana.account_id);
  EXPECT_EQ(inv->max_uses, 10);
  EXPECT_EQ(inv->uses, 0);
  EXPECT_EQ(inv->expires_at, testing::test_epoch + 48 * hour);
  EXPECT_EQ(inv->note, "Pour les voisins du 3e");
  EXPECT_FALSE(inv->revoked_at.has_value());
  EXPECT_NE(make(ana).code, inv->code);

  const caller hugo = t.person("Hugo");
  join(ana, hugo);
  ASSERT_TRUE(communities::change_role(a(), ana, slug, hugo.account_id, "host").ok());
  auto by_host = create_invitation(a(), hugo, slug, {});
  ASSERT_TRUE(by_host.ok());
  EXPECT_FALSE(by_host->max_uses.has_value());
  EXPECT_FALSE(by_host->expires_at.has_value());
}

TEST_F(InvitationsService, MembersInviteOnlyWhenAllowedAndWithinTheirQuota) {
  const caller mia = t.person("Mia");
  join(ana, mia);
  EXPECT_TRUE(fails_with(create_invitation(a(), mia, slug, {}), error_code::forbidden));

  set_member_invites(true, 2);
  ASSERT_TRUE(create_invitation(a(), mia, slug, {}).ok());
  ASSERT_TRUE(create_invitation(a(), mia, slug, {}).ok());
  EXPECT_TRUE(fails_with(create_invitation(a(), mia, slug, {}), error_code::forbidden));
  // The quota is per member, and hosts have none.
  const caller max = t.person("Max");
  join(ana, max);
  EXPECT_TRUE(create_invitation(a(), max, slug, {}).ok());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(create_invitation(a(), ana, slug, {}).ok());

  set_member_invites(false, 2);
  EXPECT_TRUE(fails_with(create_invitation(a(), max, slug, {}), error_code::forbidden));

  // Members see only their own invitations; hosts see all.
  auto mine = list_invitations(a(), mia, slug);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->size(), 2u);
  for (const auto& inv : *mine) EXPECT_EQ(inv.created_by, mia.account_id);
  EXPECT_EQ(list_invitations(a(), ana, slug)->size(), 2u + 1u + 2u + 3u);  // two from the joins
}

TEST_F(InvitationsService, CreateChecksTheBounds) {
  EXPECT_TRUE(fails_with(create_invitation(a(), ana, slug, with_max_uses(0)),
                         error_code::invalid_field, "max_uses"));
  EXPECT_TRUE(fails_with(create_invitation(a(), ana, slug, with_max_uses(100001)),
                         error_code::invalid_field, "max_uses"));
  EXPECT_TRUE(create_invitation(a(), ana, slug, with_max_uses(1)).ok());
  EXPECT_TRUE(create_invitation(a(), ana, slug, with_max_uses(100000)).ok());

  EXPECT_TRUE(fails_with(create_invitation(a(), ana, slug, expiring_in(0)),
                         error_code::invalid_field, "expires_in_hours"));
  EXPECT_TRUE(fails_with(create_invitation(a(), ana, slug, expiring_in(8761)),
                         error_code::invalid_field, "expires_in_hours"));
  EXPECT_TRUE(create_invitation(a(), ana, slug, expiring_in(1)).ok());
  EXPECT_TRUE(create_invitation(a(), ana, slug, expiring_in(8760)).ok());

  std::string note;
  for (int i = 0; i < 500; ++i) note += "é";
  EXPECT_TRUE(create_invitation(a(), ana, slug, invitation_form{{}, {}, note}).ok());
  EXPECT_TRUE(fails_with(create_invitation(a(), ana, slug, invitation_form{{}, {}, note + "e"}),
                         error_code::invalid_field, "note"));
  EXPECT_TRUE(fails_with(
      create_invitation(a(), ana, slug, invitation_form{{}, {}, std::string("pour\x00toi", 8)}),
      error_code::invalid_field, "note", field_problem::forbidden_characters));
}

TEST_F(InvitationsService, NonMembersCannotCreateOrList) {
  const caller eve = t.person("Eve");
  EXPECT_TRUE(fails_with(create_invitation(a(), eve, slug, {}), error_code::not_found));
  EXPECT_TRUE(fails_with(list_invitations(a(), eve, slug), error_code::not_found));
  EXPECT_TRUE(fails_with(create_invitation(a(), ana, "nulle-part", {}), error_code::not_found));
}

// --- previewing ---

TEST_F(InvitationsService, PreviewShowsTheCommunityAndTheInviter) {
  ASSERT_TRUE(communities::update_community(
                  a(), ana, slug,
                  communities::community_changes{{}, std::string("Le quartier"), {}, {}, {}, {}})
                  .ok());
  const invitation inv = make(ana, invitation_form{5, 24, std::string("secret")});
  auto p = preview_invitation(a(), inv.code);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->community_name, "Les voisins");
  EXPECT_EQ(p->community_description, "Le quartier");
  EXPECT_EQ(p->community_slug, slug);
  EXPECT_EQ(p->community_timezone, "America/Toronto");
  EXPECT_EQ(p->inviter_name, "Ana");
  EXPECT_EQ(p->inv.max_uses, 5);
  EXPECT_EQ(p->inv.uses, 0);
  EXPECT_EQ(p->inv.expires_at, testing::test_epoch + 24 * hour);
  EXPECT_TRUE(fails_with(preview_invitation(a(), "inconnu"), error_code::not_found));
}

// --- accepting ---

TEST_F(InvitationsService, AcceptingJoinsWithTheNextNumber) {
  const caller bea = t.person("Bea");
  const caller carl = t.person("Carl");
  const invitation inv = make(ana, with_max_uses(5));
  t.clock.advance(hour);
  auto joined = accept_invitation(a(), bea, inv.code);
  ASSERT_TRUE(joined.ok());
  EXPECT_TRUE(joined->is_new);
  EXPECT_EQ(joined->membership.member_number, 2);
  EXPECT_EQ(joined->membership.member_role, communities::role::member);
  EXPECT_EQ(joined->membership.invited_by, ana.account_id);
  EXPECT_EQ(joined->membership.community_slug, slug);
  EXPECT_EQ(joined->membership.joined_at, testing::test_epoch + hour);
  EXPECT_EQ(uses_of(inv.code), 1);
  ASSERT_TRUE(communities::access_community(a(), bea, slug).ok());

  auto next = accept_invitation(a(), carl, inv.code);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->membership.member_number, 3);
  EXPECT_EQ(uses_of(inv.code), 2);
}

TEST_F(InvitationsService, AcceptingAgainChangesNothing) {
  const caller bea = t.person("Bea");
  const invitation inv = make(ana, with_max_uses(2));
  auto first = accept_invitation(a(), bea, inv.code);
  ASSERT_TRUE(first.ok());
  auto again = accept_invitation(a(), bea, inv.code);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->is_new);
  EXPECT_EQ(again->membership.member_number, first->membership.member_number);
  EXPECT_EQ(uses_of(inv.code), 1);
  // Nor through another link, and the owner accepting their own link uses nothing.
  const invitation other = make(ana, with_max_uses(1));
  auto via_other = accept_invitation(a(), bea, other.code);
  ASSERT_TRUE(via_other.ok());
  EXPECT_FALSE(via_other->is_new);
  auto owner = accept_invitation(a(), ana, other.code);
  ASSERT_TRUE(owner.ok());
  EXPECT_FALSE(owner->is_new);
  EXPECT_EQ(owner->membership.member_number, 1);
  EXPECT_EQ(uses_of(other.code), 0);
  EXPECT_EQ(communities::list_members(a(), ana, slug)->size(), 2u);
}

TEST_F(InvitationsService, UsedUpInvitationStopsWorking) {
  const caller bea = t.person("Bea");
  const caller carl = t.person("Carl");
  const invitation inv = make(ana, with_max_uses(1));
  ASSERT_TRUE(accept_invitation(a(), bea, inv.code).ok());
  EXPECT_TRUE(fails_with(accept_invitation(a(), carl, inv.code), invitation_used_up));
  EXPECT_TRUE(fails_with(preview_invitation(a(), inv.code), invitation_used_up));
  EXPECT_TRUE(fails_with(communities::access_community(a(), carl, slug), error_code::not_found));
  EXPECT_EQ(uses_of(inv.code), 1);
}

TEST_F(InvitationsService, ExpiredInvitationStopsWorking) {
  const caller bea = t.person("Bea");
  const caller carl = t.person("Carl");
  const invitation inv = make(ana, expiring_in(2));
  t.clock.advance(2 * hour - 1);
  ASSERT_TRUE(preview_invitation(a(), inv.code).ok());
  ASSERT_TRUE(accept_invitation(a(), bea, inv.code).ok());
  t.clock.advance(1);
  EXPECT_TRUE(fails_with(preview_invitation(a(), inv.code), invitation_expired));
  EXPECT_TRUE(fails_with(accept_invitation(a(), carl, inv.code), invitation_expired));
  EXPECT_TRUE(fails_with(communities::access_community(a(), carl, slug), error_code::not_found));
}

TEST_F(InvitationsService, RevokedInvitationStopsWorking) {
  const caller bea = t.person("Bea");
  const invitation inv = make(ana);
  ASSERT_TRUE(revoke_invitation(a(), ana, inv.code).ok());
  EXPECT_TRUE(fails_with(preview_invitation(a(), inv.code), invitation_revoked));
  EXPECT_TRUE(fails_with(accept_invitation(a(), bea, inv.code), invitation_revoked));
  EXPECT_TRUE(fails_with(communities::access_community(a(), bea, slug), error_code::not_found));
  EXPECT_EQ(uses_of(inv.code), 0);
}

TEST_F(InvitationsService, UnknownCodeIsNotFound) {
  const caller bea = t.person("Bea");
  EXPECT_TRUE(fails_with(preview_invitation(a(), "nope"), error_code::not_found));
  EXPECT_TRUE(fails_with(accept_invitation(a(), bea, "nope"), error_code::not_found));
  EXPECT_TRUE(fails_with(revoke_invitation(a(), ana, "nope"), error_code::not_found));
}

// --- revoking ---

TEST_F(InvitationsService, RevokeByItsCreatorOrAHostOnly) {
  const caller mia = t.person("Mia");
  const caller max = t.person("Max");
  const caller eve = t.person("Eve");
  join(ana, mia);
  join(ana, max);
  set_member_invites(true, 5);
  const invitation by_ana = make(ana);
  const invitation by_mia = make(mia);
  const invitation by_mia_too = make(mia);

  EXPECT_TRUE(fails_with(revoke_invitation(a(), max, by_ana.code), error_code::forbidden));
  EXPECT_TRUE(fails_with(revoke_invitation(a(), max, by_mia.code), error_code::forbidden));
  EXPECT_TRUE(
      fails_with(revoke_invitation(a(), eve, by_mia.code), error_code::not_found));  // not a member
  EXPECT_TRUE(preview_invitation(a(), by_mia.code).ok());

  EXPECT_TRUE(revoke_invitation(a(), mia, by_mia.code).ok());
  EXPECT_TRUE(revoke_invitation(a(), ana, by_mia_too.code).ok());
  EXPECT_TRUE(fails_with(preview_invitation(a(), by_mia.code), invitation_revoked));
  EXPECT_TRUE(fails_with(preview_invitation(a(), by_mia_too.code), invitation_revoked));
  EXPECT_TRUE(preview_invitation(a(), by_ana.code).ok());
}

// --- events ---

TEST_F(InvitationsService, MemberJoinedIsPublishedToTheCommunity) {
  const caller bea = t.person("Bea");
  const caller eve = t.person("Eve");
  const std::int64_t community_id = communities::access_community(a(), ana, slug)->place.id;
  const std::string elsewhere = t.community(eve, "Ailleurs");
  const std::int64_t other_id = communities::access_community(a(), eve, elsewhere)->place.id;
  auto ana_sub = std::make_shared<testing::recording_subscriber>();
  auto eve_sub = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(ana_sub, {ana.account_id}, {community_id});
  t.hub.attach(eve_sub, {eve.account_id}, {other_id});

  const invitation inv = make(ana);
  ASSERT_EQ(ana_sub->count(), 0u);
  ASSERT_TRUE(accept_invitation(a(), bea, inv.code).ok());
  ASSERT_EQ(ana_sub->count(), 1u);
  auto event = nlohmann::json::parse(ana_sub->texts().at(0));
  EXPECT_EQ(event.at("type"), "member.joined");
  EXPECT_EQ(event.at("community_id"), community_id);
  EXPECT_EQ(event.at("member").at("account_id"), bea.account_id);
  EXPECT_EQ(event.at("member").at("member_number"), 2);
  EXPECT_EQ(event.at("member").at("display_name"), "Bea");
  EXPECT_EQ(eve_sub->count(), 0u);  // another community hears nothing

  // Accepting again is not a new join: no second event.
  ASSERT_TRUE(accept_invitation(a(), bea, inv.code).ok());
  EXPECT_EQ(ana_sub->count(), 1u);
  // A refused accept publishes nothing either.
  ASSERT_TRUE(revoke_invitation(a(), ana, inv.code).ok());
  EXPECT_FALSE(accept_invitation(a(), eve, inv.code).ok());
  EXPECT_EQ(ana_sub->count(), 1u);
}

}  // namespace
}  // namespace ps::invitations
