#include "notifications/digest_store.hpp"

namespace ps::notifications::digest_store {

std::vector<away_member> away_members(db::session& s, std::int64_t after_id, millis now,
                                      millis away_before, millis daily_ms, millis weekly_ms,
                                      int limit) {
  std::vector<away_member> out;
  for (auto& r : s.query(
           "SELECT id, digest, last_sent_at, last_active FROM (SELECT a.id, COALESCE(ns.digest, "
           "'weekly') AS digest, d.last_sent_at, COALESCE((SELECT MAX(p.active_until) FROM "
           "presence "
           "p WHERE p.account_id = a.id), a.created_at) AS last_active FROM accounts a LEFT JOIN "
           "notification_settings ns ON ns.account_id = a.id LEFT JOIN digests d ON d.account_id "
           "= a.id WHERE a.id > $1) x WHERE digest <> 'off' AND last_active <= $2 AND "
           "(last_sent_at IS NULL OR last_sent_at <= $3 - CASE WHEN digest = 'daily' THEN $4 ELSE "
           "$5 END) ORDER BY id LIMIT $6",
           after_id, away_before, now, daily_ms, weekly_ms, limit)) {
    away_member m;
    m.account_id = r.integer(0);
    m.digest = r.text(1);
    m.last_sent_at = r.maybe_integer(2);
    m.last_active = r.integer(3);
    out.push_back(std::move(m));
  }
  return out;
}

std::int64_t new_messages(db::session& s, std::int64_t channel_id, std::int64_t reader,
                          millis since) {
  return s
      .query_one(
          "SELECT COUNT(*) FROM messages WHERE channel_id = $1 AND author_id <> $2 AND "
          "created_at > $3 AND deleted_at IS NULL",
          channel_id, reader, since)
      ->integer(0);
}

std::int64_t unread_notifications(db::session& s, std::int64_t account_id, millis since) {
  return s
      .query_one(
          "SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL AND "
          "created_at > $2",
          account_id, since)
      ->integer(0);
}

void mark_sent(db::transaction& tx, std::int64_t account_id, millis at) {
  tx.execute(
      "INSERT INTO digests (account_id, last_sent_at) VALUES ($1, $2) ON CONFLICT "
      "(account_id) DO UPDATE SET last_sent_at = excluded.last_sent_at",
      account_id, at);
}

}  // namespace ps::notifications::digest_store
