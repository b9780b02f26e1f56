#include "push/store.hpp"

namespace ps::push::store {

std::int64_t save(db::transaction& tx, const subscription& sub) {
  return tx
      .query_one(
          "INSERT INTO push_subscriptions (account_id, session_id, token_id, endpoint, p256dh, "
          "auth, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (endpoint) DO "
          "UPDATE SET account_id = excluded.account_id, session_id = excluded.session_id, "
          "token_id = excluded.token_id, p256dh = excluded.p256dh, auth = excluded.auth, "
          "created_at = excluded.created_at RETURNING id",
          sub.account_id, sub.session_id, sub.token_id, sub.endpoint, sub.p256dh, sub.auth,
          sub.created_at)
      ->integer(0);
}

bool remove(db::transaction& tx, std::int64_t account_id, const std::string& endpoint) {
  return tx.execute("DELETE FROM push_subscriptions WHERE account_id = $1 AND endpoint = $2",
                    account_id, endpoint) > 0;
}

void drop(db::transaction& tx, std::int64_t id) {
  tx.execute("DELETE FROM push_subscriptions WHERE id = $1", id);
}

void mark_sent(db::transaction& tx, std::int64_t id, millis at) {
  tx.execute("UPDATE push_subscriptions SET last_sent_at = $2 WHERE id = $1", id, at);
}

std::vector<subscription> of_account(db::session& s, std::int64_t account_id) {
  std::vector<subscription> out;
  for (const auto& r :
       s.query("SELECT p.id, p.account_id, p.session_id, p.token_id, p.endpoint, p.p256dh, p.auth, "
               "p.created_at FROM push_subscriptions p LEFT JOIN sessions s ON s.id = p.session_id "
               "LEFT JOIN personal_tokens t ON t.id = p.token_id WHERE p.account_id = $1 AND "
               "(p.session_id IS NULL OR s.revoked_at IS NULL) AND (p.token_id IS NULL OR "
               "t.revoked_at IS NULL) ORDER BY p.id",
               account_id))
    out.push_back({r.integer(0), r.integer(1), r.maybe_integer(2), r.maybe_integer(3), r.text(4),
                   r.text(5), r.text(6), r.integer(7)});
  return out;
}

std::int64_t keep_newest(db::transaction& tx, std::int64_t account_id, int keep) {
  return tx.execute(
      "DELETE FROM push_subscriptions WHERE account_id = $1 AND id NOT IN (SELECT id FROM "
      "push_subscriptions WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)",
      account_id, keep);
}

std::optional<std::string> key_named(db::session& s, const std::string& name) {
  auto r = s.query_one("SELECT value FROM server_keys WHERE name = $1", name);
  if (!r) return std::nullopt;
  return r->text(0);
}

void insert_key_if_absent(db::transaction& tx, const std::string& name, const std::string& value,
                          millis at) {
  tx.execute(
      "INSERT INTO server_keys (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) "
      "DO NOTHING",
      name, value, at);
}

void mark_active(db::transaction& tx, const std::string& node,
                 std::span<const std::int64_t> accounts, millis until) {
  for (auto id : accounts)
    tx.execute_pipelined(
        "INSERT INTO presence (account_id, node, active_until) VALUES ($1, $2, $3) ON CONFLICT "
        "(account_id, node) DO UPDATE SET active_until = excluded.active_until",
        id, node, until);
}

void mark_inactive(db::transaction& tx, const std::string& node,
                   std::span<const std::int64_t> accounts, millis at) {
  for (auto id : accounts)
    tx.execute_pipelined(
        "UPDATE presence SET active_until = $3 WHERE account_id = $1 AND node = $2 AND "
        "active_until > $3",
        id, node, at);
}

bool active(db::session& s, std::int64_t account_id, millis now) {
  return s
      .query_one("SELECT 1 FROM presence WHERE account_id = $1 AND active_until > $2", account_id,
                 now)
      .has_value();
}

std::set<std::int64_t> active_accounts(db::session& s, millis now) {
  std::set<std::int64_t> out;
  for (const auto& r :
       s.query("SELECT DISTINCT account_id FROM presence WHERE active_until > $1", now))
    out.insert(r.integer(0));
  return out;
}

}  // namespace ps::push::store
