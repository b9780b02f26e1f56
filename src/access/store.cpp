#include "access/store.hpp"

#include <algorithm>

#include "db/sql_lists.hpp"

namespace ps::access::store {

namespace {

// The facts' columns, for the account `account` (an SQL expression) in the room `ch`, then
// the columns `trail`.
std::string facts_select(std::string_view account, std::string_view trail = "") {
  const std::string a(account);
  return "SELECT ch.id, ch.community_id, ch.name, ch.kind, ch.archived_at, ch.last_seq, "
         "ch.created_at, ch.visibility, m.role, a.display_name, "
         // Looked up only for rooms that have participants (SQLite evaluates CASE lazily): the
         // history of a community room, the hottest read, pays nothing for it.
         // (CAST: PostgreSQL's EXISTS is a boolean, which one CASE cannot mix with 0.)
         "CASE WHEN ch.visibility = 'community' THEN 0 ELSE CAST(EXISTS (SELECT 1 FROM "
         "channel_participants p WHERE p.channel_id = ch.id AND p.account_id = " +
         a + ") AS INTEGER) END" + std::string(trail) + " FROM ";
}

std::string memberships_join(std::string_view account) {
  const std::string a(account);
  return " LEFT JOIN memberships m ON m.community_id = ch.community_id AND m.account_id = " + a +
         " AND m.left_at IS NULL LEFT JOIN accounts a ON a.id = m.account_id ";
}

room_facts read_facts(const db::row& r) {
  room_facts f;
  f.room.id = r.integer(0);
  f.room.community_id = r.integer(1);
  f.room.name = r.text(2);
  f.room.kind = r.text(3);
  f.room.archived_at = r.maybe_integer(4);
  f.room.last_seq = r.integer(5);
  f.room.created_at = r.integer(6);
  f.room.visibility = r.text(7);
  f.is_member = !r.is_null(8);
  if (f.is_member) {
    communities::parse_role(r.text(8), f.member_role);
    f.member_name = r.text(9);
  }
  f.participant = r.boolean(10);
  return f;
}

}  // namespace

std::optional<room_facts> room_facts_of(db::session& s, std::int64_t channel_id,
                                        std::int64_t account_id) {
  static const std::string q =
      facts_select("$2") + "channels ch" + memberships_join("$2") + "WHERE ch.id = $1";
  auto r = s.query_one(q, channel_id, account_id);
  if (!r) return std::nullopt;
  return read_facts(*r);
}

std::map<room_key, room_facts> room_facts_for(db::session& s, std::span<const room_key> asked) {
  std::map<room_key, room_facts> out;
  if (asked.empty()) return out;
  // room_facts_of's query once per question, padded with the last one (db/sql_lists.hpp); each
  // arm is planned by itself, by the rooms' and memberships' keys.
  const std::size_t slots = db::padded_size(asked.size());
  const std::string q = db::union_all(
      slots, facts_select("?", ", ?") + "channels ch" + memberships_join("?") + "WHERE ch.id = ?");
  std::vector<db::param> params;
  params.reserve(slots * 4);
  for (std::size_t i = 0; i < slots; ++i) {
    const room_key& k = asked[std::min(i, asked.size() - 1)];
    // In the order of the '?': the participant check, the account column, the membership, the
    // room.
    params.emplace_back(k.account_id);
    params.emplace_back(k.account_id);
    params.emplace_back(k.account_id);
    params.emplace_back(k.channel_id);
  }
  for (auto& r : s.query_params(q, params)) {
    const room_key key{r.integer(0), r.integer(11)};
    if (!out.contains(key)) out.emplace(key, read_facts(r));
  }
  return out;
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
