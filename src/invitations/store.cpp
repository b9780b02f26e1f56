#include "invitations/store.hpp"

namespace ps::invitations::store {
namespace {

constexpr const char* select_invitation =
    "SELECT id, code, community_id, created_by, max_uses, uses, expires_at, note, revoked_at, "
    "created_at "
    "FROM invitations ";

invitation read(const db::row& r) {
  return invitation{r.integer(0),
                    r.text(1),
                    r.integer(2),
                    r.integer(3),
                    r.maybe_integer(4),
                    r.integer(5),
                    r.maybe_integer(6),
                    r.text(7),
                    r.maybe_integer(8),
                    r.integer(9),
                    {}};
}

std::vector<invitation> read_all(std::vector<db::row> rows) {
  std::vector<invitation> out;
  for (auto& r : rows) out.push_back(read(r));
  return out;
}

}  // namespace

std::optional<invitation> by_code(db::session& s, const std::string& code) {
  static const std::string sql = std::string(select_invitation) + "WHERE code = $1";
  auto r = s.query_one(sql, code);
  if (!r) return std::nullopt;
  return read(*r);
}

std::vector<invitation> of_community(db::session& s, std::int64_t community_id) {
  static const std::string sql =
      std::string(select_invitation) + "WHERE community_id = $1 ORDER BY id DESC";
  return read_all(s.query(sql, community_id));
}

std::vector<invitation> of_creator(db::session& s, std::int64_t community_id,
                                   std::int64_t account_id) {
  static const std::string sql = std::string(select_invitation) +
                                 "WHERE community_id = $1 AND created_by = $2 ORDER BY id DESC";
  return read_all(s.query(sql, community_id, account_id));
}

std::int64_t count_by_creator(db::session& s, std::int64_t community_id, std::int64_t account_id) {
  return s
      .query_one("SELECT COUNT(*) FROM invitations WHERE community_id = $1 AND created_by = $2",
                 community_id, account_id)
      ->integer(0);
}

std::int64_t insert(db::transaction& tx, const invitation& inv) {
  return tx
      .query_one(
          "INSERT INTO invitations (code, community_id, created_by, max_uses, expires_at, note, "
          "created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          inv.code, inv.community_id, inv.created_by, inv.max_uses, inv.expires_at, inv.note,
          inv.created_at)
      ->integer(0);
}

bool take_one_use(db::transaction& tx, std::int64_t id) {
  return tx.execute(
             "UPDATE invitations SET uses = uses + 1 WHERE id = $1 AND (max_uses IS NULL OR uses < "
             "max_uses)",
             id) > 0;
}

void revoke(db::transaction& tx, std::int64_t id, millis now) {
  tx.execute("UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", now,
             id);
}

void revoke_all_by_creator(db::transaction& tx, std::int64_t community_id, std::int64_t account_id,
                           millis now) {
  tx.execute(
      "UPDATE invitations SET revoked_at = $1 WHERE community_id = $2 AND created_by = $3 "
      "AND revoked_at IS NULL",
      now, community_id, account_id);
}

}  // namespace ps::invitations::store
