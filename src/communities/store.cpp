#include "communities/store.hpp"

namespace ps::communities::store {
namespace {

constexpr const char* community_select =
    "SELECT c.id, c.slug, c.name, c.description, c.locale, c.timezone, c.owner_id, c.created_at, "
    "c.members_can_invite, c.member_invite_quota FROM communities c ";

community read_community(const db::row& r) {
  community c;
  c.id = r.integer(0);
  c.slug = r.text(1);
  c.name = r.text(2);
  c.description = r.text(3);
  parse_locale(r.text(4), c.lang);
  c.timezone = r.text(5);
  c.owner_id = r.integer(6);
  c.created_at = r.integer(7);
  c.members_can_invite = r.boolean(8);
  c.member_invite_quota = r.integer(9);
  return c;
}

constexpr const char* membership_select =
    "SELECT m.community_id, c.slug, c.name, m.account_id, m.member_number, m.role, m.joined_at, m.invited_by "
    "FROM memberships m JOIN communities c ON c.id = m.community_id ";

membership read_membership(const db::row& r) {
  membership m;
  m.community_id = r.integer(0);
  m.community_slug = r.text(1);
  m.community_name = r.text(2);
  m.account_id = r.integer(3);
  m.member_number = r.integer(4);
  parse_role(r.text(5), m.member_role);
  m.joined_at = r.integer(6);
  m.invited_by = r.maybe_integer(7);
  return m;
}

constexpr const char* member_select =
    "SELECT m.account_id, a.display_name, m.member_number, m.role, m.joined_at, m.invited_by "
    "FROM memberships m JOIN accounts a ON a.id = m.account_id ";

member read_member(const db::row& r) {
  member m;
  m.account_id = r.integer(0);
  m.display_name = r.text(1);
  m.member_number = r.integer(2);
  parse_role(r.text(3), m.member_role);
  m.joined_at = r.integer(4);
  m.invited_by = r.maybe_integer(5);
  return m;
}

constexpr const char* removal_select =
    "SELECT r.account_id, a.display_name, m.member_number, m.role, r.removed_at, r.removed_by, "
    "b.display_name FROM removals r JOIN accounts a ON a.id = r.account_id "
    "JOIN memberships m ON m.id = r.membership_id JOIN accounts b ON b.id = r.removed_by ";

removal read_removal(const db::row& r) {
  removal out;
  out.account_id = r.integer(0);
  out.display_name = r.text(1);
  out.member_number = r.integer(2);
  parse_role(r.text(3), out.member_role);
  out.removed_at = r.integer(4);
  out.removed_by = r.integer(5);
  out.removed_by_name = r.text(6);
  return out;
}

}  // namespace

std::optional<community> community_by_slug(db::session& s, const std::string& slug) {
  static const std::string sql = std::string(community_select) + "WHERE c.slug = $1";
  auto r = s.query_one(sql, slug);
  if (!r) return std::nullopt;
  return read_community(*r);
}

std::optional<community> community_by_id(db::session& s, std::int64_t id) {
  static const std::string sql = std::string(community_select) + "WHERE c.id = $1";
  auto r = s.query_one(sql, id);
  if (!r) return std::nullopt;
  return read_community(*r);
}

std::int64_t member_count(db::session& s, std::int64_t community_id) {
  return s.query_one("SELECT COUNT(*) FROM memberships WHERE community_id = $1 AND left_at IS NULL", community_id)
      ->integer(0);
}

bool slug_exists(db::session& s, const std::string& slug) {
  return s.query_one("SELECT 1 FROM communities WHERE slug = $1", slug).has_value();
}

std::int64_t insert_community(db::transaction& tx, const community& c) {
  return tx.query_one(
               "INSERT INTO communities (slug, name, description, locale, timezone, owner_id, created_at, "
               "members_can_invite, member_invite_quota) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
               "RETURNING id",
               c.slug, c.name, c.description, locale_name(c.lang), c.timezone, c.owner_id, c.created_at,
               c.members_can_invite, c.member_invite_quota)
      ->integer(0);
}

void update_community(db::transaction& tx, const community& c) {
  tx.execute(
      "UPDATE communities SET name = $1, description = $2, locale = $3, timezone = $4, "
      "members_can_invite = $5, member_invite_quota = $6 WHERE id = $7",
      c.name, c.description, locale_name(c.lang), c.timezone, c.members_can_invite, c.member_invite_quota,
      c.id);
}

std::optional<membership> current_membership(db::session& s, std::int64_t community_id,
                                             std::int64_t account_id) {
  static const std::string sql =
      std::string(membership_select) + "WHERE m.community_id = $1 AND m.account_id = $2 AND m.left_at IS NULL";
  auto r = s.query_one(sql, community_id, account_id);
  if (!r) return std::nullopt;
  return read_membership(*r);
}

std::vector<membership> memberships_of_account(db::session& s, std::int64_t account_id) {
  static const std::string sql =
      std::string(membership_select) + "WHERE m.account_id = $1 AND m.left_at IS NULL ORDER BY m.joined_at, m.id";
  std::vector<membership> out;
  for (auto& r : s.query(sql, account_id)) out.push_back(read_membership(r));
  return out;
}

std::vector<member> current_members(db::session& s, std::int64_t community_id) {
  static const std::string sql =
      std::string(member_select) + "WHERE m.community_id = $1 AND m.left_at IS NULL ORDER BY m.member_number";
  std::vector<member> out;
  for (auto& r : s.query(sql, community_id)) out.push_back(read_member(r));
  return out;
}

std::optional<member> current_member(db::session& s, std::int64_t community_id, std::int64_t account_id) {
  static const std::string sql =
      std::string(member_select) + "WHERE m.community_id = $1 AND m.account_id = $2 AND m.left_at IS NULL";
  auto r = s.query_one(sql, community_id, account_id);
  if (!r) return std::nullopt;
  return read_member(*r);
}

std::vector<std::int64_t> community_ids_of_account(db::session& s, std::int64_t account_id) {
  std::vector<std::int64_t> out;
  for (auto& r : s.query("SELECT community_id FROM memberships WHERE account_id = $1 AND left_at IS NULL",
                         account_id))
    out.push_back(r.integer(0));
  return out;
}

membership insert_membership(db::transaction& tx, const community& c, std::int64_t account_id, role r,
                             std::optional<std::int64_t> invited_by, std::optional<std::int64_t> invitation_id,
                             millis now) {
  const auto number = tx.query_one(
                            "UPDATE communities SET last_member_number = last_member_number + 1 "
                            "WHERE id = $1 RETURNING last_member_number",
                            c.id)
                          ->integer(0);
  tx.execute(
      "INSERT INTO memberships (community_id, account_id, member_number, role, joined_at, invited_by, "
      "invitation_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      c.id, account_id, number, role_name(r), now, invited_by, invitation_id);
  return membership{c.id, c.slug, c.name, account_id, number, r, now, invited_by};
}

void end_membership(db::transaction& tx, std::int64_t community_id, std::int64_t account_id, millis now) {
  tx.execute(
      "UPDATE memberships SET left_at = $1 WHERE community_id = $2 AND account_id = $3 AND left_at IS NULL",
      now, community_id, account_id);
}

void set_role(db::transaction& tx, std::int64_t community_id, std::int64_t account_id, role r) {
  tx.execute("UPDATE memberships SET role = $1 WHERE community_id = $2 AND account_id = $3 AND left_at IS NULL",
             role_name(r), community_id, account_id);
}

void insert_removal(db::transaction& tx, std::int64_t community_id, std::int64_t account_id,
                    std::int64_t removed_by, millis now) {
  tx.execute(
      "INSERT INTO removals (community_id, account_id, membership_id, removed_by, removed_at) "
      "SELECT community_id, account_id, id, $3, $4 FROM memberships "
      "WHERE community_id = $1 AND account_id = $2 AND left_at IS NULL",
      community_id, account_id, removed_by, now);
}

bool is_removed(db::session& s, std::int64_t community_id, std::int64_t account_id) {
  auto r = s.query_one(
      "SELECT 1 FROM removals WHERE community_id = $1 AND account_id = $2 AND lifted_at IS NULL",
      community_id, account_id);
  return r.has_value();
}

std::vector<removal> current_removals(db::session& s, std::int64_t community_id) {
  static const std::string sql =
      std::string(removal_select) +
      "WHERE r.community_id = $1 AND r.lifted_at IS NULL ORDER BY r.removed_at DESC, r.id DESC";
  std::vector<removal> out;
  for (auto& r : s.query(sql, community_id)) out.push_back(read_removal(r));
  return out;
}

std::optional<removal> current_removal(db::session& s, std::int64_t community_id,
                                       std::int64_t account_id) {
  static const std::string sql =
      std::string(removal_select) +
      "WHERE r.community_id = $1 AND r.account_id = $2 AND r.lifted_at IS NULL";
  auto r = s.query_one(sql, community_id, account_id);
  if (!r) return std::nullopt;
  return read_removal(*r);
}

void lift_removal(db::transaction& tx, std::int64_t community_id, std::int64_t account_id,
                  std::int64_t lifted_by, millis now) {
  tx.execute(
      "UPDATE removals SET lifted_at = $1, lifted_by = $2 "
      "WHERE community_id = $3 AND account_id = $4 AND lifted_at IS NULL",
      now, lifted_by, community_id, account_id);
}

}  // namespace ps::communities::store
