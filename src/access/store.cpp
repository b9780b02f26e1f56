#include "access/store.hpp"

#include <algorithm>

#include "chat/store.hpp"
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

// Columns 0–7: the room itself (chat::store::read_channel), as every query here selects it first.
room_facts read_facts(const db::row& r) {
  room_facts f;
  f.room = chat::store::read_channel(r);
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

std::vector<listed_room> rooms_of_community(db::session& s, std::int64_t community_id,
                                            std::int64_t account_id) {
  std::vector<listed_room> out;
  for (const auto& r :
       s.query("SELECT ch.id, ch.community_id, ch.name, ch.kind, ch.archived_at, ch.last_seq, "
               "ch.created_at, ch.visibility, CASE WHEN ch.visibility = 'community' THEN 0 ELSE "
               "CAST(EXISTS (SELECT 1 FROM channel_participants p WHERE p.channel_id = ch.id AND "
               "p.account_id = $2) AS INTEGER) END FROM channels ch WHERE ch.community_id = $1 "
               "ORDER BY ch.id",
               community_id, account_id)) {
    out.push_back({chat::store::read_channel(r), r.boolean(8)});
  }
  return out;
}

std::map<room_key, room_facts> room_facts_for(db::session& s, std::span<const room_key> asked) {
  std::map<room_key, room_facts> out;
  if (asked.empty()) return out;
  std::vector<std::int64_t> rooms, accounts;
  for (const auto& k : asked) {
    if (std::ranges::find(rooms, k.channel_id) == rooms.end()) rooms.push_back(k.channel_id);
    if (std::ranges::find(accounts, k.account_id) == accounts.end())
      accounts.push_back(k.account_id);
  }
  // Each room once, with a row for each of the asked accounts that is a member of its community
  // (or one row without a member): one index probe per room and account, where one
  // room_facts_of per question cost 1.5 ms for 64 (measured with pg_stat_statements). Both lists
  // are padded with their last item (db/sql_lists.hpp).
  const std::size_t room_slots = db::padded_size(rooms.size()),
                    account_slots = db::padded_size(accounts.size());
  const std::string q =
      facts_select("m.account_id", ", m.account_id") + "channels ch" +
      " LEFT JOIN memberships m ON m.community_id = ch.community_id AND m.left_at IS NULL AND "
      "m.account_id IN (" +
      db::placeholder_list(account_slots) +
      ") LEFT JOIN accounts a ON a.id = m.account_id WHERE ch.id IN (" +
      db::placeholder_list(room_slots, account_slots + 1) + ")";
  std::vector<db::param> params;
  const auto id = [](std::int64_t v, std::vector<db::param>& p) { p.emplace_back(v); };
  db::append_padded(params, std::span<const std::int64_t>(accounts), account_slots, id);
  db::append_padded(params, std::span<const std::int64_t>(rooms), room_slots, id);
  std::map<std::int64_t, room_facts> as_stranger;  // room -> its facts for a non-member
  for (auto& r : s.query_params(q, params)) {
    room_facts f = read_facts(r);
    if (r.is_null(11)) {
      as_stranger.emplace(f.room.id, std::move(f));
      continue;
    }
    room_facts stranger = f;
    stranger.is_member = false;
    stranger.member_role = communities::role::member;
    stranger.member_name.clear();
    stranger.participant = false;
    as_stranger.emplace(f.room.id, std::move(stranger));
    out.emplace(room_key{f.room.id, r.integer(11)}, std::move(f));
  }
  // An asked account that is no member: the room's facts, as room_facts_of gives them then.
  for (const auto& k : asked)
    if (!out.contains(k))
      if (auto room = as_stranger.find(k.channel_id); room != as_stranger.end())
        out.emplace(k, room->second);
  return out;
}

std::vector<std::int64_t> current_hosts(db::session& s, std::int64_t community_id) {
  std::vector<std::int64_t> out;
  for (auto& r : s.query("SELECT account_id FROM memberships WHERE community_id = $1 AND left_at "
                         "IS NULL AND role IN ('owner', 'host') ORDER BY account_id",
                         community_id))
    out.push_back(r.integer(0));
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

void end_participations(db::transaction& tx, std::int64_t community_id, std::int64_t account_id) {
  tx.execute(
      "DELETE FROM channel_participants WHERE account_id = $2 AND channel_id IN (SELECT id FROM "
      "channels WHERE community_id = $1)",
      community_id, account_id);
}

}  // namespace ps::access::store
