#include "conversations/store.hpp"

namespace ps::conversations::store {

void set_direct_key(db::transaction& tx, std::int64_t channel_id, const std::string& key) {
  tx.execute("UPDATE channels SET direct_key = $2 WHERE id = $1", channel_id, key);
}

std::optional<std::int64_t> direct_channel(db::session& s, std::int64_t community_id,
                                           const std::string& key) {
  auto r = s.query_one("SELECT id FROM channels WHERE community_id = $1 AND direct_key = $2",
                       community_id, key);
  if (!r) return std::nullopt;
  return r->integer(0);
}

std::vector<person> participants_of(db::session& s, std::int64_t channel_id) {
  std::vector<person> out;
  for (const auto& r : s.query(
           "SELECT a.id, a.display_name FROM channel_participants p JOIN channels ch ON ch.id = "
           "p.channel_id JOIN memberships m ON m.community_id = ch.community_id AND m.account_id "
           "= p.account_id AND m.left_at IS NULL JOIN accounts a ON a.id = p.account_id WHERE "
           "p.channel_id = $1 ORDER BY p.added_at, a.id",
           channel_id))
    out.push_back({r.integer(0), r.text(1)});
  return out;
}

void remove_participant(db::transaction& tx, std::int64_t channel_id, std::int64_t account_id) {
  tx.execute("DELETE FROM channel_participants WHERE channel_id = $1 AND account_id = $2",
             channel_id, account_id);
}

std::vector<std::int64_t> conversation_ids(db::session& s, std::int64_t community_id,
                                           std::int64_t account_id) {
  std::vector<std::int64_t> out;
  for (const auto& r : s.query(
           "SELECT ch.id FROM channels ch JOIN channel_participants p ON p.channel_id = ch.id AND "
           "p.account_id = $2 WHERE ch.community_id = $1 AND ch.kind IN ('direct', 'group') "
           "ORDER BY ch.id",
           community_id, account_id))
    out.push_back(r.integer(0));
  return out;
}

millis last_activity(db::session& s, const chat::channel& room) {
  auto r = s.query_one(
      "SELECT created_at FROM messages WHERE channel_id = $1 ORDER BY seq DESC LIMIT 1", room.id);
  return r ? r->integer(0) : room.created_at;
}

bool share_a_conversation(db::session& s, std::int64_t community_id, std::int64_t a,
                          std::int64_t b) {
  return s
      .query_one(
          "SELECT 1 FROM channel_participants pa JOIN channel_participants pb ON pb.channel_id = "
          "pa.channel_id AND pb.account_id = $3 JOIN channels ch ON ch.id = pa.channel_id WHERE "
          "pa.account_id = $2 AND ch.community_id = $1 AND ch.kind IN ('direct', 'group') LIMIT 1",
          community_id, a, b)
      .has_value();
}

bool direct_messages_off(db::session& s, std::int64_t community_id) {
  auto r =
      s.query_one("SELECT direct_messages_off FROM conversation_settings WHERE community_id = $1",
                  community_id);
  return r && r->integer(0) != 0;
}

void set_direct_messages_off(db::transaction& tx, std::int64_t community_id, bool off) {
  tx.execute(
      "INSERT INTO conversation_settings (community_id, direct_messages_off) VALUES ($1, $2) ON "
      "CONFLICT (community_id) DO UPDATE SET direct_messages_off = excluded.direct_messages_off",
      community_id, static_cast<std::int64_t>(off));
}

bool known_only(db::session& s, std::int64_t account_id) {
  auto r = s.query_one("SELECT known_only FROM conversation_preferences WHERE account_id = $1",
                       account_id);
  return r && r->integer(0) != 0;
}

void set_known_only(db::transaction& tx, std::int64_t account_id, bool only) {
  tx.execute(
      "INSERT INTO conversation_preferences (account_id, known_only) VALUES ($1, $2) ON CONFLICT "
      "(account_id) DO UPDATE SET known_only = excluded.known_only",
      account_id, static_cast<std::int64_t>(only));
}

}  // namespace ps::conversations::store
