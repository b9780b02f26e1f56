#include "access/store.hpp"

namespace ps::access::store {

std::optional<room_facts> room_facts_of(db::session& s, std::int64_t channel_id,
                                        std::int64_t account_id) {
  auto r = s.query_one(
      "SELECT ch.id, ch.community_id, ch.name, ch.kind, ch.archived_at, ch.last_seq, "
      "ch.created_at, ch.visibility, m.role, a.display_name, "
      // Looked up only for rooms that have participants (SQLite evaluates CASE lazily): the
      // history of a community room, the hottest read, pays nothing for it.
      // (CAST: PostgreSQL's EXISTS is a boolean, which one CASE cannot mix with 0.)
      "CASE WHEN ch.visibility = 'community' THEN 0 ELSE CAST(EXISTS (SELECT 1 FROM "
      "channel_participants p WHERE p.channel_id = ch.id AND p.account_id = $2) AS INTEGER) END "
      "FROM channels ch "
      "LEFT JOIN memberships m ON m.community_id = ch.community_id AND m.account_id = $2 AND "
      "m.left_at IS NULL "
      "LEFT JOIN accounts a ON a.id = m.account_id "
      "WHERE ch.id = $1",
      channel_id, account_id);
  if (!r) return std::nullopt;
  room_facts f;
  f.room.id = r->integer(0);
  f.room.community_id = r->integer(1);
  f.room.name = r->text(2);
  f.room.kind = r->text(3);
  f.room.archived_at = r->maybe_integer(4);
  f.room.last_seq = r->integer(5);
  f.room.created_at = r->integer(6);
  f.room.visibility = r->text(7);
  f.is_member = !r->is_null(8);
  if (f.is_member) {
    communities::parse_role(r->text(8), f.member_role);
    f.member_name = r->text(9);
  }
  f.participant = r->boolean(10);
  return f;
}

std::vector<std::int64_t> current_participants(db::session& s, std::int64_t channel_id) {
  std::vector<std::int64_t> out;
  for (auto& r : s.query(
           "SELECT p.account_id FROM channel_participants p JOIN channels ch ON ch.id = "
           "p.channel_id JOIN memberships m ON m.community_id = ch.community_id AND m.account_id "
           "= p.account_id AND m.left_at IS NULL WHERE p.channel_id = $1 ORDER BY p.account_id",
           channel_id))
    out.push_back(r.integer(0));
  return out;
}

void add_participant(db::transaction& tx, std::int64_t channel_id, std::int64_t account_id,
                     millis now) {
  tx.execute(
      "INSERT INTO channel_participants (channel_id, account_id, added_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (channel_id, account_id) DO NOTHING",
      channel_id, account_id, now);
}

}  // namespace ps::access::store
