#include "tiers/store.hpp"

namespace ps::tiers::store {
namespace {

constexpr const char* tier_select =
    "SELECT id, community_id, name_fr, name_en, description_fr, description_en, position, "
    "price_cents, currency, price_period, created_at, updated_at, deleted_at FROM tiers ";

tier tier_of(const db::row& r) {
  tier t;
  t.id = r.integer(0);
  t.community_id = r.integer(1);
  t.name_fr = r.text(2);
  t.name_en = r.text(3);
  t.description_fr = r.text(4);
  t.description_en = r.text(5);
  t.position = static_cast<int>(r.integer(6));
  t.price_cents = r.maybe_integer(7);
  t.currency = r.text(8);
  t.price_period = r.text(9);
  t.created_at = r.integer(10);
  t.updated_at = r.integer(11);
  t.deleted_at = r.maybe_integer(12);
  return t;
}

}  // namespace

std::int64_t insert_tier(db::transaction& tx, const tier& t) {
  return tx
      .query_one(
          "INSERT INTO tiers (community_id, name_fr, name_en, description_fr, description_en, "
          "position, price_cents, currency, price_period, created_at, updated_at) VALUES ($1, $2, "
          "$3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
          t.community_id, t.name_fr, t.name_en, t.description_fr, t.description_en,
          static_cast<std::int64_t>(t.position), t.price_cents, t.currency, t.price_period,
          t.created_at, t.updated_at)
      ->integer(0);
}

void update_tier(db::transaction& tx, const tier& t) {
  tx.execute(
      "UPDATE tiers SET name_fr = $1, name_en = $2, description_fr = $3, description_en = $4, "
      "position = $5, price_cents = $6, currency = $7, price_period = $8, updated_at = $9, "
      "deleted_at = $10 WHERE id = $11",
      t.name_fr, t.name_en, t.description_fr, t.description_en,
      static_cast<std::int64_t>(t.position), t.price_cents, t.currency, t.price_period,
      t.updated_at, t.deleted_at, t.id);
}

std::optional<tier> tier_by_id(db::session& s, std::int64_t id) {
  auto r = s.query_one(std::string(tier_select) + "WHERE id = $1", id);
  if (!r) return std::nullopt;
  return tier_of(*r);
}

std::vector<tier> tiers_of(db::session& s, std::int64_t community_id) {
  std::vector<tier> out;
  for (auto& r : s.query(std::string(tier_select) +
                             "WHERE community_id = $1 AND deleted_at IS NULL ORDER BY position, id",
                         community_id))
    out.push_back(tier_of(r));
  return out;
}

std::int64_t tier_count(db::session& s, std::int64_t community_id) {
  return s
      .query_one("SELECT COUNT(*) FROM tiers WHERE community_id = $1 AND deleted_at IS NULL",
                 community_id)
      ->integer(0);
}

int next_position(db::session& s, std::int64_t community_id) {
  return static_cast<int>(
      s.query_one("SELECT COALESCE(MAX(position) + 1, 0) FROM tiers WHERE community_id = $1 AND "
                  "deleted_at IS NULL",
                  community_id)
          ->integer(0));
}

std::vector<std::int64_t> holders_of(db::session& s, std::int64_t tier_id) {
  std::vector<std::int64_t> out;
  for (auto& r : s.query(
           "SELECT account_id FROM member_tiers WHERE tier_id = $1 ORDER BY account_id", tier_id))
    out.push_back(r.integer(0));
  return out;
}

std::map<std::int64_t, std::int64_t> holders(db::session& s, std::int64_t community_id,
                                             millis now) {
  std::map<std::int64_t, std::int64_t> out;
  for (auto& r : s.query(
           "SELECT g.tier_id, COUNT(*) FROM member_tiers g JOIN memberships m ON "
           "m.community_id = g.community_id AND m.account_id = g.account_id AND m.left_at IS NULL "
           "WHERE g.community_id = $1 AND (g.ends_at IS NULL OR g.ends_at > $2) GROUP BY g.tier_id",
           community_id, now))
    out[r.integer(0)] = r.integer(1);
  return out;
}

std::vector<grant> grants_of(db::session& s, std::int64_t community_id, std::int64_t account_id) {
  std::vector<grant> out;
  for (auto& r :
       s.query("SELECT g.tier_id, g.account_id, g.granted_by, g.granted_at, g.ends_at FROM "
               "member_tiers g JOIN tiers t ON t.id = g.tier_id AND t.deleted_at IS NULL WHERE "
               "g.community_id = $1 AND g.account_id = $2 ORDER BY t.position, t.id",
               community_id, account_id)) {
    grant g;
    g.tier_id = r.integer(0);
    g.account_id = r.integer(1);
    g.granted_by = r.maybe_integer(2);
    g.granted_at = r.integer(3);
    g.ends_at = r.maybe_integer(4);
    out.push_back(g);
  }
  return out;
}

void delete_grants(db::transaction& tx, std::int64_t community_id, std::int64_t account_id) {
  tx.execute("DELETE FROM member_tiers WHERE community_id = $1 AND account_id = $2", community_id,
             account_id);
}

void insert_grant(db::transaction& tx, std::int64_t community_id, const grant& g) {
  tx.execute(
      "INSERT INTO member_tiers (community_id, account_id, tier_id, granted_by, granted_at, "
      "ends_at) VALUES ($1, $2, $3, $4, $5, $6)",
      community_id, g.account_id, g.tier_id, g.granted_by, g.granted_at, g.ends_at);
}

void delete_grants_of_tier(db::transaction& tx, std::int64_t tier_id) {
  tx.execute("DELETE FROM member_tiers WHERE tier_id = $1", tier_id);
}

void insert_invitation_tier(db::transaction& tx, std::int64_t invitation_id, std::int64_t tier_id) {
  tx.execute("INSERT INTO invitation_tiers (invitation_id, tier_id) VALUES ($1, $2)", invitation_id,
             tier_id);
}

std::vector<std::int64_t> tiers_of_invitation(db::session& s, std::int64_t invitation_id) {
  std::vector<std::int64_t> out;
  for (auto& r : s.query("SELECT it.tier_id FROM invitation_tiers it JOIN tiers t ON t.id = "
                         "it.tier_id AND t.deleted_at IS NULL WHERE it.invitation_id = $1 ORDER BY "
                         "t.position, t.id",
                         invitation_id))
    out.push_back(r.integer(0));
  return out;
}

std::map<std::int64_t, std::vector<std::int64_t>> tiers_of_invitations(db::session& s,
                                                                       std::int64_t community_id) {
  std::map<std::int64_t, std::vector<std::int64_t>> out;
  for (auto& r :
       s.query("SELECT it.invitation_id, it.tier_id FROM invitation_tiers it JOIN tiers t "
               "ON t.id = it.tier_id AND t.deleted_at IS NULL WHERE t.community_id = $1 "
               "ORDER BY it.invitation_id, t.position, t.id",
               community_id))
    out[r.integer(0)].push_back(r.integer(1));
  return out;
}

}  // namespace ps::tiers::store
