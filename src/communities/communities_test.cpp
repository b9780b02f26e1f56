// The rules of communities and their members on a temporary SQLite with a manual clock:
// creation and slugs, who sees what, member numbers, removal and roles, and the events.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chat/service.hpp"
#include "communities/service.hpp"
#include "communities/store.hpp"
#include "core/text.hpp"
#include "invitations/service.hpp"
#include "testing/assertions.hpp"
#include "testing/test_app.hpp"
#include "communities/errors.hpp"
#include "invitations/errors.hpp"

namespace ps::communities {
namespace {

using ps::testing::fails_with;

community_form named(std::string name) {
  return community_form{std::move(name), {}, {}, {}, {}};
}

std::vector<std::string> types_of(const testing::recording_subscriber& sub) {
  std::vector<std::string> out;
  for (const auto& text : sub.texts())
    out.push_back(nlohmann::json::parse(text).at("type").get<std::string>());
  return out;
}

class CommunitiesService : public ::testing::Test {
 protected:
  testing::test_app t;
  app& a() { return t.app(); }

  // `who` joins through a fresh invitation made by `inviter`.
  membership join(const caller& inviter, const std::string& slug, const caller& who) {
    auto inv = invitations::create_invitation(a(), inviter, slug, {});
    if (!inv)
      throw std::runtime_error("create_invitation: " + std::string(code_name(inv.error())));
    auto joined = invitations::accept_invitation(a(), who, inv->code);
    if (!joined)
      throw std::runtime_error("accept_invitation: " + std::string(code_name(joined.error())));
    return joined->membership;
  }

  std::int64_t id_of(const caller& member, const std::string& slug) {
    auto ref = access_community(a(), member, slug);
    if (!ref) throw std::runtime_error("not a member");
    return ref->place.id;
  }

  std::optional<member> member_in(const caller& viewer, const std::string& slug,
                                  std::int64_t account_id) {
    auto all = list_members(a(), viewer, slug);
    if (!all) return std::nullopt;
    for (auto& m : *all)
      if (m.account_id == account_id) return m;
    return std::nullopt;
  }

  // A community with everyone its rules speak of: the owner, two hosts, two members.
  struct cast {
    caller owner, host, other_host, member_a, member_b;
    std::string slug;
  };
  cast with_roles() {
    cast c{t.person("Olga"), t.person("Hugo"), t.person("Hana"),
           t.person("Mia"),  t.person("Max"),  ""};
    c.slug = t.community(c.owner);
    for (const caller* who : {&c.host, &c.other_host, &c.member_a, &c.member_b})
      join(c.owner, c.slug, *who);
    for (const caller* who : {&c.host, &c.other_host})
      if (!change_role(a(), c.owner, c.slug, who->account_id, "host"))
        throw std::runtime_error("change_role");
    return c;
  }

  bool is_member(const std::string& slug, std::int64_t account_id) {
    return t.db->read([&](db::session& s) {
      auto place = store::community_by_slug(s, slug);
      return place && store::current_member(s, place->id, account_id).has_value();
    });
  }
};

// --- creation ---

TEST_F(CommunitiesService, CreatorIsTheOwnerAndMemberNumberOne) {
  const caller ana = t.person("Ana");
  auto c =
      create_community(a(), ana,
                       community_form{"  Les voisins  ", std::nullopt, std::string(" Le quartier "),
                                      std::nullopt, std::nullopt});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->place.name, "Les voisins");
  EXPECT_EQ(c->place.description, "Le quartier");
  EXPECT_EQ(c->place.owner_id, ana.account_id);
  EXPECT_EQ(c->place.timezone, "America/Toronto");
  EXPECT_EQ(c->place.lang, locale::fr);
  EXPECT_EQ(c->self.member_number, 1);
  EXPECT_EQ(c->self.member_role, role::owner);
  EXPECT_FALSE(c->self.invited_by.has_value());

  auto members = list_members(a(), ana, c->place.slug);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].account_id, ana.account_id);
  EXPECT_EQ((*members)[0].member_number, 1);
  EXPECT_EQ((*members)[0].member_role, role::owner);
  auto mine = memberships_of(a(), ana);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].community_slug, c->place.slug);
}

TEST_F(CommunitiesService, SlugIsDerivedFromTheNameWithAccentsFolded) {
  const caller ana = t.person("Ana");
  auto first = create_community(a(), ana, named("Les Voisins de l'École"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->place.slug, "les-voisins-de-l-ecole");
  auto second = create_community(a(), ana, named("Les Voisins de l'École"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->place.slug, "les-voisins-de-l-ecole-2");
  auto third = create_community(a(), ana, named("les voisins de l’école !"));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->place.slug, "les-voisins-de-l-ecole-3");
  // A name with nothing to keep still gets an address.
  auto symbols = create_community(a(), ana, named("★ ★ ★"));
  ASSERT_TRUE(symbols.ok());
  EXPECT_TRUE(text::is_valid_slug(symbols->place.slug)) << symbols->place.slug;
}

TEST_F(CommunitiesService, DerivedSlugWithANumberIsStillAValidSlug) {
  const caller ana = t.person("Ana");
  // 35 letters, a space, then more: the derived slug's first 36 characters end with a dash.
  const std::string name = std::string(35, 'a') + " bbbbbbbb";
  auto first = create_community(a(), ana, named(name));
  ASSERT_TRUE(first.ok());
  auto second = create_community(a(), ana, named(name));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->place.slug, first->place.slug);
  EXPECT_TRUE(text::is_valid_slug(second->place.slug)) << second->place.slug;
  EXPECT_EQ(second->place.slug.find("--"), std::string::npos) << second->place.slug;
}

TEST_F(CommunitiesService, ExplicitSlugMustBeFreeAndWellFormed) {
  const caller ana = t.person("Ana");
  auto own = create_community(a(), ana,
                              community_form{"Chez nous", std::string(" Mon-Coin "), {}, {}, {}});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->place.slug, "mon-coin");
  EXPECT_TRUE(fails_with(
      create_community(a(), ana, community_form{"Autre", std::string("mon-coin"), {}, {}, {}}),
      slug_taken));
  for (const char* bad : {"a", "-debut", "fin-", "avec espace", "accentué", "x/y", ""})
    EXPECT_TRUE(fails_with(
        create_community(a(), ana, community_form{"Autre", std::string(bad), {}, {}, {}}),
        error_code::invalid_field, "slug"))
        << bad;
  EXPECT_TRUE(fails_with(
      create_community(a(), ana, community_form{"Autre", std::string(41, 'a'), {}, {}, {}}),
      error_code::invalid_field, "slug"));
}

TEST_F(CommunitiesService, CreateValidatesNameDescriptionTimezoneAndLocale) {
  const caller ana = t.person("Ana");
  EXPECT_TRUE(
      fails_with(create_community(a(), ana, named("   ")), error_code::invalid_field, "name"));
  EXPECT_TRUE(fails_with(create_community(a(), ana, named(std::string(81, 'n'))),
                         error_code::invalid_field, "name"));
  EXPECT_TRUE(fails_with(
      create_community(a(), ana, community_form{"Ok", {}, std::string(2001, 'd'), {}, {}}),
      error_code::invalid_field, "description"));
  EXPECT_TRUE(fails_with(
      create_community(a(), ana, community_form{"Ok", {}, {}, {}, std::string("Mars/Olympus")}),
      error_code::invalid_field, "timezone"));
  EXPECT_TRUE(
      fails_with(create_community(a(), ana, community_form{"Ok", {}, {}, std::string("de"), {}}),
                 error_code::invalid_field, "locale"));
  auto good = create_community(
      a(), ana, community_form{"Ok", {}, {}, std::string("en"), std::string("Europe/Paris")});
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->place.lang, locale::en);
  EXPECT_EQ(good->place.timezone, "Europe/Paris");
}

TEST_F(CommunitiesService, NameAndDescriptionRefuseControlAndDirectionCharacters) {
  const caller ana = t.person("Ana");
  EXPECT_TRUE(fails_with(create_community(a(), ana, named("Les voisins\u202E")),
                         error_code::invalid_field, "name", field_problem::forbidden_characters));
  EXPECT_TRUE(fails_with(create_community(a(), ana, named("Les\nvoisins")),
                         error_code::invalid_field, "name", field_problem::forbidden_characters));
  EXPECT_TRUE(fails_with(create_community(a(), ana, community_form{"Ok", {}, "a\u202Db", {}, {}}),
                         error_code::invalid_field, "description",
                         field_problem::forbidden_characters));
  auto good = create_community(a(), ana, community_form{"Ok", {}, "Ligne 1\nLigne 2", {}, {}});
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->place.description, "Ligne 1\nLigne 2");
}

// --- who sees what ---

TEST_F(CommunitiesService, NonMemberGetsNotFoundNeverForbidden) {
  const caller ana = t.person("Ana");
  const caller eve = t.person("Eve");
  const std::string slug = t.community(ana);
  EXPECT_TRUE(fails_with(access_community(a(), eve, slug), error_code::not_found));
  EXPECT_TRUE(fails_with(list_members(a(), eve, slug), error_code::not_found));
  EXPECT_TRUE(fails_with(
      update_community(a(), eve, slug, community_changes{std::string("Pris"), {}, {}, {}, {}, {}}),
      error_code::not_found));
  EXPECT_TRUE(fails_with(remove_member(a(), eve, slug, ana.account_id), error_code::not_found));
  EXPECT_TRUE(
      fails_with(change_role(a(), eve, slug, ana.account_id, "member"), error_code::not_found));
  // An unknown slug looks exactly the same.
  auto unknown = access_community(a(), eve, "nulle-part");
  ASSERT_TRUE(fails_with(unknown, error_code::not_found));
  EXPECT_EQ(unknown.error().what, access_community(a(), eve, slug).error().what);
  EXPECT_TRUE(memberships_of(a(), eve).empty());
}

// --- member numbers and invitations ---

TEST_F(CommunitiesService, MemberNumbersFollowJoiningOrderAndRecordTheInviter) {
  const caller ana = t.person("Ana");
  const caller bea = t.person("Bea");
  const caller carl = t.person("Carl");
  const std::string slug = t.community(ana);
  auto bea_in = join(ana, slug, bea);
  EXPECT_EQ(bea_in.member_number, 2);
  EXPECT_EQ(bea_in.member_role, role::member);
  EXPECT_EQ(bea_in.invited_by, ana.account_id);
  ASSERT_TRUE(change_role(a(), ana, slug, bea.account_id, "host").ok());
  auto carl_in = join(bea, slug, carl);
  EXPECT_EQ(carl_in.member_number, 3);
  EXPECT_EQ(carl_in.invited_by, bea.account_id);

  auto members = list_members(a(), carl, slug);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[1].display_name, "Bea");
  EXPECT_EQ((*members)[1].invited_by, ana.account_id);
  EXPECT_EQ((*members)[2].invited_by, bea.account_id);
  EXPECT_FALSE((*members)[0].invited_by.has_value());
}

TEST_F(CommunitiesService, MemberNumbersAreNeverReused) {
  const caller ana = t.person("Ana");
  const caller bea = t.person("Bea");
  const caller carl = t.person("Carl");
  const caller dan = t.person("Dan");
  const std::string slug = t.community(ana);
  EXPECT_EQ(join(ana, slug, bea).member_number, 2);
  EXPECT_EQ(join(ana, slug, carl).member_number, 3);

  ASSERT_TRUE(remove_member(a(), bea, slug, bea.account_id).ok());  // Bea leaves
  EXPECT_TRUE(fails_with(access_community(a(), bea, slug), error_code::not_found));
  EXPECT_FALSE(member_in(ana, slug, bea.account_id).has_value());

  EXPECT_EQ(join(ana, slug, dan).member_number, 4);  // not Bea's old 2
  EXPECT_EQ(join(ana, slug, bea).member_number, 5);  // Bea comes back with a new number

  auto members = list_members(a(), ana, slug);
  ASSERT_TRUE(members.ok());
  std::vector<std::int64_t> numbers;
  for (const auto& m : *members) numbers.push_back(m.member_number);
  EXPECT_EQ(numbers, (std::vector<std::int64_t>{1, 3, 4, 5}));
  EXPECT_EQ(member_in(ana, slug, bea.account_id)->member_number, 5);
}

// --- removing members ---

TEST_F(CommunitiesService, MemberCannotRemoveOthers) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  EXPECT_TRUE(
      fails_with(remove_member(a(), member_a, slug, member_b.account_id), error_code::forbidden));
  EXPECT_TRUE(
      fails_with(remove_member(a(), member_a, slug, host.account_id), error_code::forbidden));
  EXPECT_TRUE(is_member(slug, member_b.account_id));
  EXPECT_TRUE(is_member(slug, host.account_id));
}

TEST_F(CommunitiesService, HostRemovesAMember) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  ASSERT_TRUE(remove_member(a(), host, slug, member_a.account_id).ok());
  EXPECT_FALSE(is_member(slug, member_a.account_id));
  EXPECT_TRUE(fails_with(access_community(a(), member_a, slug), error_code::not_found));
  EXPECT_TRUE(
      fails_with(remove_member(a(), host, slug, member_a.account_id), error_code::not_found));
  EXPECT_TRUE(fails_with(remove_member(a(), host, slug, 999999), error_code::not_found));
}

TEST_F(CommunitiesService, OnlyTheOwnerRemovesAHost) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  EXPECT_TRUE(
      fails_with(remove_member(a(), host, slug, other_host.account_id), error_code::forbidden));
  EXPECT_TRUE(is_member(slug, other_host.account_id));
  ASSERT_TRUE(remove_member(a(), owner, slug, other_host.account_id).ok());
  EXPECT_FALSE(is_member(slug, other_host.account_id));
}

TEST_F(CommunitiesService, NobodyRemovesTheOwner) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  EXPECT_TRUE(fails_with(remove_member(a(), host, slug, owner.account_id), error_code::forbidden));
  EXPECT_TRUE(
      fails_with(remove_member(a(), member_a, slug, owner.account_id), error_code::forbidden));
  EXPECT_TRUE(fails_with(remove_member(a(), owner, slug, owner.account_id),
                         error_code::forbidden));  // nor leaves
  EXPECT_TRUE(is_member(slug, owner.account_id));
}

TEST_F(CommunitiesService, AnyoneButTheOwnerCanLeave) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  ASSERT_TRUE(remove_member(a(), member_a, slug, member_a.account_id).ok());
  ASSERT_TRUE(remove_member(a(), host, slug, host.account_id).ok());
  EXPECT_FALSE(is_member(slug, member_a.account_id));
  EXPECT_FALSE(is_member(slug, host.account_id));
  EXPECT_TRUE(memberships_of(a(), member_a).empty());
  EXPECT_EQ(list_members(a(), owner, slug)->size(), 3u);
}

// --- removal bars rejoining until a host lets the person back ---

TEST_F(CommunitiesService, ARemovedMemberCannotRejoinByAnyLinkUntilLetBackIn) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  auto link = invitations::create_invitation(a(), owner, slug, {});
  ASSERT_TRUE(link.ok());
  const std::int64_t first_number = member_in(owner, slug, member_a.account_id)->member_number;
  t.clock.advance(60'000);
  ASSERT_TRUE(remove_member(a(), host, slug, member_a.account_id).ok());

  EXPECT_TRUE(fails_with(invitations::accept_invitation(a(), member_a, link->code),
                         removed_from_community));
  EXPECT_TRUE(fails_with(invitations::preview_invitation(a(), link->code, member_a),
                         removed_from_community));
  EXPECT_TRUE(invitations::preview_invitation(a(), link->code).ok());  // signed out: the preview
  EXPECT_TRUE(invitations::preview_invitation(a(), link->code, member_b).ok());
  auto later = invitations::create_invitation(a(), owner, slug, {});
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(fails_with(invitations::accept_invitation(a(), member_a, later->code),
                         removed_from_community));
  EXPECT_FALSE(is_member(slug, member_a.account_id));

  auto removed = list_removed(a(), owner, slug);
  ASSERT_TRUE(removed.ok());
  ASSERT_EQ(removed->size(), 1u);
  const removal& r = removed->front();
  EXPECT_EQ(r.account_id, member_a.account_id);
  EXPECT_EQ(r.display_name, "Mia");
  EXPECT_EQ(r.member_number, first_number);
  EXPECT_EQ(r.member_role, role::member);
  EXPECT_EQ(r.removed_by, host.account_id);
  EXPECT_EQ(r.removed_by_name, "Hugo");
  EXPECT_EQ(r.removed_at, testing::test_epoch + 60'000);

  ASSERT_TRUE(let_back_in(a(), other_host, slug, member_a.account_id).ok());
  EXPECT_TRUE(list_removed(a(), owner, slug)->empty());
  auto back = invitations::accept_invitation(a(), member_a, link->code);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->is_new);
  EXPECT_GT(back->membership.member_number, first_number);  // numbers are never reused
  EXPECT_EQ(back->membership.member_role, role::member);
}

TEST_F(CommunitiesService, LeavingBarsNothing) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  auto link = invitations::create_invitation(a(), owner, slug, {});
  ASSERT_TRUE(link.ok());
  ASSERT_TRUE(remove_member(a(), member_a, slug, member_a.account_id).ok());  // leaves
  EXPECT_TRUE(list_removed(a(), owner, slug)->empty());
  EXPECT_TRUE(invitations::preview_invitation(a(), link->code, member_a).ok());
  EXPECT_TRUE(invitations::accept_invitation(a(), member_a, link->code).ok());
}

TEST_F(CommunitiesService, RemovalRevokesTheRemovedMembersOwnInvitationsOnly) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  ASSERT_TRUE(update_community(a(), owner, slug, community_changes{{}, {}, {}, {}, true, {}}).ok());
  auto own = invitations::create_invitation(a(), member_a, slug, {});
  auto others = invitations::create_invitation(a(), member_b, slug, {});
  ASSERT_TRUE(own.ok() && others.ok());
  const caller stranger = t.person("Sam");
  ASSERT_TRUE(remove_member(a(), owner, slug, member_a.account_id).ok());
  EXPECT_TRUE(fails_with(invitations::accept_invitation(a(), stranger, own->code),
                         invitations::invitation_revoked));
  EXPECT_TRUE(
      fails_with(invitations::preview_invitation(a(), own->code), invitations::invitation_revoked));
  EXPECT_TRUE(invitations::accept_invitation(a(), stranger, others->code).ok());
  // Leaving keeps one's links alive (they are revocable by the hosts).
  auto leaver_link = invitations::create_invitation(a(), member_b, slug, {});
  ASSERT_TRUE(leaver_link.ok());
  ASSERT_TRUE(remove_member(a(), member_b, slug, member_b.account_id).ok());
  EXPECT_TRUE(invitations::preview_invitation(a(), leaver_link->code).ok());
}

TEST_F(CommunitiesService, OnlyHostsSeeAndLiftRemovalsAndOnlyTheOwnerForAHost) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  ASSERT_TRUE(remove_member(a(), owner, slug, other_host.account_id).ok());
  ASSERT_TRUE(remove_member(a(), host, slug, member_b.account_id).ok());
  EXPECT_TRUE(fails_with(list_removed(a(), member_a, slug), error_code::forbidden));
  EXPECT_TRUE(fails_with(list_removed(a(), member_b, slug), error_code::not_found));
  auto seen = list_removed(a(), host, slug);
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ(seen->at(0).account_id, member_b.account_id);  // most recent first
  EXPECT_EQ(seen->at(1).member_role, role::host);

  EXPECT_TRUE(
      fails_with(let_back_in(a(), member_a, slug, member_b.account_id), error_code::forbidden));
  EXPECT_TRUE(
      fails_with(let_back_in(a(), member_b, slug, member_b.account_id), error_code::not_found));
  EXPECT_TRUE(
      fails_with(let_back_in(a(), host, slug, other_host.account_id), error_code::forbidden));
  EXPECT_TRUE(fails_with(let_back_in(a(), host, slug, member_a.account_id), error_code::not_found));
  EXPECT_EQ(list_removed(a(), owner, slug)->size(), 2u);
  ASSERT_TRUE(let_back_in(a(), owner, slug, other_host.account_id).ok());
  ASSERT_TRUE(let_back_in(a(), host, slug, member_b.account_id).ok());
  EXPECT_TRUE(fails_with(let_back_in(a(), host, slug, member_b.account_id), error_code::not_found));
}

TEST_F(CommunitiesService, RemovalsBelongToTheirCommunity) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  const caller zoe = t.person("Zoe");
  const std::string elsewhere = t.community(zoe, "Le club");
  ASSERT_TRUE(remove_member(a(), owner, slug, member_a.account_id).ok());
  EXPECT_TRUE(fails_with(list_removed(a(), zoe, slug), error_code::not_found));
  EXPECT_TRUE(fails_with(let_back_in(a(), zoe, slug, member_a.account_id), error_code::not_found));
  EXPECT_TRUE(
      fails_with(let_back_in(a(), zoe, elsewhere, member_a.account_id), error_code::not_found));
  EXPECT_TRUE(list_removed(a(), zoe, elsewhere)->empty());
  // Removed from one community, welcome in another.
  join(zoe, elsewhere, member_a);
  EXPECT_EQ(list_removed(a(), owner, slug)->size(), 1u);
}

// --- roles and settings ---

TEST_F(CommunitiesService, OnlyTheOwnerChangesRoles) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  EXPECT_TRUE(
      fails_with(change_role(a(), host, slug, member_a.account_id, "host"), error_code::forbidden));
  EXPECT_TRUE(fails_with(change_role(a(), member_a, slug, member_a.account_id, "host"),
                         error_code::forbidden));
  EXPECT_EQ(member_in(owner, slug, member_a.account_id)->member_role, role::member);

  auto promoted = change_role(a(), owner, slug, member_a.account_id, "host");
  ASSERT_TRUE(promoted.ok());
  EXPECT_EQ(promoted->member_role, role::host);
  EXPECT_EQ(member_in(owner, slug, member_a.account_id)->member_role, role::host);
  auto demoted = change_role(a(), owner, slug, host.account_id, "member");
  ASSERT_TRUE(demoted.ok());
  EXPECT_EQ(member_in(owner, slug, host.account_id)->member_role, role::member);
  // Demoted, Hugo can no longer remove members.
  EXPECT_TRUE(
      fails_with(remove_member(a(), host, slug, member_b.account_id), error_code::forbidden));

  EXPECT_TRUE(fails_with(change_role(a(), owner, slug, member_b.account_id, "owner"),
                         error_code::invalid_field, "role"));
  EXPECT_TRUE(fails_with(change_role(a(), owner, slug, member_b.account_id, "admin"),
                         error_code::invalid_field, "role"));
  EXPECT_TRUE(
      fails_with(change_role(a(), owner, slug, owner.account_id, "member"), error_code::forbidden));
  EXPECT_TRUE(fails_with(change_role(a(), owner, slug, 999999, "host"), error_code::not_found));
}

TEST_F(CommunitiesService, OnlyHostsUpdateTheCommunity) {
  const auto [owner, host, other_host, member_a, member_b, slug] = with_roles();
  community_changes rename{std::string("Nouveau nom"), {}, {}, {}, {}, {}};
  EXPECT_TRUE(fails_with(update_community(a(), member_a, slug, rename), error_code::forbidden));
  EXPECT_EQ(access_community(a(), owner, slug)->place.name, "Les voisins");

  auto changed =
      update_community(a(), host, slug,
                       community_changes{std::string(" Nouveau nom "), std::string("Pour tous"),
                                         std::string("en"), std::string("Europe/Paris"), true, 2});
  ASSERT_TRUE(changed.ok());
  auto stored = access_community(a(), member_a, slug);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->place.name, "Nouveau nom");
  EXPECT_EQ(stored->place.description, "Pour tous");
  EXPECT_EQ(stored->place.lang, locale::en);
  EXPECT_EQ(stored->place.timezone, "Europe/Paris");
  EXPECT_TRUE(stored->place.members_can_invite);
  EXPECT_EQ(stored->place.member_invite_quota, 2);
  EXPECT_EQ(stored->place.slug, slug);  // the address does not move

  EXPECT_TRUE(fails_with(
      update_community(a(), owner, slug, community_changes{std::string(""), {}, {}, {}, {}, {}}),
      error_code::invalid_field, "name"));
  EXPECT_TRUE(
      fails_with(update_community(a(), owner, slug,
                                  community_changes{{}, {}, {}, std::string("Nowhere"), {}, {}}),
                 error_code::invalid_field, "timezone"));
  EXPECT_TRUE(fails_with(
      update_community(a(), owner, slug, community_changes{{}, {}, std::string("xx"), {}, {}, {}}),
      error_code::invalid_field, "locale"));
  EXPECT_TRUE(
      fails_with(update_community(a(), owner, slug, community_changes{{}, {}, {}, {}, {}, -1}),
                 error_code::invalid_field, "member_invite_quota"));
  EXPECT_TRUE(
      fails_with(update_community(a(), owner, slug, community_changes{{}, {}, {}, {}, {}, 1001}),
                 error_code::invalid_field, "member_invite_quota"));
  EXPECT_EQ(access_community(a(), owner, slug)->place.member_invite_quota, 2);
}

// --- events ---

TEST_F(CommunitiesService, RemovedMemberGetsMemberRemovedThenNothingMore) {
  const caller ana = t.person("Ana");
  const caller bea = t.person("Bea");
  const std::string slug = t.community(ana);
  const std::string elsewhere = t.community(bea, "Le club");
  join(ana, slug, bea);
  const std::int64_t community_id = id_of(ana, slug);
  const std::int64_t other_id = id_of(bea, elsewhere);
  auto channel = chat::create_channel(a(), ana, slug, "général", "chat");
  auto other_channel = chat::create_channel(a(), bea, elsewhere, "général", "chat");
  ASSERT_TRUE(channel.ok() && other_channel.ok());

  auto bea_sub = std::make_shared<testing::recording_subscriber>();
  auto ana_sub = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(bea_sub, {bea.account_id}, {community_id, other_id});
  t.hub.attach(ana_sub, {ana.account_id}, {community_id});

  ASSERT_TRUE(remove_member(a(), ana, slug, bea.account_id).ok());
  ASSERT_EQ(bea_sub->count(), 1u);
  auto removed = nlohmann::json::parse(bea_sub->texts().at(0));
  EXPECT_EQ(removed.at("type"), "member.removed");
  EXPECT_EQ(removed.at("community_id"), community_id);
  EXPECT_EQ(removed.at("account_id"), bea.account_id);
  EXPECT_EQ(types_of(*ana_sub), (std::vector<std::string>{"member.removed"}));

  ASSERT_TRUE(
      chat::post_message(a(), ana, channel->id, chat::new_message{"encore là ?", {}, {}}).ok());
  EXPECT_EQ(types_of(*bea_sub), (std::vector<std::string>{"member.removed"}));
  EXPECT_EQ(types_of(*ana_sub), (std::vector<std::string>{"member.removed", "message.created"}));

  // Bea's other community still reaches her.
  ASSERT_TRUE(
      chat::post_message(a(), bea, other_channel->id, chat::new_message{"ici oui", {}, {}}).ok());
  EXPECT_EQ(types_of(*bea_sub), (std::vector<std::string>{"member.removed", "message.created"}));
}

TEST_F(CommunitiesService, JoiningStartsTheEventsOfTheCommunity) {
  const caller ana = t.person("Ana");
  const caller bea = t.person("Bea");
  const std::string slug = t.community(ana);
  auto channel = chat::create_channel(a(), ana, slug, "général", "chat");
  ASSERT_TRUE(channel.ok());
  auto bea_sub = std::make_shared<testing::recording_subscriber>();
  t.hub.attach(bea_sub, {bea.account_id}, {});  // connected before belonging anywhere
  join(ana, slug, bea);
  ASSERT_TRUE(
      chat::post_message(a(), ana, channel->id, chat::new_message{"bienvenue", {}, {}}).ok());
  EXPECT_EQ(types_of(*bea_sub), (std::vector<std::string>{"member.joined", "message.created"}));
}

}  // namespace
}  // namespace ps::communities
