// Tiers on a temporary database (SQLite, or PostgreSQL when the run has one): hosts define them
// in two languages with a price, members read them, hosts grant them until a date, and each
// change is an event, for the whole community (a tier) or for the member and the hosts (their
// tiers).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "invitations/service.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"
#include "tiers/service.hpp"

namespace ps::tiers {
namespace {

using ps::testing::fails_with;

class Tiers : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }
  caller ana = t.person("Ana");  // the owner
  caller bea = t.person("Bea", locale::en);
  caller eve = t.person("Eve");  // not a member
  std::string slug = t.community(ana, "La Fanfare");

  void SetUp() override {
    auto inv = invitations::create_invitation(a(), ana, slug, {});
    ASSERT_TRUE(invitations::accept_invitation(a(), bea, inv->code).ok());
  }
  tier_input named(const std::string& name) {
    tier_input in;
    in.name = name;
    return in;
  }
  int store_position(std::int64_t tier_id) {
    const auto listed = list_tiers(a(), ana, slug);
    for (const auto& x : listed->tiers)
      if (x.id == tier_id) return x.position;
    return -1;
  }
  std::vector<std::pair<std::string, std::optional<std::int64_t>>> events() {
    return t.db->read([](db::session& s) {
      std::vector<std::pair<std::string, std::optional<std::int64_t>>> out;
      for (auto& r : s.query("SELECT type, only_account_id FROM events WHERE type LIKE "
                             "'%tier%' ORDER BY pos"))
        out.emplace_back(r.text(0), r.maybe_integer(1));
      return out;
    });
  }
};

TEST_F(Tiers, HostsDefineTiersInTwoLanguagesMembersReadThem) {
  tier_input in = named("Premier rang");
  in.description = "Les billets avant tout le monde.";
  in.en.name = "Front row";
  in.price_given = true;
  in.price_cents = 500;
  in.price_period = "month";
  auto made = create_tier(a(), ana, slug, in);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->name_fr, "Premier rang") << "the host writes in French";
  EXPECT_EQ(made->name_en, "Front row");
  ASSERT_TRUE(create_tier(a(), ana, slug, named("Ami")).ok());

  auto seen = list_tiers(a(), bea, slug);
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->tiers.size(), 2u);
  EXPECT_FALSE(seen->holders.has_value()) << "members do not see who holds what";
  const auto json = to_json(seen->tiers[0], bea.lang, std::nullopt);
  EXPECT_EQ(json["name"], "Front row") << "Bea reads English";
  EXPECT_EQ(json["description"], "Les billets avant tout le monde.") << "no English: French";
  EXPECT_EQ(json["price"]["amount_cents"], 500);
  EXPECT_EQ(to_json(seen->tiers[1], bea.lang, std::nullopt)["name"], "Ami");

  EXPECT_TRUE(fails_with(create_tier(a(), bea, slug, named("x")), error_code::forbidden));
  EXPECT_TRUE(fails_with(create_tier(a(), eve, slug, named("x")), error_code::not_found));
  EXPECT_TRUE(fails_with(list_tiers(a(), eve, slug), error_code::not_found));
  EXPECT_TRUE(
      fails_with(create_tier(a(), ana, slug, tier_input{}), error_code::invalid_field, "name"));
  tier_input bad = named("Ok");
  bad.price_given = true;
  bad.price_cents = -1;
  EXPECT_TRUE(fails_with(create_tier(a(), ana, slug, bad), error_code::invalid_field,
                         "price.amount_cents"));
  bad.price_cents = 100;
  bad.currency = "cad";
  EXPECT_TRUE(
      fails_with(create_tier(a(), ana, slug, bad), error_code::invalid_field, "price.currency"));
  EXPECT_TRUE(fails_with(create_tier(a(), ana, slug, named(std::string(61, 'x'))),
                         error_code::invalid_field, "name"));
  EXPECT_TRUE(fails_with(create_tier(a(), ana, slug, named("A\u202Eb")), error_code::invalid_field,
                         "name"));

  const auto logged = events();
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_EQ(logged[0].first, "tier.changed");
  EXPECT_FALSE(logged[0].second.has_value()) << "to the whole community";
}

TEST_F(Tiers, AtMostTwentyPerCommunity) {
  for (int i = 0; i < static_cast<int>(max_tiers); ++i)
    ASSERT_TRUE(create_tier(a(), ana, slug, named("N" + std::to_string(i))).ok());
  EXPECT_TRUE(fails_with(create_tier(a(), ana, slug, named("de trop")), error_code::limit_reached));
}

TEST_F(Tiers, HostsGrantTiersUntilADateAndTheyEnd) {
  const auto ami = create_tier(a(), ana, slug, named("Ami"))->id;
  const auto rang = create_tier(a(), ana, slug, named("Premier rang"))->id;
  const millis in_a_day = t.clock.now() + 24 * 60 * 60 * 1000;
  auto held =
      set_member_tiers(a(), ana, slug, bea.account_id, {{ami, std::nullopt}, {rang, in_a_day}});
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ(member_tiers(a(), bea, slug, bea.account_id)->size(), 2u) << "Bea sees her own";
  EXPECT_EQ(list_tiers(a(), ana, slug)->holders->at(rang), 1);

  t.clock.advance(25 * 60 * 60 * 1000);
  auto now_held = member_tiers(a(), bea, slug, bea.account_id);
  ASSERT_EQ(now_held->size(), 1u) << "the one with an end date ended";
  EXPECT_EQ((*now_held)[0].tier_id, ami);
  EXPECT_FALSE(list_tiers(a(), ana, slug)->holders->contains(rang));

  // Exactly what is given: none is none.
  ASSERT_TRUE(set_member_tiers(a(), ana, slug, bea.account_id, {}).ok());
  EXPECT_TRUE(member_tiers(a(), bea, slug, bea.account_id)->empty());

  // The member and each host hear of it, each alone.
  const auto logged = events();
  int to_bea = 0, to_ana = 0;
  for (const auto& [type, only] : logged)
    if (type == "member.tiers.changed") (only == bea.account_id ? to_bea : to_ana) += 1;
  EXPECT_EQ(to_bea, 2);
  EXPECT_EQ(to_ana, 2);
}

TEST_F(Tiers, BadGrantsAreRefusedAndChangeNothing) {
  const auto ami = create_tier(a(), ana, slug, named("Ami"))->id;
  ASSERT_TRUE(set_member_tiers(a(), ana, slug, bea.account_id, {{ami, std::nullopt}}).ok());
  EXPECT_TRUE(
      fails_with(set_member_tiers(a(), bea, slug, bea.account_id, {}), error_code::forbidden));
  EXPECT_TRUE(fails_with(set_member_tiers(a(), ana, slug, eve.account_id, {{ami, std::nullopt}}),
                         error_code::not_found));
  EXPECT_TRUE(
      fails_with(set_member_tiers(a(), ana, slug, bea.account_id, {{ami + 100, std::nullopt}}),
                 error_code::invalid_field, "tier_ids"));
  EXPECT_TRUE(fails_with(
      set_member_tiers(a(), ana, slug, bea.account_id, {{ami, std::nullopt}, {ami, std::nullopt}}),
      error_code::invalid_field, "tier_ids"));
  EXPECT_TRUE(fails_with(set_member_tiers(a(), ana, slug, bea.account_id, {{ami, t.clock.now()}}),
                         error_code::invalid_field, "ends_at"));
  // Another community's tier.
  const std::string other = t.community(eve, "Ailleurs");
  const auto theirs = create_tier(a(), eve, other, named("Eux"))->id;
  EXPECT_TRUE(fails_with(set_member_tiers(a(), ana, slug, bea.account_id, {{theirs, std::nullopt}}),
                         error_code::invalid_field, "tier_ids"));
  EXPECT_TRUE(fails_with(update_tier(a(), ana, theirs, named("À moi")), error_code::not_found));
  EXPECT_TRUE(fails_with(delete_tier(a(), ana, theirs), error_code::not_found));
  EXPECT_TRUE(fails_with(member_tiers(a(), eve, slug, bea.account_id), error_code::not_found));
  ASSERT_EQ(member_tiers(a(), bea, slug, bea.account_id)->size(), 1u) << "nothing changed";
}

TEST_F(Tiers, ADeletedTierIsHeldByNobodyAndListedNoMore) {
  const auto ami = create_tier(a(), ana, slug, named("Ami"))->id;
  ASSERT_TRUE(set_member_tiers(a(), ana, slug, bea.account_id, {{ami, std::nullopt}}).ok());
  tier_input rename = named("Amie");
  rename.position = 3;
  auto renamed = update_tier(a(), ana, ami, rename);
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->name_fr, "Amie");
  EXPECT_EQ(renamed->position, 3);
  ASSERT_TRUE(delete_tier(a(), ana, ami).ok());
  EXPECT_TRUE(list_tiers(a(), bea, slug)->tiers.empty());
  EXPECT_TRUE(member_tiers(a(), bea, slug, bea.account_id)->empty());
  EXPECT_TRUE(fails_with(update_tier(a(), ana, ami, named("x")), error_code::not_found));
  EXPECT_TRUE(fails_with(delete_tier(a(), ana, ami), error_code::not_found));
}

TEST_F(Tiers, KeptGrantsKeepTheirDateRemovalTellsTheHoldersPositionsFollowTheLast) {
  const auto ami = create_tier(a(), ana, slug, named("Ami"))->id;
  const auto rang = create_tier(a(), ana, slug, named("Premier rang"))->id;
  ASSERT_TRUE(set_member_tiers(a(), ana, slug, bea.account_id, {{ami, std::nullopt}}).ok());
  const millis first = t.clock.now();
  t.clock.advance(60 * 1000);
  auto held = set_member_tiers(a(), ana, slug, bea.account_id,
                               {{ami, t.clock.now() + 3600 * 1000}, {rang, std::nullopt}});
  ASSERT_TRUE(held.ok());
  for (const auto& g : *held)
    EXPECT_EQ(g.granted_at, g.tier_id == ami ? first : t.clock.now()) << "since when is kept";

  const auto before = events().size();
  ASSERT_TRUE(delete_tier(a(), ana, ami).ok());
  const auto logged = events();
  int to_bea = 0;
  for (std::size_t k = before; k < logged.size(); ++k)
    if (logged[k].first == "member.tiers.changed" && logged[k].second == bea.account_id) ++to_bea;
  EXPECT_EQ(to_bea, 1) << "Bea hears her tiers changed";

  // After a removal, a new tier goes after the last one, not onto its position.
  auto next = create_tier(a(), ana, slug, named("Mécène"));
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->position, store_position(rang));
}

TEST_F(Tiers, AnInvitationLinkCanGiveTiers) {
  const auto ami = create_tier(a(), ana, slug, named("Ami"))->id;
  invitations::invitation_form form;
  form.tier_ids = {ami};
  auto inv = invitations::create_invitation(a(), ana, slug, form);
  ASSERT_TRUE(inv.ok());
  EXPECT_EQ(inv->tier_ids, std::vector<std::int64_t>{ami});
  caller zoe = t.person("Zoe");
  ASSERT_TRUE(invitations::accept_invitation(a(), zoe, inv->code).ok());
  auto held = member_tiers(a(), zoe, slug, zoe.account_id);
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].tier_id, ami);
  EXPECT_EQ((*held)[0].granted_by, ana.account_id) << "granted by who made the link";

  // Only hosts make such links; only this community's tiers.
  EXPECT_TRUE(
      fails_with(invitations::create_invitation(a(), bea, slug, form), error_code::forbidden));
  const std::string other = t.community(eve, "Ailleurs");
  invitations::invitation_form theirs;
  theirs.tier_ids = {create_tier(a(), eve, other, named("Eux"))->id};
  EXPECT_TRUE(fails_with(invitations::create_invitation(a(), ana, slug, theirs),
                         error_code::invalid_field, "tier_ids"));
  EXPECT_EQ(invitations::list_invitations(a(), ana, slug)->size(), 2u)
      << "the refused one was not written";
}

}  // namespace
}  // namespace ps::tiers
